/*
 * test_smt.c - the prover against the concrete evaluator.
 *
 * Hand-written questions with known answers, and a randomized cross-check
 * (issue 8, "Cross-checks that the prover is sound"): random SCP levels
 * and random request sets; wherever prove says proven, a thousand sampled
 * requests of the set are decided by the evaluator and none may break the
 * property; wherever it says violated, the counterexample must be in the
 * set and decided as the violation says; vacuous must find no sampled
 * request in the set (or none allowed). An unknown is counted, never
 * taken as an answer.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "context.h"
#include "diag.h"
#include "eval.h"
#include "helpers.h"
#include "load.h"
#include "policy.h"
#include "principal.h"
#include "smt.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char allow_all[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
static const char allow_all_resource[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
	"\"Action\":\"*\",\"Resource\":\"*\"}]}";

/* SCP levels (each a policy text) under allow-all identity and resource
 * policies: what the guardrails let through. */
static struct iamp_evaluator *guardrails(const char *const *levels, size_t n)
{
	struct iamp_evaluator *ev;

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_IDENTITY, 0, th_keep(allow_all, IAMP_POLICY_IDENTITY), "id"), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_RESOURCE, 0,
					    th_keep(allow_all_resource, IAMP_POLICY_RESOURCE), "res"), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_SCP, (unsigned)i,
						    th_keep(levels[i], IAMP_POLICY_SCP), "scp"), 0);
	return ev;
}

/* A request set: one Allow statement, Principal "*". */
static struct iamp_evaluator *request_set(const char *stmt_body)
{
	struct iamp_evaluator *ev;
	char text[2048];

	snprintf(text, sizeof(text),
		 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",%s}]}",
		 stmt_body);
	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_RESOURCE, 0, th_keep(text, IAMP_POLICY_RESOURCE), "set"), 0);
	return ev;
}

static enum iamp_proof prove(const struct iamp_evaluator *target, const struct iamp_evaluator *set,
			     enum iamp_expect expect, struct iamp_prove_result *r)
{
	struct iamp_prove_query q;

	memset(&q, 0, sizeof(q));
	q.target = target;
	q.set = set;
	q.expect = expect;
	q.timeout_ms = 20000;
	iamp_scope_governed(&q.scope);
	ck_assert_int_eq(iamp_prove(r, &q), 0);
	return r->proof;
}

/* ---- known answers ----------------------------------------------------------------- */

#define FULL "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}"
#define SCP(...) "{\"Version\":\"2012-10-17\",\"Statement\":[" __VA_ARGS__ "]}"

struct known {
	const char *name;
	const char *levels[2];
	const char *set;
	enum iamp_expect expect;
	enum iamp_proof want;
};

static const struct known known[] = {
	{ "deny root proves root denied",
	  { SCP(FULL ",{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
		"{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:root\"}}}") },
	  "\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:root\"}}",
	  IAMP_EXPECT_DENIED, IAMP_PROOF_PROVEN },
	{ "a deny list missing an action",
	  { SCP(FULL ",{\"Effect\":\"Deny\",\"Action\":[\"guardduty:DeleteDetector\"],\"Resource\":\"*\"}") },
	  "\"Action\":[\"guardduty:DeleteDetector\",\"guardduty:UpdateDetector\"],\"Resource\":\"*\"",
	  IAMP_EXPECT_DENIED, IAMP_PROOF_VIOLATED },
	{ "a level without an Allow: vacuous",
	  { SCP(FULL), SCP("{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}") },
	  "\"Action\":\"iam:CreateAccessKey\",\"Resource\":\"*\"", IAMP_EXPECT_DENIED, IAMP_PROOF_VACUOUS },
	{ "an empty request set: vacuous",
	  { SCP(FULL) },
	  "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":\"a\"},"
	  "\"StringNotEquals\":{\"aws:RequestedRegion\":\"a\"}}",
	  IAMP_EXPECT_DENIED, IAMP_PROOF_VACUOUS },
	{ "a future action of a listed service (NotAction allow-list)",
	  { SCP("{\"Effect\":\"Allow\",\"NotAction\":[\"s3:GetObject\",\"iam:*\"],\"Resource\":\"*\"}") },
	  "\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::nothing\"", IAMP_EXPECT_DENIED, IAMP_PROOF_VIOLATED },
	{ "allowed: FullAWSAccess allows s3",
	  { SCP(FULL) }, "\"Action\":\"s3:Get*\",\"Resource\":\"*\"", IAMP_EXPECT_ALLOWED, IAMP_PROOF_PROVEN },
	{ "allowed: a region deny breaks it",
	  { SCP(FULL ",{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
		"{\"StringNotEquals\":{\"aws:RequestedRegion\":\"eu-west-1\"}}}") },
	  "\"Action\":\"s3:Get*\",\"Resource\":\"*\"", IAMP_EXPECT_ALLOWED, IAMP_PROOF_VIOLATED },
};

