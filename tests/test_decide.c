/*
 * test_decide.c - the decision function (decide.c) on its own.
 *
 * Three kinds of check:
 *  - a table of fact sets with the decision AWS's pages give for each,
 *    every row naming its page;
 *  - exhaustive checks of documented properties over every combination of
 *    the facts (one SCP and one RCP level): explicit deny wins, SCPs and
 *    RCPs never grant, exempt callers ignore them, cross-account needs
 *    both sides, more Allow never denies and more Deny never allows;
 *  - the same function over a symbolic algebra (an expression tree, as
 *    the prover's Z3 terms are) gives the boolean answer under every
 *    assignment: the decision never branches on a term's value.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"

/* ---- the table ------------------------------------------------------------ */

enum who { PERSON, ROOT, SERVICE, ANON };

struct row {
	const char *name; /* with the AWS page it comes from */
	enum who who;
	bool slr, in_org, cross, owner, rcp_svc, res_in_org;
	bool deny, scp_deny, rcp_deny, no_scp_allow, no_rcp_allow;
	bool identity, res_direct, res_role, res_account;
	bool has_boundary, boundary, has_session, session;
	bool no_authz;
	int want; /* 0 implicit deny, 1 explicit deny, 2 allowed */
};

#define IMPL 0
#define EXPL 1
#define ALLOW 2

