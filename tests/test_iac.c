/*
 * test_iac.c - policies embedded in templates and plans (iac.h) and
 * policies read from strings (iamp_load_embedded): positions inside a
 * string mapped back to the file, the detection of CloudFormation and
 * Terraform by content, and what extraction finds, with its labels,
 * types and symbolic parts.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "iac.h"
#include "load.h"
#include "policy.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static struct iamp_document *doc;
static struct iamp_diags diags;

static void setup(void)
{
	doc = NULL;
	iamp_diags_init(&diags);
}

static void teardown(void)
{
	iamp_document_free(doc);
	doc = NULL;
	iamp_diags_clear(&diags);
}

static void load(const char *text, enum iamp_format fmt)
{
	ck_assert_int_eq(iamp_load_buffer(&doc, fmt == IAMP_FORMAT_YAML ? "t.yaml" : "t.json", text,
					  strlen(text), fmt, NULL, &diags), 0);
	ck_assert_ptr_nonnull(doc->root);
}

/* The string member "p" of the root holds a policy; its Version value
 * must start at line:col of the file, on the character `at`. */
static const struct {
	const char *text;
	enum iamp_format fmt;
	unsigned line, col;
	char at;
} position_cases[] = {
	{ "{\"p\": \"{\\\"Version\\\": \\\"2012-10-17\\\"}\"}", IAMP_FORMAT_JSON, 1, 22, '\\' },
	/* \n escapes are two characters of the file's line */
	{ "{\"p\": \"{\\n  \\\"Version\\\":\\n \\\"2012-10-17\\\"}\"}", IAMP_FORMAT_JSON, 1, 28, '\\' },
	/* \u00e9 is 6 columns in the file, 2 bytes decoded */
	{ "{\"p\": \"{\\\"Id\\\": \\\"\\u00e9\\\", \\\"Version\\\": \\\"2012-10-17\\\"}\"}",
	  IAMP_FORMAT_JSON, 1, 42, '\\' },
	/* a surrogate pair: 12 columns, 4 bytes */
	{ "{\"p\": \"{\\\"Id\\\": \\\"\\ud83d\\ude00\\\", \\\"Version\\\": \\\"2012-10-17\\\"}\"}",
	  IAMP_FORMAT_JSON, 1, 48, '\\' },
	/* a raw multi-byte character counts one column */
	{ "{\"p\": \"{\\\"Id\\\": \\\"\xc3\xa9\\\", \\\"Version\\\": \\\"2012-10-17\\\"}\"}",
	  IAMP_FORMAT_JSON, 1, 37, '\\' },
	/* YAML literal block: indentation removed, found again */
	{ "p: |\n  {\n    \"Version\": \"2012-10-17\"\n  }\n", IAMP_FORMAT_YAML, 3, 16, '"' },
	/* YAML single quotes */
	{ "p: '{\"Version\": \"2012-10-17\"}'\n", IAMP_FORMAT_YAML, 1, 17, '"' },
};

START_TEST(positions)
{
	const struct iamp_member *p;
	const struct iamp_member *v;
	struct iamp_value *tree = NULL;

	load(position_cases[_i].text, position_cases[_i].fmt);
	p = iamp_value_member(doc->root, "p");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(iamp_load_embedded(&tree, doc, p->value, NULL, &diags), 0);
	ck_assert_ptr_nonnull(tree);
	ck_assert_uint_eq(diags.count, 0);
	v = iamp_value_member(tree, "Version");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->value->u.str.text, "2012-10-17");
	ck_assert_uint_eq(v->value->span.start.line, position_cases[_i].line);
	ck_assert_uint_eq(v->value->span.start.col, position_cases[_i].col);
	ck_assert_int_eq(doc->text[v->value->span.start.offset], position_cases[_i].at);
}
END_TEST

/* Broken JSON in a string: SYNTAX_ERROR at the file position of the
 * character the reader stopped at, and no tree. */
