/*
 * test_cloudtrail.c - CloudTrail records into requests (cloudtrail.c):
 * the event-to-action table (cloudtrail_actions.def), userIdentity of
 * every type (CloudTrail User Guide, "CloudTrail userIdentity element"),
 * the context keys a record carries, and the streaming reader over plain
 * and gzip'ed files, truncated and malformed ones.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "arena.h"
#include "cloudtrail.h"
#include "diag.h"
#include "load.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define N(a) ((int)(sizeof(a) / sizeof(*(a))))

/* ---- actions --------------------------------------------------------------- */

struct action_case {
	const char *source, *name, *action; /* "" when there is none */
};

static const struct action_case actions[] = {
	{ "s3.amazonaws.com", "HeadObject", "s3:GetObject" },
	{ "s3.amazonaws.com", "ListObjects", "s3:ListBucket" },
	{ "s3.amazonaws.com", "ListObjectsV2", "s3:ListBucket" },
	{ "s3.amazonaws.com", "ListObjectVersions", "s3:ListBucketVersions" },
	{ "s3.amazonaws.com", "GetObject", "s3:GetObject" },
	{ "s3.amazonaws.com", "ListBuckets", "s3:ListAllMyBuckets" },
	{ "s3.amazonaws.com", "UploadPart", "s3:PutObject" },
	{ "ec2.amazonaws.com", "RunInstances", "ec2:RunInstances" },
	{ "monitoring.amazonaws.com", "PutMetricData", "cloudwatch:PutMetricData" },
	{ "email.amazonaws.com", "SendEmail", "ses:SendEmail" },
	{ "lambda.amazonaws.com", "CreateFunction20150331", "lambda:CreateFunction" },
	{ "lambda.amazonaws.com", "GetFunction20150331v2", "lambda:GetFunction" },
	{ "lambda.amazonaws.com", "Invoke", "lambda:InvokeFunction" },
	{ "lambda.amazonaws.com", "ListFunctions", "lambda:ListFunctions" },
	{ "example.com", "DoThing", "" },
	{ ".amazonaws.com", "X", "" },
	{ "amazonaws.com", "X", "" },
};

START_TEST(action_names)
{
	const struct action_case *c = &actions[_i];
	char buf[128];
	size_t n = iamp_ct_action(buf, sizeof(buf), c->source, c->name);

	if (!c->action[0])
		ck_assert_msg(n == 0, "%s %s: got %s", c->source, c->name, buf);
	else
		ck_assert_msg(n == strlen(c->action) && strcmp(buf, c->action) == 0, "%s %s: got %.*s, want %s",
			      c->source, c->name, (int)n, buf, c->action);
}
END_TEST

START_TEST(action_table_sorted)
{
	ck_assert(iamp_ct_table_sorted());
}
END_TEST

/* ---- events --------------------------------------------------------------- */

#define SESSION_UI                                                                                   \
	"\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROAX:s1\","                  \
	"\"arn\":\"arn:aws:sts::222222222222:assumed-role/app/s1\",\"accountId\":\"222222222222\","   \
	"\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"arn\":\"arn:aws:iam::222222222222:role/team/app\"}," \
	"\"attributes\":{\"mfaAuthenticated\":\"true\"}}}"
#define CALL(src, name) ",\"eventSource\":\"" src "\",\"eventName\":\"" name "\",\"awsRegion\":\"eu-west-1\"," \
	"\"eventID\":\"e1\",\"eventTime\":\"2026-11-30T10:00:00Z\",\"recipientAccountId\":\"222222222222\""

struct event_case {
	const char *record;
	enum iamp_ct_status status;
	const char *principal;  /* OK: the request's */
	const char *action;
	const char *resource;
	unsigned assumptions;
	const char *key, *value; /* a key the request must hold (value NULL: must not) */
	const char *reason;      /* not OK: a part of the reason */
};

