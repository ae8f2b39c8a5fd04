/*
 * eval.c - the concrete evaluator; see eval.h. It gathers the facts of a
 * request; decide.c decides. The compiled forms, all in the evaluator's
 * arena, are in eval_internal.h.
 */
#include "eval.h"
#include "eval_internal.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "arn.h"
#include "compat.h"
#include "error.h"
#include "match.h"
#include "org.h"
#include "pattern.h"
#include "principal.h"
#include "operators.h"

const char *iamp_decision_name(enum iamp_decision d)
{
	switch (d) {
	case IAMP_DECISION_ALLOWED:
		return "allowed";
	case IAMP_DECISION_EXPLICIT_DENY:
		return "explicitDeny";
	default:
		return "implicitDeny";
	}
}

int iamp_evaluator_new(struct iamp_evaluator **out)
{
	struct iamp_evaluator *ev = calloc(1, sizeof(*ev));

	*out = NULL;
	if (!ev || !(ev->arena = iamp_arena_new())) {
		free(ev);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	*out = ev;
	return 0;
}

void iamp_evaluator_free(struct iamp_evaluator *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->svcs_cap; i++)
		free(ev->svcs[i].refs.v);
	free(ev->svcs);
	free(ev->always.v);
	iamp_arena_free(ev->arena);
	free(ev->pols);
	free(ev);
}

/* ---- compiling ---------------------------------------------------------- */

static int cmp_cact(const void *a, const void *b)
{
	const struct cact *x = a, *y = b;
	size_t n = x->svc_len < y->svc_len ? x->svc_len : y->svc_len;
	int c = memcmp(x->text, y->text, n);

	if (c)
		return c;
	return (x->svc_len > y->svc_len) - (x->svc_len < y->svc_len);
}

static int actions_compile(struct cactions *out, struct iamp_arena *a, const struct iamp_list *l)
{
	size_t nsvc = 0, nwild = 0;

	memset(out, 0, sizeof(*out));
	out->svc = iamp_arena_alloc(a, (l->count + 1) * sizeof(struct cact));
	out->wild = iamp_arena_alloc(a, (l->count + 1) * sizeof(struct cact));
	if (!out->svc || !out->wild)
		return IAMP_ENOMEM;
	for (size_t i = 0; i < l->count; i++) {
		const struct iamp_str *s = &l->items[i];
		char *t = iamp_arena_alloc(a, s->len + 1);
		const char *colon;
		struct cact *c;

		if (!t)
			return IAMP_ENOMEM;
		iamp_ascii_lower(t, s->text, s->len);
		colon = memchr(t, ':', s->len);
		if (colon && !memchr(t, '*', (size_t)(colon - t)) && !memchr(t, '?', (size_t)(colon - t))) {
			c = &out->svc[nsvc++];
			c->svc_len = (uint32_t)(colon - t);
		} else {
			c = &out->wild[nwild++];
			c->svc_len = 0;
		}
		c->text = t;
		c->len = (uint32_t)s->len;
	}
	qsort(out->svc, nsvc, sizeof(struct cact), cmp_cact);
	out->nsvc = nsvc;
	out->nwild = nwild;
	return 0;
}

static void value_parse(struct cval *v, struct iamp_arena *a, const struct iamp_operator *op)
{
	const char *t = v->pat.text;
	size_t n = v->pat.len;

	switch (op->type) {
	case IAMP_COND_NUMERIC:
		v->ok = iamp_number_parse(&v->u.num, t, n);
		break;
	case IAMP_COND_DATE:
		v->ok = iamp_date_parse(&v->u.date, t, n);
		break;
	case IAMP_COND_BOOL:
	case IAMP_COND_NULL:
		v->ok = iamp_bool_parse(&v->u.b, t, n);
		break;
	case IAMP_COND_IP:
		v->ok = iamp_ip_parse(&v->u.ip, t, n);
		break;
	case IAMP_COND_BINARY: {
		/* base64 never decodes to more bytes than it has characters */
		uint8_t *buf = iamp_arena_alloc(a, n);

		v->ok = buf && iamp_base64_decode(buf, n, &v->u.bin.n, t, n);
		v->u.bin.p = buf;
		break;
	}
	default:
		v->ok = true;
		break;
	}
}

static int cond_compile(struct ccond *c, struct iamp_arena *a, const struct iamp_condition *src,
			bool vars)
{
	const struct iamp_operator *op = src->op;
	bool wild;

	memset(c, 0, sizeof(*c));
	c->op = op;
	c->set = src->set;
	c->if_exists = src->if_exists;
	c->key = src->key.text;
	c->key_len = src->key.len;
	if (!op)
		return 0;
	wild = op->cmp == IAMP_CMP_LIKE || op->type == IAMP_COND_ARN;
	/* Variables are resolved "in string comparisons" (IAM "Policy
	 * variables"): String and Arn operators; elsewhere literal text, as
	 * lint says (VARIABLE_NOT_SUPPORTED). */
	vars = vars && (op->type == IAMP_COND_STRING || op->type == IAMP_COND_ARN);
	c->vals = iamp_arena_alloc(a, (src->value_count + 1) * sizeof(*c->vals));
	if (!c->vals)
		return IAMP_ENOMEM;
	for (size_t i = 0; i < src->value_count; i++) {
		struct cval *v = &c->vals[i];
		const struct iamp_str *s = &src->values[i].text;

		if (iamp_pattern_compile(&v->pat, a, s->text, s->len, vars, wild))
			return IAMP_ENOMEM;
		/* a value with variables is parsed per request, once resolved */
		if (!v->pat.npieces) {
			value_parse(v, a, op);
			if (!v->ok && op->type != IAMP_COND_BINARY && op->type != IAMP_COND_NULL)
				c->bad_value = true;
		}
	}
	c->nvals = src->value_count;
	return 0;
}

