/*
 * iac_internal.h - what iac.c shares with the two readers, cfn.c and
 * tfplan.c. Each reader walks its document's resources, and for every
 * policy property calls iac_add(); iac.c owns the list, the labels and
 * the reading of policies kept as strings.
 */
#ifndef IAMP_IAC_INTERNAL_H
#define IAMP_IAC_INTERNAL_H

#include "diag.h"
#include "iac.h"

struct iac {
	const struct iamp_document *doc;
	const struct iamp_limits *limits;
	struct iamp_diags *diags;
	struct iamp_embedded_list *out;
	int err; /* the first IAMP_ENOMEM; readers stop when set */
};

/* A label in the document's arena, formatted; NULL (and x->err) on
 * allocation failure. */
char *iac_label(struct iac *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A diagnostic in the document: "label: message". */
void iac_diag(struct iac *x, enum iamp_rule_id rule, struct iamp_span span, const char *label,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records the policy `v` (an object, or a string holding JSON, which is
 * read here; anything else is recorded too, for the builder's WRONG_TYPE)
 * under `label`. Returns the new entry, or NULL when the string held no
 * JSON (its SYNTAX_ERROR reported) or memory ran out. */
struct iamp_embedded *iac_add(struct iac *x, const char *label, enum iamp_policy_type type,
			      const struct iamp_value *v);

/* Reader entry points. */
bool iac_cfn_is(const struct iamp_value *root);
void iac_cfn_extract(struct iac *x);
bool iac_tf_is(const struct iamp_value *root);
void iac_tf_extract(struct iac *x);

#endif
