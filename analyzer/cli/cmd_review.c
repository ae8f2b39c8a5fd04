/*
 * cmd_review.c - `iamproof review --base REV [--head REV]`: what a change
 * to a policy repository does, for a pull request.
 *
 *   git diff --name-status BASE HEAD ──▶ the policy files touched
 *     each file at BASE and at HEAD (git cat-file) ──▶ lint ──▶ findings
 *        matched by fingerprint (diag.h): new, unchanged, absent (fixed)
 *     each policy at BASE against HEAD ──▶ diff (smt.h) ──▶ witnesses:
 *        "newly allows s3:DeleteBucket on arn:aws:s3:::prod-b to role X"
 *   --org org.yaml: the properties at BASE and at HEAD (prove) ──▶ the
 *        verdicts that changed
 *
 * Only findings that are new against BASE are reported (`--all` lists the
 * unchanged ones too; fixed ones are listed as absent). A renamed file's
 * findings at BASE are fingerprinted under its new name, so that a rename
 * alone changes nothing. git is run as a subprocess (git.h) from the top
 * of the work tree; the configuration is the work tree's `.iamproof.yaml`
 * (CI checks out HEAD). docs/ci.md describes the command and its formats.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <json-c/json.h>
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
#include "eval.h"
#include "git.h"
#include "iac.h"
#include "lint.h"
#include "load.h"
#include "policy.h"
#include "policyset.h"
#include "report.h"
#include "secrets.h"
#include "smt.h"
#include "version.h"

enum rformat { R_TEXT, R_JSON, R_MARKDOWN, R_SARIF, R_GITHUB, R_HTML };

/* A Markdown summary longer than this is cut, with a note: GitHub's
 * comment limit is 65,536 characters. */
#define MARKDOWN_CAP 65000

struct change {
	char status;             /* A added, M modified, D deleted, R renamed, T type changed */
	char *path;              /* at HEAD; for D, at BASE */
	char *old_path;          /* at BASE; NULL for A */
	enum iamp_policy_type type;  /* of a policy file */
	bool errors[2];          /* lint errors at BASE, at HEAD */
};

/* One policy compared at BASE and HEAD: a policy file, or one policy of
 * a template or plan (its label). */
struct access {
	const char *path;        /* the change's */
	char *label;             /* NULL for a policy file */
	char status;             /* the policy's own: A, M or D */
	enum iamp_policy_type type;
	bool compared;
	char note[240];          /* why not compared, or what was assumed */
	struct iamp_diff_result diff;
};

struct finding {
	struct iamp_diag d;      /* owned strings */
	const char *state;       /* "new", "unchanged", "absent" */
};

struct prop_change {
	char *property, *target, *before, *after;
};

struct review {
	const char *base, *head;
	char base_id[48], head_id[48];
	enum rformat format;
	enum iamp_severity fail_on;
	bool all, fail_on_access;
	unsigned witnesses, timeout_ms;
	struct iamp_config config;
	bool has_config;
	struct iamp_limits limits;
	struct change *ch;
	size_t nch;
	struct access *acc;
	size_t nacc;
	struct finding *f;
	size_t nf, capf;
	size_t counts[3];        /* new, unchanged, absent */
	size_t ignored, baselined; /* dropped by .iamproof.yaml (both sides) */
	const char *org;         /* --org: org.yaml, relative to the top */
	const char *properties;
	const char **params;     /* --param values, passed to prove */
	size_t nparams;
	struct prop_change *pc;
	size_t npc;
	struct {
		enum rformat format;
		const char *path;
	} also[8];               /* --also FORMAT=FILE: the same review, written again */
	size_t nalso;
	char *also_abs[8];       /* their absolute paths, when given relative */
	char *props_abs;
	const char *properties_given; /* --properties as the user wrote it */
	bool org_asked;          /* the properties were compared */
	char org_note[240];
	const char *cloudtrail;  /* --cloudtrail: logs replayed against the SCP/RCP change */
	char *cloudtrail_abs;
	json_object *replay;     /* replay's JSON report (cmd_replay.c), or NULL */
	char replay_note[240];
	bool failed;             /* git or input trouble: exit 2 */
	bool internal;
};

static void text_replay(FILE *out, const struct review *r, void (*put)(FILE *, const char *));

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof review --base REV [--head REV] [OPTIONS]\n"
		"Reviews the policy files a change touches (git diff BASE HEAD; HEAD by default):\n"
		"findings that are new against BASE, what each changed policy newly allows or no longer\n"
		"allows (with requests as witnesses), and with --org the properties whose verdict changed.\n\n"
		"  -f, --format FORMAT  text (default), json, markdown (a pull-request comment), sarif,\n"
		"                       github (workflow annotations), html (the findings, one page)\n"
		"      --fail-on SEV    exit 1 on new findings at or above SEV (default: .iamproof.yaml's\n"
		"                       fail-on, else error)\n"
		"      --also FORMAT=FILE  also write the review in FORMAT to FILE (repeatable): one run for\n"
		"                       the annotations, the SARIF upload and the comment\n"
		"      --fail-on-access exit 1 also when a policy allows something it did not\n"
		"      --all            also list the findings that were there at BASE\n"
		"      --witnesses N    requests per direction of each access diff (default 3)\n"
		"      --timeout S      seconds per solver call (default 10)\n"
		"      --org FILE       org.yaml: compare the properties' verdicts at BASE and HEAD\n"
		"      --cloudtrail PATH  with --org: replay these CloudTrail logs against the SCPs and RCPs\n"
		"                       at BASE and HEAD (docs/replay.md)\n"
		"      --properties P   with --org: packs or files (default stage6)\n"
		"      --param K=V      a property parameter (repeatable)\n"
		"  -c, --config FILE    configuration (default: .iamproof.yaml at the top of the work tree)\n"
		"      --no-config      ignore any .iamproof.yaml\n"
		"exit codes: 0 nothing new at --fail-on, 1 new findings at or above it (or, with --org, a\n"
		"property no longer proven), 2 usage, git or input error, 3 internal error\n");
}

/* ---- git ------------------------------------------------------------------------ */

static bool resolve(const char *rev, char *id, size_t cap)
{
	char spec[512], *out;
	size_t len;
	int rc;

	if (!rev[0] || rev[0] == '-') {
		fprintf(stderr, "iamproof review: '%s' is not a revision\n", rev);
		return false;
	}
	snprintf(spec, sizeof(spec), "%s^{commit}", rev);
	{
		const char *const argv[] = { "git", "rev-parse", "--verify", "--quiet", spec, NULL };

		rc = proc_run(argv, &out, &len);
	}
	if (rc != 0 || len < 7) {
		if (rc >= 0)
			fprintf(stderr, "iamproof review: '%s' is not a commit of this repository\n", rev);
		free(out);
		return false;
	}
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	snprintf(id, cap, "%s", out);
	free(out);
	return true;
}

/* Whether `path` is a file to review: one `check .` at the top would
 * read (config.h). */
static bool reviewed(const struct review *r, const char *path)
{
	return iamp_config_walked(r->has_config ? &r->config : NULL, path);
}

static enum iamp_policy_type type_for(const struct review *r, const char *path)
{
	enum iamp_policy_type t;

	if (r->has_config && iamp_config_type_for(&r->config, path, &t))
		return t;
	return r->has_config && r->config.has_default_type ? r->config.default_type : IAMP_POLICY_IDENTITY;
}

static int add_change(struct review *r, char status, const char *old_path, const char *path)
{
	struct change *c;

	if (!reviewed(r, path))
		return 0;
	c = realloc(r->ch, (r->nch + 1) * sizeof(*c));
	if (!c)
		return IAMP_ENOMEM;
	r->ch = c;
	c = &r->ch[r->nch];
	memset(c, 0, sizeof(*c));
	c->status = status;
	c->path = strdup(path);
	c->old_path = old_path ? strdup(old_path) : NULL;
	c->type = type_for(r, path);
	if (!c->path || (old_path && !c->old_path))
		return IAMP_ENOMEM;
	r->nch++;
	return 0;
}

/*
 * The files the change touches: `git diff --name-status -z -M BASE HEAD`,
 * records "S\0path\0" or, for renames and copies, "Rnnn\0old\0new\0".
 */
static int changed_files(struct review *r)
{
	const char *const argv[] = { "git", "diff", "--name-status", "-z", "-M", "--no-ext-diff",
				     r->base_id, r->head_id, "--", NULL };
	char *out, *p, *end;
	size_t len;
	int rc = proc_run(argv, &out, &len);

	if (rc != 0) {
		free(out);
		fprintf(stderr, "iamproof review: git diff failed\n");
		return -1;
	}
	p = out;
	end = out + len;
	while (p < end && !rc) {
		char status = p[0];
		const char *a, *b = NULL;

		p += strlen(p) + 1;
		if (p >= end)
			break;
		a = p;
		p += strlen(p) + 1;
		if (status == 'R' || status == 'C') {
			if (p >= end)
				break;
			b = p;
			p += strlen(p) + 1;
		}
		switch (status) {
		case 'A':
		case 'C':
			rc = add_change(r, 'A', NULL, b ? b : a);
			break;
		case 'M':
		case 'T':
			rc = add_change(r, status, a, a);
			break;
		case 'D':
			rc = add_change(r, 'D', a, a);
			break;
		case 'R':
			rc = add_change(r, 'R', a, b);
			break;
		default:
			break;
		}
	}
	free(out);
	return rc ? -1 : 0;
}

