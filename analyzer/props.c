/*
 * props.c - property files; see props.h.
 */
#include "props.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "error.h"
#include "policy.h"
#include "report.h"

struct reader {
	struct iamp_propfile *pf;
	struct iamp_diags *diags;
	bool bad; /* this property has a problem */
	bool oom;
};

static const char *kind_name(enum iamp_value_kind k)
{
	switch (k) {
	case IAMP_VALUE_NULL:
		return "null";
	case IAMP_VALUE_BOOL:
		return "a boolean";
	case IAMP_VALUE_NUMBER:
		return "a number";
	case IAMP_VALUE_STRING:
		return "a string";
	case IAMP_VALUE_ARRAY:
		return "a list";
	default:
		return "a mapping";
	}
}

static void diag(struct reader *r, enum iamp_rule_id rule, struct iamp_span span, const char *fmt,
		 const char *a, const char *b)
{
	if (!iamp_doc_diag(r->diags, r->pf->doc, (int)rule, span, fmt, a, b))
		r->oom = true;
	r->bad = true;
}

static bool want(struct reader *r, const struct iamp_value *v, enum iamp_value_kind k,
		 const char *what)
{
	if (v->kind == k)
		return true;
	diag(r, IAMP_RULE_WRONG_TYPE, v->span, "%s must be %s", what, kind_name(k));
	return false;
}

