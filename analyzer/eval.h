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
 *   request ──▶ caller (principal.h), resource account, SCP path of the
 *               caller's account, RCP path of the resource's account
 *           ──▶ every statement on those paths and in the other policies
 *               matched (Action, Resource, Principal, Condition)
 *           ──▶ facts (decide.h): which kinds of statement applied where
 *           ──▶ iamp_decide() ──▶ decision, and the first requirement that
 *               failed as the reason
 *
 * The decision itself lives in decide.c, shared with the prover; this
 * file only gathers facts. Organization levels come in two forms:
 *  - levels (iamp_evaluator_add with a level, iamp_evaluator_level): the
 *    SCP levels given apply to every caller, the RCP levels to every
 *    resource, as `simulate --scp/--rcp` gives them;
 *  - an organization (iamp_evaluator_set_org, iamp_evaluator_attach): the
 *    caller's SCPs are those on its account's path from the root, the
 *    resource's RCPs those on the owner account's path; an account outside
 *    the organization meets none, the management account neither.
 *
 * A statement applies when its Action/NotAction, Resource/NotResource,
 * Principal/NotPrincipal (resource policies, trust policies and RCPs) and
 * every condition match. A policy variable that the request cannot supply
 * (no such key, no default) matches nothing where it stands: a Resource
 * or NotResource entry holding it matches no resource, a condition value
 * holding it matches no request value (so a negated operator holds).
 *
 * What the answer rests on is part of it: the result lists its
 * assumptions (IAMP_ASSUME_*), for example a resource ARN without an
 * account, taken as the caller's.
 */
#ifndef IAMP_EVAL_H
#define IAMP_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "decide.h"
#include "policy.h"

struct iamp_org;
struct iamp_org_node;

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
	IAMP_GAP_RCP_LEVEL,      /* gap_level names the RCP level without an Allow */
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
	size_t ordinal; /* the statement's number in the evaluator, from 0, counted
			   over its policies in the order they were added */
};

/* What an answer rests on (bits of iamp_result.assumptions). */
enum iamp_assumption {
	IAMP_ASSUME_RESOURCE_ACCOUNT = 1u << 0, /* resource account unknown: taken as the caller's */
	IAMP_ASSUME_CALLER_ACCOUNT = 1u << 1,   /* caller account unknown: taken as the resource's */
	IAMP_ASSUME_SCP_LEVELS = 1u << 2,       /* SCP levels given without an organization:
						   they apply to every caller */
	IAMP_ASSUME_RCP_LEVELS = 1u << 3        /* RCP levels given without an organization */
};

struct iamp_result {
	enum iamp_decision decision;
	enum iamp_gap gap;
	unsigned gap_level;
	bool same_account;
	const char *caller_account;   /* or NULL; points into the request */
	size_t caller_account_len;
	const char *resource_account; /* or NULL */
	size_t resource_account_len;
	bool scp_applies;          /* SCPs govern this caller */
	const char *scp_exempt;    /* why SCPs do not apply, or NULL */
	bool rcp_applies;          /* RCPs govern this resource and action */
	const char *rcp_exempt;    /* why RCPs do not apply, or NULL */
	unsigned assumptions;      /* IAMP_ASSUME_* */
	/* The organization path (org mode), root first; NULL entries in
	 * levels mode, where iamp_evaluator_level_name() names the levels. */
	unsigned scp_levels, rcp_levels;
	const struct iamp_org_node *scp_path[IAMP_MAX_LEVELS];
	const struct iamp_org_node *rcp_path[IAMP_MAX_LEVELS];
	/* Applicable statements, in policy order (the caller's buffer). SCP
	 * and RCP statements are listed only where SCPs/RCPs govern. */
	struct iamp_match *matches;
	size_t match_cap;
	size_t match_count;        /* stored */
	size_t match_total;        /* found (may exceed match_cap) */
};

/* The text of one assumption bit, for every output format. */
const char *iamp_assumption_text(enum iamp_assumption a);

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

/* The organization's management account: SCPs do not limit it, RCPs do
 * not limit its resources. */
int iamp_evaluator_set_management_account(struct iamp_evaluator *ev, const char *account);

/*
 * Organization mode: SCPs and RCPs are attached to the nodes of `org`
 * (which must outlive the evaluator) and apply along account paths. Sets
 * the management account too. Use either this or levels, not both.
 */
int iamp_evaluator_set_org(struct iamp_evaluator *ev, const struct iamp_org *org);

/* Attaches an SCP or RCP to a node of the organization. */
int iamp_evaluator_attach(struct iamp_evaluator *ev, enum iamp_policy_type type,
			  const struct iamp_org_node *node, const struct iamp_policy *policy,
			  const char *name);

/*
 * What-if: a copy of `ev` in which each statement olds[i] (a statement
 * of a policy added to ev) is replaced by news[i], or left out when
 * news[i] is NULL; everything else (levels, organization, management
 * account, switches, names) as in ev. The copy refers to ev's policies
 * and names: ev, and the replacement statements, must outlive it. Free it
 * with iamp_evaluator_free. Returns 0 or IAMP_ENOMEM.
 */
int iamp_evaluator_variant(struct iamp_evaluator **out, const struct iamp_evaluator *ev,
			   const struct iamp_statement *const *olds,
			   const struct iamp_statement *const *news, size_t n);

/* How many statements ev's policies hold: the range of iamp_match.ordinal. */
size_t iamp_evaluator_statement_count(const struct iamp_evaluator *ev);

/* Statement `ordinal` (< iamp_evaluator_statement_count) described as a
 * match of it is: type, level (levels mode; 0 for an SCP or RCP attached
 * to an organization node, whose level depends on the request), name,
 * policy, statement, deny, ordinal. What a writer can prepare once. */
void iamp_evaluator_statement(struct iamp_match *out, const struct iamp_evaluator *ev,
			      size_t ordinal);

/* Compatibility switches (compat.h bits); set before adding policies. */
void iamp_evaluator_set_compat(struct iamp_evaluator *ev, unsigned compat);

/*
 * Decides `req`. res->matches/match_cap must be set by the caller (a NULL
 * buffer with cap 0 stores nothing). Never allocates unless a resolved
 * pattern exceeds 1 KiB. Returns 0 or IAMP_ENOMEM.
 */
int iamp_evaluate(struct iamp_result *res, const struct iamp_evaluator *ev,
		  const struct iamp_request *req);

#endif