static int stmt_compile(struct cstmt *c, struct iamp_arena *a, const struct iamp_statement *s,
			enum iamp_policy_type type, bool vars)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->src = s;
	c->usable = (s->effect == IAMP_EFFECT_ALLOW || s->effect == IAMP_EFFECT_DENY) &&
		    s->action.present;
	c->deny = s->effect == IAMP_EFFECT_DENY;
	if (!c->usable)
		return 0;
	c->not_action = s->action.is_not;
	if ((rc = actions_compile(&c->act, a, &s->action)))
		return rc;
	c->has_resource = s->resource.present;
	if (!c->has_resource && type != IAMP_POLICY_TRUST)
		c->usable = false; /* every other type requires Resource */
	c->not_resource = s->resource.is_not;
	if (s->resource.count) {
		c->res = iamp_arena_alloc(a, s->resource.count * sizeof(*c->res));
		if (!c->res)
			return IAMP_ENOMEM;
		for (size_t i = 0; i < s->resource.count; i++) {
			const struct iamp_str *r = &s->resource.items[i];
			const char *f[6];
			size_t fl[6];

			if ((rc = iamp_pattern_compile(&c->res[i], a, r->text, r->len, vars, true)))
				return rc;
			/* compat notresource-short-entry: the other simulator's
			 * reading of an entry such as "<third-party-resource>" */
			if (c->not_resource && !(r->len == 1 && r->text[0] == '*') &&
			    !iamp_arn_split(r->text, r->len, f, fl) &&
			    (type != IAMP_POLICY_RESOURCE || memchr(r->text, '*', r->len)))
				c->short_not_resource = true;
		}
		c->nres = s->resource.count;
	}
	c->check_principal = type == IAMP_POLICY_RESOURCE || type == IAMP_POLICY_TRUST ||
			     type == IAMP_POLICY_RCP;
	if (c->check_principal) {
		if (!s->principal.present) {
			c->usable = false;
			return 0;
		}
		c->not_principal = s->principal.is_not;
		c->principal_star = s->principal.star;
		if (s->principal.count) {
			c->prin = iamp_arena_alloc(a, s->principal.count * sizeof(*c->prin));
			if (!c->prin)
				return IAMP_ENOMEM;
			for (size_t i = 0; i < s->principal.count; i++) {
				c->prin[i].kind = s->principal.items[i].kind;
				c->prin[i].text = s->principal.items[i].value.text;
				c->prin[i].len = s->principal.items[i].value.len;
			}
			c->nprin = s->principal.count;
		}
	}
	if (s->condition_count) {
		c->conds = iamp_arena_alloc(a, s->condition_count * sizeof(*c->conds));
		if (!c->conds)
			return IAMP_ENOMEM;
		for (size_t i = 0; i < s->condition_count; i++)
			if ((rc = cond_compile(&c->conds[i], a, &s->conditions[i], vars)))
				return rc;
		c->nconds = s->condition_count;
	}
	return 0;
}

static int ensure_level(struct iamp_evaluator *ev, enum iamp_policy_type type, unsigned level)
{
	unsigned *n = type == IAMP_POLICY_SCP ? &ev->nscp : &ev->nrcp;
	struct level_info *lv = type == IAMP_POLICY_SCP ? ev->scp : ev->rcp;

	if (level >= MAX_LEVELS)
		return iamp_error_set(IAMP_EINVAL, "more than %d organization levels", MAX_LEVELS);
	while (*n <= level) {
		lv[*n].full = type == IAMP_POLICY_RCP;
		(*n)++;
	}
	return 0;
}

int iamp_evaluator_level(struct iamp_evaluator *ev, enum iamp_policy_type type,
			 unsigned level, const char *name, bool full_access)
{
	struct level_info *lv = type == IAMP_POLICY_SCP ? ev->scp : ev->rcp;
	int rc;

	if (type != IAMP_POLICY_SCP && type != IAMP_POLICY_RCP)
		return iamp_error_set(IAMP_EINVAL, "levels exist for SCPs and RCPs only");
	if ((rc = ensure_level(ev, type, level)))
		return rc;
	lv[level].full = full_access || type == IAMP_POLICY_RCP;
	if (name) {
		lv[level].name = iamp_arena_strndup(ev->arena, name, strlen(name));
		if (!lv[level].name)
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	return 0;
}

const char *iamp_evaluator_level_name(const struct iamp_evaluator *ev,
				      enum iamp_policy_type type, unsigned level)
{
	if (type == IAMP_POLICY_SCP && level < ev->nscp)
		return ev->scp[level].name;
	if (type == IAMP_POLICY_RCP && level < ev->nrcp)
		return ev->rcp[level].name;
	return NULL;
}

int iamp_evaluator_set_management_account(struct iamp_evaluator *ev, const char *account)
{
	size_t n = strlen(account);

	if (n >= sizeof(ev->mgmt))
		return iamp_error_set(IAMP_EINVAL, "management account id too long");
	memcpy(ev->mgmt, account, n + 1);
	ev->mgmt_len = n;
	return 0;
}

static int add_policy(struct iamp_evaluator *ev, enum iamp_policy_type type, unsigned level,
		      const struct iamp_org_node *node, const struct iamp_policy *policy,
		      const char *name);

void iamp_evaluator_set_compat(struct iamp_evaluator *ev, unsigned compat)
{
	ev->compat = compat;
}

int iamp_evaluator_set_org(struct iamp_evaluator *ev, const struct iamp_org *org)
{
	if (ev->nscp || ev->nrcp)
		return iamp_error_set(IAMP_EINVAL, "SCP or RCP levels are set: an organization replaces them");
	ev->org = org;
	return org->management_account
		       ? iamp_evaluator_set_management_account(ev, org->management_account) : 0;
}

int iamp_evaluator_attach(struct iamp_evaluator *ev, enum iamp_policy_type type,
			  const struct iamp_org_node *node, const struct iamp_policy *policy,
			  const char *name)
{
	if (!ev->org || (type != IAMP_POLICY_SCP && type != IAMP_POLICY_RCP))
		return iamp_error_set(IAMP_EINVAL, "only SCPs and RCPs attach to organization nodes");
	return add_policy(ev, type, 0, node, policy, name);
}

int iamp_evaluator_add(struct iamp_evaluator *ev, enum iamp_policy_type type,
		       unsigned level, const struct iamp_policy *policy, const char *name)
{
	int rc;

	if (type == IAMP_POLICY_SCP || type == IAMP_POLICY_RCP) {
		if (ev->org)
			return iamp_error_set(IAMP_EINVAL, "an organization is set: attach SCPs and RCPs to its nodes");
		if ((rc = ensure_level(ev, type, level)))
			return rc;
	} else {
		level = 0;
	}
	return add_policy(ev, type, level, NULL, policy, name);
}

/* ---- the service index (eval_internal.h) -------------------------------- */

static uint32_t svc_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The slot of service s[0..n), or the free slot where it would go. */
static struct svc_slot *svc_slot(const struct iamp_evaluator *ev, const char *s, size_t n)
{
	size_t mask = ev->svcs_cap - 1, i = svc_hash(s, n) & mask;

	while (ev->svcs[i].svc && (ev->svcs[i].len != n || memcmp(ev->svcs[i].svc, s, n) != 0))
		i = (i + 1) & mask;
	return &ev->svcs[i];
}

static int svc_grow(struct iamp_evaluator *ev)
{
	size_t cap = ev->svcs_cap ? 2 * ev->svcs_cap : 64;
	struct svc_slot *old = ev->svcs;
	size_t ocap = ev->svcs_cap;

	if (!(ev->svcs = calloc(cap, sizeof(*ev->svcs)))) {
		ev->svcs = old;
		return IAMP_ENOMEM;
	}
	ev->svcs_cap = cap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].svc)
			*svc_slot(ev, old[i].svc, old[i].len) = old[i];
	free(old);
	return 0;
}

