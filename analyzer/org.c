/*
 * org.c - reading org.yaml into the organization model; see org.h.
 * The file is loaded by the project loader (spans on every value), and
 * every node, string and list lives in that document's arena.
 */
#include "org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "error.h"
#include "policy.h"

struct reader {
	struct iamp_org *org;
	struct iamp_document *doc;
	struct iamp_diags *diags;
	const char *dir; /* org.yaml's directory with a trailing '/', or "" */
	size_t dir_len;
	bool oom;
	unsigned depth;
};

static void *alloc(struct reader *r, size_t n)
{
	void *p = iamp_arena_alloc(r->doc->arena, n ? n : 1);

	if (!p)
		r->oom = true;
	return p;
}

static bool is_type(struct reader *r, const struct iamp_value *v, enum iamp_value_kind kind,
		    const char *what)
{
	static const char *const names[] = { "null", "a boolean", "a number",
					     "a string", "a list", "a mapping" };

	if (v->kind == kind)
		return true;
	iamp_doc_diag(r->diags, r->doc, IAMP_RULE_WRONG_TYPE, v->span, "%s must be %s, not %s",
		      what, names[kind], names[v->kind]);
	return false;
}

/* Checks that every key of `obj` is one of `known` (NULL-terminated). */
static void known_keys(struct reader *r, const struct iamp_value *obj, const char *const *known,
		       const char *where)
{
	for (size_t i = 0; i < obj->u.object.count; i++) {
		const struct iamp_member *m = &obj->u.object.members[i];
		bool ok = false;

		for (const char *const *k = known; *k; k++)
			ok |= strcmp(*k, m->key) == 0;
		if (!ok)
			iamp_doc_diag(r->diags, r->doc, IAMP_RULE_UNKNOWN_ELEMENT, m->key_span,
				      "unknown key \"%s\" in %s", m->key, where);
	}
}

static const char *scalar(struct reader *r, const struct iamp_value *v, const char *what)
{
	/* Account ids are often written unquoted: accept numbers as text. */
	if (v->kind == IAMP_VALUE_NUMBER)
		return v->u.str.text;
	if (!is_type(r, v, IAMP_VALUE_STRING, what))
		return NULL;
	if (v->u.str.len == 0) {
		iamp_doc_diag(r->diags, r->doc, IAMP_RULE_EMPTY_ELEMENT, v->span, "%s is empty", what);
		return NULL;
	}
	return v->u.str.text;
}

static bool read_ref(struct reader *r, struct iamp_org_ref *out, const struct iamp_value *v,
		     const char *what, bool allow_full)
{
	const char *s = scalar(r, v, what);
	char *path;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->span = v->span;
	if (!s)
		return false;
	if (allow_full && (strcmp(s, "FullAWSAccess") == 0 || strcmp(s, "RCPFullAWSAccess") == 0)) {
		out->full_access = true;
		return true;
	}
	n = strlen(s);
	if (s[0] == '/') {
		out->path = s;
		return true;
	}
	path = alloc(r, r->dir_len + n + 1);
	if (!path)
		return false;
	memcpy(path, r->dir, r->dir_len);
	memcpy(path + r->dir_len, s, n + 1);
	out->path = path;
	return true;
}

/* A list of policy references (a single string is a list of one). */
static void read_refs(struct reader *r, struct iamp_org_ref **out, size_t *count,
		      const struct iamp_value *v, const char *what, bool allow_full)
{
	size_t n = v->kind == IAMP_VALUE_ARRAY ? v->u.array.count : 1, k = 0;
	struct iamp_org_ref *refs;

	*out = NULL;
	*count = 0;
	if (v->kind != IAMP_VALUE_ARRAY && v->kind != IAMP_VALUE_STRING) {
		is_type(r, v, IAMP_VALUE_ARRAY, what);
		return;
	}
	refs = alloc(r, n * sizeof(*refs));
	if (!refs)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct iamp_value *item = v->kind == IAMP_VALUE_ARRAY ? v->u.array.items[i] : v;

		if (read_ref(r, &refs[k], item, what, allow_full))
			k++;
	}
	*out = refs;
	*count = k;
}

static struct iamp_org_node *read_node(struct reader *r, const struct iamp_value *v,
				       enum iamp_org_kind kind, struct iamp_org_node *parent);

static void read_children(struct reader *r, struct iamp_org_node *node, const struct iamp_value *v,
			  enum iamp_org_kind kind, const char *what)
{
	struct iamp_org_node **kids;

	if (!is_type(r, v, IAMP_VALUE_ARRAY, what))
		return;
	kids = alloc(r, (node->child_count + v->u.array.count) * sizeof(*kids));
	if (!kids)
		return;
	if (node->child_count)
		memcpy(kids, node->children, node->child_count * sizeof(*kids));
	node->children = kids; /* before reading: duplicate checks walk the tree */
	for (size_t i = 0; i < v->u.array.count; i++) {
		struct iamp_org_node *c = read_node(r, v->u.array.items[i], kind, node);

		if (c)
			kids[node->child_count++] = c;
	}
}