/* ---- findings --------------------------------------------------------------------- */

/* Lints `data` (a file at one commit) under the name `display` as check
 * does: the policy, or each policy of a template or plan; credentials in
 * the text; then the configuration's word (severity, disable, ignore,
 * baseline: config.h). */
static void lint_blob(struct review *r, const char *display, const char *data, size_t len,
		      enum iamp_policy_type type, struct iamp_diags *out)
{
	struct iamp_document *doc = NULL;
	struct iamp_policy *policy = NULL;
	size_t first = out->count;

	if (iamp_load_buffer(&doc, display, data, len, iamp_format_for_path(display), &r->limits, out)) {
		r->internal = true;
		return;
	}
	if (doc->root && iamp_iac_kind_of(doc) != IAMP_IAC_NONE) {
		if (iamp_iac_lint(doc, &r->limits, out, NULL, NULL))
			r->internal = true;
	} else if (doc->root && iamp_policy_build(&policy, doc, type, &r->limits, out) == 0 && policy) {
		iamp_lint_policy(policy, out);
	}
	iamp_secrets_check(doc, out, first);
	if (r->has_config)
		iamp_config_apply(&r->config, out, first, policy, true, &r->ignored, &r->baselined);
	iamp_document_free(doc);
}

static int keep(struct review *r, struct iamp_diag *d, int state)
{
	static const char *const names[] = { "new", "unchanged", "absent" };

	if (r->nf == r->capf) {
		size_t cap = r->capf ? r->capf * 2 : 32;
		struct finding *f = realloc(r->f, cap * sizeof(*f));

		if (!f)
			return IAMP_ENOMEM;
		r->f = f;
		r->capf = cap;
	}
	r->f[r->nf].d = *d;
	r->f[r->nf].state = names[state];
	r->nf++;
	r->counts[state]++;
	memset(d, 0, sizeof(*d));
	return 0;
}

static void free_diag(struct iamp_diag *d)
{
	free(d->path);
	free(d->message);
	free(d->source_line);
}

/*
 * The findings of one file at BASE and at HEAD, matched by fingerprint as
 * multisets: a HEAD finding with a BASE twin is unchanged, one without is
 * new, a BASE finding left over is absent (fixed).
 */
static int compare_findings(struct review *r, struct change *c, const char *old_data, size_t old_len,
			    bool has_old, const char *new_data, size_t new_len, bool has_new)
{
	struct iamp_diags before, after;
	char (*fb)[17] = NULL, (*fa)[17] = NULL;
	bool *used = NULL;
	int rc = 0;

	iamp_diags_init(&before);
	iamp_diags_init(&after);
	/* BASE under HEAD's name: a rename alone changes no fingerprint */
	if (has_old)
		lint_blob(r, c->path, old_data, old_len, c->type, &before);
	if (has_new)
		lint_blob(r, c->path, new_data, new_len, c->type, &after);
	c->errors[0] = iamp_diags_max_severity(&before) >= (int)IAMP_SEV_ERROR;
	c->errors[1] = iamp_diags_max_severity(&after) >= (int)IAMP_SEV_ERROR;
	iamp_diags_sort(&before);
	iamp_diags_sort(&after);
	fb = calloc(before.count + 1, sizeof(*fb));
	fa = calloc(after.count + 1, sizeof(*fa));
	used = calloc(before.count + 1, sizeof(*used));
	if (!fb || !fa || !used || before.oom || after.oom) {
		rc = IAMP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < before.count; i++)
		iamp_diag_fingerprint(&before.items[i], fb[i]);
	for (size_t i = 0; i < after.count && !rc; i++) {
		bool twin = false;

		iamp_diag_fingerprint(&after.items[i], fa[i]);
		for (size_t j = 0; j < before.count && !twin; j++)
			if (!used[j] && strcmp(fa[i], fb[j]) == 0)
				twin = used[j] = true;
		rc = keep(r, &after.items[i], twin ? 1 : 0);
	}
	for (size_t j = 0; j < before.count && !rc; j++)
		if (!used[j])
			rc = keep(r, &before.items[j], 2);
out:
	/* kept findings were moved out (keep() zeroes them) */
	iamp_diags_clear(&before);
	iamp_diags_clear(&after);
	free(fb);
	free(fa);
	free(used);
	return rc;
}

/* ---- access ------------------------------------------------------------------------ */

/* Whether the policy has an Allow statement (an SCP without one only
 * filters, beside FullAWSAccess). */
static bool has_allow(const struct iamp_policy *p)
{
	for (size_t i = 0; i < p->statement_count; i++)
		if (p->statements[i].effect == IAMP_EFFECT_ALLOW)
			return true;
	return false;
}

/*
 * One side of an access diff. `data` NULL: the file is not there (added
 * or deleted): nothing for an identity, resource or trust policy, and
 * FullAWSAccess alone for an SCP level. An SCP with no Allow is taken
 * beside FullAWSAccess, as deny lists are attached; `*full` says so.
 */
static int access_side(struct review *r, struct pset *ps, const struct access *c, const char *data, size_t len,
		       enum iamp_format fmt, struct iamp_evaluator **out, bool *full)
{
	diff_assume(ps, c->type);
	*full = false;
	if (c->type == IAMP_POLICY_SCP) {
		unsigned level = ps->scp_levels++;

		if (data) {
			struct iamp_policy *p = pset_load_buffer(ps, c->path, data, len, fmt, IAMP_POLICY_SCP, level);

			*full = p && !has_allow(p);
		} else {
			*full = true;
		}
		ps->scp_full[level] = *full;
	} else if (data) {
		pset_load_buffer(ps, c->path, data, len, fmt, c->type, 0);
	}
	if (ps->failed || iamp_diags_max_severity(&ps->diags) >= (int)IAMP_SEV_ERROR)
		return 1;
	if (pset_build(ps, 0, out)) {
		fprintf(stderr, "iamproof review: %s: %s\n", c->path, iamp_error_last());
		r->internal = true;
		return -1;
	}
	return 0;
}

/* Compares one policy, `old_data` at BASE and `new_data` at HEAD (NULL:
 * not there), in format `fmt`; `errors` say where lint found errors. */
static void compare_access(struct review *r, struct access *c, const char *old_data, size_t old_len,
			   const char *new_data, size_t new_len, enum iamp_format fmt, const bool errors[2])
{
	struct pset ops, nps;
	struct iamp_evaluator *oev = NULL, *nev = NULL;
	struct iamp_diff_query q;
	bool ofull = false, nfull = false;
	int a, b;

	if (c->type != IAMP_POLICY_IDENTITY && c->type != IAMP_POLICY_RESOURCE &&
	    c->type != IAMP_POLICY_TRUST && c->type != IAMP_POLICY_SCP) {
		snprintf(c->note, sizeof(c->note), "not compared: a %s policy is compared with --org only",
			 iamp_policy_type_name(c->type));
		return;
	}
	if (errors[0] || errors[1]) {
		snprintf(c->note, sizeof(c->note), "not compared: the policy has errors at %s",
			 errors[0] && errors[1] ? "BASE and HEAD" : errors[0] ? "BASE" : "HEAD");
		return;
	}
	pset_init(&ops, "review");
	pset_init(&nps, "review");
	a = access_side(r, &ops, c, old_data, old_len, fmt, &oev, &ofull);
	b = access_side(r, &nps, c, new_data, new_len, fmt, &nev, &nfull);
	if (a || b) {
		if (a >= 0 && b >= 0)
			snprintf(c->note, sizeof(c->note), "not compared: the policy has errors at %s",
				 a ? "BASE" : "HEAD");
		goto out;
	}
	memset(&q, 0, sizeof(q));
	q.old_target = oev;
	q.new_target = nev;
	q.witnesses = r->witnesses;
	q.timeout_ms = r->timeout_ms;
	diff_scope(c->type, &q.scope);
	if (iamp_smt_diff(&c->diff, &q)) {
		fprintf(stderr, "iamproof review: %s: %s\n", c->path, iamp_error_last());
		r->internal = true;
		goto out;
	}
	c->compared = true;
	if (c->type == IAMP_POLICY_SCP)
		snprintf(c->note, sizeof(c->note), "as one SCP level%s%s; identity and resource policies "
			 "taken as allowing everything",
			 ofull || nfull ? ", beside FullAWSAccess where it has no Allow" : "",
			 !old_data || !new_data ? " (the missing side: FullAWSAccess alone)" : "");
	else if (!old_data || !new_data)
		snprintf(c->note, sizeof(c->note), "against no policy at %s", old_data ? "HEAD" : "BASE");
out:
	iamp_evaluator_free(oev);
	iamp_evaluator_free(nev);
	pset_free(&ops);
	pset_free(&nps);
}

