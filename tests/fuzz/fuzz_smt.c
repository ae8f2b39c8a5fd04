/*
 * fuzz_smt.c - the SMT encoder and Z3, with a small solver limit.
 *
 * Input: [TYPE] POLICY, as fuzz_lint.c reads them (TYPE a digit, 0
 * identity ... 6 RCP). A policy the linter finds an error in is skipped,
 * as `check --semantic` skips it. Guards keep each run short: at most
 * 4 KiB and 8 statements, 50 ms for the semantic checks of the policy and
 * 50 ms per solver call of the comparison.
 *
 * Checks: iamp_smt_semantic never reports an internal error (a witness
 * the concrete evaluator does not confirm); and iamp_smt_diff of the
 * policy against the policy plus a copy of it whose statements are all
 * Deny finds nothing that the second allows and the first does not
 * (adding a Deny never grants), and no internal error.
 */
#include <string.h>

#include "diag.h"
#include "error.h"
#include "eval.h"
#include "lint.h"
#include "load.h"
#include "policy.h"
#include "smt.h"
#include "fuzz.h"

#define MAX_BYTES 4096
#define MAX_STATEMENTS 8
#define BUDGET_MS 50

static void semantic(const struct iamp_policy *policy)
{
	struct iamp_evaluator *ev = NULL;
	struct iamp_semantic_query q = { 0 };
	struct iamp_semantic_result r;
	int rc;

	if (iamp_evaluator_new(&ev) || iamp_evaluator_add(ev, policy->type, 0, policy, "fuzz"))
		goto cleanup;
	q.ev = ev;
	q.budget_ms = BUDGET_MS;
	rc = iamp_smt_semantic(&r, &q);
	if (rc == 0)
		iamp_semantic_result_free(&r);
	else
		FUZZ_ASSERT(rc == IAMP_ENOMEM);
cleanup:
	iamp_evaluator_free(ev);
}

static void deny_never_grants(const struct iamp_policy *policy, const struct iamp_policy *copy)
{
	struct iamp_evaluator *old_ev = NULL, *new_ev = NULL;
	struct iamp_diff_query q = { 0 };
	struct iamp_diff_result r;
	int rc;

	if (policy->type == IAMP_POLICY_SCP || policy->type == IAMP_POLICY_RCP)
		return; /* levels need the rest of a target */
	if (iamp_evaluator_new(&old_ev) || iamp_evaluator_add(old_ev, policy->type, 0, policy, "old") ||
	    iamp_evaluator_new(&new_ev) || iamp_evaluator_add(new_ev, policy->type, 0, policy, "new") ||
	    iamp_evaluator_add(new_ev, policy->type, 0, copy, "deny"))
		goto cleanup;
	q.old_target = old_ev;
	q.new_target = new_ev;
	q.witnesses = 1;
	q.timeout_ms = BUDGET_MS;
	iamp_scope_governed(&q.scope);
	q.scope.kinds = 0;
	q.scope.no_slr = false;
	rc = iamp_smt_diff(&r, &q);
	if (rc == 0) {
		FUZZ_ASSERT(r.nwitness[0] == 0);
		FUZZ_ASSERT(r.verdict != IAMP_DIFF_MORE_PERMISSIVE &&
			    r.verdict != IAMP_DIFF_INCOMPARABLE);
		iamp_diff_result_free(&r);
	} else {
		FUZZ_ASSERT(rc == IAMP_ENOMEM || rc == IAMP_EINVAL);
	}
cleanup:
	iamp_evaluator_free(old_ev);
	iamp_evaluator_free(new_ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	struct iamp_policy *policy = NULL, *copy = NULL;
	enum iamp_policy_type type = IAMP_POLICY_IDENTITY;
	const char *text = (const char *)data;

	if (size > MAX_BYTES)
		return 0;
	if (size && data[0] >= '0' && data[0] <= '6') {
		type = (enum iamp_policy_type)(data[0] - '0');
		text++;
		size--;
	}
	iamp_diags_init(&diags);
	if (iamp_load_buffer(&doc, "fuzz", text, size,
			     size && text[0] == '{' ? IAMP_FORMAT_JSON : IAMP_FORMAT_YAML, NULL, &diags) ||
	    !doc->root)
		goto cleanup;
	if (iamp_policy_build(&policy, doc, type, NULL, &diags) || !policy ||
	    policy->statement_count > MAX_STATEMENTS)
		goto cleanup;
	iamp_lint_policy(policy, &diags);
	if (iamp_diags_max_severity(&diags) >= IAMP_SEV_ERROR || diags.oom)
		goto cleanup;
	semantic(policy);
	if (iamp_policy_build(&copy, doc, type, NULL, &diags) || !copy)
		goto cleanup;
	for (size_t i = 0; i < copy->statement_count; i++)
		copy->statements[i].effect = IAMP_EFFECT_DENY;
	deny_never_grants(policy, copy);
cleanup:
	iamp_document_free(doc);
	iamp_diags_clear(&diags);
	return 0;
}
