/*
 * decide.c - the decision over facts; see decide.h for the order and the
 * AWS pages it follows. Everything here is written in the caller's
 * algebra: no branch depends on a term's value, so the same code builds
 * a boolean for the evaluator and a formula for the prover.
 */
#include "decide.h"

static iamp_term b_and(void *ctx, iamp_term a, iamp_term b)
{
	(void)ctx;
	return a & b;
}

static iamp_term b_or(void *ctx, iamp_term a, iamp_term b)
{
	(void)ctx;
	return a | b;
}

static iamp_term b_not(void *ctx, iamp_term a)
{
	(void)ctx;
	return !a;
}

const struct iamp_logic iamp_logic_bool = { b_and, b_or, b_not, 1, 0, 0 };

#define AND(a, b) L->and2(L->ctx, (a), (b))
#define OR(a, b) L->or2(L->ctx, (a), (b))
#define NOT(a) L->not1(L->ctx, (a))

/* if c then a else b */
static iamp_term ite(const struct iamp_logic *L, iamp_term c, iamp_term a, iamp_term b)
{
	return OR(AND(c, a), AND(NOT(c), b));
}

void iamp_decide(struct iamp_verdict *out, const struct iamp_logic *L,
		 const struct iamp_facts *f, unsigned flags)
{
	iamp_term levels = L->t, limits, via_identity, grant_resource_only, grant_owner;
	iamp_term grant_same, grant_cross, grant_person, direct;

	/* Who the organization's policies govern. */
	out->scp_governs = AND(f->caller_scp, NOT(OR(OR(f->anonymous, f->service), f->slr)));
	out->rcp_governs = AND(AND(f->resource_rcp, f->rcp_service), NOT(f->slr));

	/* 1. Explicit deny. */
	out->explicit_deny = AND(NOT(f->no_authz),
				 OR(OR(f->deny, AND(out->scp_governs, f->scp_deny)),
				    AND(out->rcp_governs, f->rcp_deny)));

	/* 2, 3. Every SCP level of the caller's path, every RCP level of the
	 * resource's path. */
	for (unsigned i = 0; i < f->scp_levels && i < IAMP_MAX_LEVELS; i++) {
		out->scp_ok[i] = OR(NOT(out->scp_governs), f->scp_allow[i]);
		levels = AND(levels, out->scp_ok[i]);
	}
	for (unsigned i = 0; i < f->rcp_levels && i < IAMP_MAX_LEVELS; i++) {
		out->rcp_ok[i] = OR(NOT(out->rcp_governs), f->rcp_allow[i]);
		levels = AND(levels, out->rcp_ok[i]);
	}

	/* The identity side: identity policies, boundary, session policy. The
	 * root user needs no identity policy, and no boundary applies to it. */
	out->resource_only = OR(f->anonymous, f->service);
	out->res_any = OR(OR(f->res_direct, f->res_role), f->res_account);
	out->id_ok = (flags & IAMP_DECIDE_ROOT_NEEDS_IDENTITY) ? f->identity
							       : OR(f->identity, f->root);
	if (!f->has_boundary)
		out->bound_ok = L->t;
	else if (flags & IAMP_DECIDE_ROOT_NEEDS_IDENTITY)
		out->bound_ok = f->boundary;
	else
		out->bound_ok = OR(f->boundary, f->root);
	out->sess_ok = f->has_session ? f->session : L->t;
	limits = AND(out->bound_ok, out->sess_ok);
	via_identity = AND(out->id_ok, limits);

	/* 4. Service principals and anonymous callers: a resource policy only. */
	grant_resource_only = OR(f->res_direct, f->res_role);

	/* A direct grant (naming the user or session) escapes the boundary
	 * and session policy. */
	direct = (flags & IAMP_DECIDE_SESSION_LIMITS_ALL) ? AND(f->res_direct, out->sess_ok)
							  : f->res_direct;

	/* 5. A key or trust policy must allow; naming the account delegates to
	 * the identity side; only a direct grant in the same account escapes
	 * the boundary and session policy. */
	grant_owner = AND(AND(out->res_any, OR(OR(f->res_direct, f->res_role), out->id_ok)),
			  AND(OR(f->same_account, out->id_ok),
			      OR(limits, AND(direct, f->same_account))));

	/* 6. Same account: either side. */
	grant_same = OR(OR(via_identity, direct), AND(f->res_role, limits));

	/* 7. Cross account: both sides. */
	grant_cross = AND(via_identity, out->res_any);

	grant_person = ite(L, f->owner_policy, grant_owner,
			   ite(L, f->same_account, grant_same, grant_cross));
	out->grant = ite(L, out->resource_only, grant_resource_only, grant_person);
	out->allowed = OR(f->no_authz, AND(AND(NOT(out->explicit_deny), levels), out->grant));
}
