/*
 * iac.c - embedded policies: the list, labels, diagnostics and policies
 * kept as JSON strings; see iac.h. The readers are cfn.c (CloudFormation)
 * and tfplan.c (Terraform).
 */
#include "iac.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "error.h"
#include "iac_internal.h"
#include "lint.h"

enum iamp_iac_kind iamp_iac_kind_of(const struct iamp_document *doc)
{
	if (!doc->root || doc->root->kind != IAMP_VALUE_OBJECT)
		return IAMP_IAC_NONE;
	if (iac_tf_is(doc->root))
		return IAMP_IAC_TERRAFORM;
	if (iac_cfn_is(doc->root))
		return IAMP_IAC_CLOUDFORMATION;
	return IAMP_IAC_NONE;
}

char *iac_label(struct iac *x, const char *fmt, ...)
{
	char buf[512];
	char *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s = iamp_arena_strndup(x->doc->arena, buf, strlen(buf));
	if (!s)
		x->err = IAMP_ENOMEM;
	return s;
}

void iac_diag(struct iac *x, enum iamp_rule_id rule, struct iamp_span span, const char *label,
	      const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	iamp_doc_diag(x->diags, x->doc, rule, span, "%s: %s", label, msg);
}

struct iamp_embedded *iac_add(struct iac *x, const char *label, enum iamp_policy_type type,
			      const struct iamp_value *v)
{
	struct iamp_embedded_list *l = x->out;
	struct iamp_embedded *e;
	struct iamp_value *tree = NULL;

	if (x->err || !label)
		return NULL;
	if (v->kind == IAMP_VALUE_STRING && !v->symbolic) {
		size_t first = x->diags->count;
		int err = iamp_load_embedded(&tree, x->doc, v, x->limits, x->diags);

		if (err) {
			x->err = err;
			return NULL;
		}
		iamp_diags_label(x->diags, first, label);
		if (!tree)
			return NULL;
	}
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct iamp_embedded *items = realloc(l->items, cap * sizeof(*items));

		if (!items) {
			x->err = iamp_error_set(IAMP_ENOMEM, "out of memory reading %s", x->doc->path);
			return NULL;
		}
		l->items = items;
		l->cap = cap;
	}
	e = &l->items[l->count++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->label = label;
	e->value = tree ? tree : v;
	if (tree) {
		e->text = v->u.str.text;
		e->text_len = v->u.str.len;
	}
	return e;
}

int iamp_iac_extract(struct iamp_embedded_list *out, const struct iamp_document *doc,
		     const struct iamp_limits *limits, struct iamp_diags *diags)
{
	struct iac x = { doc, limits, diags, out, 0 };

	switch (iamp_iac_kind_of(doc)) {
	case IAMP_IAC_CLOUDFORMATION:
		iac_cfn_extract(&x);
		break;
	case IAMP_IAC_TERRAFORM:
		iac_tf_extract(&x);
		break;
	case IAMP_IAC_NONE:
		break;
	}
	if (x.err)
		return iamp_error_set(IAMP_ENOMEM, "out of memory reading %s", doc->path);
	return 0;
}

void iamp_embedded_list_free(struct iamp_embedded_list *list)
{
	if (!list)
		return;
	free(list->items);
	list->items = NULL;
	list->count = list->cap = 0;
}

int iamp_iac_lint(const struct iamp_document *doc, const struct iamp_limits *limits, struct iamp_diags *diags,
		  iamp_iac_each each, void *ctx)
{
	struct iamp_embedded_list list = { NULL, 0, 0 };
	int rc = iamp_iac_extract(&list, doc, limits, diags);

	for (size_t i = 0; i < list.count && !rc; i++) {
		const struct iamp_embedded *e = &list.items[i];
		struct iamp_policy *policy = NULL;
		size_t first = diags->count;

		if ((rc = iamp_policy_build_value(&policy, doc, e->value, e->type, limits, diags)))
			break;
		if (policy) {
			policy->text = e->text;
			policy->text_len = e->text_len;
			iamp_lint_policy(policy, diags);
			if (each)
				each(ctx, e, policy, first);
		}
		iamp_diags_label(diags, first, e->label);
	}
	iamp_embedded_list_free(&list);
	return rc;
}
