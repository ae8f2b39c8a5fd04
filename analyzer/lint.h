/*
 * lint.h - the grammar rules: what a policy's values mean, per type.
 *
 *   policy AST ──▶ iamp_lint_policy() ──▶ diagnostics
 *
 * build.c has already checked the shape of every element (types, names,
 * empty values); the rules here check values against the policy grammar
 * and the policy type: Effect and Version, required and forbidden
 * elements per type, Sids, action and ARN syntax, condition operators and
 * the types of their values, policy variables, size quotas, and the one
 * security rule that needs no catalog (Allow * on *). Only the set
 * operator rules ask the catalog whether a global key is multivalued;
 * the rules built on actions and resource types are in lint_catalog.c.
 */
#ifndef IAMP_LINT_H
#define IAMP_LINT_H

#include "policy.h"

struct iamp_diags;

/* Runs every grammar rule on `policy`. Returns 0. */
int iamp_lint_policy(const struct iamp_policy *policy, struct iamp_diags *diags);

/* Runs the rules that need the action catalog (lint_catalog.c): unknown
 * services, actions and condition keys, operator and resource fit, least
 * privilege, privilege escalation, redundancy. Called by
 * iamp_lint_policy(). Returns 0. */
int iamp_lint_policy_catalog(const struct iamp_policy *policy, struct iamp_diags *diags);

/* Runs the Access Analyzer checks of lint_aa.c: federation, service
 * principals, wildcards in principals, the meaning of condition values.
 * Called by iamp_lint_policy(). Returns 0. */
int iamp_lint_policy_aa(const struct iamp_policy *policy, struct iamp_diags *diags);

/* Runs the Access Analyzer checks of lint_aa_rules.c: RCP condition keys,
 * conditions a wildcard makes redundant, s3:prefix and
 * dynamodb:Attributes, tag variables in resources, principal
 * ARNs of no principal type. Called by iamp_lint_policy(). Returns 0. */
int iamp_lint_policy_aa_rules(const struct iamp_policy *policy, struct iamp_diags *diags);

/* Case-insensitive Levenshtein distance between a[0..la) and b[0..lb),
 * or cap + 1 when it is more than cap (or a name is over 128 bytes): the
 * "did you mean" of unknown services, actions and ARN resource types. */
size_t iamp_lint_distance(const char *a, size_t la, const char *b, size_t lb, size_t cap);

/* Runs the Access Analyzer checks of condition keys (lint_aa_keys.c):
 * keys against the statement's literal actions, its principal and the
 * policy type; retired, caller-written and unpaired keys; KMS values.
 * Called by iamp_lint_policy(). Returns 0. */
int iamp_lint_policy_aa_keys(const struct iamp_policy *policy, struct iamp_diags *diags);

/* Whether INVALID_ARN_RESOURCE reports the ARN (lint_aa.c): a known
 * service, a resource part that fits none of its resource types, and a
 * resource-type word that misspells one of theirs. RESOURCE_MISMATCH
 * leaves such an ARN to it. */
bool iamp_lint_arn_type_misspelled(const char *arn, size_t len);

/* Whether a condition key is a global key AWS retired (aws:ARN): known,
 * reported by DEPRECATED_GLOBAL_CONDITION_KEY or
 * UNSUPPORTED_GLOBAL_CONDITION_KEY rather than as unknown. */
bool iamp_lint_is_retired_key(const char *key, size_t len);

/* Whether UNSUPPORTED_ACTION_FOR_CONDITION_KEY judges condition c of the
 * statement against each of its actions: Action lists actions only, none
 * with a wildcard, and c never holds without its key. Then
 * CONDITION_KEY_NOT_APPLICABLE leaves the key to it. */
bool iamp_lint_key_actions_judged(const struct iamp_statement *st, const struct iamp_condition *c);

/* Whether a condition key is a web identity provider's claim,
 * "<provider host and path>:<claim>" (token.actions.githubusercontent.com:sub,
 * accounts.google.com:aud): a known key that no catalog lists. */
bool iamp_lint_is_provider_key(const char *key, size_t len);

/* The resource types of `check --resource-type` (aa_resource_types.def),
 * as Access Analyzer's ValidatePolicyResourceType names them: the
 * table's spelling of `name` (compared case-insensitively) with the
 * policy type of a policy attached to it in *type, or NULL when unknown.
 * iamp_lint_resource_type_names() lists them for messages. */
const char *iamp_lint_resource_type(const char *name, enum iamp_policy_type *type);
const char *iamp_lint_resource_type_names(void);

/* The size quota of a policy's resource type (policy->resource_type), in
 * characters without white space; 0 when none is known. */
size_t iamp_lint_resource_quota(const struct iamp_policy *policy);

/* Only the errors that leave a policy without a meaning as its type (a
 * Principal in an SCP, an identity or a session policy: an RCP given as
 * an SCP), for simulate and prove, which decide what a policy means and
 * leave the rest to check. */
int iamp_lint_policy_shape(const struct iamp_policy *policy, struct iamp_diags *diags);

/* Size of a policy as the quota of its type counts it (characters, with
 * or without white space outside strings); *limit gets the quota, 0 when
 * the type has none we know. */
size_t iamp_lint_policy_size(const struct iamp_policy *policy, size_t *limit);

/* Whether s is an ARN pattern (wildcards and variables allowed); *why
 * says what is wrong when it is not. Numbers, dates, IPs, booleans and
 * base64 are checked with the evaluator's own parsers (match.h), so that
 * lint accepts exactly what the evaluator can decide. */
bool iamp_is_arn_pattern(const char *s, size_t len, const char **why);

#endif
