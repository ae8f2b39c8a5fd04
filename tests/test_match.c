/*
 * test_match.c - the value matchers of the concrete evaluator (match.c).
 * Expected outcomes follow the IAM User Guide: "IAM JSON policy elements:
 * Action" (case-insensitive wildcards), "Resource" and "Condition
 * operators" (ARN parts, IpAddress CIDRs, Date formats, Bool, Binary).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "arn.h"
#include "match.h"

struct glob_case {
	const char *pat, *s;
	bool want;
};

static const struct glob_case like_cases[] = {
	{ "*", "", true },
	{ "*", "anything", true },
	{ "", "", true },
	{ "", "a", false },
	{ "a*", "abc", true },
	{ "a*c", "abc", true },
	{ "a*c", "abcd", false },
	{ "a?c", "abc", true },
	{ "a?c", "ac", false },
	{ "?", "é", true },          /* one code point, two bytes */
	{ "??", "é", false },
	{ "*b*b*", "abab", true },
	{ "*b*b*", "ab", false },
	{ "home/*/x", "home/a/b/x", true },
	{ "Home/*", "home/a", false },   /* case-sensitive */
	{ "arn:aws:s3:::b/*", "arn:aws:s3:::b/", true },
	{ "a**b", "ab", true },
	{ "*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	/* '?' is one code point (match.h) of two, three or four bytes */
	{ "?b", "\xc3\xa9" "b", true },
	{ "?b", "\xe2\x82\xac" "b", true },
	{ "?b", "\xf0\x9f\x98\x80" "b", true },
	/* a '*' matches text after what precedes it, never inside it */
	{ "ab*ba", "aba", false },
};

START_TEST(like)
{
	const struct glob_case *c = &like_cases[_i];

	ck_assert_msg(iamp_match_like(c->pat, strlen(c->pat), c->s, strlen(c->s)) == c->want,
		      "%s ~ %s", c->pat, c->s);
}
END_TEST

START_TEST(compiled_literal_star)
{
	/* ${*} in a policy is a literal '*': compiled patterns keep it. */
	char buf[16];
	size_t n = iamp_wild_compile(buf, "a*", 2);

	buf[n++] = '*'; /* a literal star after the wildcard */
	ck_assert(iamp_wild_match(buf, n, "xyz*", 4) == false);
	ck_assert(iamp_wild_match(buf, n, "abc*", 4));
	ck_assert(iamp_wild_match("a*", 2, "a*", 2));
	ck_assert(!iamp_wild_match("a*", 2, "ab", 2));
}
END_TEST

static const struct glob_case action_cases[] = {
	{ "s3:GetObject", "s3:getobject", true },
	{ "S3:Get*", "s3:GetObjectAcl", true },
	{ "s3:*", "S3:PutObject", true },
	{ "iam:*AccessKey*", "iam:CreateAccessKey", true },
	{ "iam:*AccessKey*", "iam:CreateUser", false },
	{ "ec2:*", "ec2messages:GetMessages", false },
	{ "*", "sts:AssumeRole", true },
	{ "s?:Get*", "s3:GetObject", true },
	{ "s3:Get?bject", "s3:GetObject", true },
	{ "s3:Get", "s3:GetObject", false },
};

START_TEST(action)
{
	const struct glob_case *c = &action_cases[_i];

	ck_assert_msg(iamp_match_action(c->pat, strlen(c->pat), c->s, strlen(c->s)) == c->want,
		      "%s ~ %s", c->pat, c->s);
}
END_TEST

static const struct glob_case arn_cases[] = {
	{ "arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/x", true },
	{ "arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/y", false },
	{ "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", true },
	/* a '*' in one part does not cross into the next */
	{ "arn:aws:sqs:*:111122223333:q", "arn:aws:sqs:us-east-1:111122223333:q", true },
	{ "arn:aws:sqs:*", "arn:aws:sqs:us-east-1:111122223333:q", true },
	{ "arn:aws:*:us-east-1:*:*", "arn:aws:s3:::b", false },
	{ "arn:aws:*:*:*:*", "arn:aws:s3:::b", true },
	{ "arn:aws:iam::111122223333:user/*", "arn:aws:iam::111122223333:user/a/b", true },
	{ "arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob", false },
	{ "*", "arn:aws:s3:::b", true },
	{ "arn:aws:s3:::b", "not-an-arn", false },
	{ "arn:aws:ec2:us-east-?:*:instance/*", "arn:aws:ec2:us-east-1:1:instance/i-1", true },
	{ "arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1::volume/v", false },
};

