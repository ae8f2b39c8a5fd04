/*
 * test_config.c - .iamproof.yaml and glob matching.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"
#include "error.h"
#include "helpers.h"
#include "policy.h"

static const struct {
	const char *glob, *path;
	bool match;
} globs[] = {
	{ "scps/**", "scps/a.json", true },
	{ "scps/**", "scps/x/y/a.json", true },
	{ "scps/**", "other/scps/a.json", false },
	{ "**/*.scp.json", "a.scp.json", true },
	{ "**/*.scp.json", "x/y/a.scp.json", true },
	{ "**/*.scp.json", "x/y/a.json", false },
	{ "roles/*/trust.json", "roles/admin/trust.json", true },
	{ "roles/*/trust.json", "roles/a/b/trust.json", false },
	{ "*.json", "a.json", true },
	{ "*.json", "d/a.json", false },
	{ "a?c", "abc", true },
	{ "a?c", "a/c", false },
	{ "**", "anything/at/all", true },
	{ "x/**/y", "x/y", true },
	{ "x/**/y", "x/a/b/y", true },
	/* the NFA keeps the backtracking matcher's answers */
	{ "x/**", "x", false },
	{ "a**b", "ab", true },
	{ "a**b", "a/x/b", true },
	{ "a**b", "a/b", true },
	{ "a**b", "ax/b", true },
	{ "**b", "x/b", true },
	{ "***", "a/b", true },
	{ "*/**/*.json", "a/b/c.json", true },
	{ "*/**/*.json", "c.json", false },
	{ "a*", "a/", false },
	{ "", "", true },
	{ "", "a", false },
	{ "?", "", false },
};

/* Issue 12, ".iamproof.yaml glob matching is exponential": with one more
 * "*a" per step, backtracking doubled its time (eight ran 16 s, nine
 * past 60 s against a 60-character name); these take microseconds now,
 * and the case's timeout fails the test otherwise. */
START_TEST(glob_exponential)
{
	char glob[IAMP_GLOB_MAX + 2], name[80];

	memset(name, 'a', 60);
	name[60] = '\0';
	strcpy(glob, "**/");
	for (int i = 0; i < 20; i++)
		strcat(glob, "*a");
	strcat(glob, "*b");
	ck_assert(!iamp_glob_match(glob, name));
	name[59] = 'b';
	ck_assert(iamp_glob_match(glob, name));
	/* longer than IAMP_GLOB_MAX: matches nothing */
	memset(glob, '*', sizeof(glob) - 1);
	glob[sizeof(glob) - 1] = '\0';
	ck_assert(!iamp_glob_match(glob, name));
}
END_TEST

START_TEST(glob)
{
	ck_assert_msg(iamp_glob_match(globs[_i].glob, globs[_i].path) == globs[_i].match, "%s ~ %s",
		      globs[_i].glob, globs[_i].path);
}
END_TEST

static char *write_tmp(const char *dir, const char *name, const char *text)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(load)
{
	char dir[] = "/tmp/iamp-config-XXXXXX";
	struct iamp_config c;
	struct iamp_diags diags;
	enum iamp_policy_type t;
	char *path, *found, *sub;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = write_tmp(dir, ".iamproof.yaml",
			 "default-type: resource\n"
			 "types:\n  scp: [\"scps/**\"]\n  trust: roles/*/trust.json\n"
			 "exclude: [\"drafts/**\"]\nfail-on: warning\ndisable: [MISSING_VERSION]\n");
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	ck_assert_int_eq(diags.count, 0);
	ck_assert(c.has_default_type && c.default_type == IAMP_POLICY_RESOURCE);
	ck_assert_int_eq(c.type_count, 2);
	ck_assert(c.has_fail_on && c.fail_on == IAMP_SEV_WARNING);
	ck_assert(c.disabled[IAMP_RULE_MISSING_VERSION]);
	ck_assert(!c.disabled[IAMP_RULE_MISSING_EFFECT]);
	/* Matching is relative to the config's directory. */
	sub = malloc(strlen(dir) + 32);
	sprintf(sub, "%s/scps", dir);
	mkdir(sub, 0700);
	free(write_tmp(sub, "a.json", "{}"));
	sprintf(sub, "%s/scps/a.json", dir);
	ck_assert(iamp_config_type_for(&c, sub, &t) && t == IAMP_POLICY_SCP);
	ck_assert(iamp_config_type_for(&c, "roles/x/trust.json", &t) && t == IAMP_POLICY_TRUST);
	ck_assert(!iamp_config_type_for(&c, "other.json", &t));
	ck_assert(iamp_config_excludes(&c, "drafts/a.json"));
	/* Found from a subdirectory. */
	sprintf(sub, "%s/scps", dir);
	ck_assert_int_eq(iamp_config_find(&found, sub), 0);
	ck_assert_ptr_nonnull(found);
	ck_assert(strstr(found, ".iamproof.yaml") != NULL);
	free(found);
	iamp_config_free(&c);
	iamp_config_free(NULL);
	free(sub);
	free(path);
	iamp_diags_clear(&diags);
}
END_TEST

