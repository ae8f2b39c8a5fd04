/*
 * test_principal.c - the caller model and Principal matching
 * (principal.c): IAM User Guide "AWS JSON policy elements: Principal"
 * (an account, a user, a role and its sessions, a federated user, a
 * service), "NotPrincipal" (the account must be named too; a principal
 * with a permissions boundary is never spared), and service-linked roles.
 */
#include <check.h>
#include <string.h>

#include "principal.h"

/* The case tables leave trailing fields to their zero defaults. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define ACCT "111122223333"
#define USER "arn:aws:iam::" ACCT ":user/path/alice"
#define ROLE "arn:aws:iam::" ACCT ":role/team/app"
#define SESSION "arn:aws:sts::" ACCT ":assumed-role/app/s1"

struct kind_case {
	const char *principal;
	enum iamp_caller_kind kind;
	const char *account; /* or NULL */
	const char *role;    /* role name, or NULL */
	bool slr;
};

static const struct kind_case kinds[] = {
	{ "*", IAMP_CALLER_ANONYMOUS },
	{ "anonymous", IAMP_CALLER_ANONYMOUS },
	{ ACCT, IAMP_CALLER_ROOT, ACCT },
	{ "arn:aws:iam::" ACCT ":root", IAMP_CALLER_ROOT, ACCT },
	{ USER, IAMP_CALLER_USER, ACCT },
	{ ROLE, IAMP_CALLER_ROLE, ACCT, "app" },
	{ SESSION, IAMP_CALLER_SESSION, ACCT, "app" },
	{ "arn:aws:sts::" ACCT ":assumed-role/app", IAMP_CALLER_SESSION, ACCT, "app" },
	{ "arn:aws:sts::" ACCT ":federated-user/bob", IAMP_CALLER_FEDERATED_USER, ACCT },
	{ "arn:aws:iam::" ACCT ":role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport",
	  IAMP_CALLER_ROLE, ACCT, "AWSServiceRoleForSupport", true },
	{ "arn:aws:sts::" ACCT ":assumed-role/AWSServiceRoleForSupport/x", IAMP_CALLER_SESSION, ACCT,
	  "AWSServiceRoleForSupport", true },
	{ "arn:aws:iam::" ACCT ":role/AWSServiceRoleForSupport", IAMP_CALLER_ROLE, ACCT,
	  "AWSServiceRoleForSupport", false }, /* not under /aws-service-role/ */
	{ "cloudtrail.amazonaws.com", IAMP_CALLER_SERVICE },
	{ "ec2.amazonaws.com.cn", IAMP_CALLER_SERVICE },
	{ "amazonaws.com", IAMP_CALLER_OTHER },          /* no service name */
	{ "x.amazonaws.comm", IAMP_CALLER_OTHER },
	{ "evil:x.amazonaws.com", IAMP_CALLER_OTHER },   /* a colon: not a service */
	{ "arn:aws:s3:::bucket", IAMP_CALLER_OTHER },
	{ "arn:aws:iam::aws:policy/x", IAMP_CALLER_OTHER }, /* no 12-digit account */
};

START_TEST(caller_kinds)
{
	const struct kind_case *c = &kinds[_i];
	struct iamp_caller k;

	iamp_caller_parse(&k, c->principal, strlen(c->principal));
	ck_assert_msg(k.kind == c->kind, "%s: kind %d, want %d", c->principal, k.kind, c->kind);
	ck_assert_msg(k.slr == c->slr, "%s: slr %d", c->principal, k.slr);
	if (c->account)
		ck_assert_msg(k.account && k.account_len == strlen(c->account) &&
				      memcmp(k.account, c->account, k.account_len) == 0,
			      "%s: account", c->principal);
	else
		ck_assert_msg(!k.account, "%s: an account where there is none", c->principal);
	if (c->role)
		ck_assert_msg(k.role_name_len == strlen(c->role) &&
				      memcmp(k.role_name, c->role, k.role_name_len) == 0,
			      "%s: role name %.*s", c->principal, (int)k.role_name_len, k.role_name);
}
END_TEST

#define IS(k, arn) iamp_caller_is((k), (arn), strlen(arn))

START_TEST(role_of_session)
{
	struct iamp_caller k;
	char buf[128];
	size_t n;

	iamp_caller_parse(&k, SESSION, strlen(SESSION));
	n = iamp_caller_role_arn(buf, sizeof(buf), &k);
	ck_assert_str_eq(buf, "arn:aws:iam::" ACCT ":role/app");
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_uint_eq(iamp_caller_role_arn(buf, 10, &k), 0); /* too small */
	/* The role's ARN, with any path, names the session's role. */
	ck_assert(iamp_caller_is(&k, ROLE, strlen(ROLE)));
	ck_assert(iamp_caller_is(&k, SESSION, strlen(SESSION)));
	ck_assert(!IS(&k, "arn:aws:iam::" ACCT ":role/other"));
	ck_assert(!IS(&k, "arn:aws:iam::444455556666:role/app"));
	ck_assert(!IS(&k, "arn:aws:iam::" ACCT ":user/app"));
	iamp_caller_parse(&k, USER, strlen(USER));
	ck_assert_uint_eq(iamp_caller_role_arn(buf, sizeof(buf), &k), 0);
	ck_assert(iamp_caller_is(&k, USER, strlen(USER)));
	ck_assert(!iamp_caller_is(&k, ROLE, strlen(ROLE)));
	/* A role names itself, not by its sessions' rule. */
	iamp_caller_parse(&k, ROLE, strlen(ROLE));
	ck_assert(iamp_caller_is(&k, ROLE, strlen(ROLE)));
	ck_assert(!IS(&k, "arn:aws:iam::" ACCT ":role/app"));
}
END_TEST

