/*
 * cmd_check.c - `iamproof check`: load, build and lint every policy file
 * under the given paths, then report.
 *
 *   paths ─▶ walk (sorted, recursive) ─▶ per file: load ─▶ build ─▶ lint
 *       ─▶ secrets (found, masked in every diagnostic of the file)
 *       ─▶ judge each diagnostic (.iamproof.yaml: disabled, severity,
 *          ignore, baseline; the Sid needs the AST) ─▶ free
 *                                                        (diagnostics own copies)
 *   kept diagnostics ─▶ sort ─▶ report ─▶ summary (with what was suppressed) ─▶ exit code
 *
 * `iamproof baseline` is the same run up to the judging, without the
 * baseline, and writes the fingerprints of what is left instead of a
 * report (config.h has the file's form).
 *
 * With --semantic, a file without errors is also compiled for the
 * evaluator and its statements are put to the prover (iamp_smt_semantic)
 * within a time budget per file.
 *
 * Each document is freed as soon as it is checked, so memory stays that
 * of the largest file plus the diagnostics (in parts, below, only their
 * counts).
 *
 * With -j N (default: the number of CPUs), N threads, this one among
 * them, take the sorted files in turn; each file is checked into a
 * struct check of its own (its diagnostics, what it could not read, its
 * counters, and what it says on standard error in a memory stream), and
 * these are added up in file order by whichever thread finishes the file
 * that is next in order (file_done; no thread waits for another): the
 * output, standard error included, is that of -j 1, byte for byte. In
 * text and JSON the report is written while the threads work (the report
 * was 11% of the instructions, all of it after the last file): the report's
 * head first, then each file's part, which its thread sorted and
 * formatted (iamp_report_part) and then freed but for the counts
 * (iamp_diags_forget), as soon as it and every earlier one are done, then
 * the tail. A file's diagnostics all carry its path and files are sorted
 * by path, so the parts come in the order iamp_diags_sort gives; the
 * configuration's own findings, which sort among them by their path, make
 * the run write at the end as with SARIF, HTML and `baseline`. The
 * library's only state shared by threads is arena.c's pool of chunks,
 * under its lock (its last error is per thread).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "commands.h"
#include "config.h"
#include "diag.h"
#include "error.h"
#include "lint.h"
#include "load.h"
#include "policy.h"
#include "report.h"
#include "secrets.h"
#include "eval.h"
#include "iac.h"
#include "smt.h"
#include "version.h"


/* Directories nested deeper than this are not entered. */
#define WALK_DEPTH 64

struct check {
	FILE *err;  /* standard error, or a file's own stream under -j (see above) */
	unsigned jobs;
	struct iamp_config config;
	bool has_type;
	enum iamp_policy_type type;
	/* --resource-type: its name (lint.h), and the policy type it implies */
	const char *resource_type;
	enum iamp_policy_type resource_policy_type;
	struct iamp_limits limits;
	struct iamp_diags diags;
	char **files;
	size_t file_count, file_cap;
	size_t files_read;  /* loaded: the files the summary counts as checked */
	/* what could not be read, one message each (stderr, SARIF's
	 * toolExecutionNotifications, JSON's "errors"); exit 2 */
	char **unread;
	size_t unread_count;
	bool unread_oom;
	bool internal;
	/* the walk: --follow, and the directories being walked (device and
	 * inode), so that a link back to one of them is a loop */
	bool follow;
	struct { dev_t dev; ino_t ino; } walking[WALK_DEPTH + 1];
	unsigned nwalking;
	/* --semantic */
	bool semantic;
	unsigned budget_ms;
	size_t sem_files, sem_skipped;
	bool quiet;
	unsigned sem_undecided;
	/* suppressed by .iamproof.yaml */
	bool writing_baseline;
	size_t ignored, baselined;
	/* the rules that do no work (diags.off points here): see run() */
	bool off[IAMP_RULE__COUNT];
};

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof check [OPTIONS] [PATH...]\n"
		"Lints every .json, .yaml and .yml file under each PATH (default: .); '-' reads standard input.\n"
		"CloudFormation templates and Terraform plan or state JSON are recognized by their content:\n"
		"each policy they hold is checked as its resource's type (docs/iac.md).\n\n"
		"  -t, --type TYPE      policy type of every file: identity, resource, trust, boundary,\n"
		"                       session, scp, rcp (default: from .iamproof.yaml, else identity)\n"
		"  -c, --config FILE    configuration (default: .iamproof.yaml here or in a parent directory)\n"
		"      --no-config      ignore any .iamproof.yaml\n"
		"  -f, --format FORMAT  text (default), json, sarif or html\n"
		"      --fail-on SEV    exit 1 on findings at or above SEV: error (default), security-warning,\n"
		"                       warning, suggestion\n"
		"      --color, --no-color  colours in text output (default: on a terminal, unless NO_COLOR is set)\n"
		"      --disable RULE   do not report RULE (repeatable)\n"
		"      --follow         follow symbolic links to directories (default: not followed, with a\n"
		"                       note); a link back to a directory being walked is a loop, not entered\n"
		"      --semantic       also ask the prover what the statements do together: statements that\n"
		"                       apply to nothing, redundant Allows, ineffective Denies, NotAction or\n"
		"                       NotResource grants beyond the services named (files without errors)\n"
		"      --semantic-budget MS  time for the semantic checks of one file (default 5000); a check\n"
		"                       out of time reports nothing and the summary counts it\n"
		"      --max-file-bytes N  the largest file read (default 4194304; limits: in .iamproof.yaml)\n"
		"      --max-statements N  statements checked per policy (default 10000; the rest are not)\n"
		"      --max-scp-chars N, --max-rcp-chars N, --max-identity-chars N, --max-trust-chars N\n"
		"                       the size quota of each policy type (AWS's: 10240, 5120, 6144, 2048;\n"
		"                       limits: in .iamproof.yaml); over it is POLICY_SIZE\n"
		"      --resource-type T  the resource a resource policy is attached to, as Access Analyzer's\n"
		"                       ValidatePolicyResourceType: AWS::S3::Bucket, AWS::DynamoDB::Table, ...\n"
		"                       (docs/aa-parity.md); files of no other type are checked as its type\n"
		"      --skip-excluded  skip named files as a directory walk would: hidden paths, node_modules,\n"
		"                       exclude globs, other extensions (for hooks that pass every changed file)\n"
		"  -j, --jobs N         check N files at a time (default: the number of CPUs); the output is\n"
		"                       the same for every N\n"
		"  -q, --quiet          no summary line or notes on standard error\n"
		"\nIn a directory, hidden entries and node_modules are skipped, and so are FIFOs, sockets and\n"
		"devices (with a note). A file that cannot be read, a dangling link with a policy file's\n"
		"extension among them, is an error: the other files are still checked, and the exit code is 2.\n"
		"exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error or a file not read,\n"
		"3 internal error\n");
}

