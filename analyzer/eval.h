/*
 * eval.h - the concrete evaluator: one request in, one decision out.
 *
 * Policies are compiled once (iamp_evaluator_add) into a form that needs
 * no allocation per statement: action patterns lower-cased and indexed by
 * service prefix, resource and condition patterns with their wildcards
 * marked and their policy variables located, condition values parsed as
 * numbers, dates, CIDRs, booleans or bytes. Deciding a request
 * (iamp_evaluate) then reads those tables only.
 *
 * The decision follows AWS's documented evaluation logic:
 *
 *   any applicable Deny (identity, resource, boundary, session, SCP, RCP) ─▶ explicitDeny
 *   every SCP level (root ... account) has an applicable Allow?   no ──────▶ implicitDeny
 *       (not for the management account, service-linked roles, service principals)
 *   every RCP level has an applicable Allow (RCPFullAWSAccess is implied) ─ always
 *   same account:  identity Allow (and boundary, session Allow where present)
 *                  or resource Allow naming the user / session directly
 *                  or resource Allow naming the role, account or "*"
 *                     (and boundary, session Allow where present)
 *   cross account: identity Allow (and boundary, session) and resource Allow
 *   root user:     needs no identity policy; no boundary applies to it
 *   service principal or anonymous ("*"): a resource Allow only
 *                                                   all of that ─▶ allowed, else implicitDeny
 *
 * A statement applies when its Action/NotAction, Resource/NotResource,
 * Principal/NotPrincipal (resource policies, trust policies and RCPs
 * only) and every condition match. A statement whose Resource or
 * condition values need a policy variable that the request cannot supply
 * (no such key, no default) never applies: AWS says such a variable "might
 * cause the entire statement to be invalid" (docs/semantics.md).
 */
#ifndef IAMP_EVAL_H
#define IAMP_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "policy.h"

struct iamp_evaluator;

enum iamp_decision {
	IAMP_DECISION_IMPLICIT_DENY,
	IAMP_DECISION_EXPLICIT_DENY,
	IAMP_DECISION_ALLOWED
};

/* "implicitDeny", "explicitDeny", "allowed". */
const char *iamp_decision_name(enum iamp_decision d);

/* Why a request was implicitly denied. */
enum iamp_gap {
	IAMP_GAP_NONE,
	IAMP_GAP_SCP_LEVEL,      /* gap_level names the SCP level without an Allow */
	IAMP_GAP_NO_ALLOW,       /* neither an identity nor a resource policy allows */
	IAMP_GAP_IDENTITY,       /* cross account: no identity policy allows */
	IAMP_GAP_RESOURCE,       /* cross account (or service/anonymous): no resource policy allows */
	IAMP_GAP_BOUNDARY,       /* the permission boundary does not allow */
	IAMP_GAP_SESSION         /* the session policy does not allow */
};

/* One applicable statement. */
struct iamp_match {
	enum iamp_policy_type type;
	unsigned level;                       /* SCP/RCP level, from 0 (root) */
	const char *name;                     /* the policy's display name */
	const struct iamp_policy *policy;
	const struct iamp_statement *stmt;
	bool deny;
};

struct iamp_result {
	enum iamp_decision decision;
	enum iamp_gap gap;
	unsigned gap_level;
	bool same_account;
	bool scp_applies;          /* false: no SCPs, or an exempt principal */
	const char *scp_exempt;    /* why SCPs do not apply, or NULL */
	bool resource_direct;      /* a resource policy named the user/session ARN */
	/* Applicable statements, in policy order (the caller's buffer). */
	struct iamp_match *matches;
	size_t match_cap;
	size_t match_count;        /* stored */
	size_t match_total;        /* found (may exceed match_cap) */
};

int iamp_evaluator_new(struct iamp_evaluator **out);
void iamp_evaluator_free(struct iamp_evaluator *ev);

/*
 * Compiles `policy` as a policy of `type` (TRUST counts as RESOURCE). For
 * SCP and RCP, `level` is the organization level from 0 (the root); other
 * types ignore it. `name` (copied) is what explanations show, usually the
 * file path. The policy must outlive the evaluator. Returns 0 or
 * IAMP_ENOMEM.
 */
int iamp_evaluator_add(struct iamp_evaluator *ev, enum iamp_policy_type type,
		       unsigned level, const struct iamp_policy *policy, const char *name);

/*
 * Declares that SCP (or RCP) level `level` exists, named `name` (copied,
 * may be NULL), and whether AWS's full-access policy (FullAWSAccess,
 * RCPFullAWSAccess) is attached there. A level that only gets policies
 * through iamp_evaluator_add exists without full access for SCPs; every
 * RCP level has RCPFullAWSAccess. Returns 0 or IAMP_ENOMEM.
 */
int iamp_evaluator_level(struct iamp_evaluator *ev, enum iamp_policy_type type,
			 unsigned level, const char *name, bool full_access);

/* The level's name, or NULL. */
const char *iamp_evaluator_level_name(const struct iamp_evaluator *ev,
				      enum iamp_policy_type type, unsigned level);

/* The organization's management account: SCPs do not limit it. */
int iamp_evaluator_set_management_account(struct iamp_evaluator *ev, const char *account);

/*
 * Decides `req`. res->matches/match_cap must be set by the caller (a NULL
 * buffer with cap 0 stores nothing). Never allocates unless a resolved
 * pattern exceeds 1 KiB. Returns 0 or IAMP_ENOMEM.
 */
int iamp_evaluate(struct iamp_result *res, const struct iamp_evaluator *ev,
		  const struct iamp_request *req);

#endif
