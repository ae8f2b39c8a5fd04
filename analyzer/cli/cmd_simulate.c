/*
 * cmd_simulate.c - `iamproof simulate`: decide requests with the concrete
 * evaluator and explain the decision (docs/simulate.md).
 *
 *   policies (--identity, --resource-policy, --boundary, --session-policy,
 *   --scp, --rcp, or --org org.yaml: SCPs along the caller's account path,
 *   RCPs along the resource owner's)
 *        └─▶ load + build (errors: diagnostics on stderr, exit 2)
 *        └─▶ one evaluator (plus one per org.yaml principal)
 *   requests (--request JSON, --requests FILE.jsonl, '-' for stdin)
 *        └─▶ one output line (JSON) or paragraph (text) each, written by
 *            iamp_report_decision (report.c)
 *
 * With -j N (default: the number of CPUs) and --requests, the lines are
 * read in rounds of N chunks of CHUNK_LINES; each chunk is decided on a
 * thread of its own into memory streams (its output and its errors), and
 * the chunks are written out in order: the output is that of -j 1, byte
 * for byte, and stops where -j 1 would stop (an internal error). The
 * evaluators are read-only while deciding.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "arn.h"
#include "compat.h"
#include "commands.h"
#include "context.h"
#include "diag.h"
#include "error.h"
#include "eval.h"
#include "load.h"
#include "match.h"
#include "org.h"
#include "policy.h"
#include "principal.h"
#include "policyset.h"
#include "report.h"

#define MAX_MATCHES 64
/* The longest request line --requests reads (the loader's string cap is
 * 64 KiB a value; a request holds a few). */
#define MAX_REQUEST_LINE (1 << 20)
#define MAX_ORG_LEVELS 16
/* -j: requests per chunk */
#define CHUNK_LINES 2048

struct principal_ev {
	const char *arn;
	struct iamp_evaluator *ev;
	struct iamp_decision_json *dj; /* its JSON lines' prepared parts */
};

struct sim {
	FILE *out, *err;   /* stdout and stderr; a chunk's own streams under -j */
	unsigned jobs;     /* -j */
	struct pset ps;
	bool text;
	bool bad_request;  /* some request was rejected */
	struct iamp_evaluator *ev;
	struct iamp_decision_json *dj;
	struct principal_ev *pevs;
	size_t npevs;
	const char *resource_account; /* --resource-account */
	struct iamp_arena *arena;     /* the request's, reset for each */
	unsigned compat;
	size_t request_no;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof simulate [POLICIES] (--request JSON | --requests FILE.jsonl) [--format json|text]\n"
		"\npolicies:\n"
		"  --identity F          an identity policy of the principal (repeatable)\n"
		"  --resource-policy F   the resource's policy\n"
		"  --trust-policy F      the role's trust policy (the resource policy of sts:AssumeRole*)\n"
		"  --boundary F          the principal's permission boundary\n"
		"  --session-policy F    the session policy\n"
		"  --scp F[,F...]        the SCPs of one organization level (repeatable: root first)\n"
		"  --rcp F[,F...]        the RCPs of one level (repeatable; RCPFullAWSAccess is implied)\n"
		"  --org org.yaml        the organization: SCPs along the caller's account path, RCPs\n"
		"                        along the resource owner's, and the identity policies and\n"
		"                        boundaries of the principals org.yaml lists\n"
		"  --resource-account ID the account of resources whose ARN names none (S3)\n"
		"  --compat NAME[,NAME]  mimic a documented difference of another simulator\n"
		"                        (--list-compat lists them; docs/semantics.md)\n"
		"\nrequests, one JSON object each:\n"
		"  {\"principal\": ARN, \"action\": \"s3:GetObject\", \"resource\": ARN, \"context\": {KEY: VALUE|[VALUES]}}\n"
		"  --request JSON        one request\n"
		"  --requests FILE       JSON Lines, one request per line ('-' reads standard input); a line\n"
		"                        holds at most 1 MiB\n"
		"  -j, --jobs N          decide --requests on N threads (default: the number of CPUs); the\n"
		"                        output is the same for every N\n"
		"\noutput: one JSON line per request ({\"decision\": \"allowed\"|\"explicitDeny\"|\"implicitDeny\",\n"
		"\"matched\": [...], \"assumptions\": [...], ...}) or, with --format text, the decision\n"
		"explained in words.\n"
		"exit codes: 0 every request decided, 2 usage error, unusable policy or bad request, 3 internal error\n");
}

/* ---- requests ------------------------------------------------------------ */

