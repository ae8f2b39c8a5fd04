/*
 * context.c - reading a request and deriving its implied keys; see
 * context.h.
 */
#include "context.h"
#include "match.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "error.h"
#include "load.h"
#include "principal.h"
#include "arn.h"

const struct iamp_ctx_key *iamp_request_key(const struct iamp_request *req,
					    const char *name, size_t len)
{
	for (size_t i = 0; i < req->key_count; i++) {
		const struct iamp_ctx_key *k = &req->keys[i];

		if (k->name_len == len && strncasecmp(k->name, name, len) == 0)
			return k;
	}
	return NULL;
}

static int field_error(const struct iamp_value *v, const char *what)
{
	if (!v)
		return iamp_error_set(IAMP_EINVAL, "request: %s", what);
	return iamp_error_set(IAMP_EINVAL, "request: line %u, column %u: %s",
			      (unsigned)v->span.start.line, (unsigned)v->span.start.col, what);
}

static bool scalar_text(const struct iamp_value *v, struct iamp_ctx_value *out)
{
	switch (v->kind) {
	case IAMP_VALUE_STRING:
	case IAMP_VALUE_NUMBER:
		out->text = v->u.str.text;
		out->len = v->u.str.len;
		return true;
	case IAMP_VALUE_BOOL:
		out->text = v->u.boolean ? "true" : "false";
		out->len = v->u.boolean ? 4 : 5;
		return true;
	default:
		return false;
	}
}

static int read_string(const char **text, size_t *len, const struct iamp_value *root,
		       const char *name, bool required)
{
	const struct iamp_member *m = iamp_value_member(root, name);
	char msg[96];

	if (!m) {
		if (!required)
			return 0;
		snprintf(msg, sizeof(msg), "missing field \"%s\"", name);
		return field_error(root, msg);
	}
	if (m->value->kind != IAMP_VALUE_STRING || m->value->u.str.len == 0) {
		snprintf(msg, sizeof(msg), "field \"%s\" must be a non-empty string", name);
		return field_error(m->value, msg);
	}
	*text = m->value->u.str.text;
	*len = m->value->u.str.len;
	return 0;
}

