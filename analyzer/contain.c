/*
 * contain.c - containment read from the text of statements; see contain.h.
 */
#include "contain.h"

#include <string.h>

#include "arn.h"
#include "eval_internal.h"
#include "match.h"

static bool has_var(const struct iamp_str *s)
{
	return memchr(s->text, '$', s->len) != NULL;
}

static bool same_bytes(const struct iamp_str *a, const struct iamp_str *b)
{
	return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/*
 * Resource entry `by` covers entry `in`, matched as arn.h's Resource
 * reading (iamp_arn_match): part by part when the pattern has six parts,
 * as whole text when it has fewer.
 *   - `by` of fewer parts: whole text against whole text. A request that
 *     `in` matches part by part is matched by `in` as whole text too.
 *   - both of six parts: part by part.
 *   - `by` of six parts, `in` of fewer: `in` may match a text of fewer
 *     parts, which `by` never does: not shown.
 */
bool iamp_resource_covers(const struct iamp_str *by, const struct iamp_str *in)
{
	const char *fb[6], *fi[6];
	size_t lb[6], li[6];

	if (same_bytes(by, in))
		return true;
	if (has_var(by) || has_var(in))
		return false;
	if (!iamp_arn_split(by->text, by->len, fb, lb))
		return iamp_pattern_covers(by->text, by->len, in->text, in->len, false);
	if (!iamp_arn_split(in->text, in->len, fi, li))
		return false;
	for (int k = 0; k < 6; k++)
		if (!iamp_pattern_covers(fb[k], lb[k], fi[k], li[k], false))
			return false;
	return true;
}

static bool action_covers(const struct iamp_str *by, const struct iamp_str *in)
{
	return iamp_pattern_covers(by->text, by->len, in->text, in->len, true);
}

/* Each entry of `in` covered by an entry of `by`. */
static bool entries_covered(const struct iamp_list *in, const struct iamp_list *by,
			    bool (*cov)(const struct iamp_str *, const struct iamp_str *))
{
	for (size_t i = 0; i < in->count; i++) {
		bool ok = false;

		for (size_t j = 0; j < by->count && !ok; j++)
			ok = cov(&by->items[j], &in->items[i]);
		if (!ok)
			return false;
	}
	return true;
}

/* Every text list `a` applies to, list `b` applies to. Action and
 * Resource: b's entries cover a's. NotAction and NotResource: a excludes
 * at least what b excludes. A short NotResource entry has a reading of
 * its own in one compatibility mode: those compare byte for byte. */
static bool list_within(const struct iamp_list *a, const struct iamp_list *b,
			bool (*cov)(const struct iamp_str *, const struct iamp_str *))
{
	if (a->present != b->present || a->is_not != b->is_not)
		return false;
	if (!a->present)
		return true;
	if (!a->is_not)
		return entries_covered(a, b, cov);
	return entries_covered(b, a, cov == iamp_resource_covers ? same_bytes : cov);
}

static bool same_principal(const struct iamp_principal *a, const struct iamp_principal *b)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	if (a->is_not != b->is_not || a->star != b->star || a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (a->items[i].kind != b->items[i].kind || !same_bytes(&a->items[i].value, &b->items[i].value))
			return false;
	return true;
}

static bool same_condition(const struct iamp_condition *a, const struct iamp_condition *b)
{
	if (!same_bytes(&a->op_name, &b->op_name) || a->op != b->op || a->set != b->set ||
	    a->if_exists != b->if_exists || a->value_count != b->value_count ||
	    !iamp_equals_ignore_case(a->key.text, a->key.len, b->key.text, b->key.len))
		return false;
	for (size_t i = 0; i < a->value_count; i++)
		if (a->values[i].kind != b->values[i].kind || !same_bytes(&a->values[i].text, &b->values[i].text))
			return false;
	return true;
}

bool iamp_statement_within(const struct iamp_statement *a, const struct iamp_statement *b)
{
	if (!same_principal(&a->principal, &b->principal) || !list_within(&a->action, &b->action, action_covers) ||
	    !list_within(&a->resource, &b->resource, iamp_resource_covers))
		return false;
	/* b asks nothing that a does not */
	for (size_t j = 0; j < b->condition_count; j++) {
		bool found = false;

		for (size_t i = 0; i < a->condition_count && !found; i++)
			found = same_condition(&a->conditions[i], &b->conditions[j]);
		if (!found)
			return false;
	}
	return true;
}

bool iamp_statement_within_policy(const struct iamp_statement *s, const struct iamp_policy *p)
{
	for (size_t j = 0; j < p->statement_count; j++)
		if (p->statements[j].effect == s->effect && iamp_statement_within(s, &p->statements[j]))
			return true;
	return false;
}

/* Some usable statement of `p`, of s's effect, that `s` lies within. */
static bool within_some(const struct cstmt *s, const struct cpolicy *p)
{
	for (size_t j = 0; j < p->nstmts; j++) {
		const struct cstmt *t = &p->stmts[j];

		if (t->usable && t->deny == s->deny && iamp_statement_within(s->src, t->src))
			return true;
	}
	return false;
}

static bool same_levels(const struct level_info *a, const struct level_info *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i].full != b[i].full)
			return false;
	return true;
}

bool iamp_evaluator_within(const struct iamp_evaluator *a, const struct iamp_evaluator *b)
{
	/* compatibility modes read some statements apart: never shown */
	if (a->compat || b->compat || a->npols != b->npols || a->nscp != b->nscp || a->nrcp != b->nrcp ||
	    a->has_boundary != b->has_boundary || a->has_session != b->has_session ||
	    a->has_resource != b->has_resource || a->org != b->org || a->mgmt_len != b->mgmt_len ||
	    memcmp(a->mgmt, b->mgmt, a->mgmt_len) != 0 || !same_levels(a->scp, b->scp, a->nscp) ||
	    !same_levels(a->rcp, b->rcp, a->nrcp))
		return false;
	for (size_t i = 0; i < a->npols; i++) {
		const struct cpolicy *pa = &a->pols[i], *pb = &b->pols[i];

		if (pa->type != pb->type || pa->level != pb->level || pa->node != pb->node ||
		    pa->src->version != pb->src->version)
			return false;
		for (size_t j = 0; j < pa->nstmts; j++) {
			const struct cstmt *s = &pa->stmts[j];

			if (s->usable && !s->deny && !within_some(s, pb))
				return false;
		}
		for (size_t j = 0; j < pb->nstmts; j++) {
			const struct cstmt *s = &pb->stmts[j];

			if (s->usable && s->deny && !within_some(s, pa))
				return false;
		}
	}
	return true;
}
