/*
 * cmd_simulate.c - `iamproof simulate`: decide requests with the concrete
 * evaluator and explain the decision (docs/simulate.md).
 *
 *   policies (--identity, --resource-policy, --boundary, --session-policy,
 *   --scp, --rcp, or --org org.yaml --account ID)
 *        └─▶ load + build (errors: diagnostics on stderr, exit 2)
 *        └─▶ one evaluator (plus one per org.yaml principal)
 *   requests (--request JSON, --requests FILE.jsonl, '-' for stdin)
 *        └─▶ one output line (JSON) or paragraph (text) each
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "commands.h"
#include "context.h"
#include "diag.h"
#include "error.h"
#include "eval.h"
#include "load.h"
#include "org.h"
#include "policy.h"
#include "report.h"

#define MAX_MATCHES 64
#define MAX_ORG_LEVELS 16

struct loaded {
	struct iamp_document *doc;
	struct iamp_policy *policy;
	enum iamp_policy_type type;
	unsigned level;
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
	const char *account;
	unsigned scp_levels, rcp_levels;
	size_t request_no;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof simulate [POLICIES] (--request JSON | --requests FILE.jsonl) [--format json|text]\n"
		"\npolicies:\n"
		"  --identity F          an identity policy of the principal (repeatable)\n"
		"  --resource-policy F   the resource's policy\n"
		"  --boundary F          the principal's permission boundary\n"
		"  --session-policy F    the session policy\n"
		"  --scp F[,F...]        the SCPs of one organization level (repeatable: root first)\n"
		"  --rcp F[,F...]        the RCPs of one level (repeatable; RCPFullAWSAccess is implied)\n"
		"  --org org.yaml --account ID\n"
		"                        SCP/RCP levels on the account's path, and the identity policies\n"
		"                        and boundaries of the principals org.yaml lists\n"
		"\nrequests, one JSON object each:\n"
		"  {\"principal\": ARN, \"action\": \"s3:GetObject\", \"resource\": ARN, \"context\": {KEY: VALUE|[VALUES]}}\n"
		"  --request JSON        one request\n"
		"  --requests FILE       JSON Lines, one request per line ('-' reads standard input)\n"
		"\noutput: one JSON line per request ({\"decision\": \"allowed\"|\"explicitDeny\"|\"implicitDeny\",\n"
		"\"matched\": [...], ...}) or, with --format text, the decision explained in words.\n"
		"exit codes: 0 every request decided, 2 usage error, unusable policy or bad request, 3 internal error\n");
}

/* Loads and builds one policy file; problems go to s->diags. */
static struct iamp_policy *load_policy(struct sim *s, const char *path, enum iamp_policy_type type,
				       unsigned level, char *owned)
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
		load_policy(s, path, type, level, path);
	}
	free(copy);
}

static void print_diags(struct sim *s)
{
	struct iamp_report_opts opts = { .show_source = true };

	iamp_diags_sort(&s->diags);
	iamp_report_write(stderr, IAMP_REPORT_TEXT, &s->diags, &opts);
}

/* Level names for an org path: "root", "ou Workloads", "account prod (2222...)". */
static char *level_name(const struct iamp_org_node *n)
{
	char buf[256];

	if (n->kind == IAMP_ORG_ROOT)
		snprintf(buf, sizeof(buf), "root");
	else if (n->kind == IAMP_ORG_OU)
		snprintf(buf, sizeof(buf), "OU %s", n->name ? n->name : "?");
	else if (n->name && n->id && strcmp(n->name, n->id) != 0)
		snprintf(buf, sizeof(buf), "account %s (%s)", n->name, n->id);
	else
		snprintf(buf, sizeof(buf), "account %s", n->id ? n->id : "?");
	return strdup(buf);
}

/* Loads the policies of the org path of s->account. */
static int load_org(struct sim *s, const char *org_path)
{
	const struct iamp_org_node *path[MAX_ORG_LEVELS];
	const struct iamp_org_node *acct;
	size_t n;
	int rc = iamp_org_load(&s->org, org_path, &s->limits, &s->diags);

	if (rc) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		return -1;
	}
	if (!s->org)
		return -1;
	acct = iamp_org_account(s->org, s->account);
	if (!acct) {
		fprintf(stderr, "iamproof: %s: account %s is not in the organization\n", org_path,
			s->account);
		return -1;
	}
	n = iamp_org_path(acct, path, MAX_ORG_LEVELS);
	if (n > MAX_ORG_LEVELS) {
		fprintf(stderr, "iamproof: %s: organization deeper than %d levels\n", org_path,
			MAX_ORG_LEVELS);
		return -1;
	}
	s->scp_levels = s->rcp_levels = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < path[i]->scp_count; j++)
			if (!path[i]->scps[j].full_access)
				load_policy(s, path[i]->scps[j].path, IAMP_POLICY_SCP, (unsigned)i, NULL);
		for (size_t j = 0; j < path[i]->rcp_count; j++)
			if (!path[i]->rcps[j].full_access)
				load_policy(s, path[i]->rcps[j].path, IAMP_POLICY_RCP, (unsigned)i, NULL);
	}
	return 0;
}

