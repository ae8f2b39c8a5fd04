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
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "report.h"

#define MAX_MATCHES 64
#define MAX_ORG_LEVELS 16

struct loaded {
	struct iamp_document *doc;
	struct iamp_policy *policy;
	enum iamp_policy_type type;
	unsigned level;
	const struct iamp_org_node *node; /* org mode: where it is attached */
	const char *path;
	char *owned; /* path, when this run allocated it */
};

struct principal_ev {
	const char *arn;
	struct iamp_evaluator *ev;
};

struct sim {
	struct iamp_limits limits;
	struct iamp_diags diags;
	struct loaded *files;
	size_t nfiles, cap;
	bool text;
	bool failed;       /* a policy could not be loaded */
	bool bad_request;  /* some request was rejected */
	struct iamp_evaluator *ev;
	struct principal_ev *pevs;
	size_t npevs;
	struct iamp_org *org;
	const char *resource_account; /* --resource-account */
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
		"  --requests FILE       JSON Lines, one request per line ('-' reads standard input)\n"
		"\noutput: one JSON line per request ({\"decision\": \"allowed\"|\"explicitDeny\"|\"implicitDeny\",\n"
		"\"matched\": [...], \"assumptions\": [...], ...}) or, with --format text, the decision\n"
		"explained in words.\n"
		"exit codes: 0 every request decided, 2 usage error, unusable policy or bad request, 3 internal error\n");
}

/* Loads and builds one policy file; problems go to s->diags. */
static struct iamp_policy *load_policy(struct sim *s, const char *path, enum iamp_policy_type type,
				       unsigned level, const struct iamp_org_node *node, char *owned)
{
	struct loaded *l;
	int rc;

	if (s->nfiles == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct loaded *nf = realloc(s->files, cap * sizeof(*nf));

		if (!nf) {
			s->failed = true;
			free(owned);
			return NULL;
		}
		s->files = nf;
		s->cap = cap;
	}
	l = &s->files[s->nfiles];
	memset(l, 0, sizeof(*l));
	l->path = path;
	l->type = type;
	l->level = level;
	l->node = node;
	l->owned = owned;
	rc = iamp_load_file(&l->doc, path, &s->limits, &s->diags);
	s->nfiles++;
	if (rc) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		s->failed = true;
		return NULL;
	}
	if (l->doc->root &&
	    iamp_policy_build(&l->policy, l->doc, type, &s->limits, &s->diags) != 0) {
		fprintf(stderr, "iamproof: %s: %s\n", path, iamp_error_last());
		s->failed = true;
	}
	return l->policy;
}

/* Adds a comma-separated list of files as one SCP or RCP level. */
static void add_level(struct sim *s, const char *list, enum iamp_policy_type type, unsigned level)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy) {
		s->failed = true;
		return;
	}
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *path = strdup(tok);

		if (!path) {
			s->failed = true;
			break;
		}
		load_policy(s, path, type, level, NULL, path);
	}
	free(copy);
}

static void print_diags(struct sim *s)
{
	struct iamp_report_opts opts = { .show_source = true };

	iamp_diags_sort(&s->diags);
	iamp_report_write(stderr, IAMP_REPORT_TEXT, &s->diags, &opts);
}

/* Loads every SCP and RCP attached in the organization, node by node. */
static void load_org_node(struct sim *s, const struct iamp_org_node *n)
{
	for (size_t j = 0; j < n->scp_count; j++)
		if (!n->scps[j].full_access)
			load_policy(s, n->scps[j].path, IAMP_POLICY_SCP, 0, n, NULL);
	for (size_t j = 0; j < n->rcp_count; j++)
		if (!n->rcps[j].full_access)
			load_policy(s, n->rcps[j].path, IAMP_POLICY_RCP, 0, n, NULL);
	for (size_t i = 0; i < n->child_count; i++)
		load_org_node(s, n->children[i]);
}

static int load_org(struct sim *s, const char *org_path)
{
	int rc = iamp_org_load(&s->org, org_path, &s->limits, &s->diags);

	if (rc) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		return -1;
	}
	if (!s->org)
		return -1;
	load_org_node(s, s->org->root);
	return 0;
}