/* Appends (pol, stmt) to l unless it is already its last entry. */
static int refs_add(struct srefs *l, uint32_t pol, uint32_t stmt)
{
	if (l->n && l->v[l->n - 1].pol == pol && l->v[l->n - 1].stmt == stmt)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4;
		struct sref *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return IAMP_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].pol = pol;
	l->v[l->n++].stmt = stmt;
	return 0;
}

/* Indexes statement `stmt` of policy `pol` by the services it can match. */
static int index_stmt(struct iamp_evaluator *ev, uint32_t pol, uint32_t stmt)
{
	const struct cstmt *c = &ev->pols[pol].stmts[stmt];

	if (!c->usable)
		return 0;
	if (c->not_action || c->act.nwild)
		return refs_add(&ev->always, pol, stmt);
	for (size_t i = 0; i < c->act.nsvc; i++) {
		const struct cact *a = &c->act.svc[i];
		struct svc_slot *slot;

		if (2 * (ev->nsvcs + 1) > ev->svcs_cap && svc_grow(ev))
			return IAMP_ENOMEM;
		slot = svc_slot(ev, a->text, a->svc_len);
		if (!slot->svc) {
			slot->svc = a->text;
			slot->len = a->svc_len;
			ev->nsvcs++;
		}
		if (refs_add(&slot->refs, pol, stmt))
			return IAMP_ENOMEM;
	}
	return 0;
}

static int add_policy(struct iamp_evaluator *ev, enum iamp_policy_type type, unsigned level,
		      const struct iamp_org_node *node, const struct iamp_policy *policy,
		      const char *name)
{
	struct cpolicy *p;
	/* Variables exist in Version 2012-10-17 only (IAM "Version"). */
	bool vars = policy->version == IAMP_VERSION_2012 ||
		    (ev->compat & IAMP_COMPAT_BIT(VARIABLES_IN_2008));

	if (ev->npols == ev->cap) {
		size_t cap = ev->cap ? 2 * ev->cap : 8;
		struct cpolicy *np = realloc(ev->pols, cap * sizeof(*np));

		if (!np)
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		ev->pols = np;
		ev->cap = cap;
	}
	p = &ev->pols[ev->npols];
	memset(p, 0, sizeof(*p));
	p->src = policy;
	p->type = type;
	p->level = level;
	p->node = node;
	p->name = iamp_arena_strndup(ev->arena, name ? name : "", name ? strlen(name) : 0);
	if (!p->name)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	if (policy->statement_count) {
		p->stmts = iamp_arena_alloc(ev->arena, policy->statement_count * sizeof(*p->stmts));
		if (!p->stmts)
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < policy->statement_count; i++)
		if (stmt_compile(&p->stmts[i], ev->arena, &policy->statements[i], type, vars))
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
	p->nstmts = policy->statement_count;
	p->first = ev->nstmts;
	ev->nstmts += p->nstmts;
	if (ev->npols >= UINT32_MAX || p->nstmts >= UINT32_MAX)
		return iamp_error_set(IAMP_EINVAL, "too many policies or statements");
	for (size_t i = 0; i < p->nstmts; i++)
		if (index_stmt(ev, (uint32_t)ev->npols, (uint32_t)i))
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
	if (type == IAMP_POLICY_BOUNDARY)
		ev->has_boundary = true;
	if (type == IAMP_POLICY_SESSION)
		ev->has_session = true;
	if (type == IAMP_POLICY_RESOURCE || type == IAMP_POLICY_TRUST)
		ev->has_resource = true;
	ev->npols++;
	return 0;
}

int iamp_evaluator_variant(struct iamp_evaluator **out, const struct iamp_evaluator *ev,
			   const struct iamp_statement *const *olds,
			   const struct iamp_statement *const *news, size_t n)
{
	struct iamp_evaluator *v;
	int rc;

	*out = NULL;
	if ((rc = iamp_evaluator_new(&v)))
		return rc;
	memcpy(v->scp, ev->scp, sizeof(v->scp));
	memcpy(v->rcp, ev->rcp, sizeof(v->rcp));
	v->nscp = ev->nscp;
	v->nrcp = ev->nrcp;
	memcpy(v->mgmt, ev->mgmt, sizeof(v->mgmt));
	v->mgmt_len = ev->mgmt_len;
	v->org = ev->org;
	v->compat = ev->compat;
	for (size_t i = 0; i < ev->npols; i++) {
		const struct cpolicy *p = &ev->pols[i];
		const struct iamp_policy *pol = p->src;
		struct iamp_policy *copy = NULL;

		for (size_t k = 0; k < n; k++) {
			const struct iamp_statement *o = olds[k];
			size_t j;

			if (!pol->statement_count || o < pol->statements ||
			    o >= pol->statements + pol->statement_count)
				continue;
			j = (size_t)(o - pol->statements);
			if (!copy) {
				copy = iamp_arena_alloc(v->arena, sizeof(*copy));
				if (!copy)
					goto oom;
				*copy = *pol;
				copy->statements = iamp_arena_alloc(v->arena, pol->statement_count *
									  sizeof(*copy->statements));
				if (!copy->statements)
					goto oom;
				memcpy(copy->statements, pol->statements,
				       pol->statement_count * sizeof(*copy->statements));
			}
			if (news[k]) {
				copy->statements[j] = *news[k];
				copy->statements[j].index = o->index;
			} else {
				copy->statements[j].effect = IAMP_EFFECT_INVALID; /* not usable: left out */
			}
		}
		if ((rc = add_policy(v, p->type, p->level, p->node, copy ? copy : pol, p->name))) {
			iamp_evaluator_free(v);
			return rc;
		}
	}
	*out = v;
	return 0;
oom:
	iamp_evaluator_free(v);
	return iamp_error_set(IAMP_ENOMEM, "out of memory");
}

size_t iamp_evaluator_statement_count(const struct iamp_evaluator *ev)
{
	return ev->nstmts;
}

