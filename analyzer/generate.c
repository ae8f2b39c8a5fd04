/*
 * generate.c - templates, the baseline, merging and packing; see generate.h.
 */
#include "generate.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "error.h"
#include "policy.h"

/* {"Version":"2012-10-17","Statement":[ ... ]}: the characters around the statements. */
#define DOC_HEAD "{\"Version\":\"2012-10-17\",\"Statement\":["
#define DOC_TAIL "]}"
#define DOC_OVERHEAD (sizeof(DOC_HEAD) - 1 + sizeof(DOC_TAIL) - 1)

static void *grow(void *p, size_t n, size_t size)
{
	return realloc(p, (n ? n : 1) * size);
}

/* Characters as AWS counts them: UTF-8 code points. */
static size_t chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* ---- templates ------------------------------------------------------------------ */

static char **string_list(struct iamp_reader *r, const struct iamp_value *v, const char *what,
			  size_t *n)
{
	char **out;

	*n = 0;
	if (v->kind == IAMP_VALUE_STRING) {
		if (!(out = malloc(sizeof(*out))) ||
		    !(out[0] = iamp_reader_dup(r, v->u.str.text, v->u.str.len))) {
			free(out);
			r->oom = true;
			return NULL;
		}
		*n = 1;
		return out;
	}
	if (!iamp_reader_want(r, v, IAMP_VALUE_ARRAY, what))
		return NULL;
	if (!(out = calloc(v->u.array.count + 1, sizeof(*out)))) {
		r->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < v->u.array.count; i++) {
		const struct iamp_value *it = v->u.array.items[i];

		if (!iamp_reader_want(r, it, IAMP_VALUE_STRING, what))
			continue;
		if ((out[*n] = iamp_reader_dup(r, it->u.str.text, it->u.str.len)))
			(*n)++;
	}
	return out;
}

