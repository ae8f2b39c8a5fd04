/*
 * test_build.c - the AST builder: shapes, spans, and what it reports.
 */
#include <check.h>
#include <string.h>

#include "diag.h"
#include "helpers.h"
#include "load.h"
#include "operators.h"
#include "policy.h"

START_TEST(full_statement)
{
	struct iamp_policy *p = th_build(
		"{\"Version\": \"2012-10-17\", \"Id\": \"x\",\n"
		" \"Statement\": [{\n"
		"  \"Sid\": \"S1\", \"Effect\": \"Deny\",\n"
		"  \"NotAction\": [\"s3:Get*\", \"iam:*\"],\n"
		"  \"Resource\": \"*\",\n"
		"  \"Condition\": {\"ForAnyValue:StringLikeIfExists\": {\"aws:TagKeys\": [\"a*\", \"b\"]},\n"
		"                \"Bool\": {\"aws:SecureTransport\": false}}}]}",
		IAMP_POLICY_IDENTITY);
	const struct iamp_statement *st;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(th_diags.count, 0);
	ck_assert_int_eq(p->version, IAMP_VERSION_2012);
	ck_assert(p->has_id);
	ck_assert(p->statement_is_list);
	ck_assert_int_eq(p->statement_count, 1);
	st = &p->statements[0];
	ck_assert_str_eq(st->sid.text, "S1");
	ck_assert_int_eq(st->effect, IAMP_EFFECT_DENY);
	ck_assert(st->action.present && st->action.is_not && st->action.is_list);
	ck_assert_int_eq(st->action.count, 2);
	ck_assert_str_eq(st->action.items[1].text, "iam:*");
	ck_assert_int_eq(st->action.items[1].span.start.line, 4);
	ck_assert_int_eq(st->action.items[1].span.start.col, 28);
	ck_assert(st->resource.present && !st->resource.is_list);
	ck_assert_int_eq(st->condition_count, 2);
	ck_assert_str_eq(st->conditions[0].op->name, "StringLike");
	ck_assert_int_eq(st->conditions[0].set, IAMP_SET_FOR_ANY_VALUE);
	ck_assert(st->conditions[0].if_exists);
	ck_assert_int_eq(st->conditions[0].value_count, 2);
	ck_assert_str_eq(st->conditions[1].op->name, "Bool");
	ck_assert_int_eq(st->conditions[1].values[0].kind, IAMP_VALUE_BOOL);
	ck_assert_str_eq(st->conditions[1].values[0].text.text, "false");
}
END_TEST

START_TEST(principals)
{
	struct iamp_policy *p = th_build(
		"{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"*\"},"
		" {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"111122223333\", \"arn:aws:iam::111122223333:root\"],"
		" \"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
		IAMP_POLICY_RESOURCE);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(th_diags.count, 0);
	ck_assert(p->statements[0].principal.star);
	ck_assert_int_eq(p->statements[1].principal.count, 3);
	ck_assert_int_eq(p->statements[1].principal.items[2].kind, IAMP_PRINCIPAL_SERVICE);
}
END_TEST

