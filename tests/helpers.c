/*
 * helpers.c - see helpers.h.
 */
#include "helpers.h"

#include <check.h>
#include <string.h>

#include "lint.h"

struct iamp_document *th_doc;
struct iamp_diags th_diags;

struct iamp_policy *th_build(const char *text, enum iamp_policy_type type)
{
	struct iamp_policy *p = NULL;

	iamp_diags_init(&th_diags);
	ck_assert_int_eq(iamp_load_buffer(&th_doc, "t.json", text, strlen(text), IAMP_FORMAT_JSON, NULL, &th_diags), 0);
	ck_assert_int_eq(iamp_policy_build(&p, th_doc, type, NULL, &th_diags), 0);
	return p;
}

struct iamp_policy *th_lint(const char *text, enum iamp_policy_type type)
{
	struct iamp_policy *p = th_build(text, type);

	if (p)
		iamp_lint_policy(p, &th_diags);
	return p;
}

void th_teardown(void)
{
	iamp_document_free(th_doc);
	th_doc = NULL;
	iamp_diags_clear(&th_diags);
}

int th_count(enum iamp_rule_id rule)
{
	int n = 0;

	for (size_t i = 0; i < th_diags.count; i++)
		n += th_diags.items[i].rule == rule;
	return n;
}
