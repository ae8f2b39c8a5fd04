/*
 * params.c - parameters and their substitution; see params.h.
 */
#include "params.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "error.h"
#include "policy.h"
#include "report.h"

const char *iamp_value_kind_name(enum iamp_value_kind k)
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

void iamp_reader_diag(struct iamp_reader *r, int rule, struct iamp_span span, const char *fmt,
		      const char *a, const char *b)
{
	if (!iamp_doc_diag(r->diags, r->doc, rule, span, fmt, a, b))
		r->oom = true;
	r->bad = true;
}

bool iamp_reader_want(struct iamp_reader *r, const struct iamp_value *v,
		      enum iamp_value_kind k, const char *what)
{
	if (v->kind == k)
		return true;
	iamp_reader_diag(r, IAMP_RULE_WRONG_TYPE, v->span, "%s must be %s", what,
			 iamp_value_kind_name(k));
	return false;
}

char *iamp_reader_dup(struct iamp_reader *r, const char *s, size_t n)
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

char *iamp_reader_string(struct iamp_reader *r, const struct iamp_value *obj, const char *key,
			 bool required, const struct iamp_value **where)
{
	const struct iamp_member *m = iamp_value_member(obj, key);

	if (where)
		*where = m ? m->value : NULL;
	if (!m) {
		if (required)
			iamp_reader_diag(r, IAMP_RULE_EMPTY_ELEMENT, obj->span, "%s needs %s",
					 r->entry ? r->entry : "this entry", key);
		return NULL;
	}
	if (!iamp_reader_want(r, m->value, IAMP_VALUE_STRING, key))
		return NULL;
	return iamp_reader_dup(r, m->value->u.str.text, m->value->u.str.len);
}

/* ---- the parameters ----------------------------------------------------------- */

static bool scalar(const struct iamp_value *v)
{
	return v->kind == IAMP_VALUE_STRING || v->kind == IAMP_VALUE_NUMBER ||
	       v->kind == IAMP_VALUE_BOOL;
}

static char *scalar_text(struct iamp_reader *r, const struct iamp_value *v)
{
	if (v->kind == IAMP_VALUE_BOOL)
		return iamp_reader_dup(r, v->u.boolean ? "true" : "false", v->u.boolean ? 4 : 5);
	return iamp_reader_dup(r, v->u.str.text, v->u.str.len);
}

struct iamp_param *iamp_params_find(const struct iamp_params *ps, const char *name, size_t len)
{
	for (size_t i = 0; i < ps->count; i++)
		if (strlen(ps->items[i].name) == len && memcmp(ps->items[i].name, name, len) == 0)
			return &ps->items[i];
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

static struct iamp_param *param_new(struct iamp_params *ps, const char *name, size_t len)
{
	struct iamp_param *np = realloc(ps->items, (ps->count + 1) * sizeof(*np));

