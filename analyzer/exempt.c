/*
 * exempt.c - the escapes and exemptions of a counterexample (exempt.h),
 * each shown by deciding the request again under a copy of the evaluator
 * with one or more statements changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "context.h"
#include "error.h"
#include "eval_internal.h"
#include "exempt.h"
#include "operators.h"
#include "principal.h"

#define MATCH_CAP 256
#define CANDIDATE_MAX 16
/* the notes of a truncated answer name these figures */
_Static_assert(MATCH_CAP == 256 && CANDIDATE_MAX == 16 && IAMP_EXEMPT_MAX == 8, "update the notes");

static const char principal_arn[] = "aws:PrincipalArn";

/* Decides req under ev; res gets a match buffer of MATCH_CAP. */
static int decide(struct iamp_result *res, struct iamp_match *m, const struct iamp_evaluator *ev,
		  const struct iamp_request *req)
{
	memset(res, 0, sizeof(*res));
	res->matches = m;
	res->match_cap = MATCH_CAP;
	return iamp_evaluate(res, ev, req);
}

/* The same statement, in a copy of its policy made by a variant: the
 * same document and position. */
static bool same_statement(const struct iamp_match *m, const struct iamp_policy *p,
			   const struct iamp_statement *s)
{
	return m->policy->doc == p->doc && m->stmt->index == s->index &&
	       m->stmt->span.start.line == s->span.start.line &&
	       m->stmt->span.start.col == s->span.start.col;
}

/* Whether the result denies by `s` of `p`. */
static bool denied_by(const struct iamp_result *r, const struct iamp_policy *p,
		      const struct iamp_statement *s)
{
	for (size_t i = 0; i < r->match_count; i++)
		if (r->matches[i].deny && same_statement(&r->matches[i], p, s))
			return true;
	return false;
}