static const struct iamp_evaluator *evaluator_for(const struct sim *s, const struct iamp_request *req,
						  const struct iamp_decision_json **dj)
{
	struct iamp_caller c;

	*dj = s->dj;
	if (!s->npevs)
		return s->ev;
	iamp_caller_parse(&c, req->principal, req->principal_len);
	for (size_t i = 0; i < s->npevs; i++) {
		if (iamp_caller_is(&c, s->pevs[i].arn, strlen(s->pevs[i].arn))) {
			*dj = s->pevs[i].dj;
			return s->pevs[i].ev;
		}
	}
	return s->ev;
}

/* The request read by the loader, for what the light reader leaves to it:
 * every bad request, said at its position. 1 for a bad request. */
static int load_request(struct sim *s, struct iamp_request *req, struct iamp_document **doc,
			const char *text, size_t len, const char *where)
{
	struct iamp_diags diags;
	int rc = 0;

	iamp_diags_init(&diags);
	if (iamp_load_buffer(doc, where, text, len, IAMP_FORMAT_JSON, &s->ps.limits, &diags) != 0) {
		rc = IAMP_ENOMEM;
	} else if (diags.count) {
		for (size_t i = 0; i < diags.count; i++)
			fprintf(s->err, "iamproof: %s: line %u, column %u: %s\n", where,
				(unsigned)diags.items[i].span.start.line,
				(unsigned)diags.items[i].span.start.col, diags.items[i].message);
		rc = 1;
	} else if ((rc = iamp_request_from_value(req, s->arena, (*doc)->root)) != 0) {
		if (rc != IAMP_ENOMEM) {
			fprintf(s->err, "iamproof: %s: %s\n", where, iamp_error_last());
			rc = 1;
		}
	}
	iamp_diags_clear(&diags);
	return rc;
}

/* Decides one request given as JSON text, line `lineno` of `name` (0: the
 * text is all of `name`). The request lives in s->arena, reset here. */