static void strings_free(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

/* Unknown members of a mapping are diagnostics. */
static void known_members(struct iamp_reader *r, const struct iamp_value *obj,
			  const char *const *known, const char *what)
{
	for (size_t i = 0; i < obj->u.object.count; i++) {
		size_t k = 0;

		while (known[k] && strcmp(known[k], obj->u.object.members[i].key) != 0)
			k++;
		if (!known[k])
			iamp_reader_diag(r, IAMP_RULE_UNKNOWN_ELEMENT, obj->u.object.members[i].key_span,
					 "unknown element %s of %s", obj->u.object.members[i].key, what);
	}
}

void iamp_template_free(struct iamp_template *t)
{
	if (!t)
		return;
	free(t->control);
	free(t->title);
	free(t->reason);
	strings_free(t->properties, t->nproperties);
	iamp_document_free(t->doc);
	free(t);
}

int iamp_template_load(struct iamp_template **out, const char *path, const char *text,
		       size_t len, const struct iamp_limits *limits, struct iamp_diags *diags)
{
	static const char *const keys[] = { "control", "title", "reason", "properties",
					    "statements", "allow_list", NULL };
	struct iamp_template *t = calloc(1, sizeof(*t));
	struct iamp_reader r = { NULL, NULL, diags, "a template", false, false };
	const struct iamp_value *root, *v;
	int rc;

	*out = NULL;
	if (!t)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	if ((rc = iamp_load_buffer(&t->doc, path, text, len, iamp_format_for_path(path), limits,
				   diags))) {
		free(t);
		return rc;
	}
	r.doc = t->doc;
	root = t->doc->root;
	if (!root || !iamp_reader_want(&r, root, IAMP_VALUE_OBJECT, "a template")) {
		iamp_template_free(t);
		return 0;
	}
	known_members(&r, root, keys, "a template");
	t->control = iamp_reader_string(&r, root, "control", true, NULL);
	t->title = iamp_reader_string(&r, root, "title", true, NULL);
	t->reason = iamp_reader_string(&r, root, "reason", true, NULL);
	if ((v = iamp_value_member(root, "properties") ? iamp_value_member(root, "properties")->value
						       : NULL))
		t->properties = string_list(&r, v, "properties", &t->nproperties);
	else
		iamp_reader_diag(&r, IAMP_RULE_EMPTY_ELEMENT, root->span,
				 "a template names the properties that prove it%s%s", "", "");
	if ((v = iamp_value_member(root, "statements") ? iamp_value_member(root, "statements")->value
						       : NULL)) {
		if (iamp_reader_want(&r, v, IAMP_VALUE_ARRAY, "statements"))
			t->statements = v;
	} else {
		iamp_reader_diag(&r, IAMP_RULE_MISSING_STATEMENT, root->span,
				 "a template needs statements%s%s", "", "");
	}
	if ((v = iamp_value_member(root, "allow_list") ? iamp_value_member(root, "allow_list")->value
						       : NULL) &&
	    iamp_reader_want(&r, v, IAMP_VALUE_ARRAY, "allow_list"))
		t->allow_list = v;
	if (r.oom) {
		iamp_template_free(t);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	if (r.bad) {
		iamp_template_free(t);
		return 0;
	}
	*out = t;
	return 0;
}

/* ---- the baseline ---------------------------------------------------------------- */

void iamp_baseline_free(struct iamp_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->ncontrols; i++)
		strings_free(b->controls[i].targets, b->controls[i].ntargets);
	free(b->controls);
	for (size_t i = 0; i < b->nreserved; i++)
		free(b->reserved[i].target);
	free(b->reserved);
	iamp_params_free(&b->params);
	iamp_document_free(b->doc);
	free(b);
}

/* A whole number from min to max, else a diagnostic. */
static bool number(struct iamp_reader *r, const struct iamp_value *v, unsigned long min,
		   unsigned long max, const char *what, unsigned long *out)
{
	char buf[32], *end;
	unsigned long n;

	if (v->kind != IAMP_VALUE_NUMBER || v->u.str.len >= sizeof(buf)) {
		iamp_reader_diag(r, IAMP_RULE_WRONG_TYPE, v->span, "%s must be %s", what,
				 "a whole number");
		return false;
	}
	memcpy(buf, v->u.str.text, v->u.str.len);
	buf[v->u.str.len] = '\0';
	n = strtoul(buf, &end, 10);
	if (*end || n < min || n > max) {
		iamp_reader_diag(r, IAMP_RULE_WRONG_TYPE, v->span, "%s is out of range: %s", what,
				 buf);
		return false;
	}
	*out = n;
	return true;
}

static void read_limits(struct iamp_reader *r, struct iamp_baseline *b, const struct iamp_value *v)
{
	static const char *const keys[] = { "scps_per_target", "characters", NULL };
	const struct iamp_member *m;
	unsigned long n;

	if (!iamp_reader_want(r, v, IAMP_VALUE_OBJECT, "limits"))
		return;
	known_members(r, v, keys, "limits");
	if ((m = iamp_value_member(v, "scps_per_target")) &&
	    number(r, m->value, 1, 1000, "scps_per_target", &n))
		b->max_scps = (unsigned)n;
	if ((m = iamp_value_member(v, "characters")) &&
	    number(r, m->value, 100, 1000000, "characters", &n))
		b->max_chars = n;
}

static void read_reserved(struct iamp_reader *r, struct iamp_baseline *b, const struct iamp_value *v)
{
	static const char *const keys[] = { "target", "slots", NULL };

	if (v->kind == IAMP_VALUE_NULL)
		return; /* "reserved:" with no entry */
	if (!iamp_reader_want(r, v, IAMP_VALUE_ARRAY, "reserved") ||
	    !(b->reserved = calloc(v->u.array.count + 1, sizeof(*b->reserved)))) {
		r->oom |= v->kind == IAMP_VALUE_ARRAY;
		return;
	}
	for (size_t i = 0; i < v->u.array.count; i++) {
		const struct iamp_value *it = v->u.array.items[i];
		const struct iamp_member *m;
		unsigned long n;
		char *target;

		if (!iamp_reader_want(r, it, IAMP_VALUE_OBJECT, "a reserved entry"))
			continue;
		known_members(r, it, keys, "a reserved entry");
		if (!(target = iamp_reader_string(r, it, "target", true, NULL)))
			continue;
		if (!(m = iamp_value_member(it, "slots"))) {
			iamp_reader_diag(r, IAMP_RULE_EMPTY_ELEMENT, it->span, "%s needs %s",
					 "a reserved entry", "slots");
			free(target);
			continue;
		}
		if (!number(r, m->value, 0, 1000, "slots", &n)) {
			free(target);
			continue;
		}
		b->reserved[b->nreserved].span = it->span;
		b->reserved[b->nreserved].target = target;
		b->reserved[b->nreserved++].slots = (unsigned)n;
	}
}

static const struct iamp_template *find_template(struct iamp_template *const *ts, size_t n,
						 const char *control)
{
	for (size_t i = 0; i < n; i++)
		if (ts[i] && strcmp(ts[i]->control, control) == 0)
			return ts[i];
	return NULL;
}

static void read_controls(struct iamp_reader *r, struct iamp_baseline *b, const struct iamp_value *v,
			  struct iamp_template *const *ts, size_t nts)
{
	static const char *const keys[] = { "control", "attach", NULL };

	if (!iamp_reader_want(r, v, IAMP_VALUE_ARRAY, "controls"))
		return;
	if (!(b->controls = calloc(v->u.array.count + 1, sizeof(*b->controls)))) {
		r->oom = true;
		return;
	}
	for (size_t i = 0; i < v->u.array.count; i++) {
		const struct iamp_value *it = v->u.array.items[i], *where;
		struct iamp_gen_control *c = &b->controls[b->ncontrols];
		const struct iamp_member *m;
		char *name;

		if (!iamp_reader_want(r, it, IAMP_VALUE_OBJECT, "a control"))
			continue;
		known_members(r, it, keys, "a control");
		if (!(name = iamp_reader_string(r, it, "control", true, &where)))
			continue;
		c->t = find_template(ts, nts, name);
		if (!c->t)
			iamp_reader_diag(r, IAMP_RULE_UNKNOWN_ELEMENT, where->span,
					 "no template for control %s%s", name, "");
		for (size_t j = 0; c->t && j < b->ncontrols; j++)
			if (b->controls[j].t == c->t) {
				iamp_reader_diag(r, IAMP_RULE_DUPLICATE_VALUE, where->span,
						 "control %s is named twice: give one entry with every target%s",
						 name, "");
				c->t = NULL;
			}
		free(name);
		if (!(m = iamp_value_member(it, "attach"))) {
			iamp_reader_diag(r, IAMP_RULE_EMPTY_ELEMENT, it->span, "%s needs %s", "a control",
					 "attach (root, an OU name or an account id)");
			continue;
		}
		c->targets = string_list(r, m->value, "attach", &c->ntargets);
		c->span = m->value->span;
		if (c->t && c->ntargets)
			b->ncontrols++;
		else
			strings_free(c->targets, c->ntargets);
	}
}

int iamp_baseline_load(struct iamp_baseline **out, const char *path, const char *text,
		       size_t len, const struct iamp_params *defaults,
		       struct iamp_template *const *templates, size_t ntemplates,
		       const struct iamp_limits *limits, struct iamp_diags *diags)
{
	static const char *const keys[] = { "parameters", "controls", "full_aws_access", "limits",
					    "reserved", NULL };
	struct iamp_baseline *b = calloc(1, sizeof(*b));
	struct iamp_reader r = { NULL, NULL, diags, "the baseline", false, false };
	const struct iamp_value *root;
	const struct iamp_member *m;
	int rc;

	*out = NULL;
	if (!b)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	b->max_scps = 10;
	b->max_chars = 10240;
	if ((rc = iamp_load_buffer(&b->doc, path, text, len, iamp_format_for_path(path), limits,
				   diags))) {
		free(b);
		return rc;
	}
	*out = b;
	r.doc = b->doc;
	r.params = &b->params;
	/* the packs' defaults first, declared there */
	if (iamp_params_copy(&b->params, defaults))
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	root = b->doc->root;
	if (!root || !iamp_reader_want(&r, root, IAMP_VALUE_OBJECT, "a baseline"))
		return r.oom ? iamp_error_set(IAMP_ENOMEM, "out of memory") : 0;
	known_members(&r, root, keys, "a baseline");
	if ((m = iamp_value_member(root, "parameters")) &&
	    iamp_reader_want(&r, m->value, IAMP_VALUE_OBJECT, "parameters"))
		for (size_t i = 0; i < m->value->u.object.count; i++) {
			const struct iamp_member *pm = &m->value->u.object.members[i];

			if (!iamp_params_find(&b->params, pm->key, pm->key_len)) {
				iamp_reader_diag(&r, IAMP_RULE_UNKNOWN_ELEMENT, pm->key_span,
						 "no template or property reads parameter %s%s", pm->key,
						 " (the stage6 packs declare the parameters)");
				continue;
			}
			iamp_params_set(&r, pm->key, pm->key_len, pm->value);
		}
	if ((m = iamp_value_member(root, "full_aws_access")) &&
	    iamp_reader_want(&r, m->value, IAMP_VALUE_STRING, "full_aws_access")) {
		if (strcmp(m->value->u.str.text, "replace") == 0)
			b->replace_full_access = true;
		else if (strcmp(m->value->u.str.text, "keep") != 0)
			iamp_reader_diag(&r, IAMP_RULE_WRONG_TYPE, m->value->span,
					 "full_aws_access is keep or replace, not %s%s",
					 m->value->u.str.text, "");
	}
	if ((m = iamp_value_member(root, "limits")))
		read_limits(&r, b, m->value);
	if ((m = iamp_value_member(root, "reserved")))
		read_reserved(&r, b, m->value);
	if ((m = iamp_value_member(root, "controls")))
		read_controls(&r, b, m->value, templates, ntemplates);
	else
		iamp_reader_diag(&r, IAMP_RULE_EMPTY_ELEMENT, root->span,
				 "a baseline lists its controls%s%s", "", "");
	return r.oom ? iamp_error_set(IAMP_ENOMEM, "out of memory") : 0;
}

/* ---- instantiating and merging ------------------------------------------------------ */

/* A statement of the set: merged statements are one unit. */
struct unit {
	json_object *st;
	char *key;               /* the members that must be equal to merge, or NULL */
	char *text;              /* minified */
	size_t len;              /* characters */
	const char **controls;
	size_t ncontrols;
	bool merged;             /* holds more than one template statement */
	size_t doc;              /* the document it is packed into */
};

static const char *plain(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Everything but Sid and Action, or NULL when the statement cannot merge. */
static char *merge_key(json_object *st)
{
	json_object *rest, *v;
	char *key;

	if (!json_object_object_get_ex(st, "Action", &v) ||
	    json_object_object_get_ex(st, "NotAction", NULL))
		return NULL;
	if (!(rest = json_object_new_object()))
		return NULL;
	json_object_object_foreach(st, k, val)
	{
		if (strcmp(k, "Sid") != 0 && strcmp(k, "Action") != 0)
			json_object_object_add(rest, k, json_object_get(val));
	}
	key = strdup(plain(rest));
	json_object_put(rest);
	return key;
}

static bool has_action(json_object *arr, const char *a)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), a) == 0)
			return true;
	return false;
}