static void copy_value(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The statement without its condition pair `skip` (every pair when
 * skip is SIZE_MAX), in arena. */
static struct iamp_statement *without(struct iamp_arena *a, const struct iamp_statement *s, size_t skip)
{
	struct iamp_statement *c = iamp_arena_alloc(a, sizeof(*c));
	size_t n = 0;

	if (!c)
		return NULL;
	*c = *s;
	if (skip == SIZE_MAX || s->condition_count <= 1) {
		c->conditions = NULL;
		c->condition_count = 0;
		c->has_condition = false;
		return c;
	}
	c->conditions = iamp_arena_alloc(a, (s->condition_count - 1) * sizeof(*c->conditions));
	if (!c->conditions)
		return NULL;
	for (size_t i = 0; i < s->condition_count; i++)
		if (i != skip)
			c->conditions[n++] = s->conditions[i];
	c->condition_count = n;
	return c;
}

/* Whether the statement names its actions (Action, no "*"): a Deny
 * about these actions, rather than one over every action that its
 * conditions limit to other requests (DenyRootUser, a Region guard). */
static bool names_actions(const struct iamp_statement *s)
{
	if (s->action.is_not)
		return false;
	for (size_t i = 0; i < s->action.count; i++)
		if (s->action.items[i].len == 1 && s->action.items[i].text[0] == '*')
			return false;
	return true;
}

/* An exemption of callers: a negated operator on a key of the caller
 * (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalTag/..., aws:userid,
 * aws:username). */
static bool caller_exemption(const struct iamp_condition *c)
{
	static const char *const keys[] = { "aws:Principal", "aws:userid", "aws:username" };

	if (!c->op || !c->op->negated)
		return false;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (c->key.len >= strlen(keys[i]) && strncasecmp(c->key.text, keys[i], strlen(keys[i])) == 0)
			return true;
	return false;
}

struct denyref {
	const struct iamp_policy *policy;
	const char *name;
	const struct iamp_statement *stmt;
};

/* Allowed, but for a condition of a Deny it would be denied. */
static int escapes(struct iamp_exemptions *out, const struct iamp_evaluator *ev,
		   const struct iamp_request *req, struct iamp_arena *a, struct iamp_match *m)
{
	struct denyref *cond_denies = NULL, cand[CANDIDATE_MAX];
	const struct iamp_statement **olds = NULL, **news = NULL;
	size_t n = 0, ncand = 0;
	struct iamp_evaluator *v = NULL;
	struct iamp_result res;
	bool more = false;
	int rc = 0;

	for (size_t i = 0; i < ev->npols; i++)
		for (size_t j = 0; j < ev->pols[i].src->statement_count; j++)
			n += ev->pols[i].src->statements[j].effect == IAMP_EFFECT_DENY &&
			     ev->pols[i].src->statements[j].condition_count;
	if (!n) {
		out->none = "no Deny statement has a condition";
		return 0;
	}
	cond_denies = iamp_arena_alloc(a, n * sizeof(*cond_denies));
	olds = iamp_arena_alloc(a, n * sizeof(*olds));
	news = iamp_arena_alloc(a, n * sizeof(*news));
	if (!cond_denies || !olds || !news)
		return IAMP_ENOMEM;
	n = 0;
	for (size_t i = 0; i < ev->npols; i++) {
		const struct iamp_policy *p = ev->pols[i].src;

		for (size_t j = 0; j < p->statement_count; j++) {
			const struct iamp_statement *s = &p->statements[j];
			bool seen = false;

			if (s->effect != IAMP_EFFECT_DENY || !s->condition_count)
				continue;
			/* a policy attached at several nodes is one set of statements */
			for (size_t k = 0; k < n && !seen; k++)
				seen = olds[k] == s;
			if (seen)
				continue;
			cond_denies[n] = (struct denyref){ p, ev->pols[i].name, s };
			olds[n] = s;
			if (!(news[n] = without(a, s, SIZE_MAX)))
				return IAMP_ENOMEM;
			n++;
		}
	}
	/* Every conditional Deny without its conditions: those that then
	 * deny the request are the candidates. */
	if ((rc = iamp_evaluator_variant(&v, ev, olds, news, n)))
		return rc;
	rc = decide(&res, m, v, req);
	for (size_t k = 0; !rc && k < n; k++) {
		if (!denied_by(&res, cond_denies[k].policy, cond_denies[k].stmt))
			continue;
		if (ncand == CANDIDATE_MAX) {
			more = true;
			break;
		}
		cand[ncand++] = cond_denies[k];
	}
	more |= res.match_total > res.match_count;
	iamp_evaluator_free(v);
	v = NULL;
	if (rc)
		return rc;
	if (!ncand) {
		out->none = "no Deny would deny the request even without its conditions: a Deny is missing";
		return 0;
	}
	/* Each candidate without one condition at a time. */
	for (size_t k = 0; k < ncand && !(more && out->count == IAMP_EXEMPT_MAX); k++) {
		const struct iamp_statement *s = cand[k].stmt;

		bool named = names_actions(s);

		for (size_t c = 0; c < s->condition_count; c++) {
			const struct iamp_statement *w;
			struct iamp_exemption *x;
			const struct iamp_ctx_key *key;
			bool hit;

			if (!named && !caller_exemption(&s->conditions[c]))
				continue;
			if (out->count == IAMP_EXEMPT_MAX) {
				more = true;
				break;
			}
			if (!(w = without(a, s, c)))
				return IAMP_ENOMEM;
			if ((rc = iamp_evaluator_variant(&v, ev, &s, &w, 1)))
				return rc;
			/* the matches point into the copy: read them before freeing it */
			rc = decide(&res, m, v, req);
			hit = !rc && res.decision == IAMP_DECISION_EXPLICIT_DENY &&
			      denied_by(&res, cand[k].policy, s);
			iamp_evaluator_free(v);
			if (rc)
				return rc;
			if (!hit)
				continue;
			x = &out->items[out->count++];
			memset(x, 0, sizeof(*x));
			x->policy_name = cand[k].name;
			x->stmt = s;
			x->cond = &s->conditions[c];
			key = iamp_request_key(req, x->cond->key.text, x->cond->key.len);
			if (!key || !key->count)
				x->value_absent = true;
			else
				copy_value(x->value, sizeof(x->value), key->values[0].text, key->values[0].len);
		}
	}
	if (more)
		out->none = out->count ? "more escapes may exist than are shown: iamproof examines at most "
					 "16 Deny statements and shows at most 8 escapes"
				       : "none in the first 16 Deny statements that would deny the request without "
					 "their conditions; the others were not examined";
	else if (!out->count)
		out->none = "no Deny that names the action, and no exemption of callers, would deny it: "
			    "a Deny is missing";
	return 0;
}

/* The caller's aws:PrincipalArn: the request's key, else what the
 * evaluator derives from the principal (a session's role). */
static bool caller_arn(char *buf, size_t cap, const struct iamp_request *req)
{
	const struct iamp_ctx_key *k = iamp_request_key(req, principal_arn, sizeof(principal_arn) - 1);
	struct iamp_caller c;
	size_t n;

	if (k && k->count == 1) {
		copy_value(buf, cap, k->values[0].text, k->values[0].len);
		return k->values[0].len < cap;
	}
	iamp_caller_parse(&c, req->principal, req->principal_len);
	if (!c.partition)
		return false;
	if ((n = iamp_caller_role_arn(buf, cap, &c)))
		return true;
	if (req->principal_len >= cap)
		return false;
	copy_value(buf, cap, req->principal, req->principal_len);
	return true;
}

/* The condition pair of s that takes an exempted aws:PrincipalArn: a
 * negated String or Arn operator on the key, without a set prefix. */
static size_t exemption_pair(const struct iamp_statement *s)
{
	for (size_t i = 0; i < s->condition_count; i++) {
		const struct iamp_condition *c = &s->conditions[i];

		if (c->op && c->op->negated && c->set == IAMP_SET_NONE && !c->symbolic &&
		    (c->op->type == IAMP_COND_ARN || c->op->type == IAMP_COND_STRING) &&
		    c->key.len == sizeof(principal_arn) - 1 &&
		    strncasecmp(c->key.text, principal_arn, c->key.len) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* s with `value` exempted (exempt.h), in arena. */
static struct iamp_statement *exempted(struct iamp_arena *a, const struct iamp_statement *s,
				       const char *value, size_t *pair)
{
	struct iamp_statement *c = iamp_arena_alloc(a, sizeof(*c));
	size_t at = exemption_pair(s), n = s->condition_count + (at == SIZE_MAX);
	struct iamp_condition *conds = iamp_arena_alloc(a, n * sizeof(*conds));
	struct iamp_condition *e;
	struct iamp_cond_value *vals;
	char *text = iamp_arena_strndup(a, value, strlen(value));

	if (!c || !conds || !text)
		return NULL;
	*c = *s;
	if (s->condition_count)
		memcpy(conds, s->conditions, s->condition_count * sizeof(*conds));
	*pair = at;
	if (at == SIZE_MAX) {
		static const char op[] = "ArnNotLike";

		e = &conds[n - 1];
		memset(e, 0, sizeof(*e));
		e->op_name.text = op;
		e->op_name.len = sizeof(op) - 1;
		if (!iamp_operator_parse(op, sizeof(op) - 1, &e->op, &e->set, &e->if_exists))
			return NULL;
		e->key.text = principal_arn;
		e->key.len = sizeof(principal_arn) - 1;
	} else {
		e = &conds[at];
	}
	vals = iamp_arena_alloc(a, (e->value_count + 1) * sizeof(*vals));
	if (!vals)
		return NULL;
	if (e->value_count)
		memcpy(vals, e->values, e->value_count * sizeof(*vals));
	memset(&vals[e->value_count], 0, sizeof(*vals));
	vals[e->value_count].kind = IAMP_VALUE_STRING;
	vals[e->value_count].text.text = text;
	vals[e->value_count].text.len = strlen(text);
	e->values = vals;
	e->value_count++;
	c->conditions = conds;
	c->condition_count = n;
	c->has_condition = true;
	return c;
}

/* Denied explicitly: the exemptions that would let the request pass. */
static int needed(struct iamp_exemptions *out, const struct iamp_evaluator *ev,
		  const struct iamp_request *req, struct iamp_arena *a, struct iamp_match *m)
{
	const struct iamp_statement *olds[IAMP_EXEMPT_MAX], *news[IAMP_EXEMPT_MAX];
	struct iamp_evaluator *v = NULL;
	struct iamp_result res;
	char arn[sizeof(out->items[0].value)];
	int rc;

	if ((rc = decide(&res, m, ev, req)))
		return rc;
	if (res.decision != IAMP_DECISION_EXPLICIT_DENY) {
		out->none = "the request is denied implicitly: an Allow is missing, no Deny to exempt it from";
		return 0;
	}
	if (!caller_arn(arn, sizeof(arn), req)) {
		out->none = "the caller has no principal ARN to exempt";
		return 0;
	}
	for (size_t i = 0; i < res.match_count; i++) {
		const struct iamp_match *mt = &res.matches[i];
		bool seen = false;
		struct iamp_exemption *x;
		size_t pair;

		if (!mt->deny)
			continue;
		for (size_t k = 0; k < out->count && !seen; k++)
			seen = olds[k] == mt->stmt;
		if (seen)
			continue;
		if (out->count == IAMP_EXEMPT_MAX) {
			out->none = "more Deny statements apply than are shown (at most 8)";
			break;
		}
		x = &out->items[out->count];
		memset(x, 0, sizeof(*x));
		x->policy_name = mt->name;
		x->stmt = mt->stmt;
		copy_value(x->value, sizeof(x->value), arn, strlen(arn));
		olds[out->count] = mt->stmt;
		if (!(news[out->count] = exempted(a, mt->stmt, arn, &pair)))
			return IAMP_ENOMEM;
		x->cond = pair == SIZE_MAX ? NULL : &mt->stmt->conditions[pair];
		out->count++;
	}
	if (!out->none && res.match_total > res.match_count)
		out->none = "more statements apply than iamproof reads (256): other Deny statements may apply";
	if ((rc = iamp_evaluator_variant(&v, ev, olds, news, out->count)))
		return rc;
	rc = decide(&res, m, v, req);
	iamp_evaluator_free(v);
	out->after = res.decision;
	return rc;
}

int iamp_exemptions_find(struct iamp_exemptions *out, const struct iamp_evaluator *ev,
			 const struct iamp_request *req, bool want_denied)
{
	struct iamp_match *m = malloc(MATCH_CAP * sizeof(*m));
	struct iamp_arena *a = iamp_arena_new();
	int rc;

	memset(out, 0, sizeof(*out));
	out->kind = want_denied ? IAMP_EXEMPT_ESCAPES : IAMP_EXEMPT_NEEDED;
	out->after = IAMP_DECISION_IMPLICIT_DENY;
	if (!m || !a) {
		free(m);
		iamp_arena_free(a);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	rc = want_denied ? escapes(out, ev, req, a, m) : needed(out, ev, req, a, m);
	free(m);
	iamp_arena_free(a);
	if (rc == IAMP_ENOMEM)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	return rc;
}