START_TEST(arn)
{
	const struct glob_case *c = &arn_cases[_i];

	ck_assert_msg(iamp_match_arn(c->pat, strlen(c->pat), c->s, strlen(c->s)) == c->want,
		      "%s ~ %s", c->pat, c->s);
}
END_TEST

static const struct glob_case ip_cases[] = {
	{ "203.0.113.0/24", "203.0.113.55", true },
	{ "203.0.113.0/24", "203.0.114.1", false },
	{ "203.0.113.7", "203.0.113.7", true },
	{ "203.0.113.7/32", "203.0.113.8", false },
	{ "10.0.0.0/8", "10.255.255.255", true },
	{ "0.0.0.0/0", "192.0.2.1", true },
	{ "192.0.2.0/25", "192.0.2.128", false },
	{ "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", true },
	{ "2001:DB8:1234:5678::/64", "2001:db8:1234:5679::1", false },
	{ "::/0", "::1", true },
	{ "2001:db8::/32", "203.0.113.1", false },
	{ "203.0.113.0/24", "::ffff:203.0.113.9", true },
	{ "2001:db8:0:0:0:0:2:1", "2001:db8::2:1", true },
	{ "1::/16", "1::5", true },
	{ "2001:db8::/32", "2101:db8::1", false },
	/* families must agree, except for IPv4-mapped IPv6 (match.h) */
	{ "203.0.113.0/24", "2001:db8::cb00:7109", false },
	{ "2001:db8::cb00:7101", "203.0.113.1", false },
	{ "::ffff:203.0.113.0/120", "203.0.113.9", true },
	{ "::ffff:203.0.113.0/120", "203.0.114.9", false },
};

START_TEST(ip)
{
	const struct glob_case *c = &ip_cases[_i];
	struct iamp_ip cidr, addr;

	ck_assert(iamp_ip_parse(&cidr, c->pat, strlen(c->pat)));
	ck_assert(iamp_ip_parse(&addr, c->s, strlen(c->s)));
	ck_assert_msg(iamp_ip_contains(&cidr, &addr) == c->want, "%s in %s", c->s, c->pat);
}
END_TEST

static const char *const bad_ips[] = {
	"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "1.2.3.4/", "::1::2",
	"2001:db8::/129", "12345::", "1:2:3:4:5:6:7:8:9", "a.b.c.d", ":1:2", "1.2.3.4/-1",
	"1:::2", "1:2:3:4:5:6:7:", "1:2:3", "1:2:3:4::5:6:7:8", "::ffff:1.2.3",
	"1:2:3:4:5:6:7:1.2.3.4",
};

START_TEST(ip_invalid)
{
	struct iamp_ip parsed;

	ck_assert_msg(!iamp_ip_parse(&parsed, bad_ips[_i], strlen(bad_ips[_i])), "%s", bad_ips[_i]);
}
END_TEST

struct date_case {
	const char *s;
	bool ok;
	long long usec;
};

static const struct date_case date_cases[] = {
	{ "2020-01-01T00:00:00Z", true, 1577836800000000LL },
	{ "2020-01-01", true, 1577836800000000LL },
	{ "20200101", true, 1577836800000000LL },
	{ "1577836800", true, 1577836800000000LL },
	{ "1577836800.5", true, 1577836800500000LL },
	{ "2020-01-01T01:00:00+01:00", true, 1577836800000000LL },
	{ "2019-12-31T19:00:00-0500", true, 1577836800000000LL },
	{ "2020-01-01T00:00:00.250Z", true, 1577836800250000LL },
	{ "2020-01-01T00:00Z", true, 1577836800000000LL },
	{ "20200101T000000Z", true, 1577836800000000LL },
	{ "1970-01-01T00:00:00Z", true, 0 },
	{ "1969-12-31T23:59:59Z", true, -1000000LL },
	{ "2020-02-29", true, 1582934400000000LL },
	{ "2019-02-29", false, 0 },
	{ "2020-13-01", false, 0 },
	{ "2020-01-01T25:00:00Z", false, 0 },
	{ "yesterday", false, 0 },
	{ "", false, 0 },
	{ "2020-01-01T00:00:00Zjunk", false, 0 },
	{ "20200101T0000Z", true, 1577836800000000LL },
	{ "1577836800.", false, 0 },
	{ ".", false, 0 },
	{ "2020-0101", false, 0 },
	{ "2020--01", false, 0 },
	{ "2020-01-", false, 0 },
	{ "2020-01-00", false, 0 },
	{ "2020-00-10", false, 0 },
	{ "2020-01-01T", false, 0 },
	{ "2020-01-01T1:30Z", false, 0 },
	{ "2020-01-01T00:", false, 0 },
	{ "2020-01-01T00:00:", false, 0 },
	{ "2020-01-01T00:00:+01:00", false, 0 },
	{ "2020-01-01T00:00:00.Z", false, 0 },
	{ "2020-01-01T00:60:00Z", false, 0 },
	{ "2020-01-01T24:30:00Z", false, 0 },
	{ "2020-01-01T24:00:30Z", false, 0 },
	{ "2020-01-01T00:00:00+", false, 0 },
	{ "2020-01-01T00:00:00+01:0", false, 0 },
	{ "2020-01-01T00:00:00+24:00", false, 0 },
};