static struct iamp_org_node *read_node(struct reader *r, const struct iamp_value *v,
				       enum iamp_org_kind kind, struct iamp_org_node *parent)
{
	static const char *const root_keys[] = { "name", "scps", "rcps", "ous", "accounts", NULL };
	static const char *const ou_keys[] = { "name", "id", "scps", "rcps", "ous", "accounts", NULL };
	static const char *const account_keys[] = { "id", "name", "scps", "rcps", NULL };
	const char *where = kind == IAMP_ORG_ROOT ? "the root" : kind == IAMP_ORG_OU ? "an OU" : "an account";
	struct iamp_org_node *n;
	const struct iamp_member *m;

	if (!is_type(r, v, IAMP_VALUE_OBJECT, where))
		return NULL;
	if (++r->depth > 16) {
		iamp_doc_diag(r->diags, r->doc, IAMP_RULE_INPUT_LIMIT, v->span,
			      "organization deeper than 16 levels");
		r->depth--;
		return NULL;
	}
	n = alloc(r, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->span = v->span;
	if (kind == IAMP_ORG_ROOT)
		r->org->root = n; /* so that duplicate accounts are found while reading */
	n->parent = parent;
	n->name = kind == IAMP_ORG_ROOT ? "Root" : NULL;
	known_keys(r, v, kind == IAMP_ORG_ROOT ? root_keys : kind == IAMP_ORG_OU ? ou_keys : account_keys,
		   where);
	if ((m = iamp_value_member(v, "name")))
		n->name = scalar(r, m->value, "name");
	if (kind == IAMP_ORG_ACCOUNT) {
		m = iamp_value_member(v, "id");
		if (!m) {
			iamp_doc_diag(r->diags, r->doc, IAMP_RULE_EMPTY_ELEMENT, v->span,
				      "an account needs an \"id\" (12 digits)");
		} else if ((n->id = scalar(r, m->value, "id"))) {
			size_t len = strlen(n->id);
			bool digits = len == 12;

			for (size_t i = 0; i < len && digits; i++)
				digits = n->id[i] >= '0' && n->id[i] <= '9';
			if (!digits) {
				iamp_doc_diag(r->diags, r->doc, IAMP_RULE_WRONG_TYPE, m->value->span,
					      "account id \"%s\" is not 12 digits", n->id);
				n->id = NULL;
			} else if (iamp_org_account(r->org, n->id)) {
				iamp_doc_diag(r->diags, r->doc, IAMP_RULE_DUPLICATE_VALUE, m->value->span,
					      "account %s appears twice", n->id);
			}
		}
		if (!n->name)
			n->name = n->id;
	} else if (kind == IAMP_ORG_OU && !n->name) {
		iamp_doc_diag(r->diags, r->doc, IAMP_RULE_EMPTY_ELEMENT, v->span, "an OU needs a \"name\"");
		n->name = "(unnamed OU)";
	}
	if ((m = iamp_value_member(v, "scps"))) {
		n->has_scps = true;
		read_refs(r, &n->scps, &n->scp_count, m->value, "scps", true);
	}
	if ((m = iamp_value_member(v, "rcps")))
		read_refs(r, &n->rcps, &n->rcp_count, m->value, "rcps", true);
	if (kind != IAMP_ORG_ACCOUNT) {
		if ((m = iamp_value_member(v, "ous")))
			read_children(r, n, m->value, IAMP_ORG_OU, "ous");
		if ((m = iamp_value_member(v, "accounts")))
			read_children(r, n, m->value, IAMP_ORG_ACCOUNT, "accounts");
	}
	r->depth--;
	return n;
}

static void read_principals(struct reader *r, const struct iamp_value *v)
{
	static const char *const keys[] = { "arn", "identity", "boundary", NULL };
	struct iamp_org_principal *ps;
	size_t k = 0;

	if (!is_type(r, v, IAMP_VALUE_ARRAY, "principals"))
		return;
	ps = alloc(r, v->u.array.count * sizeof(*ps));
	if (!ps)
		return;
	for (size_t i = 0; i < v->u.array.count; i++) {
		const struct iamp_value *item = v->u.array.items[i];
		struct iamp_org_principal *p = &ps[k];
		const struct iamp_member *m;

		if (!is_type(r, item, IAMP_VALUE_OBJECT, "a principal"))
			continue;
		known_keys(r, item, keys, "a principal");
		p->span = item->span;
		m = iamp_value_member(item, "arn");
		if (!m) {
			iamp_doc_diag(r->diags, r->doc, IAMP_RULE_EMPTY_ELEMENT, item->span,
				      "a principal needs an \"arn\"");
			continue;
		}
		if (!(p->arn = scalar(r, m->value, "arn")))
			continue;
		if ((m = iamp_value_member(item, "identity")))
			read_refs(r, &p->identity, &p->identity_count, m->value, "identity", false);
		if ((m = iamp_value_member(item, "boundary")))
			p->has_boundary = read_ref(r, &p->boundary, m->value, "boundary", false);
		k++;
	}
	r->org->principals = ps;
	r->org->principal_count = k;
}

int iamp_org_load(struct iamp_org **out, const char *path, const struct iamp_limits *limits,
		  struct iamp_diags *diags)
{
	static const char *const top_keys[] = { "management_account", "root", "principals", NULL };
	struct reader r = { 0 };
	struct iamp_org *org;
	const struct iamp_member *m;
	const char *slash;
	int rc;