struct match_case {
	enum iamp_principal_kind kind;
	const char *value, *caller;
	enum iamp_pmatch want;
};

static const struct match_case matches[] = {
	{ IAMP_PRINCIPAL_AWS, "*", USER, IAMP_PM_WILD },
	{ IAMP_PRINCIPAL_AWS, ACCT, USER, IAMP_PM_ACCOUNT },
	{ IAMP_PRINCIPAL_AWS, "arn:aws:iam::" ACCT ":root", SESSION, IAMP_PM_ACCOUNT },
	{ IAMP_PRINCIPAL_AWS, "444455556666", USER, IAMP_PM_NONE },
	{ IAMP_PRINCIPAL_AWS, USER, USER, IAMP_PM_DIRECT },
	{ IAMP_PRINCIPAL_AWS, ROLE, SESSION, IAMP_PM_ROLE },
	{ IAMP_PRINCIPAL_AWS, ROLE, ROLE, IAMP_PM_ROLE },
	{ IAMP_PRINCIPAL_AWS, SESSION, SESSION, IAMP_PM_DIRECT },
	{ IAMP_PRINCIPAL_AWS, "arn:aws:sts::" ACCT ":federated-user/bob", "arn:aws:sts::" ACCT ":federated-user/bob", IAMP_PM_DIRECT },
	{ IAMP_PRINCIPAL_AWS, USER, "arn:aws:sts::" ACCT ":federated-user/alice", IAMP_PM_NONE },
	{ IAMP_PRINCIPAL_AWS, ACCT, "cloudtrail.amazonaws.com", IAMP_PM_NONE },
	{ IAMP_PRINCIPAL_AWS, ACCT, "*", IAMP_PM_NONE },
	{ IAMP_PRINCIPAL_SERVICE, "cloudtrail.amazonaws.com", "cloudtrail.amazonaws.com", IAMP_PM_DIRECT },
	{ IAMP_PRINCIPAL_SERVICE, "config.amazonaws.com", "cloudtrail.amazonaws.com", IAMP_PM_NONE },
	{ IAMP_PRINCIPAL_SERVICE, "*", "*", IAMP_PM_WILD },
	{ IAMP_PRINCIPAL_FEDERATED, "*", "*", IAMP_PM_WILD },
};

START_TEST(principal_values)
{
	const struct match_case *c = &matches[_i];
	struct iamp_caller k;
	enum iamp_pmatch got;

	iamp_caller_parse(&k, c->caller, strlen(c->caller));
	got = iamp_principal_value_match(c->kind, c->value, strlen(c->value), &k);
	ck_assert_msg(got == c->want, "%s against %s: %d, want %d", c->value, c->caller, got, c->want);
}
END_TEST

/* NotPrincipal: which entries spare which caller. */
struct spare_case {
	const char *caller;
	const char *values[3];
	bool boundary;
	bool spared;
};

static const struct spare_case spares[] = {
	{ "arn:aws:iam::" ACCT ":root", { ACCT }, false, true },
	{ USER, { ACCT }, false, false },                 /* the account alone spares only root */
	{ USER, { USER }, false, false },                 /* the user without its account */
	{ USER, { USER, ACCT }, false, true },
	{ USER, { USER, ACCT }, true, false },            /* a boundary: never spared */
	{ SESSION, { ROLE, ACCT }, false, true },
	{ SESSION, { SESSION, ACCT }, false, true },
	{ SESSION, { ROLE }, false, false },
	{ SESSION, { "arn:aws:iam::" ACCT ":role/other", ACCT }, false, false },
	{ "arn:aws:sts::" ACCT ":federated-user/bob", { "arn:aws:sts::" ACCT ":federated-user/bob", ACCT }, false, true },
	{ "arn:aws:sts::" ACCT ":federated-user/bob", { ACCT }, false, false },
	{ "*", { "*" }, false, true },
	{ "*", { ACCT }, false, false },
	{ "cloudtrail.amazonaws.com", { "cloudtrail.amazonaws.com" }, false, true },
	{ "cloudtrail.amazonaws.com", { ACCT }, false, false },
};

START_TEST(notprincipal)
{
	const struct spare_case *c = &spares[_i];
	struct iamp_caller k;
	unsigned names = 0;

	iamp_caller_parse(&k, c->caller, strlen(c->caller));
	for (int i = 0; i < 3 && c->values[i]; i++) {
		enum iamp_principal_kind kind = strstr(c->values[i], "amazonaws.com") ? IAMP_PRINCIPAL_SERVICE
										 : IAMP_PRINCIPAL_AWS;

		names |= iamp_principal_value_names(kind, c->values[i], strlen(c->values[i]), &k);
	}
	ck_assert_msg(iamp_principal_spared(names, &k, c->boundary) == c->spared, "%s: spared %d, want %d",
		      c->caller, !c->spared, c->spared);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *suite_principal(void)
{
	Suite *s = suite_create("principal");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, caller_kinds, 0, N(kinds));
	tcase_add_test(tc, role_of_session);
	tcase_add_loop_test(tc, principal_values, 0, N(matches));
	tcase_add_loop_test(tc, notprincipal, 0, N(spares));
	suite_add_tcase(s, tc);
	return s;
}
