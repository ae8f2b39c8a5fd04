/*
 * test_lint_aa_keys.c - Access Analyzer's checks of condition keys
 * (lint_aa_keys.c). Each row lints one policy and counts one rule; the
 * rows come in pairs or more, a case that fires and its near misses.
 */
#include <check.h>
#include <string.h>

#include "diag.h"
#include "helpers.h"
#include "lint.h"
#include "policy.h"

#define V "\"Version\": \"2012-10-17\", "
#define ST(body) "{" V "\"Statement\": [{" body "}]}"
#define ALLOW "\"Effect\": \"Allow\", "
#define DENY "\"Effect\": \"Deny\", "
#define PRIN(x) "\"Principal\": " x ", "
#define ACT(x) "\"Action\": " x ", "
#define RES(x) "\"Resource\": " x
#define COND(body) ", \"Condition\": {" body "}"
#define OP(op, k, v) "\"" op "\": {\"" k "\": " v "}"

#define ID IAMP_POLICY_IDENTITY
#define RP IAMP_POLICY_RESOURCE
#define TR IAMP_POLICY_TRUST
#define SCP IAMP_POLICY_SCP
#define R(x) IAMP_RULE_##x

#define OBJ "\"arn:aws:s3:::b/*\""
#define CF PRIN("{\"Service\": \"cloudfront.amazonaws.com\"}")
#define GOOGLE PRIN("{\"Federated\": \"accounts.google.com\"}")