	*out = NULL;
	org = calloc(1, sizeof(*org));
	if (!org)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	rc = iamp_load_file(&org->doc, path, limits, diags);
	if (rc) {
		free(org);
		return rc;
	}
	r.org = org;
	r.doc = org->doc;
	r.diags = diags;
	slash = strrchr(path, '/');
	r.dir = slash ? path : "";
	r.dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	if (!org->doc->root) {
		iamp_org_free(org);
		return 0;
	}
	if (!is_type(&r, org->doc->root, IAMP_VALUE_OBJECT, "org.yaml")) {
		iamp_org_free(org);
		return 0;
	}
	known_keys(&r, org->doc->root, top_keys, "org.yaml");
	if ((m = iamp_value_member(org->doc->root, "management_account")))
		org->management_account = scalar(&r, m->value, "management_account");
	m = iamp_value_member(org->doc->root, "root");
	if (!m)
		iamp_doc_diag(diags, org->doc, IAMP_RULE_EMPTY_ELEMENT, org->doc->root->span,
			      "org.yaml needs a \"root\"");
	else
		org->root = read_node(&r, m->value, IAMP_ORG_ROOT, NULL);
	if ((m = iamp_value_member(org->doc->root, "principals")))
		read_principals(&r, m->value);
	if (r.oom) {
		iamp_org_free(org);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	if (!org->root) {
		iamp_org_free(org);
		return 0;
	}
	*out = org;
	return 0;
}

void iamp_org_free(struct iamp_org *org)
{
	if (!org)
		return;
	iamp_document_free(org->doc);
	free(org);
}

static const struct iamp_org_node *find(const struct iamp_org_node *n, const char *id)
{
	if (!n)
		return NULL;
	if (n->kind == IAMP_ORG_ACCOUNT && n->id && strcmp(n->id, id) == 0)
		return n;
	for (size_t i = 0; i < n->child_count; i++) {
		const struct iamp_org_node *f = find(n->children[i], id);

		if (f)
			return f;
	}
	return NULL;
}

const struct iamp_org_node *iamp_org_account(const struct iamp_org *org, const char *id)
{
	return find(org->root, id);
}

size_t iamp_org_path(const struct iamp_org_node *node, const struct iamp_org_node **out,
		     size_t max)
{
	size_t n = 0;

	for (const struct iamp_org_node *p = node; p; p = p->parent)
		n++;
	size_t i = n;

	for (const struct iamp_org_node *p = node; p; p = p->parent) {
		i--;
		if (i < max)
			out[i] = p;
	}
	return n;
}

bool iamp_org_scp_full(const struct iamp_org_node *node)
{
	if (!node->has_scps)
		return true;
	for (size_t i = 0; i < node->scp_count; i++)
		if (node->scps[i].full_access)
			return true;
	return false;
}

void iamp_org_node_name(char *buf, size_t size, const struct iamp_org_node *n)
{
	if (n->kind == IAMP_ORG_ROOT)
		snprintf(buf, size, "root");
	else if (n->kind == IAMP_ORG_OU)
		snprintf(buf, size, "OU %s", n->name ? n->name : "?");
	else if (n->name && n->id && strcmp(n->name, n->id) != 0)
		snprintf(buf, size, "account %s (%s)", n->name, n->id);
	else
		snprintf(buf, size, "account %s", n->id ? n->id : "?");
}

static const char *const rcp_services[] = {
#define RCP_SERVICE(s) s,
#include "rcp_services.def"
#undef RCP_SERVICE
};

bool iamp_org_rcp_service(const char *svc, size_t len)
{
	size_t lo = 0, hi = sizeof(rcp_services) / sizeof(rcp_services[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *s = rcp_services[mid];
		size_t n = strlen(s);
		int c = memcmp(s, svc, n < len ? n : len);

		if (c == 0)
			c = (n > len) - (n < len);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool iamp_org_rcp_services_sorted(void)
{
	for (size_t i = 1; i < sizeof(rcp_services) / sizeof(rcp_services[0]); i++)
		if (strcmp(rcp_services[i - 1], rcp_services[i]) >= 0)
			return false;
	return true;
}
