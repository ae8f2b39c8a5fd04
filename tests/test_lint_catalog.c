/*
 * test_lint_catalog.c - the rules that need the action catalog
 * (lint_catalog.c). Each row lints one policy and counts one rule.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "helpers.h"
#include "lint.h"
#include "load.h"
#include "policy.h"

static const char *message_of(enum iamp_rule_id rule)
{
	for (size_t i = 0; i < th_diags.count; i++)
		if (th_diags.items[i].rule == rule)
			return th_diags.items[i].message;
	return "";
}

#define V "\"Version\": \"2012-10-17\", "
#define ST(body) "{" V "\"Statement\": [{" body "}]}"
#define ST2(a, b) "{" V "\"Statement\": [{" a "}, {" b "}]}"
#define ALLOW "\"Effect\": \"Allow\", "
#define DENY "\"Effect\": \"Deny\", "
#define ACT(x) "\"Action\": " x ", "
#define RES(x) "\"Resource\": " x
#define COND(op, k, v) ", \"Condition\": {\"" op "\": {\"" k "\": " v "}}"

#define ID IAMP_POLICY_IDENTITY
#define R(x) IAMP_RULE_##x

static const struct {
	enum iamp_policy_type type;
	const char *json;
	enum iamp_rule_id rule;
	int count;
} cases[] = {
	/* unknown service, action, pattern matching nothing */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/*\"")), R(UNKNOWN_ACTION), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObjekt\"") RES("\"arn:aws:s3:::b/*\"")), R(UNKNOWN_ACTION), 1 },
	{ ID, ST(ALLOW ACT("\"S3:getobject\"") RES("\"arn:aws:s3:::b/*\"")), R(UNKNOWN_ACTION), 0 },
	{ ID, ST(ALLOW ACT("\"s4:GetObject\"") RES("\"*\"")), R(UNKNOWN_SERVICE), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"")), R(UNKNOWN_SERVICE), 0 },
	{ ID, ST(ALLOW ACT("\"s3:Gut*\"") RES("\"*\"")), R(ACTION_MATCHES_NOTHING), 1 },
	{ ID, ST(ALLOW ACT("\"s3:Get*\"") RES("\"*\"")), R(ACTION_MATCHES_NOTHING), 0 },
	{ ID, ST(ALLOW ACT("\"nosuch*:Get*\"") RES("\"*\"")), R(ACTION_MATCHES_NOTHING), 1 },
	{ ID, ST(ALLOW ACT("\"*:GetObject\"") RES("\"*\"")), R(ACTION_MATCHES_NOTHING), 0 },
	{ ID, ST(DENY "\"NotAction\": \"s3:GetObjekt\", " RES("\"*\"")), R(UNKNOWN_ACTION), 1 },
	/* condition keys */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("StringEquals", "aws:SourceVpc", "\"vpc-1\"")), R(UNKNOWN_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("StringEquals", "aws:SourceVpcc", "\"vpc-1\"")), R(UNKNOWN_CONDITION_KEY), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("StringEquals", "s3:NoSuchKey", "\"x\"")), R(UNKNOWN_CONDITION_KEY), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("StringEquals", "aws:ResourceTag/team", "\"a\"")), R(UNKNOWN_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"ec2:RunInstances\"") RES("\"*\"") COND("StringEquals", "ec2:ResourceTag/team", "\"a\"")), R(CONDITION_KEY_NOT_APPLICABLE), 0 },
	{ ID, ST(ALLOW ACT("\"secretsmanager:GetSecretValue\"") RES("\"*\"") COND("StringEquals", "secretsmanager:ResourceTag/team", "\"a\"")), R(UNKNOWN_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:ListBucket\"") RES("\"*\"") COND("StringLike", "s3:prefix", "\"home/\"")), R(CONDITION_KEY_NOT_APPLICABLE), 0 },
	{ ID, ST(ALLOW ACT("\"s3:Get*\"") RES("\"*\"") COND("StringLike", "ec2:InstanceType", "\"t3.*\"")), R(CONDITION_KEY_NOT_APPLICABLE), 1 },
	/* literal actions only: UNSUPPORTED_ACTION_FOR_CONDITION_KEY instead (test_lint_aa_keys.c) */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("StringLike", "ec2:InstanceType", "\"t3.*\"")), R(CONDITION_KEY_NOT_APPLICABLE), 0 },
	{ ID, ST(ALLOW "\"NotAction\": \"iam:*\", " RES("\"*\"") COND("StringLike", "ec2:InstanceType", "\"t3.*\"")), R(CONDITION_KEY_NOT_APPLICABLE), 0 },
	/* operator and key types */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("NumericEquals", "aws:SourceVpc", "\"1\"")), R(MISMATCHED_TYPE), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("StringEquals", "aws:CurrentTime", "\"2020-01-01\"")), R(MISMATCHED_TYPE), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("DateGreaterThan", "aws:CurrentTime", "\"2020-01-01\"")), R(MISMATCHED_TYPE), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("StringLike", "aws:SourceArn", "\"arn:aws:sns:*\"")), R(MISMATCHED_TYPE), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("ArnLike", "aws:SourceVpc", "\"arn:aws:sns:*\"")), R(MISMATCHED_TYPE), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("ArnLike", "aws:ResourceTag/owner", "\"arn:aws:iam::*\"")), R(MISMATCHED_TYPE), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("Bool", "aws:SecureTransport", "\"true\"")), R(MISMATCHED_TYPE), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("IpAddress", "aws:SourceIp", "\"10.0.0.0/8\"")), R(MISMATCHED_TYPE), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("Null", "aws:SourceIp", "\"true\"")), R(MISMATCHED_TYPE), 0 },
	/* resource fit */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/*\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:sqs:*:*:q\"")), R(RESOURCE_MISMATCH), 1 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:user/x\"")), R(RESOURCE_MISMATCH), 1 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:role/${aws:username}\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:*\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("[\"s3:GetObject\", \"sqs:SendMessage\"]") RES("\"arn:aws:sqs:*:*:q\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"apigateway:GET\"") RES("\"arn:aws:apigateway:*::/restapis\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:*\"")), R(RESOURCE_MISMATCH), 0 },
	/* the resource field and the service compared in any case, a glob
	 * of fewer than six fields as a whole, the field's literal start */
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:ROLE/x\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:IAM::*:role/x\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:roleplay/x\"")), R(RESOURCE_MISMATCH), 1 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam:us-east-1:*:role/x\"")), R(RESOURCE_MISMATCH), 1 },
	/* formats with alternatives ("arn:...:/apis/..., arn:...:/restapis/...") */
	{ ID, ST(ALLOW ACT("\"apigateway:GET\"") RES("\"arn:aws:apigateway:*::/apis/a1/deployments/d1\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"apigateway:GET\"") RES("\"arn:aws:apigateway:*::/restapis/r1/deployments/d1\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"apigateway:GET\"") RES("\"arn:aws:apigateway:*::/apis/a1/deploymentz/d1\"")), R(RESOURCE_MISMATCH), 1 },
	/* "${" without its "}" is text, not a variable */
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:user/${x\"")), R(RESOURCE_MISMATCH), 1 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:role/${x\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:role/$x\"")), R(RESOURCE_MISMATCH), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::*:${x}/a\"")), R(RESOURCE_MISMATCH), 0 },
	/* a '$' is one character: the colon after it still ends the field */
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam:$:*:role/x\"")), R(RESOURCE_MISMATCH), 1 },
	/* wildcard-only actions */
	{ ID, ST(ALLOW ACT("\"s3:ListAllMyBuckets\"") RES("\"arn:aws:s3:::b\"")), R(WILDCARD_ONLY_WITH_RESOURCE), 1 },
	{ ID, ST(ALLOW ACT("\"s3:ListAllMyBuckets\"") RES("\"*\"")), R(WILDCARD_ONLY_WITH_RESOURCE), 0 },
	{ ID, ST(ALLOW ACT("[\"s3:ListAllMyBuckets\", \"s3:GetObject\"]") RES("\"arn:aws:s3:::b/*\"")), R(WILDCARD_ONLY_WITH_RESOURCE), 0 },
	/* least privilege */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"")), R(RESOURCE_STAR), 1 },
	{ ID, ST(ALLOW ACT("\"s3:ListAllMyBuckets\"") RES("\"*\"")), R(RESOURCE_STAR), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES("\"*\"") COND("Bool", "aws:SecureTransport", "\"true\"")), R(RESOURCE_STAR), 0 },
	{ ID, ST(DENY ACT("\"s3:GetObject\"") RES("\"*\"")), R(RESOURCE_STAR), 0 },
	{ ID, ST(ALLOW ACT("\"s3:*\"") RES("\"arn:aws:s3:::b\"")), R(SERVICE_WILDCARD), 0 },
	{ ID, ST(ALLOW ACT("\"s3:*\"") RES("\"*\"")), R(SERVICE_WILDCARD), 1 },
	{ ID, ST(ALLOW "\"NotAction\": \"iam:*\", " RES("\"*\"")), R(SERVICE_WILDCARD), 1 },
	{ ID, ST(DENY ACT("\"s3:*\"") RES("\"*\"")), R(SERVICE_WILDCARD), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	{ ID, ST(ALLOW ACT("\"iam:Pass*\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	/* the last character of a pattern: a wildcard, another case, another letter */
	{ ID, ST(ALLOW ACT("\"iam:PassRol?\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	{ ID, ST(ALLOW ACT("\"iam:P*\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	{ ID, ST(ALLOW ACT("\"IAM:PASSROLE\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	{ ID, ST(ALLOW ACT("\"iam:PassRolx\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 0 },
	{ ID, ST(ALLOW ACT("\"iam:*Role\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	{ ID, ST(ALLOW ACT("[\"iam:GetRole\", \"iam:Pass*le\"]") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	{ ID, ST2(ALLOW ACT("\"iam:PassRole\"") RES("\"*\""), DENY ACT("\"iam:PassRol?\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"arn:aws:iam::1:role/x\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 0 },
	{ ID, ST2(ALLOW ACT("\"iam:PassRole\"") RES("\"*\""), DENY ACT("\"iam:PassRole\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 0 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"*\"") COND("StringEquals", "iam:PassedToService", "\"ec2.amazonaws.com\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 0 },
	{ ID, ST(ALLOW ACT("\"iam:AttachRolePolicy\"") RES("\"*\"")), R(PERMISSIONS_MANAGEMENT_STAR), 1 },
	{ ID, ST(ALLOW ACT("\"iam:GetRole\"") RES("\"*\"")), R(PERMISSIONS_MANAGEMENT_STAR), 0 },
	{ ID, ST(ALLOW ACT("\"kms:Decrypt\"") RES("\"*\"")), R(SENSITIVE_DATA_STAR), 1 },
	{ ID, ST(ALLOW ACT("\"ssm:GetParameter*\"") RES("\"*\"")), R(SENSITIVE_DATA_STAR), 1 },
	{ ID, ST(ALLOW ACT("\"kms:Decrypt\"") RES("\"arn:aws:kms:*:1:key/k\"")), R(SENSITIVE_DATA_STAR), 0 },
	/* privilege escalation, across statements */
	{ ID, ST(ALLOW ACT("\"iam:CreatePolicyVersion\"") RES("\"*\"")), R(PRIVILEGE_ESCALATION), 1 },
	{ ID, ST2(ALLOW ACT("[\"iam:PassRole\", \"lambda:CreateFunction\"]") RES("\"*\""),
		  ALLOW ACT("\"lambda:InvokeFunction\"") RES("\"*\"")), R(PRIVILEGE_ESCALATION), 1 },
	{ ID, ST(ALLOW ACT("[\"iam:PassRole\", \"lambda:CreateFunction\"]") RES("\"*\"")), R(PRIVILEGE_ESCALATION), 0 },
	{ ID, ST2(ALLOW ACT("[\"iam:PassRole\", \"lambda:CreateFunction\"]") RES("\"*\""),
		  ALLOW ACT("\"lambda:InvokeFunction\"") RES("\"*\"") COND("Bool", "aws:SecureTransport", "\"true\"")),
	  R(PRIVILEGE_ESCALATION), 0 },
	{ ID, ST2(ALLOW ACT("\"iam:CreatePolicyVersion\"") RES("\"*\""), DENY ACT("\"iam:*\"") RES("\"*\"")), R(PRIVILEGE_ESCALATION), 0 },
	{ ID, ST(ALLOW ACT("\"iam:CreatePolicyVersion\"") RES("\"arn:aws:iam::1:policy/p\"")), R(PRIVILEGE_ESCALATION), 0 },
	/* the same checks through patterns that begin with a wildcard, in
	 * other case, or in NotAction (the first-character pre-filter);
	 * the NotAction counts are those of the release before the
	 * pre-filter */
	{ ID, ST(ALLOW ACT("\"?am:CreatePolicyVersion\"") RES("\"*\"")), R(PRIVILEGE_ESCALATION), 1 },
	{ ID, ST(ALLOW ACT("\"IAM:createpolicyversion\"") RES("\"*\"")), R(PRIVILEGE_ESCALATION), 1 },
	{ ID, ST(ALLOW ACT("\"*:CreatePolicyVersion\"") RES("\"*\"")), R(PRIVILEGE_ESCALATION), 1 },
	{ ID, ST(ALLOW "\"NotAction\": \"s3:*\", " RES("\"*\"")), R(PRIVILEGE_ESCALATION), 37 },
	{ ID, ST(ALLOW "\"NotAction\": \"iam:CreatePolicyVersion\", " RES("\"*\"")), R(PRIVILEGE_ESCALATION), 36 },
	{ ID, ST(ALLOW ACT("\"?3:GetObject\"") RES("\"*\"")), R(SENSITIVE_DATA_STAR), 1 },
	{ ID, ST(ALLOW ACT("\"KMS:decrypt\"") RES("\"*\"")), R(SENSITIVE_DATA_STAR), 1 },
	{ ID, ST(ALLOW ACT("\"*:PassRole\"") RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	{ ID, ST(ALLOW "\"NotAction\": \"s3:*\", " RES("\"*\"")), R(PASS_ROLE_WITH_STAR_IN_RESOURCE), 1 },
	/* redundancy */
	{ ID, ST(ALLOW ACT("[\"s3:GetObject\", \"s3:Get*\"]") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_ACTION), 1 },
	{ ID, ST(ALLOW ACT("[\"s3:Get*\", \"s3:GetObject*\"]") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_ACTION), 1 },
	{ ID, ST(ALLOW ACT("[\"s3:G?tObject\", \"s3:G*Object\"]") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_ACTION), 1 },
	{ ID, ST(ALLOW ACT("[\"s3:G*Object\", \"s3:G?tObject\"]") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_ACTION), 1 },
	{ ID, ST(ALLOW ACT("[\"s3:GetObject\", \"s3:PutObject\"]") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_ACTION), 0 },
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/x\""),
		  ALLOW ACT("\"s3:Get*\"") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_STATEMENT), 1 },
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/x\""),
		  ALLOW ACT("\"s3:Get*\"") RES("\"arn:aws:s3:::b/*\"") COND("Bool", "aws:SecureTransport", "\"true\"")),
	  R(REDUNDANT_STATEMENT), 0 },
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/x\""),
		  DENY ACT("\"s3:Get*\"") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_STATEMENT), 0 },
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/*\""),
		  ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_STATEMENT), 1 },
	/* the covering statement's conditions are the covered one's (contain.h) */
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/x\"") COND("Bool", "aws:SecureTransport", "\"true\""),
		  ALLOW ACT("\"s3:Get*\"") RES("\"arn:aws:s3:::b/*\"") COND("Bool", "aws:SecureTransport", "\"true\"")),
	  R(REDUNDANT_STATEMENT), 1 },
	/* ARNs are case-sensitive */
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::B/x\""),
		  ALLOW ACT("\"s3:Get*\"") RES("\"arn:aws:s3:::b/*\"")), R(REDUNDANT_STATEMENT), 0 },
	/* NotAction: excluding more is narrower */
	{ ID, ST2(ALLOW "\"NotAction\": [\"iam:*\", \"s3:*\"], " RES("\"*\""),
		  ALLOW "\"NotAction\": \"iam:*\", " RES("\"*\"")), R(REDUNDANT_STATEMENT), 1 },
	/* the pre-filter by service keeps every statement that can hold one:
	 * a wildcard before the colon, another case, the service named in a
	 * later item, a wildcard service in the held statement */
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/x\""),
		  ALLOW ACT("\"*\"") RES("\"*\"")), R(REDUNDANT_STATEMENT), 1 },
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/x\""),
		  ALLOW ACT("\"s*\"") RES("\"*\"")), R(REDUNDANT_STATEMENT), 1 },
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/x\""),
		  ALLOW ACT("\"*:Get*\"") RES("\"*\"")), R(REDUNDANT_STATEMENT), 1 },
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"arn:aws:s3:::b/x\""),
		  ALLOW ACT("\"S3:get*\"") RES("\"*\"")), R(REDUNDANT_STATEMENT), 1 },
	{ ID, ST2(ALLOW ACT("[\"s3:GetObject\", \"ec2:RunInstances\"]") RES("\"*\""),
		  ALLOW ACT("[\"ec2:*\", \"s3:*\"]") RES("\"*\"")), R(REDUNDANT_STATEMENT), 1 },
	{ ID, ST2(ALLOW ACT("\"*:GetObject\"") RES("\"*\""),
		  ALLOW ACT("\"*:Get*\"") RES("\"*\"")), R(REDUNDANT_STATEMENT), 1 },
	{ ID, ST2(ALLOW ACT("\"s3:GetObject\"") RES("\"*\""),
		  ALLOW ACT("\"s4:*\"") RES("\"*\"")), R(REDUNDANT_STATEMENT), 0 },
};

