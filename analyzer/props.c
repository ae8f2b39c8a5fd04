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

/* A property file's reading: the shared reader, and its file. */
struct reader {
	struct iamp_reader rd;
	struct iamp_propfile *pf;
};

static void diag(struct reader *r, enum iamp_rule_id rule, struct iamp_span span, const char *fmt,
		 const char *a, const char *b)
{
	iamp_reader_diag(&r->rd, (int)rule, span, fmt, a, b);
}

static bool want(struct reader *r, const struct iamp_value *v, enum iamp_value_kind k,
		 const char *what)
{
	return iamp_reader_want(&r->rd, v, k, what);
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
		r->rd.oom = true;
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
		iamp_params_emit(&r->rd, f, m->value);
	}
	if (!principal)
		fputs(",\"Principal\":\"*\"", f);
	if (!resource)
		fputs(",\"Resource\":\"*\"", f);
	fputs("}]}", f);
	if (fclose(f) != 0 || !buf) {
		free(buf);
		r->rd.oom = true;
		return NULL;
	}
	return buf;
}

/* ---- properties ----------------------------------------------------------------- */

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
	r->rd.bad = false;
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
	p.id = iamp_reader_string(&r->rd, v, "id", true, NULL);
	p.title = iamp_reader_string(&r->rd, v, "title", true, NULL);
	p.description = iamp_reader_string(&r->rd, v, "description", false, NULL);
	if ((expect = iamp_reader_string(&r->rd, v, "expect", true, &where)) &&
	    !iamp_expect_parse(&p.expect, expect))
		diag(r, IAMP_RULE_WRONG_TYPE, where->span,
		     "expect must be denied, allowed or not-more-than, not %s%s", expect, "");
	free(expect);
	{
		char *ref = iamp_reader_string(&r->rd, v, "reference", false, &where);

		if (ref && ref[0] != '/' && dir && *dir) {
			char *full = NULL;

			if (asprintf(&full, "%s/%s", dir, ref) < 0)
				r->rd.oom = true;
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
	if (r->rd.bad || r->rd.oom) {
		property_free(&p);
		return;
	}
	{
		struct iamp_property *np = realloc(r->pf->props, (r->pf->nprops + 1) * sizeof(*np));

		if (!np) {
			r->rd.oom = true;
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
	struct reader r = { { NULL, NULL, diags, "a property", false, false }, pf };
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
	r.rd.params = &pf->params;
	r.rd.doc = pf->doc;
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
			iamp_params_read(&r.rd, m->value);
	}
	for (size_t i = 0; i < noverrides; i++)
		if ((rc = iamp_params_override(&pf->params, overrides[i])))
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
	return r.rd.oom ? iamp_error_set(IAMP_ENOMEM, "out of memory") : 0;
}

void iamp_props_free(struct iamp_propfile *pf)
{
	if (!pf)
		return;
	for (size_t i = 0; i < pf->nprops; i++)
		property_free(&pf->props[i]);
	free(pf->props);
	iamp_params_free(&pf->params);
	iamp_document_free(pf->doc);
	free(pf);
}