int iamp_request_from_value(struct iamp_request *out, struct iamp_arena *arena,
			    const struct iamp_value *root)
{
	static const char *const known[] = { "principal", "action", "resource", "context" };
	const struct iamp_member *ctx;
	struct iamp_ctx_key *keys = NULL;
	size_t n = 0, values = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!root)
		return field_error(NULL, "not a JSON object");
	if (root->kind != IAMP_VALUE_OBJECT)
		return field_error(root, "a request must be a JSON object");
	for (size_t i = 0; i < root->u.object.count; i++) {
		const struct iamp_member *m = &root->u.object.members[i];
		bool ok = false;
		char msg[160];

		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			ok |= strcmp(m->key, known[k]) == 0;
		if (!ok) {
			snprintf(msg, sizeof(msg),
				 "unknown field \"%.60s\" (expected principal, action, resource, context)",
				 m->key);
			return iamp_error_set(IAMP_EINVAL, "request: line %u, column %u: %s",
					      (unsigned)m->key_span.start.line,
					      (unsigned)m->key_span.start.col, msg);
		}
	}
	if ((rc = read_string(&out->principal, &out->principal_len, root, "principal", true)) ||
	    (rc = read_string(&out->action, &out->action_len, root, "action", true)) ||
	    (rc = read_string(&out->resource, &out->resource_len, root, "resource", true)))
		return rc;
	if (!memchr(out->action, ':', out->action_len))
		return field_error(iamp_value_member(root, "action")->value,
				   "field \"action\" must be service:Action");
	ctx = iamp_value_member(root, "context");
	if (!ctx)
		return 0;
	if (ctx->value->kind != IAMP_VALUE_OBJECT)
		return field_error(ctx->value, "field \"context\" must be an object");
	if (ctx->value->u.object.count) {
		keys = iamp_arena_alloc(arena, ctx->value->u.object.count * sizeof(*keys));
		if (!keys)
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ctx->value->u.object.count; i++) {
		const struct iamp_member *m = &ctx->value->u.object.members[i];
		const struct iamp_value *v = m->value;
		struct iamp_ctx_key *k = &keys[n];
		char msg[160];

		if (v->kind == IAMP_VALUE_NULL)
			continue;
		k->name = m->key;
		k->name_len = m->key_len;
		values += v->kind == IAMP_VALUE_ARRAY ? v->u.array.count : 1;
		if (v->kind == IAMP_VALUE_ARRAY && v->u.array.count > IAMP_REQUEST_MAX_KEY_VALUES) {
			snprintf(msg, sizeof(msg), "context key \"%.60s\": more than %d values", m->key,
				 IAMP_REQUEST_MAX_KEY_VALUES);
			return field_error(v, msg);
		}
		if (values > IAMP_REQUEST_MAX_VALUES) {
			snprintf(msg, sizeof(msg),
				 "context key \"%.60s\": more than %d values in the request's context",
				 m->key, IAMP_REQUEST_MAX_VALUES);
			return field_error(v, msg);
		}
		if (v->kind == IAMP_VALUE_ARRAY) {
			struct iamp_ctx_value *vals = NULL;

			if (v->u.array.count) {
				vals = iamp_arena_alloc(arena, v->u.array.count * sizeof(*vals));
				if (!vals)
					return iamp_error_set(IAMP_ENOMEM, "out of memory");
			}
			for (size_t j = 0; j < v->u.array.count; j++) {
				if (!scalar_text(v->u.array.items[j], &vals[j])) {
					snprintf(msg, sizeof(msg),
						 "context key \"%.60s\": list items must be strings, numbers or booleans",
						 m->key);
					return field_error(v->u.array.items[j], msg);
				}
			}
			k->values = vals;
			k->count = v->u.array.count;
			k->multi = true;
		} else {
			struct iamp_ctx_value *val = iamp_arena_alloc(arena, sizeof(*val));

			if (!val)
				return iamp_error_set(IAMP_ENOMEM, "out of memory");
			if (!scalar_text(v, val)) {
				snprintf(msg, sizeof(msg),
					 "context key \"%.60s\" must be a string, number, boolean or list",
					 m->key);
				return field_error(v, msg);
			}
			k->values = val;
			k->count = 1;
		}
		for (size_t j = 0; j < n; j++) {
			if (keys[j].name_len == k->name_len &&
			    strncasecmp(keys[j].name, k->name, k->name_len) == 0) {
				snprintf(msg, sizeof(msg),
					 "context key \"%.60s\" given twice (keys are case-insensitive)",
					 m->key);
				return iamp_error_set(IAMP_EINVAL, "request: line %u, column %u: %s",
						      (unsigned)m->key_span.start.line,
						      (unsigned)m->key_span.start.col, msg);
			}
		}
		n++;
	}
	out->keys = keys;
	out->key_count = n;
	return 0;
}

int iamp_request_fill_derived(struct iamp_request *req, struct iamp_arena *arena)
{
	struct { const char *name; const char *text; size_t len; } add[3];
	size_t nadd = 0;
	struct iamp_arn arn;
	struct iamp_caller caller;

	iamp_caller_parse(&caller, req->principal, req->principal_len);
	if (caller.partition && !iamp_request_key(req, "aws:PrincipalArn", 16)) {
		const char *text = req->principal;
		size_t len = req->principal_len;
		char buf[512];
		size_t n = iamp_caller_role_arn(buf, sizeof(buf), &caller);

		/* arn:aws:sts::A:assumed-role/R/S -> arn:aws:iam::A:role/R */
		if (n) {
			char *copy = iamp_arena_strndup(arena, buf, n);

			if (!copy)
				return iamp_error_set(IAMP_ENOMEM, "out of memory");
			text = copy;
			len = n;
		}
		add[nadd].name = "aws:PrincipalArn";
		add[nadd].text = text;
		add[nadd++].len = len;
	}
	if (caller.account &&
	    !iamp_request_key(req, "aws:PrincipalAccount", 20)) {
		add[nadd].name = "aws:PrincipalAccount";
		add[nadd].text = caller.account;
		add[nadd++].len = caller.account_len;
	}
	if (iamp_arn_parse(&arn, req->resource, req->resource_len) &&
	    iamp_is_account_id(arn.account, arn.account_len) &&
	    !iamp_request_key(req, "aws:ResourceAccount", 19)) {
		add[nadd].name = "aws:ResourceAccount";
		add[nadd].text = arn.account;
		add[nadd++].len = arn.account_len;
	}
	if (!nadd)
		return 0;
	struct iamp_ctx_key *keys = iamp_arena_alloc(arena, (req->key_count + nadd) * sizeof(*keys));
	struct iamp_ctx_value *vals = iamp_arena_alloc(arena, nadd * sizeof(*vals));

	if (!keys || !vals)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	if (req->key_count)
		memcpy(keys, req->keys, req->key_count * sizeof(*keys));
	for (size_t i = 0; i < nadd; i++) {
		struct iamp_ctx_key *k = &keys[req->key_count + i];

		vals[i].text = add[i].text;
		vals[i].len = add[i].len;
		k->name = add[i].name;
		k->name_len = strlen(add[i].name);
		k->values = &vals[i];
		k->count = 1;
		k->multi = false;
	}
	req->keys = keys;
	req->key_count += nadd;
	return 0;
}