static struct access *new_access(struct review *r, const struct change *c, const char *label, char status,
				 enum iamp_policy_type type)
{
	struct access *a = realloc(r->acc, (r->nacc + 1) * sizeof(*a));

	if (!a)
		return NULL;
	r->acc = a;
	a = &r->acc[r->nacc];
	memset(a, 0, sizeof(*a));
	a->path = c->path;
	a->status = status;
	a->type = type;
	if (label && !(a->label = strdup(label)))
		return NULL;
	r->nacc++;
	return a;
}

/* One embedded policy as JSON text for the evaluator; NULL when a part
 * of it is symbolic (known only at deploy) or memory ran out. */
static char *embedded_json(const struct iamp_embedded *e, size_t *len)
{
	char *buf = NULL;
	FILE *m;
	bool ok;

	if (e->text) {
		*len = e->text_len;
		return strndup(e->text, e->text_len);
	}
	if (!(m = open_memstream(&buf, len)))
		return NULL;
	ok = iamp_value_write_json(m, e->value) == 0;
	if (fclose(m) != 0 || !ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

static const struct iamp_embedded *embedded_named(const struct iamp_embedded_list *l, const char *label)
{
	for (size_t i = 0; l && i < l->count; i++)
		if (strcmp(l->items[i].label, label) == 0)
			return &l->items[i];
	return NULL;
}

/* A template or plan at each side: its policies matched by label, each
 * compared as a policy file is. */
static void compare_access_iac(struct review *r, const struct change *c, struct iamp_document *docs[2])
{
	struct iamp_embedded_list lists[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct iamp_diags scratch;

	iamp_diags_init(&scratch);
	for (int s = 0; s < 2; s++)
		if (docs[s] && docs[s]->root && iamp_iac_kind_of(docs[s]) != IAMP_IAC_NONE &&
		    iamp_iac_extract(&lists[s], docs[s], &r->limits, &scratch))
			r->internal = true;
	/* HEAD's policies in order, then those only BASE has */
	for (int s = 1; s >= 0 && !r->internal; s--) {
		for (size_t i = 0; i < lists[s].count && !r->internal; i++) {
			const struct iamp_embedded *e = &lists[s].items[i];
			const struct iamp_embedded *other = embedded_named(&lists[1 - s], e->label);
			const struct iamp_embedded *side[2] = { s ? other : e, s ? e : other };
			char *text[2] = { NULL, NULL };
			size_t len[2] = { 0, 0 };
			bool symbolic = false;
			struct access *a;

			if (s == 0 && other)
				continue; /* compared from HEAD's side */
			a = new_access(r, c, e->label, !side[0] ? 'A' : !side[1] ? 'D' : 'M', e->type);
			if (!a) {
				r->internal = true;
				break;
			}
			for (int k = 0; k < 2; k++)
				if (side[k] && !(text[k] = embedded_json(side[k], &len[k])))
					symbolic = true;
			if (side[0] && side[1] && side[0]->type != side[1]->type)
				snprintf(a->note, sizeof(a->note), "not compared: its type changed");
			else if (symbolic)
				snprintf(a->note, sizeof(a->note),
					 "not compared: a part is known only at deploy (docs/iac.md)");
			else
				compare_access(r, a, text[0], len[0], text[1], len[1], IAMP_FORMAT_JSON, c->errors);
			free(text[0]);
			free(text[1]);
		}
	}
	iamp_embedded_list_free(&lists[0]);
	iamp_embedded_list_free(&lists[1]);
	iamp_diags_clear(&scratch); /* compare_findings reported them */
}

static int review_change(struct review *r, struct change *c)
{
	char *data[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 };
	struct iamp_document *docs[2] = { NULL, NULL };
	struct iamp_diags scratch;
	int rc;

	if (c->status != 'A' && git_blob(r->base_id, c->old_path, &data[0], &len[0]) != 0) {
		r->failed = true;
		return 0;
	}
	if (c->status != 'D' && git_blob(r->head_id, c->path, &data[1], &len[1]) != 0) {
		free(data[0]);
		r->failed = true;
		return 0;
	}
	rc = compare_findings(r, c, data[0], len[0], c->status != 'A', data[1], len[1], c->status != 'D');
	/* a template or plan at either side: its policies one by one */
	iamp_diags_init(&scratch);
	for (int s = 0; s < 2 && !rc; s++)
		if (data[s] && iamp_load_buffer(&docs[s], c->path, data[s], len[s], iamp_format_for_path(c->path), &r->limits,
						&scratch))
			rc = IAMP_ENOMEM;
	if (!rc && ((docs[0] && docs[0]->root && iamp_iac_kind_of(docs[0]) != IAMP_IAC_NONE) ||
		    (docs[1] && docs[1]->root && iamp_iac_kind_of(docs[1]) != IAMP_IAC_NONE))) {
		compare_access_iac(r, c, docs);
	} else if (!rc) {
		struct access *a = new_access(r, c, NULL, c->status, c->type);

		if (!a)
			rc = IAMP_ENOMEM;
		else
			compare_access(r, a, data[0], len[0], data[1], len[1], iamp_format_for_path(c->path), c->errors);
	}
	iamp_diags_clear(&scratch); /* compare_findings reported them */
	iamp_document_free(docs[0]);
	iamp_document_free(docs[1]);
	free(data[0]);
	free(data[1]);
	return rc;
}

/* ---- properties (--org) ------------------------------------------------------------ */

static bool org_relevant(const struct review *r)
{
	for (size_t i = 0; i < r->nacc; i++)
		if (r->acc[i].type == IAMP_POLICY_SCP || r->acc[i].type == IAMP_POLICY_RCP)
			return true;
	for (size_t i = 0; i < r->nch; i++) {
		const struct change *c = &r->ch[i];

		if (c->type == IAMP_POLICY_SCP || c->type == IAMP_POLICY_RCP || strcmp(c->path, r->org) == 0 ||
		    (c->old_path && strcmp(c->old_path, r->org) == 0))
			return true;
	}
	return false;
}

/* The tree at `rev` into `dir` (git archive, then tar). */
static bool materialize(const char *rev, const char *dir, const char *tarfile)
{
	const char *const archive[] = { "git", "archive", "--format=tar", "-o", tarfile, rev, NULL };
	const char *const untar[] = { "tar", "-xf", tarfile, "-C", dir, NULL };
	char *out;
	size_t len;
	int rc;

	if (mkdir(dir, 0700) != 0)
		return false;
	rc = proc_run(archive, &out, &len);
	free(out);
	if (rc != 0)
		return false;
	rc = proc_run(untar, &out, &len);
	free(out);
	return rc == 0;
}

/* prove --org DIR/ORG --properties P --format json --output OUT; the
 * results as a json-c object (NULL when prove could not answer). */
static json_object *prove_at(struct review *r, const char *dir, const char *out_path)
{
	char org[8800];
	const char **argv = calloc(12 + 2 * r->nparams, sizeof(*argv));
	int argc = 0, rc;
	json_object *root;

	if (!argv)
		return NULL;
	snprintf(org, sizeof(org), "%s/%s", dir, r->org);
	argv[argc++] = "prove";
	argv[argc++] = "--org";
	argv[argc++] = org;
	argv[argc++] = "--properties";
	argv[argc++] = r->properties;
	argv[argc++] = "--format";
	argv[argc++] = "json";
	argv[argc++] = "--output";
	argv[argc++] = out_path;
	for (size_t i = 0; i < r->nparams; i++) {
		argv[argc++] = "--param";
		argv[argc++] = r->params[i];
	}
	if (r->timeout_ms) {
		static char t[32];

		snprintf(t, sizeof(t), "%.3f", r->timeout_ms / 1000.0);
		argv[argc++] = "--timeout";
		argv[argc++] = t;
	}
	rc = iamp_cmd_prove(argc, (char **)argv);
	free(argv);
	if (rc != EXIT_CLEAN && rc != EXIT_FINDINGS)
		return NULL;
	root = json_object_from_file(out_path);
	return root;
}

static const char *jstr_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static int add_prop_change(struct review *r, const char *prop, const char *target, const char *before,
			   const char *after)
{
	struct prop_change *p = realloc(r->pc, (r->npc + 1) * sizeof(*p));

	if (!p)
		return IAMP_ENOMEM;
	r->pc = p;
	p = &r->pc[r->npc++];
	p->property = strdup(prop);
	p->target = strdup(target);
	p->before = strdup(before);
	p->after = strdup(after);
	return p->property && p->target && p->before && p->after ? 0 : IAMP_ENOMEM;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

/* The verdicts at BASE and HEAD, property by property and target by
 * target; those that differ are kept. */
static void compare_properties(struct review *r)
{
	char tmpl[] = "/tmp/iamproof-review-XXXXXX", dir[2][4200], tar[4200], out[2][4200];
	const char *revs[2] = { r->base_id, r->head_id };
	json_object *res[2] = { NULL, NULL }, *arr[2] = { NULL, NULL };

	if (!org_relevant(r)) {
		snprintf(r->org_note, sizeof(r->org_note),
			 "no SCP, RCP or %s changed: the properties were not compared", r->org);
		return;
	}
	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "iamproof review: cannot make a temporary directory: %s\n", strerror(errno));
		r->internal = true;
		return;
	}
	for (int s = 0; s < 2; s++) {
		snprintf(dir[s], sizeof(dir[s]), "%s/%s", tmpl, s ? "head" : "base");
		snprintf(tar, sizeof(tar), "%s/tree.tar", tmpl);
		snprintf(out[s], sizeof(out[s]), "%s/%s.json", tmpl, s ? "head" : "base");
		if (!materialize(revs[s], dir[s], tar)) {
			fprintf(stderr, "iamproof review: cannot read the tree at %s\n", revs[s]);
			r->failed = true;
			goto out;
		}
		if (!(res[s] = prove_at(r, dir[s], out[s])) ||
		    !json_object_object_get_ex(res[s], "results", &arr[s])) {
			snprintf(r->org_note, sizeof(r->org_note),
				 "prove --org %s gave no answer at %s (see above): the properties were not compared",
				 r->org, s ? "HEAD" : "BASE");
			r->failed = true;
			goto out;
		}
	}
	r->org_asked = true;
	for (size_t i = 0; i < json_object_array_length(arr[1]); i++) {
		json_object *h = json_object_array_get_idx(arr[1], i);
		const char *prop = jstr_of(h, "property"), *target = jstr_of(h, "target");
		const char *after = jstr_of(h, "result"), *before = "absent";

		if (!prop || !target || !after)
			continue;
		for (size_t j = 0; j < json_object_array_length(arr[0]); j++) {
			json_object *b = json_object_array_get_idx(arr[0], j);
			const char *bp = jstr_of(b, "property"), *bt = jstr_of(b, "target");

			if (bp && bt && strcmp(bp, prop) == 0 && strcmp(bt, target) == 0) {
				before = jstr_of(b, "result");
				break;
			}
		}
		if (before && strcmp(before, after) != 0 && add_prop_change(r, prop, target, before, after))
			r->internal = true;
	}
out:
	for (int s = 0; s < 2; s++) {
		if (res[s])
			json_object_put(res[s]);
		nftw(dir[s], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		unlink(out[s]);
	}
	unlink(tar);
	rmdir(tmpl);
}

/* The paths replay names (the trees at BASE and HEAD in `tmpl`) as
 * paths in the repository. */
static void replay_paths(json_object *groups, const char *tmpl)
{
	size_t n = strlen(tmpl);

	for (size_t i = 0; groups && i < json_object_array_length(groups); i++) {
		json_object *by, *f;
		const char *file;

		if (!json_object_object_get_ex(json_object_array_get_idx(groups, i), "decidedBy", &by) ||
		    !json_object_object_get_ex(by, "file", &f) || !(file = json_object_get_string(f)))
			continue;
		if (strncmp(file, tmpl, n) == 0 && (strncmp(file + n, "/base/", 6) == 0 || strncmp(file + n, "/head/", 6) == 0))
			json_object_object_add(by, "file", json_object_new_string(file + n + 6));
	}
}

/* iamproof replay --org BASE/ORG --org-after HEAD/ORG --cloudtrail PATH:
 * the recorded calls the change to the SCPs and RCPs newly denies or
 * allows (cmd_replay.c), kept as its JSON report. */
static void replay_change(struct review *r)
{
	char tmpl[] = "/tmp/iamproof-replay-XXXXXX", dir[2][4200], tar[4200], org[2][8800], out[4200];
	const char *revs[2] = { r->base_id, r->head_id };
	const char *argv[12];
	int argc = 0, rc;

	if (!org_relevant(r)) {
		snprintf(r->replay_note, sizeof(r->replay_note),
			 "no SCP, RCP or %s changed: the log was not replayed", r->org);
		return;
	}
	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "iamproof review: cannot make a temporary directory: %s\n", strerror(errno));
		r->internal = true;
		return;
	}
	snprintf(tar, sizeof(tar), "%s/tree.tar", tmpl);
	snprintf(out, sizeof(out), "%s/replay.json", tmpl);
	for (int s = 0; s < 2; s++) {
		snprintf(dir[s], sizeof(dir[s]), "%s/%s", tmpl, s ? "head" : "base");
		snprintf(org[s], sizeof(org[s]), "%s/%s", dir[s], r->org);
		if (!materialize(revs[s], dir[s], tar)) {
			fprintf(stderr, "iamproof review: cannot read the tree at %s\n", revs[s]);
			r->failed = true;
			goto out;
		}
	}
	argv[argc++] = "replay";
	argv[argc++] = "--org";
	argv[argc++] = org[0];
	argv[argc++] = "--org-after";
	argv[argc++] = org[1];
	argv[argc++] = "--cloudtrail";
	argv[argc++] = r->cloudtrail;
	argv[argc++] = "--format";
	argv[argc++] = "json";
	argv[argc++] = "--output";
	argv[argc++] = out;
	argv[argc] = NULL;
	rc = iamp_cmd_replay(argc, (char **)argv);
	if (rc == EXIT_USAGE)
		r->failed = true; /* said on stderr; what could be read is reported */
	if ((rc != EXIT_CLEAN && rc != EXIT_FINDINGS && rc != EXIT_USAGE) || !(r->replay = json_object_from_file(out))) {
		snprintf(r->replay_note, sizeof(r->replay_note), "replay gave no answer (see above)");
		r->failed = true;
		goto out;
	}
	{
		json_object *g;

		if (json_object_object_get_ex(r->replay, "newlyDeniedGroups", &g))
			replay_paths(g, tmpl);
		if (json_object_object_get_ex(r->replay, "newlyAllowedGroups", &g))
			replay_paths(g, tmpl);
		if (json_object_object_get_ex(r->replay, "assumedGroups", &g))
			replay_paths(g, tmpl);
	}
out:
	for (int s = 0; s < 2; s++)
		nftw(dir[s], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	unlink(out);
	unlink(tar);
	rmdir(tmpl);
}

static size_t replay_count(const struct review *r, const char *key)
{
	json_object *summary, *v;

	if (!r->replay || !json_object_object_get_ex(r->replay, "summary", &summary) ||
	    !json_object_object_get_ex(summary, key, &v))
		return 0;
	return (size_t)json_object_get_int64(v);
}

/* A proven or vacuous answer that is no longer one. */
static bool regressed(const struct prop_change *p)
{
	bool was = strcmp(p->before, "proven") == 0 || strcmp(p->before, "vacuous") == 0;
	bool is = strcmp(p->after, "proven") == 0 || strcmp(p->after, "vacuous") == 0;

	return was && !is;
}

/* ---- output -------------------------------------------------------------------------- */

static const char *status_name(char s)
{
	switch (s) {
	case 'A':
		return "added";
	case 'D':
		return "deleted";
	case 'R':
		return "renamed";
	default:
		return "modified";
	}
}

/* Whether finding i is listed: new and absent ones always, unchanged
 * ones with --all. */
static bool listed(const struct review *r, size_t i)
{
	return r->all || strcmp(r->f[i].state, "unchanged") != 0;
}

/* The listed findings as one diagnostics list, with their states. */
static int listed_diags(const struct review *r, struct iamp_diags *out, const char ***states)
{
	size_t n = 0;

	iamp_diags_init(out);
	*states = calloc(r->nf + 1, sizeof(**states));
	out->items = calloc(r->nf + 1, sizeof(*out->items));
	if (!*states || !out->items)
		return IAMP_ENOMEM;
	for (size_t i = 0; i < r->nf; i++) {
		if (!listed(r, i))
			continue;
		out->items[n] = r->f[i].d; /* borrowed */
		(*states)[n++] = r->f[i].state;
	}
	out->count = n;
	out->cap = r->nf + 1;
	return 0;
}

static void report_opts(const struct review *r, struct iamp_report_opts *o, const char **states)
{
	(void)r;
	memset(o, 0, sizeof(*o));
	o->tool_version = IAMP_VERSION_STRING;
	o->data_version = iamp_catalog_data_date();
	o->baseline_state = states;
}

/* One witness, in words: "s3:DeleteBucket on arn:aws:s3:::b to arn:aws:iam::1:role/x". */
static void witness_words(FILE *out, const struct iamp_cex *x, bool md)
{
	const char *q = md ? "`" : "";

	fprintf(out, "%s%s%s on %s%s%s to %s%s%s", q, x->action, q, q, x->resource, q, q, x->principal, q);
	for (size_t i = 0; i < x->nkeys; i++) {
		fprintf(out, "%s%s%s=", i ? ", " : " with ", q, x->keys[i].name);
		for (size_t j = 0; j < x->keys[i].count; j++)
			fprintf(out, "%s%s", j ? "|" : "", x->keys[i].values[j]);
		fputs(q, out);
	}
}

static size_t files_by_status(const struct review *r, char st)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nch; i++)
		n += r->ch[i].status == st || (st == 'M' && r->ch[i].status == 'T');
	return n;
}