static int build_evaluator(struct sim *s, struct iamp_evaluator **out)
{
	struct iamp_evaluator *ev;

	if (iamp_evaluator_new(&ev))
		return -1;
	if (s->org) {
		const struct iamp_org_node *path[MAX_ORG_LEVELS];
		size_t n = iamp_org_path(iamp_org_account(s->org, s->account), path, MAX_ORG_LEVELS);

		for (size_t i = 0; i < n; i++) {
			bool full = !path[i]->has_scps;
			char *name = level_name(path[i]);

			for (size_t j = 0; j < path[i]->scp_count; j++)
				full |= path[i]->scps[j].full_access;
			if (!name || iamp_evaluator_level(ev, IAMP_POLICY_SCP, (unsigned)i, name, full) ||
			    iamp_evaluator_level(ev, IAMP_POLICY_RCP, (unsigned)i, name, true)) {
				free(name);
				goto fail;
			}
			free(name);
		}
		if (s->org->management_account &&
		    iamp_evaluator_set_management_account(ev, s->org->management_account))
			goto fail;
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct loaded *l = &s->files[i];

		if (!l->policy || l->type == IAMP_POLICY__COUNT)
			continue;
		if (iamp_evaluator_add(ev, l->type, l->level, l->policy, l->path))
			goto fail;
	}
	*out = ev;
	return 0;
fail:
	iamp_evaluator_free(ev);
	return -1;
}

/* ---- output -------------------------------------------------------------- */

static void json_str(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
		} else if (c < 0x20) {
			fprintf(out, "\\u%04x", c);
		} else {
			fputc(c, out);
		}
	}
	fputc('"', out);
}

static const char *gap_text(char *buf, size_t size, const struct iamp_result *r,
			    const struct iamp_evaluator *ev)
{
	const char *name;

	switch (r->gap) {
	case IAMP_GAP_SCP_LEVEL:
		name = iamp_evaluator_level_name(ev, IAMP_POLICY_SCP, r->gap_level);
		if (name)
			snprintf(buf, size, "no SCP at level %u (%s) allows the request", r->gap_level, name);
		else
			snprintf(buf, size, "no SCP at level %u allows the request", r->gap_level);
		return buf;
	case IAMP_GAP_NO_ALLOW:
		return "no identity or resource policy allows the request";
	case IAMP_GAP_IDENTITY:
		return "cross-account request: no identity policy of the principal allows it";
	case IAMP_GAP_RESOURCE:
		return r->same_account ? "no resource policy allows the request"
				       : "cross-account request: the resource policy does not allow it";
	case IAMP_GAP_BOUNDARY:
		return "the permission boundary does not allow the request";
	case IAMP_GAP_SESSION:
		return "the session policy does not allow the request";
	default:
		return NULL;
	}
}

static void print_json(const struct sim *s, const struct iamp_result *r,
		       const struct iamp_evaluator *ev)
{
	char buf[256];
	const char *why = gap_text(buf, sizeof(buf), r, ev);

	printf("{\"decision\":\"%s\",\"matched\":[", iamp_decision_name(r->decision));
	for (size_t i = 0; i < r->match_count; i++) {
		const struct iamp_match *m = &r->matches[i];

		printf("%s{\"file\":", i ? "," : "");
		json_str(stdout, m->name, strlen(m->name));
		fputs(",\"sid\":", stdout);
		if (m->stmt->has_sid)
			json_str(stdout, m->stmt->sid.text, m->stmt->sid.len);
		else
			fputs("null", stdout);
		printf(",\"line\":%u,\"effect\":\"%s\",\"policyType\":\"%s\"",
		       (unsigned)m->stmt->span.start.line, m->deny ? "Deny" : "Allow",
		       iamp_policy_type_name(m->type));
		if (m->type == IAMP_POLICY_SCP || m->type == IAMP_POLICY_RCP)
			printf(",\"level\":%u", m->level);
		fputc('}', stdout);
	}
	fputc(']', stdout);
	if (r->match_total > r->match_count)
		printf(",\"matchedTotal\":%zu", r->match_total);
	printf(",\"sameAccount\":%s", r->same_account ? "true" : "false");
	if (r->scp_exempt) {
		fputs(",\"scpExempt\":", stdout);
		json_str(stdout, r->scp_exempt, strlen(r->scp_exempt));
	}
	if (why) {
		fputs(",\"reason\":", stdout);
		json_str(stdout, why, strlen(why));
	}
	fputs("}\n", stdout);
	(void)s;
}

