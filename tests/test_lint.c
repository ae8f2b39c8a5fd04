/*
 * test_lint.c - the grammar rules, value syntax checks and variables.
 * Expected outcomes follow the IAM JSON policy reference.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "helpers.h"
#include "lint.h"
#include "match.h"
#include "load.h"
#include "policy.h"
#include "variables.h"

#define V "\"Version\": \"2012-10-17\", "
#define ST(body) "{" V "\"Statement\": [{" body "}]}"
#define OK_ID "\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\""

static const struct {
	enum iamp_policy_type type;
	const char *json;
	enum iamp_rule_id rule;
	int count;
} cases[] = {
	/* a clean identity policy reports nothing of these */
	{ IAMP_POLICY_IDENTITY, ST(OK_ID), IAMP_RULE_MISSING_VERSION, 0 },
	{ IAMP_POLICY_IDENTITY, "{\"Statement\": [{" OK_ID "}]}", IAMP_RULE_MISSING_VERSION, 1 },
	{ IAMP_POLICY_IDENTITY, "{\"Version\": \"2012-10-18\", \"Statement\": [{" OK_ID "}]}", IAMP_RULE_INVALID_VERSION, 1 },
	{ IAMP_POLICY_IDENTITY, "{" V "\"Id\": \"x\"}", IAMP_RULE_MISSING_STATEMENT, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_MISSING_EFFECT, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"allow\", \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_INVALID_EFFECT, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": 1, \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_INVALID_EFFECT, 0 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Deny\", \"Resource\": \"*\""), IAMP_RULE_MISSING_ACTION, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Deny\", \"Action\": \"s3:*\""), IAMP_RULE_MISSING_RESOURCE, 1 },
	{ IAMP_POLICY_TRUST, ST("\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\""), IAMP_RULE_MISSING_RESOURCE, 0 },
	{ IAMP_POLICY_TRUST, ST("\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\", \"Resource\": \"*\""), IAMP_RULE_RESOURCE_NOT_ALLOWED, 1 },
	{ IAMP_POLICY_TRUST, ST("\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\""), IAMP_RULE_MISSING_PRINCIPAL, 1 },
	{ IAMP_POLICY_RESOURCE, ST(OK_ID), IAMP_RULE_MISSING_PRINCIPAL, 1 },
	{ IAMP_POLICY_SCP, ST("\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_PRINCIPAL_NOT_ALLOWED, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Deny\", \"NotPrincipal\": {\"AWS\": \"111122223333\"}, \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_PRINCIPAL_NOT_ALLOWED, 1 },
	{ IAMP_POLICY_RESOURCE, ST("\"Effect\": \"Allow\", \"NotPrincipal\": {\"AWS\": \"111122223333\"}, \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_NOTPRINCIPAL_WITH_ALLOW, 1 },
	{ IAMP_POLICY_TRUST, ST("\"Effect\": \"Deny\", \"NotPrincipal\": {\"AWS\": \"111122223333\"}, \"Action\": \"sts:AssumeRole\""), IAMP_RULE_PRINCIPAL_NOT_ALLOWED, 1 },
	{ IAMP_POLICY_IDENTITY, "{" V "\"Statement\": [{\"Sid\": \"B\", " OK_ID "}, {\"Sid\": \"A\", " OK_ID "}, {\"Sid\": \"B\", " OK_ID "}, {\"Sid\": \"B\", " OK_ID "}]}", IAMP_RULE_DUPLICATE_SID, 2 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": [\"s3:A\", \"s3:B\", \"s3:a\", \"s3:C\", \"s3:b\", \"s3:A\"], \"Resource\": \"*\""), IAMP_RULE_DUPLICATE_VALUE, 3 },
	{ IAMP_POLICY_RESOURCE, ST("\"Effect\": \"Deny\", \"NotPrincipal\": {\"AWS\": \"111122223333\"}, \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_NOTPRINCIPAL_WITH_ALLOW, 0 },
	{ IAMP_POLICY_RESOURCE, ST("\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"12345\"}, \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_INVALID_PRINCIPAL, 1 },
	{ IAMP_POLICY_TRUST, ST("\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"EC2 service\"}, \"Action\": \"sts:AssumeRole\""), IAMP_RULE_INVALID_PRINCIPAL, 1 },
	{ IAMP_POLICY_RCP, ST("\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\""), IAMP_RULE_RCP_INVALID_STATEMENT, 1 },
	{ IAMP_POLICY_RCP, ST("\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\""), IAMP_RULE_RCP_INVALID_STATEMENT, 0 },
	{ IAMP_POLICY_RCP, ST("\"Effect\": \"Deny\", \"Principal\": {\"AWS\": \"111122223333\"}, \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_RCP_INVALID_STATEMENT, 1 },
	{ IAMP_POLICY_IDENTITY, "{" V "\"Statement\": [{\"Sid\": \"A\", " OK_ID "}, {\"Sid\": \"A\", " OK_ID "}]}", IAMP_RULE_DUPLICATE_SID, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Sid\": \"my sid\", " OK_ID), IAMP_RULE_INVALID_SID, 1 },
	{ IAMP_POLICY_RESOURCE, ST("\"Sid\": \"my sid\", \"Principal\": \"*\", " OK_ID), IAMP_RULE_INVALID_SID, 0 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"S3:getobject\"], \"Resource\": \"*\""), IAMP_RULE_DUPLICATE_VALUE, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3GetObject\", \"Resource\": \"*\""), IAMP_RULE_INVALID_ACTION, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3:Get Object\", \"Resource\": \"*\""), IAMP_RULE_INVALID_ACTION, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:bucket\""), IAMP_RULE_INVALID_ARN, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"ARN:aws:s3:::b\""), IAMP_RULE_INVALID_ARN, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:iam::1234:role/x\""), IAMP_RULE_INVALID_ARN, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": [\"arn:aws:s3:::b\", \"arn:*\", \"arn:aws:iam::aws:policy/x\"]"), IAMP_RULE_INVALID_ARN, 0 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"StringEqualz\": {\"aws:username\": \"a\"}}"), IAMP_RULE_UNKNOWN_OPERATOR, 1 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"NullIfExists\": {\"aws:username\": \"true\"}}"), IAMP_RULE_NULL_WITH_IFEXISTS, 1 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"ForAllValues:StringEquals\": {\"aws:RequestedRegion\": \"us-east-1\"}}"), IAMP_RULE_FORALLVALUES_SINGLE_VALUED_KEY, 1 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"ForAllValues:StringEquals\": {\"aws:TagKeys\": \"a\"}}"), IAMP_RULE_FORALLVALUES_SINGLE_VALUED_KEY, 0 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"ForAnyValue:StringEquals\": {\"aws:PrincipalArn\": \"a\"}}"), IAMP_RULE_FORANYVALUE_SINGLE_VALUED_KEY, 1 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"NumericLessThan\": {\"aws:MultiFactorAuthAge\": [\"3600\", 7200, \"1h\"]}}"), IAMP_RULE_INVALID_CONDITION_VALUE, 1 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"DateGreaterThan\": {\"aws:CurrentTime\": [\"2024-01-01T00:00:00Z\", \"1700000000\", \"2024-01-01\", \"yesterday\"]}}"), IAMP_RULE_INVALID_CONDITION_VALUE, 1 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": [\"true\", false, \"yes\"]}}"), IAMP_RULE_INVALID_CONDITION_VALUE, 1 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": [\"203.0.113.0/24\", \"2001:db8::/32\", \"10.0.0.256\", \"1.2.3.4/33\"]}}"), IAMP_RULE_INVALID_CONDITION_VALUE, 2 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"ArnLike\": {\"aws:PrincipalArn\": [\"arn:aws:iam::*:role/x\", \"role/x\"]}}"), IAMP_RULE_INVALID_CONDITION_VALUE, 1 },
	{ IAMP_POLICY_IDENTITY, ST(OK_ID ", \"Condition\": {\"BinaryEquals\": {\"k\": [\"QmluYXJ5\", \"not base64!\"]}}"), IAMP_RULE_INVALID_CONDITION_VALUE, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/${aws:username\""), IAMP_RULE_INVALID_POLICY_VARIABLE, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/${aws:username, 'x'}/${*}\""), IAMP_RULE_INVALID_POLICY_VARIABLE, 0 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"s3:${aws:username}\", \"Resource\": \"*\""), IAMP_RULE_VARIABLE_NOT_SUPPORTED, 1 },
	{ IAMP_POLICY_RESOURCE, ST("\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"${aws:PrincipalAccount}\"}, \"Action\": \"s3:*\", \"Resource\": \"*\""), IAMP_RULE_VARIABLE_NOT_SUPPORTED, 1 },
	{ IAMP_POLICY_IDENTITY, "{\"Version\": \"2008-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/${aws:username}\"}}", IAMP_RULE_VERSION_WITHOUT_VARIABLES, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\""), IAMP_RULE_ALLOW_ALL, 1 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}"), IAMP_RULE_ALLOW_ALL, 0 },
	{ IAMP_POLICY_SCP, ST("\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\""), IAMP_RULE_ALLOW_ALL, 0 },
	{ IAMP_POLICY_IDENTITY, ST("\"Effect\": \"Allow\", \"NotAction\": \"*\", \"Resource\": \"*\""), IAMP_RULE_ALLOW_ALL, 0 },
};