static const struct row rows[] = {
	/* IAM "Policy evaluation logic": within an account. */
	{ "identity Allow: allowed", PERSON, .identity = 1, .want = ALLOW },
	{ "nothing applies: implicit deny", PERSON, .want = IMPL },
	{ "an identity Deny wins over every Allow", PERSON, .deny = 1, .identity = 1, .res_direct = 1, .want = EXPL },
	{ "resource Allow naming the user: allowed alone", PERSON, .res_direct = 1, .want = ALLOW },
	{ "resource Allow naming the role: allowed alone", PERSON, .res_role = 1, .want = ALLOW },
	{ "resource Allow naming the account grants nothing alone", PERSON, .res_account = 1, .want = IMPL },
	{ "resource Allow naming the account, identity Allow", PERSON, .res_account = 1, .identity = 1, .want = ALLOW },
	/* IAM "Permissions boundaries for IAM entities". */
	{ "boundary without Allow limits the identity Allow", PERSON, .identity = 1, .has_boundary = 1, .want = IMPL },
	{ "boundary Allow and identity Allow", PERSON, .identity = 1, .has_boundary = 1, .boundary = 1, .want = ALLOW },
	{ "boundary does not limit a resource Allow naming the user", PERSON, .res_direct = 1, .has_boundary = 1, .want = ALLOW },
	{ "boundary limits a resource Allow naming the role", PERSON, .res_role = 1, .has_boundary = 1, .want = IMPL },
	{ "boundary alone grants nothing", PERSON, .has_boundary = 1, .boundary = 1, .want = IMPL },
	/* IAM "Session policies". */
	{ "session policy without Allow limits the identity Allow", PERSON, .identity = 1, .has_session = 1, .want = IMPL },
	{ "session policy and identity Allow", PERSON, .identity = 1, .has_session = 1, .session = 1, .want = ALLOW },
	{ "session policy does not limit a resource Allow naming the session", PERSON, .res_direct = 1, .has_session = 1, .want = ALLOW },
	{ "session policy limits a resource Allow naming the role", PERSON, .res_role = 1, .has_session = 1, .want = IMPL },
	/* IAM "Cross-account policy evaluation logic". */
	{ "cross account: identity alone is not enough", PERSON, .cross = 1, .identity = 1, .want = IMPL },
	{ "cross account: resource alone is not enough", PERSON, .cross = 1, .res_direct = 1, .want = IMPL },
	{ "cross account: both allow", PERSON, .cross = 1, .identity = 1, .res_direct = 1, .want = ALLOW },
	{ "cross account: naming the account and identity Allow", PERSON, .cross = 1, .identity = 1, .res_account = 1, .want = ALLOW },
	{ "cross account: the boundary still limits a direct grant", PERSON, .cross = 1, .identity = 1, .res_direct = 1, .has_boundary = 1, .want = IMPL },
	/* IAM "AWS account root user". */
	{ "root user needs no identity policy", ROOT, .want = ALLOW },
	{ "root user: an explicit Deny still denies", ROOT, .deny = 1, .want = EXPL },
	{ "root user cross account: the resource policy must allow", ROOT, .cross = 1, .want = IMPL },
	{ "root user cross account, resource names the account", ROOT, .cross = 1, .res_account = 1, .want = ALLOW },
	{ "root user: no boundary applies", ROOT, .has_boundary = 1, .want = ALLOW },
	/* Organizations "Service control policies". */
	{ "SCP level without an Allow denies a member's user", PERSON, .in_org = 1, .no_scp_allow = 1, .identity = 1, .want = IMPL },
	{ "SCP level without an Allow denies the member's root user", ROOT, .in_org = 1, .no_scp_allow = 1, .want = IMPL },
	{ "an SCP Deny denies a member's user", PERSON, .in_org = 1, .scp_deny = 1, .identity = 1, .want = EXPL },
	{ "SCPs never grant: an SCP Allow without identity Allow", PERSON, .in_org = 1, .want = IMPL },
	{ "SCPs do not govern service-linked roles", PERSON, .slr = 1, .in_org = 1, .no_scp_allow = 1, .scp_deny = 1, .identity = 1, .want = ALLOW },
	{ "SCPs do not govern callers outside the organization", PERSON, .scp_deny = 1, .no_scp_allow = 1, .identity = 1, .want = ALLOW },
	{ "SCPs do not govern service principals", SERVICE, .in_org = 1, .scp_deny = 1, .res_role = 1, .want = ALLOW },
	/* Organizations "Resource control policies". */
	{ "an RCP Deny denies on a covered service", PERSON, .res_in_org = 1, .rcp_svc = 1, .rcp_deny = 1, .identity = 1, .want = EXPL },
	{ "an RCP Deny does not touch an uncovered service", PERSON, .res_in_org = 1, .rcp_deny = 1, .identity = 1, .want = ALLOW },
	{ "an RCP Deny does not touch resources outside the organization", PERSON, .rcp_svc = 1, .rcp_deny = 1, .identity = 1, .want = ALLOW },
	{ "an RCP Deny applies to service principals too", SERVICE, .res_in_org = 1, .rcp_svc = 1, .rcp_deny = 1, .res_role = 1, .want = EXPL },
	{ "RCPs do not govern service-linked roles", PERSON, .slr = 1, .res_in_org = 1, .rcp_svc = 1, .rcp_deny = 1, .identity = 1, .want = ALLOW },
	{ "RCP level without an Allow denies", PERSON, .res_in_org = 1, .rcp_svc = 1, .no_rcp_allow = 1, .identity = 1, .want = IMPL },
	{ "RCPs never grant", PERSON, .res_in_org = 1, .rcp_svc = 1, .want = IMPL },
	/* Service principals and anonymous callers: resource policies only. */
	{ "service principal named by the resource policy", SERVICE, .res_direct = 1, .want = ALLOW },
	{ "service principal: identity facts do not grant", SERVICE, .identity = 1, .want = IMPL },
	{ "anonymous: a resource policy for everyone", ANON, .res_role = 1, .want = ALLOW },
	{ "anonymous: nothing else grants", ANON, .identity = 1, .boundary = 1, .want = IMPL },
	/* KMS "Key policies", IAM "Role trust policies": the owner's policy must allow. */
	{ "key policy must allow: identity alone is not enough", PERSON, .owner = 1, .identity = 1, .want = IMPL },
	{ "key policy naming the account delegates to the identity Allow", PERSON, .owner = 1, .identity = 1, .res_account = 1, .want = ALLOW },
	{ "key policy naming the account, no identity Allow", PERSON, .owner = 1, .res_account = 1, .want = IMPL },
	{ "key policy naming the role grants alone", PERSON, .owner = 1, .res_role = 1, .want = ALLOW },
	{ "key policy naming the role: the boundary still limits", PERSON, .owner = 1, .res_role = 1, .has_boundary = 1, .want = IMPL },
	{ "key policy naming the user: the boundary does not limit", PERSON, .owner = 1, .res_direct = 1, .has_boundary = 1, .want = ALLOW },
	{ "key policy naming the user cross account: the boundary limits", PERSON, .owner = 1, .cross = 1, .res_direct = 1, .identity = 1, .has_boundary = 1, .want = IMPL },
	{ "trust policy cross account: identity must allow too", PERSON, .owner = 1, .cross = 1, .res_role = 1, .want = IMPL },
	{ "trust policy cross account: both allow", PERSON, .owner = 1, .cross = 1, .res_role = 1, .identity = 1, .want = ALLOW },
	/* STS API reference, GetCallerIdentity: "No permissions are required
	 * to perform this operation", even under an explicit deny. */
	{ "an action that needs no permission: allowed despite a Deny", PERSON, .deny = 1, .in_org = 1, .scp_deny = 1, .no_authz = 1, .want = ALLOW },
	{ "an action that needs no permission: allowed with nothing", PERSON, .cross = 1, .no_authz = 1, .want = ALLOW },
};