START_TEST(known_answers)
{
	const struct known *k = &known[_i];
	size_t n = k->levels[1] ? 2 : 1;
	struct iamp_evaluator *t = guardrails(k->levels, n), *set = request_set(k->set);
	struct iamp_prove_result r;

	ck_assert_msg(prove(t, set, k->expect, &r) == k->want, "%s: got %s (%s), want %s", k->name,
		      iamp_proof_name(r.proof), r.reason, iamp_proof_name(k->want));
	iamp_prove_result_free(&r);
	iamp_evaluator_free(t);
	iamp_evaluator_free(set);
	th_kept_free();
}
END_TEST

/* A target with compatibility switches is refused: the prover follows AWS. */
START_TEST(compat_refused)
{
	const char *levels[] = { SCP(FULL) };
	struct iamp_evaluator *t = guardrails(levels, 1), *set = request_set("\"Action\":\"*\",\"Resource\":\"*\"");
	struct iamp_prove_query q;
	struct iamp_prove_result r;

	iamp_evaluator_set_compat(t, 1);
	memset(&q, 0, sizeof(q));
	q.target = t;
	q.set = set;
	ck_assert_int_eq(iamp_prove(&r, &q), -3);
	iamp_evaluator_free(t);
	iamp_evaluator_free(set);
	th_kept_free();
}
END_TEST

/* A resource policy's Allow with NotPrincipal grants, as a Principal "*"
 * would, to every caller it does not name (IAMP_PM_WILD): a same-account
 * user is allowed, a caller of the named account is not. */
START_TEST(not_principal_allow)
{
	static const char bucket[] =
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		"\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::999999999999:root\"},"
		"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}";
	static const struct {
		const char *set;
		enum iamp_proof want;
	} q[] = {
		{ "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/k\",\"Condition\":{\"StringEquals\":"
		  "{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:user/alice\","
		  "\"aws:ResourceAccount\":\"111122223333\"}}", IAMP_PROOF_PROVEN },
		{ "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/k\",\"Condition\":{\"StringEquals\":"
		  "{\"aws:PrincipalArn\":\"arn:aws:iam::999999999999:root\","
		  "\"aws:ResourceAccount\":\"111122223333\"}}", IAMP_PROOF_VIOLATED },
	};

	for (size_t i = 0; i < N(q); i++) {
		struct iamp_evaluator *t, *set = request_set(q[i].set);
		struct iamp_prove_query pq;
		struct iamp_prove_result r;

		ck_assert_int_eq(iamp_evaluator_new(&t), 0);
		ck_assert_int_eq(iamp_evaluator_add(t, IAMP_POLICY_RESOURCE, 0, th_keep(bucket, IAMP_POLICY_RESOURCE), "b"), 0);
		memset(&pq, 0, sizeof(pq));
		pq.target = t;
		pq.set = set;
		pq.expect = IAMP_EXPECT_ALLOWED;
		pq.timeout_ms = 20000;
		ck_assert_int_eq(iamp_prove(&r, &pq), 0);
		ck_assert_msg(r.proof == q[i].want, "case %zu: got %s (%s)", i, iamp_proof_name(r.proof), r.reason);
		iamp_prove_result_free(&r);
		iamp_evaluator_free(t);
		iamp_evaluator_free(set);
	}
	th_kept_free();
}
END_TEST

/* ---- the randomized cross-check ---------------------------------------------------- */

static const char *const r_actions[] = { "\"s3:GetObject\"", "\"s3:Get*\"", "\"s3:*\"", "\"ec2:RunInstances\"",
					  "\"ec2:*\"", "\"iam:CreateAccessKey\"", "\"iam:*\"", "\"*\"",
					  "\"s3:PutObject\"", "\"kms:Decrypt\"" };
static const char *const r_resources[] = { "\"*\"", "\"arn:aws:s3:::b/*\"", "\"arn:aws:s3:::b/k\"",
					    "\"arn:aws:ec2:*:*:instance/*\"", "\"arn:aws:iam::*:user/*\"" };
static const char *const r_conditions[] = {
	"",
	",\"Condition\":{\"StringNotEquals\":{\"aws:RequestedRegion\":[\"us-east-1\"]}}",
	",\"Condition\":{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:root\"}}",
	",\"Condition\":{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/Admin\"}}",
	",\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":\"eu-west-1\"}}",
	",\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}",
	",\"Condition\":{\"StringNotEqualsIfExists\":{\"aws:PrincipalAccount\":\"111122223333\"}}",
};