START_TEST(rules)
{
	th_lint(cases[_i].json, cases[_i].type);
	ck_assert_msg(th_count(cases[_i].rule) == cases[_i].count,
		      "row %d (%s): expected %d x %s, got %d", _i, cases[_i].json, cases[_i].count,
		      iamp_rules[cases[_i].rule].id, th_count(cases[_i].rule));
}
END_TEST

START_TEST(positions)
{
	/* The diagnostic points at the offending value, not its statement. */
	th_lint("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Alow\",\n"
	     "    \"Action\": \"s3:*\", \"Resource\": \"*\"}}", IAMP_POLICY_IDENTITY);
	ck_assert_int_eq(th_count(IAMP_RULE_INVALID_EFFECT), 1);
	for (size_t i = 0; i < th_diags.count; i++) {
		if (th_diags.items[i].rule != IAMP_RULE_INVALID_EFFECT)
			continue;
		ck_assert_int_eq(th_diags.items[i].span.start.line, 4);
		ck_assert_int_eq(th_diags.items[i].span.start.col, 15);
		ck_assert_str_eq(th_diags.items[i].source_line, "    \"Effect\": \"Alow\",");
	}
}
END_TEST

START_TEST(variable_position)
{
	/* INVALID_POLICY_VARIABLE points inside the string. */
	th_lint(ST("\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/${}\""), IAMP_POLICY_IDENTITY);
	ck_assert_int_eq(th_count(IAMP_RULE_INVALID_POLICY_VARIABLE), 1);
	for (size_t i = 0; i < th_diags.count; i++)
		if (th_diags.items[i].rule == IAMP_RULE_INVALID_POLICY_VARIABLE)
			ck_assert_int_eq(th_diags.items[i].span.start.col, 109); /* where the name belongs */
}
END_TEST

