/*
 * lint_aa_rules.c - more of AWS IAM Access Analyzer's policy checks (issue
 * 10): resource control policies that deny more callers than meant,
 * conditions a wildcard makes redundant, S3 prefixes and DynamoDB
 * attributes, tag variables that let the request pick the resource, and
 * principal ARNs of no principal type.
 *
 *   policy AST ──▶ iamp_lint_policy_aa_rules() ──▶ diagnostics
 *
 * Each rule is named after AWS's issue code and has AWS's finding type
 * (rules.def, aa_codes.def, docs/aa-parity.md). Where AWS's "IAM policy
 * validation check reference" gives the intent but not the exact rule,
 * the rule here is the narrow reading, and docs/aa-parity.md says what
 * was inferred.
 *
 * The RCP keys. A resource control policy that keeps callers outside the
 * organization away from its resources names them by principal keys
 * (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalOrgPaths) and
 * AWS services acting for a resource by source keys (aws:SourceOrgID,
 * aws:SourceAccount, aws:SourceOrgPaths). A service principal's request
 * carries no principal keys and a person's no source keys, so:
 *
 *   "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"},
 *                 "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}
 *   "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-1"},
 *                 "Bool": {"aws:PrincipalIsAWSService": "true"},
 *                 "Null": {"aws:SourceOrgID": "false"}}
 *
 * Without aws:PrincipalIsAWSService the first denies every AWS service
 * that acts on the resource and the second every person; without the
 * Null check (or IfExists) the second denies the services that send no
 * source key.
 */
#include <stdint.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "lint.h"
#include "operators.h"
#include "arn.h"
#include "policy.h"
#include "variables.h"

struct rlint {
	const struct iamp_policy *p;
	struct iamp_diags *diags;
};