START_TEST(bad_config)
{
	char dir[] = "/tmp/iamp-config-XXXXXX";
	struct iamp_config c;
	struct iamp_diags diags;
	char *path;
	int rules[IAMP_RULE__COUNT] = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = write_tmp(dir, ".iamproof.yaml",
			 "default-type: scps\ntypes:\n  bucket: [\"b/**\"]\nfail-on: high\ndisable: [NO_SUCH_RULE]\ncolour: yes\n");
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	for (size_t i = 0; i < diags.count; i++)
		rules[diags.items[i].rule]++;
	ck_assert_int_eq(rules[IAMP_RULE_WRONG_TYPE], 2);      /* default-type, fail-on */
	ck_assert_int_eq(rules[IAMP_RULE_UNKNOWN_ELEMENT], 3); /* bucket, NO_SUCH_RULE, colour */
	ck_assert_int_eq(diags.items[0].span.start.line, 1);
	iamp_config_free(&c);
	free(path);
	iamp_diags_clear(&diags);
}
END_TEST


/* The configuration of the judge table below; %s is the fingerprint
 * of its row 11. */
static const char judge_config[] =
	"disable: [MISSING_VERSION]\n"
	"severity: {RESOURCE_STAR: warning}\n"
	"ignore:\n"
	"  - rule: RESOURCE_STAR\n"
	"    path: \"legacy/**\"\n"
	"    reason: read-only legacy roles\n"
	"  - sid: BreakGlass\n"
	"    reason: reviewed by security\n"
	"  - fingerprint: %s\n"
	"    reason: accepted in ticket 42\n"
	"  - rule: SERVICE_WILDCARD\n"
	"    sid: Admin\n"
	"    reason: both must match\n"
	"baseline: base.json\n"
	"params: {break_glass: \"arn:aws:iam::*:role/bg\", regions: [us-east-1, eu-west-1]}\n";

/* A baseline holding the fingerprint of the row marked `in_baseline`. */
static const struct {
	enum iamp_rule_id rule;
	const char *path, *sid, *line;
	bool use_baseline;
	enum iamp_config_verdict want;
} judged[] = {
	{ IAMP_RULE_MISSING_VERSION, "a.json", NULL, "{", true, IAMP_CONFIG_DISABLED },
	{ IAMP_RULE_RESOURCE_STAR, "legacy/x/a.json", NULL, "\"*\"", true, IAMP_CONFIG_IGNORED },
	{ IAMP_RULE_RESOURCE_STAR, "new/a.json", NULL, "\"*\"", true, IAMP_CONFIG_KEEP },
	{ IAMP_RULE_SENSITIVE_DATA_STAR, "legacy/a.json", NULL, "\"*\"", true, IAMP_CONFIG_KEEP },
	{ IAMP_RULE_ALLOW_ALL, "a.json", "BreakGlass", "\"*\"", true, IAMP_CONFIG_IGNORED },
	{ IAMP_RULE_ALLOW_ALL, "a.json", "Other", "\"*\"", true, IAMP_CONFIG_KEEP },
	{ IAMP_RULE_SERVICE_WILDCARD, "a.json", "Admin", "\"s3:*\"", true, IAMP_CONFIG_IGNORED },
	{ IAMP_RULE_SERVICE_WILDCARD, "a.json", "Ops", "\"s3:*\"", true, IAMP_CONFIG_KEEP },
	{ IAMP_RULE_INVALID_ARN, "base.json.txt", NULL, "\"arn:x\"", true, IAMP_CONFIG_BASELINE },
	{ IAMP_RULE_INVALID_ARN, "base.json.txt", NULL, "\"arn:x\"", false, IAMP_CONFIG_KEEP },
	{ IAMP_RULE_INVALID_ARN, "base.json.txt", NULL, "\"arn:y\"", true, IAMP_CONFIG_KEEP },
	{ IAMP_RULE_INVALID_ARN, "fp.json", NULL, "\"arn:z\"", false, IAMP_CONFIG_IGNORED },
	{ IAMP_RULE_INVALID_ARN, "fp.json", NULL, "\"arn:w\"", false, IAMP_CONFIG_KEEP },
};

