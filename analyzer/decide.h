/*
 * decide.h - the authorization decision, once, as a pure function of facts.
 *
 * Matching (which statements apply to a request) and deciding (what the
 * applicable statements add up to) are kept apart, as in Cedar's
 * authorizer: the concrete evaluator (eval.c) and the SMT encoder gather
 * facts, each in its own way, and both call iamp_decide(). The facts and
 * the answer are *terms* of a small boolean algebra that the caller
 * supplies: the evaluator passes plain booleans (0 and 1), the prover Z3
 * expressions. So there is one decision logic, not two.
 *
 *   facts (terms)                          iamp_decide()                   verdict (terms)
 *   ──────────────────────────────────     ─────────────────────────────   ─────────────────
 *   who: anonymous, service, root, slr,    explicit deny: a Deny in any    explicit_deny
 *        caller in org / mgmt account      applicable policy               allowed
 *   where: same account, resource in org   SCP levels (caller's path)      scp_ok[level]
 *        / mgmt account, RCP service       RCP levels (resource's path)    rcp_ok[level]
 *   matched: deny, scp_deny, rcp_deny,     identity vs resource policy,    grant, id_ok,
 *        scp_allow[], rcp_allow[],         same or cross account,          bound_ok, sess_ok
 *        identity, res_direct, res_role,   boundary, session policy
 *        res_account, boundary, session
 *
 * AWS's documented order (IAM User Guide "Policy evaluation logic",
 * "Cross-account policy evaluation logic"; AWS Organizations "Service
 * control policies", "Resource control policies"):
 *
 *   1. A Deny that applies in any applicable policy decides: explicitDeny.
 *      SCP statements apply only where SCPs govern the caller, RCP
 *      statements only where RCPs govern the resource.
 *   2. SCPs govern callers of member accounts of the organization: not the
 *      management account, service-linked roles, service principals or
 *      anonymous callers. Every level of the caller's path needs an Allow.
 *   3. RCPs govern resources of member accounts, for the services AWS lists
 *      for RCPs, for every caller but service-linked roles. Every level of
 *      the resource owner's path needs an Allow (RCPFullAWSAccess is on
 *      every level, so in practice they only deny).
 *   4. Service principals and anonymous callers: a resource policy must
 *      allow.
 *   5. A KMS key policy or a role trust policy that is given must itself
 *      allow (naming the account delegates to the account's IAM policies).
 *   6. Same account: an identity Allow (within the boundary and session
 *      policy), or a resource Allow naming the user or session directly
 *      (not limited by them), or one naming the role or "*" (limited by
 *      them). A resource Allow naming the account grants nothing alone.
 *   7. Cross account: the identity side (identity Allow, boundary, session)
 *      and a resource Allow, both.
 *   The root user needs no identity policy and no boundary applies to it.
 *   An action that needs no permission (sts:GetCallerIdentity: "No
 *   permissions are required to perform this operation", even under an
 *   explicit deny) is allowed to any authenticated caller.
 *
 * The "ok" terms of the verdict are the requirements the decision is the
 * conjunction of; an explanation names the first that fails. They carry
 * no logic of their own.
 */
#ifndef IAMP_DECIDE_H
#define IAMP_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#define IAMP_MAX_LEVELS 16

/* An opaque term: 0/1 for the evaluator, a Z3_ast for the prover. */
typedef uintptr_t iamp_term;

/* The algebra the decision is written in. */
struct iamp_logic {
	iamp_term (*and2)(void *ctx, iamp_term a, iamp_term b);
	iamp_term (*or2)(void *ctx, iamp_term a, iamp_term b);
	iamp_term (*not1)(void *ctx, iamp_term a);
	iamp_term t, f; /* true and false */
	void *ctx;
};

/* Plain booleans: terms are 0 and 1. */
extern const struct iamp_logic iamp_logic_bool;

/* Documented differences of the independent simulator that the decision
 * itself can mimic (analyzer/compat.def lists every switch). */
enum iamp_decide_flag {
	IAMP_DECIDE_ROOT_NEEDS_IDENTITY = 1u << 0, /* root is an IAM principal like any:
						      identity Allow, boundary */
	IAMP_DECIDE_SESSION_LIMITS_ALL = 1u << 1   /* the session policy limits a direct grant */
};

struct iamp_facts {
	/* Who asks (at most one of anonymous, service, root is true). */
	iamp_term anonymous;     /* no credentials: Principal "*" in the request */
	iamp_term service;       /* an AWS service principal */
	iamp_term root;          /* the account's root user */
	iamp_term slr;           /* a service-linked role or one of its sessions */
	iamp_term caller_scp;    /* the caller's account is a member account under SCPs
				    (in the org, not the management account) */
	/* On what. */
	iamp_term same_account;  /* the caller's account owns the resource */
	iamp_term resource_rcp;  /* the resource's account is a member account under RCPs */
	iamp_term rcp_service;   /* the action's service is one RCPs cover */
	iamp_term owner_policy;  /* a KMS key policy or role trust policy must itself allow */
	iamp_term no_authz;      /* the action needs no permission (sts:GetCallerIdentity
				    by an authenticated caller): allowed whatever denies */
	/* What applies. */
	iamp_term deny;          /* a Deny in an identity, resource, boundary or session policy */
	iamp_term scp_deny;      /* a Deny in an SCP of the caller's path */
	iamp_term rcp_deny;      /* a Deny in an RCP of the resource's path */
	unsigned scp_levels, rcp_levels;
	iamp_term scp_allow[IAMP_MAX_LEVELS]; /* an Allow (or FullAWSAccess) at the level */
	iamp_term rcp_allow[IAMP_MAX_LEVELS];
	iamp_term identity;      /* an identity-policy Allow */
	iamp_term res_direct;    /* a resource Allow naming the user or session ARN */
	iamp_term res_role;      /* one naming the role, or "*" (or a service by name) */
	iamp_term res_account;   /* one naming the caller's account */
	bool has_boundary, has_session;
	iamp_term boundary;      /* a boundary Allow */
	iamp_term session;       /* a session-policy Allow */
};

struct iamp_verdict {
	iamp_term explicit_deny;
	iamp_term allowed;
	/* The requirements, in documented order (allowed is their AND, less
	 * explicit_deny): */
	iamp_term scp_governs, rcp_governs;
	iamp_term scp_ok[IAMP_MAX_LEVELS];
	iamp_term rcp_ok[IAMP_MAX_LEVELS];
	iamp_term grant;         /* identity and resource policies together grant */
	/* Parts of grant, for explanations: */
	iamp_term resource_only; /* a service principal or anonymous caller */
	iamp_term res_any;       /* some resource Allow names the caller */
	iamp_term id_ok;         /* identity side allows (or root) */
	iamp_term bound_ok, sess_ok;
};

/* Decides over `f` in `L`. `flags`: IAMP_DECIDE_* (0 for AWS's semantics). */
void iamp_decide(struct iamp_verdict *out, const struct iamp_logic *L,
		 const struct iamp_facts *f, unsigned flags);

#endif