static char *dupn(struct reader *r, const char *s, size_t n)
{
	char *out = malloc(n + 1);

	if (!out) {
		r->oom = true;
		return NULL;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

static bool scalar(const struct iamp_value *v)
{
	return v->kind == IAMP_VALUE_STRING || v->kind == IAMP_VALUE_NUMBER ||
	       v->kind == IAMP_VALUE_BOOL;
}

static char *scalar_text(struct reader *r, const struct iamp_value *v)
{
	if (v->kind == IAMP_VALUE_BOOL)
		return dupn(r, v->u.boolean ? "true" : "false", v->u.boolean ? 4 : 5);
	return dupn(r, v->u.str.text, v->u.str.len);
}

static struct iamp_param *param_find(struct iamp_propfile *pf, const char *name, size_t len)
{
	for (size_t i = 0; i < pf->nparams; i++)
		if (strlen(pf->params[i].name) == len && memcmp(pf->params[i].name, name, len) == 0)
			return &pf->params[i];
	return NULL;
}

static void param_clear(struct iamp_param *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->values[i]);
	free(p->values);
	p->values = NULL;
	p->count = 0;
}

static struct iamp_param *param_new(struct reader *r, const char *name, size_t len)
{
	struct iamp_propfile *pf = r->pf;
	struct iamp_param *np = realloc(pf->params, (pf->nparams + 1) * sizeof(*np));

	if (!np) {
		r->oom = true;
		return NULL;
	}
	pf->params = np;
	np = &pf->params[pf->nparams];
	memset(np, 0, sizeof(*np));
	if (!(np->name = dupn(r, name, len)))
		return NULL;
	pf->nparams++;
	return np;
}

static bool param_push(struct reader *r, struct iamp_param *p, char *v)
{
	char **nv;

	if (!v)
		return false;
	if (!(nv = realloc(p->values, (p->count + 1) * sizeof(*nv)))) {
		free(v);
		r->oom = true;
		return false;
	}
	p->values = nv;
	p->values[p->count++] = v;
	return true;
}

static void read_params(struct reader *r, const struct iamp_value *obj)
{
	if (!want(r, obj, IAMP_VALUE_OBJECT, "parameters"))
		return;
	for (size_t i = 0; i < obj->u.object.count; i++) {
		const struct iamp_member *m = &obj->u.object.members[i];
		struct iamp_param *p = param_new(r, m->key, m->key_len);

		if (!p)
			return;
		p->declared = true;
		if (m->value->kind == IAMP_VALUE_ARRAY) {
			p->is_list = true;
			for (size_t j = 0; j < m->value->u.array.count; j++) {
				const struct iamp_value *it = m->value->u.array.items[j];

				if (!scalar(it))
					diag(r, IAMP_RULE_WRONG_TYPE, it->span, "a parameter's list holds %s%s",
					     "strings, numbers or booleans", "");
				else
					param_push(r, p, scalar_text(r, it));
			}
		} else if (scalar(m->value)) {
			param_push(r, p, scalar_text(r, m->value));
		} else {
			diag(r, IAMP_RULE_WRONG_TYPE, m->value->span,
			     "parameter %s must be a string, a number, a boolean or a list%s", m->key, "");
		}
	}
}

static int apply_override(struct reader *r, const char *o)
{
	const char *eq = strchr(o, '=');
	struct iamp_param *p;

	if (!eq || eq == o)
		return iamp_error_set(IAMP_EINVAL, "--param takes NAME=VALUE, not '%s'", o);
	p = param_find(r->pf, o, (size_t)(eq - o));
	if (!p && !(p = param_new(r, o, (size_t)(eq - o))))
		return IAMP_ENOMEM;
	param_clear(p);
	if (p->is_list) {
		const char *s = eq + 1;

		while (*s) {
			const char *c = strchr(s, ',');
			size_t n = c ? (size_t)(c - s) : strlen(s);

			if (n && !param_push(r, p, dupn(r, s, n)))
				return IAMP_ENOMEM;
			s += n + (c ? 1 : 0);
		}
	} else if (!param_push(r, p, dupn(r, eq + 1, strlen(eq + 1)))) {
		return IAMP_ENOMEM;
	}
	return 0;
}

/* ---- substitution into JSON -------------------------------------------------- */

/* "{{name}}" exactly: the parameter, else NULL. */
static struct iamp_param *whole_param(struct reader *r, const struct iamp_value *v, bool *unknown)
{
	const char *t = v->u.str.text;
	size_t n = v->u.str.len;
	struct iamp_param *p;

	*unknown = false;
	if (n < 5 || memcmp(t, "{{", 2) != 0 || memcmp(t + n - 2, "}}", 2) != 0 ||
	    memchr(t + 2, '{', n - 4) || memchr(t + 2, '}', n - 4))
		return NULL;
	p = param_find(r->pf, t + 2, n - 4);
	*unknown = !p;
	return p;
}

/* A string with "{{name}}" replaced by string parameters. */
static void emit_string(struct reader *r, FILE *f, const struct iamp_value *v)
{
	const char *t = v->u.str.text;
	size_t n = v->u.str.len, i = 0;
	char *buf = NULL;
	size_t blen = 0;
	FILE *b = open_memstream(&buf, &blen);

	if (!b) {
		r->oom = true;
		return;
	}
	while (i < n) {
		const char *open = i + 1 < n ? memmem(t + i, n - i, "{{", 2) : NULL;
		const char *close = open ? memmem(open + 2, (size_t)(t + n - open - 2), "}}", 2) : NULL;
		struct iamp_param *p;

		if (!open || !close) {
			fwrite(t + i, 1, n - i, b);
			break;
		}
		fwrite(t + i, 1, (size_t)(open - t - (long)i), b);
		p = param_find(r->pf, open + 2, (size_t)(close - open - 2));
		if (!p) {
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)(close - open - 2), open + 2);
			diag(r, IAMP_RULE_UNKNOWN_ELEMENT, v->span, "no value for parameter {{%s}}: give it a default under parameters: or --param%s", name, "");
		} else if (p->is_list || p->count != 1) {
			diag(r, IAMP_RULE_WRONG_TYPE, v->span,
			     "parameter %s is a list: it can only stand alone in a string%s", p->name, "");
		} else {
			p->used = true;
			fputs(p->values[0], b);
		}
		i = (size_t)(close + 2 - t);
	}
	fclose(b);
	if (buf)
		iamp_json_string(f, buf, blen);
	free(buf);
}

static void emit(struct reader *r, FILE *f, const struct iamp_value *v);

/* Items of a list, list parameters spliced in; *first tracks commas. */
static void emit_items(struct reader *r, FILE *f, const struct iamp_value *arr)
{
	bool first = true;

	for (size_t i = 0; i < arr->u.array.count; i++) {
		const struct iamp_value *it = arr->u.array.items[i];
		bool unknown;
		struct iamp_param *p = it->kind == IAMP_VALUE_STRING ? whole_param(r, it, &unknown) : NULL;

		if (p && p->is_list) {
			p->used = true;
			for (size_t j = 0; j < p->count; j++) {
				fputs(first ? "" : ",", f);
				iamp_json_string(f, p->values[j], strlen(p->values[j]));
				first = false;
			}
			continue;
		}
		fputs(first ? "" : ",", f);
		emit(r, f, it);
		first = false;
	}
}

