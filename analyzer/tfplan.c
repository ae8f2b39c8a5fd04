/*
 * tfplan.c - policies in Terraform plan and state JSON (`terraform show
 * -json`); see iac.h.
 *
 *   plan:  planned_values.root_module ─┐  resources[] and child_modules[]
 *          prior_state.values...       ├▶ (recursively) ─▶ each resource of
 *   state: values.root_module ─────────┘  a type in the table below
 *
 *   "resources": [ { "address": "module.app.aws_iam_policy.p",
 *                    "type": "aws_iam_policy",
 *                    "values": { "policy": "{\"Version\": ...}" } } ]
 *                                          └─▶ iac_add: the string is read as
 *                                              JSON at its place in the file
 *
 * A value unknown until apply is absent (or null) from planned_values;
 * resource_changes[].change.after_unknown says so, with `true` at the
 * attribute's place ("inline_policy": [{"policy": true}]). Such a policy
 * gets SYMBOLIC_VALUE at the resource's address.
 *
 * Two passes. The first reads the attributes that are a policy's own
 * (aws_iam_policy.policy, aws_sqs_queue_policy.policy ...). The second
 * reads the copies: the `json` of aws_iam_policy_document data sources
 * and the attributes a provider fills in from another resource
 * (aws_sqs_queue.policy mirrors its aws_sqs_queue_policy), each only when
 * no policy read before has the same text, so that a policy built by a
 * data source and given to a role is reported once, at the role. A data
 * source's policy takes the type of the attribute that refers to it in
 * `configuration` (a data source used as an assume_role_policy is a
 * trust policy), else identity.
 */
#include <stdio.h>
#include <string.h>

#include "iac_internal.h"
#include "params.h"

#define DATA_DOC "aws_iam_policy_document"

static const struct {
	const char *type;
	const char *path; /* "[]" walks every item of a list */
	enum iamp_policy_type ptype;
	bool copy;        /* read in the second pass */
} attrs[] = {
	{ "aws_iam_policy", "policy", IAMP_POLICY_IDENTITY, false },
	{ "aws_iam_role", "assume_role_policy", IAMP_POLICY_TRUST, false },
	{ "aws_iam_role", "inline_policy[].policy", IAMP_POLICY_IDENTITY, false },
	{ "aws_iam_role_policy", "policy", IAMP_POLICY_IDENTITY, false },
	{ "aws_iam_user_policy", "policy", IAMP_POLICY_IDENTITY, false },
	{ "aws_iam_group_policy", "policy", IAMP_POLICY_IDENTITY, false },
	{ "aws_organizations_policy", "content", IAMP_POLICY_SCP, false },
	{ "aws_s3_bucket_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_s3_access_point", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_s3control_access_point_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_kms_key", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_kms_key_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_kms_replica_key", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_sqs_queue_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_sns_topic_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_secretsmanager_secret_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_ecr_repository_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_ecr_registry_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_ecrpublic_repository_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_efs_file_system_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_glacier_vault", "access_policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_backup_vault_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_cloudwatch_log_resource_policy", "policy_document", IAMP_POLICY_RESOURCE, false },
	{ "aws_opensearch_domain_policy", "access_policies", IAMP_POLICY_RESOURCE, false },
	{ "aws_elasticsearch_domain_policy", "access_policies", IAMP_POLICY_RESOURCE, false },
	{ "aws_api_gateway_rest_api_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_vpc_endpoint_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_dynamodb_resource_policy", "policy", IAMP_POLICY_RESOURCE, false },
	{ "aws_codeartifact_domain_permissions_policy", "policy_document", IAMP_POLICY_RESOURCE, false },
	{ "aws_codeartifact_repository_permissions_policy", "policy_document", IAMP_POLICY_RESOURCE, false },
	{ "aws_sqs_queue", "policy", IAMP_POLICY_RESOURCE, true },
	{ "aws_sns_topic", "policy", IAMP_POLICY_RESOURCE, true },
	{ "aws_s3_bucket", "policy", IAMP_POLICY_RESOURCE, true },
	{ "aws_secretsmanager_secret", "policy", IAMP_POLICY_RESOURCE, true },
	{ "aws_opensearch_domain", "access_policies", IAMP_POLICY_RESOURCE, true },
	{ "aws_elasticsearch_domain", "access_policies", IAMP_POLICY_RESOURCE, true },
	{ "aws_api_gateway_rest_api", "policy", IAMP_POLICY_RESOURCE, true },
	{ "aws_vpc_endpoint", "policy", IAMP_POLICY_RESOURCE, true },
	{ DATA_DOC, "json", IAMP_POLICY_IDENTITY, true },
};

#define NATTRS (sizeof(attrs) / sizeof(*attrs))

struct tf {
	struct iac *x;
	const struct iamp_value *changes; /* resource_changes, or NULL */
	const struct iamp_value *config;  /* configuration, or NULL */
	bool second;                      /* the pass of the copies */
	bool data_only;                   /* prior_state: its data sources only */
};

static const struct iamp_value *member(const struct iamp_value *v, const char *key)
{
	const struct iamp_member *m = iamp_value_member(v, key);

	return m ? m->value : NULL;
}

static const char *string(const struct iamp_value *v, const char *key)
{
	const struct iamp_value *s = member(v, key);

	return s && s->kind == IAMP_VALUE_STRING ? s->u.str.text : NULL;
}

static bool is_true(const struct iamp_value *v)
{
	return v && v->kind == IAMP_VALUE_BOOL && v->u.boolean;
}

/* change.after_unknown of the resource at `address`, or NULL. */
static const struct iamp_value *after_unknown(const struct tf *t, const char *address)
{
	if (!t->changes || t->changes->kind != IAMP_VALUE_ARRAY || !address)
		return NULL;
	for (size_t i = 0; i < t->changes->u.array.count; i++) {
		const struct iamp_value *rc = t->changes->u.array.items[i];
		const char *a = string(rc, "address");

		if (a && strcmp(a, address) == 0)
			return member(member(rc, "change"), "after_unknown");
	}
	return NULL;
}

/* Has a policy read so far the text `s`? */
static bool seen(const struct tf *t, const struct iamp_value *s)
{
	const struct iamp_embedded_list *l = t->x->out;

	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].text && l->items[i].text_len == s->u.str.len &&
		    memcmp(l->items[i].text, s->u.str.text, s->u.str.len) == 0)
			return true;
	return false;
}