static unsigned rnd(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

/* A random statement body (no Effect, no Principal). */
static void body(char *out, size_t cap, unsigned *seed)
{
	const char *a1 = r_actions[rnd(seed, N(r_actions))], *a2 = r_actions[rnd(seed, N(r_actions))];

	snprintf(out, cap, "\"%s\":[%s,%s],\"Resource\":%s%s", rnd(seed, 4) ? "Action" : "NotAction",
		 a1, a2, r_resources[rnd(seed, N(r_resources))], r_conditions[rnd(seed, N(r_conditions))]);
}

static void scp_level(char *out, size_t cap, unsigned *seed)
{
	size_t n = (size_t)snprintf(out, cap, "{\"Version\":\"2012-10-17\",\"Statement\":[%s",
				    rnd(seed, 3) ? FULL : "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}");
	unsigned k = 1 + rnd(seed, 3);

	for (unsigned i = 0; i < k; i++) {
		char b[512];

		body(b, sizeof(b), seed);
		n += (size_t)snprintf(out + n, cap - n, ",{\"Effect\":\"%s\",%s}", rnd(seed, 3) ? "Deny" : "Allow", b);
	}
	snprintf(out + n, cap - n, "]}");
}

static const char *const s_principals[] = {
	"arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice",
	"arn:aws:sts::111122223333:assumed-role/Admin/s", "arn:aws:sts::444455556666:assumed-role/app/s",
	"arn:aws:iam::111122223333:role/Admin", "arn:aws:sts::444455556666:federated-user/bob",
};
static const char *const s_actions[] = { "s3:GetObject", "s3:PutObject", "s3:GetNewThing", "ec2:RunInstances",
					  "iam:CreateAccessKey", "kms:Decrypt", "ec2:DescribeInstances",
					  "iam:CreateUser" };
static const char *const s_resources[] = { "arn:aws:s3:::b/k", "arn:aws:s3:::b/x", "arn:aws:s3:::c",
					    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
					    "arn:aws:iam::111122223333:user/bob",
					    "arn:aws:kms:us-east-1:111122223333:key/k1" };
static const char *const s_regions[] = { "us-east-1", "eu-west-1", "ap-south-1" };
static const char *const s_mfa[] = { NULL, "true", "false" };

/* A sampled request, decided by `ev`; *in_set from `set`. */
static enum iamp_decision sample(const struct iamp_evaluator *ev, const struct iamp_evaluator *set,
				 unsigned *seed, bool *in_set, char *what, size_t cap)
{
	struct iamp_ctx_value vals[2];
	struct iamp_ctx_key keys[2];
	struct iamp_request req;
	struct iamp_arena *arena = iamp_arena_new();
	struct iamp_match m[1];
	struct iamp_result res;
	const char *mfa = s_mfa[rnd(seed, N(s_mfa))];
	enum iamp_decision d;

	memset(&req, 0, sizeof(req));
	req.principal = s_principals[rnd(seed, N(s_principals))];
	req.principal_len = strlen(req.principal);
	req.action = s_actions[rnd(seed, N(s_actions))];
	req.action_len = strlen(req.action);
	req.resource = s_resources[rnd(seed, N(s_resources))];
	req.resource_len = strlen(req.resource);
	vals[0].text = s_regions[rnd(seed, N(s_regions))];
	vals[0].len = strlen(vals[0].text);
	keys[0] = (struct iamp_ctx_key){ "aws:RequestedRegion", 19, &vals[0], 1, false };
	req.key_count = 1;
	if (mfa) {
		vals[1].text = mfa;
		vals[1].len = strlen(mfa);
		keys[1] = (struct iamp_ctx_key){ "aws:MultiFactorAuthPresent", 26, &vals[1], 1, false };
		req.key_count = 2;
	}
	req.keys = keys;
	ck_assert_int_eq(iamp_request_fill_derived(&req, arena), 0);
	snprintf(what, cap, "%s %s %s %s mfa=%s", req.principal, req.action, req.resource, vals[0].text,
		 mfa ? mfa : "-");
	memset(&res, 0, sizeof(res));
	res.matches = m;
	res.match_cap = 1;
	ck_assert_int_eq(iamp_evaluate(&res, set, &req), 0);
	*in_set = res.match_total > 0;
	ck_assert_int_eq(iamp_evaluate(&res, ev, &req), 0);
	d = res.decision;
	iamp_arena_free(arena);
	return d;
}

#define ROUNDS 10
#define SAMPLES 1000

START_TEST(cross_check)
{
	unsigned seed = 0x5eed0000u + (unsigned)_i * 7919u;
	char levels_text[2][4096], b[512], what[512];
	const char *levels[2] = { levels_text[0], levels_text[1] };
	size_t nlevels = 1 + rnd(&seed, 2);
	struct iamp_evaluator *t, *set;
	enum iamp_expect expect = rnd(&seed, 4) ? IAMP_EXPECT_DENIED : IAMP_EXPECT_ALLOWED;
	struct iamp_prove_result r;
	enum iamp_proof p;
	unsigned in_set = 0, allowed = 0, allowed_any = 0;

	for (size_t i = 0; i < nlevels; i++)
		scp_level(levels_text[i], sizeof(levels_text[i]), &seed);
	body(b, sizeof(b), &seed);
	t = guardrails(levels, nlevels);
	set = request_set(b);
	p = prove(t, set, expect, &r);
	if (p == IAMP_PROOF_VIOLATED) {
		/* prove has replayed it; check it once more from here */
		struct iamp_match m[1];
		struct iamp_result res = { .matches = m, .match_cap = 1 };

		ck_assert_int_eq(iamp_cex_evaluate(&res, set, &r.cex), 0);
		ck_assert_msg(res.match_total > 0, "round %d: the counterexample is outside the set", _i);
		ck_assert_int_eq(iamp_cex_evaluate(&res, t, &r.cex), 0);
		ck_assert_msg((res.decision == IAMP_DECISION_ALLOWED) == (expect == IAMP_EXPECT_DENIED),
			      "round %d: the counterexample does not break the property", _i);
	}
	for (unsigned i = 0; i < SAMPLES; i++) {
		bool member;
		enum iamp_decision d = sample(t, set, &seed, &member, what, sizeof(what));

		allowed_any += d == IAMP_DECISION_ALLOWED;
		if (!member)
			continue;
		in_set++;
		allowed += d == IAMP_DECISION_ALLOWED;
		if (p == IAMP_PROOF_PROVEN)
			ck_assert_msg((d == IAMP_DECISION_ALLOWED) == (expect == IAMP_EXPECT_ALLOWED),
				      "round %d: proven %s, but %s is %s\nlevels: %s | %s\nset: %s", _i,
				      iamp_expect_name(expect), what, iamp_decision_name(d), levels[0],
				      nlevels > 1 ? levels[1] : "", b);
	}
	/* vacuous: the set is empty, or the target allows no request at all */
	if (p == IAMP_PROOF_VACUOUS && strstr(r.reason, "set is empty"))
		ck_assert_msg(in_set == 0, "round %d: vacuous (%s), yet %u sampled requests are in the set",
			      _i, r.reason, in_set);
	else if (p == IAMP_PROOF_VACUOUS)
		ck_assert_msg(allowed_any == 0, "round %d: vacuous (%s), yet %u sampled requests are allowed",
			      _i, r.reason, allowed_any);
	iamp_prove_result_free(&r);
	iamp_evaluator_free(t);
	iamp_evaluator_free(set);
	th_kept_free();
}
END_TEST


/*
 * Concrete candidates (smt.c) are tried before the solver: one outside
 * the question's scope must never count. Each set below has members
 * only outside the governed callers (a service principal) or outside
 * the scope's accounts, and the
 * candidates spell those members out: the answer is vacuous.
 */
START_TEST(candidates_in_scope)
{
	static const char *const sets[] = {
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
		"\"ec2.amazonaws.com\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
		"\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalAccount\":"
		"\"444455556666\"}}}]}",
	};
	static const char *const accounts[] = { "111122223333" };
	const char *levels[] = { SCP(FULL) };
	struct iamp_evaluator *target = guardrails(levels, 1);

	for (size_t i = 0; i < N(sets); i++) {
		struct iamp_evaluator *set;
		struct iamp_prove_query q;
		struct iamp_prove_result r;

		ck_assert_int_eq(iamp_evaluator_new(&set), 0);
		ck_assert_int_eq(iamp_evaluator_add(set, IAMP_POLICY_RESOURCE, 0,
						    th_keep(sets[i], IAMP_POLICY_RESOURCE), "set"), 0);
		memset(&q, 0, sizeof(q));
		q.target = target;
		q.set = set;
		q.expect = IAMP_EXPECT_DENIED;
		q.timeout_ms = 20000;
		iamp_scope_governed(&q.scope);
		q.scope.accounts = accounts;
		q.scope.naccounts = 1;
		ck_assert_int_eq(iamp_prove(&r, &q), 0);
		ck_assert_msg(r.proof == IAMP_PROOF_VACUOUS, "set %zu: %s (%s%s%s)", i, iamp_proof_name(r.proof),
			      r.cex.principal ? r.cex.principal : "", r.cex.principal ? " " : "", r.reason);
		iamp_prove_result_free(&r);
		/* the concrete half alone never answers it either */
		ck_assert_int_eq(iamp_prove_concrete(&r, &q), 0);
		ck_assert_int_eq(r.proof, IAMP_PROOF_UNKNOWN);
		iamp_prove_result_free(&r);
		iamp_evaluator_free(set);
	}
	iamp_evaluator_free(target);
	th_kept_free();
}
END_TEST

/*
 * A Deny that exempts callers by a negated aws:PrincipalArn: the
 * candidates try the exempted callers themselves, so the violation needs
 * no solver (Z3 took 39 s on a corpus SCP of this shape). Fails when
 * candidates never take a caller from the target's exemptions.
 */
START_TEST(candidates_exempted_caller)
{
	static const char *const set =
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
		"\"Action\":\"organizations:LeaveOrganization\",\"Resource\":\"*\",\"Condition\":"
		"{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/BreakGlass\"}}}]}";
	const char *levels[] = { SCP(FULL ",{\"Effect\":\"Deny\",\"Action\":[\"account:CloseAccount\","
				     "\"organizations:LeaveOrganization\"],\"Resource\":\"*\",\"Condition\":"
				     "{\"StringNotLike\":{\"aws:PrincipalArn\":[\"arn:aws:iam::*:role/BreakGlass\","
				     "\"arn:aws:iam::*:role/stacksets-exec-*\"]}}}") };
	struct iamp_evaluator *target = guardrails(levels, 1), *sv;
	struct iamp_prove_query q;
	struct iamp_prove_result r;

	ck_assert_int_eq(iamp_evaluator_new(&sv), 0);
	ck_assert_int_eq(iamp_evaluator_add(sv, IAMP_POLICY_RESOURCE, 0, th_keep(set, IAMP_POLICY_RESOURCE),
					    "set"), 0);
	memset(&q, 0, sizeof(q));
	q.target = target;
	q.set = sv;
	q.expect = IAMP_EXPECT_DENIED;
	q.timeout_ms = 20000;
	iamp_scope_governed(&q.scope);
	ck_assert_int_eq(iamp_prove_concrete(&r, &q), 0);
	ck_assert_msg(r.proof == IAMP_PROOF_VIOLATED, "%s", iamp_proof_name(r.proof));
	ck_assert_msg(strstr(r.cex.principal, ":role/stacksets-exec-") != NULL, "%s", r.cex.principal);
	iamp_prove_result_free(&r);
	iamp_evaluator_free(sv);
	iamp_evaluator_free(target);
	th_kept_free();
}
END_TEST

/* ---- semantic checks (iamproof check --semantic) ---------------------------------- */

struct sem_case {
	const char *name;
	enum iamp_policy_type type;
	const char *statements; /* the Statement list's items */
	const char *want;       /* one letter per statement: - nothing, N never applies,
				   R redundant Allow, I ineffective Deny, G NotAction/NotResource
				   grants beyond the services named */
};

static const struct sem_case sem_cases[] = {
	{ "contradictory numbers", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"ec2:RunInstances\",\"Resource\":\"*\",\"Condition\":{"
	  "\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"300\"},"
	  "\"NumericGreaterThan\":{\"aws:MultiFactorAuthAge\":\"3600\"}}}",
	  "N" },
	{ "a range that holds", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"ec2:RunInstances\",\"Resource\":\"*\",\"Condition\":{"
	  "\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"3600\"},"
	  "\"NumericGreaterThan\":{\"aws:MultiFactorAuthAge\":\"300\"}}}",
	  "-" },
	{ "NotAction everything", IAMP_POLICY_SCP,
	  "{\"Effect\":\"Deny\",\"NotAction\":\"*\",\"Resource\":\"*\"}", "N" },
	{ "NotResource everything", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"NotResource\":\"*\"}", "N" },
	{ "covered by two Allows together", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"arn:aws:s3:::b/*\"},"
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:Put*\",\"Resource\":\"arn:aws:s3:::b/*\"},"
	  "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::b/x/*\"}",
	  "--R" },
	{ "one action outside", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"arn:aws:s3:::b/*\"},"
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:Put*\",\"Resource\":\"arn:aws:s3:::b/*\"},"
	  "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:DeleteObject\"],\"Resource\":\"arn:aws:s3:::b/x/*\"}",
	  "---" },
	{ "one resource outside", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/*\"},"
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":[\"arn:aws:s3:::b/x\",\"arn:aws:s3:::c/x\"]}",
	  "--" },
	{ "allowed only where denied", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"ec2:TerminateInstances\",\"Resource\":\"*\"},"
	  "{\"Effect\":\"Deny\",\"Action\":\"ec2:Terminate*\",\"Resource\":\"*\"}",
	  "R-" },
	{ "a condition narrows the cover", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"ec2:TerminateInstances\",\"Resource\":\"*\"},"
	  "{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\",\"Condition\":{"
	  "\"StringEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}}",
	  "--" },
	{ "a Deny inside another", IAMP_POLICY_SCP,
	  "{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\",\"Condition\":{"
	  "\"StringNotEquals\":{\"aws:RequestedRegion\":[\"us-east-1\",\"eu-west-1\"]}}},"
	  "{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{"
	  "\"StringNotEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}}",
	  "I-" },
	{ "a Deny that reaches further", IAMP_POLICY_SCP,
	  "{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\",\"Condition\":{"
	  "\"StringNotEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}},"
	  "{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{"
	  "\"StringNotEquals\":{\"aws:RequestedRegion\":[\"us-east-1\",\"eu-west-1\"]}}}",
	  "--" },
	{ "an Allow does not cover a Deny", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"},"
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}",
	  "--" },
	{ "principals matched differently", IAMP_POLICY_RESOURCE,
	  "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:GetObject\","
	  "\"Resource\":\"arn:aws:s3:::b/*\"},"
	  "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/r\"},"
	  "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}",
	  "--" },
	{ "the same principal twice", IAMP_POLICY_RESOURCE,
	  "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/r\"},"
	  "\"Action\":\"s3:Get*\",\"Resource\":\"arn:aws:s3:::b/*\"},"
	  "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/r\"},"
	  "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/x\",\"Condition\":{"
	  "\"Bool\":{\"aws:SecureTransport\":\"true\"}}}",
	  "-R" },
	{ "NotAction beyond the services named", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}", "G" },
	{ "NotAction held in by a Deny", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"},"
	  "{\"Effect\":\"Deny\",\"NotAction\":[\"iam:*\",\"s3:*\"],\"Resource\":\"*\"}",
	  "--" },
	{ "NotResource on a named service", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"NotResource\":\"arn:aws:s3:::secret/*\"}", "-" },
	{ "NotResource with every action", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\",\"*:Describe*\"],\"NotResource\":\"arn:aws:s3:::secret/*\"}",
	  "G" },
	{ "variables in the resource", IAMP_POLICY_IDENTITY,
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::home/${aws:username}/*\"},"
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::home/*\"}",
	  "R-" },
};

static char sem_letter(enum iamp_stmt_issue i)
{
	switch (i) {
	case IAMP_STMT_NEVER_APPLIES:
		return 'N';
	case IAMP_STMT_REDUNDANT_ALLOW:
		return 'R';
	case IAMP_STMT_INEFFECTIVE_DENY:
		return 'I';
	default:
		return 'G';
	}
}

static struct iamp_evaluator *one_policy(const struct iamp_policy **out, const char *statements,
					 enum iamp_policy_type type)
{
	struct iamp_evaluator *ev;
	char text[4096];

	snprintf(text, sizeof(text), "{\"Version\":\"2012-10-17\",\"Statement\":[%s]}", statements);
	*out = th_keep(text, type);
	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, type, 0, *out, "p"), 0);
	return ev;
}

START_TEST(semantic_checks)
{
	for (size_t c = 0; c < N(sem_cases); c++) {
		const struct sem_case *k = &sem_cases[c];
		const struct iamp_policy *pol;
		struct iamp_evaluator *ev = one_policy(&pol, k->statements, k->type);
		struct iamp_semantic_query q = { ev, 60000 };
		struct iamp_semantic_result r;
		char got[16];

		ck_assert_uint_lt(pol->statement_count, sizeof(got));
		ck_assert_int_eq(iamp_smt_semantic(&r, &q), 0);
		ck_assert_msg(r.undecided == 0, "%s: %u undecided (%s)", k->name, r.undecided, r.reason);
		memset(got, '-', pol->statement_count);
		got[pol->statement_count] = '\0';
		for (size_t i = 0; i < r.nfindings; i++) {
			const struct iamp_stmt_finding *f = &r.findings[i];

			ck_assert_msg(got[f->stmt->index] == '-', "%s: two findings for statement %zu", k->name,
				      f->stmt->index + 1);
			got[f->stmt->index] = sem_letter(f->issue);
			if (f->issue == IAMP_STMT_NOT_GRANTS_MORE) {
				/* the example is a real request the statement allows */
				struct iamp_match m[8];
				struct iamp_result res;

				memset(&res, 0, sizeof(res));
				res.matches = m;
				res.match_cap = N(m);
				ck_assert_ptr_nonnull(f->example.action);
				ck_assert_int_eq(iamp_cex_evaluate(&res, ev, &f->example), 0);
				ck_assert_msg(res.decision == IAMP_DECISION_ALLOWED, "%s: example %s is %s", k->name,
					      f->example.action, iamp_decision_name(res.decision));
				ck_assert_msg(strncmp(f->example.action, "iam:", 4) != 0 &&
					      strncmp(f->example.action, "s3:", 3) != 0,
					      "%s: example %s is of a named service", k->name, f->example.action);
			} else {
				ck_assert_ptr_null(f->example.action);
			}
		}
		ck_assert_msg(strcmp(got, k->want) == 0, "%s: got %s, want %s", k->name, got, k->want);
		iamp_semantic_result_free(&r);
		iamp_evaluator_free(ev);
	}
	th_kept_free();
}
END_TEST