/* Action as a list, in order, without repeats. */
static json_object *action_list(json_object *st)
{
	json_object *v, *out = json_object_new_array();

	if (!out || !json_object_object_get_ex(st, "Action", &v))
		return out;
	if (json_object_is_type(v, json_type_string)) {
		json_object_array_add(out, json_object_get(v));
		return out;
	}
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *a = json_object_array_get_idx(v, i);

		if (!has_action(out, json_object_get_string(a)))
			json_object_array_add(out, json_object_get(a));
	}
	return out;
}

static int unit_text(struct unit *u)
{
	const char *s = plain(u->st);

	free(u->text);
	if (!(u->text = strdup(s)))
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	u->len = chars(u->text, strlen(u->text));
	return 0;
}

static bool unit_has_control(const struct unit *u, const char *c)
{
	for (size_t i = 0; i < u->ncontrols; i++)
		if (strcmp(u->controls[i], c) == 0)
			return true;
	return false;
}

static int unit_add_control(struct unit *u, const char *c)
{
	const char **n;

	if (unit_has_control(u, c))
		return 0;
	if (!(n = grow(u->controls, u->ncontrols + 1, sizeof(*n))))
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	u->controls = n;
	u->controls[u->ncontrols++] = c;
	return 0;
}

/* Folds statement st into an equal unit, or adds it as a new one. */
static int add_statement(struct unit **units, size_t *n, json_object *st, const char *control)
{
	char *key = merge_key(st);
	struct unit *u;

	for (size_t i = 0; key && i < *n; i++) {
		json_object *merged;

		u = &(*units)[i];
		if (!u->key || strcmp(u->key, key) != 0)
			continue;
		merged = action_list(u->st);
		{
			json_object *more = action_list(st);

			for (size_t j = 0; j < json_object_array_length(more); j++) {
				json_object *a = json_object_array_get_idx(more, j);

				if (!has_action(merged, json_object_get_string(a)))
					json_object_array_add(merged, json_object_get(a));
			}
			json_object_put(more);
		}
		json_object_object_add(u->st, "Action", merged);
		u->merged = true;
		json_object_put(st);
		free(key);
		if (unit_add_control(u, control))
			return IAMP_ENOMEM;
		return unit_text(u);
	}
	if (!(u = grow(*units, *n + 1, sizeof(*u)))) {
		free(key);
		json_object_put(st);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	*units = u;
	u = &u[(*n)++];
	memset(u, 0, sizeof(*u));
	u->st = st;
	u->key = key;
	if (unit_add_control(u, control))
		return IAMP_ENOMEM;
	return unit_text(u);
}

static void units_free(struct unit *units, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_object_put(units[i].st);
		free(units[i].key);
		free(units[i].text);
		free(units[i].controls);
	}
	free(units);
}

