/*
 * policy.h - the policy AST, one shape for every policy type.
 *
 * Built from a loaded document's value tree by iamp_policy_build()
 * (build.c). Every element keeps its raw form (one string or a list,
 * Action or NotAction) and its span, so lint rules can point at it and
 * the evaluator and SMT encoder can read it without the value tree.
 *
 *   { "Version": "2012-10-17",                 policy.version, version_span
 *     "Statement": [ {                         policy.statements[0]
 *        "Sid": "S1",                          .sid
 *        "Effect": "Deny",                     .effect, effect_span
 *        "NotAction": ["s3:Get*"],             .action (is_not = true)
 *        "Resource": "*",                      .resource (is_list = false)
 *        "Condition": {                        .conditions[], one per
 *          "ForAnyValue:StringLike": {           (operator, key) pair:
 *            "aws:TagKeys": ["a*", "b"] } } }    op = StringLike, set =
 *   ] }                                          FOR_ANY_VALUE, 2 values
 *
 * The builder tolerates every input: what it cannot use it reports
 * (WRONG_TYPE, UNKNOWN_ELEMENT, CONFLICTING_ELEMENTS, EMPTY_ELEMENT,
 * MISSING_STATEMENT, INPUT_LIMIT ...) and leaves out. All AST memory lives
 * in the document's arena; the policy is valid while the document is.
 * The policy type changes which rules apply and how policies combine,
 * never the parse.
 *
 * Symbolic values. A policy embedded in a CloudFormation template or a
 * Terraform plan (iac.h) may hold values known only at deploy, marked
 * `symbolic` in its value tree (load.h). The builder leaves them out of
 * the AST and sets `symbolic` on what held them, up to the policy:
 *
 *   "Resource": [ {"Fn::GetAtt": ["B", "Arn"]}, "arn:aws:s3:::logs/x" ]
 *       resource.items = the logs ARN only, resource.symbolic = true,
 *       statement.symbolic = true, policy.symbolic = true
 *
 * So no rule ever reads a symbolic value; a rule that concludes from
 * what is absent or from a whole list (every resource, every principal,
 * one statement covering another) skips what is symbolic.
 */
#ifndef IAMP_POLICY_H
#define IAMP_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "load.h"
#include "span.h"

struct iamp_diags;
struct iamp_operator;

enum iamp_policy_type {
	IAMP_POLICY_IDENTITY,
	IAMP_POLICY_RESOURCE,
	IAMP_POLICY_TRUST,
	IAMP_POLICY_BOUNDARY,
	IAMP_POLICY_SESSION,
	IAMP_POLICY_SCP,
	IAMP_POLICY_RCP,
	IAMP_POLICY__COUNT
};

/* "identity", "resource", "trust", "boundary", "session", "scp", "rcp". */
const char *iamp_policy_type_name(enum iamp_policy_type type);
/* For messages: "an identity policy", "a service control policy (SCP)". */
const char *iamp_policy_type_title(enum iamp_policy_type type);
bool iamp_policy_type_parse(enum iamp_policy_type *out, const char *name);

enum iamp_version {
	IAMP_VERSION_NONE,    /* no Version element: as 2008-10-17 */
	IAMP_VERSION_2008,    /* "2008-10-17" */
	IAMP_VERSION_2012,    /* "2012-10-17" */
	IAMP_VERSION_INVALID  /* anything else */
};

enum iamp_effect { IAMP_EFFECT_NONE, IAMP_EFFECT_ALLOW, IAMP_EFFECT_DENY, IAMP_EFFECT_INVALID };

/* A string from the document with its position. */
struct iamp_str {
	const char *text; /* NUL-terminated, in the document's arena */
	size_t len;
	struct iamp_span span;
};

/* Action/NotAction or Resource/NotResource. */
struct iamp_list {
	bool present;
	bool is_not;       /* NotAction / NotResource */
	bool is_list;      /* written as a JSON list rather than one string */
	struct iamp_str *items;
	size_t count;
	struct iamp_span key_span;   /* the element's name */
	struct iamp_span span;       /* the element's value */
	bool symbolic;     /* values known only at deploy were left out */
};

enum iamp_principal_kind {
	IAMP_PRINCIPAL_AWS,
	IAMP_PRINCIPAL_SERVICE,
	IAMP_PRINCIPAL_FEDERATED,
	IAMP_PRINCIPAL_CANONICAL_USER
};

