/*
 * cfn.c - policies in CloudFormation templates (JSON or YAML); see iac.h.
 *
 *   Resources ─▶ each logical id ─▶ Type in the table below ─▶ the policy
 *   properties of that type ─▶ a copy with intrinsics made symbolic ─▶ iac_add
 *
 * Intrinsic functions come in two forms, which mean the same:
 *
 *   long   {"Fn::GetAtt": ["Role", "Arn"]}   {"Ref": "Bucket"}
 *   short  !GetAtt Role.Arn                  !Ref Bucket      (YAML tags)
 *
 * An object of one member named Ref or Fn::*, or a value with a local
 * YAML tag, is an intrinsic; its name is the member's key, or the tag as
 * "Fn::" + name (!Ref and !Condition keep theirs). The copy replaces it
 * by a symbolic STRING whose text is that name. Whether it is said
 * (SYMBOLIC_VALUE) depends on where it stands, see quiet() below.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "error.h"
#include "iac_internal.h"
#include "params.h"

/* The policy properties of each resource type: a path of property
 * names, where "[]" walks every item of a list. An
 * AWS::Organizations::Policy is an SCP or an RCP by its Type property. */
static const struct {
	const char *type;
	const char *path;
	enum iamp_policy_type ptype;
} props[] = {
	{ "AWS::IAM::Policy", "PolicyDocument", IAMP_POLICY_IDENTITY },
	{ "AWS::IAM::ManagedPolicy", "PolicyDocument", IAMP_POLICY_IDENTITY },
	{ "AWS::IAM::RolePolicy", "PolicyDocument", IAMP_POLICY_IDENTITY },
	{ "AWS::IAM::UserPolicy", "PolicyDocument", IAMP_POLICY_IDENTITY },
	{ "AWS::IAM::GroupPolicy", "PolicyDocument", IAMP_POLICY_IDENTITY },
	{ "AWS::IAM::Role", "AssumeRolePolicyDocument", IAMP_POLICY_TRUST },
	{ "AWS::IAM::Role", "Policies[].PolicyDocument", IAMP_POLICY_IDENTITY },
	{ "AWS::IAM::User", "Policies[].PolicyDocument", IAMP_POLICY_IDENTITY },
	{ "AWS::IAM::Group", "Policies[].PolicyDocument", IAMP_POLICY_IDENTITY },
	{ "AWS::Organizations::Policy", "Content", IAMP_POLICY_SCP },
	{ "AWS::S3::BucketPolicy", "PolicyDocument", IAMP_POLICY_RESOURCE },
	{ "AWS::S3::AccessPoint", "Policy", IAMP_POLICY_RESOURCE },
	{ "AWS::S3Express::BucketPolicy", "PolicyDocument", IAMP_POLICY_RESOURCE },
	{ "AWS::SQS::QueuePolicy", "PolicyDocument", IAMP_POLICY_RESOURCE },
	{ "AWS::SNS::TopicPolicy", "PolicyDocument", IAMP_POLICY_RESOURCE },
	{ "AWS::KMS::Key", "KeyPolicy", IAMP_POLICY_RESOURCE },
	{ "AWS::KMS::ReplicaKey", "KeyPolicy", IAMP_POLICY_RESOURCE },
	{ "AWS::SecretsManager::ResourcePolicy", "ResourcePolicy", IAMP_POLICY_RESOURCE },
	{ "AWS::ECR::Repository", "RepositoryPolicyText", IAMP_POLICY_RESOURCE },
	{ "AWS::ECR::RegistryPolicy", "PolicyText", IAMP_POLICY_RESOURCE },
	{ "AWS::EFS::FileSystem", "FileSystemPolicy", IAMP_POLICY_RESOURCE },
	{ "AWS::Logs::ResourcePolicy", "PolicyDocument", IAMP_POLICY_RESOURCE },
	{ "AWS::OpenSearchService::Domain", "AccessPolicies", IAMP_POLICY_RESOURCE },
	{ "AWS::Elasticsearch::Domain", "AccessPolicies", IAMP_POLICY_RESOURCE },
	{ "AWS::Backup::BackupVault", "AccessPolicy", IAMP_POLICY_RESOURCE },
	{ "AWS::EC2::VPCEndpoint", "PolicyDocument", IAMP_POLICY_RESOURCE },
	{ "AWS::DynamoDB::Table", "ResourcePolicy.PolicyDocument", IAMP_POLICY_RESOURCE },
};