void iamp_evaluator_statement(struct iamp_match *out, const struct iamp_evaluator *ev,
			      size_t ordinal)
{
	size_t lo = 0, hi = ev->npols;
	const struct cpolicy *p;

	assert(ordinal < ev->nstmts);
	/* the last policy whose first statement is at or before `ordinal` */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ev->pols[mid].first <= ordinal)
			lo = mid;
		else
			hi = mid;
	}
	while (lo + 1 < ev->npols && ev->pols[lo].first + ev->pols[lo].nstmts <= ordinal)
		lo++; /* past policies without statements */
	p = &ev->pols[lo];
	out->type = p->type;
	out->level = p->node ? 0 : p->level;
	out->name = p->name;
	out->policy = p->src;
	out->stmt = p->stmts[ordinal - p->first].src;
	out->deny = p->stmts[ordinal - p->first].deny;
	out->ordinal = ordinal;
}

/* ---- evaluating ---------------------------------------------------------- */

const char *iamp_assumption_text(enum iamp_assumption a)
{
	switch (a) {
	case IAMP_ASSUME_RESOURCE_ACCOUNT:
		return "resource account unknown: taken as the caller's (give aws:ResourceAccount or --resource-account)";
	case IAMP_ASSUME_CALLER_ACCOUNT:
		return "caller account unknown: taken as the resource's";
	case IAMP_ASSUME_SCP_LEVELS:
		return "SCP levels given without an organization: they govern every caller";
	case IAMP_ASSUME_RCP_LEVELS:
		return "RCP levels given without an organization: they govern every resource";
	}
	return "";
}

/* Per-request state: the lower-cased action and a scratch buffer.
 * iamp_evaluate sets every field before it is read (rarn only where
 * rarn_ok), so it is not zeroed: the scratch buffer alone is 1 KiB. */
struct req_state {
	const struct iamp_request *req;
	const struct iamp_evaluator *ev;
	const char *action; /* lower-cased */
	size_t action_len;
	size_t svc_len;
	struct iamp_caller caller;
	struct iamp_arn rarn; /* the resource's ARN, when rarn_ok */
	bool rarn_ok;
	bool unresolved_fails; /* compat unresolved-variable-fails */
	struct iamp_scratch sc; /* resolved patterns */
};

static bool actions_match(const struct cactions *a, const struct req_state *st)
{
	const char *act = st->action;
	size_t alen = st->action_len, svc = st->svc_len;
	size_t lo = 0, hi = a->nsvc;

	for (size_t i = 0; i < a->nwild; i++)
		if (iamp_match_like(a->wild[i].text, a->wild[i].len, act, alen))
			return true;
	/* first entry whose service is >= the request's */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct cact *c = &a->svc[mid];
		size_t n = c->svc_len < svc ? c->svc_len : svc;
		int cmp = memcmp(c->text, act, n);

		if (cmp == 0)
			cmp = (c->svc_len > svc) - (c->svc_len < svc);
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < a->nsvc; i++) {
		const struct cact *c = &a->svc[i];

		if (c->svc_len != svc || memcmp(c->text, act, svc) != 0)
			break;
		if (iamp_match_like(c->text + svc + 1, c->len - svc - 1, act + svc + 1,
				    alen - svc - 1))
			return true;
	}
	return false;
}

/* Resource/NotResource: an entry whose variable cannot be resolved
 * matches nothing; the other entries still count. */
static bool resources_match(const struct cstmt *s, struct req_state *st)
{
	const struct iamp_request *req = st->req;
	bool any = false;

	if (!s->has_resource)
		return true;
	if (s->short_not_resource && (st->ev->compat & IAMP_COMPAT_BIT(NOTRESOURCE_SHORT_ENTRY)))
		return false;
	for (size_t i = 0; i < s->nres && !any; i++) {
		const char *t;
		size_t n;

		if (iamp_pattern_resolve(&s->res[i], st->req, st->unresolved_fails, &st->sc, &t, &n))
			any = iamp_arn_match(t, n, req->resource, req->resource_len);
		else if (s->not_resource && st->unresolved_fails)
			return false;
	}
	return any != s->not_resource;
}

/* A request value parsed for the operator's type. */
struct rval {
	bool ok;
	union {
		double num;
		int64_t date;
		struct iamp_ip ip;
		bool b;
	} u;
};

static void rval_parse(struct rval *r, const struct iamp_operator *op, const struct iamp_ctx_value *v)
{
	switch (op->type) {
	case IAMP_COND_NUMERIC:
		r->ok = iamp_number_parse(&r->u.num, v->text, v->len);
		break;
	case IAMP_COND_DATE:
		r->ok = iamp_date_parse(&r->u.date, v->text, v->len);
		break;
	case IAMP_COND_BOOL:
		r->ok = iamp_bool_parse(&r->u.b, v->text, v->len);
		break;
	case IAMP_COND_IP:
		r->ok = iamp_ip_parse(&r->u.ip, v->text, v->len);
		break;
	case IAMP_COND_ARN: {
		struct iamp_arn arn;

		r->ok = iamp_arn_parse(&arn, v->text, v->len);
		break;
	}
	default:
		r->ok = true;
		break;
	}
}

static bool ordered(enum iamp_cond_cmp cmp, int c)
{
	switch (cmp) {
	case IAMP_CMP_EQUALS:
		return c == 0;
	case IAMP_CMP_LESS_THAN:
		return c < 0;
	case IAMP_CMP_LESS_THAN_EQUALS:
		return c <= 0;
	case IAMP_CMP_GREATER_THAN:
		return c > 0;
	case IAMP_CMP_GREATER_THAN_EQUALS:
		return c >= 0;
	default:
		return false;
	}
}

/* A date written as epoch seconds (digits, maybe a fraction). */
static bool epoch_form(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && s[i] != '.')
			return false;
	return n > 0;
}

/* Whether request value v (parsed as r) matches policy value pv, in the
 * operator's positive sense. */
static bool value_matches(const struct iamp_operator *op, const struct cval *pv,
			  const struct iamp_ctx_value *v, const struct rval *r,
			  struct req_state *st)
{
	const char *t;
	size_t n;