static void print_text(const struct sim *s, const struct iamp_request *req,
		       const struct iamp_result *r, const struct iamp_evaluator *ev)
{
	char buf[256];
	const char *why = gap_text(buf, sizeof(buf), r, ev);
	bool any_deny = false;

	printf("request %zu: %.*s on %.*s by %.*s\n", s->request_no, (int)req->action_len,
	       req->action, (int)req->resource_len, req->resource, (int)req->principal_len,
	       req->principal);
	switch (r->decision) {
	case IAMP_DECISION_ALLOWED:
		printf("  ALLOWED%s\n", r->same_account ? "" : " (cross-account: identity and resource policies both allow)");
		break;
	case IAMP_DECISION_EXPLICIT_DENY:
		printf("  EXPLICITLY DENIED by a Deny statement\n");
		break;
	default:
		printf("  IMPLICITLY DENIED: %s\n", why ? why : "nothing allows the request");
		break;
	}
	if (r->scp_exempt)
		printf("  note: %s\n", r->scp_exempt);
	for (size_t i = 0; i < r->match_count; i++)
		any_deny |= r->matches[i].deny;
	for (size_t i = 0; i < r->match_count; i++) {
		const struct iamp_match *m = &r->matches[i];
		const char *lname = NULL;

		/* On an explicit deny the Deny statements decided; list them first. */
		if (r->decision == IAMP_DECISION_EXPLICIT_DENY && !m->deny)
			continue;
		if (m->type == IAMP_POLICY_SCP || m->type == IAMP_POLICY_RCP)
			lname = iamp_evaluator_level_name(ev, m->type, m->level);
		printf("  %s %s:%u: %s policy", m->deny ? "deny " : "allow", m->name,
		       (unsigned)m->stmt->span.start.line, iamp_policy_type_name(m->type));
		if (m->type == IAMP_POLICY_SCP || m->type == IAMP_POLICY_RCP)
			printf(" (level %u%s%s)", m->level, lname ? ", " : "", lname ? lname : "");
		if (m->stmt->has_sid)
			printf(", statement %s", m->stmt->sid.text);
		else
			printf(", statement #%zu", m->stmt->index + 1);
		putchar('\n');
	}
	if (r->match_count == 0)
		printf("  no statement applies to this request\n");
	if (r->match_total > r->match_count)
		printf("  (%zu more applicable statements not shown)\n", r->match_total - r->match_count);
	(void)any_deny;
}

/* ---- requests ------------------------------------------------------------ */

/* Whether org.yaml's principal `arn` is the requester: the same ARN, or
 * the role of which the requester is a session. */
static bool principal_is(const char *arn, const struct iamp_request *req)
{
	struct iamp_arn a, r;
	size_t n = strlen(arn);
	const char *name, *sname, *slash;
	size_t name_len, sname_len;

	if (n == req->principal_len && memcmp(arn, req->principal, n) == 0)
		return true;
	if (!iamp_arn_parse(&a, arn, n) || !iamp_arn_parse(&r, req->principal, req->principal_len))
		return false;
	if (a.resource_len < 5 || memcmp(a.resource, "role/", 5) != 0 ||
	    r.resource_len < 13 || memcmp(r.resource, "assumed-role/", 13) != 0 ||
	    a.account_len != r.account_len || memcmp(a.account, r.account, a.account_len) != 0)
		return false;
	name = a.resource + a.resource_len;
	while (name > a.resource && name[-1] != '/')
		name--;
	name_len = (size_t)(a.resource + a.resource_len - name);
	sname = r.resource + 13;
	slash = memchr(sname, '/', r.resource_len - 13);
	sname_len = slash ? (size_t)(slash - sname) : r.resource_len - 13;
	return name_len == sname_len && memcmp(name, sname, name_len) == 0;
}

static const struct iamp_evaluator *evaluator_for(const struct sim *s, const struct iamp_request *req)
{
	for (size_t i = 0; i < s->npevs; i++)
		if (principal_is(s->pevs[i].arn, req))
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
	ev = evaluator_for(s, &req);
	if (iamp_evaluate(&res, ev, &req) != 0) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (s->text)
		print_text(s, &req, &res, ev);
	else
		print_json(s, &res, ev);
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
		if (!v || strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "iamproof simulate: %s '%s'\n",
				strncmp(a, "--", 2) == 0 ? "missing value after" : "unexpected argument", a);
			usage(stderr);
			goto cleanup;
		}
		i++;
		if (strcmp(a, "--identity") == 0)
			load_policy(&s, v, IAMP_POLICY_IDENTITY, 0, NULL);
		else if (strcmp(a, "--resource-policy") == 0)
			load_policy(&s, v, IAMP_POLICY_RESOURCE, 0, NULL);
		else if (strcmp(a, "--boundary") == 0)
			load_policy(&s, v, IAMP_POLICY_BOUNDARY, 0, NULL);
		else if (strcmp(a, "--session-policy") == 0)
			load_policy(&s, v, IAMP_POLICY_SESSION, 0, NULL);
		else if (strcmp(a, "--scp") == 0)
			add_level(&s, v, IAMP_POLICY_SCP, scp_level++);
		else if (strcmp(a, "--rcp") == 0)
			add_level(&s, v, IAMP_POLICY_RCP, rcp_level++);
		else if (strcmp(a, "--org") == 0)
			org_path = v;
		else if (strcmp(a, "--account") == 0)
			s.account = v;
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
	if (!org_path != !s.account) {
		fprintf(stderr, "iamproof simulate: --org and --account go together\n");
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
			load_policy(&s, p->identity[j].path, IAMP_POLICY_IDENTITY, 0, NULL);
		if (p->has_boundary)
			load_policy(&s, p->boundary.path, IAMP_POLICY_BOUNDARY, 0, NULL);
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