/* The template's statements (or its allow list) with the parameters in. */
static int instantiate(struct iamp_baseline *b, const struct iamp_template *t, bool allow_list,
		       struct unit **units, size_t *n, struct iamp_diags *diags)
{
	struct iamp_reader r = { &b->params, t->doc, diags, "a template", false, false };
	const struct iamp_value *list = allow_list ? t->allow_list : t->statements;

	for (size_t i = 0; i < list->u.array.count; i++) {
		char *buf = NULL;
		size_t blen = 0;
		FILE *f = open_memstream(&buf, &blen);
		json_object *st;
		int rc;

		if (!f)
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		iamp_params_emit(&r, f, list->u.array.items[i]);
		if (fclose(f) != 0 || r.oom) {
			free(buf);
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		}
		if (r.bad) {
			free(buf);
			return iamp_error_set(IAMP_EINVAL, "template %s: a parameter is missing",
					      t->control);
		}
		st = json_tokener_parse(buf);
		free(buf);
		if (!st || !json_object_is_type(st, json_type_object)) {
			json_object_put(st);
			return iamp_error_set(IAMP_EINVAL, "template %s: statement %zu is not a mapping",
					      t->control, i + 1);
		}
		if ((rc = add_statement(units, n, st, t->control)))
			return rc;
	}
	return 0;
}