START_TEST(size_quota)
{
	char text[16384];
	size_t n = 0, size, limit;
	struct iamp_policy *p = NULL;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "{" V "\"Statement\": {\"Effect\": \"Deny\", \"Action\": [");
	for (int i = 0; i < 700; i++) /* over 10,240 characters */
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\"s3:Action%04d\"", i ? ", " : "", i);
	snprintf(text + n, sizeof(text) - n, "], \"Resource\": \"*\"}}");
	th_lint(text, IAMP_POLICY_SCP);
	ck_assert_int_eq(th_count(IAMP_RULE_POLICY_SIZE), 1);
	th_teardown();
	/* An SCP is counted as saved, white space included, against
	 * 10,240; an identity policy without white space outside strings. */
	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", "{ \"Statement\" : { \"Sid\" : \"a b\" } }", 35, IAMP_FORMAT_JSON, NULL, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, IAMP_POLICY_SCP, NULL, &th_diags), 0);
	size = iamp_lint_policy_size(p, &limit);
	ck_assert_int_eq(limit, 10240);
	ck_assert_int_eq(size, 35);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, IAMP_POLICY_IDENTITY, NULL, &th_diags), 0);
	size = iamp_lint_policy_size(p, &limit);
	ck_assert_int_eq(limit, 6144);
	ck_assert_int_eq(size, strlen("{\"Statement\":{\"Sid\":\"a b\"}}"));
}
END_TEST