/* A field of the text format, safe for a terminal (report.h). */
static void text(FILE *out, const char *s)
{
	iamp_text_string(out, s, strlen(s));
}

static void write_text(FILE *out, const struct review *r, const struct iamp_diags *ld, const char **states)
{
	struct iamp_report_opts o;

	fprintf(out, "review %.12s..%.12s: %zu policy file%s changed (%zu added, %zu modified, %zu renamed, "
	       "%zu deleted)\n", r->base_id, r->head_id, r->nch, r->nch == 1 ? "" : "s", files_by_status(r, 'A'),
	       files_by_status(r, 'M'), files_by_status(r, 'R'), files_by_status(r, 'D'));
	fprintf(out, "findings: %zu new, %zu fixed, %zu unchanged%s\n", r->counts[0], r->counts[2], r->counts[1],
	       r->all || !r->counts[1] ? "" : " (not listed: --all lists them)");
	if (r->ignored || r->baselined)
		fprintf(out, "suppressed by .iamproof.yaml at BASE and HEAD: %zu by ignore entries, %zu by the baseline\n",
			r->ignored, r->baselined);
	report_opts(r, &o, states);
	for (size_t i = 0; i < ld->count; i++) {
		struct iamp_diags one = { .items = &ld->items[i], .count = 1, .cap = 1 };

		fprintf(out, "  %s: ", strcmp(states[i], "absent") == 0 ? "fixed" : states[i]);
		fflush(out);
		iamp_report_write(out, IAMP_REPORT_TEXT, &one, &o);
	}
	if (r->nacc)
		fprintf(out, "access:\n");
	for (size_t i = 0; i < r->nacc; i++) {
		const struct access *c = &r->acc[i];

		fputs("  ", out);
		text(out, c->path);
		if (c->label) {
			fputc(' ', out);
			text(out, c->label);
		}
		fprintf(out, " (%s, %s): ", iamp_policy_type_name(c->type), status_name(c->status));
		if (!c->compared) {
			text(out, c->note);
			fputc('\n', out);
			continue;
		}
		fprintf(out, "%s%s", iamp_diff_verdict_name(c->diff.verdict), c->note[0] ? "; " : "");
		text(out, c->note);
		fputc('\n', out);
		for (int d = 0; d < 2; d++) {
			for (size_t k = 0; k < c->diff.nwitness[d]; k++) {
				char *w = NULL;
				size_t wl = 0;
				FILE *m = open_memstream(&w, &wl);

				if (!m)
					continue;
				witness_words(m, &c->diff.witness[d][k], false);
				fclose(m);
				fprintf(out, "    %s ", d == 0 ? "newly allows" : "no longer allows");
				text(out, w ? w : "");
				fputc('\n', out);
				free(w);
			}
		}
		if (c->diff.verdict == IAMP_DIFF_UNKNOWN && c->diff.reason[0]) {
			fputs("    unknown: ", out);
			text(out, c->diff.reason);
			fputc('\n', out);
		}
	}
	if (r->org) {
		fputs("properties (--org ", out);
		text(out, r->org);
		fputs(", ", out);
		text(out, r->properties_given);
		fputs("):", out);
		if (!r->org_asked) {
			fputc(' ', out);
			text(out, r->org_note);
			fputc('\n', out);
		}
		else if (!r->npc)
			fprintf(out, " no verdict changed\n");
		else
			fputc('\n', out);
		for (size_t i = 0; i < r->npc; i++) {
			fputs("  ", out);
			text(out, r->pc[i].property);
			fputs(" on ", out);
			text(out, r->pc[i].target);
			fprintf(out, ": %s -> %s\n", r->pc[i].before, r->pc[i].after);
		}
	}
	if (r->cloudtrail)
		text_replay(out, r, text);
}

