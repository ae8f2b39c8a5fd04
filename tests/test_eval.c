/*
 * test_eval.c - the concrete evaluator (eval.c, context.c).
 *
 * Each row is a set of policies, a request and the decision that AWS's
 * documentation gives for it: the IAM User Guide's "Policy evaluation
 * logic" (explicit deny, SCPs, RCPs, resource vs identity policies,
 * boundaries, session policies, cross-account), "IAM JSON policy
 * elements" (NotAction, NotResource, NotPrincipal, Principal forms),
 * "Condition operators" (IfExists, Null, absent keys, negated operators)
 * and "Policy variables" (defaults, ${*}, Version 2008-10-17).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "compat.h"
#include "context.h"
#include "diag.h"
#include "error.h"
#include "eval.h"
#include "helpers.h"
#include "eval_internal.h"
#include "load.h"
#include "org.h"
#include "policy.h"
#include "report.h"

#define P(stmts) "{\"Version\":\"2012-10-17\",\"Statement\":[" stmts "]}"
#define ALLOW_ALL "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}"

#define USER "arn:aws:iam::111122223333:user/alice"
#define ROLE "arn:aws:iam::111122223333:role/app"
#define SESSION "arn:aws:sts::111122223333:assumed-role/app/s1"
#define OTHER_USER "arn:aws:iam::444455556666:user/bob"

struct eval_case {
	const char *name;
	const char *identity, *resource, *boundary, *session;
	const char *scp[3];
	const char *rcp[2];
	const char *request;
	enum iamp_decision want;
	const char *compat; /* switches (compat.def), or NULL */
	enum iamp_gap gap;  /* an implicit deny's reason (eval.h), or 0: not checked */
};

#define REQ(principal, action, resource) \
	"{\"principal\":\"" principal "\",\"action\":\"" action "\",\"resource\":\"" resource "\"}"
#define REQC(principal, action, resource, ctx)                                             \
	"{\"principal\":\"" principal "\",\"action\":\"" action "\",\"resource\":\"" resource \
	"\",\"context\":" ctx "}"

#define OBJ "arn:aws:s3:::bucket/key"
#define A IAMP_DECISION_ALLOWED
#define E IAMP_DECISION_EXPLICIT_DENY
#define I IAMP_DECISION_IMPLICIT_DENY