/* Does `v` (an expression: {"references": [...]}) refer to `ref`? */
static bool refers(const struct iamp_value *v, const char *ref)
{
	const struct iamp_value *refs = member(v, "references");
	size_t n = strlen(ref);

	if (!refs || refs->kind != IAMP_VALUE_ARRAY)
		return false;
	for (size_t i = 0; i < refs->u.array.count; i++) {
		const struct iamp_value *r = refs->u.array.items[i];

		if (r->kind == IAMP_VALUE_STRING && strncmp(r->u.str.text, ref, n) == 0 &&
		    (r->u.str.text[n] == '\0' || r->u.str.text[n] == '.'))
			return true;
	}
	return false;
}

/* The type of the first attribute of `configuration` that refers to the
 * data source `ref` ("data.aws_iam_policy_document.trust"), searching
 * below `v`, where `rtype` is the type of the enclosing resource. */
static bool use_type(const struct iamp_value *v, const char *rtype, const char *ref,
		     enum iamp_policy_type *out, unsigned depth)
{
	const char *t;

	if (depth > 64)
		return false;
	if (v->kind == IAMP_VALUE_ARRAY) {
		for (size_t i = 0; i < v->u.array.count; i++)
			if (use_type(v->u.array.items[i], rtype, ref, out, depth + 1))
				return true;
		return false;
	}
	if (v->kind != IAMP_VALUE_OBJECT)
		return false;
	t = string(v, "type");
	if (t && member(v, "expressions"))
		rtype = t;
	for (size_t i = 0; i < v->u.object.count; i++) {
		const struct iamp_member *m = &v->u.object.members[i];

		if (rtype && refers(m->value, ref)) {
			for (size_t k = 0; k < NATTRS; k++) {
				const char *last = strrchr(attrs[k].path, '.');

				last = last ? last + 1 : attrs[k].path;
				if (strcmp(attrs[k].type, rtype) == 0 && strcmp(last, m->key) == 0) {
					*out = attrs[k].ptype;
					return true;
				}
			}
		}
		if (use_type(m->value, rtype, ref, out, depth + 1))
			return true;
	}
	return false;
}

static void leaf(struct tf *t, const struct iamp_value *v, const char *label,
		 enum iamp_policy_type type)
{
	struct iac *x = t->x;

	if (v->kind != IAMP_VALUE_STRING) {
		iac_diag(x, IAMP_RULE_WRONG_TYPE, v->span, label,
			 "a policy must be a string holding JSON, not %s", iamp_value_kind_name(v->kind));
		return;
	}
	if (v->u.str.len == 0 || (t->second && seen(t, v)))
		return; /* no policy set, or one already read */
	iac_add(x, label, type, v);
}

/* Walks `path` in the values `v` and, alongside, in after_unknown `unk`. */
static void walk(struct tf *t, const struct iamp_value *v, const struct iamp_value *unk,
		 const char *path, const char *label, enum iamp_policy_type type,
		 struct iamp_span where)
{
	struct iac *x = t->x;
	const char *dot = strchr(path, '.');
	size_t seg = dot ? (size_t)(dot - path) : strlen(path);
	bool each = seg > 2 && path[seg - 2] == '[' && path[seg - 1] == ']';
	const struct iamp_value *child, *uchild;
	char name[64];
	char *l;