static void facts_of(struct iamp_facts *f, const struct row *r)
{
	memset(f, 0, sizeof(*f));
	f->anonymous = r->who == ANON;
	f->service = r->who == SERVICE;
	f->root = r->who == ROOT;
	f->slr = r->slr;
	f->caller_scp = r->in_org;
	f->same_account = !r->cross;
	f->resource_rcp = r->res_in_org;
	f->rcp_service = r->rcp_svc;
	f->owner_policy = r->owner;
	f->deny = r->deny;
	f->scp_deny = r->scp_deny;
	f->rcp_deny = r->rcp_deny;
	f->scp_levels = r->in_org ? 1 : 0;
	f->rcp_levels = r->res_in_org ? 1 : 0;
	f->scp_allow[0] = !r->no_scp_allow;
	f->rcp_allow[0] = !r->no_rcp_allow;
	f->identity = r->identity;
	f->res_direct = r->res_direct;
	f->res_role = r->res_role;
	f->res_account = r->res_account;
	f->has_boundary = r->has_boundary;
	f->boundary = r->boundary;
	f->has_session = r->has_session;
	f->session = r->session;
	f->no_authz = r->no_authz;
}

static int outcome(const struct iamp_verdict *v)
{
	return v->explicit_deny ? EXPL : v->allowed ? ALLOW : IMPL;
}

START_TEST(table)
{
	const struct row *r = &rows[_i];
	struct iamp_facts f;
	struct iamp_verdict v;

	facts_of(&f, r);
	iamp_decide(&v, &iamp_logic_bool, &f, 0);
	ck_assert_msg(outcome(&v) == r->want, "%s: got %d, want %d", r->name, outcome(&v), r->want);
}
END_TEST

START_TEST(root_needs_identity_switch)
{
	struct iamp_facts f;
	struct iamp_verdict v;

	facts_of(&f, &(struct row){ .name = "root", .who = ROOT });
	iamp_decide(&v, &iamp_logic_bool, &f, IAMP_DECIDE_ROOT_NEEDS_IDENTITY);
	ck_assert_int_eq(outcome(&v), IMPL);
	f.identity = 1;
	iamp_decide(&v, &iamp_logic_bool, &f, IAMP_DECIDE_ROOT_NEEDS_IDENTITY);
	ck_assert_int_eq(outcome(&v), ALLOW);
	/* ... and a boundary limits it too */
	f.has_boundary = 1;
	iamp_decide(&v, &iamp_logic_bool, &f, IAMP_DECIDE_ROOT_NEEDS_IDENTITY);
	ck_assert_int_eq(outcome(&v), IMPL);
	iamp_decide(&v, &iamp_logic_bool, &f, 0);
	ck_assert_int_eq(outcome(&v), ALLOW);
}
END_TEST

