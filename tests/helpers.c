/*
 * helpers.c - see helpers.h.
 */
#include "helpers.h"

#include <check.h>
#include <stdlib.h>
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

static struct iamp_document **kept;
static size_t nkept;

const struct iamp_policy *th_keep(const char *text, enum iamp_policy_type type)
{
	struct iamp_diags diags;
	struct iamp_policy *p = NULL;
	struct iamp_document *doc = NULL;
	struct iamp_document **n = realloc(kept, (nkept + 1) * sizeof(*n));

	ck_assert_ptr_nonnull(n);
	kept = n;
	iamp_diags_init(&diags);
	ck_assert_int_eq(iamp_load_buffer(&doc, "t.json", text, strlen(text), IAMP_FORMAT_JSON, NULL, &diags), 0);
	kept[nkept++] = doc;
	ck_assert_int_eq(iamp_policy_build(&p, doc, type, NULL, &diags), 0);
	ck_assert_msg(diags.count == 0, "%s: %s", text, diags.count ? diags.items[0].message : "");
	ck_assert_ptr_nonnull(p);
	iamp_diags_clear(&diags);
	return p;
}

void th_kept_free(void)
{
	for (size_t i = 0; i < nkept; i++)
		iamp_document_free(kept[i]);
	free(kept);
	kept = NULL;
	nkept = 0;
}