static struct iamp_diag judged_diag(size_t i)
{
	struct iamp_diag d;

	memset(&d, 0, sizeof(d));
	d.rule = judged[i].rule;
	d.severity = iamp_rules[d.rule].severity;
	d.path = (char *)judged[i].path;
	d.span.start.line = 3;
	d.message = (char *)"m";
	d.source_line = (char *)judged[i].line;
	return d;
}

START_TEST(judge)
{
	char dir[] = "/tmp/iamp-config-XXXXXX";
	struct iamp_config c;
	struct iamp_diags diags;
	struct iamp_diag d, base = judged_diag(8), ignored = judged_diag(11);
	char *path, *bpath, fp[17], text[1024], cwd[4096];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(dir), 0); /* paths of the table are relative to here */
	/* The configuration ignores the fingerprint of row 11, as it would
	 * be found with this configuration: load it once to work it out. */
	snprintf(text, sizeof(text), judge_config, "0123456789abcdef");
	path = write_tmp(dir, ".iamproof.yaml", text);
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	iamp_config_fingerprint(&c, &ignored, fp);
	iamp_config_free(&c);
	free(path);
	snprintf(text, sizeof(text), judge_config, fp);
	path = write_tmp(dir, ".iamproof.yaml", text);
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	/* The baseline holds the fingerprint of row 8, as `baseline` writes it. */
	iamp_config_fingerprint(&c, &base, fp);
	snprintf(text, sizeof(text), "{\"version\": 1, \"findings\": [{\"fingerprint\": \"%s\", \"rule\": \"INVALID_ARN\"}]}", fp);
	bpath = write_tmp(dir, "base.json", text);
	ck_assert_int_eq(iamp_config_load_baseline(&c, &diags), 0);
	ck_assert_int_eq(diags.count, 0);
	ck_assert_int_eq(c.baseline_count, 1);
	ck_assert(c.has_severity[IAMP_RULE_RESOURCE_STAR] && c.severity[IAMP_RULE_RESOURCE_STAR] == IAMP_SEV_WARNING);
	ck_assert(!c.has_severity[IAMP_RULE_ALLOW_ALL]);
	ck_assert_int_eq(c.ignore_count, 4);
	ck_assert_int_eq(c.params.count, 2);
	ck_assert_str_eq(c.params.items[1].values[1], "eu-west-1");
	for (size_t i = 0; i < sizeof(judged) / sizeof(*judged); i++) {
		d = judged_diag(i);
		ck_assert_msg(iamp_config_judge(&c, &d, judged[i].sid, judged[i].use_baseline) == judged[i].want,
			      "row %zu: %s in %s", i, iamp_rules[judged[i].rule].id, judged[i].path);
	}
	ck_assert_int_eq(chdir(cwd), 0);
	iamp_config_free(&c);
	iamp_diags_clear(&diags);
	free(bpath);
	free(path);
}
END_TEST

/* Each bad entry is a diagnostic at its position; a missing reason
 * drops the entry (it would silence findings without a word). */