START_TEST(date)
{
	const struct date_case *c = &date_cases[_i];
	int64_t t = 0;
	bool ok = iamp_date_parse(&t, c->s, strlen(c->s));

	ck_assert_msg(ok == c->ok, "%s", c->s);
	if (ok)
		ck_assert_msg(t == c->usec, "%s: %lld", c->s, (long long)t);
}
END_TEST

START_TEST(number)
{
	double d, d2;

	ck_assert(iamp_number_parse(&d, "10", 2) && d == 10);
	ck_assert(iamp_number_parse(&d, "-2.5", 4) && d == -2.5);
	ck_assert(iamp_number_parse(&d, "1e3", 3) && d == 1000);
	ck_assert(iamp_number_parse(&d, ".5", 2) && d == 0.5);
	ck_assert(!iamp_number_parse(&d, "", 0));
	ck_assert(!iamp_number_parse(&d, "0x10", 4));
	ck_assert(!iamp_number_parse(&d, "inf", 3));
	ck_assert(!iamp_number_parse(&d, "nan", 3));
	ck_assert(!iamp_number_parse(&d, "1 ", 2));
	ck_assert(!iamp_number_parse(&d, "1e", 2));
	ck_assert(!iamp_number_parse(&d, "1e+", 3));
	ck_assert(!iamp_number_parse(&d, "2.5E-", 5));
	ck_assert(!iamp_number_parse(&d, "-", 1));
	ck_assert(iamp_number_parse(&d, "1e-3", 4) && d == 0.001);
	ck_assert(iamp_number_parse(&d, "1E+3", 4) && d == 1000);
	/* nothing of a longer number parsed before is read */
	ck_assert(iamp_number_parse(&d, "123456", 6) && iamp_number_parse(&d2, "12", 2) &&
		  d == 123456 && d2 == 12);
}
END_TEST

/* Every parser reads s[0..len) and no further (each takes its text as
 * (s, len), not as a C string): each text here is a valid value followed
 * by characters that would change or spoil it. */
START_TEST(length_bound)
{
	int64_t t;
	double d;

	ck_assert(iamp_date_parse(&t, "1577836800.5", 10) && t == 1577836800000000LL);
	ck_assert(iamp_date_parse(&t, "2020-01-01T00:00:00Z", 10) && t == 1577836800000000LL);
	ck_assert(iamp_date_parse(&t, "2020-01-01T00:00:00+01:00", 19) &&
		  t == 1577836800000000LL);
	ck_assert(iamp_number_parse(&d, "1.25", 3) && d == 1.2);
	ck_assert(iamp_number_parse(&d, "1e25", 3) && d == 100);
	ck_assert(iamp_is_account_id("1111222233334", 12));
}
END_TEST

START_TEST(epoch_cap)
{
	/* docs/semantics.md: epoch dates of any length are read; past the
	 * year 292,000 they are all one instant, later than any real date. */
	int64_t a, b, now;

	ck_assert(iamp_date_parse(&a, "99999999999999999999", 20));
	ck_assert(iamp_date_parse(&b, "99999999999999999999.5", 22));
	ck_assert(iamp_date_parse(&now, "9999-12-31T23:59:59Z", 20));
	ck_assert(a == b);
	ck_assert(a > now);
}
END_TEST