#define DIAG(l, rule, span, ...) \
	iamp_doc_diag((l)->diags, (l)->p->doc, IAMP_RULE_##rule, (span), __VA_ARGS__)
#define WANTS(l, rule) iamp_diags_wants((l)->diags, IAMP_RULE_##rule)

static bool key_is(const struct iamp_condition *c, const char *name)
{
	return c->key.len == strlen(name) && strncasecmp(c->key.text, name, c->key.len) == 0;
}

static bool key_in(const struct iamp_condition *c, const char *const *names)
{
	for (; *names; names++)
		if (key_is(c, *names))
			return true;
	return false;
}

static bool is_star(const struct iamp_str *v)
{
	return v->len == 1 && v->text[0] == '*';
}

/* ---- resource control policies ---------------------------------------- */

static const char *const principal_keys[] = {
	"aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalOrgPaths", NULL
};
static const char *const source_keys[] = {
	"aws:SourceOrgID", "aws:SourceAccount", "aws:SourceOrgPaths", NULL
};

/* The statement's aws:PrincipalIsAWSService condition, or NULL. */
static const struct iamp_condition *service_gate(const struct iamp_statement *st)
{
	for (size_t i = 0; i < st->condition_count; i++)
		if (key_is(&st->conditions[i], "aws:PrincipalIsAWSService"))
			return &st->conditions[i];
	return NULL;
}

/* Whether the statement has "Null": {"<key>": "false"}: the key is present. */
static bool null_false(const struct iamp_statement *st, const struct iamp_str *key)
{
	for (size_t i = 0; i < st->condition_count; i++) {
		const struct iamp_condition *c = &st->conditions[i];

		if (c->op && c->op->cmp == IAMP_CMP_EXISTS && c->key.len == key->len &&
		    strncasecmp(c->key.text, key->text, key->len) == 0 && c->value_count == 1 &&
		    strcmp(c->values[0].text.text, "false") == 0)
			return true;
	}
	return false;
}

static void check_rcp_keys(struct rlint *l, const struct iamp_statement *st)
{
	const struct iamp_condition *gate;

	if (st->effect != IAMP_EFFECT_DENY)
		return;
	gate = service_gate(st);
	for (size_t i = 0; i < st->condition_count; i++) {
		const struct iamp_condition *c = &st->conditions[i];

		/* a negated operator: the Deny for callers not in the org, account, path */
		if (!c->op || !c->op->negated)
			continue;
		if (key_in(c, principal_keys) && !gate)
			DIAG(l, RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY, c->key.span,
			     "%s: AWS services that act on the resource send no %s, so this Deny denies them too: "
			     "add \"BoolIfExists\": {\"aws:PrincipalIsAWSService\": \"false\"}", c->op_name.text, c->key.text);
		else if (key_in(c, source_keys) && !gate)
			DIAG(l, RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY, c->key.span,
			     "%s: only AWS services send %s, so this Deny denies every other caller too: "
			     "add \"Bool\": {\"aws:PrincipalIsAWSService\": \"true\"}", c->op_name.text, c->key.text);
		else if (key_in(c, source_keys) && !c->if_exists && !null_false(st, &c->key))
			DIAG(l, RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK, c->key.span,
			     "%s: not every AWS service sends %s, and a request without it is denied: "
			     "add \"Null\": {\"%s\": \"false\"} to deny only the requests that carry it",
			     c->op_name.text, c->key.text, c->key.text);
	}
}

/* ---- conditions a wildcard makes redundant --------------------------------- */

/* A positive *Like operator ("StringLike", "ArnLike"; ArnEquals reads
 * wildcards too) whose values include a bare "*" matches every value of
 * the key. Beside other values, it makes them redundant
 * (REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION). Alone it asks only that
 * the key be present (EQUIVALENT_TO_NULL_FALSE, lint_aa.c), and not even
 * that under IfExists or ForAllValues, which are true when the key is
 * absent: the condition then matches every request, and the statement
 * is the same without it (REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION). */
static void check_wildcard_values(struct rlint *l, const struct iamp_condition *c)
{
	size_t star = SIZE_MAX;

	if (!c->op || c->op->negated || (c->op->cmp != IAMP_CMP_LIKE && c->op->type != IAMP_COND_ARN))
		return;
	for (size_t k = 0; k < c->value_count && star == SIZE_MAX; k++)
		if (is_star(&c->values[k].text))
			star = k;
	if (star == SIZE_MAX)
		return;
	if (c->value_count > 1)
		DIAG(l, REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION, c->key.span,
		     "%s \"%s\": the value \"*\" matches every value, so the key's other values add nothing",
		     c->op_name.text, c->key.text);
	else if (c->if_exists || c->set == IAMP_SET_FOR_ALL_VALUES)
		DIAG(l, REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION, c->key.span,
		     "%s \"*\" on \"%s\" matches every request, with the key or without it: the statement is the "
		     "same without this condition; give the values meant", c->op_name.text, c->key.text);
}

/* ---- S3 and DynamoDB keys ---------------------------------------------------- */

/* s3:prefix is the request's prefix parameter as text. Negated, it
 * matches every listing whose prefix is not spelled exactly as written
 * (a shorter or longer prefix, one without the trailing slash, none),
 * which is rarely what the statement means. */
static void check_s3_prefix(struct rlint *l, const struct iamp_condition *c)
{
	if (c->op && c->op->negated && c->op->type == IAMP_COND_STRING && key_is(c, "s3:prefix"))
		DIAG(l, S3_PREFIX_IN_NEGATIVE_CONTEXT, c->key.span,
		     "%s on s3:prefix matches every listing whose prefix parameter is not spelled as written "
		     "(a longer or shorter prefix, none at all): allow the prefixes meant with StringLike instead",
		     c->op_name.text);
}

/* dynamodb:Attributes limits the attributes a request names, not those
 * it returns: without dynamodb:Select (SPECIFIC_ATTRIBUTES), a Query or
 * Scan that names none returns them all (IAM User Guide, "Amazon
 * DynamoDB: Allows access to specific attributes"). */
static void check_dynamodb_attributes(struct rlint *l, const struct iamp_statement *st)
{
	const struct iamp_condition *attrs = NULL;

	if (st->effect != IAMP_EFFECT_ALLOW)
		return;
	for (size_t i = 0; i < st->condition_count; i++) {
		if (key_is(&st->conditions[i], "dynamodb:Select"))
			return;
		if (!attrs && key_is(&st->conditions[i], "dynamodb:Attributes"))
			attrs = &st->conditions[i];
	}
	if (attrs)
		DIAG(l, DYNAMODB_ATTRIBUTES_WITHOUT_SELECT, attrs->key.span,
		     "dynamodb:Attributes without dynamodb:Select: a request that names no attributes returns all of "
		     "them; add \"StringEquals\": {\"dynamodb:Select\": \"SPECIFIC_ATTRIBUTES\"}");
}

/* ---- policy variables in Resource ------------------------------------------ */

/* Keys whose value the caller chooses (a tag it sends) or that the
 * resource itself carries (a tag of the resource being accessed): as a
 * variable in an Allow's Resource they let the request decide which
 * resources it reaches. */
static const char *const chosen_keys[] = { "aws:RequestTag/", "aws:ResourceTag/", "aws:TagKeys", NULL };

static const char *chosen_key(const struct iamp_var *v)
{
	for (const char *const *k = chosen_keys; *k; k++) {
		size_t n = strlen(*k);

		if (v->key_len >= n && strncasecmp(v->key, *k, n) == 0)
			return *k;
	}
	return NULL;
}

static void check_resource_variables(struct rlint *l, const struct iamp_statement *st)
{
	if (st->effect != IAMP_EFFECT_ALLOW || st->resource.is_not || l->p->version != IAMP_VERSION_2012)
		return;
	for (size_t i = 0; i < st->resource.count; i++) {
		const struct iamp_str *r = &st->resource.items[i];
		struct iamp_var vars[16];
		size_t n = 0, off;
		const char *err;

		if (!iamp_vars_present(r->text, r->len) ||
		    iamp_vars_scan(r->text, r->len, vars, sizeof vars / sizeof *vars, &n, &off, &err))
			continue; /* INVALID_POLICY_VARIABLE's */
		if (n > sizeof vars / sizeof *vars)
			n = sizeof vars / sizeof *vars;
		for (size_t k = 0; k < n; k++) {
			if (vars[k].kind == IAMP_VAR_KEY && chosen_key(&vars[k])) {
				DIAG(l, VARIABLE_USAGE_TOO_PERMISSIVE, r->span,
				     "\"%s\": ${%.*s} is a tag that the request or the resource carries, not who the caller is: "
				     "the request picks the resources it reaches; use a key of the principal (aws:username, "
				     "aws:PrincipalTag/...)", r->text, (int)vars[k].key_len, vars[k].key);
				break;
			}
		}
	}
}

/* ---- principal ARNs ---------------------------------------------------------- */

/* An AWS principal's ARN names the root user, a user, a role, a role
 * session or a federated user: arn:PARTITION:iam::ACCOUNT:root,
 * ...:user/NAME, ...:role/NAME, arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION,
 * ...:federated-user/NAME. Groups are UNSUPPORTED_PRINCIPAL's; wildcards
 * UNSUPPORTED_WILDCARD_IN_PRINCIPAL's; text that is no ARN INVALID_PRINCIPAL's. */
static bool principal_type_ok(const char *svc, size_t slen, const char *res, size_t rlen)
{
	static const struct {
		const char *svc, *type;
	} types[] = {
		{ "iam", "root" }, { "iam", "user/" }, { "iam", "role/" }, { "iam", "group/" },
		{ "sts", "assumed-role/" }, { "sts", "federated-user/" },
	};

	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		size_t n = strlen(types[i].type);

		if (slen == strlen(types[i].svc) && strncmp(svc, types[i].svc, slen) == 0 &&
		    (strcmp(types[i].type, "root") == 0 ? rlen == n && strncmp(res, "root", n) == 0
							: rlen > n && strncmp(res, types[i].type, n) == 0))
			return true;
	}
	return false;
}