START_TEST(rules)
{
	th_lint(cases[_i].json, cases[_i].type);
	ck_assert_msg(th_count(cases[_i].rule) == cases[_i].count,
		      "row %d (%s): expected %d x %s, got %d", _i, cases[_i].json, cases[_i].count,
		      iamp_rules[cases[_i].rule].id, th_count(cases[_i].rule));
}
END_TEST

/* Resources whose glob (a ${...} made '*') has up to 512 characters are
 * compared, longer ones are not (MAX_ARN): a user ARN for iam:PassRole
 * of 512 is a mismatch, of 513 nothing is said; head, then `fill` a's,
 * then tail, with the last character of the glob from either. */
START_TEST(resource_mismatch_lengths)
{
	static const struct {
		const char *head;
		size_t fill;
		const char *tail;
		int count;
	} k[] = {
		{ "arn:aws:iam::*:user/", 512 - 20, "", 1 },
		{ "arn:aws:iam::*:user/", 513 - 20, "", 0 },
		{ "arn:aws:iam::${aws:PrincipalAccount}:user/", 512 - 20, "", 1 },
		{ "arn:aws:iam::${aws:PrincipalAccount}:user/", 513 - 20, "", 0 },
		{ "arn:aws:iam::*:user/", 511 - 20, "${x}", 1 },
		{ "arn:aws:iam::*:user/", 512 - 20, "${x}", 0 },
		{ "arn:aws:iam::*:user/", 511 - 20, "$", 1 },
		{ "arn:aws:iam::*:user/", 512 - 20, "$", 0 },
	};

	for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
		char json[1024], res[600];
		size_t h = strlen(k[i].head);

		memcpy(res, k[i].head, h);
		memset(res + h, 'a', k[i].fill);
		memcpy(res + h + k[i].fill, k[i].tail, strlen(k[i].tail) + 1);
		snprintf(json, sizeof json, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"%s\"")), res);
		th_lint(json, ID);
		ck_assert_msg(th_count(R(RESOURCE_MISMATCH)) == k[i].count, "row %zu: %d", i, th_count(R(RESOURCE_MISMATCH)));
		th_teardown();
	}
}
END_TEST