static void emit(struct reader *r, FILE *f, const struct iamp_value *v)
{
	switch (v->kind) {
	case IAMP_VALUE_NULL:
		fputs("null", f);
		break;
	case IAMP_VALUE_BOOL:
		fputs(v->u.boolean ? "true" : "false", f);
		break;
	case IAMP_VALUE_NUMBER:
		fwrite(v->u.str.text, 1, v->u.str.len, f);
		break;
	case IAMP_VALUE_STRING: {
		bool unknown;
		struct iamp_param *p = whole_param(r, v, &unknown);

		if (!p) {
			emit_string(r, f, v);
			break;
		}
		p->used = true;
		if (!p->is_list) {
			iamp_json_string(f, p->values[0], strlen(p->values[0]));
			break;
		}
		fputc('[', f);
		for (size_t j = 0; j < p->count; j++) {
			fputs(j ? "," : "", f);
			iamp_json_string(f, p->values[j], strlen(p->values[j]));
		}
		fputc(']', f);
		break;
	}
	case IAMP_VALUE_ARRAY:
		fputc('[', f);
		emit_items(r, f, v);
		fputc(']', f);
		break;
	default:
		fputc('{', f);
		for (size_t i = 0; i < v->u.object.count; i++) {
			const struct iamp_member *m = &v->u.object.members[i];

			fputs(i ? "," : "", f);
			iamp_json_string(f, m->key, m->key_len);
			fputc(':', f);
			emit(r, f, m->value);
		}
		fputc('}', f);
		break;
	}
}