static const struct {
	const char *text;
	enum iamp_rule_id rule;
	unsigned line, col;
} bad_entries[] = {
	{ "ignore:\n  - rule: RESOURCE_STAR\n", IAMP_RULE_EMPTY_ELEMENT, 2, 5 },
	{ "ignore:\n  - reason: why\n", IAMP_RULE_EMPTY_ELEMENT, 2, 5 },
	{ "ignore:\n  - rule: NO_SUCH\n    reason: x\n", IAMP_RULE_UNKNOWN_ELEMENT, 2, 11 },
	{ "ignore:\n  - fingerprint: xyz\n    reason: x\n", IAMP_RULE_WRONG_TYPE, 2, 18 },
	{ "ignore:\n  - rule: RESOURCE_STAR\n    reason: \"\"\n", IAMP_RULE_WRONG_TYPE, 3, 13 },
	{ "ignore:\n  - rule: RESOURCE_STAR\n    because: x\n", IAMP_RULE_UNKNOWN_ELEMENT, 3, 5 },
	{ "ignore: RESOURCE_STAR\n", IAMP_RULE_WRONG_TYPE, 1, 9 },
	{ "severity: {RESOURCE_STAR: high}\n", IAMP_RULE_WRONG_TYPE, 1, 27 },
	{ "severity: {NO_SUCH: error}\n", IAMP_RULE_UNKNOWN_ELEMENT, 1, 12 },
	{ "baseline: [a, b]\n", IAMP_RULE_WRONG_TYPE, 1, 11 },
	{ "params: {a: {b: c}}\n", IAMP_RULE_WRONG_TYPE, 1, 13 },
	{ "limits: 5\n", IAMP_RULE_WRONG_TYPE, 1, 9 },
	{ "limits: {max-statements: 0}\n", IAMP_RULE_WRONG_TYPE, 1, 26 },
	{ "limits: {max-file-bytes: 4294967296}\n", IAMP_RULE_WRONG_TYPE, 1, 26 },
	{ "limits: {max-file-bytes: 12k}\n", IAMP_RULE_WRONG_TYPE, 1, 26 },
	{ "limits: {files: 1}\n", IAMP_RULE_UNKNOWN_ELEMENT, 1, 10 },
};

START_TEST(bad_entry)
{
	char dir[] = "/tmp/iamp-config-XXXXXX";
	struct iamp_config c;
	struct iamp_diags diags;
	char *path;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = write_tmp(dir, ".iamproof.yaml", bad_entries[_i].text);
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	ck_assert_int_eq(diags.count, 1);
	ck_assert_str_eq(iamp_rules[diags.items[0].rule].id, iamp_rules[bad_entries[_i].rule].id);
	ck_assert_int_eq(diags.items[0].span.start.line, bad_entries[_i].line);
	ck_assert_int_eq(diags.items[0].span.start.col, bad_entries[_i].col);
	ck_assert_int_eq(c.ignore_count, 0);
	iamp_config_free(&c);
	iamp_diags_clear(&diags);
	unlink(path);
	rmdir(dir);
	free(path);
}
END_TEST

/* A baseline that cannot be read is an operational error naming where it
 * was configured; one of the wrong shape, diagnostics in it. */
START_TEST(bad_baseline)
{
	char dir[] = "/tmp/iamp-config-XXXXXX";
	struct iamp_config c;
	struct iamp_diags diags;
	char *path, *bpath;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = write_tmp(dir, ".iamproof.yaml", "fail-on: error\nbaseline: missing.json\n");
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	ck_assert_int_eq(iamp_config_load_baseline(&c, &diags), IAMP_EIO);
	ck_assert_msg(strstr(iamp_error_last(), ".iamproof.yaml:2:11: baseline:") != NULL, "%s", iamp_error_last());
	iamp_config_free(&c);
	free(path);
	path = write_tmp(dir, ".iamproof.yaml", "baseline: b.json\n");
	bpath = write_tmp(dir, "b.json", "{\"findings\": [{\"fingerprint\": \"0123456789abcdef\"}, {\"rule\": \"X\"}]}");
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	ck_assert_int_eq(iamp_config_load_baseline(&c, &diags), 0);
	ck_assert_int_eq(c.baseline_count, 1);
	ck_assert_int_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_WRONG_TYPE);
	ck_assert(strstr(diags.items[0].path, "b.json") != NULL);
	ck_assert_int_eq(diags.items[0].span.start.col, 52); /* the entry without one */
	iamp_config_free(&c);
	iamp_diags_clear(&diags);
	free(bpath);
	free(path);
}
END_TEST