START_TEST(did_you_mean)
{
	th_lint(ST(ALLOW ACT("\"s3:GetObjekt\"") RES("\"*\"")), ID);
	ck_assert_ptr_nonnull(strstr(message_of(R(UNKNOWN_ACTION)), "did you mean \"s3:GetObject\""));
	th_teardown();
	th_lint(ST(ALLOW ACT("\"ec3:RunInstances\"") RES("\"*\"")), ID);
	ck_assert_ptr_nonnull(strstr(message_of(R(UNKNOWN_SERVICE)), "did you mean \"ec2\""));
	th_teardown();
	th_lint(ST(ALLOW ACT("\"s3:CompletelyDifferentThing\"") RES("\"*\"")), ID);
	ck_assert_ptr_null(strstr(message_of(R(UNKNOWN_ACTION)), "did you mean"));
}
END_TEST

/* One unknown service in item after item (the nearest is searched once
 * and reused for the same service in any case), then others: each
 * message names the nearest of its own service. */
START_TEST(did_you_mean_repeated)
{
	static const char *const expect[] = {
		"\"ec3\" in \"ec3:RunInstances\": did you mean \"ec2\"?",
		"\"ec3\" in \"ec3:StopInstances\": did you mean \"ec2\"?",
		"\"EC3\" in \"EC3:StartInstances\": did you mean \"ec2\"?",
		"\"ec\" in \"ec:RunInstances\": did you mean \"ec2\"?",
		"\"xyzzyqqq\" in \"xyzzyqqq:Foo\"",
		"\"xyzzyqqq\" in \"xyzzyqqq:Bar\"",
		"\"lambdaa\" in \"lambdaa:InvokeFunction\": did you mean \"lambda\"?",
		"\"lam\" in \"lam:Foo\": did you mean \"iam\"?", /* a prefix of the one before */
	};
	size_t k = 0;

	th_lint(ST(ALLOW ACT("[\"ec3:RunInstances\", \"ec3:StopInstances\", \"EC3:StartInstances\", \"ec:RunInstances\", "
			     "\"xyzzyqqq:Foo\", \"xyzzyqqq:Bar\", \"lambdaa:InvokeFunction\", \"lam:Foo\"]") RES("\"*\"")), ID);
	for (size_t i = 0; i < th_diags.count; i++) {
		const char *m = th_diags.items[i].message;

		if (th_diags.items[i].rule != R(UNKNOWN_SERVICE))
			continue;
		ck_assert_uint_lt(k, sizeof expect / sizeof *expect);
		ck_assert_msg(strstr(m, expect[k]) != NULL, "message %zu: %s", k, m);
		if (!strstr(expect[k], "did you mean"))
			ck_assert_ptr_null(strstr(m, "did you mean"));
		k++;
	}
	ck_assert_uint_eq(k, sizeof expect / sizeof *expect);
}
END_TEST