static char *requests_policy(struct reader *r, const struct iamp_value *req)
{
	static const char *const allowed[] = { "Action", "NotAction", "Resource", "NotResource",
					       "Principal", "NotPrincipal", "Condition", NULL };
	char *buf = NULL;
	size_t blen = 0;
	FILE *f;
	bool principal = false, resource = false;

	if (!want(r, req, IAMP_VALUE_OBJECT, "requests"))
		return NULL;
	if (!(f = open_memstream(&buf, &blen))) {
		r->oom = true;
		return NULL;
	}
	fputs("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"", f);
	for (size_t i = 0; i < req->u.object.count; i++) {
		const struct iamp_member *m = &req->u.object.members[i];
		size_t k = 0;

		while (allowed[k] && strcmp(allowed[k], m->key) != 0)
			k++;
		if (!allowed[k]) {
			diag(r, IAMP_RULE_UNKNOWN_ELEMENT, m->key_span,
			     "requests take Action, Resource, Principal and Condition (or their Not forms), not %s%s",
			     m->key, "");
			continue;
		}
		principal |= strstr(m->key, "Principal") != NULL;
		resource |= strstr(m->key, "Resource") != NULL;
		fputc(',', f);
		iamp_json_string(f, m->key, m->key_len);
		fputc(':', f);
		emit(r, f, m->value);
	}
	if (!principal)
		fputs(",\"Principal\":\"*\"", f);
	if (!resource)
		fputs(",\"Resource\":\"*\"", f);
	fputs("}]}", f);
	if (fclose(f) != 0 || !buf) {
		free(buf);
		r->oom = true;
		return NULL;
	}
	return buf;
}

/* ---- properties ----------------------------------------------------------------- */

static char *string_member(struct reader *r, const struct iamp_value *obj, const char *key,
			   bool required, const struct iamp_value **where)
{
	const struct iamp_member *m = iamp_value_member(obj, key);

	if (where)
		*where = m ? m->value : NULL;
	if (!m) {
		if (required)
			diag(r, IAMP_RULE_EMPTY_ELEMENT, obj->span, "a property needs %s%s", key, "");
		return NULL;
	}
	if (!want(r, m->value, IAMP_VALUE_STRING, key))
		return NULL;
	return dupn(r, m->value->u.str.text, m->value->u.str.len);
}

static void property_free(struct iamp_property *p)
{
	free(p->id);
	free(p->title);
	free(p->description);
	free(p->reference);
	free(p->policy_json);
}

static void read_property(struct reader *r, const struct iamp_value *v, const char *dir)
{
	static const char *const keys[] = { "id", "title", "description", "expect", "reference",
					    "requests", NULL };
	struct iamp_property p;
	const struct iamp_value *where;
	char *expect;

	memset(&p, 0, sizeof(p));
	r->bad = false;
	if (!want(r, v, IAMP_VALUE_OBJECT, "a property"))
		return;
	p.span = v->span;
	for (size_t i = 0; i < v->u.object.count; i++) {
		size_t k = 0;

		while (keys[k] && strcmp(keys[k], v->u.object.members[i].key) != 0)
			k++;
		if (!keys[k])
			diag(r, IAMP_RULE_UNKNOWN_ELEMENT, v->u.object.members[i].key_span,
			     "unknown property element %s%s", v->u.object.members[i].key, "");
	}
	p.id = string_member(r, v, "id", true, NULL);
	p.title = string_member(r, v, "title", true, NULL);
	p.description = string_member(r, v, "description", false, NULL);
	if ((expect = string_member(r, v, "expect", true, &where)) &&
	    !iamp_expect_parse(&p.expect, expect))
		diag(r, IAMP_RULE_WRONG_TYPE, where->span,
		     "expect must be denied, allowed or not-more-than, not %s%s", expect, "");
	free(expect);
	{
		char *ref = string_member(r, v, "reference", false, &where);

		if (ref && ref[0] != '/' && dir && *dir) {
			char *full = NULL;

			if (asprintf(&full, "%s/%s", dir, ref) < 0)
				r->oom = true;
			free(ref);
			ref = full;
		}
		p.reference = ref;
		if (p.expect == IAMP_EXPECT_NOT_MORE_THAN && !ref && !where)
			diag(r, IAMP_RULE_EMPTY_ELEMENT, v->span,
			     "expect: not-more-than needs a reference policy%s%s", "", "");
	}
	{
		const struct iamp_member *m = iamp_value_member(v, "requests");

		if (!m)
			diag(r, IAMP_RULE_EMPTY_ELEMENT, v->span, "a property needs requests%s%s", "", "");
		else
			p.policy_json = requests_policy(r, m->value);
	}
	if (r->bad || r->oom) {
		property_free(&p);
		return;
	}
	{
		struct iamp_property *np = realloc(r->pf->props, (r->pf->nprops + 1) * sizeof(*np));

		if (!np) {
			r->oom = true;
			property_free(&p);
			return;
		}
		r->pf->props = np;
		np[r->pf->nprops++] = p;
	}
}

int iamp_props_load(struct iamp_propfile **out, const char *path, const char *dir,
		    const char *text, size_t len, const char *const *overrides, size_t noverrides,
		    const struct iamp_limits *limits, struct iamp_diags *diags)
{
	struct iamp_propfile *pf = calloc(1, sizeof(*pf));
	struct reader r = { pf, diags, false, false };
	const struct iamp_value *root;
	int rc;

	*out = NULL;
	if (!pf)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	if ((rc = iamp_load_buffer(&pf->doc, path, text, len, iamp_format_for_path(path), limits,
				   diags))) {
		free(pf);
		return rc;
	}
	*out = pf;
	root = pf->doc->root;
	if (!root)
		return 0;
	if (!want(&r, root, IAMP_VALUE_OBJECT, "a property file"))
		return 0;
	for (size_t i = 0; i < root->u.object.count; i++) {
		const struct iamp_member *m = &root->u.object.members[i];

		if (strcmp(m->key, "parameters") != 0 && strcmp(m->key, "properties") != 0)
			diag(&r, IAMP_RULE_UNKNOWN_ELEMENT, m->key_span,
			     "a property file holds parameters and properties, not %s%s", m->key, "");
	}
	{
		const struct iamp_member *m = iamp_value_member(root, "parameters");

		if (m)
			read_params(&r, m->value);
	}
	for (size_t i = 0; i < noverrides; i++)
		if ((rc = apply_override(&r, overrides[i])))
			return rc;
	{
		const struct iamp_member *m = iamp_value_member(root, "properties");

		if (!m)
			diag(&r, IAMP_RULE_EMPTY_ELEMENT, root->span, "a property file needs properties%s%s",
			     "", "");
		else if (want(&r, m->value, IAMP_VALUE_ARRAY, "properties"))
			for (size_t i = 0; i < m->value->u.array.count; i++)
				read_property(&r, m->value->u.array.items[i], dir);
	}
	return r.oom ? iamp_error_set(IAMP_ENOMEM, "out of memory") : 0;
}

void iamp_props_free(struct iamp_propfile *pf)
{
	if (!pf)
		return;
	for (size_t i = 0; i < pf->nprops; i++)
		property_free(&pf->props[i]);
	free(pf->props);
	for (size_t i = 0; i < pf->nparams; i++) {
		param_clear(&pf->params[i]);
		free(pf->params[i].name);
	}
	free(pf->params);
	iamp_document_free(pf->doc);
	free(pf);
}