START_TEST(session_limits_all_switch)
{
	struct iamp_facts f;
	struct iamp_verdict v;

	facts_of(&f, &(struct row){ .name = "direct", .who = PERSON, .res_direct = 1, .has_session = 1 });
	iamp_decide(&v, &iamp_logic_bool, &f, 0);
	ck_assert_int_eq(outcome(&v), ALLOW);
	iamp_decide(&v, &iamp_logic_bool, &f, IAMP_DECIDE_SESSION_LIMITS_ALL);
	ck_assert_int_eq(outcome(&v), IMPL);
	f.session = 1;
	iamp_decide(&v, &iamp_logic_bool, &f, IAMP_DECIDE_SESSION_LIMITS_ALL);
	ck_assert_int_eq(outcome(&v), ALLOW);
}
END_TEST

/* ---- every combination ---------------------------------------------------- */

/* The boolean facts, one bit each; `who` takes two more bits. */
enum bit {
	B_SLR, B_IN_ORG, B_SAME, B_RES_ORG, B_RCP_SVC, B_OWNER, B_DENY, B_SCP_DENY, B_RCP_DENY,
	B_SCP_ALLOW, B_RCP_ALLOW, B_IDENTITY, B_DIRECT, B_ROLE, B_ACCOUNT, B_HAS_BOUNDARY,
	B_BOUNDARY, B_HAS_SESSION, B_SESSION, B__COUNT
};

static void facts_from_bits(struct iamp_facts *f, uint32_t bits, enum who who)
{
#define BIT(b) ((bits >> (b)) & 1u)
	memset(f, 0, sizeof(*f));
	f->anonymous = who == ANON;
	f->service = who == SERVICE;
	f->root = who == ROOT;
	f->slr = BIT(B_SLR);
	f->caller_scp = BIT(B_IN_ORG);
	f->same_account = BIT(B_SAME);
	f->resource_rcp = BIT(B_RES_ORG);
	f->rcp_service = BIT(B_RCP_SVC);
	f->owner_policy = BIT(B_OWNER);
	f->deny = BIT(B_DENY);
	f->scp_deny = BIT(B_SCP_DENY);
	f->rcp_deny = BIT(B_RCP_DENY);
	f->scp_levels = 1;
	f->rcp_levels = 1;
	f->scp_allow[0] = BIT(B_SCP_ALLOW);
	f->rcp_allow[0] = BIT(B_RCP_ALLOW);
	f->identity = BIT(B_IDENTITY);
	f->res_direct = BIT(B_DIRECT);
	f->res_role = BIT(B_ROLE);
	f->res_account = BIT(B_ACCOUNT);
	f->has_boundary = BIT(B_HAS_BOUNDARY);
	f->boundary = BIT(B_BOUNDARY);
	f->has_session = BIT(B_HAS_SESSION);
	f->session = BIT(B_SESSION);
#undef BIT
}

/* Every outcome of one `who`, computed once per test. */
static unsigned char *outcomes;

static void fill_outcomes(enum who who)
{
	outcomes = malloc(1u << B__COUNT);
	ck_assert_ptr_nonnull(outcomes);
	for (uint32_t bits = 0; bits < (1u << B__COUNT); bits++) {
		struct iamp_facts f;
		struct iamp_verdict v;

		facts_from_bits(&f, bits, who);
		iamp_decide(&v, &iamp_logic_bool, &f, 0);
		outcomes[bits] = (unsigned char)outcome(&v);
	}
}

static int decide_bits(uint32_t bits, enum who who)
{
	(void)who;
	return outcomes[bits];
}

/* check's assertions write to a pipe each time: millions of them take a
 * minute, so only a failure calls into check. */
#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c))                                                              \
			ck_abort_msg("who %d, facts 0x%05x: %s", (int)who, (unsigned)bits, #c); \
	} while (0)

#define HAS(b) ((bits >> (b)) & 1u)
#define WITH(b) (bits | (1u << (b)))
#define WITHOUT(b) (bits & ~(1u << (b)))

/* Facts that only add permission, and facts that only take it away. */
static const enum bit grants[] = { B_SCP_ALLOW, B_RCP_ALLOW, B_IDENTITY, B_DIRECT, B_ROLE,
				   B_ACCOUNT, B_BOUNDARY, B_SESSION };
static const enum bit denies[] = { B_DENY, B_SCP_DENY, B_RCP_DENY };