/* A path that could not be read: said on standard error now, kept for
 * the report, and the run exits 2. */
static void __attribute__((format(printf, 2, 3))) unreadable(struct check *c, const char *fmt, ...)
{
	char msg[1024];
	char **u;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(c->err, "iamproof: %s\n", msg);
	u = realloc(c->unread, (c->unread_count + 1) * sizeof(*u));
	if (u) {
		c->unread = u;
		u[c->unread_count] = strdup(msg);
	}
	if (!u || !u[c->unread_count]) {
		c->unread_oom = true;
		return;
	}
	c->unread_count++;
}

static void note(const struct check *c, const char *path, const char *what)
{
	if (!c->quiet)
		fprintf(c->err, "iamproof: note: %s: %s\n", path, what);
}

static void baseline_usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof baseline [OPTIONS] [PATH...]\n"
		"Checks as `iamproof check` does and writes the fingerprints of every finding that is left\n"
		"(after disable and ignore, not after an existing baseline) to a baseline file; name it\n"
		"under `baseline:` in .iamproof.yaml and check reports only findings not in it.\n\n"
		"  -o, --output FILE    the baseline file (default: .iamproof-baseline.json)\n"
		"  -t, --type TYPE, -c, --config FILE, --no-config, --disable RULE, --semantic,\n"
		"  --semantic-budget MS, -q, --quiet   as for check\n");
}

/* `iamproof baseline`: the findings left, written to `path`. */
static int write_baseline(struct check *c, const char *path)
{
	FILE *f;

	if (c->internal || c->diags.oom)
		return EXIT_INTERNAL;
	if (c->unread_count || c->unread_oom)
		return EXIT_USAGE; /* a baseline of part of the files would hide the rest later */
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "iamproof baseline: cannot write %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (iamp_config_write_baseline(f, &c->config, &c->diags) || fclose(f) != 0) {
		fprintf(stderr, "iamproof baseline: cannot write %s\n", path);
		return EXIT_INTERNAL;
	}
	if (!c->quiet)
		fprintf(stderr, "%zu finding%s of %zu file%s written to %s\n", c->diags.count,
			c->diags.count == 1 ? "" : "s", c->file_count, c->file_count == 1 ? "" : "s", path);
	return EXIT_CLEAN;
}

static int add_file(struct check *c, const char *path)
{
	if (c->file_count == c->file_cap) {
		size_t cap = c->file_cap ? c->file_cap * 2 : 64;
		char **f = realloc(c->files, cap * sizeof(*f));

		if (!f)
			return IAMP_ENOMEM;
		c->files = f;
		c->file_cap = cap;
	}
	c->files[c->file_count] = strdup(path);
	if (!c->files[c->file_count])
		return IAMP_ENOMEM;
	c->file_count++;
	return 0;
}

static int walk(struct check *c, const char *path, unsigned depth);

/* One entry of a directory: `lst` is what lstat() says of it. A link is
 * followed to a file; to a directory only with --follow; a dangling link
 * is an error only when its name is a policy file's. */
