/*
 * test_lint_aa.c - the fast paths of Access Analyzer's checks
 * (lint_aa.c) against the slow answers they stand for.
 *
 * REDUNDANT_RESOURCE compares only the pairs of Resource entries that a
 * pre-filter lets through to iamp_resource_covers (contain.c); each row
 * here is an entry, each pair of rows one policy, and the finding must
 * be there exactly when iamp_resource_covers, asked directly, says so.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "contain.h"
#include "diag.h"
#include "helpers.h"
#include "policy.h"

/* Entries that cover each other in every way the pre-filter reads:
 * fewer than six parts, wildcards at the start, middle and end of a
 * part, '?', fully literal parts, case, colons in the resource part,
 * variables (compared by bytes only). */
static const char *const entries[] = {
	"*",
	"arn:*",
	"arn:aws:s3:*",
	"arn:aws:s3:::*",
	"arn:aws:s3:::b*",
	"arn:aws:s3:::b?",
	"arn:aws:s3:::bc",
	"arn:aws:s3:::b",
	"arn:aws:s3:::b/*",
	"arn:aws:s3:::b/k",
	"arn:aws:s3:::B/k",
	"arn:*:s3:::b/k",
	"arn:aws:s3:::*/k",
	"arn:aws:s?:::b/k",
	"arn:aws:ec2:*:*:instance/*",
	"arn:aws:ec2:*:*:volume/*",
	"arn:aws:ec2:us-east-1:111122223333:instance/i-1",
	"arn:aws:ec2:*:111122223333:*",
	"arn:aws:ec2:*:*:*",
	"arn:aws:logs:*:*:log-group:/a:*",
	"arn:aws:logs:*:*:log-group:/a:log-stream:x",
	"arn:aws:logs:*:*:log-group:/a",
	"arn:aws:iam::*:role/${aws:username}",
	"arn:aws:iam::*:role/*",
	"arn:aws:iam::111122223333:role/x",
	"arn:aws:iam::111122223333:*",
	"arn:aws:iam:*",
	"arn:aws:iam::111122223333",
};

#define NENTRIES (sizeof entries / sizeof *entries)

static bool covers(const char *by, const char *in)
{
	struct iamp_str b = { .text = by, .len = strlen(by) }, i = { .text = in, .len = strlen(in) };

	return iamp_resource_covers(&b, &i);
}

/* Row _i against every later row: [a, b] in one statement. The rule
 * reports b when a covers it, and a when b covers a but not the other
 * way (of two entries that cover each other, the later one). */
START_TEST(redundant_resource_pairs)
{
	const char *a = entries[_i];

	for (size_t j = (size_t)_i + 1; j < NENTRIES; j++) {
		const char *b = entries[j];
		char text[512];
		bool ab = covers(a, b), ba = covers(b, a);
		int expect = ab + (ba && !ab);

		snprintf(text, sizeof text,
			 "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
			 "\"Action\": \"s3:GetObject\", \"Resource\": [\"%s\", \"%s\"]}]}", a, b);
		th_lint(text, IAMP_POLICY_IDENTITY);
		ck_assert_msg(th_count(IAMP_RULE_REDUNDANT_RESOURCE) == expect, "[%s, %s]: %d findings, expected %d", a,
			      b, th_count(IAMP_RULE_REDUNDANT_RESOURCE), expect);
		th_teardown();
	}
}
END_TEST

/* The table is not vacuous: many of its pairs cover, in both readings
 * (fewer than six parts, and part by part). */
START_TEST(redundant_resource_table)
{
	size_t n = 0;

	for (size_t i = 0; i < NENTRIES; i++)
		for (size_t j = 0; j < NENTRIES; j++)
			n += i != j && covers(entries[i], entries[j]);
	ck_assert_uint_ge(n, 60);
	ck_assert(covers("arn:aws:s3:*", "arn:aws:s3:::b/k"));
	ck_assert(covers("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"));
	ck_assert(!covers("arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"));
}
END_TEST

Suite *suite_lint_aa(void)
{
	Suite *s = suite_create("lint_aa");
	TCase *tc = tcase_create("fast paths");

	tcase_add_checked_fixture(tc, NULL, th_teardown);
	tcase_add_loop_test(tc, redundant_resource_pairs, 0, NENTRIES);
	tcase_add_test(tc, redundant_resource_table);
	suite_add_tcase(s, tc);
	return s;
}
