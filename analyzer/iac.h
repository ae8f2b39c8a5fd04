/*
 * iac.h - policies embedded in infrastructure as code: CloudFormation
 * templates (cfn.c) and Terraform plan or state JSON (tfplan.c).
 *
 *   loaded document ──iamp_iac_kind_of──▶ CloudFormation / Terraform / neither
 *                   ──iamp_iac_extract──▶ embedded policies ──build, lint──▶ findings
 *
 * Each embedded policy has its type (from the resource, never from the
 * file's name: a Role's AssumeRolePolicyDocument is a trust policy, an
 * AWS::Organizations::Policy of Type SERVICE_CONTROL_POLICY an SCP), a
 * label that findings carry in front of their message (the logical id
 * and property, "AppRole.Policies[0].PolicyDocument", or the Terraform
 * address and attribute, "module.app.aws_iam_policy.p.policy"), and its
 * value tree with spans in the template:
 *
 *   AppPolicy:                                  label AppPolicy.PolicyDocument
 *     Type: AWS::IAM::Policy                    type  identity
 *     Properties:
 *       PolicyDocument:                    ──▶  value (this mapping; spans at
 *         Statement:                                   these lines)
 *           - Effect: Allow
 *             Action: s3:GetObject
 *             Resource: !Sub arn:aws:s3:::${Bucket}/x   a symbolic value
 *
 * A policy written as a JSON string (Terraform's `policy`, a string
 * `Content`) is read with iamp_load_embedded(): positions inside the
 * string are those of the plan file.
 *
 * Symbolic values. A CloudFormation intrinsic function (`!Sub`, `Ref`,
 * `Fn::GetAtt`, ...) is replaced in the embedded copy of the tree by a
 * value marked `symbolic` (load.h), which the builder leaves out of the
 * AST (policy.h): no rule reads it, so it never causes a finding. Where
 * the value only names a resource (Ref, Sub, GetAtt, Join ... inside a
 * Resource, Principal, Condition, Sid or Id) nothing is said; everywhere
 * else (Fn::If, Fn::ImportValue, any intrinsic that stands for a
 * statement, an Action or an Effect, a whole policy) the part not checked
 * gets a SYMBOLIC_VALUE suggestion at its position, and so does a
 * Terraform policy unknown until apply (`after_unknown`).
 *
 * Problems with the template's own shape (Resources that is not an
 * object, a policy that is a number) are WRONG_TYPE diagnostics at their
 * position; a policy string that is not JSON is a SYNTAX_ERROR inside
 * the string. All memory is in the document's arena, except the list,
 * which iamp_embedded_list_free() releases.
 */
#ifndef IAMP_IAC_H
#define IAMP_IAC_H

#include <stdbool.h>
#include <stddef.h>

#include "load.h"
#include "policy.h"

struct iamp_diags;

enum iamp_iac_kind {
	IAMP_IAC_NONE,           /* a policy file (or anything else) */
	IAMP_IAC_CLOUDFORMATION, /* AWSTemplateFormatVersion, or Resources of Type AWS::* */
	IAMP_IAC_TERRAFORM       /* format_version with planned_values, values or resource_changes */
};

struct iamp_embedded {
	enum iamp_policy_type type;
	const char *label;              /* in the document's arena */
	const struct iamp_value *value; /* the policy's tree, symbolic values marked */
	const char *text;               /* read from a string: its JSON text, else NULL */
	size_t text_len;
};

struct iamp_embedded_list {
	struct iamp_embedded *items;
	size_t count;
	size_t cap;
};

/* What `doc` is, from its content alone. */
enum iamp_iac_kind iamp_iac_kind_of(const struct iamp_document *doc);

/*
 * Appends to `out` every policy that the template or plan `doc` holds,
 * in document order; problems and symbolic parts go to `diags`, each
 * message starting with the policy's or resource's label. Returns 0 or
 * IAMP_ENOMEM.
 */
int iamp_iac_extract(struct iamp_embedded_list *out, const struct iamp_document *doc,
		     const struct iamp_limits *limits, struct iamp_diags *diags);

void iamp_embedded_list_free(struct iamp_embedded_list *list);

/*
 * Extracts, builds and lints every policy of the template or plan `doc`
 * (lint.h), each policy's findings labelled. `each`, when not NULL, is
 * called with every policy built (before its findings are labelled) and
 * the index of its first finding in `diags`: `check --semantic` asks the
 * prover there. Returns 0 or an error (error.h), with iamp_error_last().
 */
typedef void (*iamp_iac_each)(void *ctx, const struct iamp_embedded *e, struct iamp_policy *p, size_t first);
int iamp_iac_lint(const struct iamp_document *doc, const struct iamp_limits *limits, struct iamp_diags *diags,
		  iamp_iac_each each, void *ctx);

#endif