static const struct eval_case cases[] = {
	/* --- the basic decision -------------------------------------------- */
	{ "identity allow", P("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket/*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "no policy: implicit deny", .request = REQ(USER, "s3:GetObject", OBJ), .want = I, .gap = IAMP_GAP_NO_ALLOW },
	{ "deny wins over allow", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },
	{ "action is case-insensitive", P("{\"Effect\":\"Allow\",\"Action\":\"S3:getobject\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "resource is case-sensitive", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::Bucket/*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = I },
	{ "NotAction allows the rest", P("{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "NotAction excludes", P("{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "iam:CreateUser", "arn:aws:iam::111122223333:user/x"), .want = I },
	{ "NotResource", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::secret/*\"}"),
	  .request = REQ(USER, "s3:GetObject", "arn:aws:s3:::secret/k"), .want = I },
	{ "NotResource other", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::secret/*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "deny with NotAction", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "ec2:RunInstances", "*"), .want = E },

	/* --- SCPs ----------------------------------------------------------- */
	{ "SCP levels all allow", P(ALLOW_ALL), .scp = { P(ALLOW_ALL), P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}") },
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "SCP level without allow", P(ALLOW_ALL), .scp = { P(ALLOW_ALL), P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}") },
	  .request = REQ(USER, "ec2:RunInstances", "*"), .want = I, .gap = IAMP_GAP_SCP_LEVEL },
	{ "SCP deny", P(ALLOW_ALL), .scp = { P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}") },
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },
	{ "SCPs never grant", .scp = { P(ALLOW_ALL) }, .request = REQ(USER, "s3:GetObject", OBJ), .want = I },
	{ "service-linked role not limited by SCPs", P(ALLOW_ALL),
	  .scp = { P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ("arn:aws:iam::111122223333:role/aws-service-role/ops.amazonaws.com/AWSServiceRoleForOps", "s3:GetObject", OBJ),
	  .want = A },
	{ "root user limited by SCPs", .scp = { P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:root\"}}}") },
	  .request = REQ("arn:aws:iam::111122223333:root", "s3:GetObject", OBJ), .want = E },
	{ "root user needs no identity policy", .scp = { P(ALLOW_ALL) },
	  .request = REQ("arn:aws:iam::111122223333:root", "s3:GetObject", OBJ), .want = A },

	/* --- RCPs ----------------------------------------------------------- */
	{ "RCPFullAWSAccess implied", P(ALLOW_ALL), .rcp = { P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"sqs:*\",\"Resource\":\"*\"}") },
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "RCP deny", P(ALLOW_ALL), .rcp = { P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"BoolIfExists\":{\"aws:SecureTransport\":\"false\"}}}") },
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },
	{ "RCP deny not met", P(ALLOW_ALL), .rcp = { P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"BoolIfExists\":{\"aws:SecureTransport\":\"false\"}}}") },
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SecureTransport\":true}"), .want = A },

	/* --- resource policies, principals, accounts ------------------------ */
	{ "same account: resource policy alone", .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" USER "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"111122223333\"}"), .want = A },
	{ "resource policy names someone else", .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/carol\"},\"Action\":\"s3:GetObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"111122223333\"}"), .want = I },
	{ "cross account: identity alone", P(ALLOW_ALL),
	  .request = REQC(OTHER_USER, "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"111122223333\"}"), .want = I, .gap = IAMP_GAP_RESOURCE },
	{ "cross account: resource alone", .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"s3:GetObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQC(OTHER_USER, "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"111122223333\"}"), .want = I, .gap = IAMP_GAP_IDENTITY },
	{ "cross account: both", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQC(OTHER_USER, "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"111122223333\"}"), .want = A },
	{ "role ARN names its sessions", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:role/path/r\"},\"Action\":\"s3:GetObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQC("arn:aws:sts::444455556666:assumed-role/r/sess", "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"111122223333\"}"), .want = A },
	{ "Principal * with cross account", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQC(OTHER_USER, "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"111122223333\"}"), .want = A },
	{ "service principal", .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQ("cloudtrail.amazonaws.com", "s3:PutObject", OBJ), .want = A },
	{ "other service principal", .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQ("config.amazonaws.com", "s3:PutObject", OBJ), .want = I, .gap = IAMP_GAP_RESOURCE },
	{ "NotPrincipal deny", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" USER "\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ("arn:aws:iam::111122223333:user/carol", "s3:GetObject", OBJ), .want = E },
	/* IAM User Guide, "NotPrincipal": name the account too, or the Deny
	 * applies to the account and so to the user. */
	{ "NotPrincipal deny: the user alone is not spared", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" USER "\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },
	{ "NotPrincipal deny spares the user and its account", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" USER "\",\"arn:aws:iam::111122223333:root\"]},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "NotPrincipal deny: the account spares only its root user", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },
	{ "NotPrincipal deny: the account spares its root user", .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ("arn:aws:iam::111122223333:root", "s3:GetObject", OBJ), .want = A },
	{ "NotPrincipal deny: a session is spared by its role and account", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" ROLE "\",\"111122223333\"]},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(SESSION, "s3:GetObject", OBJ), .want = A },
	/* IAM User Guide, "Permissions boundaries": a NotPrincipal Deny always
	 * denies a principal with a boundary, whatever it lists. */
	{ "NotPrincipal deny: a principal with a boundary is never spared", P(ALLOW_ALL), .boundary = P(ALLOW_ALL),
	  .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" USER "\",\"111122223333\"]},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },

	{ "same account: a resource policy naming the account delegates", .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:GetObject\",\"Resource\":\"" OBJ "\"}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"111122223333\"}"), .want = I, .gap = IAMP_GAP_NO_ALLOW },
	{ "key policy must allow", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/carol\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k1"), .want = I, .gap = IAMP_GAP_RESOURCE },
	{ "key policy delegating to the account, with identity", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k1"), .want = A },
	{ "trust policy naming the user", .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" USER "\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "sts:AssumeRole", "arn:aws:iam::111122223333:role/target"), .want = A },

	/* --- boundaries and session policies -------------------------------- */
	{ "boundary limits", P(ALLOW_ALL), .boundary = P("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:PutObject", OBJ), .want = I, .gap = IAMP_GAP_BOUNDARY },
	{ "boundary and identity", P(ALLOW_ALL), .boundary = P("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "boundary alone grants nothing", .boundary = P(ALLOW_ALL), .request = REQ(USER, "s3:GetObject", OBJ), .want = I },
	{ "resource policy naming the user is not limited by the boundary",
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" USER "\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .boundary = P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "resource policy naming the role is limited by the boundary",
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" ROLE "\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .boundary = P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .request = REQ(SESSION, "s3:GetObject", OBJ), .want = I },
	{ "resource policy naming the session is not limited",
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" SESSION "\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .boundary = P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .session = P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .request = REQ(SESSION, "s3:GetObject", OBJ), .want = A },
	{ "session policy limits", P(ALLOW_ALL), .session = P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .request = REQ(SESSION, "s3:GetObject", OBJ), .want = I, .gap = IAMP_GAP_SESSION },
	{ "boundary deny", P(ALLOW_ALL), .boundary = P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },

	/* --- conditions ----------------------------------------------------- */
#define COND(c) P("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":" c "}")
	{ "StringEquals met", COND("{\"StringEquals\":{\"aws:RequestedRegion\":[\"eu-west-1\",\"us-east-1\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:RequestedRegion\":\"us-east-1\"}"), .want = A },
	{ "StringEquals is case-sensitive", COND("{\"StringEquals\":{\"aws:RequestedRegion\":\"US-EAST-1\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:RequestedRegion\":\"us-east-1\"}"), .want = I },
	{ "condition keys are case-insensitive", COND("{\"StringEquals\":{\"AWS:requestedregion\":\"us-east-1\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:RequestedRegion\":\"us-east-1\"}"), .want = A },
	{ "absent key: positive operator false", COND("{\"StringEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = I },
	{ "absent key: negated operator true", COND("{\"StringNotEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "negated: must differ from every value", COND("{\"StringNotEquals\":{\"aws:RequestedRegion\":[\"eu-west-1\",\"us-east-1\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:RequestedRegion\":\"us-east-1\"}"), .want = I },
	{ "IfExists absent", COND("{\"StringEqualsIfExists\":{\"aws:RequestedRegion\":\"us-east-1\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "IfExists present", COND("{\"StringEqualsIfExists\":{\"aws:RequestedRegion\":\"us-east-1\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:RequestedRegion\":\"eu-west-1\"}"), .want = I },
	{ "two keys are AND", COND("{\"StringEquals\":{\"aws:RequestedRegion\":\"us-east-1\",\"s3:prefix\":\"a\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:RequestedRegion\":\"us-east-1\"}"), .want = I },
	{ "StringLike", COND("{\"StringLike\":{\"s3:prefix\":[\"home/*\",\"\"]}}"),
	  .request = REQC(USER, "s3:ListBucket", "arn:aws:s3:::bucket", "{\"s3:prefix\":\"home/alice/x\"}"), .want = A },
	{ "StringNotLike", COND("{\"StringNotLike\":{\"s3:prefix\":\"home/*\"}}"),
	  .request = REQC(USER, "s3:ListBucket", "arn:aws:s3:::bucket", "{\"s3:prefix\":\"home/alice/x\"}"), .want = I },
	{ "StringEqualsIgnoreCase", COND("{\"StringEqualsIgnoreCase\":{\"aws:PrincipalTag/team\":\"BLUE\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:PrincipalTag/team\":\"blue\"}"), .want = A },
	{ "NumericLessThan", COND("{\"NumericLessThan\":{\"s3:max-keys\":\"10\"}}"),
	  .request = REQC(USER, "s3:ListBucket", "arn:aws:s3:::bucket", "{\"s3:max-keys\":\"9\"}"), .want = A },
	{ "NumericLessThan not met", COND("{\"NumericLessThan\":{\"s3:max-keys\":\"10\"}}"),
	  .request = REQC(USER, "s3:ListBucket", "arn:aws:s3:::bucket", "{\"s3:max-keys\":10}"), .want = I },
	{ "NumericNotEquals", COND("{\"NumericNotEquals\":{\"s3:max-keys\":[\"10\",\"20\"]}}"),
	  .request = REQC(USER, "s3:ListBucket", "arn:aws:s3:::bucket", "{\"s3:max-keys\":15}"), .want = A },
	{ "number that is not a number", COND("{\"NumericGreaterThan\":{\"s3:max-keys\":\"10\"}}"),
	  .request = REQC(USER, "s3:ListBucket", "arn:aws:s3:::bucket", "{\"s3:max-keys\":\"many\"}"), .want = I },
	{ "DateGreaterThan ISO vs epoch", COND("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"1600000000\"}"), .want = A },
	{ "DateLessThan", COND("{\"DateLessThan\":{\"aws:CurrentTime\":\"2020-01-01\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"2020-06-01T12:00:00Z\"}"), .want = I },
	{ "DateEquals across zones", COND("{\"DateEquals\":{\"aws:CurrentTime\":\"2020-01-01T01:00:00+01:00\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}"), .want = A },
	{ "Bool", COND("{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:MultiFactorAuthPresent\":true}"), .want = A },
	{ "Bool false", COND("{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:MultiFactorAuthPresent\":\"false\"}"), .want = I },
	{ "BoolIfExists absent", COND("{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "IpAddress", COND("{\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\",\"2001:DB8:1234:5678::/64\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceIp\":\"2001:db8:1234:5678::9\"}"), .want = A },
	{ "NotIpAddress", COND("{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceIp\":\"203.0.113.9\"}"), .want = I },
	{ "NotIpAddress absent", COND("{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "ArnLike on aws:PrincipalArn", COND("{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:user/ali*\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "ArnEquals with wildcard", COND("{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:*:111122223333:topic\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:111122223333:topic\"}"), .want = A },
	{ "ArnNotLike", COND("{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/admin\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "ArnNotLike with a value that is not an ARN", COND("{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:sns:*:*:t\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"not-an-arn\"}"), .want = I },
	{ "placeholder CIDR never makes NotIpAddress true", COND("{\"NotIpAddress\":{\"aws:SourceIp\":\"<my-cidr>\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceIp\":\"192.0.2.1\"}"), .want = I },
	{ "multivalued key, plain operator: any value", COND("{\"StringEquals\":{\"aws:CalledVia\":\"athena.amazonaws.com\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CalledVia\":[\"x\",\"athena.amazonaws.com\"]}"), .want = A },
	{ "BinaryEquals", COND("{\"BinaryEquals\":{\"key\":\"QmluYXJ5VmFsdWVJbkJhc2U2NA==\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"key\":\"QmluYXJ5VmFsdWVJbkJhc2U2NA==\"}"), .want = A },
	{ "Null true: key absent", COND("{\"Null\":{\"aws:TokenIssueTime\":\"true\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "Null true: key present", COND("{\"Null\":{\"aws:TokenIssueTime\":\"true\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TokenIssueTime\":\"2020-01-01T00:00:00Z\"}"), .want = I },
	{ "Null false: key present", COND("{\"Null\":{\"aws:TokenIssueTime\":false}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TokenIssueTime\":\"2020-01-01T00:00:00Z\"}"), .want = A },
	{ "ForAllValues absent is true", COND("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	{ "ForAllValues subset", COND("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TagKeys\":[\"a\"]}"), .want = A },
	{ "ForAllValues not subset", COND("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TagKeys\":[\"a\",\"c\"]}"), .want = I },
	{ "ForAllValues empty list is true", COND("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TagKeys\":[]}"), .want = A },
	{ "ForAnyValue absent is false", COND("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"a\"]}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = I },
	{ "ForAnyValue one matches", COND("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"a\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TagKeys\":[\"z\",\"a\"]}"), .want = A },
	{ "ForAnyValue:StringNotEquals", COND("{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":[\"a\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TagKeys\":[\"a\"]}"), .want = I },
	{ "ForAllValues:StringLike", COND("{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"env*\"]}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TagKeys\":[\"env\",\"environment\"]}"), .want = A },
	{ "unknown operator never holds", COND("{\"StringSortOf\":{\"aws:RequestedRegion\":\"x\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:RequestedRegion\":\"x\"}"), .want = I },

	/* --- policy variables ----------------------------------------------- */
	{ "variable in Resource", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}"),
	  .request = REQC(USER, "s3:GetObject", "arn:aws:s3:::bucket/alice/x", "{\"aws:username\":\"alice\"}"), .want = A },
	{ "variable in Resource, other user", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}"),
	  .request = REQC(USER, "s3:GetObject", "arn:aws:s3:::bucket/bob/x", "{\"aws:username\":\"alice\"}"), .want = I },
	/* IAM User Guide, "Policy variables": an entry whose variable has no
	 * value matches nothing; the statement's other entries still do. */
	{ "unresolvable variable: the entry matches nothing, others do", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::bucket/${aws:username}/*\",\"*\"]}"),
	  .request = REQ(SESSION, "s3:GetObject", "arn:aws:s3:::bucket/alice/x"), .want = A },
	{ "unresolvable variable: the only entry matches nothing", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}"),
	  .request = REQ(SESSION, "s3:GetObject", "arn:aws:s3:::bucket/alice/x"), .want = I },
	{ "unresolvable variable in NotResource: the Deny still applies", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}"),
	  .request = REQ(SESSION, "s3:GetObject", "arn:aws:s3:::bucket/alice/x"), .want = E },
	{ "unresolvable variable in a Deny list: the plain entry still denies", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::x/${aws:username}\",\"arn:aws:s3:::bucket/*\"]}"),
	  .request = REQ(SESSION, "s3:GetObject", "arn:aws:s3:::bucket/alice/x"), .want = E },
	{ "unresolvable variable in a negated operator: the condition holds", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"aws:ResourceTag/team\":\"${aws:PrincipalTag/team}\"}}}"),
	  .request = REQC(SESSION, "s3:GetObject", OBJ, "{\"aws:ResourceTag/team\":\"red\"}"), .want = E },
	{ "unresolvable variable in a positive operator: no match", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:ResourceTag/team\":\"${aws:PrincipalTag/team}\"}}}"),
	  .request = REQC(SESSION, "s3:GetObject", OBJ, "{\"aws:ResourceTag/team\":\"red\"}"), .want = I },
	/* ${*} beside a key variable: a literal '*', not a wildcard. */
	{ "${*} beside a variable is a literal star", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/${aws:username}/${*}\"}"),
	  .request = REQC(SESSION, "s3:GetObject", "arn:aws:s3:::b/alice/*", "{\"aws:username\":\"alice\"}"), .want = A },
	{ "${*} beside a variable matches nothing else", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/${aws:username}/${*}\"}"),
	  .request = REQC(SESSION, "s3:GetObject", "arn:aws:s3:::b/alice/x", "{\"aws:username\":\"alice\"}"), .want = I },
	/* A malformed variable leaves the whole string literal text. */
	{ "malformed variable: the text is literal", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/${aws:username}/${oops\"}"),
	  .request = REQC(SESSION, "s3:GetObject", "arn:aws:s3:::b/${aws:username}/${oops", "{\"aws:username\":\"alice\"}"), .want = A },
	{ "malformed variable: no substitution", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/${aws:username}/${oops\"}"),
	  .request = REQC(SESSION, "s3:GetObject", "arn:aws:s3:::b/alice/${oops", "{\"aws:username\":\"alice\"}"), .want = I },
	{ "variable default", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'none'}/*\"}"),
	  .request = REQ(USER, "s3:GetObject", "arn:aws:s3:::bucket/none/x"), .want = A },
	{ "variable in condition", COND("{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:PrincipalTag/owner}\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:ResourceTag/owner\":\"x\",\"aws:PrincipalTag/owner\":\"x\"}"), .want = A },
	{ "${*} is a literal star", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${*}\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = I },
	{ "${*} matches a star", P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${*}\"}"),
	  .request = REQ(USER, "s3:GetObject", "arn:aws:s3:::bucket/*"), .want = A },
	{ "Version 2008-10-17: variables are literal",
	  "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}]}",
	  .request = REQC(USER, "s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/x", "{\"aws:username\":\"alice\"}"), .want = A },
	{ "Version 2008-10-17: not substituted",
	  "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}]}",
	  .request = REQC(USER, "s3:GetObject", "arn:aws:s3:::bucket/alice/x", "{\"aws:username\":\"alice\"}"), .want = I },
	/* the same in a condition: a String operator in a 2008 policy
	 * compares with the literal text (a mutant that resolved it, || for
	 * && in compile_condition, passed every other test) */
	{ "Version 2008-10-17: a variable in a condition is literal",
	  "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
	  "\"Condition\":{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:PrincipalTag/owner}\"}}}]}",
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:ResourceTag/owner\":\"x\",\"aws:PrincipalTag/owner\":\"x\"}"), .want = I },
	{ "Version 2008-10-17: a condition matches the variable's text",
	  "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
	  "\"Condition\":{\"StringEquals\":{\"aws:ResourceTag/owner\":\"${aws:PrincipalTag/owner}\"}}}]}",
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:ResourceTag/owner\":\"${aws:PrincipalTag/owner}\",\"aws:PrincipalTag/owner\":\"x\"}"), .want = A },
	{ "derived aws:PrincipalArn for a session", COND("{\"ArnEquals\":{\"aws:PrincipalArn\":\"" ROLE "\"}}"),
	  .request = REQ(SESSION, "s3:GetObject", OBJ), .want = A },
	/* Organizations "Resource control policies": the services RCPs cover. */
	{ "RCP Deny applies to a covered service (s3)", P(ALLOW_ALL), .rcp = { P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },
	{ "RCP Deny does not apply to an uncovered service (ec2)", P(ALLOW_ALL), .rcp = { P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ(USER, "ec2:DescribeInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"), .want = A },
	/* SCPs and RCPs do not govern service-linked roles. */
	{ "SCP Deny: not for a service-linked role's session", P(ALLOW_ALL), .scp = { P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/s", "s3:GetObject", OBJ), .want = A },
	{ "SCP Deny: not for a service-linked role", P(ALLOW_ALL), .scp = { P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ("arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport", "s3:GetObject", OBJ), .want = A },
	{ "SCP Deny: an ordinary session", P(ALLOW_ALL), .scp = { P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ(SESSION, "s3:GetObject", OBJ), .want = E },
	{ "RCP Deny: not for a service-linked role", P(ALLOW_ALL), .rcp = { P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/s", "s3:GetObject", OBJ), .want = A },
	/* IAM "Session policies": a resource policy naming the federated-user
	 * session grants beyond the session policy; one naming someone else
	 * leaves the session policy in charge. */
	{ "federated user named by the resource policy: the session policy does not limit", P(ALLOW_ALL),
	  .session = P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:sts::111122223333:federated-user/bob\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"),
	  .request = REQ("arn:aws:sts::111122223333:federated-user/bob", "s3:GetObject", OBJ), .want = A },
	{ "federated user, resource names the IAM user: the session policy limits", P(ALLOW_ALL),
	  .session = P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" USER "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"),
	  .request = REQ("arn:aws:sts::111122223333:federated-user/bob", "s3:GetObject", OBJ), .want = I },
	/* "Condition operators", ARN operators: six parts, each on its own. */
	{ "ArnLike: a pattern with fewer parts never matches", COND("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:*\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"arn:aws:s3:::bucket\"}"), .want = I },
	{ "ArnLike: six parts match part by part", COND("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::*\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"arn:aws:s3:::bucket\"}"), .want = A },
	{ "ArnLike: a '*' does not cross a colon", COND("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sqs:*:queue\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"arn:aws:sqs:us-east-1:111122223333:queue\"}"), .want = I },
	{ "ArnNotLike: another principal is unlike", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/admin\"}}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },
	{ "resource account 12 digits: matched by an account wildcard", P("{\"Effect\":\"Allow\",\"Action\":\"sqs:*\",\"Resource\":\"arn:aws:sqs:*:1111*:q\"}"),
	  .request = REQ(USER, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q"), .want = A },
	/* An ARN's account part need not be 12 digits: AWS managed policies
	 * live in account "aws" and still match an account wildcard. */
	{ "resource account \"aws\": matched by an account wildcard", P("{\"Effect\":\"Allow\",\"Action\":\"iam:GetPolicy\",\"Resource\":\"arn:aws:iam::*:policy/*\"}"),
	  .request = REQ(USER, "iam:GetPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess"), .want = A },
	{ "ArnLike: account \"aws\" matched part by part", COND("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:iam::*:policy/*\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"arn:aws:iam::aws:policy/x\"}"), .want = A },
	/* A request value that is not an ARN satisfies neither ArnLike nor
	 * ArnNotLike. */
	{ "ArnNotLike: a request value that is not an ARN", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:s3:::b\"}}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"not-an-arn\"}"), .want = A },
	/* A list-valued key is no value for a variable, even with one element. */
	{ "a variable of a list-valued key is unresolved", COND("{\"StringEquals\":{\"s3:x\":\"${aws:PrincipalTag/t}\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"s3:x\":\"a\",\"aws:PrincipalTag/t\":[\"a\"]}"), .want = I },
	{ "a variable of a single value resolves", COND("{\"StringEquals\":{\"s3:x\":\"${aws:PrincipalTag/t}\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"s3:x\":\"a\",\"aws:PrincipalTag/t\":\"a\"}"), .want = A },
	/* NotPrincipal "*" names everyone: the Deny spares all. */
	{ "NotPrincipal \"*\": the Deny applies to no one", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	/* BinaryEquals compares base64 values. */
	{ "BinaryEquals: the same bytes", COND("{\"BinaryEquals\":{\"s3:x\":\"QmluYXJ5\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"s3:x\":\"QmluYXJ5\"}"), .want = A },
	{ "BinaryEquals: other bytes", COND("{\"BinaryEquals\":{\"s3:x\":\"QmluYXJ5\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"s3:x\":\"bm9wZQ==\"}"), .want = I },
	{ "BinaryEquals: a request value that is not base64", COND("{\"BinaryEquals\":{\"s3:x\":\"QmluYXJ5\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"s3:x\":\"%%\"}"), .want = I },
	/* Variables in Arn operators too ("Policy variables": string
	 * comparisons, ARN ones included). */
	{ "a variable in an Arn value is resolved", COND("{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:111122223333:${aws:PrincipalTag/t}\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:111122223333:topic\",\"aws:PrincipalTag/t\":\"topic\"}"), .want = A },
	{ "a variable in an Arn value matches no other value", COND("{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:111122223333:${aws:PrincipalTag/t}\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:111122223333:topic\",\"aws:PrincipalTag/t\":\"other\"}"), .want = I },
	/* A statement's actions are searched by service: a service whose
	 * name begins with another's ("s3", "s3control") is still found. */
	{ "a service named after a prefix of another", P("{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3control:GetJobTagging\"],\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3control:GetJobTagging", "*"), .want = A },
	{ "a service that is a prefix of another", P("{\"Effect\":\"Allow\",\"Action\":[\"s3control:GetJobTagging\",\"s3:GetObject\",\"s3express:CreateSession\"],\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	/* Variables only in string comparisons: a Numeric value is literal. */
	{ "a variable in a Numeric value is not resolved", COND("{\"NumericEquals\":{\"s3:max-keys\":\"${aws:PrincipalTag/n}\"}}"),
	  .request = REQC(USER, "s3:ListBucket", "arn:aws:s3:::b", "{\"s3:max-keys\":\"5\",\"aws:PrincipalTag/n\":\"5\"}"), .want = I },
	/* Each compatibility switch changes only what it names. */
	{ "compat ip-family-mismatch: IPv6 against an IPv4 range", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceIp\":\"2001:db8::1\"}"), .want = A, .compat = "ip-family-mismatch" },
	{ "without it: NotIpAddress holds for IPv6", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:SourceIp\":\"2001:db8::1\"}"), .want = E },
	{ "compat ip-family-mismatch leaves strings alone", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"s3:x\":\"a\"}}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"s3:x\":\"b\"}"), .want = E, .compat = "ip-family-mismatch" },
	{ "compat rcp-all-services: an RCP on ec2", P(ALLOW_ALL), .rcp = { P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ(USER, "ec2:DescribeInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"), .want = E, .compat = "rcp-all-services" },
	{ "compat slr-not-exempt: an SCP governs a service-linked role", P(ALLOW_ALL), .scp = { P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .request = REQ("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/s", "s3:GetObject", OBJ), .want = E, .compat = "slr-not-exempt" },
	{ "compat notprincipal-any-entry: the user alone spares it", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" USER "\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A, .compat = "notprincipal-any-entry" },
	{ "compat unresolved-variable-fails: the negated condition fails", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"aws:ResourceTag/team\":\"${aws:PrincipalTag/team}\"}}}"),
	  .request = REQC(SESSION, "s3:GetObject", OBJ, "{\"aws:ResourceTag/team\":\"red\"}"), .want = A, .compat = "unresolved-variable-fails" },
	{ "compat unresolved-variable-fails: an empty value is none", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"aws:ResourceTag/team\":\"${aws:PrincipalTag/team}\"}}}"),
	  .request = REQC(SESSION, "s3:GetObject", OBJ, "{\"aws:ResourceTag/team\":\"red\",\"aws:PrincipalTag/team\":\"\"}"), .want = A, .compat = "unresolved-variable-fails" },
	{ "compat unresolved-variable-fails: a NotResource statement fails", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::bucket/${aws:username}/*\"}"),
	  .request = REQ(SESSION, "s3:GetObject", "arn:aws:s3:::bucket/alice/x"), .want = A, .compat = "unresolved-variable-fails" },
	{ "compat notresource-short-entry", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":[\"<placeholder>*\",\"arn:aws:s3:::x/*\"]}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A, .compat = "notresource-short-entry" },
	{ "without it: the short entry matches nothing", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":[\"<placeholder>*\",\"arn:aws:s3:::x/*\"]}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E },
	{ "compat reserved-resources: an aws-reserved role", P(ALLOW_ALL),
	  .request = REQ(USER, "iam:UpdateRole", "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x"), .want = I, .compat = "reserved-resources" },
	{ "compat reserved-resources: another role", P(ALLOW_ALL),
	  .request = REQ(USER, "iam:UpdateRole", "arn:aws:iam::111122223333:role/app"), .want = A, .compat = "reserved-resources" },
	/* a resource that is no ARN is no reserved resource (mutant M00597:
	 * true for an unparsed ARN survived every test) */
	{ "compat reserved-resources: a resource that is no ARN", P(ALLOW_ALL),
	  .request = REQ(USER, "iam:UpdateRole", "*"), .want = A, .compat = "reserved-resources" },
	{ "compat date-epoch-mixed: epoch seconds against ISO milliseconds", COND("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"1700000000\"}"), .want = I, .compat = "date-epoch-mixed" },
	{ "without it: the instants compare", COND("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"1700000000\"}"), .want = A },
	{ "compat federated-user-as-iam-user", P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/bob\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"),
	  .request = REQ("arn:aws:sts::111122223333:federated-user/bob", "s3:GetObject", OBJ), .want = A, .compat = "federated-user-as-iam-user" },
	{ "compat session-policy-limits-all", P(ALLOW_ALL), .session = P("{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:sts::111122223333:federated-user/bob\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"),
	  .request = REQ("arn:aws:sts::111122223333:federated-user/bob", "s3:GetObject", OBJ), .want = I, .compat = "session-policy-limits-all" },
	{ "compat plain-operator-on-list", COND("{\"StringEquals\":{\"aws:TagKeys\":\"a\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TagKeys\":[\"a\",\"b\"]}"), .want = I, .compat = "plain-operator-on-list" },
	{ "without it: one value of the list matches", COND("{\"StringEquals\":{\"aws:TagKeys\":\"a\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:TagKeys\":[\"a\",\"b\"]}"), .want = A },
	{ "compat kms-needs-key-policy", P(ALLOW_ALL),
	  .request = REQ(USER, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k1"), .want = I, .compat = "kms-needs-key-policy" },
	{ "without it: the identity policy decides", P(ALLOW_ALL),
	  .request = REQ(USER, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k1"), .want = A },
	{ "compat sts-trust-any-resource", P(ALLOW_ALL), .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "sts:GetSessionToken", "arn:aws:sts::111122223333:self"), .want = I, .compat = "sts-trust-any-resource" },
	{ "compat root-needs-identity", .request = REQ("arn:aws:iam::111122223333:root", "s3:GetObject", OBJ), .want = I, .compat = "root-needs-identity" },
	{ "compat variables-in-2008", "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/${aws:username}/*\"}]}",
	  .request = REQC(USER, "s3:GetObject", "arn:aws:s3:::b/alice/x", "{\"aws:username\":\"alice\"}"), .want = A, .compat = "variables-in-2008" },
	/* STS "GetCallerIdentity": no permission needed, even under a Deny. */
	{ "sts:GetCallerIdentity despite a Deny", P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "sts:GetCallerIdentity", "*"), .want = A },
	{ "sts:GetCallerIdentity: not for anonymous callers", .request = REQ("*", "sts:GetCallerIdentity", "*"), .want = I },
	{ "sts:GetSessionToken: the policies decide", P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "sts:GetSessionToken", "*"), .want = E },
	/* SCPs do not govern a service principal, RCPs do: an SCP Deny must
	 * not count as an RCP Deny. */
	{ "service principal: an SCP Deny does not apply, an RCP level does", .scp = { P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}") },
	  .rcp = { P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"}") },
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}"),
	  .request = REQ("cloudtrail.amazonaws.com", "s3:PutObject", OBJ), .want = A },
	/* Service principals have no identity policy or boundary. */
	{ "a service principal ignores identity policies", P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}"),
	  .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}"),
	  .request = REQ("cloudtrail.amazonaws.com", "s3:PutObject", OBJ), .want = A },
	/* Epoch dates of 15 digits: far in the future, never an overflow. */
	{ "epoch date of 15 digits is later than now", COND("{\"DateLessThan\":{\"aws:CurrentTime\":\"999999999999999\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"}"), .want = A },
	/* issue 12: read as a 64-bit count of microseconds without the cap,
	 * 166020703000000 s wrapped round to a day of 1970 */
	{ "epoch date of 15 digits that overflowed into 1970", COND("{\"DateLessThan\":{\"aws:CurrentTime\":\"166020703000000\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"}"), .want = A },
	{ "epoch date of 15 digits: not earlier", COND("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"999999999999999\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"}"), .want = I },
	{ "derived aws:PrincipalAccount", COND("{\"StringEquals\":{\"aws:PrincipalAccount\":\"111122223333\"}}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A },
	/* eval.h: an implicit deny names the first requirement that failed. A
	 * key policy naming the account delegates to the identity side, which
	 * grants nothing here. */
	{ "key policy delegating to the account, no identity policy", .resource = P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}"),
	  .request = REQ(USER, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k1"), .want = I, .gap = IAMP_GAP_NO_ALLOW },
	/* docs/semantics.md, "Placeholders in corpus policies": the switch
	 * takes a NotResource entry with fewer than six ARN parts (one that
	 * starts with '*' too) as never letting its statement apply, and
	 * leaves full ARNs alone. */
	{ "compat notresource-short-entry: an entry starting with '*'", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":[\"*<placeholder>\",\"arn:aws:s3:::x/*\"]}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = A, .compat = "notresource-short-entry" },
	{ "compat notresource-short-entry: a full ARN is not short", P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::x/*\"}"),
	  .request = REQ(USER, "s3:GetObject", OBJ), .want = E, .compat = "notresource-short-entry" },
	/* docs/semantics.md, "Dates": the switch compares epoch seconds with
	 * ISO dates in milliseconds, as numbers, for every operator. */
	{ "compat date-epoch-mixed: epoch seconds are less than ISO milliseconds", COND("{\"DateLessThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"1700000000\"}"), .want = A, .compat = "date-epoch-mixed" },
	{ "compat date-epoch-mixed: equal as numbers", COND("{\"DateEquals\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"aws:CurrentTime\":\"1577836800000\"}"), .want = A, .compat = "date-epoch-mixed" },
	/* "Condition operators", binary: the base64-decoded bytes compare, not
	 * the text (padding is optional, match.h); a policy value that is not
	 * base64 is compared as text, so it equals no bytes, not even none. */
	{ "BinaryEquals: the same bytes, padded or not", COND("{\"BinaryEquals\":{\"s3:x\":\"QQ==\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"s3:x\":\"QQ\"}"), .want = A },
	{ "BinaryEquals: a policy value that is not base64 equals no bytes", COND("{\"BinaryEquals\":{\"s3:x\":\"%%\"}}"),
	  .request = REQC(USER, "s3:GetObject", OBJ, "{\"s3:x\":\"\"}"), .want = I },
};

static void add(struct iamp_evaluator *ev, enum iamp_policy_type type, unsigned level, const char *text)
{
	if (text)
		ck_assert_int_eq(iamp_evaluator_add(ev, type, level, th_keep(text, type), "t.json"), 0);
}

static enum iamp_decision decide(const struct iamp_evaluator *ev, const char *request,
				 struct iamp_result *res)
{
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	struct iamp_request req;
	struct iamp_arena *arena = iamp_arena_new();

	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_load_buffer(&doc, "request", request, strlen(request), IAMP_FORMAT_JSON, NULL, &diags), 0);
	ck_assert_msg(diags.count == 0, "%s", request);
	ck_assert_int_eq(iamp_request_from_value(&req, arena, doc->root), 0);
	ck_assert_int_eq(iamp_request_fill_derived(&req, arena), 0);
	ck_assert_int_eq(iamp_evaluate(res, ev, &req), 0);
	iamp_document_free(doc);
	iamp_arena_free(arena);
	iamp_diags_clear(&diags);
	return res->decision;
}

START_TEST(decision)
{
	const struct eval_case *c = &cases[_i];
	struct iamp_evaluator *ev;
	struct iamp_match m[32];
	struct iamp_result res = { .matches = m, .match_cap = 32 };

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	if (c->compat) {
		unsigned bits;

		ck_assert_int_eq(iamp_compat_parse(&bits, c->compat), 0);
		iamp_evaluator_set_compat(ev, bits);
	}
	add(ev, IAMP_POLICY_IDENTITY, 0, c->identity);
	add(ev, IAMP_POLICY_RESOURCE, 0, c->resource);
	add(ev, IAMP_POLICY_BOUNDARY, 0, c->boundary);
	add(ev, IAMP_POLICY_SESSION, 0, c->session);
	for (unsigned l = 0; l < 3; l++)
		add(ev, IAMP_POLICY_SCP, l, c->scp[l]);
	for (unsigned l = 0; l < 2; l++)
		add(ev, IAMP_POLICY_RCP, l, c->rcp[l]);
	ck_assert_msg(decide(ev, c->request, &res) == c->want, "%s: got %s, want %s", c->name,
		      iamp_decision_name(res.decision), iamp_decision_name(c->want));
	if (c->gap)
		ck_assert_msg(res.gap == c->gap, "%s: gap %d, want %d", c->name, res.gap, c->gap);
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

START_TEST(management_account)
{
	struct iamp_evaluator *ev;
	struct iamp_result res = { 0 };

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0, P(ALLOW_ALL));
	add(ev, IAMP_POLICY_SCP, 0, P("{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}"));
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), E);
	ck_assert_int_eq(iamp_evaluator_set_management_account(ev, "111122223333"), 0);
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), A);
	ck_assert_ptr_nonnull(res.scp_exempt);
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

START_TEST(full_access_level)
{
	struct iamp_evaluator *ev;
	struct iamp_result res = { 0 };

	/* A declared level with FullAWSAccess needs no policy of its own. */
	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0, P(ALLOW_ALL));
	ck_assert_int_eq(iamp_evaluator_level(ev, IAMP_POLICY_SCP, 0, "root", true), 0);
	add(ev, IAMP_POLICY_SCP, 1, P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"));
	ck_assert_int_eq(iamp_evaluator_level(ev, IAMP_POLICY_SCP, 2, "account", false), 0);
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), I);
	ck_assert_int_eq(res.gap, IAMP_GAP_SCP_LEVEL);
	ck_assert_int_eq(res.gap_level, 2);
	ck_assert_str_eq(iamp_evaluator_level_name(ev, IAMP_POLICY_SCP, 2), "account");
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

START_TEST(matches_reported)
{
	struct iamp_evaluator *ev;
	struct iamp_match m[4];
	struct iamp_result res = { .matches = m, .match_cap = 4 };

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0,
	    P("{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},\n"
	      "{\"Sid\":\"B\",\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"},\n"
	      "{\"Sid\":\"C\",\"Effect\":\"Deny\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}"));
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), E);
	ck_assert_int_eq(res.match_count, 2);
	ck_assert_str_eq(m[0].stmt->sid.text, "A");
	ck_assert(!m[0].deny);
	ck_assert_str_eq(m[1].stmt->sid.text, "C");
	ck_assert(m[1].deny);
	ck_assert_int_eq(m[1].stmt->span.start.line, 3);
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

struct bad_request {
	const char *text;
	const char *field;
};

static const struct bad_request bad_requests[] = {
	{ "[]", "object" },
	{ "{\"action\":\"s3:GetObject\",\"resource\":\"*\"}", "\"principal\"" },
	{ "{\"principal\":\"" USER "\",\"resource\":\"*\"}", "\"action\"" },
	{ "{\"principal\":\"" USER "\",\"action\":7,\"resource\":\"*\"}", "\"action\"" },
	{ "{\"principal\":\"" USER "\",\"action\":\"GetObject\",\"resource\":\"*\"}", "service:Action" },
	{ "{\"principal\":\"" USER "\",\"action\":\"s3:GetObject\"}", "\"resource\"" },
	{ "{\"principal\":\"" USER "\",\"action\":\"s3:x\",\"resource\":\"*\",\"context\":[]}", "\"context\"" },
	{ "{\"principal\":\"" USER "\",\"action\":\"s3:x\",\"resource\":\"*\",\"context\":{\"k\":{}}}", "\"k\"" },
	{ "{\"principal\":\"" USER "\",\"action\":\"s3:x\",\"resource\":\"*\",\"context\":{\"k\":[{}]}}", "\"k\"" },
	{ "{\"principal\":\"" USER "\",\"action\":\"s3:x\",\"resource\":\"*\",\"context\":{\"k\":1,\"K\":2}}", "twice" },
	{ "{\"principal\":\"" USER "\",\"action\":\"s3:x\",\"resource\":\"*\",\"extra\":1}", "\"extra\"" },
};

START_TEST(request_errors)
{
	const struct bad_request *c = &bad_requests[_i];
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	struct iamp_request req;
	struct iamp_arena *arena = iamp_arena_new();

	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_load_buffer(&doc, "request", c->text, strlen(c->text), IAMP_FORMAT_JSON, NULL, &diags), 0);
	ck_assert_int_eq(iamp_request_from_value(&req, arena, doc->root), IAMP_EINVAL);
	ck_assert_msg(strstr(iamp_error_last(), c->field), "%s: %s", c->text, iamp_error_last());
	iamp_document_free(doc);
	iamp_arena_free(arena);
	iamp_diags_clear(&diags);
}
END_TEST

/* A statement with an invalid Effect, without Action or with an empty
 * Action list never applies, in either direction (the builder reports it;
 * the evaluator must not guess, nor fail). */
START_TEST(unusable_statements)
{
	static const char *const policies[] = {
		P("{\"Effect\":\"Alow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
		P("{\"Effect\":\"Allow\",\"Resource\":\"*\"}"),
		P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}"),
		P("{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}"),
	};
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		struct iamp_diags diags;
		struct iamp_policy *p = NULL;
		struct iamp_document *doc = NULL;
		struct iamp_evaluator *ev;
		struct iamp_result res = { 0 };

		iamp_diags_init(&diags);
		ck_assert_int_eq(iamp_load_buffer(&doc, "t.json", policies[i], strlen(policies[i]), IAMP_FORMAT_JSON, NULL, &diags), 0);
		ck_assert_int_eq(iamp_policy_build(&p, doc, IAMP_POLICY_IDENTITY, NULL, &diags), 0);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
		ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_IDENTITY, 0, p, "t.json"), 0);
		ck_assert_msg(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res) == IAMP_DECISION_IMPLICIT_DENY,
			      "%s: got %s", policies[i], iamp_decision_name(res.decision));
		ck_assert_uint_eq(res.match_total, 0);
		iamp_evaluator_free(ev);
		iamp_document_free(doc);
		iamp_diags_clear(&diags);
	}
}
END_TEST

/* A pattern with more variables than the compiler keeps on its stack is
 * still resolved, not matched as literal text. */
START_TEST(many_variables)
{
	char policy[4096], request[2048], value[1024] = "", want[512] = "";
	struct iamp_evaluator *ev;
	struct iamp_result res = { 0 };

	for (int i = 0; i < 40; i++) {
		strcat(value, "${aws:username}-");
		strcat(want, "alice-");
	}
	snprintf(policy, sizeof(policy), P("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
					  "\"Condition\":{\"StringEquals\":{\"s3:prefix\":\"%s\"}}}"), value);
	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0, policy);
	snprintf(request, sizeof(request), REQC(USER, "s3:ListBucket", "arn:aws:s3:::b", "{\"aws:username\":\"alice\",\"s3:prefix\":\"%s\"}"), want);
	ck_assert_int_eq(decide(ev, request, &res), IAMP_DECISION_ALLOWED);
	snprintf(request, sizeof(request), REQC(USER, "s3:ListBucket", "arn:aws:s3:::b", "{\"aws:username\":\"alice\",\"s3:prefix\":\"%s\"}"), value);
	ck_assert_int_eq(decide(ev, request, &res), IAMP_DECISION_IMPLICIT_DENY);
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

/* An S3 ARN names no account: the answer says it took the caller's. */
START_TEST(assumptions)
{
	struct iamp_evaluator *ev;
	struct iamp_result res = { 0 };

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0, P(ALLOW_ALL));
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), IAMP_DECISION_ALLOWED);
	ck_assert_uint_eq(res.assumptions, IAMP_ASSUME_RESOURCE_ACCOUNT);
	ck_assert(res.same_account);
	ck_assert_ptr_nonnull(strstr(iamp_assumption_text(IAMP_ASSUME_RESOURCE_ACCOUNT), "taken as the caller's"));
	/* Given, nothing is assumed; another account makes it cross-account. */
	ck_assert_int_eq(decide(ev, REQC(USER, "s3:GetObject", OBJ, "{\"aws:ResourceAccount\":\"444455556666\"}"), &res),
			 IAMP_DECISION_IMPLICIT_DENY);
	ck_assert_uint_eq(res.assumptions, 0);
	ck_assert(!res.same_account);
	ck_assert_int_eq(res.gap, IAMP_GAP_RESOURCE);
	/* An ARN with an account needs no assumption. */
	ck_assert_int_eq(decide(ev, REQ(USER, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q"), &res),
			 IAMP_DECISION_ALLOWED);
	ck_assert_uint_eq(res.assumptions, 0);
	/* Levels without an organization govern everyone: said. */
	add(ev, IAMP_POLICY_SCP, 0, P(ALLOW_ALL));
	ck_assert_int_eq(decide(ev, REQ(USER, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q"), &res),
			 IAMP_DECISION_ALLOWED);
	ck_assert_uint_eq(res.assumptions, IAMP_ASSUME_SCP_LEVELS);
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

/*
 * An organization: SCPs along the caller's account path, RCPs along the
 * resource owner's (AWS Organizations, "Service control policies" and
 * "Resource control policies"); outside the organization neither; the
 * management account neither.
 *
 *   root (FullAWSAccess)                   management 111111111111
 *   ├── OU A: SCP deny-s3, RCP deny-s3     account 222222222222
 *   └── OU B: FullAWSAccess                account 333333333333
 */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

#define DENY_S3 P("{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}")
#define RCP_DENY_S3 P("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}")
#define IN_A "arn:aws:iam::222222222222:user/a"
#define IN_B "arn:aws:iam::333333333333:user/b"
#define OUTSIDE "arn:aws:iam::999999999999:user/x"
#define MGMT "arn:aws:iam::111111111111:user/m"
#define OBJ_IN(acct) "{\"aws:ResourceAccount\":\"" acct "\"}"

struct org_case {
	const char *name;
	const char *principal, *resource_account;
	enum iamp_decision want;
	const char *exempt; /* substring of scpExempt or rcpExempt, or NULL */
};

static const struct org_case org_cases[] = {
	{ "caller in OU A, resource in OU A: SCP and RCP deny", IN_A, "222222222222", E, NULL },
	{ "caller in OU B, resource in OU A: the resource's RCP denies", IN_B, "222222222222", E, NULL },
	{ "caller in OU A, resource in OU B: the caller's SCP denies", IN_A, "333333333333", E, NULL },
	{ "caller in OU B, resource in OU B: neither", IN_B, "333333333333", A, NULL },
	{ "caller outside, resource in OU B: no SCP", OUTSIDE, "333333333333", A, "caller's account is outside" },
	{ "caller outside, resource in OU A: the RCP still denies", OUTSIDE, "222222222222", E, NULL },
	{ "caller in OU B, resource outside: no RCP", IN_B, "999999999999", A, "resource's account is outside" },
	{ "management caller: no SCP", MGMT, "333333333333", A, "management account" },
	{ "management resource: no RCP", IN_B, "111111111111", A, "resources of the management account" },
	{ "resource account longer than any id: outside", IN_B, "1111222233334444555566667777888899990000", A,
	  "resource's account is outside" },
};

START_TEST(org_paths)
{
	const struct org_case *c = &org_cases[_i];
	char dir[] = "/tmp/iamp-org-XXXXXX", path[600], request[1024];
	struct iamp_diags diags;
	struct iamp_org *org = NULL;
	struct iamp_evaluator *ev;
	struct iamp_result res = { 0 };
	const struct iamp_org_node *a;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "org.yaml",
		   "management_account: \"111111111111\"\n"
		   "root:\n"
		   "  accounts: [{id: \"111111111111\"}]\n"
		   "  ous:\n"
		   "    - name: A\n"
		   "      scps: [FullAWSAccess]\n"
		   "      accounts: [{id: \"222222222222\"}]\n"
		   "    - name: B\n"
		   "      accounts: [{id: \"333333333333\"}]\n");
	snprintf(path, sizeof(path), "%s/org.yaml", dir);
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_org_load(&org, path, NULL, &diags), 0);
	ck_assert_msg(org && diags.count == 0, "%s", diags.count ? diags.items[0].message : "no org");
	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_set_org(ev, org), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0, P(ALLOW_ALL));
	/* cross-account requests need the resource's policy too */
	add(ev, IAMP_POLICY_RESOURCE, 0, P("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}"));
	a = iamp_org_account(org, "222222222222")->parent;
	ck_assert_int_eq(iamp_evaluator_attach(ev, IAMP_POLICY_SCP, a, th_keep(DENY_S3, IAMP_POLICY_SCP), "scp"), 0);
	ck_assert_int_eq(iamp_evaluator_attach(ev, IAMP_POLICY_RCP, a, th_keep(RCP_DENY_S3, IAMP_POLICY_RCP), "rcp"), 0);
	/* Levels and an organization do not mix. */
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_SCP, 0, th_keep(DENY_S3, IAMP_POLICY_SCP), "x"), IAMP_EINVAL);
	snprintf(request, sizeof(request), "{\"principal\":\"%s\",\"action\":\"s3:GetObject\",\"resource\":\"" OBJ "\","
		 "\"context\":{\"aws:ResourceAccount\":\"%s\"}}", c->principal, c->resource_account);
	ck_assert_msg(decide(ev, request, &res) == c->want, "%s: got %s", c->name, iamp_decision_name(res.decision));
	if (c->exempt) {
		const char *e = res.scp_exempt && strstr(res.scp_exempt, c->exempt) ? res.scp_exempt : res.rcp_exempt;

		ck_assert_msg(e && strstr(e, c->exempt), "%s: no \"%s\"", c->name, c->exempt);
	}
	iamp_evaluator_free(ev);
	iamp_org_free(org);
	iamp_diags_clear(&diags);
	th_kept_free();
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(rcp_services)
{
	struct iamp_evaluator *ev;

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_level(ev, IAMP_POLICY_IDENTITY, 0, "x", true), IAMP_EINVAL);
	ck_assert_int_eq(iamp_evaluator_level(ev, IAMP_POLICY_SCP, 0, "root", true), 0);
	iamp_evaluator_free(ev);
	ck_assert(iamp_org_rcp_services_sorted());
	ck_assert(iamp_org_rcp_service("s3", 2));
	ck_assert(iamp_org_rcp_service("xray", 4));
	ck_assert(iamp_org_rcp_service("appstream", 9));
	ck_assert(iamp_org_rcp_service("cognito-idp", 11));
	ck_assert(!iamp_org_rcp_service("cognito", 7));
	ck_assert(!iamp_org_rcp_service("ec2", 3));
	ck_assert(!iamp_org_rcp_service("s", 1));
	ck_assert(!iamp_org_rcp_service("zzz", 3));
}
END_TEST

/*
 * The compiled Action list (eval_internal.h): patterns whose service part
 * is literal are indexed by it, sorted by service, and only the others are
 * scanned for every request; the evaluator's throughput rests on it.
 */
START_TEST(action_index)
{
	struct iamp_evaluator *ev;
	const struct cactions *a;

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0,
	    P("{\"Effect\":\"Allow\",\"Action\":[\"SQS:Send*\",\"*\",\"s?:x\",\"s3:Get*\",\"iam:PassRole\"],\"Resource\":\"*\"}"));
	a = &ev->pols[0].stmts[0].act;
	ck_assert_uint_eq(a->nsvc, 3);
	ck_assert_str_eq(a->svc[0].text, "iam:passrole");
	ck_assert_uint_eq(a->svc[0].svc_len, 3);
	ck_assert_str_eq(a->svc[1].text, "s3:get*");
	ck_assert_uint_eq(a->svc[1].svc_len, 2);
	ck_assert_str_eq(a->svc[2].text, "sqs:send*");
	ck_assert_uint_eq(a->svc[2].svc_len, 3);
	ck_assert_uint_eq(a->nwild, 2);
	ck_assert_str_eq(a->wild[0].text, "*");
	ck_assert_str_eq(a->wild[1].text, "s?:x");
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

/*
 * The service index (eval_internal.h): a request sees exactly the
 * statements a scan of every statement would find, in policy order, those
 * indexed under its service merged with NotAction and wildcard-service
 * statements; a statement of other services only is not seen.
 */
START_TEST(service_index)
{
	static const struct {
		const char *action;
		const char *want; /* policy.statement of each match, in order */
	} rows[] = {
		{ "s3:GetObject", "0.0 0.1 0.2 0.4 0.5 1.0 1.2 " },
		{ "EC2:RunInstances", "0.1 0.3 0.4 1.1 1.2 " },
		{ "sqs:SendMessage", "0.1 0.2 1.2 " },
		{ "sq:GetThing", "0.1 0.2 0.5 1.2 " },
		{ "kms:Decrypt", "0.1 0.2 1.2 " },
	};
	struct iamp_evaluator *ev;
	struct iamp_match m[16];
	struct iamp_result res = { .matches = m, .match_cap = 16 };

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0,
	    P("{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:Get*\"],\"Resource\":\"*\"},"
	      "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},"
	      "{\"Effect\":\"Allow\",\"NotAction\":\"ec2:*\",\"Resource\":\"*\"},"
	      "{\"Effect\":\"Allow\",\"Action\":[\"ec2:Run*\",\"ec2:Describe*\"],\"Resource\":\"*\"},"
	      "{\"Effect\":\"Allow\",\"Action\":[\"ec2:RunInstances\",\"s3:GetObject\",\"iam:PassRole\"],\"Resource\":\"*\"},"
	      "{\"Effect\":\"Allow\",\"Action\":\"s?:Get*\",\"Resource\":\"*\"}"));
	add(ev, IAMP_POLICY_IDENTITY, 0,
	    P("{\"Effect\":\"Allow\",\"Action\":\"S3:GetObject\",\"Resource\":\"*\"},"
	      "{\"Effect\":\"Allow\",\"Action\":\"ec2:runinstances\",\"Resource\":\"*\"},"
	      "{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"},"
	      "{\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"*\"}"));
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		char req[256], got[256] = "";
		size_t n = 0;

		snprintf(req, sizeof(req), REQ(USER, "%s", OBJ), rows[r].action);
		decide(ev, req, &res);
		for (size_t i = 0; i < res.match_count; i++) {
			size_t pol = res.matches[i].policy == ev->pols[0].src ? 0 : 1;

			n += (size_t)snprintf(got + n, sizeof(got) - n, "%zu.%zu ", pol, res.matches[i].stmt->index);
		}
		ck_assert_msg(strcmp(got, rows[r].want) == 0, "%s: matched %s, expected %s", rows[r].action, got,
			      rows[r].want);
	}
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

/*
 * Statement ordinals (eval.h) and simulate's prepared JSON parts
 * (report.h): each match's ordinal describes the statement that matched,
 * across policies with and without statements, and the line written with
 * prepared parts is the line written without them, byte for byte (a file
 * name that needs escapes; SCP levels written per request).
 */
START_TEST(ordinals_and_prepared_json)
{
	static const char *const actions[] = { "s3:GetObject", "s3:PutObject", "ec2:RunInstances", "iam:PassRole" };
	struct iamp_evaluator *ev;
	struct iamp_decision_json *dj;
	struct iamp_match m[16], d;
	struct iamp_result res = { .matches = m, .match_cap = 16 };
	const struct iamp_policy *id = th_keep(P("{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},"
						 "{\"Effect\":\"Deny\",\"Action\":\"s3:Put*\",\"Resource\":\"*\"}"),
					       IAMP_POLICY_IDENTITY);
	static const struct iamp_policy empty; /* no statements (no valid document has none) */
	const struct iamp_policy *none = &empty;
	const struct iamp_policy *scp = th_keep(P(ALLOW_ALL ",{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}"),
						IAMP_POLICY_SCP);

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_IDENTITY, 0, none, "empty.json"), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_IDENTITY, 0, id, "id\"x.json"), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_SCP, 0, scp, "r\xc3\xa9\\.json"), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_IDENTITY, 0, none, "empty2.json"), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_SCP, 1, scp, "ou.json"), 0);
	ck_assert_uint_eq(iamp_evaluator_statement_count(ev), 6);
	iamp_evaluator_statement(&d, ev, 3);
	ck_assert_ptr_eq(d.stmt, &scp->statements[1]);
	ck_assert_str_eq(d.name, "r\xc3\xa9\\.json");
	ck_assert_int_eq(iamp_decision_json_new(&dj, ev), 0);
	for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
		char req[256], *x = NULL, *y = NULL;
		size_t xn = 0, yn = 0;
		FILE *fx = open_memstream(&x, &xn), *fy = open_memstream(&y, &yn);

		struct iamp_limits lim;
		struct iamp_arena *ra = iamp_arena_new();
		struct iamp_request rq;

		/* the result points into the request: it stays alive here */
		iamp_limits_default(&lim);
		snprintf(req, sizeof(req), REQ(USER, "%s", OBJ), actions[a]);
		ck_assert_int_eq(iamp_request_parse(&rq, ra, req, strlen(req), &lim), 0);
		ck_assert_int_eq(iamp_request_fill_derived(&rq, ra), 0);
		ck_assert_int_eq(iamp_evaluate(&res, ev, &rq), 0);
		ck_assert_uint_gt(res.match_count, 0);
		for (size_t i = 0; i < res.match_count; i++) {
			iamp_evaluator_statement(&d, ev, m[i].ordinal);
			ck_assert_msg(d.stmt == m[i].stmt && d.type == m[i].type && d.name == m[i].name &&
				      d.deny == m[i].deny && d.policy == m[i].policy && d.level == m[i].level,
				      "%s: match %zu (ordinal %zu) is not the statement its ordinal names",
				      actions[a], i, m[i].ordinal);
		}
		ck_assert_int_eq(iamp_report_decision(fx, IAMP_REPORT_JSON, NULL, &res, ev, 1), 0);
		iamp_report_decision_json(fy, dj, &res);
		fclose(fx);
		fclose(fy);
		ck_assert_msg(strcmp(x, y) == 0, "prepared:\n%s\nwritten:\n%s", y, x);
		ck_assert_msg(strstr(y, "\"level\":1") && strstr(y, "\"file\":\"r\xc3\xa9\\\\.json\"") &&
			      (a >= 2 || strstr(y, "\"file\":\"id\\\"x.json\"")), "%s", y);
		free(x);
		free(y);
		iamp_arena_free(ra);
	}
	iamp_decision_json_free(dj);
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

/*
 * The applicable statements (eval.h): stored up to match_cap, counted in
 * match_total past it, each naming its policy; SCP and RCP statements only
 * where SCPs and RCPs govern the request (scp_applies, rcp_applies).
 */
/* iamp_evaluator_variant (exempt.c's what-if): a statement dropped or
 * replaced in a copy, the original untouched, and a statement of no
 * policy of the evaluator ignored. */
START_TEST(variant)
{
	const struct iamp_policy *id = th_keep(P(ALLOW_ALL), IAMP_POLICY_IDENTITY);
	const struct iamp_policy *scp = th_keep(P(ALLOW_ALL ",{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"),
						IAMP_POLICY_SCP);
	const struct iamp_policy *other = th_keep(P("{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}"),
						  IAMP_POLICY_SCP);
	const struct iamp_statement *olds[1] = { &scp->statements[1] }, *news[1] = { NULL };
	struct iamp_evaluator *ev, *v;
	struct iamp_match m[4];
	struct iamp_result res = { .matches = m, .match_cap = 4 };

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_IDENTITY, 0, id, "id.json"), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_SCP, 0, scp, "scp.json"), 0);
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), E);

	/* dropped: the Deny no longer applies; ev still denies */
	ck_assert_int_eq(iamp_evaluator_variant(&v, ev, olds, news, 1), 0);
	ck_assert_int_eq(decide(v, REQ(USER, "s3:GetObject", OBJ), &res), A);
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), E);
	iamp_evaluator_free(v);

	/* replaced: the new statement decides, at the old one's place */
	news[0] = &other->statements[0];
	ck_assert_int_eq(iamp_evaluator_variant(&v, ev, olds, news, 1), 0);
	ck_assert_int_eq(decide(v, REQ(USER, "s3:GetObject", OBJ), &res), A);
	ck_assert_int_eq(decide(v, REQ(USER, "s3:PutObject", OBJ), &res), E);
	ck_assert_uint_eq(res.match_count, 3);
	ck_assert_str_eq(m[2].name, "scp.json");
	ck_assert_uint_eq(m[2].stmt->index, scp->statements[1].index);
	iamp_evaluator_free(v);

	/* a statement of a policy ev does not hold: nothing changes */
	olds[0] = &other->statements[0];
	news[0] = NULL;
	ck_assert_int_eq(iamp_evaluator_variant(&v, ev, olds, news, 1), 0);
	ck_assert_int_eq(decide(v, REQ(USER, "s3:GetObject", OBJ), &res), E);
	iamp_evaluator_free(v);
	iamp_evaluator_free(ev);
}
END_TEST