	snprintf(name, sizeof(name), "%.*s", (int)(each ? seg - 2 : seg), path);
	child = member(v, name);
	uchild = member(unk, name);
	if (!child || child->kind == IAMP_VALUE_NULL) {
		if (is_true(uchild))
			iac_diag(x, IAMP_RULE_SYMBOLIC_VALUE, where, label,
				 "%s is known only after apply: not checked", name);
		return;
	}
	if (!each) {
		l = iac_label(x, "%s.%s", label, name);
		if (!l)
			return;
		if (dot)
			walk(t, child, uchild, dot + 1, l, type, where);
		else
			leaf(t, child, l, type);
		return;
	}
	if (child->kind != IAMP_VALUE_ARRAY) {
		iac_diag(x, IAMP_RULE_WRONG_TYPE, child->span, label, "%s must be a list, not %s", name,
			 iamp_value_kind_name(child->kind));
		return;
	}
	for (size_t i = 0; i < child->u.array.count && !x->err; i++) {
		const struct iamp_value *ui = uchild && uchild->kind == IAMP_VALUE_ARRAY &&
						      i < uchild->u.array.count
						      ? uchild->u.array.items[i] : NULL;

		l = iac_label(x, "%s.%s[%zu]", label, name, i);
		if (!l)
			return;
		if (dot)
			walk(t, child->u.array.items[i], ui, dot + 1, l, type, where);
		else
			leaf(t, child->u.array.items[i], l, type);
	}
}

static void resource(struct tf *t, const struct iamp_value *r)
{
	struct iac *x = t->x;
	const char *type = string(r, "type"), *address = string(r, "address");
	const char *name = string(r, "name"), *mode = string(r, "mode");
	const struct iamp_value *values = member(r, "values"), *unk, *addr_v = member(r, "address");
	struct iamp_span where = addr_v ? addr_v->span : r->span;
	char *label;

	if (r->kind != IAMP_VALUE_OBJECT || !type || !values)
		return;
	if ((strcmp(type, DATA_DOC) == 0) != (mode && strcmp(mode, "data") == 0))
		return; /* the data source, or a managed resource */
	if (t->data_only && strcmp(type, DATA_DOC) != 0)
		return;
	unk = after_unknown(t, address);
	label = address ? iac_label(x, "%s", address)
			: iac_label(x, "%s%s.%s", strcmp(type, DATA_DOC) == 0 ? "data." : "", type,
				    name ? name : "?");
	if (!label)
		return;
	for (size_t i = 0; i < NATTRS && !x->err; i++) {
		enum iamp_policy_type ptype = attrs[i].ptype;

		if (attrs[i].copy != t->second || strcmp(attrs[i].type, type) != 0)
			continue;
		if (strcmp(type, "aws_organizations_policy") == 0) {
			const char *ot = string(values, "type");

			if (!ot) {
				if (is_true(member(unk, "type")))
					iac_diag(x, IAMP_RULE_SYMBOLIC_VALUE, where, label,
						 "the policy's type is known only after apply: content not checked");
				continue;
			}
			if (strcmp(ot, "SERVICE_CONTROL_POLICY") == 0)
				ptype = IAMP_POLICY_SCP;
			else if (strcmp(ot, "RESOURCE_CONTROL_POLICY") == 0)
				ptype = IAMP_POLICY_RCP;
			else
				continue; /* a tag, backup ... policy: not IAM */
		}
		if (strcmp(type, DATA_DOC) == 0 && t->config && name) {
			char ref[256];

			snprintf(ref, sizeof(ref), "data.%s.%s", DATA_DOC, name);
			use_type(t->config, NULL, ref, &ptype, 0);
		}
		walk(t, values, unk, attrs[i].path, label, ptype, where);
	}
}

static void module(struct tf *t, const struct iamp_value *m, unsigned depth)
{
	const struct iamp_value *res = member(m, "resources"), *kids = member(m, "child_modules");

	if (!m || depth > 64)
		return;
	if (res && res->kind == IAMP_VALUE_ARRAY)
		for (size_t i = 0; i < res->u.array.count && !t->x->err; i++)
			resource(t, res->u.array.items[i]);
	if (kids && kids->kind == IAMP_VALUE_ARRAY)
		for (size_t i = 0; i < kids->u.array.count && !t->x->err; i++)
			module(t, kids->u.array.items[i], depth + 1);
}

bool iac_tf_is(const struct iamp_value *root)
{
	const struct iamp_value *fv = member(root, "format_version");

	return fv && fv->kind == IAMP_VALUE_STRING &&
	       (member(root, "planned_values") || member(root, "values") ||
		member(root, "resource_changes") || member(root, "prior_state"));
}

void iac_tf_extract(struct iac *x)
{
	const struct iamp_value *root = x->doc->root;
	const struct iamp_value *planned = member(member(root, "planned_values"), "root_module");
	const struct iamp_value *state = member(member(root, "values"), "root_module");
	const struct iamp_value *prior = member(member(member(root, "prior_state"), "values"), "root_module");
	struct tf t = { x, member(root, "resource_changes"), member(root, "configuration"), false, false };

	for (int pass = 0; pass < 2; pass++) {
		t.second = pass == 1;
		module(&t, planned ? planned : state, 0);
		if (planned && t.second) {
			t.data_only = true; /* data sources read while planning */
			module(&t, prior, 0);
			t.data_only = false;
		}
	}
}