static void check_principal_arns(struct rlint *l, const struct iamp_statement *st)
{
	const struct iamp_principal *pr = &st->principal;

	for (size_t i = 0; i < pr->count; i++) {
		const struct iamp_str *v = &pr->items[i].value;
		const char *field[6];
		size_t flen[6];

		if (pr->items[i].kind != IAMP_PRINCIPAL_AWS || v->len < 4 || strncmp(v->text, "arn:", 4) != 0 ||
		    memchr(v->text, '*', v->len) || memchr(v->text, '?', v->len) || memchr(v->text, '$', v->len) ||
		    !iamp_arn_split(v->text, v->len, field, flen))
			continue;
		if (!principal_type_ok(field[2], flen[2], field[5], flen[5]))
			DIAG(l, INVALID_PRINCIPAL, v->span,
			     "\"%s\" is no principal: an AWS principal's ARN is arn:aws:iam::ACCOUNT:root, ...:user/NAME, "
			     "...:role/NAME, or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or ...:federated-user/NAME",
			     v->text);
	}
}

/* ---- the walk ------------------------------------------------------------------ */

static const enum iamp_rule_id rcp_rules[] = {
	IAMP_RULE_RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY, IAMP_RULE_RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY,
	IAMP_RULE_RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK, IAMP_RULE__COUNT
};
static const enum iamp_rule_id wildcard_rules[] = {
	IAMP_RULE_REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION, IAMP_RULE_REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION,
	IAMP_RULE__COUNT
};

