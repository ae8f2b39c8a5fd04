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
};

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

Suite *suite_config(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_loop_test(tc, glob, 0, sizeof(globs) / sizeof(*globs));
	tcase_add_test(tc, load);
	tcase_add_test(tc, bad_config);
	suite_add_tcase(s, tc);
	return s;
}