static int one_request(struct sim *s, const char *text, size_t len, const char *name, size_t lineno)
{
	struct iamp_document *doc = NULL;
	struct iamp_request req;
	struct iamp_match matches[MAX_MATCHES];
	struct iamp_result res = { .matches = matches, .match_cap = MAX_MATCHES };
	const struct iamp_evaluator *ev;
	const struct iamp_decision_json *dj;
	int rc = 0, got;

	s->request_no++;
	iamp_arena_reset(s->arena);
	got = iamp_request_parse(&req, s->arena, text, len, &s->ps.limits);
	if (got == 1) {
		char where[512];

		if (lineno)
			snprintf(where, sizeof(where), "%s:%zu", name, lineno);
		else
			snprintf(where, sizeof(where), "%s", name);
		got = load_request(s, &req, &doc, text, len, where);
	}
	if (got == 1)
		goto bad;
	if (got != 0 || iamp_request_fill_derived(&req, s->arena) != 0) {
		fprintf(s->err, "iamproof: out of memory\n");
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (s->resource_account && !iamp_request_key(&req, "aws:ResourceAccount", 19)) {
		struct iamp_arn arn;

		if ((!iamp_arn_parse(&arn, req.resource, req.resource_len) || !arn.account_len) &&
		    iamp_request_add_key(&req, s->arena, "aws:ResourceAccount", s->resource_account) != 0) {
			fprintf(s->err, "iamproof: out of memory\n");
			rc = EXIT_INTERNAL;
			goto cleanup;
		}
	}
	ev = evaluator_for(s, &req, &dj);
	if (iamp_evaluate(&res, ev, &req) != 0) {
		fprintf(s->err, "iamproof: %s\n", iamp_error_last());
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (s->text)
		iamp_report_decision(s->out, IAMP_REPORT_TEXT, &req, &res, ev, s->request_no);
	else
		iamp_report_decision_json(s->out, dj, &res);
	goto cleanup;
bad:
	s->bad_request = true;
	if (!s->text)
		fputs("{\"error\":\"bad request\"}\n", s->out);
	else
		fprintf(s->out, "request %zu: bad request (see the error above)\n", s->request_no);
cleanup:
	iamp_document_free(doc);
	return rc;
}

/* Lines of the input, read in blocks with read(2): a request arriving on
 * a pipe is decided without waiting for a block to fill. */
struct lines {
	int fd;
	char *buf;
	size_t cap, start, end; /* buf[start..end) not yet returned */
	bool eof;
};

/*
 * The next line of at most MAX_REQUEST_LINE bytes, newline dropped, into
 * *line and *len (valid until the next call). Returns 1 for a line, 0 at
 * the end of the input, -1 on a read error (errno) and -2 for a line over
 * the cap, of which nothing more is read: an input without newlines
 * (/dev/zero) must not be buffered, nor read for ever.
 */
static int read_line(struct lines *in, const char **line, size_t *len)
{
	size_t scanned = 0; /* bytes of the pending line known to hold no newline */

	for (;;) {
		size_t have = in->end - in->start;
		char *nl = have > scanned ? memchr(in->buf + in->start + scanned, '\n', have - scanned) : NULL;
		ssize_t got;

		if (nl || (in->eof && have)) {
			size_t n = nl ? (size_t)(nl - (in->buf + in->start)) : have;

			if (n > MAX_REQUEST_LINE)
				return -2;
			*line = in->buf + in->start;
			*len = n;
			in->start += nl ? n + 1 : n;
			return 1;
		}
		if (in->eof)
			return 0;
		if (have > MAX_REQUEST_LINE)
			return -2;
		scanned = have;
		if (in->start && in->end == in->cap) {
			memmove(in->buf, in->buf + in->start, have);
			in->start = 0;
			in->end = have;
		}
		if (in->end == in->cap) {
			size_t ncap = in->cap ? in->cap * 2 : 256 * 1024;
			char *nb = realloc(in->buf, ncap);

			if (!nb) {
				errno = ENOMEM;
				return -1;
			}
			in->buf = nb;
			in->cap = ncap;
		}
		do
			got = read(in->fd, in->buf + in->end, in->cap - in->end);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		if (got == 0)
			in->eof = true;
		in->end += (size_t)got;
	}
}

/* -j: one chunk of request lines, copied into one buffer. */
struct chunk {
	struct sim s;            /* a copy, with the chunk's streams and arena */
	char *text;              /* the lines */
	size_t len, cap;
	size_t *at, *lineno, *n_of; /* each line's offset in text, number and length */
	size_t n;
	char *out, *err;         /* what the chunk wrote */
	size_t out_len, err_len;
	const char *name;
	int rc;
};

static int chunk_add(struct chunk *c, const char *line, size_t len, size_t lineno)
{
	if (c->len + len > c->cap) {
		size_t cap = c->cap ? c->cap : 65536;
		char *t;

		while (cap < c->len + len)
			cap *= 2;
		if (!(t = realloc(c->text, cap)))
			return -1;
		c->text = t;
		c->cap = cap;
	}
	memcpy(c->text + c->len, line, len);
	c->at[c->n] = c->len;
	c->n_of[c->n] = len;
	c->lineno[c->n++] = lineno;
	c->len += len;
	return 0;
}

static void *chunk_run(void *arg)
{
	struct chunk *c = arg;

	c->s.out = open_memstream(&c->out, &c->out_len);
	c->s.err = open_memstream(&c->err, &c->err_len);
	c->s.arena = iamp_arena_new();
	if (!c->s.out || !c->s.err || !c->s.arena) {
		fprintf(stderr, "iamproof: out of memory\n");
		c->rc = EXIT_INTERNAL;
	} else {
		for (size_t i = 0; i < c->n && !c->rc; i++)
			c->rc = one_request(&c->s, c->text + c->at[i], c->n_of[i], c->name, c->lineno[i]);
	}
	iamp_arena_free(c->s.arena);
	if ((c->s.out && fclose(c->s.out) != 0) | (c->s.err && fclose(c->s.err) != 0)) {
		fprintf(stderr, "iamproof: out of memory\n");
		c->rc = EXIT_INTERNAL;
	}
	return NULL;
}

/* Decides the round's chunks on threads (this one, when none can be
 * started) and writes out what they said, in order; the first chunk that
 * failed ends the run, as -j 1 would have stopped there. */
static int chunks_run(struct sim *s, struct chunk *cs, unsigned n)
{
	pthread_t threads[CLI_JOBS_MAX];
	bool started[CLI_JOBS_MAX] = { false };
	int rc = 0;

	for (unsigned i = 0; i < n; i++) {
		cs[i].s = *s;
		cs[i].s.bad_request = false;
		cs[i].rc = 0;
		cs[i].out = cs[i].err = NULL;
		cs[i].out_len = cs[i].err_len = 0;
		s->request_no += cs[i].n;
	}
	for (unsigned i = 1; i < n; i++)
		started[i] = pthread_create(&threads[i], NULL, chunk_run, &cs[i]) == 0;
	chunk_run(&cs[0]);
	for (unsigned i = 1; i < n; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			chunk_run(&cs[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		if (!rc) {
			if (cs[i].err) /* NULL when its stream could not be opened */
				fwrite(cs[i].err, 1, cs[i].err_len, stderr);
			if (cs[i].out)
				fwrite(cs[i].out, 1, cs[i].out_len, stdout);
			s->bad_request |= cs[i].s.bad_request;
			rc = cs[i].rc;
		}
		free(cs[i].out);
		free(cs[i].err);
		cs[i].n = cs[i].len = 0;
	}
	return rc;
}

static int run_requests_file(struct sim *s, const char *path)
{
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct lines in = { .fd = fd };
	const char *name = is_stdin ? "<stdin>" : path;
	const char *line;
	size_t len, lineno = 0;
	struct stat st;
	int rc = 0, got = 0;
	struct chunk *cs = NULL;
	unsigned nc = 0; /* the chunk being filled */

	if (fd < 0) {
		fprintf(stderr, "iamproof: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "iamproof: %s: %s (--requests reads a file of JSON lines)\n", path,
			strerror(EISDIR));
		close(fd);
		return EXIT_USAGE;
	}
	if (s->jobs > 1) {
		cs = calloc(s->jobs, sizeof(*cs));
		for (unsigned i = 0; cs && i < s->jobs; i++) {
			cs[i].name = name;
			cs[i].at = malloc(CHUNK_LINES * sizeof(*cs[i].at));
			cs[i].lineno = malloc(CHUNK_LINES * sizeof(*cs[i].lineno));
			cs[i].n_of = malloc(CHUNK_LINES * sizeof(*cs[i].n_of));
			if (!cs[i].at || !cs[i].lineno || !cs[i].n_of)
				rc = EXIT_INTERNAL;
		}
		if (!cs)
			rc = EXIT_INTERNAL;
		if (rc)
			fprintf(stderr, "iamproof: out of memory\n");
	}
	while (!rc && (got = read_line(&in, &line, &len)) == 1) {
		size_t k = 0;

		lineno++;
		while (len && line[len - 1] == '\r')
			len--;
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len)
			continue;
		if (cs) {
			if (chunk_add(&cs[nc], line, len, lineno)) {
				fprintf(stderr, "iamproof: out of memory\n");
				rc = EXIT_INTERNAL;
				break;
			}
			if (cs[nc].n == CHUNK_LINES && ++nc == s->jobs) {
				rc = chunks_run(s, cs, nc);
				nc = 0;
			}
			continue;
		}
		if ((rc = one_request(s, line, len, name, lineno)) != 0)
			break;
	}
	if (cs && !rc && (nc || cs[0].n))
		rc = chunks_run(s, cs, cs[nc].n ? nc + 1 : nc);
	for (unsigned i = 0; cs && i < s->jobs; i++) {
		free(cs[i].text);
		free(cs[i].at);
		free(cs[i].lineno);
		free(cs[i].n_of);
	}
	free(cs);
	if (got == -1) {
		fprintf(stderr, "iamproof: %s: %s\n", name, strerror(errno));
		rc = errno == ENOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	} else if (got == -2) {
		fprintf(stderr, "iamproof: %s:%zu: a request line longer than %d bytes; the rest of the "
			"input is not read\n", name, lineno + 1, MAX_REQUEST_LINE);
		rc = EXIT_USAGE;
	}
	free(in.buf);
	if (!is_stdin)
		close(fd);
	return rc;
}

int iamp_cmd_simulate(int argc, char **argv)
{
	struct sim s;
	const char *request = NULL, *requests = NULL, *org_path = NULL;
	int rc = EXIT_USAGE;

	memset(&s, 0, sizeof(s));
	s.out = stdout;
	s.err = stderr;
	s.jobs = cli_jobs_default();
	pset_init(&s.ps, "simulate");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			rc = EXIT_CLEAN;
			goto cleanup;
		}
		if (strcmp(a, "--list-compat") == 0) {
			for (int c = 0; c < IAMP_COMPAT__COUNT; c++)
				printf("%s\t%s\n", iamp_compat_name((enum iamp_compat)c),
				       iamp_compat_description((enum iamp_compat)c));
			rc = EXIT_CLEAN;
			goto cleanup;
		}
		if ((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && v) {
			if (cli_jobs_parse(&s.jobs, v)) {
				fprintf(stderr, "iamproof simulate: -j wants a number of threads, 1 to %u\n", CLI_JOBS_MAX);
				goto cleanup;
			}
			i++;
			continue;
		}
		if (!v || strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "iamproof simulate: %s '%s'\n",
				strncmp(a, "--", 2) == 0 ? "missing value after" : "unexpected argument", a);
			usage(stderr);
			goto cleanup;
		}
		i++;
		if (pset_option(&s.ps, a, v))
			;
		else if (strcmp(a, "--org") == 0)
			org_path = v;
		else if (strcmp(a, "--resource-account") == 0) {
			if (!iamp_is_account_id(v, strlen(v))) {
				fprintf(stderr, "iamproof simulate: --resource-account takes a 12-digit account id\n");
				goto cleanup;
			}
			s.resource_account = v;
		} else if (strcmp(a, "--compat") == 0) {
			if (iamp_compat_parse(&s.compat, v) != 0) {
				fprintf(stderr, "iamproof simulate: %s (see --list-compat)\n", iamp_error_last());
				goto cleanup;
			}
		} else if (strcmp(a, "--account") == 0) {
			fprintf(stderr, "iamproof simulate: --account is gone: with --org, the caller's account "
					"comes from the principal and the resource's from the resource\n");
			goto cleanup;
		}
		else if (strcmp(a, "--request") == 0)
			request = v;
		else if (strcmp(a, "--requests") == 0)
			requests = v;
		else if (strcmp(a, "--format") == 0) {
			if (strcmp(v, "text") == 0)
				s.text = true;
			else if (strcmp(v, "json") != 0) {
				fprintf(stderr, "iamproof simulate: --format must be json or text\n");
				goto cleanup;
			}
		} else {
			fprintf(stderr, "iamproof simulate: unknown option '%s'\n", a);
			usage(stderr);
			goto cleanup;
		}
	}
	if (!request == !requests) {
		fprintf(stderr, "iamproof simulate: give one of --request JSON or --requests FILE\n");
		goto cleanup;
	}
	if (org_path && (s.ps.scp_levels || s.ps.rcp_levels)) {
		fprintf(stderr, "iamproof simulate: --org gives the SCP and RCP levels; drop --scp/--rcp\n");
		goto cleanup;
	}
	if (org_path)
		pset_load_org(&s.ps, org_path);
	if (s.ps.org) {
		s.pevs = calloc(s.ps.org->principal_count + 1, sizeof(*s.pevs));
		if (!s.pevs) {
			rc = EXIT_INTERNAL;
			goto cleanup;
		}
	}
	if (!pset_usable(&s.ps))
		goto cleanup;
	if (pset_build(&s.ps, s.compat, &s.ev) != 0) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	/* org.yaml principals: the common policies plus their own */
	for (size_t i = 0; s.ps.org && i < s.ps.org->principal_count; i++) {
		const struct iamp_org_principal *p = &s.ps.org->principals[i];
		size_t first = s.ps.nfiles;
		struct iamp_evaluator *ev;

		for (size_t j = 0; j < p->identity_count; j++)
			pset_load(&s.ps, p->identity[j].path, IAMP_POLICY_IDENTITY, 0, NULL, NULL);
		if (p->has_boundary)
			pset_load(&s.ps, p->boundary.path, IAMP_POLICY_BOUNDARY, 0, NULL, NULL);
		if (!pset_usable(&s.ps))
			goto cleanup;
		if (pset_build(&s.ps, s.compat, &ev) != 0) {
			rc = EXIT_INTERNAL;
			goto cleanup;
		}
		s.pevs[s.npevs].arn = p->arn;
		s.pevs[s.npevs++].ev = ev;
		if (iamp_decision_json_new(&s.pevs[s.npevs - 1].dj, ev) != 0) {
			fprintf(stderr, "iamproof: out of memory\n");
			rc = EXIT_INTERNAL;
			goto cleanup;
		}
		/* the next principal must not see these files */
		pset_retire(&s.ps, first);
	}
	if (s.ps.diags.count)
		pset_print_diags(&s.ps); /* warnings: shown, not fatal */
	if (!(s.arena = iamp_arena_new()) || iamp_decision_json_new(&s.dj, s.ev) != 0) {
		fprintf(stderr, "iamproof: out of memory\n");
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (request)
		rc = one_request(&s, request, strlen(request), "--request", 0);
	else
		rc = run_requests_file(&s, requests);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "iamproof: cannot write the output\n");
		rc = EXIT_INTERNAL;
	}
	if (rc == 0 && s.bad_request)
		rc = EXIT_USAGE;
cleanup:
	for (size_t i = 0; i < s.npevs; i++) {
		iamp_decision_json_free(s.pevs[i].dj);
		iamp_evaluator_free(s.pevs[i].ev);
	}
	iamp_decision_json_free(s.dj);
	free(s.pevs);
	iamp_evaluator_free(s.ev);
	iamp_arena_free(s.arena);
	pset_free(&s.ps);
	return rc;
}