START_TEST(account_id)
{
	ck_assert(iamp_is_account_id("111122223333", 12));
	ck_assert(iamp_is_account_id("000000000000", 12));
	ck_assert(!iamp_is_account_id("11112222333a", 12));
	ck_assert(!iamp_is_account_id("11112222333:", 12));
	ck_assert(!iamp_is_account_id("11112222333", 11));
	ck_assert(!iamp_is_account_id("1111222233334", 13));
	ck_assert(!iamp_is_account_id("", 0));
}
END_TEST

START_TEST(boolean)
{
	bool b;

	ck_assert(iamp_bool_parse(&b, "true", 4) && b);
	ck_assert(iamp_bool_parse(&b, "TRUE", 4) && b);
	ck_assert(iamp_bool_parse(&b, "False", 5) && !b);
	ck_assert(!iamp_bool_parse(&b, "yes", 3));
	ck_assert(!iamp_bool_parse(&b, "1", 1));
}
END_TEST

START_TEST(base64)
{
	uint8_t out[16];
	size_t n;

	ck_assert(iamp_base64_decode(out, sizeof(out), &n, "QmluYXJ5VmFsdWU=", 16));
	ck_assert_int_eq(n, 11);
	ck_assert(memcmp(out, "BinaryValue", 11) == 0);
	ck_assert(iamp_base64_decode(out, sizeof(out), &n, "YQ", 2) && n == 1 && out[0] == 'a');
	ck_assert(!iamp_base64_decode(out, sizeof(out), &n, "Y", 1));
	ck_assert(!iamp_base64_decode(out, sizeof(out), &n, "a b=", 4));
	ck_assert(!iamp_base64_decode(out, 2, &n, "QmluYXJ5", 8));
}
END_TEST

START_TEST(ignore_case)
{
	ck_assert(iamp_equals_ignore_case("Prod", 4, "pROD", 4));
	ck_assert(!iamp_equals_ignore_case("Prod", 4, "Prod1", 5));
	ck_assert(!iamp_equals_ignore_case("a", 1, "b", 1));
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* iamp_pattern_covers as it was before its shortcuts (the last byte, the
 * common literal start): the fast function must give its answer on
 * every pair, not only a sound one, or lint's findings would change. */
static bool covers_reference(const char *by, size_t lb, const char *in, size_t li, bool icase)
{
	size_t bi = 0, ii = 0, star_b = SIZE_MAX, star_i = 0;

	while (ii < li) {
		unsigned char b = bi < lb ? (unsigned char)by[bi] : 0;
		unsigned char c = (unsigned char)in[ii];
		unsigned char fb = b >= 'A' && b <= 'Z' ? b + 32 : b, fc = c >= 'A' && c <= 'Z' ? c + 32 : c;
		bool same = icase ? fb == fc : b == c;

		if (bi < lb && b == '*') {
			star_b = bi++;
			star_i = ii;
		} else if (bi < lb && b == '?' && c != '*') {
			size_t n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 1;

			bi++;
			ii += c == '?' ? 1 : ii + n <= li ? n : li - ii;
		} else if (bi < lb && b != '?' && c != '*' && c != '?' && same) {
			bi++;
			ii++;
		} else if (star_b != SIZE_MAX) {
			bi = star_b + 1;
			ii = ++star_i;
			while (ii < li && ((unsigned char)in[ii] & 0xC0) == 0x80)
				ii = ++star_i;
		} else {
			return false;
		}
	}
	while (bi < lb && by[bi] == '*')
		bi++;
	return bi == lb;
}

/* Random pairs over a small alphabet, both cases, wildcards and a
 * two-byte code point: the answer equals the reference's. */
START_TEST(covers_same_answer)
{
	static const char *const atoms[] = { "a", "A", "b", "*", "?", "\xc3\xa9", ":" };
	unsigned seed = 11, yes = 0;

	for (int round = 0; round < 20000; round++) {
		char by[64] = "", in[64] = "";
		unsigned nb, ni;
		bool icase = round & 1;

		seed = seed * 1103515245u + 12345u;
		nb = (seed >> 16) % 7;
		seed = seed * 1103515245u + 12345u;
		ni = (seed >> 16) % 7;
		for (unsigned j = 0; j < nb; j++) {
			seed = seed * 1103515245u + 12345u;
			strcat(by, atoms[(seed >> 16) % N(atoms)]);
		}
		/* half the time `in` starts as `by` does, as names of one service do */
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) & 1)
			memcpy(in, by, strlen(by) / 2 + 1);
		for (unsigned j = 0; j < ni; j++) {
			seed = seed * 1103515245u + 12345u;
			strcat(in, atoms[(seed >> 16) % N(atoms)]);
		}
		bool want = covers_reference(by, strlen(by), in, strlen(in), icase);

		yes += want;
		ck_assert_msg(iamp_pattern_covers(by, strlen(by), in, strlen(in), icase) == want,
			      "\"%s\" covers \"%s\" (icase %d): want %d", by, in, icase, want);
	}
	ck_assert_uint_gt(yes, 1000);
}
END_TEST