/* The size quota of a JSON document is counted while loading (load.h):
 * it must equal a count of the text itself, code points with (SCP) and
 * without (identity) the white space outside strings. */
static const struct {
	const char *json;
	size_t with_ws, without_ws;
} sizes[] = {
	{ "{\"Version\":\"2012-10-17\"}", 24, 24 },
	{ "  {\"Version\" : \"2012-10-17\"}\n\n", 26, 24 },
	{ "\xEF\xBB\xBF{ \"Sid\" : \"a b\" }\r\n", 17, 13 },
	{ "{\r\n\t\"Sid\": \"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\",\r\n\t\"Id\": \"x\"\r\n}", 32, 22 },
	{ "{\"Id\": \"q\\\" \\\\ \\u00e9 \\n\", \"Version\": [ \"a\" , \"b\" ]}", 52, 45 },
};

START_TEST(size_loaded)
{
	size_t len = strlen(sizes[_i].json), size, limit;
	struct iamp_policy *p = NULL;

	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", sizes[_i].json, len, IAMP_FORMAT_JSON, NULL, &th_diags), 0);
	ck_assert_ptr_nonnull(th_doc->root);
	ck_assert(th_doc->counted);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, IAMP_POLICY_SCP, NULL, &th_diags), 0);
	ck_assert_ptr_nonnull(p);
	size = iamp_lint_policy_size(p, &limit);
	ck_assert_int_eq(size, sizes[_i].with_ws);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, IAMP_POLICY_IDENTITY, NULL, &th_diags), 0);
	size = iamp_lint_policy_size(p, &limit);
	ck_assert_int_eq(size, sizes[_i].without_ws);
}
END_TEST

/* The quotas of limits: reach the policy through the builder, per type;
 * 0 keeps AWS's; a resource policy has one only for a resource type
 * that names it (aa_resource_types.def). */
static const struct {
	enum iamp_policy_type type;
	struct iamp_quotas quotas;
	const char *resource_type;
	size_t limit;
} quota_cases[] = {
	{ IAMP_POLICY_SCP, { 0, 0, 0, 0 }, NULL, 10240 },
	{ IAMP_POLICY_SCP, { 5120, 0, 0, 0 }, NULL, 5120 },
	{ IAMP_POLICY_RCP, { 5120, 0, 0, 0 }, NULL, 5120 },
	{ IAMP_POLICY_RCP, { 0, 9000, 0, 0 }, NULL, 9000 },
	{ IAMP_POLICY_IDENTITY, { 0, 0, 100, 0 }, NULL, 100 },
	{ IAMP_POLICY_BOUNDARY, { 0, 0, 100, 0 }, NULL, 100 },
	{ IAMP_POLICY_TRUST, { 0, 0, 0, 4096 }, NULL, 4096 },
	{ IAMP_POLICY_SESSION, { 0, 0, 0, 4096 }, NULL, 2048 },
	{ IAMP_POLICY_RESOURCE, { 1, 1, 1, 1 }, NULL, 0 },
	{ IAMP_POLICY_RESOURCE, { 0, 0, 0, 0 }, "AWS::S3::Bucket", 20480 },
	{ IAMP_POLICY_RESOURCE, { 0, 0, 0, 0 }, "AWS::S3::AccessPoint", 0 },
};

START_TEST(size_quota_configured)
{
	struct iamp_limits limits;
	struct iamp_policy *p = NULL;
	size_t limit = 12345;

	iamp_limits_default(&limits);
	limits.quotas = quota_cases[_i].quotas;
	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", "{\"Statement\": []}", 17, IAMP_FORMAT_JSON, NULL, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, quota_cases[_i].type, &limits, &th_diags), 0);
	p->resource_type = quota_cases[_i].resource_type;
	iamp_lint_policy_size(p, &limit);
	ck_assert_uint_eq(limit, quota_cases[_i].limit);
	th_teardown();
}
END_TEST