START_TEST(privesc_names_combination)
{
	th_lint(ST(ALLOW ACT("[\"iam:PassRole\", \"ec2:RunInstances\"]") RES("\"*\"")), ID);
	ck_assert_int_eq(th_count(R(PRIVILEGE_ESCALATION)), 1);
	ck_assert_ptr_nonnull(strstr(message_of(R(PRIVILEGE_ESCALATION)), "PassRoleEc2"));
	ck_assert_ptr_nonnull(strstr(message_of(R(PRIVILEGE_ESCALATION)), "ec2:RunInstances"));
}
END_TEST

/* PRIVILEGE_ESCALATION over more statements that grant freely than the
 * check keeps on its stack: the combination is found across the first
 * and the last (each statement read with its own first characters), and
 * not when the last is gone. */
START_TEST(privesc_many_statements)
{
	static char text[64 * 200];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof text - n, "{" V "\"Statement\": [");
	n += (size_t)snprintf(text + n, sizeof text - n,
			      "{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"}");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
				      ", {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject%d\", \"Resource\": \"*\"}", i);
	if (_i == 0)
		n += (size_t)snprintf(text + n, sizeof text - n,
				      ", {\"Effect\": \"Allow\", \"Action\": [\"lambda:CreateFunction\", "
				      "\"lambda:InvokeFunction\"], \"Resource\": \"*\"}");
	snprintf(text + n, sizeof text - n, "]}");
	th_lint(text, ID);
	ck_assert_int_eq(th_count(R(PRIVILEGE_ESCALATION)), _i == 0 ? 1 : 0);
}
END_TEST