static int walk_entry(struct check *c, const char *child, const char *name, const struct stat *lst,
		      unsigned depth)
{
	struct stat st = *lst;
	bool link = S_ISLNK(lst->st_mode);

	if (iamp_config_excludes(&c->config, child))
		return 0;
	if (link && stat(child, &st) != 0) {
		if (iamp_policy_file_name(name))
			unreadable(c, "cannot read %s: a symbolic link to nothing (%s)", child, strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (link && !c->follow) {
			note(c, child, "a symbolic link to a directory, not followed (--follow follows it)");
			return 0;
		}
		return walk(c, child, depth + 1);
	}
	if (!S_ISREG(st.st_mode)) {
		note(c, child, "not a regular file (a FIFO, socket or device), skipped");
		return 0;
	}
	return iamp_policy_file_name(name) ? add_file(c, child) : 0;
}

/* Collects policy files under `path` in sorted order. Hidden entries,
 * node_modules and the configuration file itself are skipped. */
static int walk(struct check *c, const char *path, unsigned depth)
{
	struct dirent **names = NULL;
	struct stat self;
	int n, rc = 0;

	if (depth > WALK_DEPTH) {
		unreadable(c, "%s: directories nested too deep; not entered", path);
		return 0;
	}
	if (stat(path, &self) != 0) {
		unreadable(c, "cannot read directory %s: %s", path, strerror(errno));
		return 0;
	}
	for (unsigned i = 0; i < c->nwalking; i++) {
		if (c->walking[i].dev == self.st_dev && c->walking[i].ino == self.st_ino) {
			note(c, path, "a symbolic link loop (the directory is being walked already), not entered");
			return 0;
		}
	}
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		unreadable(c, "cannot read directory %s: %s", path, strerror(errno));
		return 0;
	}
	c->walking[c->nwalking].dev = self.st_dev;
	c->walking[c->nwalking].ino = self.st_ino;
	c->nwalking++;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(path) + strlen(name) + 2;
		char *child;
		struct stat st;

		if (rc || name[0] == '.' || strcmp(name, "node_modules") == 0)
			goto next;
		child = malloc(len);
		if (!child) {
			rc = IAMP_ENOMEM;
			goto next;
		}
		if (strcmp(path, ".") == 0)
			snprintf(child, len, "%s", name);
		else
			snprintf(child, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", name);
		/* A regular file as the directory says (not a link): no lstat,
		 * which the walk, run before the threads start, would pay
		 * once per file (issue 13: -j's serial part). */
		if (names[i]->d_type == DT_REG) {
			memset(&st, 0, sizeof(st));
			st.st_mode = S_IFREG;
			rc = walk_entry(c, child, name, &st, depth);
		} else if (lstat(child, &st) != 0) {
			unreadable(c, "cannot read %s: %s", child, strerror(errno));
		} else {
			rc = walk_entry(c, child, name, &st, depth);
		}
		free(child);
next:
		free(names[i]);
	}
	c->nwalking--;
	free(names);
	return rc;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files in one order whatever the order of the arguments (SARIF's
 * artifacts and the summary do not depend on it), each once. */
static void sort_files(struct check *c)
{
	size_t out = 0;

	if (!c->file_count)
		return; /* files may be NULL, which qsort must not get */
	qsort(c->files, c->file_count, sizeof(*c->files), cmp_path);
	for (size_t i = 0; i < c->file_count; i++) {
		if (out && strcmp(c->files[out - 1], c->files[i]) == 0)
			free(c->files[i]);
		else
			c->files[out++] = c->files[i];
	}
	c->file_count = out;
}

static enum iamp_policy_type type_for(const struct check *c, const char *path)
{
	enum iamp_policy_type t;

	if (c->has_type)
		return c->type;
	if (strcmp(path, "-") != 0 && iamp_config_type_for(&c->config, path, &t))
		return t;
	if (c->resource_type)
		return c->resource_policy_type;
	return c->config.has_default_type ? c->config.default_type : IAMP_POLICY_IDENTITY;
}

/* The request of an example, as one line. */
static void cex_line(char *buf, size_t cap, const struct iamp_cex *x)
{
	size_t n;

	n = (size_t)snprintf(buf, cap, "%s on %s by %s", x->action, x->resource, x->principal);
	for (size_t i = 0; i < x->nkeys && n < cap; i++) {
		n += (size_t)snprintf(buf + n, cap - n, "%s%s=", i ? ", " : " with ", x->keys[i].name);
		for (size_t j = 0; j < x->keys[i].count && n < cap; j++)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", j ? "|" : "", x->keys[i].values[j]);
	}
}

/* A REDUNDANT_STATEMENT already at this statement says the same. */
static bool said_redundant(const struct check *c, size_t first, const struct iamp_statement *st)
{
	for (size_t i = first; i < c->diags.count; i++) {
		const struct iamp_diag *d = &c->diags.items[i];

		if (d->rule == IAMP_RULE_REDUNDANT_STATEMENT && d->span.start.offset == st->span.start.offset)
			return true;
	}
	return false;
}

static const enum iamp_rule_id semantic_rules[] = {
	IAMP_RULE_STATEMENT_NEVER_APPLIES, IAMP_RULE_REDUNDANT_ALLOW, IAMP_RULE_INEFFECTIVE_DENY,
	IAMP_RULE_NOT_ELEMENT_GRANTS_MORE, IAMP_RULE__COUNT
};

static void semantic_check(struct check *c, const char *path, const struct iamp_policy *policy,
			   size_t first)
{
	struct iamp_evaluator *ev = NULL;
	struct iamp_semantic_query q;
	struct iamp_semantic_result r;
	int rc;

	/* the prover's questions are only for these rules */
	if (!iamp_diags_wants_any(&c->diags, semantic_rules))
		return;
	iamp_diags_work_for(&c->diags, semantic_rules);
	for (size_t i = first; i < c->diags.count; i++) {
		if (c->diags.items[i].severity == IAMP_SEV_ERROR) {
			c->sem_skipped++;
			return;
		}
	}
	if (iamp_evaluator_new(&ev) || iamp_evaluator_add(ev, policy->type, 0, policy, path)) {
		fprintf(c->err, "iamproof: %s: %s\n", path, iamp_error_last());
		c->internal = true;
		iamp_evaluator_free(ev);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.ev = ev;
	q.budget_ms = c->budget_ms;
	rc = iamp_smt_semantic(&r, &q);
	if (rc) {
		fprintf(c->err, "iamproof: %s: semantic checks: %s\n", path, iamp_error_last());
		c->internal = true;
		iamp_evaluator_free(ev);
		return;
	}
	c->sem_files++;
	c->sem_undecided += r.undecided;
	if (r.undecided && !c->quiet)
		fprintf(c->err, "iamproof: %s: %u semantic check%s undecided (%s): nothing reported for %s\n",
			path, r.undecided, r.undecided == 1 ? "" : "s", r.reason, r.undecided == 1 ? "it" : "them");
	for (size_t i = 0; i < r.nfindings; i++) {
		const struct iamp_stmt_finding *f = &r.findings[i];
		const struct iamp_statement *st = f->stmt;
		size_t n = st->index + 1;
		char ex[1024];

		switch (f->issue) {
		case IAMP_STMT_NEVER_APPLIES:
			iamp_doc_diag(&c->diags, policy->doc, IAMP_RULE_STATEMENT_NEVER_APPLIES, st->span,
				      "statement %zu applies to no request%s", n,
				      policy->type == IAMP_POLICY_SCP ? " that an SCP governs" : "");
			break;
		case IAMP_STMT_REDUNDANT_ALLOW:
			if (!said_redundant(c, first, st))
				iamp_doc_diag(&c->diags, policy->doc, IAMP_RULE_REDUNDANT_ALLOW, st->span,
					      "every request statement %zu allows is allowed or denied by the "
					      "other statements of the policy", n);
			break;
		case IAMP_STMT_INEFFECTIVE_DENY:
			if (!said_redundant(c, first, st))
				iamp_doc_diag(&c->diags, policy->doc, IAMP_RULE_INEFFECTIVE_DENY, st->span,
					      "every request statement %zu denies is denied by another Deny "
					      "of the policy", n);
			break;
		case IAMP_STMT_NOT_GRANTS_MORE:
			cex_line(ex, sizeof(ex), &f->example);
			iamp_doc_diag(&c->diags, policy->doc, IAMP_RULE_NOT_ELEMENT_GRANTS_MORE,
				      st->action.is_not ? st->action.key_span : st->resource.key_span,
				      "statement %zu allows actions of services the policy never names, "
				      "e.g. %s", n, ex);
			break;
		}
	}
	iamp_semantic_result_free(&r);
	iamp_evaluator_free(ev);
}

/* The prover's semantic checks of one policy of a template or plan. A
 * policy with symbolic parts is not put to the prover: what it does is
 * not known before deploy. */
static void embedded_semantic(void *ctx, const struct iamp_embedded *e, struct iamp_policy *policy, size_t first)
{
	struct check *c = ctx;

	(void)e;
	if (!c->semantic)
		return;
	if (policy->symbolic)
		c->sem_skipped++;
	else
		semantic_check(c, policy->doc->path, policy, first);
}

/* A CloudFormation template or a Terraform plan (iac.h): every policy it
 * holds, of the type its resource gives, its findings labelled with the
 * logical id or address. */
static void check_embedded(struct check *c, struct iamp_document *doc)
{
	if (iamp_iac_lint(doc, &c->limits, &c->diags, embedded_semantic, c)) {
		fprintf(c->err, "iamproof: %s: %s\n", doc->path, iamp_error_last());
		c->internal = true;
	}
}

/* --resource-type gives the type of the files that have none of their
 * own; a file that .iamproof.yaml types otherwise keeps its type, and the
 * option is not applied to it (never silently). */
static void resource_type_not_applied(const struct check *c, const char *path, enum iamp_policy_type type)
{
	char what[256];

	snprintf(what, sizeof what, "--resource-type %s not applied: .iamproof.yaml types the file as %s, not %s",
		 c->resource_type, iamp_policy_type_title(type), iamp_policy_type_title(c->resource_policy_type));
	note(c, path, what);
}

/* The configuration's word on diags[first..] (config.h). */
static void judge(struct check *c, size_t first, const struct iamp_policy *policy)
{
	iamp_config_apply(&c->config, &c->diags, first, policy, !c->writing_baseline, &c->ignored, &c->baselined);
}

static void check_file(struct check *c, const char *path)
{
	size_t first = c->diags.count;
	struct iamp_document *doc = NULL;
	struct iamp_policy *policy = NULL;
	int rc;

	rc = iamp_load_file(&doc, path, &c->limits, &c->diags);
	if (rc == IAMP_EIO) {
		unreadable(c, "%s", iamp_error_last());
		return;
	}
	if (rc) {
		fprintf(c->err, "iamproof: %s: %s\n", path, iamp_error_last());
		c->internal = true;
		return;
	}
	c->files_read++;
	if (doc->root && iamp_iac_kind_of(doc) != IAMP_IAC_NONE) {
		if (c->resource_type)
			note(c, path, "--resource-type not applied: the policies of a template or plan take their type "
				      "from their resource");
		check_embedded(c, doc);
	} else if (doc->root) {
		rc = iamp_policy_build(&policy, doc, type_for(c, path), &c->limits, &c->diags);
		if (rc) {
			fprintf(c->err, "iamproof: %s: %s\n", path, iamp_error_last());
			c->internal = true;
		} else if (policy) {
			if (c->resource_type && policy->type == c->resource_policy_type)
				policy->resource_type = c->resource_type;
			else if (c->resource_type)
				resource_type_not_applied(c, path, policy->type);
			iamp_lint_policy(policy, &c->diags);
			if (c->semantic)
				semantic_check(c, path, policy, first);
		}
	}
	if (c->semantic && !doc->root)
		c->sem_skipped++; /* not even a policy: an error was reported */
	if (doc)
		iamp_secrets_check(doc, &c->diags, first);
	judge(c, first, policy);
	iamp_document_free(doc);
}

/* -j: the files of a run, taken in turn by the threads. Each thread
 * keeps one copy of the run's state (struct check, a few KiB: a copy per
 * file was 5 MB of fresh pages over the managed corpus, most of the
 * second thread's extra cost); what a file gives is kept apart, small,
 * and gathered in file order. */
struct file_out {
	struct iamp_diags diags;
	char *report;       /* its part of the report (parts: see above) */
	size_t reportlen;
	bool borrowed;      /* report is the checking thread's stream, not a copy */
	char **unread;
	size_t unread_count;
	bool unread_oom, internal;
	size_t files_read, sem_files, sem_skipped, ignored, baselined;
	unsigned sem_undecided;
	char *err;          /* what the file said on standard error */
	size_t errlen;
};

struct pool {
	struct check *c;      /* the run: changed only by the thread gathering */
	const struct check *base; /* what the threads copy */
	struct file_out *out; /* one per file, written by the thread that checks it */
	atomic_bool *done;    /* per file: out[i] is written */
	atomic_size_t next;
	/* the report in parts, or NULL: written at the end */
	const struct iamp_report_opts *ropts;
	enum iamp_report_format format;
	const char *joiner;   /* between two parts: iamp_report_joiner, or "" */
	bool wrote;           /* a part was written (the thread gathering's) */
	atomic_size_t gathered; /* files gathered, in file order */
	atomic_bool gathering;  /* a thread is gathering: the one that set it */
};

/* A memory stream a thread keeps for all its files, rewound before each
 * and what the file wrote copied out after (most write nothing): an
 * open_memstream per file was 4% of -j 2's instructions. */
struct scratch {
	FILE *f;
	char *buf;
	size_t len;
};

static int scratch_rewind(struct scratch *s)
{
	return fseeko(s->f, 0, SEEK_SET);
}

/* What was written since the rewind, as a copy (NULL when nothing). */
static int scratch_take(struct scratch *s, char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (fflush(s->f) != 0)
		return -1;
	if (s->len == 0)
		return 0;
	*out = malloc(s->len);
	if (!*out)
		return -1;
	memcpy(*out, s->buf, s->len);
	*outlen = s->len;
	return 0;
}

/* A file's diagnostics, sorted, as its part of the report, left in the
 * thread's stream (o->reportlen bytes: file_done copies them out only
 * when the file cannot be written at once); then freed by the thread
 * that made them, only their counts kept (diag.h): the run's memory
 * stays that of the files being checked, and a thread's heap is not
 * freed into by another. */
static void format_part(const struct pool *p, struct file_out *o, struct scratch *part)
{
	struct iamp_diags made = o->diags;

	iamp_diags_sort(&made);
	if (made.count) {
		if (scratch_rewind(part) ||
		    iamp_report_part(part->f, p->format, made.items, made.count, 0, p->ropts) ||
		    fflush(part->f) != 0)
			o->internal = true;
		else
			o->reportlen = part->len;
	}
	iamp_diags_init(&o->diags);
	o->diags.off = made.off;
	iamp_diags_forget(&o->diags, &made);
}

/* Adds one file's results to the run's; its part of the report, if
 * any, goes to `out` (`joiner` first when a part came before). */
static void gather(struct check *c, struct file_out *w, FILE *out, const char *joiner, bool *wrote)
{
	char **u;

	if (w->err)
		fwrite(w->err, 1, w->errlen, stderr);
	free(w->err);
	if (w->reportlen) {
		if (*wrote)
			fputs(joiner, out);
		fwrite(w->report, 1, w->reportlen, out);
		*wrote = true;
	}
	/* in parts, only the counts are left of the diagnostics (format_part) */
	if (iamp_diags_move(&c->diags, &w->diags)) {
		iamp_diags_clear(&w->diags);
		c->diags.oom = true;
	}
	if (!w->borrowed)
		free(w->report);
	if (w->unread_count) {
		u = realloc(c->unread, (c->unread_count + w->unread_count) * sizeof(*u));
		if (!u) {
			c->unread_oom = true;
			for (size_t k = 0; k < w->unread_count; k++)
				free(w->unread[k]);
		} else {
			c->unread = u;
			memcpy(u + c->unread_count, w->unread, w->unread_count * sizeof(*u));
			c->unread_count += w->unread_count;
		}
	}
	free(w->unread);
	c->unread_oom |= w->unread_oom;
	c->internal |= w->internal;
	c->files_read += w->files_read;
	c->sem_files += w->sem_files;
	c->sem_skipped += w->sem_skipped;
	c->sem_undecided += w->sem_undecided;
	c->ignored += w->ignored;
	c->baselined += w->baselined;
}

/* Whether this thread becomes the one gathering (then it must call
 * gather_done, which ends it). */
static bool become_gatherer(struct pool *p)
{
	return !atomic_exchange(&p->gathering, true);
}

/* The thread gathering: every file done and not yet gathered, in file
 * order, then the role given up. A thread that finished a file while
 * this one gathered left it to this one (it saw `gathering` set): the
 * look at the next file after giving the role up, both sequentially
 * consistent, sees that file done whenever that thread saw the role
 * taken, and takes the role again. */
static void gather_done(struct pool *p)
{
	size_t g = atomic_load(&p->gathered);

	for (;;) {
		while (g < p->c->file_count && atomic_load(&p->done[g])) {
			gather(p->c, &p->out[g], stdout, p->joiner, &p->wrote);
			atomic_store(&p->gathered, ++g);
		}
		atomic_store(&p->gathering, false);
		if (g == p->c->file_count || !atomic_load(&p->done[g]) || !become_gatherer(p))
			return;
		g = atomic_load(&p->gathered);
	}
}

/* A file is done: the thread that finishes a file gathers, in file
 * order, every file done that no thread has gathered yet, unless another
 * thread is at it. No thread ever waits for another, nor takes a lock: a
 * main thread that slept until a batch of files was done cost a context
 * switch per wake-up (about 20 us of CPU each in the virtual machine
 * measured), and a mutex here still put a thread to sleep a few times a
 * run (docs/CONVENTIONS.md). A file that is next in order is written from
 * `part`, the thread's own stream; any other has its part copied out to
 * wait its turn. */
static void file_done(struct pool *p, struct file_out *o, struct scratch *part)
{
	size_t i = (size_t)(o - p->out);

	/* next in order, and the role free: `gathered` stays i, as no
	 * thread gathers past a file that is not done */
	if (atomic_load(&p->gathered) == i && become_gatherer(p)) {
		if (o->reportlen) {
			o->report = part->buf;
			o->borrowed = true;
		}
		gather(p->c, o, stdout, p->joiner, &p->wrote);
		atomic_store(&p->done[i], true);
		atomic_store(&p->gathered, i + 1);
		gather_done(p);
		return;
	}
	if (o->reportlen && !(o->report = malloc(o->reportlen))) {
		fprintf(stderr, "iamproof: %s: out of memory\n", p->base->files[i]);
		o->reportlen = 0;
		o->internal = true;
	} else if (o->reportlen) {
		memcpy(o->report, part->buf, o->reportlen);
	}
	atomic_store(&p->done[i], true);
	if (become_gatherer(p))
		gather_done(p);
}

static void *check_worker(void *arg)
{
	struct pool *p = arg;
	struct check w = *p->base;
	struct scratch err = { 0 }, part = { 0 };
	size_t i;

	err.f = open_memstream(&err.buf, &err.len);
	if (p->ropts)
		part.f = open_memstream(&part.buf, &part.len);
	while ((i = atomic_fetch_add(&p->next, 1)) < p->base->file_count) {
		struct file_out *o = &p->out[i];

		memset(o, 0, sizeof(*o));
		if (!err.f || (p->ropts && !part.f) || scratch_rewind(&err)) {
			fprintf(stderr, "iamproof: %s: out of memory\n", p->base->files[i]);
			o->internal = true;
			file_done(p, o, NULL);
			continue;
		}
		iamp_diags_init(&w.diags);
		w.diags.off = p->base->diags.off;
		w.files_read = 0;
		w.unread = NULL;
		w.unread_count = 0;
		w.unread_oom = false;
		w.internal = false;
		w.sem_files = w.sem_skipped = 0;
		w.sem_undecided = 0;
		w.ignored = w.baselined = 0;
		w.err = err.f;
		check_file(&w, p->base->files[i]);
		if (scratch_take(&err, &o->err, &o->errlen))
			w.internal = true;
		o->diags = w.diags;
		o->unread = w.unread;
		o->unread_count = w.unread_count;
		o->unread_oom = w.unread_oom;
		o->internal = w.internal;
		o->files_read = w.files_read;
		o->sem_files = w.sem_files;
		o->sem_skipped = w.sem_skipped;
		o->sem_undecided = w.sem_undecided;
		o->ignored = w.ignored;
		o->baselined = w.baselined;
		if (p->ropts)
			format_part(p, o, &part);
		file_done(p, o, &part);
	}
	if (err.f)
		fclose(err.f);
	if (part.f)
		fclose(part.f);
	free(err.buf);
	free(part.buf);
	return NULL;
}

/* Checks every file: in order on this thread with -j 1 (or one file),
 * else on c->jobs threads, this one among them, gathered in file order.
 * With `ropts`, the report's head and each file's part are written to
 * stdout as files are done (see the top); returns whether it was, so
 * that the caller writes the tail, else the whole report. */
static bool check_files(struct check *c, enum iamp_report_format format,
			const struct iamp_report_opts *ropts)
{
	struct pool p;
	struct check base; /* what the threads copy: c changes as files are gathered */
	pthread_t *threads;
	unsigned n = c->jobs < c->file_count ? c->jobs : (unsigned)c->file_count, started = 0;

	if (n <= 1) {
		for (size_t i = 0; i < c->file_count; i++)
			check_file(c, c->files[i]);
		return false;
	}
	memset(&p, 0, sizeof(p));
	base = *c;
	p.c = c;
	p.base = &base;
	atomic_init(&p.next, 0);
	atomic_init(&p.gathered, 0);
	atomic_init(&p.gathering, false);
	/* not zeroed here: each thread clears what it writes, and a whole
	 * array cleared at once was 300 KB of fresh pages touched before
	 * any thread started (77 page faults in this virtual machine) */
	p.out = reallocarray(NULL, c->file_count, sizeof(*p.out));
	p.done = reallocarray(NULL, c->file_count, sizeof(*p.done));
	threads = calloc(n - 1, sizeof(*threads));
	if (!p.out || !p.done || !threads) {
		free(p.out);
		free(p.done);
		free(threads);
		for (size_t i = 0; i < c->file_count; i++)
			check_file(c, c->files[i]);
		return false;
	}
	for (size_t i = 0; i < c->file_count; i++)
		atomic_init(&p.done[i], false);
	/* in parts only when the files' diagnostics are all there is (top) */
	p.joiner = "";
	if (ropts && c->diags.count == 0) {
		p.ropts = ropts;
		p.format = format;
		p.joiner = iamp_report_joiner(format);
		iamp_report_head(stdout, format, ropts);
	}
	/* n - 1 threads and this one: a thread more than the CPUs asked
	 * for would take one from a worker whenever it woke */
	while (started < n - 1 && pthread_create(&threads[started], NULL, check_worker, &p) == 0)
		started++;
	check_worker(&p);
	for (unsigned t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	/* every file was gathered by the thread that finished the last of
	 * them (file_done); one left out would be missing from the report */
	if (atomic_load(&p.gathered) != c->file_count) {
		fprintf(stderr, "iamproof: internal error: %zu of %zu files gathered\n", atomic_load(&p.gathered),
			c->file_count);
		c->internal = true;
	}
	free(p.out);
	free(p.done);
	free(threads);
	return p.ropts != NULL;
}

static void summary(const struct check *c)
{
	size_t count[IAMP_SEV_ERROR + 1];

	iamp_diags_count(&c->diags, count);
	if (c->unread_count)
		fprintf(stderr, "%zu file%s or director%s not read (see above)\n", c->unread_count,
			c->unread_count == 1 ? "" : "s", c->unread_count == 1 ? "y" : "ies");
	fprintf(stderr, "%zu file%s checked: %zu error%s, %zu security warning%s, %zu warning%s, %zu suggestion%s\n",
		c->files_read, c->files_read == 1 ? "" : "s",
		count[IAMP_SEV_ERROR], count[IAMP_SEV_ERROR] == 1 ? "" : "s",
		count[IAMP_SEV_SECURITY_WARNING], count[IAMP_SEV_SECURITY_WARNING] == 1 ? "" : "s",
		count[IAMP_SEV_WARNING], count[IAMP_SEV_WARNING] == 1 ? "" : "s",
		count[IAMP_SEV_SUGGESTION], count[IAMP_SEV_SUGGESTION] == 1 ? "" : "s");
	if (c->semantic)
		fprintf(stderr, "semantic checks: %zu file%s, %u check%s undecided (time budget or unsupported "
			"construct: nothing reported), %zu file%s with errors not checked\n",
			c->sem_files, c->sem_files == 1 ? "" : "s", c->sem_undecided,
			c->sem_undecided == 1 ? "" : "s", c->sem_skipped, c->sem_skipped == 1 ? "" : "s");
	if (c->ignored || c->baselined)
		fprintf(stderr, "suppressed by %s: %zu finding%s by ignore entries, %zu by the baseline%s%s\n",
			c->config.path, c->ignored, c->ignored == 1 ? "" : "s", c->baselined,
			c->config.baseline_path ? " " : "", c->config.baseline_path ? c->config.baseline_path : "");
}

/* Milliseconds on a clock (IAMPROOF_CHECK_TRACE's phases). */
static double clock_ms(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Long options without a letter. */
enum {
	OPT_QUOTA_SCP = 256,
	OPT_QUOTA_RCP,
	OPT_QUOTA_IDENTITY,
	OPT_QUOTA_TRUST,
	OPT_RESOURCE_TYPE,
};

/* A quota given on the command line wins over .iamproof.yaml's, which
 * wins over AWS's (0). */
static size_t quota_of(size_t option, size_t config)
{
	return option ? option : config;
}

static int run(int argc, char **argv, bool writing_baseline)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-config", no_argument, NULL, 'N' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "color", no_argument, NULL, 'C' },
		{ "no-color", no_argument, NULL, 'M' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "disable", required_argument, NULL, 'D' },
		{ "semantic", no_argument, NULL, 'S' },
		{ "semantic-budget", required_argument, NULL, 'B' },
		{ "follow", no_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "skip-excluded", no_argument, NULL, 'X' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "max-file-bytes", required_argument, NULL, 'Z' },
		{ "max-statements", required_argument, NULL, 'T' },
		{ "max-scp-chars", required_argument, NULL, OPT_QUOTA_SCP },
		{ "max-rcp-chars", required_argument, NULL, OPT_QUOTA_RCP },
		{ "max-identity-chars", required_argument, NULL, OPT_QUOTA_IDENTITY },
		{ "max-trust-chars", required_argument, NULL, OPT_QUOTA_TRUST },
		{ "resource-type", required_argument, NULL, OPT_RESOURCE_TYPE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check c;
	enum iamp_report_format format = IAMP_REPORT_TEXT;
	enum iamp_severity fail_on = IAMP_SEV_ERROR;
	bool fail_on_set = false, quiet = false, no_config = false, skip_excluded = false, in_parts;
	int color = -1, opt, status = EXIT_CLEAN, max;
	const char *config_path = NULL, *output = ".iamproof-baseline.json";
	const char *cmd = writing_baseline ? "iamproof baseline" : "iamproof check";
	char *found = NULL;
	struct iamp_report_opts ropts;
	bool disabled[IAMP_RULE__COUNT] = { false };
	size_t max_file_bytes = 0, max_statements = 0;
	struct iamp_quotas quotas = { 0 };

	/* IAMPROOF_CHECK_TRACE: wall time of each phase, and the CPU time of
	 * the files' phase (docs/bench.md reads the serial part of -j N) */
	double t_start = clock_ms(CLOCK_MONOTONIC), t_walk = 0, t_check = 0, t_checked = 0, cpu_files = 0;

	memset(&c, 0, sizeof(c));
	c.err = stderr;
	c.jobs = cli_jobs_default();
	c.writing_baseline = writing_baseline;
	iamp_limits_default(&c.limits);
	iamp_diags_init(&c.diags);
	optind = 1;
	while ((opt = getopt_long(argc, argv, writing_baseline ? "t:c:o:j:qh" : "t:c:f:j:qh", longopts, NULL)) != -1) {
		if (writing_baseline ? (opt == 'f' || opt == 'F' || opt == 'C' || opt == 'M') : opt == 'o') {
			fprintf(stderr, "%s: option '%s' does not apply\n", cmd, argv[optind - 1]);
			return EXIT_USAGE;
		}
		switch (opt) {
		case 't':
			if (!iamp_policy_type_parse(&c.type, optarg)) {
				fprintf(stderr, "iamproof check: unknown policy type '%s' (identity, resource, trust, boundary, session, scp, rcp)\n", optarg);
				return EXIT_USAGE;
			}
			c.has_type = true;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'N':
			no_config = true;
			break;
		case 'f':
			if (!iamp_report_format_parse(&format, optarg)) {
				fprintf(stderr, "iamproof check: unknown format '%s' (text, json, sarif, html)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'F':
			if (!iamp_severity_parse(&fail_on, optarg)) {
				fprintf(stderr, "iamproof check: unknown severity '%s' (error, security-warning, warning, suggestion)\n", optarg);
				return EXIT_USAGE;
			}
			fail_on_set = true;
			break;
		case 'C':
			color = 1;
			break;
		case 'M':
			color = 0;
			break;
		case 'q':
			quiet = true;
			c.quiet = true;
			break;
		case 'D':
			/* a rule id, or an AWS issue code: every rule reporting it */
			if (!iamp_rules_named(disabled, optarg)) {
				fprintf(stderr, "iamproof check: unknown rule '%s' (see `iamproof rules`)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'S':
			c.semantic = true;
			break;
		case 'L':
			c.follow = true;
			break;
		case 'B': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (end == optarg || *end || v == 0 || v > 3600000) {
				fprintf(stderr, "iamproof check: --semantic-budget wants milliseconds, 1 to 3600000\n");
				return EXIT_USAGE;
			}
			c.budget_ms = (unsigned)v;
			c.semantic = true;
			break;
		}
		case 'o':
			output = optarg;
			break;
		case 'X':
			skip_excluded = true;
			break;
		case 'j':
			if (cli_jobs_parse(&c.jobs, optarg)) {
				fprintf(stderr, "%s: -j wants a number of threads, 1 to %u\n", cmd, CLI_JOBS_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'Z':
		case 'T':
			if (!iamp_limit_parse(opt == 'Z' ? &max_file_bytes : &max_statements, optarg)) {
				fprintf(stderr, "%s: %s wants a whole number from 1 to 4294967295\n", cmd,
					argv[optind - 1]);
				return EXIT_USAGE;
			}
			break;
		case OPT_QUOTA_SCP:
		case OPT_QUOTA_RCP:
		case OPT_QUOTA_IDENTITY:
		case OPT_QUOTA_TRUST: {
			size_t *to = opt == OPT_QUOTA_SCP ? &quotas.scp : opt == OPT_QUOTA_RCP ? &quotas.rcp
				     : opt == OPT_QUOTA_IDENTITY ? &quotas.identity : &quotas.trust;

			if (!iamp_limit_parse(to, optarg)) {
				fprintf(stderr, "%s: %s wants a whole number from 1 to 4294967295\n", cmd,
					argv[optind - 1]);
				return EXIT_USAGE;
			}
			break;
		}
		case OPT_RESOURCE_TYPE:
			c.resource_type = iamp_lint_resource_type(optarg, &c.resource_policy_type);
			if (!c.resource_type) {
				fprintf(stderr, "%s: unknown resource type '%s' (%s)\n", cmd, optarg,
					iamp_lint_resource_type_names());
				return EXIT_USAGE;
			}
			break;
		case 'h':
			(writing_baseline ? baseline_usage : check_usage)(stdout);
			return EXIT_CLEAN;
		default:
			(writing_baseline ? baseline_usage : check_usage)(stderr);
			return EXIT_USAGE;
		}
	}

	if (c.resource_type && c.has_type && c.type != c.resource_policy_type) {
		fprintf(stderr, "%s: --resource-type %s is for %s, not --type %s\n", cmd, c.resource_type,
			iamp_policy_type_title(c.resource_policy_type), iamp_policy_type_name(c.type));
		return EXIT_USAGE;
	}
	if (c.semantic && cli_need_z3(writing_baseline ? "baseline" : "check", "--semantic"))
		return EXIT_USAGE;
	if (!no_config && !config_path) {
		if (iamp_config_find(&found, ".") < 0) {
			fprintf(stderr, "iamproof: %s\n", iamp_error_last());
			return EXIT_INTERNAL;
		}
		config_path = found;
	}
	if (!no_config && config_path) {
		int rc = iamp_config_load(&c.config, config_path, &c.diags);

		if (rc == IAMP_EIO) {
			fprintf(stderr, "iamproof: %s\n", iamp_error_last());
			free(found);
			return EXIT_USAGE;
		} else if (rc) {
			fprintf(stderr, "iamproof: %s\n", iamp_error_last());
			free(found);
			return EXIT_INTERNAL;
		}
		rc = writing_baseline ? 0 : iamp_config_load_baseline(&c.config, &c.diags);
		if (rc) {
			fprintf(stderr, "iamproof: %s\n", iamp_error_last());
			free(found);
			iamp_diags_clear(&c.diags);
			iamp_config_free(&c.config);
			return rc == IAMP_EIO ? EXIT_USAGE : EXIT_INTERNAL;
		}
	}
	free(found);
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++)
		c.config.disabled[i] |= disabled[i];
	/* A disabled rule does no work: its code skips it and its findings
	 * are never made (diag.h). Except under --semantic for the error
	 * rules and REDUNDANT_STATEMENT, which the semantic checks read
	 * (a policy with an error is not put to the prover; a statement
	 * already said to be redundant is not said so twice): those are
	 * made, and dropped by judge() as before. */
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++)
		c.off[i] = c.config.disabled[i] &&
			   !(c.semantic && (iamp_rules[i].severity == IAMP_SEV_ERROR ||
					    i == IAMP_RULE_REDUNDANT_STATEMENT));
	c.diags.off = c.off;
	/* the caps: an option over .iamproof.yaml's limits over the default */
	if (max_file_bytes || c.config.max_file_bytes)
		c.limits.max_file_bytes = max_file_bytes ? max_file_bytes : c.config.max_file_bytes;
	if (max_statements || c.config.max_statements)
		c.limits.max_statements = max_statements ? max_statements : c.config.max_statements;
	c.limits.quotas.scp = quota_of(quotas.scp, c.config.quotas.scp);
	c.limits.quotas.rcp = quota_of(quotas.rcp, c.config.quotas.rcp);
	c.limits.quotas.identity = quota_of(quotas.identity, c.config.quotas.identity);
	c.limits.quotas.trust = quota_of(quotas.trust, c.config.quotas.trust);
	judge(&c, 0, NULL); /* the configuration's own problems */
	if (!fail_on_set && c.config.has_fail_on)
		fail_on = c.config.fail_on;

	t_walk = clock_ms(CLOCK_MONOTONIC);
	if (optind >= argc) {
		if (walk(&c, ".", 0))
			c.internal = true;
	}
	for (int i = optind; i < argc; i++) {
		struct stat st;
		const char *p = argv[i];

		if (strcmp(p, "-") == 0) {
			if (add_file(&c, p))
				c.internal = true;
		} else if (stat(p, &st) != 0) {
			unreadable(&c, "cannot read %s: %s", p, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (walk(&c, p, 0))
				c.internal = true;
		} else if (skip_excluded && !iamp_config_walked(&c.config, p)) {
			/* as a directory walk would: a hook's list of staged files */
		} else if (add_file(&c, p)) {
			c.internal = true;
		}
	}
	sort_files(&c);
	if (c.semantic)
		iamp_smt_debug(getenv("IAMPROOF_SMT_TRACE") ? stderr : NULL, getenv("IAMPROOF_SMT_DUMP"));
	if (color < 0)
		color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	memset(&ropts, 0, sizeof(ropts));
	ropts.tool_version = IAMP_VERSION_STRING;
	ropts.data_version = iamp_catalog_data_date();
	ropts.color = color;
	ropts.show_source = isatty(STDOUT_FILENO);
	ropts.files = (const char *const *)c.files;
	ropts.file_count = c.file_count;
	cli_report_run(&ropts);
	t_check = clock_ms(CLOCK_MONOTONIC);
	cpu_files = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	in_parts = check_files(&c, format,
			       !writing_baseline && iamp_report_in_parts(format) ? &ropts : NULL);
	cpu_files = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu_files;
	t_checked = clock_ms(CLOCK_MONOTONIC);
	/* tests/disable.sh: work done for a rule that was off (diag.h) */
	if (getenv("IAMPROOF_CHECK_TRACE"))
		fprintf(stderr, "iamproof: trace: work for disabled rules: %zu%s%s%s\n", c.diags.wasted,
			c.diags.wasted ? " (first: " : "", c.diags.wasted ? iamp_rules[c.diags.wasted_rule].id : "",
			c.diags.wasted ? ")" : "");

	/* in parts, each file's diagnostics were sorted by its thread and
	 * gathered in file order: sorted already */
	if (!in_parts)
		iamp_diags_sort(&c.diags);
	if (writing_baseline) {
		status = write_baseline(&c, output);
		goto cleanup;
	}
	ropts.unread = (const char *const *)c.unread;
	ropts.unread_count = c.unread_count;
	ropts.ignored = c.ignored;
	ropts.baselined = c.baselined;
	if ((in_parts ? iamp_report_tail(stdout, format, &c.diags, &ropts)
		      : iamp_report_write(stdout, format, &c.diags, &ropts)) != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "iamproof: cannot write the report\n");
		c.internal = true;
	}
	if (getenv("IAMPROOF_CHECK_TRACE")) {
		double now = clock_ms(CLOCK_MONOTONIC);

		/* serial: everything but the files' phase, where the threads run */
		fprintf(stderr, "iamproof: trace: ms: setup %.2f, walk %.2f, files %.2f (CPU %.2f, -j %u%s), "
			"after %.2f; total %.2f, serial %.1f%%\n", t_walk - t_start, t_check - t_walk,
			t_checked - t_check, cpu_files, c.jobs, in_parts ? ", report in parts" : "",
			now - t_checked, now - t_start,
			100.0 * (now - t_start - (t_checked - t_check)) / (now - t_start));
	}
	if (!quiet)
		summary(&c);


	max = iamp_diags_max_severity(&c.diags);
	if (c.internal || c.diags.oom)
		status = EXIT_INTERNAL;
	else if (c.unread_count || c.unread_oom)
		status = EXIT_USAGE;
	else if (max >= (int)fail_on)
		status = EXIT_FINDINGS;
cleanup:
	for (size_t i = 0; i < c.file_count; i++)
		free(c.files[i]);
	free(c.files);
	for (size_t i = 0; i < c.unread_count; i++)
		free(c.unread[i]);
	free(c.unread);
	iamp_diags_clear(&c.diags);
	iamp_config_free(&c.config);
	return status;
}

int iamp_cmd_check(int argc, char **argv)
{
	return run(argc, argv, false);
}

int iamp_cmd_baseline(int argc, char **argv)
{
	return run(argc, argv, true);
}