START_TEST(resource_type_names)
{
	enum iamp_policy_type t = IAMP_POLICY_IDENTITY;

	ck_assert_str_eq(iamp_lint_resource_type("aws::s3::BUCKET", &t), "AWS::S3::Bucket");
	ck_assert_int_eq(t, IAMP_POLICY_RESOURCE);
	ck_assert_str_eq(iamp_lint_resource_type("AWS::IAM::AssumeRolePolicyDocument", &t),
			 "AWS::IAM::AssumeRolePolicyDocument");
	ck_assert_int_eq(t, IAMP_POLICY_TRUST);
	ck_assert_ptr_null(iamp_lint_resource_type("AWS::S3::Bucket2", &t));
	ck_assert_ptr_null(iamp_lint_resource_type("", &t));
	/* the list for messages: every name once, no trailing separator */
	ck_assert_ptr_nonnull(strstr(iamp_lint_resource_type_names(), "AWS::DynamoDB::Table, "));
	ck_assert_ptr_nonnull(strstr(iamp_lint_resource_type_names(), ", AWS::S3Tables::TableBucket"));
	ck_assert(iamp_lint_resource_type_names()[strlen(iamp_lint_resource_type_names()) - 1] == 't');
}
END_TEST

static const struct {
	const char *s;
	bool date, number, ip;
} values[] = {
	{ "2024-02-29", true, false, false },
	{ "2024-02-29T12:00:00Z", true, false, false },
	{ "2024-02-29T12:00:00.123+02:00", true, false, false },
	{ "2024-02-29T12:00", true, false, false },
	{ "1700000000", true, true, false },
	{ "2024/02/29", false, false, false },
	{ "-1.5", false, true, false },
	{ "1e3", false, true, false },
	{ "1.2.3.4", false, false, true },
	{ "1.2.3.4/0", false, false, true },
	{ "::1", false, false, true },
	{ "2001:db8::/32", false, false, true },
	{ "::ffff:1.2.3.4", false, false, true },
	{ "1:2:3:4:5:6:7:8", false, false, true },
	{ "1:2:3:4:5:6:7:8:9", false, false, false },
	{ "1::2::3", false, false, false },
	{ "1.2.3", false, false, false },
	{ "", false, false, false },
};

START_TEST(value_syntax)
{
	const char *s = values[_i].s;

	int64_t when;
	double num;
	struct iamp_ip ip;

	/* The syntax lint accepts is the evaluator's (match.h). */
	ck_assert_msg(iamp_date_parse(&when, s, strlen(s)) == values[_i].date, "date %s", s);
	ck_assert_msg(iamp_number_parse(&num, s, strlen(s)) == values[_i].number, "number %s", s);
	ck_assert_msg(iamp_ip_parse(&ip, s, strlen(s)) == values[_i].ip, "ip %s", s);
}
END_TEST

START_TEST(variables)
{
	struct iamp_var v[4];
	size_t n, off;
	const char *err;
	const char *s = "a/${aws:username}/${aws:PrincipalTag/team, 'none'}/${*}${?}${$}";

	ck_assert_int_eq(iamp_vars_scan(s, strlen(s), v, 4, &n, &off, &err), 0);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(v[0].kind, IAMP_VAR_KEY);
	ck_assert_int_eq(v[0].start, 2);
	ck_assert_int_eq(v[0].key_len, 12);
	ck_assert(v[1].has_default);
	ck_assert_int_eq(v[1].def_len, 4);
	ck_assert(strncmp(v[1].def, "none", 4) == 0);
	ck_assert_int_eq(v[2].kind, IAMP_VAR_STAR);
	ck_assert_int_eq(v[3].kind, IAMP_VAR_QUESTION);
	ck_assert_int_eq(iamp_vars_scan("${a, none}", 10, v, 4, &n, &off, &err), -1);
	ck_assert_int_eq(off, 5);
	ck_assert_int_eq(iamp_vars_scan("x${a", 4, v, 4, &n, &off, &err), -1);
	ck_assert_int_eq(iamp_vars_scan("${}", 3, v, 4, &n, &off, &err), -1);
	ck_assert_int_eq(iamp_vars_scan("$x {y}", 6, v, 4, &n, &off, &err), 0);
	ck_assert_int_eq(n, 0);
	/* whether a value holds "${" at all: within its length only, after
	 * any number of lone '$' */
	ck_assert(iamp_vars_present("${", 2));
	ck_assert(iamp_vars_present("a$$b$${x}", 9));
	ck_assert(iamp_vars_present("arn:aws:s3:::b/${aws:username}", 30));
	ck_assert(!iamp_vars_present("a$b$", 4));
	ck_assert(!iamp_vars_present("a${", 2));   /* the '{' lies past the length */
	ck_assert(!iamp_vars_present("${", 0));
	ck_assert(!iamp_vars_present("$ {", 3));
	ck_assert(!iamp_vars_present("{$", 2));
}
END_TEST