START_TEST(match_counts)
{
	const struct iamp_policy *id = th_keep(P(ALLOW_ALL ",{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
						   IAMP_POLICY_IDENTITY);
	const struct iamp_policy *scp = th_keep(P(ALLOW_ALL), IAMP_POLICY_SCP);
	const struct iamp_policy *rcp = th_keep(P("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}"),
						    IAMP_POLICY_RCP);
	struct iamp_evaluator *ev;
	struct iamp_match m[4];
	struct iamp_result res = { .matches = m, .match_cap = 4 };

	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_IDENTITY, 0, id, "id.json"), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_SCP, 0, scp, "scp.json"), 0);
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), A);
	ck_assert(res.scp_applies);
	ck_assert_uint_eq(res.match_count, 3);
	ck_assert_uint_eq(res.match_total, 3);
	ck_assert_ptr_eq(m[0].policy, id);
	ck_assert_ptr_eq(m[2].policy, scp);
	ck_assert_int_eq(m[2].type, IAMP_POLICY_SCP);
	ck_assert_str_eq(m[2].name, "scp.json");
	res.match_cap = 1;
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), A);
	ck_assert_uint_eq(res.match_count, 1);
	ck_assert_uint_eq(res.match_total, 3);

	/* SCPs do not govern the management account: its SCP statements are
	 * neither listed nor counted, stored or not. */
	ck_assert_int_eq(iamp_evaluator_set_management_account(ev, "111122223333"), 0);
	res.match_cap = 4;
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), A);
	ck_assert(!res.scp_applies);
	ck_assert_uint_eq(res.match_count, 2);
	ck_assert_uint_eq(res.match_total, 2);
	res.match_cap = 2;
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), A);
	ck_assert_uint_eq(res.match_count, 2);
	ck_assert_uint_eq(res.match_total, 2);
	iamp_evaluator_free(ev);

	/* RCPs govern the services AWS lists for them (s3), not others (ec2). */
	res.match_cap = 4;
	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_IDENTITY, 0, id, "id.json"), 0);
	ck_assert_int_eq(iamp_evaluator_add(ev, IAMP_POLICY_RCP, 0, rcp, "rcp.json"), 0);
	ck_assert_int_eq(decide(ev, REQ(USER, "s3:GetObject", OBJ), &res), A);
	ck_assert(res.rcp_applies);
	ck_assert(!res.scp_applies);
	ck_assert_uint_eq(res.match_count, 3);
	ck_assert_uint_eq(res.match_total, 3);
	ck_assert_ptr_eq(m[2].policy, rcp);
	ck_assert_int_eq(decide(ev, REQ(USER, "ec2:RunInstances", "*"), &res), A);
	ck_assert(!res.rcp_applies);
	ck_assert_uint_eq(res.match_count, 1);
	ck_assert_uint_eq(res.match_total, 1);
	res.match_cap = 0;
	ck_assert_int_eq(decide(ev, REQ(USER, "ec2:RunInstances", "*"), &res), A);
	ck_assert_uint_eq(res.match_count, 0);
	ck_assert_uint_eq(res.match_total, 1);
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

