/*
 * test_secrets.c - credentials found in raw text, and never echoed by any
 * report format, message or source excerpt.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "helpers.h"
#include "load.h"
#include "report.h"
#include "secrets.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static const struct {
	const char *text;
	int key_ids, secrets;
} found[] = {
	{ "{\"Sid\": \"" KEY_ID "\"}", 1, 0 },
	{ "{\"Sid\": \"ASIAIOSFODNN7EXAMPLE\"}", 1, 0 },
	{ "{\"Resource\": \"arn:aws:iam::1:user/" KEY_ID "\"}", 1, 0 },
	{ "{\"Id\": \"key_" KEY_ID "\"}", 1, 0 },
	{ "{\"Sid\": \"AROAIOSFODNN7EXAMPLE\"}", 0, 0 },          /* a role id, not a key */
	{ "{\"Sid\": \"AKIAIOSFODNN7EXAMPLEX\"}", 0, 0 },         /* 21 characters */
	{ "{\"Sid\": \"XAKIAIOSFODNN7EXAMPLE\"}", 0, 0 },         /* inside a word */
	{ "{\"Sid\": \"AKIAiosfodnn7example\"}", 0, 0 },          /* lower case */
	{ "{\"SecretAccessKey\": \"" SECRET "\"}", 0, 1 },
	{ "{\"aws_secret_access_key\":\"" SECRET "\"}", 0, 1 },
	{ "aws_secret_access_key = " SECRET "\n", 0, 1 },
	{ "AWS_SECRET_ACCESS_KEY: '" SECRET "'\n", 0, 1 },
	{ "aws-secret-key=" SECRET "\n", 0, 1 },
	{ "{\"Sid\": \"" SECRET "\"}", 0, 0 },                   /* no key name before it */
	{ "{\"SecretAccessKey\": \"" SECRET "x\"}", 0, 0 },      /* 41 characters */
	{ "{\"SecretAccessKey\": \"" SECRET "==\"}", 0, 0 },     /* base64 of something longer */
	{ "{\"SecretAccessKey\": \"short\"}", 0, 0 },
	{ "{\"AccessKeyId\": \"" KEY_ID "\", \"SecretAccessKey\": \"" SECRET "\"}", 1, 1 },
	{ KEY_ID, 1, 0 },                                        /* the whole text: at offset 0 */
	{ "aws_secret_access_key=" SECRET, 0, 1 },              /* the secret ends the text */
};

START_TEST(find)
{
	struct iamp_document *doc = NULL;
	struct iamp_diags diags;
	const char *t = found[_i].text;

	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_load_buffer(&doc, "t.json", t, strlen(t), IAMP_FORMAT_JSON, NULL, &diags), 0);
	iamp_diags_clear(&diags);
	ck_assert_int_eq(iamp_secrets_check(doc, &diags, 0), (size_t)(found[_i].key_ids + found[_i].secrets));
	{
		int k = 0, s = 0;

		for (size_t i = 0; i < diags.count; i++) {
			k += diags.items[i].rule == IAMP_RULE_ACCESS_KEY_ID;
			s += diags.items[i].rule == IAMP_RULE_SECRET_ACCESS_KEY;
			ck_assert_int_eq(diags.items[i].severity, IAMP_SEV_ERROR);
			/* the span covers exactly the credential */
			ck_assert_int_eq(diags.items[i].span.end.offset - diags.items[i].span.start.offset,
					 diags.items[i].rule == IAMP_RULE_ACCESS_KEY_ID ? 20 : 40);
		}
		ck_assert_int_eq(k, found[_i].key_ids);
		ck_assert_int_eq(s, found[_i].secrets);
	}
	iamp_diags_clear(&diags);
	iamp_document_free(doc);
}
END_TEST

/* Policies whose other findings quote the credential too: an Effect that
 * is a key id, an unknown element holding a secret. */
static const char *const leaky[] = {
	"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"" KEY_ID "\", \"Action\": \"s3:GetObject\","
	" \"Resource\": \"arn:aws:s3:::b/" KEY_ID "\"}]}",
	"{\"Version\": \"2012-10-17\",\n \"SecretAccessKey\": \"" SECRET "\",\n"
	" \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}",
	"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"" KEY_ID ":x\","
	" \"Resource\": \"*\"}]}",
};

START_TEST(never_echoed)
{
	struct iamp_report_opts opts = { .show_source = true, .color = true };
	static const enum iamp_report_format fmts[] = { IAMP_REPORT_TEXT, IAMP_REPORT_JSON, IAMP_REPORT_SARIF };

	th_lint(leaky[_i], IAMP_POLICY_IDENTITY);
	ck_assert_uint_ge(iamp_secrets_check(th_doc, &th_diags, 0), 1);
	ck_assert(th_diags.count >= 2); /* the credential's own finding and another */
	for (size_t f = 0; f < 3; f++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);

		ck_assert_int_eq(iamp_report_write(out, fmts[f], &th_diags, &opts), 0);
		fclose(out);
		ck_assert_msg(strstr(buf, "IOSFODNN7EXAMPLE") == NULL, "%s shows the key id:\n%s",
			      iamp_report_format_name(fmts[f]), buf);
		ck_assert_msg(strstr(buf, "EXAMPLEKEY") == NULL && strstr(buf, "wJalr") == NULL,
			      "%s shows the secret:\n%s", iamp_report_format_name(fmts[f]), buf);
		if (fmts[f] == IAMP_REPORT_TEXT) /* the excerpt is there, masked */
			ck_assert_msg(strstr(buf, "AKIA****************") || strstr(buf, "****************************************"),
				      "no masked excerpt:\n%s", buf);
		free(buf);
	}
}
END_TEST