START_TEST(properties)
{
	enum who who = (enum who)_i;

	fill_outcomes(who);
	for (uint32_t bits = 0; bits < (1u << B__COUNT); bits++) {
		int d = decide_bits(bits, who);
		bool person = who == PERSON || who == ROOT;
		bool scp_governs = HAS(B_IN_ORG) && person && !HAS(B_SLR);
		bool rcp_governs = HAS(B_RES_ORG) && HAS(B_RCP_SVC) && !HAS(B_SLR);

		/* An explicit Deny in an identity/resource/boundary/session policy wins. */
		if (HAS(B_DENY))
			CHECK((d) == (EXPL));
		/* A governing SCP level without an Allow, or a Deny, never allows. */
		if (scp_governs && (!HAS(B_SCP_ALLOW) || HAS(B_SCP_DENY)))
			CHECK((d) != (ALLOW));
		if (rcp_governs && (!HAS(B_RCP_ALLOW) || HAS(B_RCP_DENY)))
			CHECK((d) != (ALLOW));
		/* SCP and RCP facts are ignored where they do not govern. */
		if (!scp_governs) {
			CHECK((d) == (decide_bits(bits ^ (1u << B_SCP_DENY), who)));
			CHECK((d) == (decide_bits(bits ^ (1u << B_SCP_ALLOW), who)));
		}
		if (!rcp_governs) {
			CHECK((d) == (decide_bits(bits ^ (1u << B_RCP_DENY), who)));
			CHECK((d) == (decide_bits(bits ^ (1u << B_RCP_ALLOW), who)));
		}
		/* SCPs and RCPs never grant: with every organization fact
		 * cleared (nothing governs), the answer is at least as permissive. */
		if (d == ALLOW)
			CHECK(decide_bits(WITHOUT(B_IN_ORG) & ~(1u << B_RES_ORG), who) == ALLOW);
		/* Service principals and anonymous callers: only a resource
		 * policy grants, and identity, boundary and session facts are
		 * not theirs. */
		if (!person) {
			if (!HAS(B_DIRECT) && !HAS(B_ROLE))
				CHECK((d) != (ALLOW));
			CHECK((d) == (decide_bits(bits ^ (1u << B_IDENTITY), who)));
			CHECK((d) == (decide_bits(bits ^ (1u << B_BOUNDARY), who)));
		}
		/* Cross account: the identity side and the resource side. */
		if (person && !HAS(B_SAME) && d == ALLOW) {
			CHECK(HAS(B_IDENTITY) || who == ROOT);
			CHECK(HAS(B_DIRECT) || HAS(B_ROLE) || HAS(B_ACCOUNT));
		}
		/* Naming the account alone grants nothing without an identity Allow. */
		if (who == PERSON && !HAS(B_IDENTITY) && !HAS(B_DIRECT) && !HAS(B_ROLE))
			CHECK((d) != (ALLOW));
		/* The root user: identity policies and boundaries do not matter. */
		if (who == ROOT) {
			CHECK((d) == (decide_bits(bits ^ (1u << B_IDENTITY), who)));
			CHECK((d) == (decide_bits(bits ^ (1u << B_BOUNDARY), who)));
		}
		/* Same account, a direct grant escapes boundary and session policy. */
		if (person && HAS(B_SAME) && HAS(B_DIRECT) && !HAS(B_OWNER) && d != EXPL) {
			CHECK((d) == (decide_bits(WITHOUT(B_BOUNDARY), who)));
			CHECK((d) == (decide_bits(WITHOUT(B_SESSION), who)));
		}
		/* Monotone: more Allow never denies, more Deny never allows. */
		for (size_t g = 0; g < sizeof(grants) / sizeof(grants[0]); g++)
			if (d == ALLOW)
				CHECK(decide_bits(WITH(grants[g]), who) == ALLOW);
		for (size_t g = 0; g < sizeof(denies) / sizeof(denies[0]); g++)
			if (d != ALLOW)
				CHECK(decide_bits(WITH(denies[g]), who) != ALLOW);
	}
	free(outcomes);
}
END_TEST

/* ---- a symbolic algebra --------------------------------------------------- */

/* Terms are nodes of an expression tree over variables v0..vN; the test
 * evaluates the tree under an assignment. */