START_TEST(syntax_error_in_string)
{
	const char *text = "{\n  \"p\": \"{\\\"Statement\\\": [}\"\n}";
	struct iamp_value *tree = (struct iamp_value *)1;

	load(text, IAMP_FORMAT_JSON);
	ck_assert_int_eq(iamp_load_embedded(&tree, doc, iamp_value_member(doc->root, "p")->value, NULL,
					    &diags), 0);
	ck_assert_ptr_null(tree);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_SYNTAX_ERROR);
	ck_assert_uint_eq(diags.items[0].span.start.line, 2);
	ck_assert_uint_eq(diags.items[0].span.start.col, 26); /* the '}' */
	ck_assert_str_eq(diags.items[0].path, "t.json");
}
END_TEST

static const struct {
	const char *text;
	enum iamp_format fmt;
	enum iamp_iac_kind kind;
} kind_cases[] = {
	{ "{\"Version\": \"2012-10-17\", \"Statement\": []}", IAMP_FORMAT_JSON, IAMP_IAC_NONE },
	{ "AWSTemplateFormatVersion: '2010-09-09'\n", IAMP_FORMAT_YAML, IAMP_IAC_CLOUDFORMATION },
	{ "Resources:\n  R:\n    Type: AWS::IAM::Role\n", IAMP_FORMAT_YAML, IAMP_IAC_CLOUDFORMATION },
	{ "Resources:\n  R:\n    Type: Custom::Thing\n", IAMP_FORMAT_YAML, IAMP_IAC_NONE },
	{ "{\"format_version\": \"1.2\", \"planned_values\": {}}", IAMP_FORMAT_JSON, IAMP_IAC_TERRAFORM },
	{ "{\"format_version\": \"1.0\", \"values\": {}}", IAMP_FORMAT_JSON, IAMP_IAC_TERRAFORM },
	{ "{\"format_version\": \"1.0\"}", IAMP_FORMAT_JSON, IAMP_IAC_NONE },
	{ "[1]", IAMP_FORMAT_JSON, IAMP_IAC_NONE },
};

START_TEST(kinds)
{
	load(kind_cases[_i].text, kind_cases[_i].fmt);
	ck_assert_int_eq(iamp_iac_kind_of(doc), kind_cases[_i].kind);
}
END_TEST