	/* Only String and Arn values hold variables; the others were parsed
	 * when compiled, and value_satisfies has checked that both sides
	 * parse for the operator's type. */
	if (!iamp_pattern_resolve(&pv->pat, st->req, st->unresolved_fails, &st->sc, &t, &n))
		return false;
	switch (op->type) {
	case IAMP_COND_STRING:
		if (op->cmp == IAMP_CMP_EQUALS)
			return n == v->len && memcmp(t, v->text, n) == 0;
		if (op->cmp == IAMP_CMP_EQUALS_IGNORE_CASE)
			return iamp_equals_ignore_case(t, n, v->text, v->len);
		return iamp_wild_match(t, n, v->text, v->len);
	case IAMP_COND_ARN:
		return iamp_arn_like(t, n, v->text, v->len);
	case IAMP_COND_NUMERIC:
		return ordered(op->cmp, (r->u.num > pv->u.num) - (r->u.num < pv->u.num));
	case IAMP_COND_DATE:
		if (st->ev->compat & IAMP_COMPAT_BIT(DATE_EPOCH_MIXED)) {
			/* epoch seconds against ISO milliseconds, as numbers */
			int64_t a = epoch_form(v->text, v->len) ? r->u.date / 1000000 : r->u.date / 1000;
			int64_t b = epoch_form(t, n) ? pv->u.date / 1000000 : pv->u.date / 1000;

			return ordered(op->cmp, (a > b) - (a < b));
		}
		return ordered(op->cmp, (r->u.date > pv->u.date) - (r->u.date < pv->u.date));
	case IAMP_COND_BOOL:
		return pv->u.b == r->u.b;
	case IAMP_COND_IP:
		return iamp_ip_contains(&pv->u.ip, &r->u.ip);
	case IAMP_COND_BINARY: {
		uint8_t buf[512];
		size_t blen;

		if (pv->ok && iamp_base64_decode(buf, sizeof(buf), &blen, v->text, v->len))
			return blen == pv->u.bin.n && memcmp(buf, pv->u.bin.p, blen) == 0;
		return n == v->len && memcmp(t, v->text, n) == 0;
	}
	default:
		return false;
	}
}

/* compat ip-family-mismatch: no policy range of the address's family. */
static bool ip_family_absent(const struct ccond *c, const struct rval *r)
{
	for (size_t i = 0; i < c->nvals; i++)
		if (c->vals[i].ok && c->vals[i].u.ip.family == r->u.ip.family)
			return false;
	return true;
}

/*
 * One request value against the condition: true when some policy value
 * matches (positive operators) or none does (negated ones). A request
 * value that is not of the operator's type satisfies neither, and so does
 * every value when the policy holds a value that is not of the type (a
 * "<my-corporate-cidr>" placeholder in NotIpAddress): AWS refuses such
 * policies, and a placeholder must not make a negated condition true.
 */
static bool value_satisfies(const struct ccond *c, const struct iamp_ctx_value *v,
			    struct req_state *st)
{
	struct rval r;
	bool any = false;

	rval_parse(&r, c->op, v);
	if (!r.ok || c->bad_value)
		return false;
	if (c->op->type == IAMP_COND_IP && (st->ev->compat & IAMP_COMPAT_BIT(IP_FAMILY_MISMATCH)) &&
	    ip_family_absent(c, &r))
		return false;
	for (size_t i = 0; i < c->nvals && !any; i++) {
		const char *t;
		size_t n;

		if (c->op->negated && st->unresolved_fails && c->vals[i].pat.npieces &&
		    !iamp_pattern_resolve(&c->vals[i].pat, st->req, st->unresolved_fails, &st->sc, &t, &n))
			return false;
		any = value_matches(c->op, &c->vals[i], v, &r, st);
	}
	return any != c->op->negated;
}

static bool cond_eval(const struct ccond *c, struct req_state *st)
{
	const struct iamp_ctx_key *k;
	bool absent;

	if (!c->op)
		return false;
	k = iamp_request_key(st->req, c->key, c->key_len);
	absent = !k || k->count == 0;
	if (c->op->type == IAMP_COND_NULL) {
		for (size_t i = 0; i < c->nvals; i++)
			if (c->vals[i].ok && c->vals[i].u.b == absent)
				return true;
		return false;
	}
	if (absent)
		return iamp_operator_absent_holds(c->op, c->set, c->if_exists);
	if (c->set == IAMP_SET_FOR_ALL_VALUES) {
		for (size_t i = 0; i < k->count; i++)
			if (!value_satisfies(c, &k->values[i], st))
				return false;
		return true;
	}
	if (c->set == IAMP_SET_FOR_ANY_VALUE) {
		for (size_t i = 0; i < k->count; i++)
			if (value_satisfies(c, &k->values[i], st))
				return true;
		return false;
	}
	if (k->multi && (st->ev->compat & IAMP_COMPAT_BIT(PLAIN_OPERATOR_ON_LIST)))
		return false;
	/* No set operator on a multivalued key: positive operators need one
	 * value to match, negated ones that no value matches. */
	if (c->op->negated) {
		for (size_t i = 0; i < k->count; i++)
			if (!value_satisfies(c, &k->values[i], st))
				return false;
		return true;
	}
	for (size_t i = 0; i < k->count; i++)
		if (value_satisfies(c, &k->values[i], st))
			return true;
	return false;
}

static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	return a && b && alen == blen && memcmp(a, b, alen) == 0;
}

/* compat federated-user-as-iam-user: "arn:P:iam::A:user/N" names the
 * caller "arn:P:sts::A:federated-user/N". */
static enum iamp_pmatch federated_as_user(const struct cprin *p, const struct iamp_caller *c)
{
	struct iamp_arn a, b;

	if (p->kind != IAMP_PRINCIPAL_AWS || c->kind != IAMP_CALLER_FEDERATED_USER ||
	    !iamp_arn_parse(&a, p->text, p->len) || !iamp_arn_parse(&b, c->arn, c->arn_len) ||
	    !iamp_arn_is(&a, "iam", "user/"))
		return IAMP_PM_NONE;
	return same_text(a.account, a.account_len, b.account, b.account_len) &&
		       same_text(a.resource + 5, a.resource_len - 5, b.resource + 15, b.resource_len - 15)
		       ? IAMP_PM_DIRECT : IAMP_PM_NONE;
}

/* How the statement's Principal or NotPrincipal names the caller. */
static enum iamp_pmatch principal_match(const struct cstmt *s, const struct req_state *st)
{
	enum iamp_pmatch best = IAMP_PM_NONE;
	unsigned names = 0;