/* One group of replay's report as a line: "account A, P, ACTION: N events,
 * e.g. event ID; FILE:LINE: TEXT". */
static void text_replay_group(FILE *out, json_object *g, void (*put)(FILE *, const char *))
{
	json_object *by = NULL, *v;
	const char *keys[] = { "account", "principal", "action" };

	for (size_t k = 0; k < 3; k++) {
		fputs(k ? ", " : "account ", out);
		put(out, json_object_object_get_ex(g, keys[k], &v) ? json_object_get_string(v) : "?");
	}
	fprintf(out, ": %lld events, e.g. event ",
		json_object_object_get_ex(g, "count", &v) ? (long long)json_object_get_int64(v) : 0LL);
	put(out, json_object_object_get_ex(g, "exampleEventId", &v) ? json_object_get_string(v) : "?");
	if (json_object_object_get_ex(g, "decidedBy", &by)) {
		fputs("; ", out);
		if (json_object_object_get_ex(by, "file", &v)) {
			put(out, json_object_get_string(v));
			fprintf(out, ":%d: ", json_object_object_get_ex(by, "line", &v) ? json_object_get_int(v) : 0);
		}
		put(out, json_object_object_get_ex(by, "text", &v) ? json_object_get_string(v) : "");
	}
}

static void text_replay(FILE *out, const struct review *r, void (*put)(FILE *, const char *))
{
	static const char *const lists[][2] = { { "newlyDeniedGroups", "newly denied" },
						{ "newlyAllowedGroups", "newly allowed" } };

	fputs("replay (--cloudtrail ", out);
	put(out, r->cloudtrail);
	fputs("):", out);
	if (!r->replay) {
		fputc(' ', out);
		put(out, r->replay_note);
		fputc('\n', out);
		return;
	}
	fprintf(out, " %zu events, %zu decided: %zu newly denied, %zu newly allowed, %zu depend on an unknown "
		     "(identity and resource policies taken as allowing: the events happened)\n",
		replay_count(r, "events"), replay_count(r, "decided"), replay_count(r, "newlyDenied"),
		replay_count(r, "newlyAllowed"), replay_count(r, "assumed"));
	for (size_t l = 0; l < 2; l++) {
		json_object *arr;

		if (!json_object_object_get_ex(r->replay, lists[l][0], &arr))
			continue;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			fprintf(out, "  %s: ", lists[l][1]);
			text_replay_group(out, json_object_array_get_idx(arr, i), put);
			fputc('\n', out);
		}
	}
}

static void json_str(FILE *out, const char *s)
{
	iamp_json_string(out, s, strlen(s));
}

static int write_json(FILE *out, const struct review *r, const struct iamp_diags *ld, const char **states)
{
	struct iamp_report_opts o;
	int rc;

	fprintf(out, "{\"base\":\"%s\",\"head\":\"%s\",\"files\":[", r->base_id, r->head_id);
	for (size_t i = 0; i < r->nch; i++) {
		const struct change *c = &r->ch[i];

		fprintf(out, "%s{\"path\":", i ? "," : "");
		json_str(out, c->path);
		if (c->old_path && strcmp(c->old_path, c->path) != 0) {
			fprintf(out, ",\"oldPath\":");
			json_str(out, c->old_path);
		}
		fprintf(out, ",\"status\":\"%s\"}", status_name(c->status));
	}
	fprintf(out, "],\"access\":[");
	for (size_t i = 0; i < r->nacc; i++) {
		const struct access *c = &r->acc[i];

		fprintf(out, "%s{\"path\":", i ? "," : "");
		json_str(out, c->path);
		if (c->label) {
			fprintf(out, ",\"label\":");
			json_str(out, c->label);
		}
		fprintf(out, ",\"status\":\"%s\",\"type\":\"%s\",\"verdict\":", status_name(c->status),
			iamp_policy_type_name(c->type));
		if (c->compared) {
			fprintf(out, "\"%s\"", iamp_diff_verdict_name(c->diff.verdict));
			for (int d = 0; d < 2; d++) {
				fprintf(out, ",\"%s\":[", d == 0 ? "newlyAllows" : "noLongerAllows");
				for (size_t k = 0; k < c->diff.nwitness[d]; k++) {
					fputs(k ? "," : "", out);
					iamp_report_cex(out, &c->diff.witness[d][k]);
				}
				fputc(']', out);
			}
			if (c->diff.verdict == IAMP_DIFF_UNKNOWN) {
				fprintf(out, ",\"reason\":");
				json_str(out, c->diff.reason);
			}
			fprintf(out, ",\"assumptions\":");
			json_str(out, c->note);
		} else {
			fprintf(out, "null,\"reason\":");
			json_str(out, c->note);
		}
		fputc('}', out);
	}
	fprintf(out, "],\"findings\":");
	fflush(out);
	report_opts(r, &o, states);
	rc = iamp_report_write(out, IAMP_REPORT_JSON, ld, &o);
	fprintf(out, ",\"counts\":{\"new\":%zu,\"unchanged\":%zu,\"absent\":%zu,\"ignored\":%zu,\"baselined\":%zu}",
		r->counts[0], r->counts[1], r->counts[2], r->ignored, r->baselined);
	if (r->org) {
		fprintf(out, ",\"properties\":{\"org\":");
		json_str(out, r->org);
		fprintf(out, ",\"compared\":%s", r->org_asked ? "true" : "false");
		if (!r->org_asked) {
			fprintf(out, ",\"reason\":");
			json_str(out, r->org_note);
		}
		fprintf(out, ",\"changed\":[");
		for (size_t i = 0; i < r->npc; i++) {
			fprintf(out, "%s{\"property\":", i ? "," : "");
			json_str(out, r->pc[i].property);
			fprintf(out, ",\"target\":");
			json_str(out, r->pc[i].target);
			fprintf(out, ",\"base\":\"%s\",\"head\":\"%s\"}", r->pc[i].before, r->pc[i].after);
		}
		fprintf(out, "]}");
	}
	if (r->cloudtrail) {
		fprintf(out, ",\"replay\":{\"cloudtrail\":");
		json_str(out, r->cloudtrail);
		fprintf(out, ",\"replayed\":%s", r->replay ? "true" : "false");
		if (r->replay)
			fprintf(out, ",\"report\":%s", json_object_to_json_string_ext(r->replay, JSON_C_TO_STRING_PLAIN));
		else {
			fprintf(out, ",\"reason\":");
			json_str(out, r->replay_note);
		}
		fputc('}', out);
	}
	fprintf(out, "}\n");
	return rc;
}