/* An action longer than the evaluator's stack buffer is matched all the
 * same (the IAM reference names actions of any length). */
START_TEST(long_action)
{
	char action[300], request[600];
	struct iamp_evaluator *ev;
	struct iamp_result res = { 0 };

	memcpy(action, "s3:Get", 6);
	memset(action + 6, 'X', sizeof(action) - 7);
	action[sizeof(action) - 1] = '\0';
	ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
	add(ev, IAMP_POLICY_IDENTITY, 0, P("{\"Effect\":\"Allow\",\"Action\":\"s3:getx*\",\"Resource\":\"*\"}"));
	snprintf(request, sizeof(request), REQ(USER, "%s", OBJ), action);
	ck_assert_int_eq(decide(ev, request, &res), A);
	action[0] = 'x';
	snprintf(request, sizeof(request), REQ(USER, "%s", OBJ), action);
	ck_assert_int_eq(decide(ev, request, &res), I);
	iamp_evaluator_free(ev);
	th_kept_free();
}
END_TEST

/* Issue 12, "use after free": an action of 256 bytes or more (kept on
 * the heap, not in the evaluator's stack buffer) with a resource policy
 * read the freed copy when the decision was explained. The answers must
 * be those of the same action's text, under `make asan` without a read
 * of freed memory; the reserved-resources rule reads the action last. */
