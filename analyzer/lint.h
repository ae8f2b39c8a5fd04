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
 * security rule that needs no catalog (Allow * on *). None of them needs
 * the action catalog.
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

/* Size of a policy as the quota of its type counts it (characters, with
 * or without white space outside strings); *limit gets the quota, 0 when
 * the type has none we know. */
size_t iamp_lint_policy_size(const struct iamp_policy *policy, size_t *limit);

/* Value checks shared with other modules. */
bool iamp_is_arn_pattern(const char *s, size_t len, const char **why);
bool iamp_is_date(const char *s, size_t len);
bool iamp_is_number(const char *s, size_t len);
bool iamp_is_ip_or_cidr(const char *s, size_t len);

#endif