/*
 * A long Action list is read through an index of its literal items by
 * length and folded first, middle and last characters (lint_catalog.c,
 * act_index), its wildcard items apart. Each row builds one statement
 * that grants freely: `total` items, `item` at `at` among fillers, then
 * "ec2:RunInstances"; iam:PassRole is granted (PASS_ROLE_WITH_STAR_IN_RESOURCE
 * and the PassRoleEc2 combination) exactly when `item` matches it. The
 * fillers share iam:PassRole's length and first and last characters
 * ("iam:Pas" + 4 digits + "e"),
 * so the index's keys collide and its probe runs wrap. Lists of 7 items
 * are read item by item: the same answers.
 */
static const struct {
	const char *item;
	int at, total; /* at < 0: the last item */
	bool grants;
} long_lists[] = {
	{ "iam:PassRole", 0, 20, true },
	{ "iam:PassRole", -1, 20, true },
	{ "IAM:passROLE", 7, 20, true },       /* literals match folded */
	{ "iam:PassRale", 3, 20, false },      /* the same key, another name */
	{ "iam:PassRol?", 5, 20, true },       /* a wildcard item */
	{ "iam:Pass*", -1, 200, true },
	{ "*", 100, 200, true },
	{ "iam:PassRolex", 0, 200, false },
	{ "iam:PassRole", 150, 200, true },
	{ "iam:PassRole", 3, 7, true },        /* no index */
	{ "iam:PassRole", -1, 8, true },       /* the shortest indexed */
	{ "iam:PassRole", 0, 1000, true },
	{ "iam:PassRole", -1, 1000, true },
	{ "", 2, 20, false },                  /* an empty item matches nothing */
};