START_TEST(use_after_free_long_action_resource_policy)
{
	static const char *const compat[] = { NULL, "reserved-resources" };
	char action[400], request[800], policy[1200];
	struct iamp_evaluator *ev;
	struct iamp_result res = { 0 };

	memcpy(action, "kms:Decrypt", 11);
	memset(action + 11, 'X', sizeof(action) - 12);
	action[sizeof(action) - 1] = '\0';
	snprintf(policy, sizeof(policy),
		 P("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" USER "\"},\"Action\":\"%s\",\"Resource\":\"*\"},"
		   "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:decryptx*y\",\"Resource\":\"*\"}"),
		 action);
	for (size_t i = 0; i < sizeof(compat) / sizeof(*compat); i++) {
		unsigned bits = 0;

		ck_assert_int_eq(iamp_evaluator_new(&ev), 0);
		if (compat[i])
			ck_assert_int_eq(iamp_compat_parse(&bits, compat[i]), 0);
		iamp_evaluator_set_compat(ev, bits);
		add(ev, IAMP_POLICY_RESOURCE, 0, policy);
		snprintf(request, sizeof(request), REQ(USER, "%s", "arn:aws:kms:us-east-1:111122223333:key/k1"), action);
		ck_assert_int_eq(decide(ev, request, &res), A);
		action[sizeof(action) - 2] = 'y'; /* now the Deny's pattern matches */
		snprintf(request, sizeof(request), REQ(USER, "%s", "arn:aws:kms:us-east-1:111122223333:key/k1"), action);
		ck_assert_int_eq(decide(ev, request, &res), E);
		action[sizeof(action) - 2] = 'X';
		iamp_evaluator_free(ev);
		th_kept_free();
	}
}
END_TEST