static void load_text(struct iamp_config *c, struct iamp_diags *diags, const char *name, const char *text)
{
	char dir[] = "/tmp/iamp-config-XXXXXX";
	char *path;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = write_tmp(dir, name, text);
	iamp_diags_init(diags);
	ck_assert_int_eq(iamp_config_load(c, path, diags), 0);
	unlink(path);
	rmdir(dir);
	free(path);
}

/* Issue 12, "an empty or comment-only .iamproof.yaml is a syntax error":
 * it is an empty configuration. */
START_TEST(config_empty)
{
	static const char *const texts[] = { "", "# nothing yet\n", "\n\n", "---\n" };
	struct iamp_config c;
	struct iamp_diags diags;

	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		load_text(&c, &diags, ".iamproof.yaml", texts[i]);
		ck_assert_msg(diags.count == 0, "\"%s\": %s", texts[i], diags.count ? diags.items[0].message : "");
		ck_assert(!c.has_default_type && !c.type_count);
		iamp_config_free(&c);
		iamp_diags_clear(&diags);
	}
}
END_TEST

/* Issue 12, "-c FILE without a .yaml extension is parsed as JSON and
 * silently ignored": the configuration is YAML whatever its name. */
START_TEST(config_without_yaml_extension)
{
	struct iamp_config c;
	struct iamp_diags diags;

	load_text(&c, &diags, "iamproof.conf", "default-type: scp\nfail-on: warning\n");
	ck_assert_uint_eq(diags.count, 0);
	ck_assert(c.has_default_type && c.default_type == IAMP_POLICY_SCP);
	ck_assert(c.has_fail_on && c.fail_on == IAMP_SEV_WARNING);
	iamp_config_free(&c);
	iamp_diags_clear(&diags);
}
END_TEST

/* A glob over IAMP_GLOB_MAX is an INPUT_LIMIT at its position. */
START_TEST(config_glob_cap)
{
	struct iamp_config c;
	struct iamp_diags diags;
	char text[IAMP_GLOB_MAX + 64];

	strcpy(text, "exclude:\n  - ok/**\n  - \"");
	memset(text + strlen(text), 'a', IAMP_GLOB_MAX + 1);
	strcpy(text + 24 + IAMP_GLOB_MAX + 1, "\"\n");
	load_text(&c, &diags, ".iamproof.yaml", text);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_INPUT_LIMIT);
	ck_assert_uint_eq(diags.items[0].span.start.line, 3);
	ck_assert_uint_eq(c.exclude_count, 1);
	iamp_config_free(&c);
	iamp_diags_clear(&diags);
}
END_TEST

/* The caps of `limits:` (check's --max-file-bytes, --max-statements). */
START_TEST(config_limits)
{
	char dir[] = "/tmp/iamp-config-XXXXXX";
	struct iamp_config c;
	struct iamp_diags diags;
	char *path;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = write_tmp(dir, ".iamproof.yaml", "limits: {max-file-bytes: 100000000, max-statements: 200000}\n");
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	ck_assert_int_eq(diags.count, 0);
	ck_assert_uint_eq(c.max_file_bytes, 100000000);
	ck_assert_uint_eq(c.max_statements, 200000);
	iamp_config_free(&c);
	iamp_diags_clear(&diags);
	free(path);
}
END_TEST

/* A finding is ignored by Sid when it lies in the statement of that Sid
 * (iamp_config_apply finds the statement by binary search): rows of
 * (the Sid ignored, which of the findings below are dropped). */