START_TEST(long_action_lists)
{
	static char text[64 * 1100];
	int total = long_lists[_i].total, at = long_lists[_i].at < 0 ? total - 1 : long_lists[_i].at;
	size_t n = 0;
	bool combination;

	n += (size_t)snprintf(text + n, sizeof text - n, "{" V "\"Statement\": [{" ALLOW "\"Action\": [");
	for (int i = 0; i < total; i++) {
		if (i == at)
			n += (size_t)snprintf(text + n, sizeof text - n, "\"%s\", ", long_lists[_i].item);
		else
			n += (size_t)snprintf(text + n, sizeof text - n, "\"iam:Pas%04de\", ", i);
	}
	n += (size_t)snprintf(text + n, sizeof text - n, "\"ec2:RunInstances\"], " RES("\"*\"") "}]}");
	ck_assert_uint_lt(n, sizeof text);
	th_lint(text, ID);
	ck_assert_int_eq(th_count(R(PASS_ROLE_WITH_STAR_IN_RESOURCE)), long_lists[_i].grants);
	combination = false;
	for (size_t i = 0; i < th_diags.count; i++)
		if (th_diags.items[i].rule == R(PRIVILEGE_ESCALATION) && strstr(th_diags.items[i].message, "PassRoleEc2"))
			combination = true;
	ck_assert_int_eq(combination, long_lists[_i].grants);
}
END_TEST

