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

START_TEST(mask_key_ids)
{
	char s[] = "x AKIAIOSFODNN7EXAMPLE y ASIAIOSFODNN7EXAMPLE, AKIAIOSFODNN7EXAMPLEZ";

	iamp_secrets_mask_key_ids(s);
	ck_assert_str_eq(s, "x AKIA**************** y ASIA****************, AKIAIOSFODNN7EXAMPLEZ");
}
END_TEST

Suite *suite_secrets(void)
{
	Suite *s = suite_create("secrets");
	TCase *tc = tcase_create("secrets");

	tcase_add_loop_test(tc, find, 0, sizeof(found) / sizeof(*found));
	tcase_add_checked_fixture(tc, NULL, th_teardown);
	tcase_add_loop_test(tc, never_echoed, 0, sizeof(leaky) / sizeof(*leaky));
	tcase_add_test(tc, mask_key_ids);
	suite_add_tcase(s, tc);
	return s;
}