/* DUPLICATE_VALUE over long lists (the pre-filter's table grows past its
 * 128 slots on the stack): a repeat found whatever its place and case,
 * none where every value differs, even values that differ only in their
 * middle or by one letter's case in a case-sensitive list. */
static const struct {
	size_t n;       /* actions s3:Action0000 ... */
	long dup_of;    /* the last action repeats this one (-1: none) */
	bool upper;     /* the repeat in upper case (actions ignore case) */
	int expect;
} dup_lists[] = {
	{ 40, -1, false, 0 }, { 40, 0, false, 1 }, { 40, 39, true, 1 },
	{ 300, -1, false, 0 }, { 300, 0, true, 1 }, { 300, 150, false, 1 }, { 300, 299, true, 1 },
	{ 5000, -1, false, 0 }, { 5000, 2500, true, 1 },
};

START_TEST(duplicates_long)
{
	size_t n = dup_lists[_i].n, cap = 64 * n + 256, len = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, cap - len,
				"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
				"\"Resource\": \"*\", \"Action\": [");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s\"s3:Get%04zuObject\"", i ? ", " : "", i);
	if (dup_lists[_i].dup_of >= 0)
		len += (size_t)snprintf(text + len, cap - len, ", \"%s:Get%04ldObject\"",
					dup_lists[_i].upper ? "S3" : "s3", dup_lists[_i].dup_of);
	snprintf(text + len, cap - len, "]}]}");
	th_lint(text, IAMP_POLICY_IDENTITY);
	ck_assert_int_eq(th_count(IAMP_RULE_DUPLICATE_VALUE), dup_lists[_i].expect);
	free(text);
}
END_TEST

/* Sids are compared with case: "a" and "A" are not a repeat, in a list
 * short or long. */
START_TEST(duplicates_case)
{
	th_lint("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", "
		"\"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/team\": "
		"[\"RedTeamAlpha\", \"redteamalpha\", \"RedTeamAlphA\", \"RedTeamAlpha\"]}}}]}",
		IAMP_POLICY_IDENTITY);
	ck_assert_int_eq(th_count(IAMP_RULE_DUPLICATE_VALUE), 1);
}
END_TEST

/* Only the items whose hashes meet are sorted: two items of 40 bytes
 * that differ only where the hash does not read (bytes 8 to 15) meet
 * and are no repeat; the repeats of another item, found among them,
 * each name the item's first place, in both readings of case (the
 * action's last repeat upper case in every word the hash reads). */
#define MEET_A "s3:Aaaaa11111111Mmmmmmmm22222222Zzzzzzzz"
#define MEET_B "s3:Aaaaa11111112Mmmmmmmm22222222Zzzzzzzz"
START_TEST(duplicates_met)
{
	static const char *const lists[] = {
		"\"Action\": [\"" MEET_A "\", \"" MEET_B "\", \"s3:GetObject\", \"" MEET_A "\", \"S3:AAAAA11111111" "MMMMMMMM22222222ZZZZZZZZ\"]",
		"\"Action\": \"s3:GetObject\", \"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/t\": [\"" MEET_A "\", \"" MEET_B
		"\", \"x\", \"" MEET_A "\", \"" MEET_A "\"]}}",
	};
	char text[1024];

	snprintf(text, sizeof text, "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
		 "\"Resource\": \"*\", %s}]}", lists[_i]);
	th_lint(text, IAMP_POLICY_IDENTITY);
	ck_assert_int_eq(th_count(IAMP_RULE_DUPLICATE_VALUE), 2);
	for (size_t i = 0; i < th_diags.count; i++) {
		const struct iamp_diag *d = &th_diags.items[i];
		const char *first = strstr(text, MEET_A);
		char want[32];

		if (d->rule != IAMP_RULE_DUPLICATE_VALUE)
			continue;
		/* one line: the column of the first item's opening quote */
		snprintf(want, sizeof want, "(first at 1:%d)", (int)(first - text));
		ck_assert_msg(strstr(d->message, want), "%s: not %s", d->message, want);
	}
}
END_TEST