/* Each row: input, the rule it must report, how many times. */
static const struct {
	const char *json;
	enum iamp_rule_id rule;
	int count;
} shape_cases[] = {
	{ "[]", IAMP_RULE_WRONG_TYPE, 1 },
	{ "{\"Statement\": \"x\"}", IAMP_RULE_WRONG_TYPE, 1 },
	{ "{\"Statement\": [1, {\"Effect\": \"Allow\"}]}", IAMP_RULE_WRONG_TYPE, 1 },
	{ "{\"Statement\": []}", IAMP_RULE_EMPTY_ELEMENT, 1 },
	{ "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": []}}", IAMP_RULE_EMPTY_ELEMENT, 1 },
	{ "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"\"}}", IAMP_RULE_EMPTY_ELEMENT, 1 },
	{ "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"a:b\", 3]}}", IAMP_RULE_WRONG_TYPE, 1 },
	{ "{\"Statement\": {\"effect\": \"Allow\"}}", IAMP_RULE_UNKNOWN_ELEMENT, 1 },
	{ "{\"Statement\": {\"Effect\": \"Allow\"}, \"Foo\": 1}", IAMP_RULE_UNKNOWN_ELEMENT, 1 },
	{ "{\"Statement\": {\"Action\": \"a:b\", \"NotAction\": \"c:d\"}}", IAMP_RULE_CONFLICTING_ELEMENTS, 1 },
	{ "{\"Statement\": {\"Resource\": \"*\", \"NotResource\": \"*\"}}", IAMP_RULE_CONFLICTING_ELEMENTS, 1 },
	{ "{\"Statement\": {\"Principal\": \"*\", \"NotPrincipal\": \"*\"}}", IAMP_RULE_CONFLICTING_ELEMENTS, 1 },
	{ "{\"Statement\": {\"Principal\": \"arn:aws:iam::111122223333:root\"}}", IAMP_RULE_INVALID_PRINCIPAL, 1 },
	{ "{\"Statement\": {\"Principal\": {\"Aws\": \"*\"}}}", IAMP_RULE_INVALID_PRINCIPAL, 1 },
	{ "{\"Statement\": {\"Principal\": {}}}", IAMP_RULE_EMPTY_ELEMENT, 1 },
	{ "{\"Statement\": {\"Condition\": []}}", IAMP_RULE_WRONG_TYPE, 1 },
	{ "{\"Statement\": {\"Condition\": {}}}", IAMP_RULE_EMPTY_ELEMENT, 1 },
	{ "{\"Statement\": {\"Condition\": {\"StringEquals\": \"x\"}}}", IAMP_RULE_WRONG_TYPE, 1 },
	{ "{\"Statement\": {\"Condition\": {\"StringEquals\": {\"k\": []}}}}", IAMP_RULE_EMPTY_ELEMENT, 1 },
	{ "{\"Statement\": {\"Condition\": {\"StringEquals\": {\"k\": [null, {}]}}}}", IAMP_RULE_WRONG_TYPE, 2 },
	{ "{\"Statement\": {\"Effect\": true}}", IAMP_RULE_WRONG_TYPE, 1 },
	{ "{\"Statement\": {\"Sid\": 1}}", IAMP_RULE_WRONG_TYPE, 1 },
};

START_TEST(shapes)
{
	th_build(shape_cases[_i].json, IAMP_POLICY_IDENTITY);
	ck_assert_msg(th_count(shape_cases[_i].rule) == shape_cases[_i].count,
		      "row %d: %s: expected %d x %s, got %d (of %zu diagnostics)", _i, shape_cases[_i].json,
		      shape_cases[_i].count, iamp_rules[shape_cases[_i].rule].id, th_count(shape_cases[_i].rule),
		      th_diags.count);
}
END_TEST

START_TEST(statement_cap)
{
	struct iamp_limits limits;
	struct iamp_policy *p = NULL;
	char text[4096] = "{\"Statement\": [";

	for (int i = 0; i < 20; i++)
		strcat(text, i ? ",{}" : "{}");
	strcat(text, "]}");
	iamp_limits_default(&limits);
	limits.max_statements = 5;
	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", text, strlen(text), IAMP_FORMAT_JSON, &limits, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, IAMP_POLICY_SCP, &limits, &th_diags), 0);
	ck_assert_int_eq(p->statement_count, 5);
	ck_assert_int_eq(th_count(IAMP_RULE_INPUT_LIMIT), 1);
}
END_TEST

START_TEST(types_and_operators)
{
	enum iamp_policy_type t;
	const struct iamp_operator *op;
	enum iamp_set_op set;
	bool ie;

	ck_assert(iamp_policy_type_parse(&t, "SCP") && t == IAMP_POLICY_SCP);
	ck_assert(!iamp_policy_type_parse(&t, "scps"));
	ck_assert_str_eq(iamp_policy_type_name(IAMP_POLICY_TRUST), "trust");
	ck_assert(iamp_operator_parse("forallvalues:stringequalsignorecaseifexists", 43, &op, &set, &ie));
	ck_assert_str_eq(op->name, "StringEqualsIgnoreCase");
	ck_assert(set == IAMP_SET_FOR_ALL_VALUES && ie);
	ck_assert(iamp_operator_parse("NullIfExists", 12, &op, &set, &ie) && ie);
	ck_assert(!iamp_operator_parse("StringEqual", 11, &op, &set, &ie));
	ck_assert(!iamp_operator_parse("IfExists", 8, &op, &set, &ie));
	ck_assert(iamp_operator_parse("ArnNotLike", 10, &op, &set, &ie) && op->negated && op->type == IAMP_COND_ARN);
}
END_TEST

Suite *suite_build(void)
{
	Suite *s = suite_create("build");
	TCase *tc = tcase_create("build");

	tcase_add_checked_fixture(tc, NULL, th_teardown);
	tcase_add_test(tc, full_statement);
	tcase_add_test(tc, principals);
	tcase_add_loop_test(tc, shapes, 0, sizeof(shape_cases) / sizeof(*shape_cases));
	tcase_add_test(tc, statement_cap);
	tcase_add_test(tc, types_and_operators);
	suite_add_tcase(s, tc);
	return s;
}