/* Out of budget: nothing is reported, every check left is counted. */
START_TEST(semantic_budget)
{
	const struct iamp_policy *pol;
	struct iamp_evaluator *ev = one_policy(&pol, sem_cases[0].statements, sem_cases[0].type);
	struct iamp_semantic_query q = { ev, 1 };
	struct iamp_semantic_result r;

	ck_assert_int_eq(iamp_smt_semantic(&r, &q), 0);
	ck_assert_uint_eq(r.nfindings, 0);
	ck_assert_uint_eq(r.undecided, 1);
	ck_assert_str_eq(r.reason, "out of time budget");
	iamp_semantic_result_free(&r);
	iamp_evaluator_free(ev);
	/* two policies are not one */
	ck_assert_int_ne(iamp_smt_semantic(&r, &(struct iamp_semantic_query){ NULL, 0 }), 0);
	th_kept_free();
}
END_TEST

/* ---- diff: the text's answer against the solver's --------------------------------- */

/*
 * Identity policies OLD and NEW (their statements), the verdict worked
 * out by hand, and which directions the text shows empty ("N": allowed
 * by NEW only, "O": by OLD only). Each case runs twice: as diff runs it,
 * and with the text ignored, so that every direction the text shows
 * empty is also asked of the solver, which must agree.
 */
