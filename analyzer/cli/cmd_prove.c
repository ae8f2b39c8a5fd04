/*
 * cmd_prove.c - `iamproof prove`: properties proven over every request,
 * with the Z3 encoding of smt.c (docs/prove.md).
 *
 *   target  --org org.yaml       one target per account path (accounts with
 *                                the same SCPs along their path share one)
 *           --scp F[,F] ...      SCP levels, root first (and --rcp)
 *           --identity F ...     policies, as simulate takes them
 *   properties --properties FILE|PACK (repeatable), --param NAME=VALUE
 *              (defaults: params: of .iamproof.yaml; --param wins)
 *        └─▶ per target and property: iamp_prove ─▶ proven | violated
 *            (counterexample replayed) | unknown (reason) | vacuous
 *
 * With SCPs only (levels or an organization), the question is what the
 * guardrails permit: identity policies are taken as allowing everything,
 * and the callers are those SCPs govern. The output says so.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "commands.h"
#include "config.h"
#include "diag.h"
#include "error.h"
#include "eval.h"
#include "exempt.h"
#include "org.h"
#include "packs.h"
#include "policyset.h"
#include "principal.h"
#include "props.h"
#include "report.h"
#include "smt.h"
#include "version.h"

#define MAX_MATCHES 32

enum fmt { FMT_TEXT, FMT_JSON, FMT_MARKDOWN, FMT_SARIF, FMT_HTML };

/* One thing to prove properties of. */
struct target {
	char *name;
	char *place;            /* org mode: "Root / OU / ..." above the accounts */
	struct iamp_evaluator *ev;
	struct iamp_scope scope;
	const char **accounts;  /* org mode: the accounts that share the path */
	size_t naccounts;
	bool guardrails;        /* SCPs only: identity taken as allowing everything */
	const char *assumes;    /* what the answers rest on, for every format */
};

/* One property with its request set built. */
struct prop {
	size_t file;            /* index of its file */
	const struct iamp_property *p;
	struct iamp_evaluator *set;
	struct iamp_evaluator *ref;
	struct pset refs;
};

/* SARIF and HTML: an answer kept until the report is written at the end. */
struct answer {
	size_t prop, target;
	struct iamp_prove_result r;
	enum iamp_decision d;
	struct iamp_match m[MAX_MATCHES]; /* the statements involved */
	size_t nm;
	struct iamp_exemptions x;         /* VIOLATED: escapes or exemptions */
	bool has_x;
};