static const struct {
	enum iamp_policy_type type;
	const char *json;
	enum iamp_rule_id rule;
	int count;
} cases[] = {
	/* a service key that a literal action does not take */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 1 },
	{ ID, ST(ALLOW ACT("[\"s3:ListBucket\", \"s3:GetObject\", \"s3:PutObject\"]") RES("\"*\"")
		 COND(OP("StringLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 1 },
	{ ID, ST(ALLOW ACT("\"s3:ListBucket\"") RES("\"*\"") COND(OP("StringLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(DENY ACT("[\"s3:ListBucket\", \"s3:GetObject\"]") RES("\"*\"")
		 COND(OP("StringLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 1 },
	/* a key of the action's resource type counts */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "s3:ExistingObjectTag/team", "\"a\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	/* not judged: a wildcard action, NotAction, a global key, an unknown
	 * action or key, a condition that holds without its key */
	{ ID, ST(ALLOW ACT("[\"s3:ListBucket\", \"s3:Get*\"]") RES("\"*\"")
		 COND(OP("StringLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW "\"NotAction\": \"iam:*\", " RES("\"*\"") COND(OP("StringLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:PrincipalAccount", "\"111122223333\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObjekt\"") RES(OBJ) COND(OP("StringLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringLike", "s3:prefixx", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringLikeIfExists", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringNotLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("ForAllValues:StringLike", "s3:prefix", "\"home/\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("Null", "s3:prefix", "\"false\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	/* the companions of an assume action share its request */
	{ TR, ST(ALLOW PRIN("{\"AWS\": \"111122223333\"}") "\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]"
		 COND(OP("StringEquals", "sts:ExternalId", "\"x-1\""))),
	  R(UNSUPPORTED_ACTION_FOR_CONDITION_KEY), 0 },
	/* the statement-level warning is left to the per-action error */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringLike", "s3:prefix", "\"home/\""))),
	  R(CONDITION_KEY_NOT_APPLICABLE), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringLikeIfExists", "ec2:InstanceType", "\"t3.*\""))),
	  R(CONDITION_KEY_NOT_APPLICABLE), 1 },

	/* aws:ARN: deprecated where only IAM principals are judged,
	 * unsupported where the caller may be a service */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:ARN", "\"arn:aws:iam::1:user/a\""))),
	  R(DEPRECATED_GLOBAL_CONDITION_KEY), 1 },
	{ SCP, ST(DENY ACT("\"s3:GetObject\"") RES("\"*\"") COND(OP("StringNotEquals", "AWS:arn", "\"arn:aws:iam::1:user/a\""))),
	  R(DEPRECATED_GLOBAL_CONDITION_KEY), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:ARN", "\"arn:aws:iam::1:user/a\""))),
	  R(UNKNOWN_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:ARNs", "\"arn:aws:iam::1:user/a\""))),
	  R(UNKNOWN_CONDITION_KEY), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:ARN", "\"arn:aws:iam::1:user/a\""))),
	  R(UNSUPPORTED_GLOBAL_CONDITION_KEY), 0 },
	{ RP, ST(ALLOW PRIN("\"*\"") ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:ARN", "\"arn:aws:iam::1:user/a\""))),
	  R(UNSUPPORTED_GLOBAL_CONDITION_KEY), 1 },
	{ RP, ST(ALLOW PRIN("\"*\"") ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:ARN", "\"arn:aws:iam::1:user/a\""))),
	  R(DEPRECATED_GLOBAL_CONDITION_KEY), 0 },

	/* aws:VpcSourceIp needs aws:SourceVpc in an Allow */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("IpAddress", "aws:VpcSourceIp", "\"10.0.0.0/16\""))),
	  R(MISSING_PAIRED_CONDITION_KEYS), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("IpAddress", "aws:VpcSourceIp", "\"10.0.0.0/16\"") ", "
							  OP("StringEquals", "aws:sourcevpc", "\"vpc-1a2b3c4d\""))),
	  R(MISSING_PAIRED_CONDITION_KEYS), 0 },
	{ ID, ST(DENY ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("NotIpAddress", "aws:VpcSourceIp", "\"10.0.0.0/16\""))),
	  R(MISSING_PAIRED_CONDITION_KEYS), 0 },

	/* an Allow on a header the caller writes */
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringLike", "aws:Referer", "\"https://example.com/*\""))),
	  R(UNTRUSTWORTHY_CONDITION_KEY), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringNotLike", "aws:Referer", "\"https://example.com/*\""))),
	  R(UNTRUSTWORTHY_CONDITION_KEY), 0 },
	{ ID, ST(DENY ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringLike", "aws:UserAgent", "\"*bot*\""))),
	  R(UNTRUSTWORTHY_CONDITION_KEY), 0 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:username", "\"alice\""))),
	  R(UNTRUSTWORTHY_CONDITION_KEY), 0 },

	/* principal keys on service principals */
	{ RP, ST(ALLOW CF ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:PrincipalOrgID", "\"o-a1b2c3d4e5\""))),
	  R(UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL), 1 },
	{ RP, ST(ALLOW CF ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:PrincipalTag/team", "\"a\""))),
	  R(UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL), 1 },
	{ RP, ST(ALLOW CF ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:PrincipalTag", "\"a\""))),
	  R(UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL), 0 },
	{ RP, ST(ALLOW CF ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:SourceOrgID", "\"o-a1b2c3d4e5\""))),
	  R(UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL), 0 },
	{ RP, ST(ALLOW PRIN("{\"Service\": \"cloudfront.amazonaws.com\", \"AWS\": \"111122223333\"}") ACT("\"s3:GetObject\"")
		 RES(OBJ) COND(OP("StringEquals", "aws:PrincipalOrgID", "\"o-a1b2c3d4e5\""))),
	  R(UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL), 0 },

	/* the resource's owner: only for a policy attached to a resource
	 * (--resource-type; tests/golden.sh's IRRELEVANT_CONDITION_KEY_IN_POLICY
	 * fires with it): a resource policy of unknown attachment may be a
	 * VPC endpoint policy */
	{ RP, ST(DENY PRIN("\"*\"") ACT("\"s3:*\"") RES(OBJ) COND(OP("StringNotEquals", "aws:ResourceAccount", "\"111122223333\""))),
	  R(IRRELEVANT_CONDITION_KEY_IN_POLICY), 0 },

	/* an aud claim under ForAllValues */
	{ TR, ST(ALLOW GOOGLE "\"Action\": \"sts:AssumeRoleWithWebIdentity\""
		 COND(OP("ForAllValues:StringEquals", "accounts.google.com:aud", "\"app-1\""))),
	  R(CONFIRM_AUDIENCE_CLAIM_TYPE), 1 },
	{ TR, ST(ALLOW GOOGLE "\"Action\": \"sts:AssumeRoleWithWebIdentity\""
		 COND(OP("StringEquals", "accounts.google.com:aud", "\"app-1\""))),
	  R(CONFIRM_AUDIENCE_CLAIM_TYPE), 0 },
	{ TR, ST(ALLOW GOOGLE "\"Action\": \"sts:AssumeRoleWithWebIdentity\""
		 COND(OP("ForAllValues:StringEquals", "accounts.google.com:sub", "\"1\""))),
	  R(CONFIRM_AUDIENCE_CLAIM_TYPE), 0 },
	/* ForAnyValue is FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE's, and only its */
	{ TR, ST(ALLOW GOOGLE "\"Action\": \"sts:AssumeRoleWithWebIdentity\""
		 COND(OP("ForAnyValue:StringEquals", "accounts.google.com:aud", "\"app-1\""))),
	  R(CONFIRM_AUDIENCE_CLAIM_TYPE), 0 },

	/* keys that only the services AWS lists send (aa_key_services.def) */
	{ ID, ST(ALLOW ACT("\"sns:Publish\"") RES("\"*\"") COND(OP("StringEquals", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetObject\"") RES(OBJ) COND(OP("StringEquals", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 0 },
	/* the lists differ: sqs sends aws:VpceOrgID, not aws:VpceAccount */
	{ ID, ST(DENY ACT("\"sqs:*\"") RES("\"*\"") COND(OP("StringNotEqualsIfExists", "aws:vpceorgid", "\"o-a1b2c3d4e5\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 0 },
	{ ID, ST(DENY ACT("\"sqs:*\"") RES("\"*\"") COND(OP("StringNotEqualsIfExists", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 1 },
	/* every action, a pattern that reaches another service, an exception */
	{ SCP, ST(DENY ACT("\"*\"") RES("\"*\"") COND(OP("ForAnyValue:StringNotLike", "aws:VpceOrgPaths", "\"o-a1b2c3d4e5/*\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 1 },
	{ ID, ST(ALLOW ACT("\"s*:ListTopics\"") RES("\"*\"") COND(OP("StringEquals", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 1 },
	{ ID, ST(ALLOW ACT("\"iam:PassRole\"") RES("\"*\"") COND(OP("StringEquals", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 1 },
	{ ID, ST(ALLOW ACT("[\"iam:CreateRole\", \"iam:Get*\"]") RES("\"*\"")
		 COND(OP("StringEquals", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 0 },
	/* an action the catalog lacks counts by its service; an unknown
	 * service is UNKNOWN_SERVICE's */
	{ ID, ST(ALLOW ACT("\"ec2:RunNewThing\"") RES("\"*\"") COND(OP("StringEquals", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 1 },
	{ ID, ST(ALLOW ACT("\"s3:GetNewThing\"") RES("\"*\"") COND(OP("StringEquals", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 0 },
	{ ID, ST(ALLOW ACT("\"zzz:Thing\"") RES("\"*\"") COND(OP("StringEquals", "aws:VpceAccount", "\"111122223333\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 0 },
	/* NotAction: what it leaves in */
	{ SCP, ST(DENY "\"NotAction\": \"s3:*\", " RES("\"*\"") COND(OP("StringNotEqualsIfExists", "aws:VpceOrgID", "\"o-a1b2c3d4e5\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 1 },
	{ SCP, ST(DENY "\"NotAction\": \"*\", " RES("\"*\"") COND(OP("StringNotEqualsIfExists", "aws:VpceOrgID", "\"o-a1b2c3d4e5\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 0 },
	/* a key without a list */
	{ ID, ST(ALLOW ACT("\"sns:Publish\"") RES("\"*\"") COND(OP("StringEquals", "aws:SourceVpce", "\"vpce-1a2b3c4d\""))),
	  R(USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES), 0 },

	/* kms:CallerAccount is an account ID */
	{ ID, ST(ALLOW ACT("\"kms:Decrypt\"") RES("\"*\"") COND(OP("StringEquals", "kms:CallerAccount", "[\"111122223333\", \"12345\"]"))),
	  R(INVALID_KMS_KEY_VALUE), 1 },
	{ ID, ST(ALLOW ACT("\"kms:Decrypt\"") RES("\"*\"") COND(OP("StringEquals", "kms:CallerAccount", "\"111122223333\""))),
	  R(INVALID_KMS_KEY_VALUE), 0 },
	{ ID, ST(ALLOW ACT("\"kms:Decrypt\"") RES("\"*\"") COND(OP("StringLike", "kms:CallerAccount", "\"1111222233*\""))),
	  R(INVALID_KMS_KEY_VALUE), 0 },
};

START_TEST(rules)
{
	th_lint(cases[_i].json, cases[_i].type);
	ck_assert_msg(th_count(cases[_i].rule) == cases[_i].count, "row %d (%s): expected %d x %s, got %d", _i,
		      cases[_i].json, cases[_i].count, iamp_rules[cases[_i].rule].id, th_count(cases[_i].rule));
}
END_TEST

/* The message names the literal actions that do not take the key, and
 * only those. */
START_TEST(names_the_actions)
{
	const char *msg = NULL;

	th_lint(ST(ALLOW ACT("[\"s3:ListBucket\", \"s3:GetObject\", \"s3:PutObject\"]") RES("\"*\"")
			   COND(OP("StringLike", "s3:prefix", "\"home/\""))),
		ID);
	for (size_t i = 0; i < th_diags.count; i++)
		if (th_diags.items[i].rule == IAMP_RULE_UNSUPPORTED_ACTION_FOR_CONDITION_KEY)
			msg = th_diags.items[i].message;
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, "s3:GetObject, s3:PutObject:") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "ListBucket") == NULL, "%s", msg);
}
END_TEST

/* USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES names the key, the
 * actions that reach other services (not the others) and the services
 * that send the key. */
START_TEST(scoped_names_services)
{
	const char *msg = NULL;

	th_lint(ST(DENY ACT("[\"s3:*\", \"sqs:*\", \"kms:Decrypt\"]") RES("\"*\"")
			  COND(OP("StringNotEqualsIfExists", "aws:VpceAccount", "\"111122223333\""))),
		ID);
	for (size_t i = 0; i < th_diags.count; i++)
		if (th_diags.items[i].rule == IAMP_RULE_USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES)
			msg = th_diags.items[i].message;
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, "\"aws:VpceAccount\" works only") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "\"sqs:*\" (sqs:") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "\"s3:*\"") == NULL && strstr(msg, "kms:Decrypt") == NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "sent by apprunner, discovery,") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, ", transfer, not by iam:PassRole (") != NULL, "%s", msg);
}
END_TEST

/* Past five actions, the count of the others. */
START_TEST(counts_the_rest)
{
	const char *msg = NULL;

	th_lint(ST(ALLOW ACT("[\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\", \"s3:GetObjectAcl\", "
			     "\"s3:PutObjectAcl\", \"s3:GetObjectTagging\", \"s3:PutObjectTagging\"]") RES("\"*\"")
			   COND(OP("StringLike", "s3:prefix", "\"home/\""))),
		ID);
	for (size_t i = 0; i < th_diags.count; i++)
		if (th_diags.items[i].rule == IAMP_RULE_UNSUPPORTED_ACTION_FOR_CONDITION_KEY)
			msg = th_diags.items[i].message;
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, "s3:PutObjectAcl and 2 more:") != NULL, "%s", msg);
}
END_TEST

Suite *suite_lint_aa_keys(void)
{
	Suite *s = suite_create("lint_aa_keys");
	TCase *tc = tcase_create("lint_aa_keys");

	tcase_add_checked_fixture(tc, NULL, th_teardown);
	tcase_add_loop_test(tc, rules, 0, sizeof(cases) / sizeof(*cases));
	tcase_add_test(tc, names_the_actions);
	tcase_add_test(tc, counts_the_rest);
	tcase_add_test(tc, scoped_names_services);
	suite_add_tcase(s, tc);
	return s;
}