int iamp_request_add_key(struct iamp_request *req, struct iamp_arena *arena, const char *name,
			 const char *value)
{
	struct iamp_ctx_key *keys = iamp_arena_alloc(arena, (req->key_count + 1) * sizeof(*keys));
	struct iamp_ctx_value *val = iamp_arena_alloc(arena, sizeof(*val));

	if (!keys || !val)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	if (req->key_count)
		memcpy(keys, req->keys, req->key_count * sizeof(*keys));
	val->text = value;
	val->len = strlen(value);
	keys[req->key_count].name = name;
	keys[req->key_count].name_len = strlen(name);
	keys[req->key_count].values = val;
	keys[req->key_count].count = 1;
	keys[req->key_count].multi = false;
	req->keys = keys;
	req->key_count++;
	return 0;
}

/* ---- the light reader (iamp_request_parse) -------------------------------- */

/* The most context keys and list items the light reader takes; a request
 * with more goes to the loader. */
#define LIGHT_MAX_KEYS 64
#define LIGHT_MAX_VALUES 256

struct light {
	const char *p, *end;
	size_t max_string;
};

static void light_ws(struct light *l)
{
	while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\r' || *l->p == '\n'))
		l->p++;
}

/* A string of printable ASCII without escapes; false for anything else. */
static bool light_string(struct light *l, const char **text, size_t *len)
{
	const char *q;

	if (l->p == l->end || *l->p != '"')
		return false;
	for (q = l->p + 1; q < l->end && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7F || *q == '\\')
			return false;
	if (q == l->end || (size_t)(q - l->p - 1) > l->max_string)
		return false;
	*text = l->p + 1;
	*len = (size_t)(q - l->p - 1);
	l->p = q + 1;
	return true;
}

static bool light_digits(struct light *l)
{
	const char *s = l->p;

	while (l->p < l->end && *l->p >= '0' && *l->p <= '9')
		l->p++;
	return l->p > s;
}

/* A JSON number (RFC 8259's grammar), as its text. */
static bool light_number(struct light *l, const char **text, size_t *len)
{
	const char *s = l->p;

	if (l->p < l->end && *l->p == '-')
		l->p++;
	if (l->p < l->end && *l->p == '0')
		l->p++;
	else if (!light_digits(l))
		return false;
	if (l->p < l->end && *l->p == '.') {
		l->p++;
		if (!light_digits(l))
			return false;
	}
	if (l->p < l->end && (*l->p == 'e' || *l->p == 'E')) {
		l->p++;
		if (l->p < l->end && (*l->p == '+' || *l->p == '-'))
			l->p++;
		if (!light_digits(l))
			return false;
	}
	/* what follows must end the value: ',', ']', '}' or white space */
	if (l->p < l->end && !strchr(",]} \t\r\n", *l->p))
		return false;
	if ((size_t)(l->p - s) > l->max_string)
		return false;
	*text = s;
	*len = (size_t)(l->p - s);
	return true;
}

static bool light_word(struct light *l, const char *w, size_t n)
{
	if ((size_t)(l->end - l->p) < n || memcmp(l->p, w, n) != 0)
		return false;
	l->p += n;
	return l->p == l->end || strchr(",]} \t\r\n", *l->p);
}

/* 1 for a scalar (into *v), 0 for null, -1 for anything else. */
static int light_scalar(struct light *l, struct iamp_ctx_value *v)
{
	if (l->p == l->end)
		return -1;
	switch (*l->p) {
	case '"':
		return light_string(l, &v->text, &v->len) ? 1 : -1;
	case 't':
		v->text = "true";
		v->len = 4;
		return light_word(l, "true", 4) ? 1 : -1;
	case 'f':
		v->text = "false";
		v->len = 5;
		return light_word(l, "false", 5) ? 1 : -1;
	case 'n':
		return light_word(l, "null", 4) ? 0 : -1;
	default:
		return light_number(l, &v->text, &v->len) ? 1 : -1;
	}
}