	if (s->not_principal) {
		const struct iamp_evaluator *ev = st->ev;
		bool spared;

		for (size_t i = 0; i < s->nprin; i++)
			names |= iamp_principal_value_names(s->prin[i].kind, s->prin[i].text,
							    s->prin[i].len, &st->caller);
		if (s->principal_star)
			names |= IAMP_NAMES_ALL;
		if (ev->compat & IAMP_COMPAT_BIT(NOTPRINCIPAL_ANY_ENTRY))
			spared = names != 0;
		else
			spared = iamp_principal_spared(names, &st->caller, ev->has_boundary);
		/* compat root-needs-identity: a boundary given applies to root too */
		if ((ev->compat & IAMP_COMPAT_BIT(ROOT_NEEDS_IDENTITY)) && ev->has_boundary &&
		    st->caller.kind == IAMP_CALLER_ROOT)
			spared = false;
		return spared ? IAMP_PM_NONE : IAMP_PM_WILD;
	}
	if (s->principal_star)
		best = IAMP_PM_WILD;
	for (size_t i = 0; i < s->nprin && best != IAMP_PM_DIRECT; i++) {
		enum iamp_pmatch m = iamp_principal_value_match(s->prin[i].kind, s->prin[i].text,
								 s->prin[i].len, &st->caller);

		if (m == IAMP_PM_NONE && (st->ev->compat & IAMP_COMPAT_BIT(FEDERATED_USER_AS_IAM_USER)))
			m = federated_as_user(&s->prin[i], &st->caller);

		if (m > best)
			best = m;
	}
	return best;
}

/* Whether the statement applies; *pm says how a principal matched. */
static bool stmt_applies(const struct cstmt *s, struct req_state *st, enum iamp_pmatch *pm)
{
	*pm = IAMP_PM_NONE;
	if (!s->usable)
		return false;
	if (actions_match(&s->act, st) == s->not_action)
		return false;
	if (s->check_principal && (*pm = principal_match(s, st)) == IAMP_PM_NONE)
		return false;
	if (!resources_match(s, st))
		return false;
	for (size_t i = 0; i < s->nconds; i++)
		if (!cond_eval(&s->conds[i], st))
			return false;
	return true;
}

/* Requests whose resource policy must allow: a KMS action on a KMS key
 * (the key policy) and role assumption on a role (the trust policy). */
static bool owner_policy_rule(const struct req_state *st)
{
	const struct iamp_evaluator *ev = st->ev;
	const struct iamp_request *req = st->req;
	bool kms = st->svc_len == 3 && memcmp(st->action, "kms", 3) == 0;
	bool sts = st->svc_len == 3 && memcmp(st->action, "sts", 3) == 0;
	const struct iamp_arn *arn = &st->rarn;
	bool parsed = st->rarn_ok;

	(void)req;
	if (kms && parsed && iamp_arn_is(arn, "kms", "key/"))
		return ev->has_resource || (ev->compat & IAMP_COMPAT_BIT(KMS_NEEDS_KEY_POLICY));
	if (!ev->has_resource)
		return false;
	if (sts && (ev->compat & IAMP_COMPAT_BIT(STS_TRUST_ANY_RESOURCE)))
		return true;
	return sts && strncmp(st->action, "sts:assumerole", 14) == 0 && parsed &&
	       iamp_arn_is(arn, "iam", "role/");
}

/* The org path of `account` into path[]; the number of levels, 0 when the
 * account is not in the organization (or unknown). */
static unsigned org_path(const struct iamp_evaluator *ev, const char *account, size_t len,
			 const struct iamp_org_node **path)
{
	char id[16];
	const struct iamp_org_node *node;
	size_t n;

	if (!account || len >= sizeof(id))
		return 0;
	memcpy(id, account, len);
	id[len] = '\0';
	node = iamp_org_account(ev->org, id);
	if (!node)
		return 0;
	n = iamp_org_path(node, path, MAX_LEVELS);
	return n > MAX_LEVELS ? 0 : (unsigned)n;
}

/* The level of an SCP/RCP on the request's path, or -1 when off it. */
static int policy_level(const struct cpolicy *p, const struct iamp_result *res)
{
	const struct iamp_org_node *const *path = p->type == IAMP_POLICY_SCP ? res->scp_path : res->rcp_path;
	unsigned n = p->type == IAMP_POLICY_SCP ? res->scp_levels : res->rcp_levels;

	if (!p->node)
		return p->level < n ? (int)p->level : -1;
	for (unsigned i = 0; i < n; i++)
		if (path[i] == p->node)
			return (int)i;
	return -1;
}

/* Where the request sits: accounts, paths, who is governed. */
static void place(struct iamp_result *res, struct iamp_facts *f, const struct req_state *st)
{
	const struct iamp_evaluator *ev = st->ev;
	const struct iamp_request *req = st->req;
	const struct iamp_caller *c = &st->caller;
	const struct iamp_ctx_key *rk = iamp_request_key(req, "aws:ResourceAccount", 19);
	/* an IAM principal (identity policies, SCPs); every caller but an
	 * anonymous one and a service has an account */
	bool person = iamp_caller_is_person(c->kind);
	bool acctful = c->kind != IAMP_CALLER_ANONYMOUS && c->kind != IAMP_CALLER_SERVICE;
	bool caller_mgmt, resource_mgmt;

	res->caller_account = c->account;
	res->caller_account_len = c->account_len;
	if (rk && rk->count == 1 && !rk->multi) {
		res->resource_account = rk->values[0].text;
		res->resource_account_len = rk->values[0].len;
	} else if (st->rarn_ok && iamp_is_account_id(st->rarn.account, st->rarn.account_len)) {
		/* only a 12-digit account owns a resource: "aws" in an AWS
		 * managed policy's ARN names none of the caller's accounts */
		res->resource_account = st->rarn.account;
		res->resource_account_len = st->rarn.account_len;
	}
	if (!res->resource_account && acctful && c->account) {
		res->resource_account = c->account;
		res->resource_account_len = c->account_len;
		res->assumptions |= IAMP_ASSUME_RESOURCE_ACCOUNT;
	} else if (!c->account && acctful && res->resource_account) {
		res->assumptions |= IAMP_ASSUME_CALLER_ACCOUNT;
	}
	res->same_account = !c->account || !res->resource_account ||
			    same_text(res->resource_account, res->resource_account_len, c->account,
				      c->account_len);
	caller_mgmt = ev->mgmt_len && same_text(ev->mgmt, ev->mgmt_len, c->account, c->account_len);
	resource_mgmt = ev->mgmt_len && same_text(ev->mgmt, ev->mgmt_len, res->resource_account,
						  res->resource_account_len);

	if (ev->org) {
		res->scp_levels = person ? org_path(ev, c->account, c->account_len, res->scp_path) : 0;
		res->rcp_levels = org_path(ev, res->resource_account, res->resource_account_len,
					   res->rcp_path);
		for (unsigned i = 0; i < res->scp_levels; i++)
			f->scp_allow[i] = iamp_org_scp_full(res->scp_path[i]);
		for (unsigned i = 0; i < res->rcp_levels; i++)
			f->rcp_allow[i] = 1; /* RCPFullAWSAccess cannot be detached */
		if (person && !res->scp_levels)
			res->scp_exempt = c->account ? "the caller's account is outside the organization"
						     : "the caller names no account";
		if (!res->rcp_levels)
			res->rcp_exempt = res->resource_account
						  ? "the resource's account is outside the organization"
						  : "the resource names no account";
	} else {
		res->scp_levels = ev->nscp;
		res->rcp_levels = ev->nrcp;
		for (unsigned i = 0; i < ev->nscp; i++)
			f->scp_allow[i] = ev->scp[i].full;
		for (unsigned i = 0; i < ev->nrcp; i++)
			f->rcp_allow[i] = ev->rcp[i].full;
		if (ev->nscp && person)
			res->assumptions |= IAMP_ASSUME_SCP_LEVELS;
		if (ev->nrcp)
			res->assumptions |= IAMP_ASSUME_RCP_LEVELS;
	}
	f->scp_levels = res->scp_levels;
	f->rcp_levels = res->rcp_levels;
	f->anonymous = c->kind == IAMP_CALLER_ANONYMOUS;
	f->service = c->kind == IAMP_CALLER_SERVICE;
	f->root = c->kind == IAMP_CALLER_ROOT;
	f->slr = c->slr;
	f->caller_scp = res->scp_levels > 0 && !caller_mgmt && person;
	f->resource_rcp = res->rcp_levels > 0 && !resource_mgmt;
	f->rcp_service = iamp_org_rcp_service(st->action, st->svc_len) ||
			 (ev->compat & IAMP_COMPAT_BIT(RCP_ALL_SERVICES));
	if (ev->compat & IAMP_COMPAT_BIT(SLR_NOT_EXEMPT))
		f->slr = 0;
	/* "No permissions are required to perform this operation" (STS
	 * GetCallerIdentity), for any authenticated caller. */
	f->no_authz = c->kind != IAMP_CALLER_ANONYMOUS && st->action_len == 21 &&
		      memcmp(st->action, "sts:getcalleridentity", 21) == 0;
	f->same_account = res->same_account;
	f->owner_policy = owner_policy_rule(st);
	f->has_boundary = ev->has_boundary;
	f->has_session = ev->has_session;

	if (!res->scp_exempt && res->scp_levels) {
		if (!person)
			res->scp_exempt = "SCPs do not apply to service principals, federated identity "
					  "providers' callers or anonymous requests";
		else if (f->slr)
			res->scp_exempt = "SCPs do not apply to service-linked roles";
		else if (caller_mgmt)
			res->scp_exempt = "SCPs do not apply to the management account";
	}
	if (!res->rcp_exempt && res->rcp_levels) {
		if (f->slr)
			res->rcp_exempt = "RCPs do not apply to service-linked roles";
		else if (resource_mgmt)
			res->rcp_exempt = "RCPs do not apply to resources of the management account";
		else if (!f->rcp_service)
			res->rcp_exempt = "RCPs do not apply to this service's actions";
	}
}