/* What extraction finds: "label=type,..." and the SYMBOLIC_VALUE count. */
static const struct {
	const char *text;
	enum iamp_format fmt;
	const char *found;
	int symbolic;
} extract_cases[] = {
	{ "Resources:\n"
	  "  R:\n"
	  "    Type: AWS::IAM::Role\n"
	  "    Properties:\n"
	  "      AssumeRolePolicyDocument: {Statement: []}\n"
	  "      Policies:\n"
	  "        - PolicyDocument: {Statement: []}\n"
	  "        - !If [C, {PolicyDocument: {}}, !Ref AWS::NoValue]\n",
	  IAMP_FORMAT_YAML, "R.AssumeRolePolicyDocument=trust,R.Policies[0].PolicyDocument=identity", 1 },
	{ "{\"Resources\": {\"P\": {\"Type\": \"AWS::Organizations::Policy\", \"Properties\": "
	  "{\"Type\": \"RESOURCE_CONTROL_POLICY\", \"Content\": \"{}\"}}, "
	  "\"T\": {\"Type\": \"AWS::Organizations::Policy\", \"Properties\": "
	  "{\"Type\": \"TAG_POLICY\", \"Content\": {}}}}}",
	  IAMP_FORMAT_JSON, "P.Content=rcp", 0 },
	{ "Resources:\n  K:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: !ImportValue x\n",
	  IAMP_FORMAT_YAML, "", 1 },
	{ "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"child_modules\": [{\"resources\": ["
	  "{\"address\": \"module.m.aws_iam_policy.p\", \"mode\": \"managed\", \"type\": \"aws_iam_policy\", "
	  "\"name\": \"p\", \"values\": {\"policy\": \"{}\"}}]}]}}}",
	  IAMP_FORMAT_JSON, "module.m.aws_iam_policy.p.policy=identity", 0 },
	{ "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": ["
	  "{\"address\": \"aws_kms_key.k\", \"mode\": \"managed\", \"type\": \"aws_kms_key\", \"name\": \"k\", "
	  "\"values\": {}}]}}, \"resource_changes\": [{\"address\": \"aws_kms_key.k\", \"change\": "
	  "{\"after_unknown\": {\"policy\": true}}}]}",
	  IAMP_FORMAT_JSON, "", 1 },
};

START_TEST(extract)
{
	struct iamp_embedded_list list = { NULL, 0, 0 };
	char found[512] = "";
	size_t n = 0;
	int symbolic = 0;

	load(extract_cases[_i].text, extract_cases[_i].fmt);
	ck_assert_int_ne(iamp_iac_kind_of(doc), IAMP_IAC_NONE);
	ck_assert_int_eq(iamp_iac_extract(&list, doc, NULL, &diags), 0);
	for (size_t i = 0; i < list.count; i++)
		n += (size_t)snprintf(found + n, sizeof(found) - n, "%s%s=%s", i ? "," : "",
				      list.items[i].label, iamp_policy_type_name(list.items[i].type));
	for (size_t i = 0; i < diags.count; i++)
		symbolic += diags.items[i].rule == IAMP_RULE_SYMBOLIC_VALUE;
	ck_assert_str_eq(found, extract_cases[_i].found);
	ck_assert_int_eq(symbolic, extract_cases[_i].symbolic);
	iamp_embedded_list_free(&list);
}
END_TEST

/* An intrinsic in a Resource is left out of the AST and marks the list,
 * the statement and the policy; the literal ARN beside it stays. */
START_TEST(symbolic_in_ast)
{
	struct iamp_embedded_list list = { NULL, 0, 0 };
	struct iamp_policy *p = NULL;

	load("Resources:\n"
	     "  P:\n"
	     "    Type: AWS::IAM::Policy\n"
	     "    Properties:\n"
	     "      PolicyDocument:\n"
	     "        Version: '2012-10-17'\n"
	     "        Statement:\n"
	     "          - Effect: Allow\n"
	     "            Action: s3:GetObject\n"
	     "            Resource: [!Sub 'arn:aws:s3:::${B}/*', 'arn:aws:s3:::logs/*']\n",
	     IAMP_FORMAT_YAML);
	ck_assert_int_eq(iamp_iac_extract(&list, doc, NULL, &diags), 0);
	ck_assert_uint_eq(list.count, 1);
	ck_assert_uint_eq(diags.count, 0); /* a Sub in a Resource is not said */
	ck_assert_int_eq(iamp_policy_build_value(&p, doc, list.items[0].value, list.items[0].type, NULL,
						 &diags), 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->statement_count, 1);
	ck_assert_uint_eq(p->statements[0].resource.count, 1);
	ck_assert_str_eq(p->statements[0].resource.items[0].text, "arn:aws:s3:::logs/*");
	ck_assert(p->statements[0].resource.symbolic);
	ck_assert(p->statements[0].symbolic);
	ck_assert(p->symbolic);
	ck_assert(!p->statements[0].action.symbolic);
	iamp_embedded_list_free(&list);
}
END_TEST

Suite *suite_iac(void)
{
	Suite *s = suite_create("iac");
	TCase *tc = tcase_create("iac");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, positions, 0, N(position_cases));
	tcase_add_test(tc, syntax_error_in_string);
	tcase_add_loop_test(tc, kinds, 0, N(kind_cases));
	tcase_add_loop_test(tc, extract, 0, N(extract_cases));
	tcase_add_test(tc, symbolic_in_ast);
	suite_add_tcase(s, tc);
	return s;
}