struct iamp_principal_value {
	enum iamp_principal_kind kind;
	struct iamp_str value;   /* "*", an account id, an ARN, a service ... */
};

/* Principal/NotPrincipal. `"Principal": "*"` sets `star` with no items;
 * `{"AWS": "*"}` is an AWS item whose value is "*". */
struct iamp_principal {
	bool present;
	bool is_not;
	bool star;
	struct iamp_principal_value *items;
	size_t count;
	struct iamp_span key_span;
	struct iamp_span span;
	bool symbolic;     /* principals known only at deploy were left out */
};

enum iamp_set_op { IAMP_SET_NONE, IAMP_SET_FOR_ALL_VALUES, IAMP_SET_FOR_ANY_VALUE };

/* One condition value. Strings, numbers and booleans are all kept as
 * text (a number as written, a boolean as "true"/"false"); `kind` says
 * which it was in the source. */
struct iamp_cond_value {
	enum iamp_value_kind kind;
	struct iamp_str text;
};

/* One (operator, key) pair of a Condition block, with its values. The
 * pairs of one statement are ANDed; the values of one pair are ORed
 * (for negated operators: the key must differ from every value). */
struct iamp_condition {
	struct iamp_str op_name;         /* as written */
	const struct iamp_operator *op;  /* NULL when the operator is unknown */
	enum iamp_set_op set;
	bool if_exists;
	struct iamp_str key;             /* as written; keys compare case-insensitively */
	struct iamp_cond_value *values;
	size_t value_count;             /* 0 only when symbolic */
	struct iamp_span values_span;
	bool symbolic;                  /* values known only at deploy were left out */
};

struct iamp_statement {
	size_t index;             /* position in the policy, from 0 */
	struct iamp_span span;
	bool has_sid;
	struct iamp_str sid;
	enum iamp_effect effect;
	struct iamp_span effect_span;
	struct iamp_str effect_text;  /* text NULL when Effect is missing or not a string */
	struct iamp_principal principal;
	struct iamp_list action;
	struct iamp_list resource;
	bool has_condition;
	struct iamp_span condition_span;
	struct iamp_condition *conditions;
	size_t condition_count;
	bool symbolic;            /* some part is known only at deploy */
};

struct iamp_policy {
	const struct iamp_document *doc;
	enum iamp_policy_type type;
	enum iamp_version version;
	bool has_version;
	struct iamp_span version_span;
	struct iamp_str version_text; /* text NULL when Version is not a string */
	bool has_id;
	struct iamp_str id;
	bool has_statement;
	bool statement_is_list;
	struct iamp_span statement_span;
	struct iamp_statement *statements;
	size_t statement_count;
	struct iamp_span span;    /* the whole policy object */
	bool symbolic;            /* some part is known only at deploy */
	/* A policy read from a string value (iamp_load_embedded): the JSON
	 * text, which the size quotas count; NULL for a policy written in
	 * its file. Set by the caller after building. */
	const char *text;
	size_t text_len;
	/* The quotas it is checked against (limits->quotas when built). */
	struct iamp_quotas quotas;
	/* The resource the policy is attached to, as Access Analyzer's
	 * ValidatePolicyResourceType names it ("AWS::S3::Bucket"), from
	 * iamp_lint_resource_type(); NULL when not said. Set by the caller
	 * after building (check --resource-type). */
	const char *resource_type;
};

/*
 * Builds the AST of `doc` as a policy of `type`. Structural problems are
 * appended to `diags`; `*out` is NULL when the document has no root or
 * its root is not an object (after a diagnostic). Returns 0 or
 * IAMP_ENOMEM. Statement counts above limits->max_statements are an
 * INPUT_LIMIT diagnostic and the rest are not built.
 */
int iamp_policy_build(struct iamp_policy **out, const struct iamp_document *doc,
		      enum iamp_policy_type type, const struct iamp_limits *limits,
		      struct iamp_diags *diags);

/* The same for the policy whose value tree is `root`, a value of `doc`
 * (a policy embedded in a template, iac.h). */
int iamp_policy_build_value(struct iamp_policy **out, const struct iamp_document *doc,
			    const struct iamp_value *root, enum iamp_policy_type type,
			    const struct iamp_limits *limits, struct iamp_diags *diags);

/* Appends a diagnostic located in `doc` (path and source line from it). */
struct iamp_diag *iamp_doc_diag(struct iamp_diags *diags,
				const struct iamp_document *doc, int rule,
				struct iamp_span span, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