struct prove {
	struct pset ps;          /* the target's policies */
	struct pset props_ps;    /* the request sets */
	const char *org_path;
	struct iamp_propfile **files;
	char **file_names;
	const char **file_packs; /* the built-in pack's name, or NULL */
	size_t nfiles;
	struct prop *props;
	size_t nprops;
	struct target *targets;
	size_t ntargets;
	enum fmt fmt;
	unsigned timeout_ms;
	unsigned jobs;           /* -j: threads asking questions */
	unsigned counts[4];
	enum iamp_policy_type rtype; /* what a reference policy is read as */
	bool assumed_identity;       /* no identity policy given: taken as allowing all */
	bool first_json;
	struct answer *answers;  /* SARIF and HTML */
	size_t nanswers;
	FILE *out;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof prove TARGET --properties FILE|PACK [--param NAME=VALUE] [--timeout S] [-j N]\n"
		"                      [--format text|json|sarif|markdown|html] [--output FILE]\n"
		"\ntarget:\n"
		"  --org org.yaml        every account path of the organization\n"
		"  --scp F[,F...]        the SCPs of one level (repeatable: root first); --rcp alike\n"
		"  --identity F, --resource-policy F, --trust-policy F, --boundary F, --session-policy F\n"
		"                        policies, as `simulate` takes them\n"
		"\nproperties:\n"
		"  --properties X        a property file, or a built-in pack: stage6, least-privilege,\n"
		"                        public-access (repeatable)\n"
		"  --param NAME=VALUE    a parameter of the properties (a list: comma-separated); overrides\n"
		"                        params: of .iamproof.yaml\n"
		"  --config FILE         the configuration whose params: are defaults (default: .iamproof.yaml\n"
		"                        here or in a parent directory); --no-config: none\n"
		"  --timeout S           seconds per solver call (default 10); a timeout is unknown\n"
		"  -j, --jobs N          ask N questions at a time (default: half the number of CPUs, at\n"
		"                        least 1: each question runs two solvers); the output is the same\n"
		"                        for every N\n"
		"  --output FILE         write the results to FILE, not standard output\n"
		"\nEach result is proven, violated (with a counterexample request the concrete evaluator\n"
		"confirms), unknown (with the reason) or vacuous (nothing to prove).\n"
		"exit codes: 0 all proven or vacuous, 1 some violated or unknown, 2 usage or input error,\n"
		"3 internal error\n");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- property files ------------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (n + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? 2 * cap : 8192;
			if (cap > (64u << 20) || !(nb = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				errno = EFBIG;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int load_properties(struct prove *pv, const char *what, const char *const *params,
			   size_t nparams)
{
	struct iamp_propfile *pf = NULL;
	char *text = NULL, *dir = NULL, *name;
	const char *pack = NULL;
	size_t len = 0;
	int rc;

	if (access(what, F_OK) == 0) {
		char *slash;

		if (!(text = read_all(what, &len))) {
			fprintf(stderr, "iamproof prove: %s: %s\n", what, strerror(errno));
			return -1;
		}
		name = strdup(what);
		dir = strdup(what);
		if (dir && (slash = strrchr(dir, '/')))
			*slash = '\0';
		else if (dir)
			strcpy(dir, ".");
	} else {
		const struct iamp_pack *p = iamp_packs;

		while (p->name && strcmp(p->name, what) != 0)
			p++;
		if (!p->name) {
			fprintf(stderr, "iamproof prove: %s is neither a file nor a built-in pack (", what);
			for (p = iamp_packs; p->name; p++)
				fprintf(stderr, "%s%s", p == iamp_packs ? "" : ", ", p->name);
			fprintf(stderr, ")\n");
			return -1;
		}
		if (!(text = malloc(p->len + 1)))
			return -1;
		memcpy(text, p->text, p->len);
		text[p->len] = '\0';
		len = p->len;
		pack = p->name;
		if (asprintf(&name, "%s.yaml", p->name) < 0)
			name = NULL;
		dir = strdup(".");
	}
	if (!name || !dir) {
		free(text);
		free(name);
		free(dir);
		return -1;
	}
	rc = iamp_props_load(&pf, name, dir, text, len, params, nparams, &pv->ps.limits,
			     &pv->props_ps.diags);
	free(text);
	free(dir);
	if (rc) {
		fprintf(stderr, "iamproof prove: %s\n", iamp_error_last());
		iamp_props_free(pf);
		free(name);
		return -1;
	}
	{
		struct iamp_propfile **nf = realloc(pv->files, (pv->nfiles + 1) * sizeof(*nf));
		char **nn = realloc(pv->file_names, (pv->nfiles + 1) * sizeof(*nn));
		const char **np = realloc(pv->file_packs, (pv->nfiles + 1) * sizeof(*np));

		if (nf)
			pv->files = nf;
		if (nn)
			pv->file_names = nn;
		if (np)
			pv->file_packs = np;
		if (!nf || !nn || !np) {
			iamp_props_free(pf);
			free(name);
			return -1;
		}
		pv->files[pv->nfiles] = pf;
		pv->file_packs[pv->nfiles] = pack;
		pv->file_names[pv->nfiles++] = name;
	}
	return 0;
}

/* The reference's policy type: that of the target's own policies. */
static enum iamp_policy_type reference_type(const struct pset *ps)
{
	static const enum iamp_policy_type order[] = { IAMP_POLICY_IDENTITY, IAMP_POLICY_RESOURCE,
						       IAMP_POLICY_TRUST, IAMP_POLICY_SESSION,
						       IAMP_POLICY_BOUNDARY };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (pset_has(ps, order[i]))
			return order[i];
	return IAMP_POLICY_SCP;
}

static const char allow_all[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"TakenAsAllowingEverything\","
	"\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

/* With resource or trust policies but no identity policy: a caller of
 * another account is taken as allowed by its own identity policies; the
 * owner's account gets only what the resource policy grants. */
static const char allow_other_accounts[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"OtherAccountsTakenAsAllowingEverything\","
	"\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":"
	"{\"aws:PrincipalAccount\":\"${aws:ResourceAccount}\"}}}]}";

/* With SCPs only, resource policies (cross account, KMS keys, role trust)
 * are taken as allowing every caller too: only the guardrails limit. */
static const char allow_all_resource[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"TakenAsAllowingEverything\","
	"\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"*\",\"Resource\":\"*\"}]}";

static int build_props(struct prove *pv)
{
	enum iamp_policy_type rtype = pv->rtype;

	for (size_t f = 0; f < pv->nfiles; f++) {
		for (size_t i = 0; i < pv->files[f]->nprops; i++) {
			const struct iamp_property *p = &pv->files[f]->props[i];
			struct prop *np = realloc(pv->props, (pv->nprops + 1) * sizeof(*np));
			char *name = NULL;
			size_t first = pv->props_ps.nfiles;

			if (!np)
				return -1;
			pv->props = np;
			np = &pv->props[pv->nprops++];
			memset(np, 0, sizeof(*np));
			np->file = f;
			np->p = p;
			pset_init(&np->refs, "prove");
			if (asprintf(&name, "%s#%s requests", pv->file_names[f], p->id) < 0)
				return -1;
			pset_load_text(&pv->props_ps, name, p->policy_json, IAMP_POLICY_RESOURCE);
			free(name);
			if (!pset_usable(&pv->props_ps))
				return -2;
			if (pset_build(&pv->props_ps, 0, &np->set))
				return -1;
			pset_retire(&pv->props_ps, first);
			if (p->reference) {
				if (rtype == IAMP_POLICY_SCP) {
					pset_load_text(&np->refs, "(identity policies)", allow_all,
						       IAMP_POLICY_IDENTITY);
					pset_load_text(&np->refs, "(resource policies)", allow_all_resource,
						       IAMP_POLICY_RESOURCE);
					pset_add_level(&np->refs, p->reference, IAMP_POLICY_SCP);
				} else {
					pset_load(&np->refs, p->reference, rtype, 0, NULL, NULL);
				}
				if (!pset_usable(&np->refs))
					return -2;
				if (pset_build(&np->refs, 0, &np->ref))
					return -1;
			}
		}
	}
	return 0;
}

/* ---- targets --------------------------------------------------------------------- */

static int add_target(struct prove *pv, char *name, struct iamp_evaluator *ev, bool guardrails,
		      const char **accounts, size_t naccounts)
{
	struct target *nt = realloc(pv->targets, (pv->ntargets + 1) * sizeof(*nt));

	if (!nt || !name)
		return -1;
	pv->targets = nt;
	nt = &pv->targets[pv->ntargets++];
	memset(nt, 0, sizeof(*nt));
	nt->name = name;
	nt->ev = ev;
	nt->guardrails = guardrails;
	nt->accounts = accounts;
	nt->naccounts = naccounts;
	if (guardrails) {
		iamp_scope_governed(&nt->scope);
		nt->assumes = "identity and resource policies taken as allowing everything; callers: the "
			      "principals SCPs govern (users, roles, sessions, federated users, root users; "
			      "no service-linked roles)";
	} else if (pv->assumed_identity) {
		/* a resource or trust policy: what it grants */
		nt->scope.no_owner_root = true;
		nt->assumes = "no identity policy given: callers of other accounts taken as allowed by "
			      "their own; the owner's account gets what the resource policy grants (its "
			      "root user, always allowed, is left out)";
	} else {
		nt->assumes = "callers: IAM users, roles, role sessions and federated users (the "
			      "principals identity policies are attached to)";
		/* identity policies: the principals they are attached to */
		nt->scope.kinds = IAMP_SCOPE_KIND(IAMP_CALLER_USER) | IAMP_SCOPE_KIND(IAMP_CALLER_ROLE) |
				  IAMP_SCOPE_KIND(IAMP_CALLER_SESSION) |
				  IAMP_SCOPE_KIND(IAMP_CALLER_FEDERATED_USER);
	}
	nt->scope.accounts = accounts;
	nt->scope.naccounts = naccounts;
	return 0;
}

/* The SCPs along an account's path, as text: accounts with the same text
 * are governed alike. */
static char *path_signature(const struct iamp_org_node *acct)
{
	const struct iamp_org_node *path[IAMP_MAX_LEVELS];
	size_t n = iamp_org_path(acct, path, IAMP_MAX_LEVELS);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (n > IAMP_MAX_LEVELS)
		fprintf(f, "too deep:%s", acct->id);
	for (size_t i = 0; i < n && i < IAMP_MAX_LEVELS; i++) {
		fprintf(f, "[");
		if (!path[i]->has_scps)
			fprintf(f, "FullAWSAccess");
		for (size_t j = 0; j < path[i]->scp_count; j++)
			fprintf(f, "%s,", path[i]->scps[j].full_access ? "FullAWSAccess" : path[i]->scps[j].path);
		fprintf(f, "]");
	}
	fclose(f);
	return buf;
}

static void collect_accounts(const struct iamp_org_node *n, const struct iamp_org_node ***out,
			     size_t *count)
{
	if (n->kind == IAMP_ORG_ACCOUNT && n->id) {
		const struct iamp_org_node **no = realloc(*out, (*count + 1) * sizeof(*no));

		if (no) {
			*out = no;
			no[(*count)++] = n;
		}
	}
	for (size_t i = 0; i < n->child_count; i++)
		collect_accounts(n->children[i], out, count);
}

/* "Root / Workloads / Prod": the OUs above an account. */
static char *place_of(const struct iamp_org_node *acct)
{
	const struct iamp_org_node *path[IAMP_MAX_LEVELS];
	size_t n = iamp_org_path(acct, path, IAMP_MAX_LEVELS);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < n && i < IAMP_MAX_LEVELS && path[i] != acct; i++)
		fprintf(f, "%s%s", i ? " / " : "", path[i]->name);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int org_targets(struct prove *pv)
{
	const struct iamp_org_node **accs = NULL;
	char **sigs;
	bool *done;
	size_t n = 0;
	int rc = 0;

	collect_accounts(pv->ps.org->root, &accs, &n);
	sigs = calloc(n + 1, sizeof(*sigs));
	done = calloc(n + 1, sizeof(*done));
	if (!sigs || !done) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!(sigs[i] = path_signature(accs[i]))) {
			rc = -1;
			goto out;
		}
	for (size_t i = 0; i < n && !rc; i++) {
		const char *mgmt = pv->ps.org->management_account;
		const char **group;
		size_t ng = 0;
		struct iamp_evaluator *ev;
		char *name = NULL;

		if (done[i])
			continue;
		if (mgmt && strcmp(mgmt, accs[i]->id) == 0) {
			done[i] = true;
			continue; /* SCPs do not govern the management account */
		}
		if (!(group = calloc(n, sizeof(*group)))) {
			rc = -1;
			break;
		}
		for (size_t j = i; j < n; j++) {
			if (!done[j] && strcmp(sigs[i], sigs[j]) == 0 &&
			    !(mgmt && strcmp(mgmt, accs[j]->id) == 0)) {
				group[ng++] = accs[j]->id;
				done[j] = true;
			}
		}
		if (pset_build(&pv->ps, 0, &ev)) {
			free(group);
			rc = -1;
			break;
		}
		if (ng == 1)
			rc = asprintf(&name, "account %s (%s)", accs[i]->id, accs[i]->name) < 0 ? -1 : 0;
		else
			rc = asprintf(&name, "account %s (%s) and %zu more with the same SCPs", accs[i]->id,
				      accs[i]->name, ng - 1) < 0 ? -1 : 0;
		if (rc || add_target(pv, name, ev, true, group, ng)) {
			iamp_evaluator_free(ev);
			free(group);
			rc = -1;
		} else if (!(pv->targets[pv->ntargets - 1].place = place_of(accs[i]))) {
			rc = -1;
		}
	}
out:
	for (size_t i = 0; sigs && i < n; i++)
		free(sigs[i]);
	free(sigs);
	free(done);
	free(accs);
	return rc;
}

/* ---- output ---------------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
	iamp_json_string(f, s, strlen(s));
}

/* The statements the counterexample meets in the target. */
static size_t cex_statements(const struct target *t, const struct iamp_cex *c,
			     struct iamp_match *m, size_t cap, enum iamp_decision *d)
{
	struct iamp_result res;

	memset(&res, 0, sizeof(res));
	res.matches = m;
	res.match_cap = cap;
	if (iamp_cex_evaluate(&res, t->ev, c))
		return 0;
	*d = res.decision;
	return res.match_count;
}

struct exempt_call {
	struct iamp_exemptions *x;
	const struct iamp_evaluator *ev;
	bool want_denied;
};

static int exempt_cb(const struct iamp_request *req, void *p)
{
	struct exempt_call *c = p;

	return iamp_exemptions_find(c->x, c->ev, req, c->want_denied);
}

/* The counterexample's escapes (a request the property wants denied) or
 * the exemptions it needs (one it wants allowed); false when out of
 * memory. */
static bool cex_exemptions(struct iamp_exemptions *x, const struct target *t,
			   const struct prop *pr, const struct iamp_cex *c)
{
	struct exempt_call call = { x, t->ev, pr->p->expect != IAMP_EXPECT_ALLOWED };

	return iamp_cex_with_request(c, exempt_cb, &call) == 0;
}

/* A field from input (a title, a path, a Sid), safe for a terminal. */
static void text(FILE *f, const char *s)
{
	iamp_text_string(f, s, strlen(s));
}

/* Each line of buf[0..len) as a row of prove's Markdown table, under
 * the counterexample. */
static void markdown_lines(FILE *f, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		fputs("| | | ", f);
		iamp_markdown_cell(f, p, n);
		fputs(" | |\n", f);
		p += n + (nl != NULL);
	}
}

static void statement_where(FILE *f, const struct iamp_match *m)
{
	text(f, m->name);
	fprintf(f, ":%u:%u", m->stmt->span.start.line, m->stmt->span.start.col);
}

static void emit_result(struct prove *pv, const struct target *t, const struct prop *pr,
			const struct iamp_prove_result *r, double ms)
{
	FILE *f = pv->out;
	struct iamp_match m[MAX_MATCHES];
	size_t nm = 0;
	enum iamp_decision d = IAMP_DECISION_IMPLICIT_DENY;
	const char *name = iamp_proof_name(r->proof);

	struct iamp_exemptions x;
	bool has_x = false;

	if (r->proof == IAMP_PROOF_VIOLATED) {
		nm = cex_statements(t, &r->cex, m, MAX_MATCHES, &d);
		has_x = cex_exemptions(&x, t, pr, &r->cex);
	}
	switch (pv->fmt) {
	case FMT_JSON:
		fputs(pv->first_json ? "\n" : ",\n", f);
		pv->first_json = false;
		fputs("{\"property\":", f);
		json_str(f, pr->p->id);
		fputs(",\"file\":", f);
		json_str(f, pv->file_names[pr->file]);
		fputs(",\"title\":", f);
		json_str(f, pr->p->title);
		fputs(",\"expect\":", f);
		json_str(f, iamp_expect_name(pr->p->expect));
		fputs(",\"target\":", f);
		json_str(f, t->name);
		fprintf(f, ",\"result\":\"%s\"", name);
		fputs(",\"assumptions\":", f);
		json_str(f, t->assumes);
		if (r->proof == IAMP_PROOF_VIOLATED) {
			fputs(",\"counterexample\":", f);
			iamp_report_cex(f, &r->cex);
			fprintf(f, ",\"decision\":\"%s\",\"statements\":[", iamp_decision_name(d));
			for (size_t i = 0; i < nm; i++) {
				fputs(i ? "," : "", f);
				fputs("{\"policy\":", f);
				json_str(f, m[i].name);
				fprintf(f, ",\"line\":%u,\"column\":%u,\"effect\":\"%s\"",
					m[i].stmt->span.start.line, m[i].stmt->span.start.col,
					m[i].deny ? "Deny" : "Allow");
				if (m[i].stmt->has_sid) {
					fputs(",\"sid\":", f);
					json_str(f, m[i].stmt->sid.text);
				}
				fputc('}', f);
			}
			fputc(']', f);
			if (has_x) {
				fputs(",\"exemption\":", f);
				iamp_report_exemptions(f, IAMP_REPORT_JSON, &x, NULL);
			}
		}
		if (r->reason[0]) {
			fputs(",\"reason\":", f);
			json_str(f, r->reason);
		}
		fprintf(f, ",\"ms\":%.1f}", ms);
		break;
	case FMT_MARKDOWN:
		fprintf(f, "| %s | `%s` | %s | %s | %s |\n",
			r->proof == IAMP_PROOF_VIOLATED ? "**violated**" :
			r->proof == IAMP_PROOF_UNKNOWN ? "*unknown*" : name,
			pr->p->id, pr->p->title, t->name, r->reason);
		if (r->proof == IAMP_PROOF_VIOLATED) {
			fputs("| | | counterexample: `", f);
			iamp_report_cex(f, &r->cex);
			fputs("` |", f);
			for (size_t i = 0; i < nm; i++) {
				fputs(i ? ", " : " ", f);
				statement_where(f, &m[i]);
			}
			fputs(" | |\n", f);
			if (has_x) {
				char *buf = NULL;
				size_t len = 0;
				FILE *mem = open_memstream(&buf, &len);

				if (mem) {
					iamp_report_exemptions(mem, IAMP_REPORT_TEXT, &x, "");
					fclose(mem);
					markdown_lines(f, buf, len);
				}
				free(buf);
			}
		}
		break;
	default:
		fprintf(f, "%-9s ", name);
		text(f, pr->p->id);
		fputs("  ", f);
		text(f, pr->p->title);
		fprintf(f, "  (%.0f ms)\n", ms);
		if (r->reason[0]) {
			fputs("          ", f);
			text(f, r->reason);
			fputc('\n', f);
		}
		if (r->proof == IAMP_PROOF_VIOLATED) {
			fputs("          counterexample: ", f);
			iamp_report_cex(f, &r->cex);
			fprintf(f, "\n          %s by:", iamp_decision_name(d));
			if (!nm)
				fputs(d == IAMP_DECISION_ALLOWED ? " no statement" : " no statement (nothing allows it)", f);
			for (size_t i = 0; i < nm; i++) {
				fputs(i ? "," : "", f);
				fprintf(f, " %s ", m[i].deny ? "Deny" : "Allow");
				statement_where(f, &m[i]);
				if (m[i].stmt->has_sid) {
					fputs(" (", f);
					text(f, m[i].stmt->sid.text);
					fputc(')', f);
				}
			}
			if (t->guardrails && d == IAMP_DECISION_ALLOWED)
				fputs(", and FullAWSAccess where it is attached", f);
			fputc('\n', f);
			if (has_x)
				iamp_report_exemptions(f, IAMP_REPORT_TEXT, &x, "          ");
		}
		break;
	}
}

/*
 * The statements a SARIF result points at, kept in m[0..return): those of
 * policy files (what is assumed has a parenthesized name and no file),
 * and on an explicit deny only the Deny statements, which decided.
 */
static size_t involved(struct iamp_match *m, size_t nm, enum iamp_decision d)
{
	size_t n = 0;

	for (size_t i = 0; i < nm; i++)
		if (m[i].name[0] != '(' && (d != IAMP_DECISION_EXPLICIT_DENY || m[i].deny))
			m[n++] = m[i];
	return n;
}

/* Keeps an answer for the SARIF log; takes over `r`. */
static int keep_answer(struct prove *pv, size_t t, size_t prop, struct iamp_prove_result *r)
{
	struct answer *na = realloc(pv->answers, (pv->nanswers + 1) * sizeof(*na));

	if (!na)
		return -1;
	pv->answers = na;
	na = &pv->answers[pv->nanswers++];
	memset(na, 0, sizeof(*na));
	na->prop = prop;
	na->target = t;
	na->r = *r;
	na->d = IAMP_DECISION_IMPLICIT_DENY;
	if (r->proof == IAMP_PROOF_VIOLATED) {
		na->nm = cex_statements(&pv->targets[t], &r->cex, na->m, MAX_MATCHES, &na->d);
		na->nm = involved(na->m, na->nm, na->d);
		na->has_x = cex_exemptions(&na->x, &pv->targets[t], &pv->props[prop], &r->cex);
	}
	return 0;
}

/* The SARIF log or the HTML page of every answer kept (the library
 * writes them). */
static int write_report(struct prove *pv)
{
	struct iamp_report_property *props = calloc(pv->nprops + 1, sizeof(*props));
	struct iamp_report_proof *proofs = calloc(pv->nanswers + 1, sizeof(*proofs));
	const char **files = calloc(pv->ps.nfiles + 2, sizeof(*files));
	char **paths = calloc(pv->nfiles + 1, sizeof(*paths));
	struct iamp_report_opts opts;
	int rc = -1;

	memset(&opts, 0, sizeof(opts));
	if (!props || !proofs || !files || !paths)
		goto cleanup;
	/* A built-in pack is properties/NAME.yaml of iamproof's source. */
	for (size_t f = 0; f < pv->nfiles; f++)
		if (asprintf(&paths[f], "%s%s", pv->file_packs[f] ? "properties/" : "",
			     pv->file_names[f]) < 0) {
			paths[f] = NULL;
			goto cleanup;
		}
	for (size_t i = 0; i < pv->nprops; i++) {
		props[i].p = pv->props[i].p;
		props[i].path = paths[pv->props[i].file];
		props[i].pack = pv->file_packs[pv->props[i].file];
		props[i].doc = pv->files[pv->props[i].file]->doc;
	}
	for (size_t i = 0; i < pv->nanswers; i++) {
		const struct answer *a = &pv->answers[i];
		const struct target *t = &pv->targets[a->target];

		proofs[i].property = a->prop;
		proofs[i].target = t->name;
		/* an organization's targets by their first account: the name
		 * counts the others, which may change */
		proofs[i].target_key = t->naccounts ? t->accounts[0] : NULL;
		proofs[i].assumptions = t->assumes;
		proofs[i].result = &a->r;
		proofs[i].decision = a->d;
		proofs[i].statements = a->m;
		proofs[i].nstatements = a->nm;
		proofs[i].place = t->place;
		proofs[i].naccounts = t->naccounts;
		proofs[i].exemptions = a->has_x ? &a->x : NULL;
	}
	if (pv->org_path)
		files[opts.file_count++] = pv->org_path;
	for (size_t i = 0; i < pv->ps.nfiles; i++)
		if (pv->ps.files[i].policy && pv->ps.files[i].path[0] != '(')
			files[opts.file_count++] = pv->ps.files[i].path;
	opts.files = files;
	opts.tool_version = IAMP_VERSION_STRING;
	if (pv->fmt == FMT_HTML) {
		opts.data_version = iamp_catalog_data_date();
		cli_report_run(&opts);
	}
	rc = iamp_report_proofs(pv->out, pv->fmt == FMT_HTML ? IAMP_REPORT_HTML : IAMP_REPORT_SARIF,
				props, pv->nprops, proofs, pv->nanswers, &opts);
	if (rc)
		fprintf(stderr, "iamproof prove: %s\n", iamp_error_last());
cleanup:
	for (size_t f = 0; paths && f < pv->nfiles; f++)
		free(paths[f]);
	free(paths);
	free(files);
	free(proofs);
	free(props);
	return rc;
}

static void emit_target_header(struct prove *pv, const struct target *t)
{
	if (pv->fmt == FMT_TEXT) {
		fputs("target: ", pv->out);
		text(pv->out, t->name);
		fputs("\n  ", pv->out);
		text(pv->out, t->assumes);
		fputc('\n', pv->out);
	}
	else if (pv->fmt == FMT_MARKDOWN)
		fprintf(pv->out, "| | | *%s: %s* | | |\n", t->name, t->assumes);
}

/* ---- main ----------------------------------------------------------------------- */

/*
 * The params: of the configuration as "name=value" assignments, put
 * before the --param ones in *params so that a --param of the same name,
 * applied later, wins:
 *
 *   .iamproof.yaml  params: {break_glass: "arn:aws:iam::*:role/bg"}
 *   --param break_glass=arn:aws:iam::*:role/other
 *     -> params = ["break_glass=arn:aws:iam::*:role/bg", "break_glass=arn:...:role/other"]
 *
 * *nconfig is how many came from the configuration; *owned holds them.
 * A configuration with errors stops the run (exit 2), its diagnostics
 * on standard error.
 */
static int config_params(const char *path, const char ***params, size_t *nparams, size_t *nconfig,
			 char ***owned)
{
	struct iamp_config config;
	struct iamp_diags diags;
	char *found = NULL;
	const char **all;
	int rc = 0;

	*nconfig = 0;
	if (!path) {
		if (iamp_config_find(&found, ".") < 0)
			return EXIT_INTERNAL;
		if (!(path = found))
			return 0;
	}
	iamp_diags_init(&diags);
	rc = iamp_config_load(&config, path, &diags);
	if (rc) {
		fprintf(stderr, "iamproof prove: %s\n", iamp_error_last());
		free(found);
		iamp_diags_clear(&diags);
		return rc == IAMP_EIO ? EXIT_USAGE : EXIT_INTERNAL;
	}
	iamp_diags_sort(&diags);
	iamp_report_write(stderr, IAMP_REPORT_TEXT, &diags, NULL);
	if (iamp_diags_max_severity(&diags) == IAMP_SEV_ERROR || diags.oom) {
		rc = EXIT_USAGE;
		goto done;
	}
	*owned = calloc(config.params.count + 1, sizeof(**owned));
	all = calloc(config.params.count + *nparams + 1, sizeof(*all));
	if (!*owned || !all) {
		free(all);
		rc = EXIT_INTERNAL;
		goto done;
	}
	for (size_t i = 0; i < config.params.count; i++) {
		if (!((*owned)[i] = iamp_param_assignment(&config.params.items[i]))) {
			free(all);
			rc = EXIT_INTERNAL;
			goto done;
		}
		all[i] = (*owned)[i];
	}
	*nconfig = config.params.count;
	memcpy(all + *nconfig, *params, *nparams * sizeof(*all));
	free(*params);
	*params = all;
	*nparams += *nconfig;
done:
	if (rc && *owned) {
		for (size_t i = 0; i < config.params.count; i++)
			free((*owned)[i]);
		free(*owned);
		*owned = NULL;
	}
	iamp_config_free(&config);
	iamp_diags_clear(&diags);
	free(found);
	return rc;
}

/* ---- the questions, on -j threads ------------------------------------------------- */

/*
 * prove_all asks every (target, property) question and writes the
 * answers. With -j N, N threads take the questions from one queue; each
 * question opens Z3 contexts of its own (smt.c: one per question, one
 * per solver of its portfolio), so no context is ever shared between
 * threads. The main thread writes the answers in -j 1's order, target by
 * target and property by property, each as soon as it and every answer
 * before it are known: the output is the same bytes for every N.
 *
 *     queue (taken in order)         cells [property][target]
 *     ┌─────────────────────┐        ┌─────┬─────┬─────┐
 *     │ ASK  property, target│──────▶│  ✓  │  ✓  │ ... │──▶ written by the
 *     │ ORG  property        │──┐    └─────┴─────┴─────┘    main thread,
 *     └─────────────────────┘  │       ▲                     (0,0), (1,0) ...
 *                 ▲            └───────┘ answers what the
 *                 └─── queues an ASK for each target it left open
 *
 * Without an organization (or with one target) an item is one question
 * (ASK). An organization's property is asked for all its targets at once
 * first (ORG: org_property), which queues an ASK for each target the
 * joint questions left open. With -j 1 no thread starts: the main thread
 * takes items from the same queue until the answer it writes next is
 * there, so the work and its order are the same.
 *
 * Times (`ms`) are each question's own wall time; under -j N they grow
 * with the load, and they are the only part of the output that differs.
 */

/* One answer. The thread that asks fills it and sets `done` under the
 * pool's lock; the main thread reads it after seeing `done`. */
struct cell {
	struct iamp_prove_result r;
	double ms;
	bool answered;        /* org_property: answered by the joint questions */
	bool done;
	bool failed;          /* the question failed (exit 3): err says why */
	char err[512];
};

/* Whether an organization's target allows any request at all, for its
 * vacuous proofs: asked once, by the first property that needs it. */
struct allows {
	pthread_mutex_t mu;
	int answer;           /* -2: not asked; else iamp_smt_allows_any's */
	bool failed;
	char why[512];        /* answer < 0: why unknown; failed: the error */
};

struct work {
	size_t prop, target;
	bool org;             /* ORG: org_property of prop (target unused) */
};

struct pool {
	struct prove *pv;
	struct cell *cells;    /* [property][target] */
	struct allows *allows; /* [target]: organization only */
	struct work *queue;    /* every item ever queued, at most nprops * (ntargets + 1) */
	size_t head, tail;
	unsigned busy;         /* items being worked on */
	bool stop;             /* the output stopped at a failure: take no more */
	bool threads;          /* false: the main thread does the work */
	pthread_mutex_t mu;
	pthread_cond_t cv;     /* an answer done, an item queued or finished, stop */
};

static struct cell *cell_at(const struct pool *p, size_t prop, size_t target)
{
	return &p->cells[prop * p->pv->ntargets + target];
}

static void query_for(struct prove *pv, size_t t, size_t i, struct iamp_prove_query *q)
{
	struct prop *pr = &pv->props[i];

	memset(q, 0, sizeof(*q));
	q->target = pv->targets[t].ev;
	q->set = pr->set;
	q->reference = pr->ref;
	q->expect = pr->p->expect;
	q->scope = pv->targets[t].scope;
	q->timeout_ms = pv->timeout_ms;
}

/* The target among `left` whose accounts hold the counterexample's caller. */
static size_t target_of(const struct prove *pv, const bool *left, const struct iamp_cex *c)
{
	struct iamp_caller cl;

	iamp_caller_parse(&cl, c->principal, strlen(c->principal));
	for (size_t t = 0; cl.account && t < pv->ntargets; t++) {
		if (!left[t])
			continue;
		for (size_t a = 0; a < pv->targets[t].naccounts; a++)
			if (strlen(pv->targets[t].accounts[a]) == cl.account_len &&
			    memcmp(pv->targets[t].accounts[a], cl.account, cl.account_len) == 0)
				return t;
	}
	return SIZE_MAX;
}

/* Whether target t allows anything (*answer as iamp_smt_allows_any's,
 * *why when unknown): asked once for the run, under the target's lock.
 * The time of the asking goes to *ms. */
static int target_allows(struct pool *p, size_t t, int *answer, const char **why, double *ms)
{
	struct allows *a = &p->allows[t];
	const struct target *tg = &p->pv->targets[t];
	int rc = 0;

	pthread_mutex_lock(&a->mu);
	if (a->answer == -2 && !a->failed) {
		double t1 = now_ms();

		if (iamp_smt_allows_any(&a->answer, a->why, sizeof(a->why), tg->ev, &tg->scope,
					p->pv->timeout_ms)) {
			a->failed = true;
			snprintf(a->why, sizeof(a->why), "%s", iamp_error_last());
		}
		*ms += now_ms() - t1;
	}
	if (a->failed)
		rc = iamp_error_set(IAMP_EINTERNAL, "%s", a->why);
	*answer = a->answer;
	*why = a->why;
	pthread_mutex_unlock(&a->mu);
	return rc;
}

/*
 * An organization's targets are one evaluator under different account
 * scopes, so one question can answer for all of them. Concrete
 * candidates find the plain violations of each target first; then, asked over the
 * accounts of every target left, a proof holds for each (a target that
 * allows nothing at all is vacuous, asked once per target); a
 * counterexample names its caller's account, so its target is violated
 * and the question is asked again without it. An unknown answer, or a
 * counterexample outside every target, leaves the targets not answered
 * to one question each (the caller queues them). Targets answered
 * together share the question's time.
 */
static int org_property(struct pool *p, size_t i)
{
	struct prove *pv = p->pv;
	const struct prop *pr = &pv->props[i];
	struct cell *cells = cell_at(p, i, 0);
	size_t n = pv->ntargets, nleft = n, nacc = 0;
	bool *left = calloc(n, sizeof(*left));
	const char **acc = NULL;
	int rc = 0;

	for (size_t t = 0; t < n; t++)
		nacc += pv->targets[t].naccounts;
	acc = calloc(nacc + 1, sizeof(*acc));
	if (!left || !acc) {
		free(left);
		free(acc);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	/* first what concrete candidates show, target by target */
	for (size_t t = 0; t < n; t++) {
		struct iamp_prove_query q;
		double t0 = now_ms();

		left[t] = true;
		query_for(pv, t, i, &q);
		if (iamp_prove_concrete(&cells[t].r, &q)) {
			rc = -1;
			nleft = 0;
			break;
		}
		if (cells[t].r.proof == IAMP_PROOF_VIOLATED) {
			cells[t].ms = now_ms() - t0;
			cells[t].answered = true;
			left[t] = false;
			nleft--;
		} else {
			iamp_prove_result_free(&cells[t].r);
			memset(&cells[t].r, 0, sizeof(cells[t].r));
		}
	}
	while (nleft > 0) {
		struct iamp_prove_query q;
		struct iamp_prove_result r;
		size_t first = SIZE_MAX, na = 0, hit;
		double t0 = now_ms(), ms;

		for (size_t t = 0; t < n; t++) {
			if (!left[t])
				continue;
			if (first == SIZE_MAX)
				first = t;
			for (size_t a = 0; a < pv->targets[t].naccounts; a++)
				acc[na++] = pv->targets[t].accounts[a];
		}
		query_for(pv, first, i, &q);
		q.scope.accounts = acc;
		q.scope.naccounts = na;
		if (iamp_prove(&r, &q)) {
			rc = -1;
			break;
		}
		ms = now_ms() - t0;
		if (r.proof == IAMP_PROOF_VIOLATED) {
			if ((hit = target_of(pv, left, &r.cex)) == SIZE_MAX) {
				iamp_prove_result_free(&r);
				break; /* one by one */
			}
			cells[hit].r = r;
			cells[hit].ms = ms;
			cells[hit].answered = true;
			left[hit] = false;
			nleft--;
			continue;
		}
		if (r.proof == IAMP_PROOF_UNKNOWN) {
			iamp_prove_result_free(&r);
			break;
		}
		/* proven or vacuous for every target left */
		for (size_t t = 0; t < n; t++) {
			if (!left[t])
				continue;
			cells[t].r = r;
			cells[t].ms = ms / (double)nleft;
			cells[t].answered = true;
			memset(&r.cex, 0, sizeof(r.cex));
			left[t] = false;
			if (r.proof == IAMP_PROOF_PROVEN && pr->p->expect != IAMP_EXPECT_ALLOWED) {
				const char *why;
				int any;

				if (target_allows(p, t, &any, &why, &cells[t].ms)) {
					rc = -1;
					break;
				}
				if (any == 0) {
					cells[t].r.proof = IAMP_PROOF_VACUOUS;
					snprintf(cells[t].r.reason, sizeof(cells[t].r.reason),
						 "the target allows no request at all");
				} else if (any < 0) {
					cells[t].r.proof = IAMP_PROOF_UNKNOWN;
					snprintf(cells[t].r.reason, sizeof(cells[t].r.reason),
						 "whether the target allows anything: %.200s", why);
				}
			}
		}
		nleft = 0;
	}
	free(left);
	free(acc);
	return rc;
}

/* Takes the next item into *w; false when there is none left (or the
 * run stops). */
static bool take(struct pool *p, struct work *w)
{
	bool got = false;

	pthread_mutex_lock(&p->mu);
	while (p->threads && !p->stop && p->head == p->tail && p->busy)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->stop && p->head < p->tail) {
		*w = p->queue[p->head++];
		p->busy++;
		got = true;
	}
	pthread_mutex_unlock(&p->mu);
	return got;
}

/* Marks a cell failed with this thread's last error (under p->mu). */
static void cell_fail(struct cell *c, const char *err)
{
	iamp_prove_result_free(&c->r);
	memset(&c->r, 0, sizeof(c->r));
	c->failed = true;
	snprintf(c->err, sizeof(c->err), "%s", err);
	c->done = true;
}

/* Does one item and publishes what it answered. */
static void work(struct pool *p, const struct work *w)
{
	struct cell *c = cell_at(p, w->prop, w->target);
	char err[512] = "";
	int rc;

	if (w->org) {
		c = cell_at(p, w->prop, 0);
		rc = org_property(p, w->prop);
		if (rc)
			snprintf(err, sizeof(err), "%s", iamp_error_last());
		pthread_mutex_lock(&p->mu);
		for (size_t t = 0; t < p->pv->ntargets; t++) {
			if (rc)
				cell_fail(&c[t], err); /* the whole property, whatever was answered */
			else if (c[t].answered)
				c[t].done = true;
			else
				p->queue[p->tail++] = (struct work){ w->prop, t, false };
		}
	} else {
		struct iamp_prove_query q;
		struct iamp_prove_result r;
		double t0 = now_ms();

		query_for(p->pv, w->target, w->prop, &q);
		rc = iamp_prove(&r, &q);
		if (rc)
			snprintf(err, sizeof(err), "%s", iamp_error_last());
		pthread_mutex_lock(&p->mu);
		if (rc) {
			cell_fail(c, err);
		} else {
			c->r = r;
			c->ms = now_ms() - t0;
			c->done = true;
		}
	}
	p->busy--;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *prove_worker(void *arg)
{
	struct pool *p = arg;
	struct work w;

	while (take(p, &w))
		work(p, &w);
	return NULL;
}

/* The answer of (property, target), once it is there: waited for, or
 * worked out on this thread when no thread runs. */
static struct cell *answer_of(struct pool *p, size_t prop, size_t target)
{
	struct cell *c = cell_at(p, prop, target);
	struct work w;

	if (!p->threads) {
		while (!c->done && take(p, &w))
			work(p, &w);
		assert(c->done);
		return c;
	}
	pthread_mutex_lock(&p->mu);
	while (!c->done)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return c;
}

static int prove_all(struct prove *pv)
{
	int rc = EXIT_CLEAN;
	bool joint = pv->ps.org && pv->ntargets > 1;
	size_t ncells = pv->nprops * pv->ntargets;
	struct pool p;
	pthread_t *threads = NULL;
	unsigned started = 0, nthreads = pv->jobs;

	memset(&p, 0, sizeof(p));
	p.pv = pv;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.cells = calloc(ncells + 1, sizeof(*p.cells));
	p.queue = calloc(ncells + pv->nprops + 1, sizeof(*p.queue));
	if (joint)
		p.allows = calloc(pv->ntargets + 1, sizeof(*p.allows));
	if (!p.cells || !p.queue || (joint && !p.allows)) {
		fprintf(stderr, "iamproof prove: out of memory\n");
		rc = EXIT_INTERNAL;
		goto out;
	}
	for (size_t t = 0; joint && t < pv->ntargets; t++) {
		pthread_mutex_init(&p.allows[t].mu, NULL);
		p.allows[t].answer = -2; /* not asked */
	}
	/* the questions in the order of the output */
	if (joint) {
		for (size_t i = 0; i < pv->nprops; i++)
			p.queue[p.tail++] = (struct work){ i, 0, true };
	} else {
		for (size_t t = 0; t < pv->ntargets; t++)
			for (size_t i = 0; i < pv->nprops; i++)
				p.queue[p.tail++] = (struct work){ i, t, false };
	}
	if (nthreads > ncells)
		nthreads = (unsigned)ncells;
	(void)iamp_smt_init(); /* Z3's global state, before the threads (loaded: cli_need_z3) */
	if (nthreads > 1 && (threads = calloc(nthreads, sizeof(*threads)))) {
		p.threads = true;
		while (started < nthreads && pthread_create(&threads[started], NULL, prove_worker, &p) == 0)
			started++;
		if (!started)
			p.threads = false; /* no thread to be had: this one does it all */
	}
	if (pv->fmt == FMT_JSON) {
		fputs("{\"results\": [", pv->out);
		pv->first_json = true;
	} else if (pv->fmt == FMT_MARKDOWN) {
		fputs("## iamproof prove\n\n| result | property | title | target | reason |\n"
		      "|---|---|---|---|---|\n", pv->out);
	}
	for (size_t t = 0; t < pv->ntargets; t++) {
		emit_target_header(pv, &pv->targets[t]);
		for (size_t i = 0; i < pv->nprops; i++) {
			struct prop *pr = &pv->props[i];
			struct cell *c = answer_of(&p, i, t);
			struct iamp_prove_result r = c->r;

			if (c->failed) {
				fprintf(stderr, "iamproof prove: %s: %s\n", pr->p->id, c->err);
				rc = EXIT_INTERNAL;
				goto out;
			}
			memset(&c->r, 0, sizeof(c->r));
			pv->counts[r.proof]++;
			if (r.proof == IAMP_PROOF_VIOLATED || r.proof == IAMP_PROOF_UNKNOWN)
				rc = EXIT_FINDINGS;
			if (pv->fmt != FMT_SARIF && pv->fmt != FMT_HTML) {
				emit_result(pv, &pv->targets[t], pr, &r, c->ms);
				iamp_prove_result_free(&r);
			} else if (keep_answer(pv, t, i, &r)) {
				iamp_prove_result_free(&r);
				rc = EXIT_INTERNAL;
				goto out;
			}
		}
	}
	if ((pv->fmt == FMT_SARIF || pv->fmt == FMT_HTML) && write_report(pv)) {
		rc = EXIT_INTERNAL;
		goto out;
	}
	if (pv->fmt == FMT_JSON)
		fputs("\n]}\n", pv->out);
	else if (pv->fmt == FMT_TEXT)
		fprintf(pv->out, "summary: %u proven, %u violated, %u unknown, %u vacuous\n",
			pv->counts[IAMP_PROOF_PROVEN], pv->counts[IAMP_PROOF_VIOLATED],
			pv->counts[IAMP_PROOF_UNKNOWN], pv->counts[IAMP_PROOF_VACUOUS]);
out:
	/* the threads finish what they are asking and take nothing more */
	pthread_mutex_lock(&p.mu);
	p.stop = true;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
	free(threads);
	for (size_t c = 0; p.cells && c < ncells; c++)
		iamp_prove_result_free(&p.cells[c].r);
	for (size_t t = 0; p.allows && t < pv->ntargets; t++)
		pthread_mutex_destroy(&p.allows[t].mu);
	free(p.cells);
	free(p.allows);
	free(p.queue);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

int iamp_cmd_prove(int argc, char **argv)
{
	struct prove pv;
	const char **params = calloc((size_t)argc + 1, sizeof(char *));
	const char **propfiles = calloc((size_t)argc + 1, sizeof(char *));
	size_t nparams = 0, nprop = 0, nconfig = 0;
	const char *org_path = NULL, *output = NULL, *config_path = NULL;
	char **config_owned = NULL;
	bool no_config = false;
	int rc = EXIT_USAGE;

	memset(&pv, 0, sizeof(pv));
	pset_init(&pv.ps, "prove");
	pset_init(&pv.props_ps, "prove");
	pv.out = stdout;
	pv.timeout_ms = 10000;
	/* each question runs two solvers on threads of their own (smt.c's
	 * portfolio): half the CPUs keep them all busy (docs/bench.md: on 2
	 * CPUs, -j 2 took 1.3 to 1.5 times as long as -j 1) */
	pv.jobs = cli_jobs_default() / 2 ? cli_jobs_default() / 2 : 1;
	/* developing the encoding: docs/prove.md, "Debugging" */
	iamp_smt_debug(getenv("IAMPROOF_SMT_TRACE") ? stderr : NULL, getenv("IAMPROOF_SMT_DUMP"));
	if (!params || !propfiles) {
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			rc = EXIT_CLEAN;
			goto cleanup;
		}
		if (strcmp(a, "--no-config") == 0) {
			no_config = true;
			continue;
		}
		if (v && (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0)) {
			i++;
			if (cli_jobs_parse(&pv.jobs, v)) {
				fprintf(stderr, "iamproof prove: -j takes 1 to %u threads, not '%s'\n", CLI_JOBS_MAX, v);
				goto cleanup;
			}
			continue;
		}
		if (!v || strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "iamproof prove: %s '%s'\n",
				strncmp(a, "--", 2) == 0 || strcmp(a, "-j") == 0 ? "missing value after" : "unexpected argument", a);
			usage(stderr);
			goto cleanup;
		}
		i++;
		if (pset_option(&pv.ps, a, v))
			;
		else if (strcmp(a, "--org") == 0)
			org_path = v;
		else if (strcmp(a, "--properties") == 0)
			propfiles[nprop++] = v;
		else if (strcmp(a, "--param") == 0)
			params[nparams++] = v;
		else if (strcmp(a, "--config") == 0)
			config_path = v;
		else if (strcmp(a, "--output") == 0)
			output = v;
		else if (strcmp(a, "--timeout") == 0) {
			char *end;
			double s = strtod(v, &end);

			if (*end || !(s > 0) || s > 3600) {
				fprintf(stderr, "iamproof prove: --timeout takes seconds, from 0.001 to 3600\n");
				goto cleanup;
			}
			pv.timeout_ms = (unsigned)(s * 1000.0 + 0.5) ? (unsigned)(s * 1000.0 + 0.5) : 1;
		} else if (strcmp(a, "--format") == 0) {
			if (strcmp(v, "text") == 0)
				pv.fmt = FMT_TEXT;
			else if (strcmp(v, "json") == 0)
				pv.fmt = FMT_JSON;
			else if (strcmp(v, "markdown") == 0)
				pv.fmt = FMT_MARKDOWN;
			else if (strcmp(v, "sarif") == 0)
				pv.fmt = FMT_SARIF;
			else if (strcmp(v, "html") == 0)
				pv.fmt = FMT_HTML;
			else {
				fprintf(stderr, "iamproof prove: --format must be text, json, sarif, markdown or html\n");
				goto cleanup;
			}
		} else {
			fprintf(stderr, "iamproof prove: unknown option '%s'\n", a);
			usage(stderr);
			goto cleanup;
		}
	}
	if (!nprop) {
		fprintf(stderr, "iamproof prove: give --properties FILE or a pack (stage6, ...)\n");
		goto cleanup;
	}
	if (org_path && (pv.ps.scp_levels || pv.ps.rcp_levels)) {
		fprintf(stderr, "iamproof prove: --org gives the SCP and RCP levels; drop --scp/--rcp\n");
		goto cleanup;
	}
	if (!org_path && !pv.ps.nfiles) {
		fprintf(stderr, "iamproof prove: give a target: --org, --scp or policies\n");
		goto cleanup;
	}
	if (cli_need_z3("prove", "prove"))
		goto cleanup;
	if (output && !(pv.out = fopen(output, "w"))) {
		fprintf(stderr, "iamproof prove: cannot write %s: %s\n", output, strerror(errno));
		pv.out = stdout;
		goto cleanup;
	}
	if (!no_config && (rc = config_params(config_path, &params, &nparams, &nconfig, &config_owned))) {
		rc = rc == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
		goto cleanup;
	}
	rc = EXIT_USAGE;
	if (org_path)
		pset_load_org(&pv.ps, org_path);
	pv.org_path = org_path;
	for (size_t i = 0; i < nprop; i++)
		if (load_properties(&pv, propfiles[i], params, nparams))
			goto cleanup;
	if (!pset_usable(&pv.props_ps) || !pset_usable(&pv.ps))
		goto cleanup;
	/* A --param no property file declares or reads is a typo, and an
	 * answer resting on a default the user meant to replace. The
	 * configuration's params may serve other property files. */
	for (size_t i = nconfig; i < nparams; i++) {
		size_t n = strcspn(params[i], "=");
		bool known = false;

		for (size_t f = 0; f < pv.nfiles && !known; f++)
			for (size_t p = 0; p < pv.files[f]->params.count && !known; p++) {
				const struct iamp_param *pp = &pv.files[f]->params.items[p];

				known = strlen(pp->name) == n && strncmp(pp->name, params[i], n) == 0 &&
					(pp->declared || pp->used);
			}
		if (!known) {
			fprintf(stderr, "iamproof prove: --param %.*s: no property file declares or uses it\n",
				(int)n, params[i]);
			goto cleanup;
		}
	}
	pv.rtype = reference_type(&pv.ps);
	{
		bool guardrails = !pset_has(&pv.ps, IAMP_POLICY_IDENTITY) &&
				  !pset_has(&pv.ps, IAMP_POLICY_RESOURCE) &&
				  !pset_has(&pv.ps, IAMP_POLICY_TRUST) &&
				  !pset_has(&pv.ps, IAMP_POLICY_SESSION) &&
				  !pset_has(&pv.ps, IAMP_POLICY_BOUNDARY);

		/* What is not given is taken as allowing: the caller's own
		 * identity policies always (unless given), resource policies
		 * too where only SCPs are given. */
		pv.assumed_identity = !pset_has(&pv.ps, IAMP_POLICY_IDENTITY);
		if (guardrails) {
			pset_load_text(&pv.ps, "(identity policies)", allow_all, IAMP_POLICY_IDENTITY);
			pset_load_text(&pv.ps, "(resource policies)", allow_all_resource, IAMP_POLICY_RESOURCE);
		} else if (pv.assumed_identity) {
			pset_load_text(&pv.ps, "(identity policies of other accounts)", allow_other_accounts,
				       IAMP_POLICY_IDENTITY);
		}
		rc = build_props(&pv);
		if (rc == -2) {
			rc = EXIT_USAGE;
			goto cleanup;
		}
		if (rc) {
			fprintf(stderr, "iamproof prove: %s\n", iamp_error_last());
			rc = EXIT_INTERNAL;
			goto cleanup;
		}
		if (pv.ps.org) {
			if (org_targets(&pv)) {
				rc = EXIT_INTERNAL;
				goto cleanup;
			}
		} else {
			struct iamp_evaluator *ev;
			char *name = NULL;
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);

			if (!f || pset_build(&pv.ps, 0, &ev)) {
				if (f)
					fclose(f);
				free(buf);
				rc = EXIT_INTERNAL;
				goto cleanup;
			}
			for (unsigned l = 0; l < pv.ps.scp_levels; l++) {
				fprintf(f, "%sSCP level %u:%s", l ? "; " : "", l,
					pv.ps.scp_full[l] ? " FullAWSAccess" : "");
				for (size_t i = 0; i < pv.ps.nfiles; i++)
					if (pv.ps.files[i].type == IAMP_POLICY_SCP && pv.ps.files[i].level == l)
						fprintf(f, " %s", pv.ps.files[i].path);
			}
			if (!pv.ps.scp_levels) {
				for (size_t i = 0, n = 0; i < pv.ps.nfiles; i++)
					if (pv.ps.files[i].policy && pv.ps.files[i].path[0] != '(')
						fprintf(f, "%s%s %s", n++ ? ", " : "",
							iamp_policy_type_name(pv.ps.files[i].type), pv.ps.files[i].path);
			}
			fclose(f);
			name = buf;
			if (add_target(&pv, name, ev, guardrails, NULL, 0)) {
				iamp_evaluator_free(ev);
				rc = EXIT_INTERNAL;
				goto cleanup;
			}
		}
	}
	if (pv.ps.diags.count)
		pset_print_diags(&pv.ps);
	rc = prove_all(&pv);
	if (fflush(pv.out) != 0 || (pv.out != stdout && ferror(pv.out))) {
		fprintf(stderr, "iamproof: cannot write the output\n");
		rc = EXIT_INTERNAL;
	}
cleanup:
	if (pv.out != stdout && fclose(pv.out) != 0 && rc < EXIT_USAGE) {
		fprintf(stderr, "iamproof: cannot write %s\n", output);
		rc = EXIT_INTERNAL;
	}
	for (size_t i = 0; i < pv.nanswers; i++)
		iamp_prove_result_free(&pv.answers[i].r);
	free(pv.answers);
	for (size_t i = 0; i < pv.ntargets; i++) {
		iamp_evaluator_free(pv.targets[i].ev);
		free(pv.targets[i].name);
		free(pv.targets[i].place);
		free(pv.targets[i].accounts);
	}
	free(pv.targets);
	for (size_t i = 0; i < pv.nprops; i++) {
		iamp_evaluator_free(pv.props[i].set);
		iamp_evaluator_free(pv.props[i].ref);
		pset_free(&pv.props[i].refs);
	}
	free(pv.props);
	for (size_t i = 0; i < pv.nfiles; i++) {
		iamp_props_free(pv.files[i]);
		free(pv.file_names[i]);
	}
	free(pv.files);
	free(pv.file_names);
	free(pv.file_packs);
	pset_free(&pv.props_ps);
	pset_free(&pv.ps);
	free(params);
	for (size_t i = 0; i < nconfig; i++)
		free(config_owned[i]);
	free(config_owned);
	free(propfiles);
	return rc;
}

/* ---- diff ------------------------------------------------------------------------- */

static void diff_usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof diff OLD NEW [--type identity|resource|trust|scp] [--witnesses N]\n"
		"                     [--timeout S] [--format text|json]\n"
		"\nSays whether NEW allows exactly what OLD allows (equivalent), more (more-permissive),\n"
		"less (less-permissive) or some of each (incomparable), with up to N requests (default 3)\n"
		"per direction that differ in action, each replayed through the evaluator.\n"
		"OLD and NEW are policy files; with --type scp, each is one SCP level: a comma-separated\n"
		"list of files (FullAWSAccess names AWS's managed policy).\n"
		"exit codes: 0 equivalent or less permissive, 1 more permissive, incomparable or unknown,\n"
		"2 usage or input error, 3 internal error\n");
}

/* One side of a diff: the policy (or SCP level) and what is assumed. */
void diff_assume(struct pset *ps, enum iamp_policy_type type)
{
	if (type == IAMP_POLICY_SCP) {
		pset_load_text(ps, "(identity policies)", allow_all, IAMP_POLICY_IDENTITY);
		pset_load_text(ps, "(resource policies)", allow_all_resource, IAMP_POLICY_RESOURCE);
	} else if (type != IAMP_POLICY_IDENTITY) {
		pset_load_text(ps, "(identity policies of other accounts)", allow_other_accounts,
			       IAMP_POLICY_IDENTITY);
	}
}

void diff_scope(enum iamp_policy_type type, struct iamp_scope *scope)
{
	memset(scope, 0, sizeof(*scope));
	if (type == IAMP_POLICY_SCP)
		iamp_scope_governed(scope);
	else if (type == IAMP_POLICY_IDENTITY)
		scope->kinds = IAMP_SCOPE_KIND(IAMP_CALLER_USER) | IAMP_SCOPE_KIND(IAMP_CALLER_ROLE) |
			       IAMP_SCOPE_KIND(IAMP_CALLER_SESSION) |
			       IAMP_SCOPE_KIND(IAMP_CALLER_FEDERATED_USER);
	else
		scope->no_owner_root = true;
}

/* One side of a diff: the policy (or SCP level) and what is assumed. */
static int diff_side(struct pset *ps, const char *what, enum iamp_policy_type type,
		     struct iamp_evaluator **out)
{
	diff_assume(ps, type);
	if (type == IAMP_POLICY_SCP)
		pset_add_level(ps, what, IAMP_POLICY_SCP);
	else
		pset_load(ps, what, type, 0, NULL, NULL);
	if (!pset_usable(ps))
		return EXIT_USAGE;
	if (pset_build(ps, 0, out)) {
		fprintf(stderr, "iamproof diff: %s\n", iamp_error_last());
		return EXIT_INTERNAL;
	}
	return 0;
}

int iamp_cmd_diff(int argc, char **argv)
{
	struct pset old_ps, new_ps;
	struct iamp_evaluator *old_ev = NULL, *new_ev = NULL;
	struct iamp_diff_query q;
	struct iamp_diff_result r;
	enum iamp_policy_type type = IAMP_POLICY_IDENTITY;
	const char *paths[2] = { NULL, NULL };
	bool json = false;
	int rc = EXIT_USAGE;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	pset_init(&old_ps, "diff");
	pset_init(&new_ps, "diff");
	q.timeout_ms = 10000;
	/* developing the encoding: docs/prove.md, "Debugging" */
	iamp_smt_debug(getenv("IAMPROOF_SMT_TRACE") ? stderr : NULL, getenv("IAMPROOF_SMT_DUMP"));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			diff_usage(stdout);
			rc = EXIT_CLEAN;
			goto cleanup;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (paths[0] && paths[1]) {
				fprintf(stderr, "iamproof diff: unexpected argument '%s'\n", a);
				goto cleanup;
			}
			paths[paths[0] ? 1 : 0] = a;
			continue;
		}
		if (!v) {
			fprintf(stderr, "iamproof diff: missing value after '%s'\n", a);
			goto cleanup;
		}
		i++;
		if (strcmp(a, "--type") == 0) {
			if (!iamp_policy_type_parse(&type, v) || type == IAMP_POLICY_BOUNDARY ||
			    type == IAMP_POLICY_SESSION || type == IAMP_POLICY_RCP) {
				fprintf(stderr, "iamproof diff: --type takes identity, resource, trust or scp\n");
				goto cleanup;
			}
		} else if (strcmp(a, "--witnesses") == 0) {
			char *end;
			long n = strtol(v, &end, 10);

			if (*end || n < 1 || n > 100) {
				fprintf(stderr, "iamproof diff: --witnesses takes 1 to 100\n");
				goto cleanup;
			}
			q.witnesses = (unsigned)n;
		} else if (strcmp(a, "--timeout") == 0) {
			char *end;
			double s = strtod(v, &end);

			if (*end || !(s > 0) || s > 3600) {
				fprintf(stderr, "iamproof diff: --timeout takes seconds, from 0.001 to 3600\n");
				goto cleanup;
			}
			q.timeout_ms = (unsigned)(s * 1000.0) ? (unsigned)(s * 1000.0) : 1;
		} else if (strcmp(a, "--format") == 0 && (strcmp(v, "json") == 0 || strcmp(v, "text") == 0)) {
			json = strcmp(v, "json") == 0;
		} else {
			fprintf(stderr, "iamproof diff: unknown option '%s %s'\n", a, v);
			diff_usage(stderr);
			goto cleanup;
		}
	}
	if (!paths[1]) {
		fprintf(stderr, "iamproof diff: give OLD and NEW\n");
		diff_usage(stderr);
		goto cleanup;
	}
	if (cli_need_z3("diff", "diff"))
		goto cleanup;
	if ((rc = diff_side(&old_ps, paths[0], type, &old_ev)) ||
	    (rc = diff_side(&new_ps, paths[1], type, &new_ev)))
		goto cleanup;
	q.old_target = old_ev;
	q.new_target = new_ev;
	diff_scope(type, &q.scope);
	if (iamp_smt_diff(&r, &q)) {
		fprintf(stderr, "iamproof diff: %s\n", iamp_error_last());
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (json) {
		printf("{\"verdict\":\"%s\"", iamp_diff_verdict_name(r.verdict));
		for (int d = 0; d < 2; d++) {
			printf(",\"%s\":[", d == 0 ? "newOnly" : "oldOnly");
			for (size_t i = 0; i < r.nwitness[d]; i++) {
				fputs(i ? "," : "", stdout);
				iamp_report_cex(stdout, &r.witness[d][i]);
			}
			printf("]");
		}
		printf(",\"byText\":{\"newOnly\":%s,\"oldOnly\":%s}", r.by_text[0] ? "true" : "false",
		       r.by_text[1] ? "true" : "false");
		if (r.reason[0] && r.verdict == IAMP_DIFF_UNKNOWN) {
			fputs(",\"reason\":", stdout);
			json_str(stdout, r.reason);
		}
		printf("}\n");
	} else {
		printf("diff: %s -> %s: %s\n", paths[0], paths[1], iamp_diff_verdict_name(r.verdict));
		if (type == IAMP_POLICY_SCP)
			printf("  identity and resource policies taken as allowing everything; callers: the "
			       "principals SCPs govern\n");
		for (int d = 0; d < 2; d++) {
			printf("  allowed by %s only:%s%s\n", d == 0 ? "NEW" : "OLD",
			       r.nwitness[d] ? "" : r.unknown[d] ? " unknown" : " nothing",
			       !r.by_text[d] ? ""
			       : d == 0 ? " (each Allow of NEW lies within one of OLD, and each Deny of OLD "
					  "within one of NEW: read from the text)"
					: " (each Allow of OLD lies within one of NEW, and each Deny of NEW "
					  "within one of OLD: read from the text)");
			for (size_t i = 0; i < r.nwitness[d]; i++) {
				fputs("    ", stdout);
				iamp_report_cex(stdout, &r.witness[d][i]);
				fputc('\n', stdout);
			}
		}
		if (r.verdict == IAMP_DIFF_UNKNOWN && r.reason[0])
			printf("  unknown: %s\n", r.reason);
	}
	rc = r.verdict == IAMP_DIFF_EQUIVALENT || r.verdict == IAMP_DIFF_LESS_PERMISSIVE ? EXIT_CLEAN
											 : EXIT_FINDINGS;
	if (fflush(stdout) != 0)
		rc = EXIT_INTERNAL;
cleanup:
	iamp_diff_result_free(&r);
	iamp_evaluator_free(old_ev);
	iamp_evaluator_free(new_ev);
	pset_free(&old_ps);
	pset_free(&new_ps);
	return rc;
}