static void md_cell(FILE *out, const char *s)
{
	iamp_markdown_cell(out, s, strlen(s));
}

/* The replay of --cloudtrail: counts, then the groups newly denied and
 * allowed (at most 20 rows; `--format json` has all). */
static void md_replay(FILE *m, const struct review *r)
{
	static const char *const lists[][2] = { { "newlyDeniedGroups", "newly denied" },
						{ "newlyAllowedGroups", "newly allowed" } };
	size_t rows = 0;

	fprintf(m, "\n<details%s><summary>CloudTrail replay (<code>", replay_count(r, "newlyDenied") ? " open" : "");
	md_cell(m, r->cloudtrail);
	fputs("</code>)</summary>\n\n", m);
	if (!r->replay) {
		md_cell(m, r->replay_note);
		fputs("\n\n</details>\n", m);
		return;
	}
	fprintf(m, "%zu recorded calls, %zu decided under the SCPs and RCPs at base and head (identity and "
		   "resource policies taken as allowing: the calls happened): **%zu newly denied**, %zu newly "
		   "allowed, %zu depend on what the log does not say.\n\n",
		replay_count(r, "events"), replay_count(r, "decided"), replay_count(r, "newlyDenied"),
		replay_count(r, "newlyAllowed"), replay_count(r, "assumed"));
	for (size_t l = 0; l < 2; l++) {
		json_object *arr, *v, *by;

		if (!json_object_object_get_ex(r->replay, lists[l][0], &arr) || !json_object_array_length(arr))
			continue;
		fprintf(m, "| %s | account | principal | action | calls | example event | decided by |\n"
			   "|---|---|---|---|---:|---|---|\n", lists[l][1]);
		for (size_t i = 0; i < json_object_array_length(arr) && rows < 20; i++, rows++) {
			json_object *g = json_object_array_get_idx(arr, i);
			const char *keys[] = { "account", "principal", "action" };

			fputs("| |", m);
			for (size_t k = 0; k < 3; k++) {
				fputs(" `", m);
				md_cell(m, json_object_object_get_ex(g, keys[k], &v) ? json_object_get_string(v) : "?");
				fputs("` |", m);
			}
			fprintf(m, " %lld | `", json_object_object_get_ex(g, "count", &v) ? (long long)json_object_get_int64(v) : 0LL);
			md_cell(m, json_object_object_get_ex(g, "exampleEventId", &v) ? json_object_get_string(v) : "?");
			fputs("` | ", m);
			if (json_object_object_get_ex(g, "decidedBy", &by)) {
				if (json_object_object_get_ex(by, "file", &v)) {
					fputc('`', m);
					md_cell(m, json_object_get_string(v));
					fprintf(m, ":%d` ", json_object_object_get_ex(by, "line", &v) ? json_object_get_int(v) : 0);
				}
				md_cell(m, json_object_object_get_ex(by, "text", &v) ? json_object_get_string(v) : "");
			}
			fputs(" |\n", m);
		}
		fputc('\n', m);
	}
	fputs("</details>\n", m);
}

static void md_findings(FILE *m, const struct review *r, const struct iamp_diags *ld, const char **states,
			const char *state, const char *title)
{
	size_t n = 0;

	for (size_t i = 0; i < ld->count; i++)
		n += strcmp(states[i], state) == 0;
	if (!n)
		return;
	fprintf(m, "<details%s><summary>%s (%zu)</summary>\n\n| severity | rule | where | message |\n"
		   "|---|---|---|---|\n", strcmp(state, "new") == 0 ? " open" : "", title, n);
	for (size_t i = 0; i < ld->count; i++) {
		const struct iamp_diag *d = &ld->items[i];

		if (strcmp(states[i], state) != 0)
			continue;
		fprintf(m, "| %s | `%s` | `", iamp_severity_name(d->severity), iamp_rules[d->rule].id);
		md_cell(m, d->path);
		fprintf(m, ":%u:%u` | ", d->span.start.line, d->span.start.col);
		md_cell(m, d->message);
		fputs(" |\n", m);
	}
	fputs("\n</details>\n\n", m);
	(void)r;
}

static void write_markdown_to(FILE *m, const struct review *r, const struct iamp_diags *ld, const char **states)
{
	size_t more = 0, less = 0, other = 0;

	for (size_t i = 0; i < r->nacc; i++) {
		const struct access *c = &r->acc[i];

		if (!c->compared)
			continue;
		more += c->diff.verdict == IAMP_DIFF_MORE_PERMISSIVE || c->diff.verdict == IAMP_DIFF_INCOMPARABLE;
		less += c->diff.verdict == IAMP_DIFF_LESS_PERMISSIVE;
		other += c->diff.verdict == IAMP_DIFF_UNKNOWN;
	}
	fprintf(m, "## iamproof review `%.12s..%.12s`\n\n| summary | |\n|---|---|\n", r->base_id, r->head_id);
	fprintf(m, "| policy files changed | %zu (%zu added, %zu modified, %zu renamed, %zu deleted) |\n", r->nch,
		files_by_status(r, 'A'), files_by_status(r, 'M'), files_by_status(r, 'R'), files_by_status(r, 'D'));
	fprintf(m, "| new findings | **%zu** |\n| fixed findings | %zu |\n| unchanged findings | %zu |\n",
		r->counts[0], r->counts[2], r->counts[1]);
	fprintf(m, "| policies that allow more | **%zu** |\n| policies that allow less | %zu |\n", more, less);
	if (other)
		fprintf(m, "| access changes unknown | %zu |\n", other);
	if (r->org) {
		fputs("| property verdicts changed (`", m);
		md_cell(m, r->properties_given);
		fprintf(m, "`) | %s%zu%s |\n", r->npc ? "**" : "", r->npc, r->npc ? "**" : "");
	}
	fputc('\n', m);
	md_findings(m, r, ld, states, "new", "New findings");
	md_findings(m, r, ld, states, "absent", "Fixed findings");
	md_findings(m, r, ld, states, "unchanged", "Unchanged findings");
	if (r->nacc) {
		fputs("<details open><summary>Access</summary>\n\n", m);
		for (size_t i = 0; i < r->nacc; i++) {
			const struct access *c = &r->acc[i];

			fputs("- `", m);
			md_cell(m, c->path);
			if (c->label) {
				fputs("` `", m);
				md_cell(m, c->label);
			}
			fprintf(m, "` (%s, %s): ", iamp_policy_type_name(c->type), status_name(c->status));
			if (!c->compared) {
				md_cell(m, c->note);
				fputc('\n', m);
				continue;
			}
			fprintf(m, "**%s**", iamp_diff_verdict_name(c->diff.verdict));
			if (c->note[0]) {
				fputs(" (", m);
				md_cell(m, c->note);
				fputc(')', m);
			}
			fputc('\n', m);
			for (int d = 0; d < 2; d++)
				for (size_t k = 0; k < c->diff.nwitness[d]; k++) {
					fprintf(m, "  - %s ", d == 0 ? "newly allows" : "no longer allows");
					witness_words(m, &c->diff.witness[d][k], true);
					fputc('\n', m);
				}
			if (c->diff.verdict == IAMP_DIFF_UNKNOWN && c->diff.reason[0]) {
				fputs("  - unknown: ", m);
				md_cell(m, c->diff.reason);
				fputc('\n', m);
			}
		}
		fputs("\n</details>\n\n", m);
	}
	if (r->org) {
		/* HTML, not Markdown, inside <summary> */
		fprintf(m, "<details%s><summary>Properties (<code>", r->npc ? " open" : "");
		md_cell(m, r->org);
		fputs("</code>, <code>", m);
		md_cell(m, r->properties_given);
		fputs("</code>)</summary>\n\n", m);
		if (!r->org_asked) {
			md_cell(m, r->org_note);
			fputs("\n", m);
		} else if (!r->npc) {
			fputs("No verdict changed.\n", m);
		} else {
			fputs("| property | target | base | head |\n|---|---|---|---|\n", m);
			for (size_t i = 0; i < r->npc; i++) {
				fputs("| ", m);
				md_cell(m, r->pc[i].property);
				fputs(" | ", m);
				md_cell(m, r->pc[i].target);
				fprintf(m, " | %s | %s%s%s |\n", r->pc[i].before, regressed(&r->pc[i]) ? "**" : "",
					r->pc[i].after, regressed(&r->pc[i]) ? "**" : "");
			}
		}
		fputs("\n</details>\n", m);
	}
	if (r->cloudtrail)
		md_replay(m, r);
}