static const struct event_case events[] = {
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") ",\"sourceIPAddress\":\"198.51.100.7\"}",
	  IAMP_CT_OK, "arn:aws:sts::222222222222:assumed-role/app/s1", "ec2:RunInstances", "*",
	  IAMP_CT_ASSUME_NO_RESOURCE, "aws:PrincipalArn", "arn:aws:iam::222222222222:role/team/app" },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") ",\"sourceIPAddress\":\"198.51.100.7\"}",
	  IAMP_CT_OK, NULL, "ec2:RunInstances", "*", IAMP_CT_ASSUME_NO_RESOURCE, "aws:SourceIp", "198.51.100.7" },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") ",\"sourceIPAddress\":\"AWS Internal\"}",
	  IAMP_CT_OK, NULL, "ec2:RunInstances", "*", IAMP_CT_ASSUME_NO_RESOURCE, "aws:SourceIp", NULL },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") "}",
	  IAMP_CT_OK, NULL, NULL, NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:MultiFactorAuthPresent", "true" },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") "}",
	  IAMP_CT_OK, NULL, NULL, NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:RequestedRegion", "eu-west-1" },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") "}",
	  IAMP_CT_OK, NULL, NULL, NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:userid", "AROAX:s1" },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") "}",
	  IAMP_CT_OK, NULL, NULL, NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:SecureTransport", NULL },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\"}}",
	  IAMP_CT_OK, NULL, NULL, NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:SecureTransport", "true" },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") "}",
	  IAMP_CT_OK, NULL, NULL, NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:PrincipalAccount", "222222222222" },
	{ "{" SESSION_UI CALL("s3.amazonaws.com", "ListBuckets") ",\"vpcEndpointId\":\"vpce-1a2b3c4d\"}",
	  IAMP_CT_OK, NULL, "s3:ListAllMyBuckets", NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:SourceVpce", "vpce-1a2b3c4d" },
	{ "{" SESSION_UI CALL("s3.amazonaws.com", "ListBuckets") "}",
	  IAMP_CT_OK, NULL, "s3:ListAllMyBuckets", NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:SourceVpce", NULL },
	/* invoked by a service on the caller's behalf */
	{ "{\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::222222222222:assumed-role/app/s1\","
	  "\"accountId\":\"222222222222\",\"invokedBy\":\"cloudformation.amazonaws.com\"}"
	  CALL("ec2.amazonaws.com", "CreateVpc") "}",
	  IAMP_CT_OK, NULL, "ec2:CreateVpc", NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:CalledVia", "cloudformation.amazonaws.com" },
	{ "{\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::222222222222:assumed-role/app/s1\","
	  "\"accountId\":\"222222222222\",\"invokedBy\":\"cloudformation.amazonaws.com\"}"
	  CALL("ec2.amazonaws.com", "CreateVpc") "}",
	  IAMP_CT_OK, NULL, NULL, NULL, IAMP_CT_ASSUME_NO_RESOURCE, "aws:ViaAWSService", "true" },
	/* every userIdentity type */
	{ "{\"userIdentity\":{\"type\":\"Root\",\"arn\":\"arn:aws:iam::222222222222:root\",\"accountId\":\"222222222222\"}"
	  CALL("iam.amazonaws.com", "CreateAccessKey") "}",
	  IAMP_CT_OK, "arn:aws:iam::222222222222:root", "iam:CreateAccessKey", "*", IAMP_CT_ASSUME_NO_RESOURCE,
	  "aws:PrincipalArn", "arn:aws:iam::222222222222:root" },
	{ "{\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::222222222222:user/alice\",\"accountId\":\"222222222222\"}"
	  CALL("iam.amazonaws.com", "GetUser") "}",
	  IAMP_CT_OK, "arn:aws:iam::222222222222:user/alice", "iam:GetUser", "*", IAMP_CT_ASSUME_NO_RESOURCE,
	  "aws:MultiFactorAuthPresent", NULL },
	{ "{\"userIdentity\":{\"type\":\"FederatedUser\",\"arn\":\"arn:aws:sts::222222222222:federated-user/bob\","
	  "\"accountId\":\"222222222222\"}" CALL("ec2.amazonaws.com", "DescribeVpcs") "}",
	  IAMP_CT_OK, "arn:aws:sts::222222222222:federated-user/bob", "ec2:DescribeVpcs", "*", IAMP_CT_ASSUME_NO_RESOURCE },
	{ "{\"userIdentity\":{\"type\":\"AWSAccount\",\"principalId\":\"AIDAX\",\"accountId\":\"555555555555\"}"
	  CALL("s3.amazonaws.com", "GetObject") ",\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::b/k\"},"
	  "{\"accountId\":\"222222222222\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::b\"}]}",
	  IAMP_CT_OK, "555555555555", "s3:GetObject", "arn:aws:s3:::b/k", IAMP_CT_ASSUME_ACCOUNT_ROOT,
	  "aws:ResourceAccount", "222222222222" },
	{ "{\"userIdentity\":{\"type\":\"AWSAccount\",\"principalId\":\"\",\"accountId\":\"ANONYMOUS_PRINCIPAL\"}"
	  CALL("s3.amazonaws.com", "GetObject") ",\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"a/b.txt\"}}",
	  IAMP_CT_OK, "*", "s3:GetObject", "arn:aws:s3:::b/a/b.txt", 0, "aws:PrincipalArn", NULL },
	{ "{\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":\"cloudtrail.amazonaws.com\"}"
	  CALL("s3.amazonaws.com", "PutObject") ",\"requestParameters\":{\"bucketName\":\"trail\"}}",
	  IAMP_CT_OK, "cloudtrail.amazonaws.com", "s3:PutObject", "arn:aws:s3:::trail", 0,
	  "aws:PrincipalIsAWSService", "true" },
	{ "{\"userIdentity\":{\"type\":\"SAMLUser\",\"principalId\":\"x\"}" CALL("sts.amazonaws.com", "AssumeRoleWithSAML") "}",
	  IAMP_CT_UNMAPPED, .reason = "SAML" },
	{ "{\"userIdentity\":{\"type\":\"WebIdentityUser\",\"principalId\":\"x\"}" CALL("sts.amazonaws.com", "AssumeRoleWithWebIdentity") "}",
	  IAMP_CT_UNMAPPED, .reason = "web identity" },
	{ "{\"userIdentity\":{\"type\":\"IdentityCenterUser\",\"accountId\":\"222222222222\"}" CALL("sso.amazonaws.com", "ListAccounts") "}",
	  IAMP_CT_UNMAPPED, .reason = "Identity Center" },
	{ "{\"userIdentity\":{\"type\":\"Unknown\",\"principalId\":\"x\"}" CALL("ec2.amazonaws.com", "X") "}",
	  IAMP_CT_UNMAPPED, .reason = "type" },
	{ "{\"readOnly\":true" CALL("ec2.amazonaws.com", "X") "}", IAMP_CT_UNMAPPED, .reason = "userIdentity" },
	{ "{" SESSION_UI ",\"eventSource\":\"ec2.amazonaws.com\"}", IAMP_CT_UNMAPPED, .reason = "eventName" },
	{ "{" SESSION_UI CALL("example.com", "X") "}", IAMP_CT_UNMAPPED, .reason = "prefix" },
	/* failed calls and what is not an API call */
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") ",\"errorCode\":\"AccessDenied\"}",
	  IAMP_CT_FAILED, .reason = "AccessDenied" },
	{ "{" SESSION_UI CALL("signin.amazonaws.com", "ConsoleLogin") ",\"eventType\":\"AwsConsoleSignIn\"}",
	  IAMP_CT_NOT_API, .reason = "AwsConsoleSignIn" },
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "RunInstances") ",\"eventType\":\"AwsApiCall\"}", IAMP_CT_OK },
	/* an action the catalog does not know */
	{ "{" SESSION_UI CALL("ec2.amazonaws.com", "NoSuchCall") "}", IAMP_CT_OK, NULL, "ec2:NoSuchCall", NULL,
	  IAMP_CT_ASSUME_NO_RESOURCE | IAMP_CT_ASSUME_UNKNOWN_ACTION },
	/* the first ARN of resources */
	{ "{" SESSION_UI CALL("kms.amazonaws.com", "Decrypt") ",\"resources\":[{\"accountId\":\"222222222222\","
	  "\"type\":\"AWS::KMS::Key\",\"ARN\":\"arn:aws:kms:eu-west-1:222222222222:key/k1\"}]}",
	  IAMP_CT_OK, NULL, "kms:Decrypt", "arn:aws:kms:eu-west-1:222222222222:key/k1", 0 },
};

