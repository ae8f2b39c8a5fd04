/*
 * build.c - the policy AST from a value tree; see policy.h.
 *
 * One pass over the value tree. Each element is checked for its shape
 * only (types, known names, empty values, Action with NotAction); what
 * the values mean is lint.c's business. Whatever has the wrong shape is
 * reported and left out of the AST, so every later stage can trust the
 * AST's types without checking them again.
 */
#include "policy.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "diag.h"
#include "error.h"
#include "operators.h"

struct builder {
	const struct iamp_document *doc;
	struct iamp_arena *arena;
	struct iamp_diags *diags;
	const struct iamp_limits *limits;
	enum iamp_policy_type type;
	bool oom;
	size_t condition_values; /* so far, against limits->max_condition_values */
};

static const char *const type_names[IAMP_POLICY__COUNT] = {
	[IAMP_POLICY_IDENTITY] = "identity",
	[IAMP_POLICY_RESOURCE] = "resource",
	[IAMP_POLICY_TRUST] = "trust",
	[IAMP_POLICY_BOUNDARY] = "boundary",
	[IAMP_POLICY_SESSION] = "session",
	[IAMP_POLICY_SCP] = "scp",
	[IAMP_POLICY_RCP] = "rcp",
};

const char *iamp_policy_type_name(enum iamp_policy_type type)
{
	return type_names[type];
}

const char *iamp_policy_type_title(enum iamp_policy_type type)
{
	static const char *const titles[IAMP_POLICY__COUNT] = {
		[IAMP_POLICY_IDENTITY] = "an identity policy",
		[IAMP_POLICY_RESOURCE] = "a resource-based policy",
		[IAMP_POLICY_TRUST] = "a role trust policy",
		[IAMP_POLICY_BOUNDARY] = "a permissions boundary",
		[IAMP_POLICY_SESSION] = "a session policy",
		[IAMP_POLICY_SCP] = "a service control policy (SCP)",
		[IAMP_POLICY_RCP] = "a resource control policy (RCP)",
	};

	return titles[type];
}

bool iamp_policy_type_parse(enum iamp_policy_type *out, const char *name)
{
	for (int i = 0; i < IAMP_POLICY__COUNT; i++) {
		if (strcasecmp(type_names[i], name) == 0) {
			*out = (enum iamp_policy_type)i;
			return true;
		}
	}
	return false;
}

struct iamp_diag *iamp_doc_diag(struct iamp_diags *diags,
				const struct iamp_document *doc, int rule,
				struct iamp_span span, const char *fmt, ...)
{
	const char *line = NULL;
	size_t line_len = 0;
	char msg[1024];
	va_list ap;

	if (!iamp_diags_wants(diags, (enum iamp_rule_id)rule))
		return NULL; /* a disabled rule: nothing to format */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (span.start.line > 0)
		line = iamp_document_line(doc, span.start.line, &line_len);
	return iamp_diag_add(diags, (enum iamp_rule_id)rule, doc->path, span,
			     line, line_len, "%s", msg);
}

static const char *kind_name(enum iamp_value_kind k)
{
	static const char *const names[] = { "null", "a boolean", "a number",
					     "a string", "a list", "an object" };
	return names[k];
}

static void *alloc_n(struct builder *b, size_t n, size_t size)
{
	void *p;

	if (n && size > SIZE_MAX / n) {
		b->oom = true;
		return NULL;
	}
	p = iamp_arena_alloc(b->arena, n * size);
	if (!p)
		b->oom = true;
	return p;
}

static struct iamp_str str_of(const struct iamp_value *v)
{
	struct iamp_str s = { v->u.str.text, v->u.str.len, v->span };

	return s;
}

static void wrong_type(struct builder *b, const struct iamp_value *v,
		       const char *what, const char *expected)
{
	iamp_doc_diag(b->diags, b->doc, IAMP_RULE_WRONG_TYPE, v->span,
		      "%s must be %s, not %s", what, expected, kind_name(v->kind));
}

static void empty(struct builder *b, struct iamp_span span, const char *what)
{
	iamp_doc_diag(b->diags, b->doc, IAMP_RULE_EMPTY_ELEMENT, span, "%s is empty", what);
}