/* compat reserved-resources: the other simulator's service rules for
 * roles under /aws-reserved/, AWS managed policies and alias/aws/. */
static bool reserved_resource(const struct req_state *st, enum iamp_decision d)
{
	static const char *const role_actions[] = {
		"iam:attachrolepolicy", "iam:createrole", "iam:createservicelinkedrole",
		"iam:deleterole", "iam:deleterolepermissionsboundary", "iam:deleterolepolicy",
		"iam:deleteservicelinkedrole", "iam:detachrolepolicy", "iam:passrole",
		"iam:putrolepermissionsboundary", "iam:putrolepolicy", "iam:tagrole",
		"iam:untagrole", "iam:updateassumerolepolicy", "iam:updaterole",
		"iam:updateroledescription", NULL
	};
	static const char *const policy_actions[] = {
		"iam:createpolicy", "iam:createpolicyversion", "iam:deletepolicy",
		"iam:deletepolicyversion", "iam:setdefaultpolicyversion", "iam:tagpolicy",
		"iam:untagpolicy", NULL
	};
	static const char *const alias_actions[] = {
		"kms:createalias", "kms:deletealias", "kms:updatealias", NULL
	};
	const struct iamp_arn *a = &st->rarn;
	const char *const *list = NULL;

	if (!st->rarn_ok)
		return false;
	if (iamp_arn_is(a, "iam", "") && a->resource_len >= 18 &&
	    strncasecmp(a->resource, "role/aws-reserved/", 18) == 0)
		list = role_actions;
	else if (iamp_arn_is(a, "iam", "policy/") && same_text(a->account, a->account_len, "aws", 3))
		list = policy_actions;
	else if (iamp_arn_is(a, "kms", "alias/aws/") && d != IAMP_DECISION_EXPLICIT_DENY)
		list = alias_actions;
	for (; list && *list; list++)
		if (strlen(*list) == st->action_len && memcmp(*list, st->action, st->action_len) == 0)
			return true;
	return false;
}

/* The first requirement of the verdict that failed (an explanation only:
 * the decision is the verdict's). */
static void explain(struct iamp_result *res, const struct iamp_verdict *v, const struct iamp_facts *f)
{
	for (unsigned i = 0; i < f->scp_levels; i++) {
		if (!v->scp_ok[i]) {
			res->gap = IAMP_GAP_SCP_LEVEL;
			res->gap_level = i;
			return;
		}
	}
	for (unsigned i = 0; i < f->rcp_levels; i++) {
		if (!v->rcp_ok[i]) {
			res->gap = IAMP_GAP_RCP_LEVEL;
			res->gap_level = i;
			return;
		}
	}
	if (v->grant)
		return;
	if (v->resource_only || (f->owner_policy && !v->res_any))
		res->gap = IAMP_GAP_RESOURCE;
	else if (!v->id_ok && (f->owner_policy || !f->same_account))
		res->gap = f->same_account ? IAMP_GAP_NO_ALLOW : IAMP_GAP_IDENTITY;
	else if (!v->id_ok && !f->res_direct && !f->res_role)
		res->gap = IAMP_GAP_NO_ALLOW;
	else if (!v->bound_ok)
		res->gap = IAMP_GAP_BOUNDARY;
	else if (!v->sess_ok)
		res->gap = IAMP_GAP_SESSION;
	else
		res->gap = IAMP_GAP_RESOURCE;
}