/*
 * The scan skips to marker bytes 16 at a time (secrets.c: next_marker,
 * marker_live): each credential form at every offset from 0 to 47 after
 * fillers that hold no credential, some full of markers that cannot
 * belong to one, is found exactly where it was put, and only there.
 */
static const struct {
	const char *text;	/* the form, the credential at `at` */
	size_t at;
	enum iamp_rule_id rule;
} forms[] = {
	{ KEY_ID, 0, IAMP_RULE_ACCESS_KEY_ID },
	{ "ASIAIOSFODNN7EXAMPLE", 0, IAMP_RULE_ACCESS_KEY_ID },
	{ "IAMyIy.AKIAIOSFODNN7EXAMPLE", 7, IAMP_RULE_ACCESS_KEY_ID },  /* dead markers, same run */
	{ "\"SecretAccessKey\": \"" SECRET "\"", 20, IAMP_RULE_SECRET_ACCESS_KEY },
	{ "AWS_SECRET_ACCESS_KEY=" SECRET, 22, IAMP_RULE_SECRET_ACCESS_KEY },
	{ "yy.secret-access_K-e.Y: " SECRET, 24, IAMP_RULE_SECRET_ACCESS_KEY }, /* separators in "key" */
	{ "aws.secret.keY = '" SECRET "'", 18, IAMP_RULE_SECRET_ACCESS_KEY },
	{ "SecretAccessKeyIdy: " SECRET, 20, IAMP_RULE_SECRET_ACCESS_KEY }, /* the name holds it */
};

static const char *const fillers[] = {
	"                                                ",
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"Iy IY yI AKI KIA SIA ke y key= kEy: I y Y Iyy yI",
	"\"Policy\": [\"Ids\", \"Keys\", \"KMSKey\"],\n\t\"Ikey\": 1}",
};

START_TEST(every_offset)
{
	const char *form = forms[_i].text;

	for (size_t f = 0; f < sizeof(fillers) / sizeof(*fillers); f++) {
		for (size_t pad = 0; pad < 48; pad++) {
			char text[512];
			struct iamp_document *doc = NULL;
			struct iamp_diags diags;
			int len = snprintf(text, sizeof(text), "%.*s %s %.*s", (int)pad, fillers[f], form,
					   (int)(47 - pad), fillers[f]);

			iamp_diags_init(&diags);
			ck_assert_int_eq(iamp_load_buffer(&doc, "t.txt", text, (size_t)len, IAMP_FORMAT_JSON,
							  NULL, &diags), 0);
			iamp_diags_clear(&diags);
			ck_assert_msg(iamp_secrets_check(doc, &diags, 0) == 1 && diags.count == 1,
				      "found %zu in: %s", diags.count, text);
			ck_assert_int_eq(diags.items[0].rule, forms[_i].rule);
			ck_assert_int_eq(diags.items[0].span.start.offset, pad + 1 + forms[_i].at);
			iamp_diags_clear(&diags);
			iamp_document_free(doc);
		}
	}
}
END_TEST

START_TEST(mask_key_ids)
{
	char s[] = "x AKIAIOSFODNN7EXAMPLE y ASIAIOSFODNN7EXAMPLE, AKIAIOSFODNN7EXAMPLEZ";
	char whole[] = KEY_ID, last[] = "AAKIA " KEY_ID, near_end[] = "AKIA " KEY_ID "0";

	iamp_secrets_mask_key_ids(s);
	ck_assert_str_eq(s, "x AKIA**************** y ASIA****************, AKIAIOSFODNN7EXAMPLEZ");
	iamp_secrets_mask_key_ids(whole); /* from the first byte to the last */
	ck_assert_str_eq(whole, "AKIA****************");
	iamp_secrets_mask_key_ids(last);
	ck_assert_str_eq(last, "AAKIA AKIA****************");
	iamp_secrets_mask_key_ids(near_end); /* one character too long */
	ck_assert_str_eq(near_end, "AKIA " KEY_ID "0");
}
END_TEST

Suite *suite_secrets(void)
{
	Suite *s = suite_create("secrets");
	TCase *tc = tcase_create("secrets");

	tcase_add_loop_test(tc, find, 0, sizeof(found) / sizeof(*found));
	tcase_add_checked_fixture(tc, NULL, th_teardown);
	tcase_add_loop_test(tc, never_echoed, 0, sizeof(leaky) / sizeof(*leaky));
	tcase_add_loop_test(tc, every_offset, 0, sizeof(forms) / sizeof(*forms));
	tcase_add_test(tc, mask_key_ids);
	suite_add_tcase(s, tc);
	return s;
}