/* Issue 12, "simulate has no cap on condition sizes": a policy holds at
 * most max_condition_values condition values (INPUT_LIMIT beyond), a
 * request at most IAMP_REQUEST_MAX_KEY_VALUES values a key and
 * IAMP_REQUEST_MAX_VALUES in all, so that one decision takes bounded
 * time (50,000 patterns against 300,000 values ran for minutes). */
START_TEST(condition_size_caps)
{
	size_t cap = 100000, n;
	char *text = malloc(cap);
	struct iamp_policy *p;
	struct iamp_limits lim;
	struct iamp_document *doc = NULL;
	struct iamp_request req;
	struct iamp_arena *arena = iamp_arena_new();

	iamp_limits_default(&lim);
	lim.max_condition_values = 100;
	n = (size_t)snprintf(text, cap, "{\"Version\":\"2012-10-17\",\"Statement\":[");
	for (int st = 0; st < 2; st++) {
		n += (size_t)snprintf(text + n, cap - n, "%s{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
				      "\"Condition\":{\"StringLike\":{\"aws:PrincipalTag/x\":[", st ? "," : "");
		for (int i = 0; i < 60; i++)
			n += (size_t)snprintf(text + n, cap - n, "%s\"*a%d*\"", i ? "," : "", i);
		n += (size_t)snprintf(text + n, cap - n, "]}}}");
	}
	n += (size_t)snprintf(text + n, cap - n, "]}");
	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", text, n, IAMP_FORMAT_JSON, &lim, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, IAMP_POLICY_IDENTITY, &lim, &th_diags), 0);
	ck_assert_int_eq(th_count(IAMP_RULE_INPUT_LIMIT), 1);
	ck_assert_uint_eq(p->statements[0].conditions[0].value_count, 60);
	ck_assert_uint_eq(p->statements[1].conditions[0].value_count, 40);
	th_teardown();

	/* the request: one key over its cap, then the whole context */
	for (int over = 0; over < 2; over++) {
		int keys = over ? IAMP_REQUEST_MAX_VALUES / IAMP_REQUEST_MAX_KEY_VALUES + 1 : 1;
		int per = over ? IAMP_REQUEST_MAX_KEY_VALUES : IAMP_REQUEST_MAX_KEY_VALUES + 1;
		struct iamp_diags diags;

		n = (size_t)snprintf(text, cap, "{\"principal\":\"" USER "\",\"action\":\"s3:GetObject\","
				     "\"resource\":\"*\",\"context\":{");
		for (int k = 0; k < keys; k++) {
			n += (size_t)snprintf(text + n, cap - n, "%s\"s3:k%d\":[", k ? "," : "", k);
			for (int i = 0; i < per && n < cap; i++)
				n += (size_t)snprintf(text + n, cap - n, "%s1", i ? "," : "");
			n += (size_t)snprintf(text + n, cap - n, "]");
		}
		n += (size_t)snprintf(text + n, cap - n, "}}");
		ck_assert_uint_lt(n, cap);
		iamp_diags_init(&diags);
		ck_assert_int_eq(iamp_load_buffer(&doc, "request", text, n, IAMP_FORMAT_JSON, NULL, &diags), 0);
		ck_assert_uint_eq(diags.count, 0);
		ck_assert_int_eq(iamp_request_from_value(&req, arena, doc->root), IAMP_EINVAL);
		ck_assert_msg(strstr(iamp_error_last(), over ? "in the request's context" : "more than 1000 values"),
			      "%s", iamp_error_last());
		iamp_document_free(doc);
		doc = NULL;
		iamp_diags_clear(&diags);
	}
	iamp_arena_free(arena);
	free(text);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *suite_eval(void)
{
	Suite *s = suite_create("eval");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, decision, 0, N(cases));
	tcase_add_test(tc, management_account);
	tcase_add_test(tc, full_access_level);
	tcase_add_test(tc, matches_reported);
	tcase_add_test(tc, match_counts);
	tcase_add_test(tc, variant);
	tcase_add_test(tc, long_action);
	tcase_add_test(tc, use_after_free_long_action_resource_policy);
	tcase_add_test(tc, condition_size_caps);
	tcase_add_test(tc, action_index);
	tcase_add_test(tc, service_index);
	tcase_add_test(tc, ordinals_and_prepared_json);
	tcase_add_loop_test(tc, request_errors, 0, N(bad_requests));
	tcase_add_test(tc, many_variables);
	tcase_add_test(tc, unusable_statements);
	tcase_add_test(tc, assumptions);
	tcase_add_loop_test(tc, org_paths, 0, N(org_cases));
	tcase_add_test(tc, rcp_services);
	suite_add_tcase(s, tc);
	return s;
}