/* INVALID_ACTION's byte test (a table, lint.c) against the rule as
 * written: each byte value at each place of a service and of an action
 * name (escaped as \u00XX where JSON needs it, which makes a byte from
 * 0x80 two non-ASCII bytes), and the colon's places. */
START_TEST(action_bytes)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-*?_.";
	static const struct {
		const char *name;
		int count;
	} colons[] = {
		{ "*", 0 }, { "s3:a", 0 }, { "s:a", 0 }, { "s3:", 1 }, { ":a", 1 }, { ":", 1 },
		{ "s3::a", 1 }, { "s3:a:b", 1 }, { "s3", 1 }, { "**", 1 }, { "*:*", 0 },
	};
	char text[256], byte[12]; /* "\\u%04x" of an unsigned: gcc cannot see that c < 256 */
	int c = _i;

	if (c == 0) {
		for (size_t i = 0; i < sizeof colons / sizeof *colons; i++) {
			snprintf(text, sizeof text, ST("\"Effect\": \"Allow\", \"Action\": \"%s\", \"Resource\": \"*\""),
				 colons[i].name);
			th_lint(text, IAMP_POLICY_IDENTITY);
			ck_assert_msg(th_count(IAMP_RULE_INVALID_ACTION) == colons[i].count, "%s", colons[i].name);
			th_teardown();
		}
		return;
	}
	if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F)
		snprintf(byte, sizeof byte, "\\u%04x", (unsigned)c);
	else
		snprintf(byte, sizeof byte, "%c", c);
	for (int at = 0; at < 40; at++) {
		/* at < 6: in the service "abcdef" (before its at-th byte), else
		 * in the action "Get...Object" of 30 bytes (after at - 6 bytes) */
		static const char act[] = "GetObjectLegalHoldRetentionTag";
		char name[128];

		if (at < 6)
			snprintf(name, sizeof name, "%.*s%s%s:%s", at, "abcdef", byte, "abcdef" + at, act);
		else
			snprintf(name, sizeof name, "abcdef:%.*s%s%s", at - 6, act, byte, act + (at - 6 < 30 ? at - 6 : 30));
		snprintf(text, sizeof text, ST("\"Effect\": \"Allow\", \"Action\": \"%s\", \"Resource\": \"*\""), name);
		th_lint(text, IAMP_POLICY_IDENTITY);
		ck_assert_msg(th_count(IAMP_RULE_INVALID_ACTION) == (c != ':' && strchr(ok, c) ? 0 : 1),
			      "byte 0x%02x at %d: %s", (unsigned)c, at, name);
		th_teardown();
	}
}
END_TEST

Suite *suite_lint(void)
{
	Suite *s = suite_create("lint");
	TCase *tc = tcase_create("lint");

	tcase_add_checked_fixture(tc, NULL, th_teardown);
	tcase_add_loop_test(tc, rules, 0, sizeof(cases) / sizeof(*cases));
	tcase_add_test(tc, positions);
	tcase_add_test(tc, variable_position);
	tcase_add_test(tc, size_quota);
	tcase_add_loop_test(tc, size_loaded, 0, sizeof(sizes) / sizeof(*sizes));
	tcase_add_loop_test(tc, size_quota_configured, 0, sizeof quota_cases / sizeof *quota_cases);
	tcase_add_test(tc, resource_type_names);
	tcase_add_loop_test(tc, value_syntax, 0, sizeof(values) / sizeof(*values));
	tcase_add_test(tc, variables);
	tcase_add_loop_test(tc, duplicates_long, 0, sizeof dup_lists / sizeof *dup_lists);
	tcase_add_test(tc, duplicates_case);
	tcase_add_loop_test(tc, duplicates_met, 0, 2);
	tcase_add_loop_test(tc, action_bytes, 0, 256);
	suite_add_tcase(s, tc);
	return s;
}
