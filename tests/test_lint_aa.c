/*
 * test_lint_aa.c - the fast paths of Access Analyzer's checks
 * (lint_aa.c) against the slow answers they stand for.
 *
 * REDUNDANT_RESOURCE compares only the pairs of Resource entries that a
 * pre-filter lets through to iamp_resource_covers (contain.c); each row
 * here is an entry, each pair of rows one policy, and the finding must
 * be there exactly when iamp_resource_covers, asked directly, says so.
 *
 * The Region and account checks of ARNs read every resource type of the
 * ARN's service through the formats split at build time and a first-byte
 * filter; here each service's types are read again through
 * iamp_catalog_resource_type_arn, byte by byte, for ARNs made to meet
 * each type's literal start, miss it and stop in it.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
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

/* The slow reading of lint_aa.c's service_fills: every type's format
 * split at run time, its resource part read up to its first "${". */
static bool slow_fills(const struct iamp_service *svc, const char *res, size_t rlen, bool some[6], bool all[6])
{
	bool any = false;

	some[3] = some[4] = false;
	all[3] = all[4] = true;
	for (uint32_t i = 0; i < svc->resource_type_count; i++) {
		const char *f[6];
		size_t fl[6];
		bool fits = true;

		if (!iamp_catalog_resource_type_arn(&iamp_catalog_resource_types[svc->first_resource_type + i], f, fl))
			continue;
		/* the literal start of the type's resource part against res, up
		 * to res's first wildcard or variable */
		for (size_t k = 0; k < fl[5] && !(f[5][k] == '$' && k + 1 < fl[5] && f[5][k + 1] == '{'); k++) {
			if (k >= rlen || (res[k] != '*' && res[k] != '?' && res[k] != '$' && res[k] != f[5][k])) {
				fits = false;
				break;
			}
			if (res[k] == '*' || res[k] == '?' || res[k] == '$')
				break;
		}
		if (!fits)
			continue;
		any = true;
		for (int p = 3; p <= 4; p++) {
			if (fl[p])
				some[p] = true;
			else
				all[p] = false;
		}
	}
	return any;
}

/* Resource parts for one service: each type's literal start, whole, with
 * a byte more, cut short, ended by a wildcard, and with its first byte
 * changed; and a few that name no type. */
static size_t resource_parts(char (*out)[128], size_t cap, const struct iamp_service *svc)
{
	static const char *const fixed[] = { "*", "", "?x", "zz9/x", "${aws:username}" };
	size_t n = 0;

	for (size_t k = 0; k < sizeof fixed / sizeof *fixed && n < cap; k++)
		snprintf(out[n++], 128, "%s", fixed[k]);
	for (uint32_t i = 0; i < svc->resource_type_count && n + 5 <= cap; i++) {
		const char *f[6];
		size_t fl[6], lit = 0;

		if (!iamp_catalog_resource_type_arn(&iamp_catalog_resource_types[svc->first_resource_type + i], f, fl))
			continue;
		while (lit < fl[5] && lit < 100 && !(f[5][lit] == '$' && lit + 1 < fl[5] && f[5][lit + 1] == '{'))
			lit++;
		snprintf(out[n++], 128, "%.*s", (int)lit, f[5]);
		snprintf(out[n++], 128, "%.*sx", (int)lit, f[5]);
		if (lit > 1) {
			snprintf(out[n++], 128, "%.*s", (int)lit - 1, f[5]);
			snprintf(out[n++], 128, "%.*s*", (int)lit / 2, f[5]);
			snprintf(out[n++], 128, "%c%.*s", f[5][0] == 'q' ? 'r' : 'q', (int)lit - 1, f[5] + 1);
		}
	}
	return n;
}

/* One service: every resource part above, with and without a Region
 * and an account, in one policy. */
static void arn_fills_of(const struct iamp_service *svc)
{
	const char *prefix = iamp_catalog_str(svc->prefix);
	static char parts[800][128];
	static char text[800 * 4 * 200 + 256];
	size_t n = resource_parts(parts, 800, svc), len = 0;
	int want[3] = { 0, 0, 0 }; /* ARN_REGION_NOT_ALLOWED, MISSING_ARN_REGION, ARN_ACCOUNT_NOT_ALLOWED */

	ck_assert_uint_lt(n, 800 - 5); /* every type read */
	len += (size_t)snprintf(text + len, sizeof text - len,
				"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
				"\"Action\": \"s3:GetObject\", \"Resource\": [");
	for (size_t i = 0; i < n; i++) {
		for (int r = 0; r < 2; r++) {
			for (int a = 0; a < 2; a++) {
				bool some[6], all[6];

				len += (size_t)snprintf(text + len, sizeof text - len, "%s\"arn:aws:%s:%s:%s:%s\"",
							i || r || a ? ", " : "", prefix, r ? "us-east-1" : "",
							a ? "111122223333" : "", parts[i]);
				if (!slow_fills(svc, parts[i], strlen(parts[i]), some, all))
					continue;
				want[0] += r && !some[3];
				want[1] += !r && all[3];
				want[2] += a && !some[4];
			}
		}
	}
	snprintf(text + len, sizeof text - len, "]}]}");
	ck_assert_uint_lt(len, sizeof text - 8);
	th_lint(text, IAMP_POLICY_IDENTITY);
	ck_assert_msg(th_count(IAMP_RULE_ARN_REGION_NOT_ALLOWED) == want[0], "%s: ARN_REGION_NOT_ALLOWED %d, expected %d",
		      prefix, th_count(IAMP_RULE_ARN_REGION_NOT_ALLOWED), want[0]);
	ck_assert_msg(th_count(IAMP_RULE_MISSING_ARN_REGION) == want[1], "%s: MISSING_ARN_REGION %d, expected %d", prefix,
		      th_count(IAMP_RULE_MISSING_ARN_REGION), want[1]);
	ck_assert_msg(th_count(IAMP_RULE_ARN_ACCOUNT_NOT_ALLOWED) == want[2], "%s: ARN_ACCOUNT_NOT_ALLOWED %d, expected %d",
		      prefix, th_count(IAMP_RULE_ARN_ACCOUNT_NOT_ALLOWED), want[2]);
	th_teardown();
}

/* Row _i: 32 services (a row each would fork the runner 400 times). */
START_TEST(arn_fills)
{
	for (uint32_t s = (uint32_t)_i * 32; s < (uint32_t)_i * 32 + 32 && s < iamp_catalog_counts.services; s++)
		arn_fills_of(&iamp_catalog_services[s]);
}
END_TEST

Suite *suite_lint_aa(void)
{
	Suite *s = suite_create("lint_aa");
	TCase *tc = tcase_create("fast paths");

	tcase_add_checked_fixture(tc, NULL, th_teardown);
	tcase_add_loop_test(tc, redundant_resource_pairs, 0, NENTRIES);
	tcase_add_test(tc, redundant_resource_table);
	tcase_add_loop_test(tc, arn_fills, 0, (int)(iamp_catalog_counts.services + 31) / 32);
	suite_add_tcase(s, tc);
	return s;
}
