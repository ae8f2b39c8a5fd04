/*
 * helpers.h - what the check suites share: a policy given as JSON text,
 * loaded, built and (optionally) linted into one document and one list of
 * diagnostics, freed by the fixture's teardown.
 */
#ifndef IAMP_TEST_HELPERS_H
#define IAMP_TEST_HELPERS_H

#include "diag.h"
#include "load.h"
#include "policy.h"

extern struct iamp_document *th_doc;
extern struct iamp_diags th_diags;

/* Loads `text` as t.json and builds it as a policy of `type`; asserts
 * that neither step fails operationally. The policy may be NULL. */
struct iamp_policy *th_build(const char *text, enum iamp_policy_type type);
/* th_build, then every lint rule. */
struct iamp_policy *th_lint(const char *text, enum iamp_policy_type type);
/* Frees the document and the diagnostics (a checked-fixture teardown). */
void th_teardown(void);
/* How many diagnostics of `rule` there are. */
int th_count(enum iamp_rule_id rule);

/* A policy built without a diagnostic, kept alive (with any number of
 * others) until th_kept_free(): for evaluators that read several. */
const struct iamp_policy *th_keep(const char *text, enum iamp_policy_type type);
void th_kept_free(void);

#endif