/* A string or a list of strings: Action, Resource, principal values. */
static size_t build_strings(struct builder *b, const struct iamp_value *v,
			    const char *what, struct iamp_str **out, bool *is_list,
			    bool *symbolic)
{
	size_t n = 0;

	*out = NULL;
	*is_list = false;
	if (v->symbolic) {
		*symbolic = true;
		return 0;
	}
	if (v->kind == IAMP_VALUE_STRING) {
		if (v->u.str.len == 0) {
			empty(b, v->span, what);
			return 0;
		}
		*out = alloc_n(b, 1, sizeof(**out));
		if (!*out)
			return 0;
		(*out)[0] = str_of(v);
		return 1;
	}
	if (v->kind != IAMP_VALUE_ARRAY) {
		wrong_type(b, v, what, "a string or a list of strings");
		return 0;
	}
	*is_list = true;
	if (v->u.array.count == 0) {
		empty(b, v->span, what);
		return 0;
	}
	*out = alloc_n(b, v->u.array.count, sizeof(**out));
	if (!*out)
		return 0;
	for (size_t i = 0; i < v->u.array.count; i++) {
		const struct iamp_value *item = v->u.array.items[i];

		if (item->symbolic) {
			*symbolic = true;
			continue;
		}
		if (item->kind != IAMP_VALUE_STRING) {
			char w[64];

			snprintf(w, sizeof(w), "each value of %s", what);
			wrong_type(b, item, w, "a string");
			continue;
		}
		if (item->u.str.len == 0) {
			empty(b, item->span, "a value of this list");
			continue;
		}
		(*out)[n++] = str_of(item);
	}
	return n;
}

static void build_list(struct builder *b, const struct iamp_member *m,
		       struct iamp_list *list, bool is_not)
{
	list->present = true;
	list->is_not = is_not;
	list->key_span = m->key_span;
	list->span = m->value->span;
	list->count = build_strings(b, m->value, m->key, &list->items, &list->is_list,
				    &list->symbolic);
}

static const struct {
	const char *name;
	enum iamp_principal_kind kind;
} principal_keys[] = {
	{ "AWS", IAMP_PRINCIPAL_AWS },
	{ "Service", IAMP_PRINCIPAL_SERVICE },
	{ "Federated", IAMP_PRINCIPAL_FEDERATED },
	{ "CanonicalUser", IAMP_PRINCIPAL_CANONICAL_USER },
};

static void build_principal(struct builder *b, const struct iamp_member *m,
			    struct iamp_principal *p, bool is_not)
{
	const struct iamp_value *v = m->value;
	size_t total = 0;

	p->present = true;
	p->is_not = is_not;
	p->key_span = m->key_span;
	p->span = v->span;
	if (v->symbolic) {
		p->symbolic = true;
		return;
	}
	if (v->kind == IAMP_VALUE_STRING) {
		if (v->u.str.len == 1 && v->u.str.text[0] == '*') {
			p->star = true;
			return;
		}
		iamp_doc_diag(b->diags, b->doc, IAMP_RULE_INVALID_PRINCIPAL, v->span,
			      "%s must be \"*\" or an object such as {\"AWS\": \"%s\"}",
			      m->key, v->u.str.text);
		return;
	}
	if (v->kind != IAMP_VALUE_OBJECT) {
		wrong_type(b, v, m->key, "\"*\" or an object");
		return;
	}
	if (v->u.object.count == 0) {
		empty(b, v->span, m->key);
		return;
	}
	for (size_t i = 0; i < v->u.object.count; i++) {
		const struct iamp_value *pv = v->u.object.members[i].value;

		total += pv->kind == IAMP_VALUE_ARRAY ? pv->u.array.count : 1;
	}
	p->items = alloc_n(b, total, sizeof(*p->items));
	if (!p->items)
		return;
	for (size_t i = 0; i < v->u.object.count; i++) {
		const struct iamp_member *pm = &v->u.object.members[i];
		struct iamp_str *vals;
		bool is_list, known = false;
		size_t n;

		for (size_t k = 0; k < sizeof(principal_keys) / sizeof(*principal_keys); k++) {
			if (strcmp(pm->key, principal_keys[k].name) != 0)
				continue;
			known = true;
			n = build_strings(b, pm->value, pm->key, &vals, &is_list, &p->symbolic);
			for (size_t j = 0; j < n; j++) {
				p->items[p->count].kind = principal_keys[k].kind;
				p->items[p->count].value = vals[j];
				p->count++;
			}
		}
		if (!known)
			iamp_doc_diag(b->diags, b->doc, IAMP_RULE_INVALID_PRINCIPAL, pm->key_span,
				      "unknown principal type \"%s\" (expected AWS, Service, Federated or CanonicalUser)",
				      pm->key);
	}
}