int iamp_lint_policy_aa_rules(const struct iamp_policy *p, struct iamp_diags *diags)
{
	struct rlint l = { p, diags };
	bool rcp = p->type == IAMP_POLICY_RCP && iamp_diags_wants_any(diags, rcp_rules);
	bool wild = iamp_diags_wants_any(diags, wildcard_rules);
	bool vars = WANTS(&l, VARIABLE_USAGE_TOO_PERMISSIVE);
	bool prefix = WANTS(&l, S3_PREFIX_IN_NEGATIVE_CONTEXT);
	bool dynamo = WANTS(&l, DYNAMODB_ATTRIBUTES_WITHOUT_SELECT);
	bool princ = WANTS(&l, INVALID_PRINCIPAL);

	if (rcp)
		iamp_diags_work_for(diags, rcp_rules);
	if (wild)
		iamp_diags_work_for(diags, wildcard_rules);
	if (vars)
		iamp_diags_work(diags, IAMP_RULE_VARIABLE_USAGE_TOO_PERMISSIVE);
	if (prefix)
		iamp_diags_work(diags, IAMP_RULE_S3_PREFIX_IN_NEGATIVE_CONTEXT);
	if (dynamo)
		iamp_diags_work(diags, IAMP_RULE_DYNAMODB_ATTRIBUTES_WITHOUT_SELECT);
	if (princ)
		iamp_diags_work(diags, IAMP_RULE_INVALID_PRINCIPAL);
	for (size_t i = 0; i < p->statement_count; i++) {
		const struct iamp_statement *st = &p->statements[i];

		if (rcp)
			check_rcp_keys(&l, st);
		if (dynamo)
			check_dynamodb_attributes(&l, st);
		if (vars)
			check_resource_variables(&l, st);
		if (princ)
			check_principal_arns(&l, st);
		for (size_t c = 0; c < st->condition_count; c++) {
			if (wild)
				check_wildcard_values(&l, &st->conditions[c]);
			if (prefix)
				check_s3_prefix(&l, &st->conditions[c]);
		}
	}
	return 0;
}