static const char sid_policy[] =
	"{\"Version\": \"2012-10-17\", \"Statement\": [\n"
	" {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n"
	" {\"Effect\": \"Allow\", \"Action\": \"ec2:*\", \"Resource\": \"*\"},\n"
	" {\"Sid\": \"B\", \"Effect\": \"Allow\", \"Action\": \"sqs:*\", \"Resource\": \"*\"},\n"
	" {\"Sid\": \"C\", \"Effect\": \"Deny\", \"Action\": \"sns:*\", \"Resource\": \"*\"}]}\n";
static const struct {
	const char *sid;
	const char *dropped; /* per finding: at offset 1 (outside any statement),
			      * then the start, middle and last byte of each statement */
} sid_rows[] = {
	{ "A", "0" "111" "000" "000" "000" },
	{ "B", "0" "000" "000" "111" "000" },
	{ "C", "0" "000" "000" "000" "111" },
	{ "Z", "0" "000" "000" "000" "000" },
};

START_TEST(apply_by_sid)
{
	char dir[] = "/tmp/iamp-config-XXXXXX", text[128];
	struct iamp_config c;
	struct iamp_diags diags;
	const struct iamp_policy *p;
	struct iamp_span span;
	size_t ignored = 0, baselined = 0, n = 0, kept = 0;
	char *path;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(text, sizeof(text), "ignore:\n  - sid: %s\n    reason: test\n", sid_rows[_i].sid);
	path = write_tmp(dir, ".iamproof.yaml", text);
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_config_load(&c, path, &diags), 0);
	ck_assert_int_eq(diags.count, 0);
	p = th_build(sid_policy, IAMP_POLICY_IDENTITY);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->statement_count, 4);
	memset(&span, 0, sizeof(span));
	span.start.offset = 1;
	ck_assert_ptr_nonnull(iamp_diag_add(&diags, IAMP_RULE_RESOURCE_STAR, "t.json", span, NULL, 0, "f0"));
	for (size_t i = 0; i < p->statement_count; i++) {
		const struct iamp_span *s = &p->statements[i].span;
		uint32_t at[3] = { s->start.offset, (s->start.offset + s->end.offset) / 2, s->end.offset - 1 };

		for (size_t k = 0; k < 3; k++) {
			span.start.offset = at[k];
			ck_assert_ptr_nonnull(iamp_diag_add(&diags, IAMP_RULE_RESOURCE_STAR, "t.json", span, NULL, 0,
							    "f%zu", 1 + 3 * i + k));
		}
	}
	n = diags.count;
	iamp_config_apply(&c, &diags, 0, p, true, &ignored, &baselined);
	for (size_t i = 0; i < n; i++)
		if (sid_rows[_i].dropped[i] == '0') {
			char want[24];

			snprintf(want, sizeof(want), "f%zu", i);
			ck_assert_msg(kept < diags.count && strcmp(diags.items[kept].message, want) == 0,
				      "ignoring Sid %s: finding %zu should be kept", sid_rows[_i].sid, i);
			kept++;
		}
	ck_assert_uint_eq(diags.count, kept);
	ck_assert_uint_eq(ignored, n - kept);
	iamp_config_free(&c);
	iamp_diags_clear(&diags);
	th_teardown();
	free(path);
}
END_TEST

Suite *suite_config(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_loop_test(tc, glob, 0, sizeof(globs) / sizeof(*globs));
	tcase_add_test(tc, load);
	tcase_add_test(tc, bad_config);
	tcase_add_test(tc, judge);
	tcase_add_loop_test(tc, bad_entry, 0, sizeof(bad_entries) / sizeof(*bad_entries));
	tcase_add_test(tc, bad_baseline);
	tcase_add_test(tc, glob_exponential);
	tcase_add_test(tc, config_empty);
	tcase_add_test(tc, config_without_yaml_extension);
	tcase_add_test(tc, config_glob_cap);
	tcase_add_test(tc, config_limits);
	tcase_add_loop_test(tc, apply_by_sid, 0, sizeof(sid_rows) / sizeof(*sid_rows));
	suite_add_tcase(s, tc);
	return s;
}