/* At most MARKDOWN_CAP characters: cut at a line, with a note. */
static int write_markdown(FILE *out, const struct review *r, const struct iamp_diags *ld, const char **states)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return IAMP_ENOMEM;
	write_markdown_to(m, r, ld, states);
	if (fclose(m) != 0 || !buf)
		return IAMP_ENOMEM;
	if (len > MARKDOWN_CAP) {
		static const char note[] = "\n\n**Cut here:** the summary is longer than GitHub's comment limit; "
					   "`iamproof review --format json` or `--format sarif` gives all of it.\n";
		size_t keep = MARKDOWN_CAP - sizeof(note);

		while (keep && buf[keep - 1] != '\n')
			keep--;
		fwrite(buf, 1, keep, out);
		fputs(note, out);
	} else {
		fwrite(buf, 1, len, out);
	}
	free(buf);
	return 0;
}

/* A workflow command's data (%, CR, LF escaped) or property value
 * (also ':' and ','): GitHub's escaping for annotations. */
static void gh_escape(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (property && *s == ':')
			fputs("%3A", out);
		else if (property && *s == ',')
			fputs("%2C", out);
		else
			fputc(*s, out);
	}
}

/* The replay's groups as annotations at the statement that decides them:
 * recorded calls newly denied are errors (the change breaks them), newly
 * allowed ones notices. The line is the text form's (text_replay_group). */
static void github_replay(FILE *out, const struct review *r)
{
	static const char *const lists[][3] = { { "newlyDeniedGroups", "error", "replay: newly denied" },
						{ "newlyAllowedGroups", "notice", "replay: newly allowed" } };

	for (size_t l = 0; l < 2; l++) {
		json_object *arr;

		if (!json_object_object_get_ex(r->replay, lists[l][0], &arr))
			continue;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *g = json_object_array_get_idx(arr, i), *by, *v;
			char *w = NULL;
			size_t wl = 0;
			FILE *m = open_memstream(&w, &wl);

			if (!m)
				continue;
			text_replay_group(m, g, text);
			fclose(m);
			fprintf(out, "::%s ", lists[l][1]);
			if (json_object_object_get_ex(g, "decidedBy", &by) && json_object_object_get_ex(by, "file", &v)) {
				fputs("file=", out);
				gh_escape(out, json_object_get_string(v), true);
				if (json_object_object_get_ex(by, "line", &v))
					fprintf(out, ",line=%d,", json_object_get_int(v));
				else
					fputc(',', out);
			}
			fprintf(out, "title=%s::", lists[l][2]);
			gh_escape(out, w ? w : "", false);
			fputc('\n', out);
			free(w);
		}
	}
}

static void write_github(FILE *out, const struct review *r, const struct iamp_diags *ld, const char **states)
{
	static const char *const level[] = {
		[IAMP_SEV_SUGGESTION] = "notice", [IAMP_SEV_WARNING] = "warning",
		[IAMP_SEV_SECURITY_WARNING] = "warning", [IAMP_SEV_ERROR] = "error",
	};

	for (size_t i = 0; i < ld->count; i++) {
		const struct iamp_diag *d = &ld->items[i];

		if (strcmp(states[i], "absent") == 0)
			continue; /* not in the files as they are */
		fprintf(out, "::%s file=", level[d->severity]);
		gh_escape(out, d->path, true);
		if (d->span.start.line)
			fprintf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u", d->span.start.line, d->span.start.col,
			       d->span.end.line, d->span.end.col);
		fprintf(out, ",title=%s::", iamp_rules[d->rule].id);
		gh_escape(out, d->message, false);
		fputc('\n', out);
	}
	for (size_t i = 0; i < r->nacc; i++) {
		const struct access *c = &r->acc[i];

		for (size_t k = 0; c->compared && k < c->diff.nwitness[0]; k++) {
			char *w = NULL;
			size_t wl = 0;
			FILE *m = open_memstream(&w, &wl);

			if (!m)
				continue;
			if (c->label)
				fprintf(m, "%s: ", c->label);
			witness_words(m, &c->diff.witness[0][k], false);
			fclose(m);
			fprintf(out, "::notice file=");
			gh_escape(out, c->path, true);
			fprintf(out, ",title=newly allows::");
			gh_escape(out, w ? w : "", false);
			fputc('\n', out);
			free(w);
		}
	}
	for (size_t i = 0; i < r->npc; i++) {
		fprintf(out, "::%s title=%s::%s on %s: %s -> %s\n", regressed(&r->pc[i]) ? "error" : "notice",
		       r->pc[i].property, r->pc[i].property, r->pc[i].target, r->pc[i].before, r->pc[i].after);
	}
	if (r->replay)
		github_replay(out, r);
}

static int write_report(FILE *out, const struct review *r, enum rformat format, const struct iamp_diags *ld,
			const char **states)
{
	struct iamp_report_opts o;

	switch (format) {
	case R_TEXT:
		write_text(out, r, ld, states);
		return 0;
	case R_JSON:
		return write_json(out, r, ld, states);
	case R_MARKDOWN:
		return write_markdown(out, r, ld, states);
	case R_SARIF:
		report_opts(r, &o, states);
		return iamp_report_write(out, IAMP_REPORT_SARIF, ld, &o);
	case R_GITHUB:
		write_github(out, r, ld, states);
		return 0;
	case R_HTML:
		/* the findings; access and verdicts are in the other formats */
		report_opts(r, &o, states);
		cli_report_run(&o);
		o.note = "The findings of the change. Access gained and lost, property verdicts and the "
			 "CloudTrail replay are in the text, JSON and Markdown forms.";
		return iamp_report_write(out, IAMP_REPORT_HTML, ld, &o);
	}
	return 0;
}

/* ---- the command ------------------------------------------------------------------- */

static void review_free(struct review *r)
{
	for (size_t i = 0; i < r->nch; i++) {
		free(r->ch[i].path);
		free(r->ch[i].old_path);
	}
	for (size_t i = 0; i < r->nacc; i++) {
		free(r->acc[i].label);
		iamp_diff_result_free(&r->acc[i].diff);
	}
	free(r->acc);
	free(r->ch);
	for (size_t i = 0; i < r->nf; i++)
		free_diag(&r->f[i].d);
	free(r->f);
	for (size_t i = 0; i < r->npc; i++) {
		free(r->pc[i].property);
		free(r->pc[i].target);
		free(r->pc[i].before);
		free(r->pc[i].after);
	}
	free(r->pc);
	free(r->params);
	for (size_t i = 0; i < r->nalso; i++)
		free(r->also_abs[i]);
	free(r->props_abs);
	free(r->cloudtrail_abs);
	if (r->replay)
		json_object_put(r->replay);
	if (r->has_config)
		iamp_config_free(&r->config);
}

/* `path` from the working directory, before review moves to the top. */
static char *absolute(const char *path)
{
	char cwd[4096], *out;
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	n = strlen(cwd) + strlen(path) + 2;
	if ((out = malloc(n)))
		snprintf(out, n, "%s/%s", cwd, path);
	return out;
}

/* The top of the work tree, as the working directory: git's paths are
 * relative to it. */
static bool to_top(void)
{
	const char *const argv[] = { "git", "rev-parse", "--show-toplevel", NULL };
	char *out;
	size_t len;
	int rc = proc_run(argv, &out, &len);

	if (rc != 0) {
		if (rc > 0)
			fprintf(stderr, "iamproof review: not in a git work tree\n");
		free(out);
		return false;
	}
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	if (chdir(out) != 0) {
		fprintf(stderr, "iamproof review: cannot enter %s: %s\n", out, strerror(errno));
		free(out);
		return false;
	}
	free(out);
	return true;
}

