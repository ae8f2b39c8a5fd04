/*
 * fuzz_eval.c - request parsing and the concrete evaluator, with two
 * invariants of the decision.
 *
 * Input: [MODE] POLICY NUL REQUEST. POLICY is JSON (or YAML when it does
 * not start with '{'), REQUEST one JSON request as `simulate --request`
 * takes it. MODE, an optional digit, says where the policy goes:
 *   0 (or none) an identity policy     3 a permission boundary, under allow-all
 *   1 an SCP, under allow-all          4 an RCP, under allow-all
 *   2 a resource policy                5 a resource policy, under allow-all
 * As simulate does, a policy with an error from the builder or the shape
 * check is not decided. The request gets its derived keys as in simulate.
 *
 * Invariants, each an abort when broken:
 *  - key case: condition keys compare case-insensitively, so the request
 *    with every key name's ASCII letters in the other case is decided the
 *    same (decision, gap, match count);
 *  - a Deny never helps: the same policies plus a copy of POLICY whose
 *    every statement is a Deny (same type, same level) never allow what
 *    the first set does not, and still deny explicitly what it denied;
 *    and when a statement of POLICY applies, its Deny twin applies too,
 *    so the request is denied explicitly (an authenticated caller's
 *    sts:GetCallerIdentity aside);
 *  - the decision in text is safe for a terminal, in JSON reads back.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "context.h"
#include "diag.h"
#include "error.h"
#include "eval.h"
#include "lint.h"
#include "load.h"
#include "policy.h"
#include "principal.h"
#include "report.h"
#include "fuzz.h"
#include "output.h"

#define MAX_MATCHES 16

static const char allow_all[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

struct setup {
	int mode;
	const struct iamp_policy *policy, *deny_copy, *all;
};

static int add(struct iamp_evaluator *ev, enum iamp_policy_type t, const struct iamp_policy *p)
{
	if (t == IAMP_POLICY_SCP && iamp_evaluator_level(ev, t, 0, "level", false))
		return IAMP_ENOMEM;
	if (t == IAMP_POLICY_RCP && iamp_evaluator_level(ev, t, 0, "level", true))
		return IAMP_ENOMEM;
	return iamp_evaluator_add(ev, t, 0, p, "fuzz");
}

static enum iamp_policy_type type_of(int mode)
{
	static const enum iamp_policy_type t[] = {
		IAMP_POLICY_IDENTITY, IAMP_POLICY_SCP, IAMP_POLICY_RESOURCE,
		IAMP_POLICY_BOUNDARY, IAMP_POLICY_RCP, IAMP_POLICY_RESOURCE,
	};

	return t[mode];
}

/* The evaluator of the set, with the deny copy when `with_deny`. */
static int make(struct iamp_evaluator **out, const struct setup *s, bool with_deny)
{
	enum iamp_policy_type t = type_of(s->mode);
	struct iamp_evaluator *ev;
	int rc;

	if ((rc = iamp_evaluator_new(&ev)))
		return rc;
	if (s->mode == 1 || s->mode >= 3)
		rc = add(ev, IAMP_POLICY_IDENTITY, s->all);
	if (!rc)
		rc = add(ev, t, s->policy);
	if (!rc && with_deny)
		rc = add(ev, t, s->deny_copy);
	if (rc) {
		iamp_evaluator_free(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

struct decision_out {
	const struct iamp_request *req;
	const struct iamp_result *res;
	const struct iamp_evaluator *ev;
	enum iamp_report_format fmt;
};

static int write_decision(FILE *f, void *p)
{
	struct decision_out *d = p;

	return iamp_report_decision(f, d->fmt, d->req, d->res, d->ev, 1);
}

static void check_output(const struct iamp_request *req, const struct iamp_result *res,
			 const struct iamp_evaluator *ev)
{
	struct decision_out d = { req, res, ev, IAMP_REPORT_TEXT };
	size_t len = 0;
	int rc = 0;
	char *buf = fuzz_capture(&len, write_decision, &d, &rc);

	if (buf) {
		FUZZ_ASSERT(rc == 0);
		fuzz_check_terminal_text(buf, len);
	}
	free(buf);
	d.fmt = IAMP_REPORT_JSON;
	buf = fuzz_capture(&len, write_decision, &d, &rc);
	if (buf) {
		FUZZ_ASSERT(rc == 0);
		fuzz_check_json_text(buf, len, true);
	}
	free(buf);
}

static int decide(struct iamp_result *res, struct iamp_match *m, const struct iamp_evaluator *ev,
		  const struct iamp_request *req)
{
	int rc;

	memset(res, 0, sizeof(*res));
	res->matches = m;
	res->match_cap = MAX_MATCHES;
	rc = iamp_evaluate(res, ev, req);
	FUZZ_OK(rc);
	if (rc == 0) {
		FUZZ_ASSERT(res->match_count <= MAX_MATCHES);
		FUZZ_ASSERT(res->match_count <= res->match_total);
		FUZZ_ASSERT(res->decision == IAMP_DECISION_ALLOWED ||
			    res->decision == IAMP_DECISION_EXPLICIT_DENY ||
			    res->decision == IAMP_DECISION_IMPLICIT_DENY);
		/* a gap explains an implicit deny only */
		FUZZ_ASSERT(res->decision == IAMP_DECISION_IMPLICIT_DENY ||
			    res->gap == IAMP_GAP_NONE);
	}
	return rc;
}

/* The request with every key name in the other ASCII case, into arena. */
static int flip_case(struct iamp_request *out, const struct iamp_request *req,
		     struct iamp_arena *arena)
{
	struct iamp_ctx_key *keys;

	*out = *req;
	if (!req->key_count)
		return 0;
	keys = iamp_arena_alloc(arena, req->key_count * sizeof(*keys));
	if (!keys)
		return IAMP_ENOMEM;
	for (size_t i = 0; i < req->key_count; i++) {
		char *name = iamp_arena_strndup(arena, req->keys[i].name, req->keys[i].name_len);

		if (!name)
			return IAMP_ENOMEM;
		for (size_t k = 0; k < req->keys[i].name_len; k++) {
			unsigned char c = (unsigned char)name[k];

			name[k] = (char)(isupper(c) ? tolower(c) : islower(c) ? toupper(c) : c);
		}
		keys[i] = req->keys[i];
		keys[i].name = name;
	}
	out->keys = keys;
	return 0;
}

/* Whether a statement of `p` is among the applicable ones of `r` (SCP
 * and RCP statements are listed only where they govern). */
static bool policy_applied(const struct iamp_result *r, const struct iamp_policy *p)
{
	for (size_t i = 0; i < r->match_count; i++)
		if (r->matches[i].policy == p)
			return true;
	return false;
}

/* sts:GetCallerIdentity by an authenticated caller, which no policy can
 * deny (decide.h, no_authz); an anonymous caller's is decided as any
 * other action, so the invariant holds for it. */
static bool needs_no_authz(const struct iamp_request *req)
{
	static const char gci[] = "sts:GetCallerIdentity";
	struct iamp_caller c;

	if (req->action_len != sizeof(gci) - 1 || strncasecmp(req->action, gci, sizeof(gci) - 1) != 0)
		return false;
	iamp_caller_parse(&c, req->principal, req->principal_len);
	return c.kind != IAMP_CALLER_ANONYMOUS;
}

static bool usable(const struct iamp_diags *diags)
{
	return iamp_diags_max_severity(diags) < IAMP_SEV_ERROR && !diags->oom;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iamp_diags diags;
	struct iamp_document *pdoc = NULL, *rdoc = NULL, *adoc = NULL;
	struct iamp_policy *policy = NULL, *copy = NULL, *all = NULL;
	struct iamp_evaluator *ev = NULL, *ev_deny = NULL;
	struct iamp_arena *arena = NULL;
	struct iamp_request req, flipped;
	struct iamp_match m1[MAX_MATCHES], m2[MAX_MATCHES];
	struct iamp_result r1, r2;
	struct setup s = { 0 };
	const char *ptext, *rtext;
	size_t plen, rlen;

	if (size && data[0] >= '0' && data[0] <= '5') {
		s.mode = data[0] - '0';
		data++;
		size--;
	}
	fuzz_split(data, size, &ptext, &plen, &rtext, &rlen);
	iamp_diags_init(&diags);
	if (iamp_load_buffer(&pdoc, "policy", ptext, plen,
			     plen && ptext[0] == '{' ? IAMP_FORMAT_JSON : IAMP_FORMAT_YAML, NULL, &diags) ||
	    !pdoc->root)
		goto cleanup;
	if (iamp_policy_build(&policy, pdoc, type_of(s.mode), NULL, &diags) || !policy ||
	    iamp_policy_build(&copy, pdoc, type_of(s.mode), NULL, &diags) || !copy)
		goto cleanup;
	iamp_lint_policy_shape(policy, &diags);
	if (!usable(&diags))
		goto cleanup;
	for (size_t i = 0; i < copy->statement_count; i++)
		copy->statements[i].effect = IAMP_EFFECT_DENY;
	if (iamp_load_buffer(&adoc, "all", allow_all, sizeof(allow_all) - 1, IAMP_FORMAT_JSON, NULL,
			     &diags) ||
	    iamp_policy_build(&all, adoc, IAMP_POLICY_IDENTITY, NULL, &diags) || !all)
		goto cleanup;
	s.policy = policy;
	s.deny_copy = copy;
	s.all = all;

	iamp_diags_clear(&diags);
	if (iamp_load_buffer(&rdoc, "request", rtext, rlen, IAMP_FORMAT_JSON, NULL, &diags) ||
	    !(arena = iamp_arena_new()) || diags.count)
		goto cleanup;
	if (iamp_request_from_value(&req, arena, rdoc->root) != 0 ||
	    iamp_request_fill_derived(&req, arena) != 0)
		goto cleanup;
	if (make(&ev, &s, false) || make(&ev_deny, &s, true))
		goto cleanup;

	if (decide(&r1, m1, ev, &req))
		goto cleanup;
	check_output(&req, &r1, ev);

	if (flip_case(&flipped, &req, arena) == 0 && decide(&r2, m2, ev, &flipped) == 0) {
		FUZZ_ASSERT(r2.decision == r1.decision);
		FUZZ_ASSERT(r2.gap == r1.gap);
		FUZZ_ASSERT(r2.match_total == r1.match_total);
	}
	if (decide(&r2, m2, ev_deny, &req) == 0) {
		if (r1.decision != IAMP_DECISION_ALLOWED)
			FUZZ_ASSERT(r2.decision != IAMP_DECISION_ALLOWED);
		if (r1.decision == IAMP_DECISION_EXPLICIT_DENY)
			FUZZ_ASSERT(r2.decision == IAMP_DECISION_EXPLICIT_DENY);
		/* Every statement of POLICY that applies has its Deny twin in
		 * the copy, which applies as well: the request is then denied
		 * explicitly, unless it needs no authorization. */
		if (policy_applied(&r1, policy) && !needs_no_authz(&req))
			FUZZ_ASSERT(r2.decision == IAMP_DECISION_EXPLICIT_DENY);
	}
cleanup:
	iamp_evaluator_free(ev);
	iamp_evaluator_free(ev_deny);
	iamp_arena_free(arena);
	iamp_document_free(rdoc);
	iamp_document_free(adoc);
	iamp_document_free(pdoc);
	iamp_diags_clear(&diags);
	return 0;
}