/* ---- packing ------------------------------------------------------------------- */

static bool attached(const struct iamp_gen_control *c, const char *target)
{
	for (size_t i = 0; i < c->ntargets; i++)
		if (strcmp(c->targets[i], target) == 0)
			return true;
	return false;
}

/*
 * First fit: each unit into the first document with room. `order` lists
 * the units to place. Returns the number of documents used.
 */
static size_t first_fit(struct unit *units, const size_t *order, size_t n, size_t cap)
{
	size_t *used = calloc(n + 1, sizeof(*used)), docs = 0;

	if (!used)
		return (size_t)-1;
	for (size_t k = 0; k < n; k++) {
		struct unit *u = &units[order[k]];
		size_t d = 0;

		while (d < docs && used[d] + 1 + u->len > cap)
			d++;
		if (d == docs)
			used[docs++] = DOC_OVERHEAD - 1; /* the first statement has no comma */
		used[d] += 1 + u->len;
		u->doc = d;
	}
	free(used);
	return docs;
}

static char *slug(const char *target)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	bool account = strlen(target) == 12 && strspn(target, "0123456789") == 12;

	if (!f)
		return NULL;
	if (strcmp(target, "root") == 0)
		fputs("root", f);
	else {
		fputs(account ? "account-" : "ou-", f);
		for (const char *p = target; *p; p++)
			fputc(((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
				      ? *p
				      : (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : '-',
			      f);
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int add_scp(struct iamp_gen_set *set, const char *target, size_t k, size_t ndocs,
		   struct unit *units, size_t n)
{
	struct iamp_gen_scp *s = grow(set->scps, set->nscps + 1, sizeof(*s));
	char *name = slug(target);
	FILE *f;
	bool first = true;

	if (!s || !name) {
		free(name);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	set->scps = s;
	s = &s[set->nscps];
	memset(s, 0, sizeof(*s));
	if (ndocs > 1 ? asprintf(&s->name, "stage6-%s-%zu", name, k + 1) < 0
		      : asprintf(&s->name, "stage6-%s", name) < 0) {
		s->name = NULL;
		free(name);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	free(name);
	set->nscps++;
	if (!(s->target = strdup(target)) || !(f = open_memstream(&s->json, &s->len)))
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	fputs(DOC_HEAD, f);
	for (size_t i = 0; i < n; i++) {
		if (units[i].doc != k)
			continue;
		fprintf(f, "%s%s", first ? "" : ",", units[i].text);
		first = false;
		for (size_t c = 0; c < units[i].ncontrols; c++) {
			bool seen = false;

			for (size_t j = 0; j < s->ncontrols; j++)
				seen |= strcmp(s->controls[j], units[i].controls[c]) == 0;
			if (seen)
				continue;
			if (!(s->controls = grow(s->controls, s->ncontrols + 1, sizeof(char *))) ||
			    !(s->controls[s->ncontrols++] = strdup(units[i].controls[c]))) {
				fclose(f);
				return iamp_error_set(IAMP_ENOMEM, "out of memory");
			}
		}
	}
	fputs(DOC_TAIL, f);
	if (fclose(f) != 0)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	s->len = chars(s->json, s->len);
	return 0;
}

static int by_size(const void *a, const void *b, void *arg)
{
	const struct unit *u = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (u[x].len != u[y].len)
		return u[x].len < u[y].len ? 1 : -1;
	return x < y ? -1 : x > y;
}

/* Appends to *msg, a growing message: fmt takes a (%s) or else n (%zu). */
static void say(char **msg, const char *fmt, const char *a, size_t n)
{
	char *old = *msg, *line = NULL;

	if ((a ? asprintf(&line, fmt, a) : asprintf(&line, fmt, n)) < 0)
		return;
	if (asprintf(msg, "%s%s", old ? old : "", line) < 0)
		*msg = old;
	else
		free(old);
	free(line);
}

/*
 * A merged statement is named after its controls, "DenyAccessKeysDeny
 * LeaveOrganization...", not after the first statement it took in; a
 * number keeps Sids unique where two units share their controls.
 */
static int name_merged(struct unit *units, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *sid = NULL, *tried = NULL;
		size_t len = 0;
		FILE *f;

		if (!units[i].merged)
			continue;
		if (!(f = open_memstream(&sid, &len)))
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		for (size_t c = 0; c < units[i].ncontrols; c++) {
			bool up = true;

			for (const char *p = units[i].controls[c]; *p; p++) {
				if (*p == '-') {
					up = true;
					continue;
				}
				if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				    (*p >= '0' && *p <= '9'))
					fputc(up && *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, f);
				up = false;
			}
		}
		if (fclose(f) != 0) {
			free(sid);
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		}
		for (unsigned k = 1;; k++) {
			bool taken = false;

			free(tried);
			if ((k == 1 ? asprintf(&tried, "%s", sid) : asprintf(&tried, "%s%u", sid, k)) < 0) {
				free(sid);
				return iamp_error_set(IAMP_ENOMEM, "out of memory");
			}
			for (size_t j = 0; j < n && !taken; j++) {
				json_object *v;

				taken = j != i && json_object_object_get_ex(units[j].st, "Sid", &v) &&
					strcmp(json_object_get_string(v), tried) == 0;
			}
			if (!taken)
				break;
		}
		free(sid);
		json_object_object_add(units[i].st, "Sid", json_object_new_string(tried));
		free(tried);
		if (unit_text(&units[i]))
			return IAMP_ENOMEM;
	}
	return 0;
}

/* One target: its units packed into at most `free_slots` documents. */
static int pack_target(struct iamp_gen_set *set, struct iamp_baseline *b, const char *target,
		       unsigned free_slots, struct iamp_diags *diags)
{
	struct unit *units = NULL;
	size_t n = 0, docs, *order = NULL;
	int rc = 0;

	for (size_t c = 0; c < b->ncontrols && !rc; c++) {
		const struct iamp_gen_control *gc = &b->controls[c];

		if (!attached(gc, target))
			continue;
		rc = instantiate(b, gc->t, b->replace_full_access && gc->t->allow_list, &units, &n,
				 diags);
	}
	if (rc || !n || (rc = name_merged(units, n)))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (units[i].len + DOC_OVERHEAD > b->max_chars) {
			say(&set->error, "%s: a statement is over the SCP size limit by %zu characters\n",
			    units[i].controls[0], units[i].len + DOC_OVERHEAD - b->max_chars);
			goto out;
		}
	if (!(order = calloc(n, sizeof(*order)))) {
		rc = iamp_error_set(IAMP_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	docs = first_fit(units, order, n, b->max_chars);
	if (docs != (size_t)-1 && docs > free_slots) {
		qsort_r(order, n, sizeof(*order), by_size, units);
		docs = first_fit(units, order, n, b->max_chars);
	}
	if (docs == (size_t)-1) {
		rc = iamp_error_set(IAMP_ENOMEM, "out of memory");
		goto out;
	}
	if (docs > free_slots) {
		size_t over = 0;
		char *names = NULL;

		for (size_t i = 0; i < n; i++) {
			if (units[i].doc < free_slots)
				continue;
			over += units[i].len + 1;
			for (size_t c = 0; c < units[i].ncontrols; c++)
				if (!names || !strstr(names, units[i].controls[c]))
					say(&names, names ? ", %s" : "%s", units[i].controls[c], 0);
		}
		say(&set->error, "%s: ", target, 0);
		say(&set->error, "%zu SCPs needed", NULL, docs);
		say(&set->error, ", %zu slots free", NULL, free_slots);
		say(&set->error, " (limit %zu);", NULL, b->max_scps);
		say(&set->error, " over by %zu characters: ", NULL, over);
		say(&set->error, "%s\n", names ? names : "", 0);
		free(names);
		goto out;
	}
	for (size_t k = 0; k < docs && !rc; k++)
		rc = add_scp(set, target, k, docs, units, n);
out:
	free(order);
	units_free(units, n);
	return rc;
}

static unsigned reserved_slots(const struct iamp_baseline *b, const char *target)
{
	unsigned s = 0;

	for (size_t i = 0; i < b->nreserved; i++)
		if (strcmp(b->reserved[i].target, target) == 0)
			s += b->reserved[i].slots;
	return s;
}

/* FullAWSAccess stays attached at the target. */
static bool keeps_full_access(const struct iamp_baseline *b, const struct iamp_gen_target *t)
{
	if (!t->full_access)
		return false;
	if (!b->replace_full_access)
		return true;
	for (size_t c = 0; c < b->ncontrols; c++)
		if (b->controls[c].t->allow_list && attached(&b->controls[c], t->name))
			return false;
	return true;
}

int iamp_generate(struct iamp_gen_set *set, struct iamp_baseline *b,
		  const struct iamp_gen_target *targets, size_t ntargets, struct iamp_diags *diags)
{
	struct iamp_reader r = { &b->params, b->doc, diags, "the baseline", false, false };
	int rc = 0;

	memset(set, 0, sizeof(*set));
	/* every target the baseline names must exist */
	for (size_t c = 0; c < b->ncontrols; c++)
		for (size_t i = 0; i < b->controls[c].ntargets; i++) {
			size_t t = 0;

			while (t < ntargets && strcmp(targets[t].name, b->controls[c].targets[i]) != 0)
				t++;
			if (t == ntargets)
				iamp_reader_diag(&r, IAMP_RULE_UNKNOWN_ELEMENT, b->controls[c].span,
						 "no target %s in the organization (root, an OU name or an account id)%s",
						 b->controls[c].targets[i], "");
		}
	for (size_t i = 0; i < b->nreserved; i++) {
		size_t t = 0;

		while (t < ntargets && strcmp(targets[t].name, b->reserved[i].target) != 0)
			t++;
		if (t == ntargets)
			iamp_reader_diag(&r, IAMP_RULE_UNKNOWN_ELEMENT, b->reserved[i].span,
					 "reserved: no target %s in the organization%s",
					 b->reserved[i].target, "");
	}
	if (r.oom)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	if (r.bad)
		return iamp_error_set(IAMP_EINVAL, "the baseline names targets the organization lacks");
	for (size_t t = 0; t < ntargets && !rc; t++) {
		unsigned taken = targets[t].taken + (keeps_full_access(b, &targets[t]) ? 1 : 0) +
				 reserved_slots(b, targets[t].name);

		rc = pack_target(set, b, targets[t].name, taken >= b->max_scps ? 0 : b->max_scps - taken,
				 diags);
	}
	return rc;
}

void iamp_gen_set_free(struct iamp_gen_set *set)
{
	for (size_t i = 0; i < set->nscps; i++) {
		free(set->scps[i].name);
		free(set->scps[i].target);
		free(set->scps[i].json);
		strings_free(set->scps[i].controls, set->scps[i].ncontrols);
	}
	free(set->scps);
	free(set->error);
	memset(set, 0, sizeof(*set));
}