/* Pattern coverage (contain.h): known answers, then soundness by brute
 * force: whenever `by` is said to cover `in`, every text of up to four
 * code points over {a, b, é} that `in` matches, `by` matches. */
START_TEST(covers)
{
	static const struct {
		const char *by, *in;
		bool icase, want;
	} k[] = {
		{ "s3:get*", "s3:GetObject", true, true },  { "s3:get*", "s3:GetObject", false, false },
		{ "a*", "a?c*", false, true },              { "a?c", "a*c", false, false },
		{ "a*c", "a?c", false, true },              { "??", "\xc3\xa9", false, false },
		{ "?", "\xc3\xa9", false, true },           { "*", "", false, true },
		{ "a", "a", false, true },                  { "a", "ab", false, false },
		{ "*b", "a*b", false, true },               { "a*b*c", "a*c", false, false },
	};
	static const char *const atoms[] = { "a", "b", "*", "?", "\xc3\xa9" };
	static const char *const text_atoms[] = { "a", "b", "\xc3\xa9" };
	unsigned seed = 7, shown = 0;

	for (size_t i = 0; i < N(k); i++)
		ck_assert_msg(iamp_pattern_covers(k[i].by, strlen(k[i].by), k[i].in, strlen(k[i].in), k[i].icase) ==
				      k[i].want,
			      "%s covers %s", k[i].by, k[i].in);
	for (int round = 0; round < 4000; round++) {
		char by[32] = "", in[32] = "";
		unsigned nb, ni;

		seed = seed * 1103515245u + 12345u;
		nb = 1 + (seed >> 16) % 4;
		seed = seed * 1103515245u + 12345u;
		ni = 1 + (seed >> 16) % 4;
		for (unsigned j = 0; j < nb; j++) {
			seed = seed * 1103515245u + 12345u;
			strcat(by, atoms[(seed >> 16) % N(atoms)]);
		}
		for (unsigned j = 0; j < ni; j++) {
			seed = seed * 1103515245u + 12345u;
			strcat(in, atoms[(seed >> 16) % N(atoms)]);
		}
		if (!iamp_pattern_covers(by, strlen(by), in, strlen(in), false))
			continue;
		shown++;
		/* every text of 0 to 4 code points */
		for (unsigned len = 0; len <= 4; len++) {
			unsigned total = 1;

			for (unsigned j = 0; j < len; j++)
				total *= N(text_atoms);
			for (unsigned t = 0; t < total; t++) {
				char text[32] = "";

				for (unsigned j = 0, v = t; j < len; j++, v /= N(text_atoms))
					strcat(text, text_atoms[v % N(text_atoms)]);
				if (iamp_match_like(in, strlen(in), text, strlen(text)))
					ck_assert_msg(iamp_match_like(by, strlen(by), text, strlen(text)),
						      "\"%s\" said to cover \"%s\", but not \"%s\"", by, in, text);
			}
		}
	}
	ck_assert_uint_gt(shown, 200);
}
END_TEST

Suite *suite_match(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, like, 0, N(like_cases));
	tcase_add_test(tc, covers_same_answer);
	tcase_add_test(tc, compiled_literal_star);
	tcase_add_test(tc, covers);
	tcase_add_loop_test(tc, action, 0, N(action_cases));
	tcase_add_loop_test(tc, arn, 0, N(arn_cases));
	tcase_add_loop_test(tc, ip, 0, N(ip_cases));
	tcase_add_loop_test(tc, ip_invalid, 0, N(bad_ips));
	tcase_add_loop_test(tc, date, 0, N(date_cases));
	tcase_add_test(tc, number);
	tcase_add_test(tc, length_bound);
	tcase_add_test(tc, epoch_cap);
	tcase_add_test(tc, account_id);
	tcase_add_test(tc, boolean);
	tcase_add_test(tc, base64);
	tcase_add_test(tc, ignore_case);
	suite_add_tcase(s, tc);
	return s;
}