START_TEST(event_mapping)
{
	const struct event_case *c = &events[_i];
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	struct iamp_ct_event e;

	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_load_buffer(&doc, "r", c->record, strlen(c->record), IAMP_FORMAT_JSON, NULL, &diags), 0);
	ck_assert_msg(diags.count == 0, "case %d: the record is not JSON: %s", _i, diags.count ? diags.items[0].message : "");
	ck_assert_int_eq(iamp_ct_event_read(&e, doc->arena, doc->root), 0);
	ck_assert_msg(e.status == c->status, "case %d: status %d, want %d (%s)", _i, e.status, c->status,
		      e.reason ? e.reason : "");
	if (c->status != IAMP_CT_OK) {
		ck_assert_msg(e.reason && strstr(e.reason, c->reason), "case %d: reason '%s'", _i, e.reason);
		goto done;
	}
	if (c->principal)
		ck_assert_str_eq(e.req.principal, c->principal);
	if (c->action)
		ck_assert_str_eq(e.req.action, c->action);
	if (c->resource)
		ck_assert_str_eq(e.req.resource, c->resource);
	if (c->action)
		ck_assert_msg(e.assumptions == c->assumptions, "case %d: assumptions %u, want %u", _i,
			      e.assumptions, c->assumptions);
	if (c->key) {
		const struct iamp_ctx_key *k = iamp_request_key(&e.req, c->key, strlen(c->key));

		if (!c->value) {
			ck_assert_msg(!k, "case %d: %s is present", _i, c->key);
		} else {
			ck_assert_msg(k && k->count == 1, "case %d: %s is absent", _i, c->key);
			ck_assert_str_eq(k->values[0].text, c->value);
		}
	}