/* Large policies: no quadratic work (REDUNDANT_STATEMENT stops at MAX_PAIRS
 * comparisons when every statement names the same service, and says so). */
START_TEST(large_policy)
{
	enum { N = 10000 };
	static char text[N * 110 + 100];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof text - n, "{" V "\"Statement\": [");
	for (int i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
				      "%s\n{\"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"s3:GetObject\"], "
				      "\"Resource\": \"arn:aws:s3:::b%d/*\"}", i ? "," : "", i);
	n += (size_t)snprintf(text + n, sizeof text - n, "]}");
	ck_assert_uint_lt(n, sizeof text);
	struct iamp_limits lim;

	iamp_limits_default(&lim);
	lim.max_statements = N;
	iamp_diags_init(&th_diags);
	struct iamp_policy *p = NULL;

	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", text, n, IAMP_FORMAT_JSON, &lim, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, ID, &lim, &th_diags), 0);
	iamp_lint_policy_catalog(p, &th_diags);
	ck_assert_int_eq(th_count(R(REDUNDANT_ACTION)), N);
	/* no statement claimed redundant; the one finding is the note of
	 * where the comparisons stopped (before, the stop was silent) */
	ck_assert_int_eq(th_count(R(REDUNDANT_STATEMENT)), 1);
	ck_assert_ptr_null(strstr(message_of(R(REDUNDANT_STATEMENT)), "is covered by"));
	ck_assert_ptr_nonnull(strstr(message_of(R(REDUNDANT_STATEMENT)), "were not compared with the others"));
}
END_TEST

/* Statements of different services are not compared with each other:
 * one repeat among thousands is found (before the pre-filter, policies of
 * more than 200 statements were not checked at all). */
START_TEST(large_prefiltered)
{
	enum { N = 5000 };
	static char text[N * 100 + 200];
	size_t n = 0;
	struct iamp_limits lim;
	struct iamp_policy *p = NULL;

	n += (size_t)snprintf(text + n, sizeof text - n, "{" V "\"Statement\": [");
	for (int i = 0; i <= N; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
				      "%s\n{\"Effect\": \"Allow\", \"Action\": \"svc%d:Get*\", "
				      "\"Resource\": \"arn:aws:s3:::b%d/*\"}", i ? "," : "", i % N, i % N);
	n += (size_t)snprintf(text + n, sizeof text - n, "]}");
	ck_assert_uint_lt(n, sizeof text);
	iamp_limits_default(&lim);
	lim.max_statements = N + 1;
	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", text, n, IAMP_FORMAT_JSON, &lim, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, ID, &lim, &th_diags), 0);
	iamp_lint_policy_catalog(p, &th_diags);
	ck_assert_int_eq(th_count(R(REDUNDANT_STATEMENT)), 1);
	ck_assert_ptr_nonnull(strstr(message_of(R(REDUNDANT_STATEMENT)), "statement 5001 is covered by statement 1"));
}
END_TEST