int iamp_cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "head", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "fail-on-access", no_argument, NULL, 'A' },
		{ "all", no_argument, NULL, 'a' },
		{ "witnesses", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "org", required_argument, NULL, 'o' },
		{ "cloudtrail", required_argument, NULL, 'C' },
		{ "properties", required_argument, NULL, 'P' },
		{ "param", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-config", no_argument, NULL, 'N' },
		{ "also", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "text", "json", "markdown", "sarif", "github", "html" };
	struct review r;
	const char *config_path = NULL;
	bool no_config = false, fail_on_set = false, more = false, regress = false;
	struct iamp_diags ld, cfg_diags;
	const char **states = NULL;
	int opt, status = EXIT_CLEAN, max = -1, wrc = 0;
	char *found = NULL;

	memset(&r, 0, sizeof(r));
	r.head = "HEAD";
	r.fail_on = IAMP_SEV_ERROR;
	r.witnesses = 3;
	r.timeout_ms = 10000;
	r.properties = "stage6";
	iamp_limits_default(&r.limits);
	iamp_diags_init(&ld);
	iamp_diags_init(&cfg_diags);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			r.base = optarg;
			break;
		case 'H':
			r.head = optarg;
			break;
		case 'f':
		case 'O': {
			const char *eq = opt == 'O' ? strchr(optarg, '=') : NULL;
			size_t k = 0, n = eq ? (size_t)(eq - optarg) : strlen(optarg);

			while (k < sizeof(formats) / sizeof(formats[0]) &&
			       (strlen(formats[k]) != n || strncmp(formats[k], optarg, n) != 0))
				k++;
			if (k == sizeof(formats) / sizeof(formats[0]) || (opt == 'O' && (!eq || !eq[1]))) {
				fprintf(stderr, "iamproof review: %s '%s': the formats are text, json, markdown, sarif, "
						"github, html%s\n", opt == 'O' ? "--also" : "unknown format", optarg,
					opt == 'O' ? " (--also FORMAT=FILE)" : "");
				status = EXIT_USAGE;
				goto done;
			}
			if (opt == 'f') {
				r.format = (enum rformat)k;
			} else if (r.nalso == sizeof(r.also) / sizeof(r.also[0])) {
				fprintf(stderr, "iamproof review: --also at most 8 times\n");
				status = EXIT_USAGE;
				goto done;
			} else {
				r.also[r.nalso].format = (enum rformat)k;
				r.also[r.nalso++].path = eq + 1;
			}
			break;
		}
		case 'F':
			if (!iamp_severity_parse(&r.fail_on, optarg)) {
				fprintf(stderr, "iamproof review: unknown severity '%s' (error, security-warning, "
						"warning, suggestion)\n", optarg);
				status = EXIT_USAGE;
				goto done;
			}
			fail_on_set = true;
			break;
		case 'A':
			r.fail_on_access = true;
			break;
		case 'a':
			r.all = true;
			break;
		case 'w': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || n < 1 || n > 100) {
				fprintf(stderr, "iamproof review: --witnesses takes 1 to 100\n");
				status = EXIT_USAGE;
				goto done;
			}
			r.witnesses = (unsigned)n;
			break;
		}
		case 'T': {
			char *end;
			double s = strtod(optarg, &end);

			if (*end || !(s > 0) || s > 3600) {
				fprintf(stderr, "iamproof review: --timeout takes seconds, from 0.001 to 3600\n");
				status = EXIT_USAGE;
				goto done;
			}
			r.timeout_ms = (unsigned)(s * 1000.0) ? (unsigned)(s * 1000.0) : 1;
			break;
		}
		case 'o':
			r.org = optarg;
			break;
		case 'C':
			r.cloudtrail = optarg;
			break;
		case 'P':
			r.properties = optarg;
			break;
		case 'p': {
			const char **p = realloc(r.params, (r.nparams + 1) * sizeof(*p));

			if (!p) {
				status = EXIT_INTERNAL;
				goto done;
			}
			r.params = p;
			r.params[r.nparams++] = optarg;
			break;
		}
		case 'c':
			config_path = optarg;
			break;
		case 'N':
			no_config = true;
			break;
		case 'h':
			usage(stdout);
			goto done;
		default:
			usage(stderr);
			status = EXIT_USAGE;
			goto done;
		}
	}
	if (!r.base || optind < argc) {
		fprintf(stderr, optind < argc ? "iamproof review: unexpected argument '%s'\n"
					      : "iamproof review: --base REV is required\n",
			optind < argc ? argv[optind] : "");
		usage(stderr);
		status = EXIT_USAGE;
		goto done;
	}
	/* a relative --config or --org names a file from where we were called */
	if (config_path && !(config_path = found = realpath(config_path, NULL))) {
		fprintf(stderr, "iamproof review: cannot read %s: %s\n", config_path ? config_path : "", strerror(errno));
		status = EXIT_USAGE;
		goto done;
	}
	/* --also files and a --properties file are named from where we
	 * were called; --org is a path in the repository */
	for (size_t i = 0; i < r.nalso; i++) {
		if (r.also[i].path[0] != '/' && !(r.also[i].path = r.also_abs[i] = absolute(r.also[i].path))) {
			status = EXIT_INTERNAL;
			goto done;
		}
	}
	if (r.cloudtrail && !r.org) {
		fprintf(stderr, "iamproof review: --cloudtrail replays the change to the SCPs and RCPs of --org org.yaml: give --org\n");
		status = EXIT_USAGE;
		goto done;
	}
	if (r.cloudtrail && strcmp(r.cloudtrail, "-") != 0 && r.cloudtrail[0] != '/' &&
	    !(r.cloudtrail = r.cloudtrail_abs = absolute(r.cloudtrail))) {
		status = EXIT_INTERNAL;
		goto done;
	}
	r.properties_given = r.properties;
	if (access(r.properties, R_OK) == 0 && !(r.properties = r.props_abs = realpath(r.properties, NULL))) {
		status = EXIT_INTERNAL;
		goto done;
	}
	if (cli_need_z3("review", "review")) {
		status = EXIT_USAGE;
		goto done;
	}
	if (!to_top() || !resolve(r.base, r.base_id, sizeof(r.base_id)) ||
	    !resolve(r.head, r.head_id, sizeof(r.head_id))) {
		status = EXIT_USAGE;
		goto done;
	}
	if (!no_config && !config_path) {
		struct stat st;

		if (stat(".iamproof.yaml", &st) == 0)
			config_path = ".iamproof.yaml";
	}
	if (!no_config && config_path) {
		int rc = iamp_config_load(&r.config, config_path, &cfg_diags);

		if (rc) {
			fprintf(stderr, "iamproof review: %s\n", iamp_error_last());
			status = rc == IAMP_EIO ? EXIT_USAGE : EXIT_INTERNAL;
			goto done;
		}
		r.has_config = true;
		rc = iamp_config_load_baseline(&r.config, &cfg_diags);
		if (rc) {
			fprintf(stderr, "iamproof review: %s\n", iamp_error_last());
			status = rc == IAMP_EIO ? EXIT_USAGE : EXIT_INTERNAL;
			goto done;
		}
		if (iamp_diags_max_severity(&cfg_diags) >= (int)IAMP_SEV_ERROR) {
			iamp_diags_sort(&cfg_diags);
			iamp_report_write(stderr, IAMP_REPORT_TEXT, &cfg_diags, NULL);
			status = EXIT_USAGE;
			goto done;
		}
		if (!fail_on_set && r.config.has_fail_on)
			r.fail_on = r.config.fail_on;
	}
	if (changed_files(&r) != 0) {
		status = EXIT_USAGE;
		goto done;
	}
	for (size_t i = 0; i < r.nch && !r.internal; i++)
		if (review_change(&r, &r.ch[i]))
			r.internal = true;
	if (r.org && !r.internal)
		compare_properties(&r);
	if (r.cloudtrail && !r.internal)
		replay_change(&r);
	if (r.internal || listed_diags(&r, &ld, &states)) {
		status = EXIT_INTERNAL;
		goto done;
	}
	wrc = write_report(stdout, &r, r.format, &ld, states);
	if (wrc || fflush(stdout) != 0) {
		fprintf(stderr, "iamproof review: cannot write the report\n");
		status = EXIT_INTERNAL;
		goto done;
	}
	for (size_t i = 0; i < r.nalso; i++) {
		FILE *f = fopen(r.also[i].path, "w");

		if (!f || write_report(f, &r, r.also[i].format, &ld, states) || fclose(f) != 0) {
			fprintf(stderr, "iamproof review: cannot write %s: %s\n", r.also[i].path, strerror(errno));
			status = EXIT_INTERNAL;
			goto done;
		}
	}
	for (size_t i = 0; i < r.nf; i++)
		if (strcmp(r.f[i].state, "new") == 0 && (int)r.f[i].d.severity > max)
			max = (int)r.f[i].d.severity;
	for (size_t i = 0; i < r.nacc; i++)
		more |= r.acc[i].compared && (r.acc[i].diff.verdict == IAMP_DIFF_MORE_PERMISSIVE ||
					      r.acc[i].diff.verdict == IAMP_DIFF_INCOMPARABLE ||
					      r.acc[i].diff.verdict == IAMP_DIFF_UNKNOWN);
	for (size_t i = 0; i < r.npc; i++)
		regress |= regressed(&r.pc[i]);
	if (r.failed)
		status = EXIT_USAGE;
	else if (max >= (int)r.fail_on || regress || (r.fail_on_access && more) || replay_count(&r, "newlyDenied"))
		status = EXIT_FINDINGS;
done:
	free(states);
	free(ld.items);
	iamp_diags_clear(&cfg_diags);
	free(found);
	review_free(&r);
	return status;
}