/* Condition: { operator: { key: value-or-list, ... }, ... } */
static void build_condition(struct builder *b, const struct iamp_value *v,
			    struct iamp_statement *st)
{
	size_t total = 0, n = 0;

	st->has_condition = true;
	st->condition_span = v->span;
	if (v->symbolic) {
		st->symbolic = true;
		return;
	}
	if (v->kind != IAMP_VALUE_OBJECT) {
		wrong_type(b, v, "Condition", "an object");
		return;
	}
	if (v->u.object.count == 0) {
		empty(b, v->span, "Condition");
		return;
	}
	for (size_t i = 0; i < v->u.object.count; i++) {
		const struct iamp_value *ov = v->u.object.members[i].value;

		if (ov->kind == IAMP_VALUE_OBJECT)
			total += ov->u.object.count;
	}
	st->conditions = alloc_n(b, total ? total : 1, sizeof(*st->conditions));
	if (!st->conditions)
		return;
	for (size_t i = 0; i < v->u.object.count; i++) {
		const struct iamp_member *om = &v->u.object.members[i];
		const struct iamp_operator *op;
		enum iamp_set_op set;
		bool if_exists;

		if (om->value->symbolic) {
			st->symbolic = true;
			continue;
		}
		if (om->value->kind != IAMP_VALUE_OBJECT) {
			wrong_type(b, om->value, "a condition operator's value", "an object of keys and values");
			continue;
		}
		if (om->value->u.object.count == 0) {
			empty(b, om->value->span, om->key);
			continue;
		}
		if (!iamp_operator_parse(om->key, om->key_len, &op, &set, &if_exists))
			op = NULL;
		for (size_t k = 0; k < om->value->u.object.count; k++) {
			const struct iamp_member *km = &om->value->u.object.members[k];
			const struct iamp_value *kv = km->value;
			struct iamp_condition *c = &st->conditions[n];
			size_t nv = kv->kind == IAMP_VALUE_ARRAY ? kv->u.array.count : 1;

			memset(c, 0, sizeof(*c));
			c->op_name.text = om->key;
			c->op_name.len = om->key_len;
			c->op_name.span = om->key_span;
			c->op = op;
			c->set = set;
			c->if_exists = if_exists;
			c->key.text = km->key;
			c->key.len = km->key_len;
			c->key.span = km->key_span;
			c->values_span = kv->span;
			if (kv->kind == IAMP_VALUE_ARRAY && nv == 0) {
				empty(b, kv->span, "a condition's list of values");
				continue;
			}
			c->values = alloc_n(b, nv, sizeof(*c->values));
			if (!c->values)
				return;
			for (size_t j = 0; j < nv; j++) {
				const struct iamp_value *item =
					kv->kind == IAMP_VALUE_ARRAY ? kv->u.array.items[j] : kv;

				if (item->symbolic) {
					c->symbolic = true;
					st->symbolic = true;
					continue;
				}
				if (item->kind != IAMP_VALUE_STRING && item->kind != IAMP_VALUE_NUMBER &&
				    item->kind != IAMP_VALUE_BOOL) {
					wrong_type(b, item, "a condition value", "a string, number or boolean");
					continue;
				}
				if (b->condition_values++ == b->limits->max_condition_values)
					iamp_doc_diag(b->diags, b->doc, IAMP_RULE_INPUT_LIMIT, item->span,
						      "more than %zu condition values in the policy; the rest are "
						      "not read", b->limits->max_condition_values);
				if (b->condition_values > b->limits->max_condition_values)
					break;
				c->values[c->value_count].kind = item->kind;
				c->values[c->value_count].text.span = item->span;
				if (item->kind == IAMP_VALUE_BOOL) {
					c->values[c->value_count].text.text = item->u.boolean ? "true" : "false";
					c->values[c->value_count].text.len = item->u.boolean ? 4 : 5;
				} else {
					c->values[c->value_count].text.text = item->u.str.text;
					c->values[c->value_count].text.len = item->u.str.len;
				}
				c->value_count++;
			}
			if (c->value_count || c->symbolic)
				n++;
		}
	}
	st->condition_count = n;
}

/* Reports an element name that is not in `known`, with a hint when it
 * differs only in case. */