static bool light_punct(struct light *l, char c)
{
	light_ws(l);
	if (l->p == l->end || *l->p != c)
		return false;
	l->p++;
	light_ws(l);
	return true;
}

int iamp_request_parse(struct iamp_request *out, struct iamp_arena *arena, const char *text,
		       size_t len, const struct iamp_limits *limits)
{
	static const char *const fields[] = { "principal", "action", "resource", "context" };
	struct light l = { text, text + len, limits->max_string_bytes };
	struct iamp_ctx_key keys[LIGHT_MAX_KEYS];
	struct iamp_ctx_value vals[LIGHT_MAX_VALUES];
	bool null[LIGHT_MAX_KEYS];
	size_t nkeys = 0, nvals = 0;
	const char **strs[3] = { &out->principal, &out->action, &out->resource };
	size_t *lens[3] = { &out->principal_len, &out->action_len, &out->resource_len };
	unsigned seen = 0;

	memset(out, 0, sizeof(*out));
	if (len > limits->max_file_bytes) /* the loader's INPUT_LIMIT */
		return 1;
	if (!light_punct(&l, '{'))
		return 1;
	while (l.p < l.end && *l.p != '}') {
		const char *name;
		size_t nlen, f;

		if ((seen && !light_punct(&l, ',')) || !light_string(&l, &name, &nlen) ||
		    !light_punct(&l, ':'))
			return 1;
		for (f = 0; f < 4; f++)
			if (strlen(fields[f]) == nlen && memcmp(fields[f], name, nlen) == 0)
				break;
		if (f == 4 || (seen & (1u << f)))
			return 1;
		seen |= 1u << f;
		if (f < 3) {
			if (!light_string(&l, strs[f], lens[f]) || !*lens[f])
				return 1;
			light_ws(&l);
			continue;
		}
		if (!light_punct(&l, '{'))
			return 1;
		while (l.p < l.end && *l.p != '}') {
			struct iamp_ctx_key *k = &keys[nkeys];
			const char *kname;
			size_t klen;
			int got;

			if ((nkeys && !light_punct(&l, ',')) || !light_string(&l, &kname, &klen) ||
			    !light_punct(&l, ':') || nkeys == LIGHT_MAX_KEYS)
				return 1;
			/* a key given twice, even as null, is the loader's to judge */
			for (size_t j = 0; j < nkeys; j++)
				if (keys[j].name_len == klen && strncasecmp(keys[j].name, kname, klen) == 0)
					return 1;
			k->name = kname;
			k->name_len = klen;
			k->values = &vals[nvals]; /* rebased below */
			k->count = 0;
			k->multi = false;
			null[nkeys] = false;
			if (l.p < l.end && *l.p == '[') {
				l.p++;
				light_ws(&l);
				k->multi = true;
				while (l.p < l.end && *l.p != ']') {
					if ((k->count && !light_punct(&l, ',')) || nvals == LIGHT_MAX_VALUES ||
					    light_scalar(&l, &vals[nvals]) != 1)
						return 1;
					nvals++;
					k->count++;
					light_ws(&l);
				}
				if (l.p == l.end)
					return 1;
				l.p++;
			} else {
				if (nvals == LIGHT_MAX_VALUES || (got = light_scalar(&l, &vals[nvals])) < 0)
					return 1;
				nvals += (size_t)got;
				k->count = (size_t)got;
				null[nkeys] = !got; /* null: the key is left out */
			}
			nkeys++;
			light_ws(&l);
		}
		if (l.p == l.end)
			return 1;
		l.p++;
		light_ws(&l);
	}
	if (l.p == l.end)
		return 1;
	l.p++;
	light_ws(&l);
	if (l.p != l.end || (seen & 7u) != 7u || !memchr(out->action, ':', out->action_len))
		return 1;
	if (nkeys) {
		struct iamp_ctx_key *ak = iamp_arena_alloc(arena, nkeys * sizeof(*ak));
		struct iamp_ctx_value *av = iamp_arena_alloc(arena, (nvals ? nvals : 1) * sizeof(*av));
		size_t n = 0;

		if (!ak || !av)
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		if (nvals)
			memcpy(av, vals, nvals * sizeof(*av));
		for (size_t i = 0; i < nkeys; i++) {
			if (null[i])
				continue;
			ak[n] = keys[i];
			ak[n].values = keys[i].count ? av + (keys[i].values - vals) : NULL;
			n++;
		}
		out->keys = ak;
		out->key_count = n;
	}
	return 0;
}