static int build_evaluator(struct sim *s, struct iamp_evaluator **out)
{
	struct iamp_evaluator *ev;

	if (iamp_evaluator_new(&ev))
		return -1;
	iamp_evaluator_set_compat(ev, s->compat);
	if (s->org && iamp_evaluator_set_org(ev, s->org))
		goto fail;
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct loaded *l = &s->files[i];
		int rc;

		if (!l->policy || l->type == IAMP_POLICY__COUNT)
			continue;
		if (l->node)
			rc = iamp_evaluator_attach(ev, l->type, l->node, l->policy, l->path);
		else
			rc = iamp_evaluator_add(ev, l->type, l->level, l->policy, l->path);
		if (rc)
			goto fail;
	}
	*out = ev;
	return 0;
fail:
	iamp_evaluator_free(ev);
	return -1;
}

/* ---- requests ------------------------------------------------------------ */

static const struct iamp_evaluator *evaluator_for(const struct sim *s, const struct iamp_request *req)
{
	struct iamp_caller c;

	iamp_caller_parse(&c, req->principal, req->principal_len);
	for (size_t i = 0; i < s->npevs; i++)
		if (iamp_caller_is(&c, s->pevs[i].arn, strlen(s->pevs[i].arn)))
			return s->pevs[i].ev;
	return s->ev;
}