static void unknown_element(struct builder *b, const struct iamp_member *m,
			    const char *const *known, const char *where)
{
	for (const char *const *k = known; *k; k++) {
		if (strcasecmp(*k, m->key) == 0) {
			iamp_doc_diag(b->diags, b->doc, IAMP_RULE_UNKNOWN_ELEMENT, m->key_span,
				      "unknown %s element \"%s\"; element names are case-sensitive: did you mean \"%s\"?",
				      where, m->key, *k);
			return;
		}
	}
	iamp_doc_diag(b->diags, b->doc, IAMP_RULE_UNKNOWN_ELEMENT, m->key_span,
		      "unknown %s element \"%s\"", where, m->key);
}

static void conflict(struct builder *b, const struct iamp_member *m, const char *other)
{
	iamp_doc_diag(b->diags, b->doc, IAMP_RULE_CONFLICTING_ELEMENTS, m->key_span,
		      "a statement cannot have both %s and %s", other, m->key);
}

static void build_statement(struct builder *b, const struct iamp_value *v,
			    struct iamp_statement *st)
{
	static const char *const known[] = { "Sid", "Effect", "Principal", "NotPrincipal",
					     "Action", "NotAction", "Resource", "NotResource",
					     "Condition", NULL };

	st->span = v->span;
	for (size_t i = 0; i < v->u.object.count; i++) {
		const struct iamp_member *m = &v->u.object.members[i];
		const struct iamp_value *mv = m->value;
		const char *k = m->key;

		if (mv->symbolic && (strcmp(k, "Sid") == 0 || strcmp(k, "Effect") == 0)) {
			/* no Sid to check; an Effect neither Allow nor Deny, with
			 * no text to report */
			st->symbolic = true;
			if (k[0] == 'E') {
				st->effect = IAMP_EFFECT_INVALID;
				st->effect_span = mv->span;
			}
		} else if (strcmp(k, "Sid") == 0) {
			if (mv->kind != IAMP_VALUE_STRING) {
				wrong_type(b, mv, "Sid", "a string");
			} else if (!st->has_sid) {
				st->has_sid = true;
				st->sid = str_of(mv);
			}
		} else if (strcmp(k, "Effect") == 0) {
			if (mv->kind != IAMP_VALUE_STRING) {
				wrong_type(b, mv, "Effect", "a string");
				st->effect = IAMP_EFFECT_INVALID;
			} else if (st->effect == IAMP_EFFECT_NONE) {
				st->effect_text = str_of(mv);
				st->effect = strcmp(mv->u.str.text, "Allow") == 0 ? IAMP_EFFECT_ALLOW
					   : strcmp(mv->u.str.text, "Deny") == 0 ? IAMP_EFFECT_DENY
										 : IAMP_EFFECT_INVALID;
			}
			st->effect_span = mv->span;
		} else if (strcmp(k, "Principal") == 0 || strcmp(k, "NotPrincipal") == 0) {
			if (st->principal.present)
				conflict(b, m, st->principal.is_not ? "NotPrincipal" : "Principal");
			else
				build_principal(b, m, &st->principal, k[0] == 'N');
		} else if (strcmp(k, "Action") == 0 || strcmp(k, "NotAction") == 0) {
			if (st->action.present)
				conflict(b, m, st->action.is_not ? "NotAction" : "Action");
			else
				build_list(b, m, &st->action, k[0] == 'N');
		} else if (strcmp(k, "Resource") == 0 || strcmp(k, "NotResource") == 0) {
			if (st->resource.present)
				conflict(b, m, st->resource.is_not ? "NotResource" : "Resource");
			else
				build_list(b, m, &st->resource, k[0] == 'N');
		} else if (strcmp(k, "Condition") == 0) {
			if (!st->has_condition)
				build_condition(b, mv, st);
		} else {
			unknown_element(b, m, known, "statement");
		}
		if (b->oom)
			return;
	}
	st->symbolic = st->symbolic || st->principal.symbolic || st->action.symbolic ||
		       st->resource.symbolic;
}

static void build_statements(struct builder *b, const struct iamp_member *m,
			     struct iamp_policy *p)
{
	const struct iamp_value *v = m->value;
	size_t n;