done:
	iamp_document_free(doc);
	iamp_diags_clear(&diags);
}
END_TEST

/* ---- reading ---------------------------------------------------------------- */

struct seen {
	size_t records, errors;
	size_t last_index, error_index;
	char ids[512];
	char error[256];
};

static int on_record(void *ctx, const char *path, size_t index, const char *json, size_t len)
{
	struct seen *s = ctx;
	const char *id = strstr(json, "\"id\":\"");

	(void)path;
	s->records++;
	s->last_index = index;
	ck_assert(json[0] == '{' && json[len - 1] == '}');
	if (id) {
		size_t n = strlen(s->ids);

		snprintf(s->ids + n, sizeof(s->ids) - n, "%.*s,", (int)(strchr(id + 6, '"') - (id + 6)), id + 6);
	}
	return 0;
}

static void on_error(void *ctx, const char *path, size_t index, const char *msg)
{
	struct seen *s = ctx;

	(void)path;
	s->errors++;
	s->error_index = index;
	snprintf(s->error, sizeof(s->error), "%s", msg);
}

struct read_case {
	const char *text;
	bool gzip;
	size_t records, errors;
	const char *ids;        /* the records handed over, in order */
	size_t error_index;     /* of the last error */
	const char *error;      /* a part of its message */
};