	if (!np)
		return NULL;
	ps->items = np;
	np = &ps->items[ps->count];
	memset(np, 0, sizeof(*np));
	if (!(np->name = malloc(len + 1)))
		return NULL;
	memcpy(np->name, name, len);
	np->name[len] = '\0';
	ps->count++;
	return np;
}

/* Takes v (NULL: out of memory). */
static bool param_push(struct iamp_param *p, char *v)
{
	char **nv;

	if (!v)
		return false;
	if (!(nv = realloc(p->values, (p->count + 1) * sizeof(*nv)))) {
		free(v);
		return false;
	}
	p->values = nv;
	p->values[p->count++] = v;
	return true;
}

void iamp_params_set(struct iamp_reader *r, const char *name, size_t len,
		     const struct iamp_value *v)
{
	struct iamp_param *p = iamp_params_find(r->params, name, len);

	if (!p && !(p = param_new(r->params, name, len))) {
		r->oom = true;
		return;
	}
	param_clear(p);
	if (v->kind == IAMP_VALUE_ARRAY) {
		p->is_list = true;
		for (size_t j = 0; j < v->u.array.count; j++) {
			const struct iamp_value *it = v->u.array.items[j];

			if (!scalar(it))
				iamp_reader_diag(r, IAMP_RULE_WRONG_TYPE, it->span,
						 "a parameter's list holds %s%s",
						 "strings, numbers or booleans", "");
			else if (!param_push(p, scalar_text(r, it)))
				r->oom = true;
		}
	} else if (scalar(v)) {
		if (!param_push(p, scalar_text(r, v)))
			r->oom = true;
	} else {
		iamp_reader_diag(r, IAMP_RULE_WRONG_TYPE, v->span,
				 "parameter %s must be a string, a number, a boolean or a list%s",
				 p->name, "");
	}
}

void iamp_params_read(struct iamp_reader *r, const struct iamp_value *obj)
{
	if (!iamp_reader_want(r, obj, IAMP_VALUE_OBJECT, "parameters"))
		return;
	for (size_t i = 0; i < obj->u.object.count; i++) {
		const struct iamp_member *m = &obj->u.object.members[i];
		struct iamp_param *p;

		iamp_params_set(r, m->key, m->key_len, m->value);
		if ((p = iamp_params_find(r->params, m->key, m->key_len)))
			p->declared = true;
	}
}

int iamp_params_override(struct iamp_params *ps, const char *o)
{
	const char *eq = strchr(o, '=');
	struct iamp_param *p;

	if (!eq || eq == o)
		return iamp_error_set(IAMP_EINVAL, "--param takes NAME=VALUE, not '%s'", o);
	p = iamp_params_find(ps, o, (size_t)(eq - o));
	if (!p && !(p = param_new(ps, o, (size_t)(eq - o))))
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	param_clear(p);
	if (p->is_list) {
		const char *s = eq + 1;

		while (*s) {
			const char *c = strchr(s, ',');
			size_t n = c ? (size_t)(c - s) : strlen(s);

			if (n && !param_push(p, strndup(s, n)))
				return iamp_error_set(IAMP_ENOMEM, "out of memory");
			s += n + (c ? 1 : 0);
		}
	} else if (!param_push(p, strdup(eq + 1))) {
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	return 0;
}

char *iamp_param_assignment(const struct iamp_param *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s=", p->name);
	for (size_t i = 0; i < p->count; i++)
		fprintf(f, "%s%s", i ? "," : "", p->values[i]);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int iamp_params_copy(struct iamp_params *dst, const struct iamp_params *src)
{
	for (size_t i = 0; i < src->count; i++) {
		const struct iamp_param *sp = &src->items[i];
		struct iamp_param *p = iamp_params_find(dst, sp->name, strlen(sp->name));

		if (!p && !(p = param_new(dst, sp->name, strlen(sp->name))))
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		param_clear(p);
		p->is_list = sp->is_list;
		p->declared = true;
		for (size_t j = 0; j < sp->count; j++)
			if (!param_push(p, strdup(sp->values[j])))
				return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	return 0;
}

void iamp_params_free(struct iamp_params *ps)
{
	for (size_t i = 0; i < ps->count; i++) {
		param_clear(&ps->items[i]);
		free(ps->items[i].name);
	}
	free(ps->items);
	ps->items = NULL;
	ps->count = 0;
}

/* ---- substitution into JSON ------------------------------------------------------ */

/* "{{name}}" exactly: the parameter, else NULL. */
static struct iamp_param *whole_param(struct iamp_reader *r, const struct iamp_value *v)
{
	const char *t = v->u.str.text;
	size_t n = v->u.str.len;

	if (n < 5 || memcmp(t, "{{", 2) != 0 || memcmp(t + n - 2, "}}", 2) != 0 ||
	    memchr(t + 2, '{', n - 4) || memchr(t + 2, '}', n - 4))
		return NULL;
	return iamp_params_find(r->params, t + 2, n - 4);
}

/* A string with "{{name}}" replaced by string parameters. */
static void emit_string(struct iamp_reader *r, FILE *f, const struct iamp_value *v)
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
		p = iamp_params_find(r->params, open + 2, (size_t)(close - open - 2));
		if (!p) {
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)(close - open - 2), open + 2);
			iamp_reader_diag(r, IAMP_RULE_UNKNOWN_ELEMENT, v->span,
					 "no value for parameter {{%s}}: give it a default under parameters: or --param%s",
					 name, "");
		} else if (p->is_list || p->count != 1) {
			iamp_reader_diag(r, IAMP_RULE_WRONG_TYPE, v->span,
					 "parameter %s is a list: it can only stand alone in a string%s",
					 p->name, "");
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

/* Items of a list, list parameters spliced in. */
static void emit_items(struct iamp_reader *r, FILE *f, const struct iamp_value *arr)
{
	bool first = true;

	for (size_t i = 0; i < arr->u.array.count; i++) {
		const struct iamp_value *it = arr->u.array.items[i];
		struct iamp_param *p = it->kind == IAMP_VALUE_STRING ? whole_param(r, it) : NULL;

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
		iamp_params_emit(r, f, it);
		first = false;
	}
}

void iamp_params_emit(struct iamp_reader *r, FILE *f, const struct iamp_value *v)
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
		struct iamp_param *p = whole_param(r, v);

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
			iamp_params_emit(r, f, m->value);
		}
		fputc('}', f);
		break;
	}
}