struct node {
	char op; /* 'v' variable, 'c' constant, '&', '|', '!' */
	int var;
	iamp_term a, b;
};

struct tree {
	struct node *nodes;
	size_t n, cap;
};

static iamp_term mk(struct tree *t, struct node nd)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->nodes = realloc(t->nodes, t->cap * sizeof(*t->nodes));
		ck_assert_ptr_nonnull(t->nodes);
	}
	t->nodes[t->n] = nd;
	return (iamp_term)(++t->n); /* 0 is never a node */
}

static iamp_term t_and(void *ctx, iamp_term a, iamp_term b)
{
	return mk(ctx, (struct node){ '&', 0, a, b });
}

static iamp_term t_or(void *ctx, iamp_term a, iamp_term b)
{
	return mk(ctx, (struct node){ '|', 0, a, b });
}

static iamp_term t_not(void *ctx, iamp_term a)
{
	return mk(ctx, (struct node){ '!', 0, a, 0 });
}

static bool eval_term(const struct tree *t, iamp_term x, uint32_t assign)
{
	const struct node *nd = &t->nodes[x - 1];

	switch (nd->op) {
	case 'v':
		return (assign >> nd->var) & 1u;
	case 'c':
		return nd->var;
	case '&':
		return eval_term(t, nd->a, assign) && eval_term(t, nd->b, assign);
	case '|':
		return eval_term(t, nd->a, assign) || eval_term(t, nd->b, assign);
	default:
		return !eval_term(t, nd->a, assign);
	}
}

START_TEST(symbolic_agrees_with_boolean)
{
	struct tree t = { 0 };
	struct iamp_logic L = { t_and, t_or, t_not, 0, 0, &t };
	struct iamp_facts f;
	struct iamp_verdict v;
	iamp_term *slots[] = { &f.anonymous, &f.service, &f.root, &f.slr, &f.caller_scp,
			       &f.same_account, &f.resource_rcp, &f.rcp_service, &f.owner_policy,
			       &f.deny, &f.scp_deny, &f.rcp_deny, &f.scp_allow[0], &f.rcp_allow[0],
			       &f.identity, &f.res_direct, &f.res_role, &f.res_account,
			       &f.boundary, &f.session, &f.no_authz };
	const size_t nslots = sizeof(slots) / sizeof(slots[0]);
	uint32_t seed = 12345;

	L.t = mk(&t, (struct node){ 'c', 1, 0, 0 });
	L.f = mk(&t, (struct node){ 'c', 0, 0, 0 });
	memset(&f, 0, sizeof(f));
	f.scp_levels = f.rcp_levels = 1;
	f.has_boundary = f.has_session = true;
	for (size_t i = 0; i < nslots; i++)
		*slots[i] = mk(&t, (struct node){ 'v', (int)i, 0, 0 });
	iamp_decide(&v, &L, &f, 0);
	for (int k = 0; k < 20000; k++) {
		struct iamp_facts g;
		struct iamp_verdict w;
		uint32_t assign;

		seed = seed * 1103515245u + 12345u;
		assign = (seed >> 4) & ((1u << nslots) - 1);
		/* at most one of anonymous, service, root */
		if (__builtin_popcount(assign & 7u) > 1)
			assign &= ~6u;
		memcpy(&g, &f, sizeof(g));
		for (size_t i = 0; i < nslots; i++)
			*(iamp_term *)((char *)&g + ((char *)slots[i] - (char *)&f)) = (assign >> i) & 1u;
		iamp_decide(&w, &iamp_logic_bool, &g, 0);
		if (eval_term(&t, v.allowed, assign) != w.allowed ||
		    eval_term(&t, v.explicit_deny, assign) != w.explicit_deny)
			ck_abort_msg("assignment 0x%05x: symbolic and boolean differ", (unsigned)assign);
	}
	free(t.nodes);
}
END_TEST

Suite *suite_decide(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, table, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, root_needs_identity_switch);
	tcase_add_test(tc, session_limits_all_switch);
	tcase_add_loop_test(tc, properties, PERSON, ANON + 1);
	tcase_add_test(tc, symbolic_agrees_with_boolean);
	suite_add_tcase(s, tc);
	return s;
}