/* Is `v` an intrinsic function? Its name into out ("Fn::Sub"). */
static bool intrinsic(const struct iamp_value *v, char *out, size_t size)
{
	if (v->tag) {
		const char *t = v->tag + 1;

		snprintf(out, size, "%s%s",
			 strcmp(t, "Ref") == 0 || strcmp(t, "Condition") == 0 ? "" : "Fn::", t);
		return true;
	}
	if (v->kind == IAMP_VALUE_OBJECT && v->u.object.count == 1) {
		const char *k = v->u.object.members[0].key;

		if (strcmp(k, "Ref") == 0 || strncmp(k, "Fn::", 4) == 0) {
			snprintf(out, size, "%s", k);
			return true;
		}
	}
	return false;
}

/* The argument of an intrinsic. */
static const struct iamp_value *argument(const struct iamp_value *v)
{
	return v->tag ? v : v->u.object.members[0].value;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/*
 * Nothing is said of an intrinsic that only names something, in an
 * element whose values name things: !GetAtt Role.Arn as a principal,
 * !Sub arn:aws:s3:::${Bucket}/x as a resource, !Ref Vpc as a condition
 * value. Anything else changes what the policy does in a way lint cannot
 * see, and is said.
 */
static bool quiet(const char *fn, const char *elem)
{
	static const char *const naming[] = { "Ref", "Fn::Sub", "Fn::GetAtt", "Fn::Join", "Fn::Select",
					      "Fn::FindInMap", "Fn::Base64", "Fn::GetAZs", "Fn::Split",
					      "Fn::Cidr", NULL };
	static const char *const named[] = { "Resource", "NotResource", "Principal", "NotPrincipal",
					     "Condition", "Sid", "Id", NULL };

	return elem && one_of(fn, naming) && one_of(elem, named);
}

/* The policy elements, which set `elem` for what lies below them. */
static bool is_element(const char *key)
{
	static const char *const elements[] = { "Version", "Id", "Statement", "Sid", "Effect",
						"Principal", "NotPrincipal", "Action", "NotAction",
						"Resource", "NotResource", "Condition", NULL };

	return one_of(key, elements);
}

/* SYMBOLIC_VALUE for the intrinsic `v` named `fn` in `elem` (NULL: the
 * whole policy). */
static void say_symbolic(struct iac *x, const struct iamp_value *v, const char *fn,
			 const char *elem, const char *label)
{
	const struct iamp_value *arg = argument(v);
	char what[64];

	if (elem)
		snprintf(what, sizeof(what), "part of %s", elem);
	else
		snprintf(what, sizeof(what), "the policy");
	if (strcmp(fn, "Fn::If") == 0)
		iac_diag(x, IAMP_RULE_SYMBOLIC_VALUE, v->span, label,
			 "%s is chosen at deploy by Fn::If on condition \"%s\": not checked", what,
			 arg->kind == IAMP_VALUE_ARRAY && arg->u.array.count &&
					 arg->u.array.items[0]->kind == IAMP_VALUE_STRING
				 ? arg->u.array.items[0]->u.str.text : "?");
	else if (strcmp(fn, "Fn::ImportValue") == 0)
		iac_diag(x, IAMP_RULE_SYMBOLIC_VALUE, v->span, label,
			 "%s is imported from another stack (Fn::ImportValue): not checked", what);
	else
		iac_diag(x, IAMP_RULE_SYMBOLIC_VALUE, v->span, label,
			 "%s is known only at deploy (%s): not checked", what, fn);
}

/* `v` with every intrinsic replaced by a symbolic value; `v` itself when
 * it holds none. NULL only when memory ran out. */
static const struct iamp_value *symbolic_copy(struct iac *x, const struct iamp_value *v,
					      const char *elem, const char *label)
{
	struct iamp_arena *arena = x->doc->arena;
	struct iamp_value *c;
	char fn[64];

	if (intrinsic(v, fn, sizeof(fn))) {
		if (!quiet(fn, elem))
			say_symbolic(x, v, fn, elem, label);
		c = iamp_arena_alloc(arena, sizeof(*c));
		if (!c)
			goto nomem;
		c->kind = IAMP_VALUE_STRING;
		c->span = v->span;
		c->symbolic = true;
		c->u.str.len = strlen(fn);
		c->u.str.text = iamp_arena_strndup(arena, fn, c->u.str.len);
		if (!c->u.str.text)
			goto nomem;
		return c;
	}
	if (v->kind == IAMP_VALUE_OBJECT) {
		struct iamp_member *m = NULL;
		size_t n = v->u.object.count;

		for (size_t i = 0; i < n; i++) {
			const struct iamp_member *om = &v->u.object.members[i];
			const struct iamp_value *cv = symbolic_copy(x, om->value,
								    is_element(om->key) ? om->key : elem, label);

			if (!cv)
				return NULL;
			if (cv == om->value)
				continue;
			if (!m) {
				m = iamp_arena_alloc(arena, n * sizeof(*m));
				if (!m)
					goto nomem;
				memcpy(m, v->u.object.members, n * sizeof(*m));
			}
			m[i].value = (struct iamp_value *)cv;
		}
		if (!m)
			return v;
		c = iamp_arena_alloc(arena, sizeof(*c));
		if (!c)
			goto nomem;
		*c = *v;
		c->u.object.members = m;
		return c;
	}
	if (v->kind == IAMP_VALUE_ARRAY) {
		struct iamp_value **items = NULL;
		size_t n = v->u.array.count;

		for (size_t i = 0; i < n; i++) {
			const struct iamp_value *cv = symbolic_copy(x, v->u.array.items[i], elem, label);

			if (!cv)
				return NULL;
			if (cv == v->u.array.items[i])
				continue;
			if (!items) {
				items = iamp_arena_alloc(arena, n * sizeof(*items));
				if (!items)
					goto nomem;
				memcpy(items, v->u.array.items, n * sizeof(*items));
			}
			items[i] = (struct iamp_value *)cv;
		}
		if (!items)
			return v;
		c = iamp_arena_alloc(arena, sizeof(*c));
		if (!c)
			goto nomem;
		*c = *v;
		c->u.array.items = items;
		return c;
	}
	return v;
nomem:
	x->err = IAMP_ENOMEM;
	return NULL;
}

/* The policy at `v`: whole-policy intrinsics are said, the rest copied
 * and recorded. */
static void add_policy(struct iac *x, const struct iamp_value *v, const char *label,
		       enum iamp_policy_type type)
{
	const struct iamp_value *c;
	char fn[64];

	if (!label)
		return;
	if (intrinsic(v, fn, sizeof(fn))) {
		say_symbolic(x, v, fn, NULL, label);
		return;
	}
	c = symbolic_copy(x, v, NULL, label);
	if (c)
		iac_add(x, label, type, c);
}

/* Walks `path` from the object `v` (whose label is `label`). */
static void walk(struct iac *x, const struct iamp_value *v, const char *path, const char *label,
		 enum iamp_policy_type type)
{
	const char *dot = strchr(path, '.');
	size_t seg = dot ? (size_t)(dot - path) : strlen(path);
	bool each = seg > 2 && path[seg - 2] == '[' && path[seg - 1] == ']';
	size_t name_len = each ? seg - 2 : seg;
	const struct iamp_value *child = NULL;
	char name[64], fn[64];

	if (intrinsic(v, fn, sizeof(fn))) {
		say_symbolic(x, v, fn, NULL, label);
		return;
	}
	if (v->kind != IAMP_VALUE_OBJECT) {
		iac_diag(x, IAMP_RULE_WRONG_TYPE, v->span, label, "must be an object, not %s",
			 iamp_value_kind_name(v->kind));
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)name_len, path);
	for (size_t i = 0; i < v->u.object.count && !child; i++)
		if (strcmp(v->u.object.members[i].key, name) == 0)
			child = v->u.object.members[i].value;
	if (!child || child->kind == IAMP_VALUE_NULL)
		return;
	if (!each) {
		char *l = iac_label(x, "%s.%s", label, name);

		if (dot)
			walk(x, child, dot + 1, l ? l : label, type);
		else
			add_policy(x, child, l, type);
		return;
	}
	if (intrinsic(child, fn, sizeof(fn))) {
		say_symbolic(x, child, fn, NULL, iac_label(x, "%s.%s", label, name));
		return;
	}
	if (child->kind != IAMP_VALUE_ARRAY) {
		iac_diag(x, IAMP_RULE_WRONG_TYPE, child->span, label, "%s must be a list, not %s", name,
			 iamp_value_kind_name(child->kind));
		return;
	}
	for (size_t i = 0; i < child->u.array.count && !x->err; i++) {
		char *l = iac_label(x, "%s.%s[%zu]", label, name, i);

		if (!l)
			return;
		if (dot)
			walk(x, child->u.array.items[i], dot + 1, l, type);
		else
			add_policy(x, child->u.array.items[i], l, type);
	}
}