int iamp_evaluate(struct iamp_result *res, const struct iamp_evaluator *ev,
		  const struct iamp_request *req)
{
	struct req_state st;
	struct iamp_facts f;
	struct iamp_verdict v;
	char actbuf[256];
	char *actheap = NULL;
	const char *colon;
	size_t keep, unstored[2] = { 0, 0 }; /* SCP, RCP matches past match_cap */
	bool principal_side;
	unsigned flags = 0;
	const struct srefs *svc = NULL;
	size_t ia = 0, is = 0;
	const struct cpolicy *p = NULL;
	int level = 0;
	bool skip = false;

	memset(&f, 0, sizeof(f));
	res->decision = IAMP_DECISION_IMPLICIT_DENY;
	res->gap = IAMP_GAP_NONE;
	res->gap_level = 0;
	res->match_count = 0;
	res->match_total = 0;
	res->scp_exempt = res->rcp_exempt = NULL;
	res->assumptions = 0;
	res->caller_account = res->resource_account = NULL;
	res->caller_account_len = res->resource_account_len = 0;
	memset(res->scp_path, 0, sizeof(res->scp_path));
	memset(res->rcp_path, 0, sizeof(res->rcp_path));

	st.req = req;
	st.ev = ev;
	iamp_scratch_init(&st.sc);
	if (req->action_len < sizeof(actbuf)) {
		iamp_ascii_lower(actbuf, req->action, req->action_len);
		st.action = actbuf;
	} else {
		actheap = malloc(req->action_len);
		if (!actheap)
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		iamp_ascii_lower(actheap, req->action, req->action_len);
		st.action = actheap;
	}
	st.action_len = req->action_len;
	colon = memchr(st.action, ':', st.action_len);
	st.svc_len = colon ? (size_t)(colon - st.action) : st.action_len;
	st.unresolved_fails = ev->compat & IAMP_COMPAT_BIT(UNRESOLVED_VARIABLE_FAILS);
	iamp_caller_parse(&st.caller, req->principal, req->principal_len);
	principal_side = iamp_caller_is_person(st.caller.kind);
	st.rarn_ok = iamp_arn_parse(&st.rarn, req->resource, req->resource_len);
	place(res, &f, &st);

	/* The candidates: the statements indexed under the request's service
	 * merged with those that may match any service, in policy order. */
	if (ev->svcs_cap) {
		const struct svc_slot *slot = svc_slot(ev, st.action, st.svc_len);

		if (slot->svc)
			svc = &slot->refs;
	}
	while (ia < ev->always.n || (svc && is < svc->n)) {
		const struct sref *r;
		const struct cstmt *s;
		enum iamp_pmatch pm;

		if (!svc || is == svc->n ||
		    (ia < ev->always.n && (ev->always.v[ia].pol < svc->v[is].pol ||
					   (ev->always.v[ia].pol == svc->v[is].pol &&
					    ev->always.v[ia].stmt < svc->v[is].stmt))))
			r = &ev->always.v[ia++];
		else
			r = &svc->v[is++];
		if (!p || r->pol != (uint32_t)(p - ev->pols)) {
			p = &ev->pols[r->pol];
			level = 0;
			skip = (p->type == IAMP_POLICY_SCP || p->type == IAMP_POLICY_RCP) &&
			       (level = policy_level(p, res)) < 0;
			/* Identity policies, boundaries and session policies belong
			 * to an IAM principal: a service principal or an anonymous
			 * caller has none. */
			skip |= !principal_side && (p->type == IAMP_POLICY_IDENTITY ||
						    p->type == IAMP_POLICY_BOUNDARY ||
						    p->type == IAMP_POLICY_SESSION);
		}
		if (skip)
			continue;
		s = &p->stmts[r->stmt];
		{
			if (!stmt_applies(s, &st, &pm))
				continue;
			if (res->match_count < res->match_cap) {
				struct iamp_match *m = &res->matches[res->match_count++];

				m->type = p->type;
				m->level = (unsigned)level;
				m->name = p->name;
				m->policy = p->src;
				m->stmt = s->src;
				m->deny = s->deny;
				m->ordinal = p->first + r->stmt;
			}
			else if (p->type == IAMP_POLICY_SCP || p->type == IAMP_POLICY_RCP)
				unstored[p->type == IAMP_POLICY_RCP]++;
			res->match_total++;
			switch (p->type) {
			case IAMP_POLICY_SCP:
				if (s->deny)
					f.scp_deny = 1;
				else
					f.scp_allow[level] = 1;
				break;
			case IAMP_POLICY_RCP:
				if (s->deny)
					f.rcp_deny = 1;
				else
					f.rcp_allow[level] = 1;
				break;
			default:
				if (s->deny)
					f.deny = 1;
				else if (p->type == IAMP_POLICY_IDENTITY)
					f.identity = 1;
				else if (p->type == IAMP_POLICY_BOUNDARY)
					f.boundary = 1;
				else if (p->type == IAMP_POLICY_SESSION)
					f.session = 1;
				else if (pm == IAMP_PM_DIRECT)
					f.res_direct = 1;
				else if (pm == IAMP_PM_ACCOUNT)
					f.res_account = 1;
				else
					f.res_role = 1;
				break;
			}
		}
	}
	iamp_scratch_free(&st.sc);
	if (st.sc.oom) {
		free(actheap);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}

	if (ev->compat & IAMP_COMPAT_BIT(ROOT_NEEDS_IDENTITY))
		flags |= IAMP_DECIDE_ROOT_NEEDS_IDENTITY;
	if (ev->compat & IAMP_COMPAT_BIT(SESSION_POLICY_LIMITS_ALL))
		flags |= IAMP_DECIDE_SESSION_LIMITS_ALL;
	iamp_decide(&v, &iamp_logic_bool, &f, flags);
	res->scp_applies = v.scp_governs;
	res->rcp_applies = v.rcp_governs;
	/* SCP and RCP statements that do not govern this request are not
	 * part of its explanation. */
	if (!v.scp_governs)
		res->match_total -= unstored[0];
	if (!v.rcp_governs)
		res->match_total -= unstored[1];
	keep = 0;
	for (size_t i = 0; i < res->match_count; i++) {
		const struct iamp_match *m = &res->matches[i];

		if ((m->type == IAMP_POLICY_SCP && !v.scp_governs) ||
		    (m->type == IAMP_POLICY_RCP && !v.rcp_governs)) {
			res->match_total--;
			continue;
		}
		res->matches[keep++] = *m;
	}
	res->match_count = keep;
	if (v.explicit_deny)
		res->decision = IAMP_DECISION_EXPLICIT_DENY;
	else if (v.allowed)
		res->decision = IAMP_DECISION_ALLOWED;
	else
		explain(res, &v, &f);
	if ((ev->compat & IAMP_COMPAT_BIT(RESERVED_RESOURCES)) && reserved_resource(&st, res->decision))
		res->decision = IAMP_DECISION_IMPLICIT_DENY;
	/* last: st.action points into it until here (the reserved-resource
	 * rule above reads it) */
	free(actheap);
	return 0;
}