/* Decides one request given as JSON text; `where` names it in errors. */
static int one_request(struct sim *s, const char *text, size_t len, const char *where)
{
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	struct iamp_arena *arena = NULL;
	struct iamp_request req;
	struct iamp_match matches[MAX_MATCHES];
	struct iamp_result res = { .matches = matches, .match_cap = MAX_MATCHES };
	const struct iamp_evaluator *ev;
	int rc = 0;

	s->request_no++;
	iamp_diags_init(&diags);
	if (iamp_load_buffer(&doc, where, text, len, IAMP_FORMAT_JSON, &s->limits, &diags) != 0 ||
	    !(arena = iamp_arena_new())) {
		fprintf(stderr, "iamproof: out of memory\n");
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (diags.count) {
		for (size_t i = 0; i < diags.count; i++)
			fprintf(stderr, "iamproof: %s: line %u, column %u: %s\n", where,
				(unsigned)diags.items[i].span.start.line,
				(unsigned)diags.items[i].span.start.col, diags.items[i].message);
		goto bad;
	}
	if (iamp_request_from_value(&req, arena, doc->root) != 0) {
		fprintf(stderr, "iamproof: %s: %s\n", where, iamp_error_last());
		goto bad;
	}
	if (iamp_request_fill_derived(&req, arena) != 0) {
		fprintf(stderr, "iamproof: out of memory\n");
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (s->resource_account && !iamp_request_key(&req, "aws:ResourceAccount", 19)) {
		struct iamp_arn arn;

		if ((!iamp_arn_parse(&arn, req.resource, req.resource_len) || !arn.account_len) &&
		    iamp_request_add_key(&req, arena, "aws:ResourceAccount", s->resource_account) != 0) {
			fprintf(stderr, "iamproof: out of memory\n");
			rc = EXIT_INTERNAL;
			goto cleanup;
		}
	}
	ev = evaluator_for(s, &req);
	if (iamp_evaluate(&res, ev, &req) != 0) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	iamp_report_decision(stdout, s->text ? IAMP_REPORT_TEXT : IAMP_REPORT_JSON, &req, &res, ev,
			     s->request_no);
	goto cleanup;
bad:
	s->bad_request = true;
	if (!s->text)
		puts("{\"error\":\"bad request\"}");
	else
		printf("request %zu: bad request (see the error above)\n", s->request_no);
cleanup:
	iamp_document_free(doc);
	iamp_arena_free(arena);
	iamp_diags_clear(&diags);
	return rc;
}

static int run_requests_file(struct sim *s, const char *path)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;
	char where[512];

	if (!in) {
		fprintf(stderr, "iamproof: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	while ((n = getline(&line, &cap, in)) >= 0) {
		size_t len = (size_t)n;

		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		size_t k = 0;

		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len)
			continue;
		snprintf(where, sizeof(where), "%s:%zu", strcmp(path, "-") == 0 ? "<stdin>" : path, lineno);
		if ((rc = one_request(s, line, len, where)) != 0)
			break;
	}
	free(line);
	if (in != stdin)
		fclose(in);
	return rc;
}

int iamp_cmd_simulate(int argc, char **argv)
{
	struct sim s;
	const char *request = NULL, *requests = NULL, *org_path = NULL;
	unsigned scp_level = 0, rcp_level = 0;
	int rc = EXIT_USAGE;

	memset(&s, 0, sizeof(s));
	iamp_limits_default(&s.limits);
	iamp_diags_init(&s.diags);
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
		if (!v || strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "iamproof simulate: %s '%s'\n",
				strncmp(a, "--", 2) == 0 ? "missing value after" : "unexpected argument", a);
			usage(stderr);
			goto cleanup;
		}
		i++;
		if (strcmp(a, "--identity") == 0)
			load_policy(&s, v, IAMP_POLICY_IDENTITY, 0, NULL, NULL);
		else if (strcmp(a, "--resource-policy") == 0)
			load_policy(&s, v, IAMP_POLICY_RESOURCE, 0, NULL, NULL);
		else if (strcmp(a, "--trust-policy") == 0)
			load_policy(&s, v, IAMP_POLICY_TRUST, 0, NULL, NULL);
		else if (strcmp(a, "--boundary") == 0)
			load_policy(&s, v, IAMP_POLICY_BOUNDARY, 0, NULL, NULL);
		else if (strcmp(a, "--session-policy") == 0)
			load_policy(&s, v, IAMP_POLICY_SESSION, 0, NULL, NULL);
		else if (strcmp(a, "--scp") == 0)
			add_level(&s, v, IAMP_POLICY_SCP, scp_level++);
		else if (strcmp(a, "--rcp") == 0)
			add_level(&s, v, IAMP_POLICY_RCP, rcp_level++);
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
	if (org_path && (scp_level || rcp_level)) {
		fprintf(stderr, "iamproof simulate: --org gives the SCP and RCP levels; drop --scp/--rcp\n");
		goto cleanup;
	}
	if (org_path && load_org(&s, org_path) != 0)
		s.failed = true;
	if (s.org) {
		s.pevs = calloc(s.org->principal_count + 1, sizeof(*s.pevs));
		if (!s.pevs) {
			rc = EXIT_INTERNAL;
			goto cleanup;
		}
	}
	if (iamp_diags_max_severity(&s.diags) >= IAMP_SEV_ERROR || s.failed) {
		print_diags(&s);
		fprintf(stderr, "iamproof simulate: the policies above cannot be used\n");
		goto cleanup;
	}
	if (build_evaluator(&s, &s.ev) != 0) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	/* org.yaml principals: the common policies plus their own */
	for (size_t i = 0; s.org && i < s.org->principal_count; i++) {
		const struct iamp_org_principal *p = &s.org->principals[i];
		size_t first = s.nfiles;
		struct iamp_evaluator *ev;

		for (size_t j = 0; j < p->identity_count; j++)
			load_policy(&s, p->identity[j].path, IAMP_POLICY_IDENTITY, 0, NULL, NULL);
		if (p->has_boundary)
			load_policy(&s, p->boundary.path, IAMP_POLICY_BOUNDARY, 0, NULL, NULL);
		if (iamp_diags_max_severity(&s.diags) >= IAMP_SEV_ERROR || s.failed) {
			print_diags(&s);
			fprintf(stderr, "iamproof simulate: the policies above cannot be used\n");
			goto cleanup;
		}
		if (build_evaluator(&s, &ev) != 0) {
			rc = EXIT_INTERNAL;
			goto cleanup;
		}
		s.pevs[s.npevs].arn = p->arn;
		s.pevs[s.npevs++].ev = ev;
		/* the next principal must not see these files */
		for (size_t j = first; j < s.nfiles; j++)
			s.files[j].type = IAMP_POLICY__COUNT;
	}
	if (s.diags.count)
		print_diags(&s); /* warnings: shown, not fatal */
	if (request)
		rc = one_request(&s, request, strlen(request), "--request");
	else
		rc = run_requests_file(&s, requests);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "iamproof: cannot write the output\n");
		rc = EXIT_INTERNAL;
	}
	if (rc == 0 && s.bad_request)
		rc = EXIT_USAGE;
cleanup:
	for (size_t i = 0; i < s.npevs; i++)
		iamp_evaluator_free(s.pevs[i].ev);
	free(s.pevs);
	iamp_evaluator_free(s.ev);
	for (size_t i = 0; i < s.nfiles; i++) {
		iamp_document_free(s.files[i].doc);
		free(s.files[i].owned);
	}
	free(s.files);
	iamp_org_free(s.org);
	iamp_diags_clear(&s.diags);
	return rc;
}