#define R3 "{\"Records\":[{\"id\":\"a\"},{\"id\":\"b\",\"x\":\"}]\\\"{\"},\n {\"id\":\"c\",\"n\":[1,{\"d\":[]}]}]}"

static const struct read_case reads[] = {
	{ R3, false, 3, 0, "a,b,c," },
	{ R3, true, 3, 0, "a,b,c," },
	{ "{\"Records\":[]}", false, 0, 0, "" },
	{ "{\"Other\":{\"Records\":[1]},\"Records\":[{\"id\":\"a\"}],\"More\":true}", false, 1, 0, "a," },
	/* a stream of documents */
	{ R3 "\n" R3, true, 6, 0, "a,b,c,a,b,c," },
	{ R3 R3, false, 6, 0, "a,b,c,a,b,c," },
	/* truncated inside record 1: record 0 is handed over */
	{ "{\"Records\":[{\"id\":\"a\"},{\"id\":\"b", true, 1, 1, "a,", 1, "truncated" },
	{ "{\"Records\":[{\"id\":\"a\"},", false, 1, 1, "a,", (size_t)-1, "truncated" },
	/* not records */
	{ "[1,2]", false, 0, 1, "", (size_t)-1, "not a CloudTrail log file" },
	{ "{\"digestStartTime\":\"x\"}", false, 0, 1, "", (size_t)-1, "no \"Records\"" },
	{ "{\"Records\":[{\"id\":\"a\"},7]}", false, 1, 1, "a,", 1, "not a JSON object" },
	{ "{\"Records\":[{\"id\":\"a\"} {\"id\":\"b\"}]}", false, 1, 1, "a,", 1, "expected ','" },
	{ "", false, 0, 0, "" },
};

static void write_file(const char *path, const char *text, bool gz)
{
	if (gz) {
		gzFile f = gzopen(path, "wb");

		ck_assert(f != NULL);
		ck_assert_int_eq(gzwrite(f, text, (unsigned)strlen(text)), (int)strlen(text));
		gzclose(f);
	} else {
		FILE *f = fopen(path, "w");

		ck_assert(f != NULL);
		fputs(text, f);
		fclose(f);
	}
}

START_TEST(reader)
{
	const struct read_case *c = &reads[_i];
	char path[] = "/tmp/iamp-ct-XXXXXX";
	int fd = mkstemp(path);
	struct seen s = { 0 };

	ck_assert(fd >= 0);
	close(fd);
	write_file(path, c->text, c->gzip);
	ck_assert_int_eq(iamp_ct_read_path(path, on_record, on_error, &s), 0);
	unlink(path);
	ck_assert_msg(s.records == c->records, "case %d: %zu records, want %zu", _i, s.records, c->records);
	ck_assert_msg(s.errors == c->errors, "case %d: %zu errors, want %zu (%s)", _i, s.errors, c->errors, s.error);
	ck_assert_str_eq(s.ids, c->ids);
	if (c->error) {
		ck_assert_msg(s.error_index == c->error_index, "case %d: error at %zu, want %zu", _i,
			      s.error_index, c->error_index);
		ck_assert_msg(strstr(s.error, c->error), "case %d: error '%s'", _i, s.error);
	}
}
END_TEST

START_TEST(reader_missing)
{
	struct seen s = { 0 };

	ck_assert_int_lt(iamp_ct_read_path("/nonexistent/iamp-ct", on_record, on_error, &s), 0);
	ck_assert_int_eq(s.errors, 1);
}
END_TEST

Suite *suite_cloudtrail(void)
{
	Suite *s = suite_create("cloudtrail");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, action_names, 0, N(actions));
	tcase_add_test(tc, action_table_sorted);
	tcase_add_loop_test(tc, event_mapping, 0, N(events));
	tcase_add_loop_test(tc, reader, 0, N(reads));
	tcase_add_test(tc, reader_missing);
	suite_add_tcase(s, tc);
	return s;
}