/* Past MAX_PAIRS comparisons the check stops, and says so at the
 * statement where it stopped: 300 statements of one service, none
 * covering another, are 89,700 comparisons. */
START_TEST(large_budget_said)
{
	enum { N = 300 };
	static char text[N * 100 + 200];
	size_t n = 0;
	struct iamp_limits lim;
	struct iamp_policy *p = NULL;

	n += (size_t)snprintf(text + n, sizeof text - n, "{" V "\"Statement\": [");
	for (int i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
				      "%s\n{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", "
				      "\"Resource\": \"arn:aws:s3:::b%d/*\"}", i ? "," : "", i);
	n += (size_t)snprintf(text + n, sizeof text - n, "]}");
	ck_assert_uint_lt(n, sizeof text);
	iamp_limits_default(&lim);
	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", text, n, IAMP_FORMAT_JSON, &lim, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, ID, &lim, &th_diags), 0);
	iamp_lint_policy_catalog(p, &th_diags);
	ck_assert_int_eq(th_count(R(REDUNDANT_STATEMENT)), 1);
	ck_assert_ptr_nonnull(strstr(message_of(R(REDUNDANT_STATEMENT)), "to 300 were not compared with the others"));
}
END_TEST

/* The same pre-filter through its index by service (policies of more
 * than 64 statements): 2,000 statements of distinct services, then one
 * that holds some of them. */
static const struct {
	const char *action, *resource;
	int count;
} indexed[] = {
	{ "*", "*", 2000 },           /* a wildcard before the colon holds all */
	{ "s*", "*", 2000 },
	{ "*:Get*", "*", 2000 },
	{ "SVC7:get*", "arn:aws:s3:::b7/*", 1 }, /* services in any case */
	{ "svc7:Put*", "*", 0 },
};

START_TEST(large_indexed)
{
	enum { N = 2000 };
	static char text[N * 100 + 300];
	size_t n = 0;
	struct iamp_limits lim;
	struct iamp_policy *p = NULL;

	n += (size_t)snprintf(text + n, sizeof text - n, "{" V "\"Statement\": [");
	for (int i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
				      "%s\n{\"Effect\": \"Allow\", \"Action\": \"svc%d:Get*\", "
				      "\"Resource\": \"arn:aws:s3:::b%d/*\"}", i ? "," : "", i, i);
	n += (size_t)snprintf(text + n, sizeof text - n,
			      ",\n{\"Effect\": \"Allow\", \"Action\": \"%s\", \"Resource\": \"%s\"}]}",
			      indexed[_i].action, indexed[_i].resource);
	ck_assert_uint_lt(n, sizeof text);
	iamp_limits_default(&lim);
	lim.max_statements = N + 1;
	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", text, n, IAMP_FORMAT_JSON, &lim, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, ID, &lim, &th_diags), 0);
	iamp_lint_policy_catalog(p, &th_diags);
	ck_assert_int_eq(th_count(R(REDUNDANT_STATEMENT)), indexed[_i].count);
}
END_TEST

Suite *suite_lint_catalog(void)
{
	Suite *s = suite_create("lint_catalog");
	TCase *tc = tcase_create("lint_catalog");

	tcase_add_checked_fixture(tc, NULL, th_teardown);
	tcase_add_test(tc, resource_mismatch_lengths);
	tcase_add_loop_test(tc, rules, 0, sizeof(cases) / sizeof(*cases));
	tcase_add_test(tc, did_you_mean);
	tcase_add_test(tc, privesc_names_combination);
	tcase_add_test(tc, did_you_mean_repeated);
	tcase_add_loop_test(tc, privesc_many_statements, 0, 2);
	tcase_add_loop_test(tc, long_action_lists, 0, sizeof(long_lists) / sizeof(*long_lists));
	tcase_add_test(tc, large_policy);
	tcase_add_test(tc, large_prefiltered);
	tcase_add_test(tc, large_budget_said);
	tcase_add_loop_test(tc, large_indexed, 0, sizeof(indexed) / sizeof(*indexed));
	suite_add_tcase(s, tc);
	return s;
}