/* An AWS::Organizations::Policy is checked when its Type is an SCP or
 * an RCP; other Organizations policies (tag, backup ...) are not IAM. */
static bool organizations_type(struct iac *x, const struct iamp_value *props_v, const char *id,
			       enum iamp_policy_type *out)
{
	const struct iamp_member *t = iamp_value_member(props_v, "Type");
	char fn[64];

	if (!t)
		return false;
	if (intrinsic(t->value, fn, sizeof(fn))) {
		iac_diag(x, IAMP_RULE_SYMBOLIC_VALUE, t->value->span, id,
			 "the policy's Type is known only at deploy (%s): Content not checked", fn);
		return false;
	}
	if (t->value->kind != IAMP_VALUE_STRING)
		return false;
	if (strcmp(t->value->u.str.text, "SERVICE_CONTROL_POLICY") == 0)
		*out = IAMP_POLICY_SCP;
	else if (strcmp(t->value->u.str.text, "RESOURCE_CONTROL_POLICY") == 0)
		*out = IAMP_POLICY_RCP;
	else
		return false;
	return true;
}

static void resource(struct iac *x, const struct iamp_member *r)
{
	const struct iamp_value *v = r->value;
	const struct iamp_member *type, *pm;

	if (v->kind != IAMP_VALUE_OBJECT) {
		iac_diag(x, IAMP_RULE_WRONG_TYPE, v->span, r->key, "a resource must be an object, not %s",
			 iamp_value_kind_name(v->kind));
		return;
	}
	type = iamp_value_member(v, "Type");
	pm = iamp_value_member(v, "Properties");
	if (type && type->value->kind != IAMP_VALUE_STRING) {
		iac_diag(x, IAMP_RULE_WRONG_TYPE, type->value->span, r->key, "Type must be a string, not %s",
			 iamp_value_kind_name(type->value->kind));
		return;
	}
	if (!type || !pm)
		return;
	for (size_t i = 0; i < sizeof(props) / sizeof(*props) && !x->err; i++) {
		enum iamp_policy_type ptype = props[i].ptype;

		if (strcmp(props[i].type, type->value->u.str.text) != 0)
			continue;
		if (strcmp(props[i].type, "AWS::Organizations::Policy") == 0 &&
		    (pm->value->kind != IAMP_VALUE_OBJECT || !organizations_type(x, pm->value, r->key, &ptype)))
			continue;
		walk(x, pm->value, props[i].path, r->key, ptype);
	}
}

bool iac_cfn_is(const struct iamp_value *root)
{
	const struct iamp_member *res = iamp_value_member(root, "Resources");

	if (iamp_value_member(root, "AWSTemplateFormatVersion"))
		return true;
	if (!res || res->value->kind != IAMP_VALUE_OBJECT)
		return false;
	for (size_t i = 0; i < res->value->u.object.count; i++) {
		const struct iamp_member *t = iamp_value_member(res->value->u.object.members[i].value, "Type");

		if (t && t->value->kind == IAMP_VALUE_STRING && strncmp(t->value->u.str.text, "AWS::", 5) == 0)
			return true;
	}
	return false;
}

void iac_cfn_extract(struct iac *x)
{
	const struct iamp_member *res = iamp_value_member(x->doc->root, "Resources");

	if (!res)
		return;
	if (res->value->kind != IAMP_VALUE_OBJECT) {
		iamp_doc_diag(x->diags, x->doc, IAMP_RULE_WRONG_TYPE, res->value->span,
			      "Resources must be an object of logical ids and resources, not %s",
			      iamp_value_kind_name(res->value->kind));
		return;
	}
	for (size_t i = 0; i < res->value->u.object.count && !x->err; i++)
		resource(x, &res->value->u.object.members[i]);
}