	p->has_statement = true;
	p->statement_span = v->span;
	if (v->symbolic) {
		p->symbolic = true;
		return;
	}
	if (v->kind == IAMP_VALUE_OBJECT) {
		p->statements = alloc_n(b, 1, sizeof(*p->statements));
		if (!p->statements)
			return;
		build_statement(b, v, &p->statements[0]);
		p->statement_count = 1;
		return;
	}
	if (v->kind != IAMP_VALUE_ARRAY) {
		wrong_type(b, v, "Statement", "an object or a list of objects");
		return;
	}
	p->statement_is_list = true;
	if (v->u.array.count == 0) {
		empty(b, v->span, "Statement");
		return;
	}
	n = v->u.array.count;
	if (n > b->limits->max_statements) {
		iamp_doc_diag(b->diags, b->doc, IAMP_RULE_INPUT_LIMIT, v->u.array.items[b->limits->max_statements]->span,
			      "more than %zu statements; the rest are not checked", b->limits->max_statements);
		n = b->limits->max_statements;
	}
	p->statements = alloc_n(b, n, sizeof(*p->statements));
	if (!p->statements)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct iamp_value *sv = v->u.array.items[i];
		struct iamp_statement *st = &p->statements[p->statement_count];

		if (sv->symbolic) {
			p->symbolic = true;
			continue;
		}
		if (sv->kind != IAMP_VALUE_OBJECT) {
			wrong_type(b, sv, "a statement", "an object");
			continue;
		}
		st->index = p->statement_count;
		build_statement(b, sv, st);
		p->statement_count++;
		if (b->oom)
			return;
	}
}

int iamp_policy_build(struct iamp_policy **out, const struct iamp_document *doc,
		      enum iamp_policy_type type, const struct iamp_limits *limits,
		      struct iamp_diags *diags)
{
	return iamp_policy_build_value(out, doc, doc->root, type, limits, diags);
}

int iamp_policy_build_value(struct iamp_policy **out, const struct iamp_document *doc,
			    const struct iamp_value *root, enum iamp_policy_type type,
			    const struct iamp_limits *limits, struct iamp_diags *diags)
{
	static const char *const known[] = { "Version", "Id", "Statement", NULL };
	struct iamp_limits deflimits;
	struct builder b = { doc, doc->arena, diags, limits, type, false, 0 };
	struct iamp_policy *p;

	*out = NULL;
	if (!limits) {
		iamp_limits_default(&deflimits);
		b.limits = &deflimits;
	}
	if (!root || root->symbolic)
		return 0;
	if (root->kind != IAMP_VALUE_OBJECT) {
		wrong_type(&b, root, "a policy document", "an object");
		return 0;
	}
	p = alloc_n(&b, 1, sizeof(*p));
	if (!p)
		return iamp_error_set(IAMP_ENOMEM, "out of memory building %s", doc->path);
	p->doc = doc;
	p->type = type;
	p->span = root->span;
	p->quotas = b.limits->quotas;
	for (size_t i = 0; i < root->u.object.count; i++) {
		const struct iamp_member *m = &root->u.object.members[i];
		const struct iamp_value *mv = m->value;

		if (mv->symbolic && (strcmp(m->key, "Version") == 0 || strcmp(m->key, "Id") == 0)) {
			/* unknown: read as the current language, no Id to check */
			p->symbolic = true;
			if (m->key[0] == 'V' && !p->has_version) {
				p->has_version = true;
				p->version_span = mv->span;
				p->version = IAMP_VERSION_2012;
			}
		} else if (strcmp(m->key, "Version") == 0) {
			if (p->has_version)
				continue;
			p->has_version = true;
			p->version_span = mv->span;
			if (mv->kind == IAMP_VALUE_STRING)
				p->version_text = str_of(mv);
			if (mv->kind != IAMP_VALUE_STRING)
				p->version = IAMP_VERSION_INVALID;
			else if (strcmp(mv->u.str.text, "2012-10-17") == 0)
				p->version = IAMP_VERSION_2012;
			else if (strcmp(mv->u.str.text, "2008-10-17") == 0)
				p->version = IAMP_VERSION_2008;
			else
				p->version = IAMP_VERSION_INVALID;
		} else if (strcmp(m->key, "Id") == 0) {
			if (mv->kind != IAMP_VALUE_STRING) {
				wrong_type(&b, mv, "Id", "a string");
			} else if (!p->has_id) {
				p->has_id = true;
				p->id = str_of(mv);
			}
		} else if (strcmp(m->key, "Statement") == 0) {
			if (!p->has_statement)
				build_statements(&b, m, p);
		} else {
			unknown_element(&b, m, known, "policy");
		}
		if (b.oom)
			return iamp_error_set(IAMP_ENOMEM, "out of memory building %s", doc->path);
	}
	for (size_t i = 0; i < p->statement_count; i++)
		p->symbolic = p->symbolic || p->statements[i].symbolic;
	*out = p;
	return 0;
}
