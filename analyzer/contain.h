/*
 * contain.h - containment read from the text of statements, shared by lint
 * (REDUNDANT_STATEMENT) and the prover (`diff`'s direction that needs no
 * solver).
 *
 * A statement A is within B when every request that A applies to, B
 * applies to: B's Action covers A's, its Resource covers A's, its
 * Principal is A's, and each of B's condition pairs is one of A's (B asks
 * no more). Effect and Sid are not read. The answer is sound, not
 * complete: true only when shown from the text; false may still be
 * within (`"s3:Get*"` against `"s3:GetObject", "s3:GetObjectAcl"` is
 * shown; a Condition that implies another is not).
 *
 *   A  Allow s3:GetObject on arn:aws:s3:::b/k  if aws:SourceVpc = vpc-1
 *   B  Allow s3:Get*      on arn:aws:s3:::b/k*
 *   A within B: yes. B within A: no.
 *
 * An evaluator `a` is within `b` when every request `a` allows, `b`
 * allows. Shown when the two are built alike (the same policies in the
 * same order, types, levels, organization and options) and, policy by
 * policy, each Allow of `a` is within an Allow of `b` and each Deny of
 * `b` within a Deny of `a`: the decision (decide.h) only grows with the
 * Allows that apply and shrinks with the Denies. docs/prove.md, "diff".
 */
#ifndef IAMP_CONTAIN_H
#define IAMP_CONTAIN_H

#include <stdbool.h>

#include "policy.h"

struct iamp_evaluator;

/* Whether Resource entry `by` matches every resource that entry `in`
 * matches (part by part for ARNs; variables only by equal bytes): sound,
 * not complete. REDUNDANT_RESOURCE (lint_aa.c) asks it too. */
bool iamp_resource_covers(const struct iamp_str *by, const struct iamp_str *in);

/* Both statements of policies of the same type and Version. */
bool iamp_statement_within(const struct iamp_statement *a, const struct iamp_statement *b);

/* Some statement of `p`, of s's Effect, that `s` lies within. */
bool iamp_statement_within_policy(const struct iamp_statement *s, const struct iamp_policy *p);

bool iamp_evaluator_within(const struct iamp_evaluator *a, const struct iamp_evaluator *b);

#endif