struct diff_case {
	const char *name, *old_stmts, *new_stmts;
	enum iamp_diff_verdict want;
	const char *by_text;
};

#define A_(act, res) "{\"Effect\":\"Allow\",\"Action\":" act ",\"Resource\":" res "}"
#define D_(act, res) "{\"Effect\":\"Deny\",\"Action\":" act ",\"Resource\":" res "}"

static const struct diff_case diff_cases[] = {
	{ "statements reordered", A_("\"s3:GetObject\"", "\"*\"") "," A_("\"ec2:Describe*\"", "\"*\""),
	  A_("\"ec2:Describe*\"", "\"*\"") "," A_("\"s3:GetObject\"", "\"*\""), IAMP_DIFF_EQUIVALENT, "NO" },
	{ "an action added", A_("\"s3:GetObject\"", "\"*\""), A_("[\"s3:GetObject\",\"s3:PutObject\"]", "\"*\""),
	  IAMP_DIFF_MORE_PERMISSIVE, "O" },
	{ "a wildcard narrowed", A_("\"s3:*\"", "\"*\""), A_("\"s3:Get*\"", "\"*\""), IAMP_DIFF_LESS_PERMISSIVE,
	  "N" },
	{ "a statement split (the solver shows OLD within NEW)", A_("[\"s3:GetObject\",\"s3:PutObject\"]", "\"*\""),
	  A_("\"s3:GetObject\"", "\"*\"") "," A_("\"s3:PutObject\"", "\"*\""), IAMP_DIFF_EQUIVALENT, "N" },
	{ "a condition added", A_("\"s3:GetObject\"", "\"*\""),
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\","
	  "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}",
	  IAMP_DIFF_LESS_PERMISSIVE, "N" },
	{ "a condition value changed",
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\","
	  "\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":\"eu-west-1\"}}}",
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\","
	  "\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}}",
	  IAMP_DIFF_INCOMPARABLE, "" },
	{ "a Deny added", A_("\"s3:*\"", "\"*\""), A_("\"s3:*\"", "\"*\"") "," D_("\"s3:DeleteBucket\"", "\"*\""),
	  IAMP_DIFF_LESS_PERMISSIVE, "N" },
	{ "a Deny removed", A_("\"s3:*\"", "\"*\"") "," D_("\"s3:DeleteBucket\"", "\"*\""), A_("\"s3:*\"", "\"*\""),
	  IAMP_DIFF_MORE_PERMISSIVE, "O" },
	{ "a resource widened", A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/k\""),
	  A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/*\""), IAMP_DIFF_MORE_PERMISSIVE, "O" },
	{ "resources compare case-sensitively", A_("\"s3:GetObject\"", "\"arn:aws:s3:::B/k\""),
	  A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/*\""), IAMP_DIFF_INCOMPARABLE, "" },
	{ "'?' is narrower than '*'", A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/a*c\""),
	  A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/a?c\""), IAMP_DIFF_LESS_PERMISSIVE, "N" },
	{ "'?' is one code point", A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/\\u00e9\""),
	  A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/??\""), IAMP_DIFF_INCOMPARABLE, "" },
	{ "a short pattern reads the whole ARN", A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/x\""),
	  A_("\"s3:GetObject\"", "\"arn:aws:s3:*\""), IAMP_DIFF_MORE_PERMISSIVE, "O" },
	{ "a '*' of six parts stays in its part", A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/x\""),
	  A_("\"s3:GetObject\"", "\"arn:aws:s3:*:*:b/x\""), IAMP_DIFF_MORE_PERMISSIVE, "O" },
	{ "a variable is never read as text", A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/${aws:username}/*\""),
	  A_("\"s3:GetObject\"", "\"arn:aws:s3:::b/*\""), IAMP_DIFF_MORE_PERMISSIVE, "" },
	{ "NotAction excluding less",
	  "{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\",\"s3:*\"],\"Resource\":\"*\"}",
	  "{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}", IAMP_DIFF_MORE_PERMISSIVE, "O" },
	{ "NotResource excluding more",
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"NotResource\":\"arn:aws:s3:::b/k\"}",
	  "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"NotResource\":[\"arn:aws:s3:::b/k\",\"arn:aws:s3:::c/k\"]}",
	  IAMP_DIFF_LESS_PERMISSIVE, "N" },
};

static void diff_once(const struct diff_case *k, bool no_text, struct iamp_diff_result *r)
{
	const struct iamp_policy *po, *pn;
	struct iamp_evaluator *o = one_policy(&po, k->old_stmts, IAMP_POLICY_IDENTITY);
	struct iamp_evaluator *n = one_policy(&pn, k->new_stmts, IAMP_POLICY_IDENTITY);
	struct iamp_diff_query q;

	memset(&q, 0, sizeof(q));
	q.old_target = o;
	q.new_target = n;
	q.witnesses = 1;
	q.timeout_ms = 20000;
	q.no_text = no_text;
	q.scope.kinds = IAMP_SCOPE_KIND(IAMP_CALLER_USER) | IAMP_SCOPE_KIND(IAMP_CALLER_ROLE);
	ck_assert_int_eq(iamp_smt_diff(r, &q), 0);
	iamp_evaluator_free(o);
	iamp_evaluator_free(n);
}

START_TEST(diff_text_and_solver)
{
	const struct diff_case *k = &diff_cases[_i];
	struct iamp_diff_result r;

	for (int no_text = 0; no_text < 2; no_text++) {
		diff_once(k, no_text, &r);
		ck_assert_msg(r.verdict == k->want, "%s%s: %s, want %s (%s)", k->name,
			      no_text ? " (text ignored)" : "", iamp_diff_verdict_name(r.verdict),
			      iamp_diff_verdict_name(k->want), r.reason);
		if (!no_text) {
			ck_assert_msg(r.by_text[0] == (strchr(k->by_text, 'N') != NULL) &&
				      r.by_text[1] == (strchr(k->by_text, 'O') != NULL),
				      "%s: shown from the text: NEW only %d, OLD only %d, want \"%s\"", k->name,
				      r.by_text[0], r.by_text[1], k->by_text);
		} else {
			ck_assert(!r.by_text[0] && !r.by_text[1]);
		}
		iamp_diff_result_free(&r);
	}
	th_kept_free();
}
END_TEST

Suite *suite_smt(void)
{
	Suite *s = suite_create("smt");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, known_answers, 0, N(known));
	tcase_add_test(tc, compat_refused);
	tcase_add_test(tc, not_principal_allow);
	tcase_add_test(tc, candidates_in_scope);
	tcase_add_test(tc, candidates_exempted_caller);
	tcase_add_test(tc, semantic_checks);
	tcase_add_test(tc, semantic_budget);
	tcase_add_loop_test(tc, diff_text_and_solver, 0, N(diff_cases));
	tcase_add_loop_test(tc, cross_check, 0, ROUNDS);
	suite_add_tcase(s, tc);
	return s;
}
