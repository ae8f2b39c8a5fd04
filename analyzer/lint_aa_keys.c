/*
 * lint_aa_keys.c - Access Analyzer's checks of condition keys: a key
 * against the actions, the principal and the policy type it is used with,
 * and keys that are retired, caller-written or unsafe alone.
 *
 *   policy AST ──▶ iamp_lint_policy_aa_keys() ──▶ diagnostics
 *
 * The keys these checks single out are data, each with the AWS page that
 * names it (aa_condition_keys.def), and so are the services that send the
 * keys only some services send (aa_key_services.def). Each rule is named after AWS's issue
 * code, with AWS's finding type (rules.def, aa_codes.def); fixtures/aa/
 * and tests/aa-parity.sh hold them to AWS's examples, and
 * docs/aa-parity.md says what was inferred where AWS's page is silent.
 *
 * Keys and literal actions. A service key that an action of the
 * statement does not list is absent from that action's requests:
 *
 *   "Action": ["s3:ListBucket", "s3:GetObject"],
 *   "Condition": {"StringLike": {"s3:prefix": "home/"}}
 *
 * s3:prefix is a key of s3:ListBucket only, so the statement never
 * grants s3:GetObject. UNSUPPORTED_ACTION_FOR_CONDITION_KEY names such
 * literal actions, once per key; an action with a wildcard is not
 * judged (as AWS does not), and CONDITION_KEY_NOT_APPLICABLE
 * (lint_catalog.c) keeps the statement-level warning for statements that
 * have one. A condition that holds without its key (IfExists,
 * ForAllValues, a negated operator, Null) still applies to those actions
 * as written, and is not reported (docs/aa-parity.md).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "diag.h"
#include "lint.h"
#include "match.h"
#include "operators.h"
#include "policy.h"

struct keylint {
	const struct iamp_policy *p;
	struct iamp_diags *diags;
};

#define DIAG(l, rule, span, ...) \
	iamp_doc_diag((l)->diags, (l)->p->doc, IAMP_RULE_##rule, (span), __VA_ARGS__)
#define WANTS(l, rule) iamp_diags_wants((l)->diags, IAMP_RULE_##rule)
#define WORK(l, rule) iamp_diags_work((l)->diags, IAMP_RULE_##rule)

/* ---- the keys (aa_condition_keys.def) ------------------------------------ */

struct retired {
	const char *key, *newer, *also;
};

static const struct retired retired_keys[] = {
#define RETIRED(k, n, a) { k, n, a },
#include "aa_condition_keys.def"
};

static const char *const paired_keys[][2] = {
#define PAIRED(k, p) { k, p },
#include "aa_condition_keys.def"
};

static const char *const caller_set_keys[] = {
#define CALLER_SET(k) k,
#include "aa_condition_keys.def"
	NULL
};

static const char *const not_for_service_keys[] = {
#define NOT_FOR_SERVICE(k) k,
#include "aa_condition_keys.def"
	NULL
};

static const char *const resource_owner_keys[] = {
#define RESOURCE_OWNER(k) k,
#include "aa_condition_keys.def"
	NULL
};

static const char *const assume_companions[] = {
#define ASSUME_COMPANION(a) a,
#include "aa_condition_keys.def"
	NULL
};

/* Whether a written key is `name`, case-insensitively; a name ending in
 * '/' is a prefix that the key extends. */
static bool key_named(const char *key, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (n && name[n - 1] == '/')
		return len > n && strncasecmp(key, name, n) == 0;
	return len == n && strncasecmp(key, name, n) == 0;
}

static bool key_in(const struct iamp_str *key, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (key_named(key->text, key->len, names[i]))
			return true;
	return false;
}

static const struct retired *retired_key(const char *key, size_t len)
{
	for (size_t i = 0; i < sizeof retired_keys / sizeof retired_keys[0]; i++)
		if (key_named(key, len, retired_keys[i].key))
			return &retired_keys[i];
	return NULL;
}

bool iamp_lint_is_retired_key(const char *key, size_t len)
{
	return retired_key(key, len) != NULL;
}

static bool has_key(const struct iamp_statement *st, const char *name)
{
	for (size_t i = 0; i < st->condition_count; i++)
		if (key_named(st->conditions[i].key.text, st->conditions[i].key.len, name))
			return true;
	return false;
}

static bool has_wildcard(const char *s, size_t len)
{
	return memchr(s, '*', len) || memchr(s, '?', len);
}

static bool actions_all_literal(const struct iamp_statement *st)
{
	if (!st->action.present || st->action.is_not || st->action.symbolic || st->action.count == 0)
		return false;
	for (size_t i = 0; i < st->action.count; i++)
		if (has_wildcard(st->action.items[i].text, st->action.items[i].len))
			return false;
	return true;
}

bool iamp_lint_key_actions_judged(const struct iamp_statement *st, const struct iamp_condition *c)
{
	/* a condition met without its key still applies to the actions
	 * that never send it, as written */
	return actions_all_literal(st) && c->op && c->op->type != IAMP_COND_NULL &&
	       !iamp_operator_absent_holds(c->op, c->set, c->if_exists);
}

/* ---- keys and the statement's literal actions ----------------------------- */

/*
 * The literal actions of the statement that do not list the service key
 * c names, written into buf as "a, b and 3 more"; their count. Actions the
 * catalog does not know are UNKNOWN_ACTION's and are not counted.
 */
static size_t unsupported_actions(char *buf, size_t size, const struct iamp_statement *st,
				  const struct iamp_condition_key *k)
{
	size_t n = 0, shown = 0, used = 0;
	bool full = false;

	buf[0] = '\0';
	for (size_t i = 0; i < st->action.count; i++) {
		const struct iamp_str *a = &st->action.items[i];
		const struct iamp_action *act = iamp_catalog_action(a->text, a->len);
		int w;

		if (!act || iamp_catalog_action_has_key(act, k) || key_in(a, assume_companions))
			continue;
		n++;
		if (shown == 5 || full)
			continue;
		w = snprintf(buf + used, size - used, "%s%s", shown ? ", " : "", a->text);
		if (w < 0 || (size_t)w + sizeof " and 99999 more" >= size - used) {
			buf[used] = '\0';
			full = true; /* no room: the count says the rest */
			continue;
		}
		used += (size_t)w;
		shown++;
	}
	if (n > shown && used < size)
		snprintf(buf + used, size - used, " and %zu more", n - shown);
	return n;
}

static void check_key_actions(struct keylint *l, const struct iamp_statement *st, const struct iamp_condition *c)
{
	const struct iamp_condition_key *k;
	char list[256];
	size_t n;

	if (!WANTS(l, UNSUPPORTED_ACTION_FOR_CONDITION_KEY) || !iamp_lint_key_actions_judged(st, c))
		return;
	WORK(l, UNSUPPORTED_ACTION_FOR_CONDITION_KEY);
	k = iamp_catalog_key(c->key.text, c->key.len);
	if (!k || (k->flags & IAMP_KEY_GLOBAL))
		return; /* unknown keys are UNKNOWN_CONDITION_KEY's; global keys apply to every action */
	n = unsupported_actions(list, sizeof list, st, k);
	if (n)
		DIAG(l, UNSUPPORTED_ACTION_FOR_CONDITION_KEY, c->key.span,
		     "\"%s\" is not a condition key of %s: %s requests never carry it, so the condition never holds "
		     "and the statement %s nothing for %s; move %s to a statement without this key",
		     c->key.text, list, n == 1 ? "its" : "their", st->effect == IAMP_EFFECT_DENY ? "denies" : "grants",
		     n == 1 ? "it" : "them", n == 1 ? "it" : "them");
}

/* ---- keys only some services send (aa_key_services.def) ------------------- */

struct scoped {
	const char *key, *page, *read, *services, *except;
};

static const struct scoped scoped_keys[] = {
#define SCOPED_KEY(k, page, read, services, except) { k, page, read, services, except },
#include "aa_key_services.def"
};

/* check_scoped writes a key's services with ", " for each space: at most
 * twice the list's length, which every list must leave room for (a list
 * cut short in a message would say the key is sent by fewer services). */
enum { SERVICES_TEXT = 1280 };
#define SCOPED_KEY(k, page, read, services, except) \
	_Static_assert(2 * sizeof(services) <= SERVICES_TEXT, "the services of " k " do not fit the message");
#include "aa_key_services.def"

static const struct scoped *scoped_key(const struct iamp_str *key)
{
	for (size_t i = 0; i < sizeof scoped_keys / sizeof scoped_keys[0]; i++)
		if (key_named(key->text, key->len, scoped_keys[i].key))
			return &scoped_keys[i];
	return NULL;
}

/* Whether a list of words separated by one space holds w, case-insensitively. */
static bool word_in(const char *list, const char *w, size_t len)
{
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, " ");

		if (n == len && strncasecmp(s, w, len) == 0)
			return true;
		s += n;
		s += *s == ' ';
	}
	return false;
}

/* Whether the requests of a catalog action carry the key. */
static bool scoped_sends(const struct scoped *k, const struct iamp_action *a, char *name, size_t size)
{
	const char *svc = iamp_catalog_str(iamp_catalog_action_service(a)->prefix);
	size_t n = iamp_catalog_action_format(name, size, a);

	return word_in(k->services, svc, strlen(svc)) && !(n < size && word_in(k->except, name, n));
}

/* The first action an element reaches whose requests lack the key. */
struct reach {
	const struct scoped *k;
	const struct iamp_list *not; /* NotAction: the actions it leaves out */
	char name[128];
	bool found;
};

static bool left_out(const struct iamp_list *not, const char *name, size_t len)
{
	for (size_t i = 0; i < not->count; i++)
		if (iamp_catalog_glob(not->items[i].text, not->items[i].len, name, len))
			return true;
	return false;
}

static int reach_run(void *ctx, uint32_t first, uint32_t end)
{
	struct reach *r = ctx;

	for (uint32_t i = first; i < end; i++) {
		if (scoped_sends(r->k, &iamp_catalog_actions[i], r->name, sizeof r->name) ||
		    (r->not && left_out(r->not, r->name, strlen(r->name))))
			continue;
		r->found = true;
		return 1;
	}
	return 0;
}

/* Whether an Action item reaches a service that does not send the key;
 * r->name says which. A literal action the catalog lacks is judged by its
 * service, when the catalog knows that (UNKNOWN_SERVICE has the rest). */
static bool item_reaches(struct reach *r, const struct iamp_str *a)
{
	size_t n = 0;
	const char *colon;

	r->found = false;
	iamp_catalog_match(&n, a->text, a->len, reach_run, r);
	if (r->found || n || has_wildcard(a->text, a->len))
		return r->found;
	colon = memchr(a->text, ':', a->len);
	if (!colon || !iamp_catalog_service(a->text, (size_t)(colon - a->text)) ||
	    word_in(r->k->services, a->text, (size_t)(colon - a->text)))
		return false;
	snprintf(r->name, sizeof r->name, "%.*s", (int)(colon - a->text), a->text);
	return true;
}

/*
 * A key that only the services of a list send, in a statement whose
 * actions reach other services: for their requests the key is absent, and
 * the condition decides as for a missing key (a Deny ...IfExists denies
 * them all, an Allow grants them nothing). AWS's check reference says
 * only that the key "must be scoped to supported services"; what counts
 * as reaching a service is inferred: a literal action of it, a pattern
 * that matches one of its actions in the catalog, or NotAction that
 * leaves one of them in (docs/aa-parity.md).
 */
static void check_scoped(struct keylint *l, const struct iamp_statement *st, const struct iamp_condition *c)
{
	const struct scoped *k;
	struct reach r;
	char items[256], services[SERVICES_TEXT];
	size_t shown = 0, more = 0, used = 0, si = 0;

	if (!WANTS(l, USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES) || !st->action.present || st->action.symbolic ||
	    !(k = scoped_key(&c->key)))
		return;
	WORK(l, USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES);
	r.k = k;
	items[0] = '\0';
	if (st->action.is_not) {
		r.not = &st->action;
		r.found = false;
		iamp_catalog_match(NULL, "*", 1, reach_run, &r);
		if (r.found)
			snprintf(items, sizeof items, "NotAction leaves in %s, whose requests", r.name);
	} else {
		r.not = NULL;
		for (size_t i = 0; i < st->action.count; i++) {
			const struct iamp_str *a = &st->action.items[i];
			int w;

			if (!item_reaches(&r, a))
				continue;
			if (shown == 3) {
				more++;
				continue;
			}
			if (strlen(r.name) == a->len && strncasecmp(r.name, a->text, a->len) == 0)
				w = snprintf(items + used, sizeof items - used, "%s\"%s\"", shown ? ", " : "", a->text);
			else
				w = snprintf(items + used, sizeof items - used, "%s\"%s\" (%s)", shown ? ", " : "", a->text,
					     r.name);
			if (w < 0 || (size_t)w >= sizeof items - used - sizeof " and 99999 more, whose requests") {
				items[used] = '\0';
				more++;
				continue;
			}
			used += (size_t)w;
			shown++;
		}
		if (shown && more)
			snprintf(items + used, sizeof items - used, " and %zu more, whose requests", more);
		else if (shown)
			snprintf(items + used, sizeof items - used, ", whose requests");
	}
	if (!items[0])
		return;
	for (const char *s = k->services; *s; s++) { /* fits: SERVICES_TEXT */
		if (*s == ' ')
			services[si++] = ',';
		services[si++] = *s;
	}
	services[si] = '\0';
	DIAG(l, USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES, c->key.span,
	     "\"%s\" works only with specific AWS services and must be scoped to them: %s never carry it, so "
	     "the condition decides them as if the key were missing; it is sent by %s%s%s (AWS global condition "
	     "keys, read %s)",
	     c->key.text, items, services, k->except[0] ? ", not by " : "", k->except, k->read);
}

/* ---- retired global keys ---------------------------------------------------- */

/*
 * aws:ARN. AWS's page gives it two codes: a WARNING (update to the newer
 * aws:PrincipalArn) and an ERROR (not supported: aws:PrincipalArn, or
 * aws:SourceArn for a service's request). Policies that only ever judge
 * IAM principals have the one successor: the warning. Policies whose
 * callers may be services (resource, trust and resource control policies)
 * need the choice: the error.
 */
static void check_retired(struct keylint *l, const struct iamp_condition *c)
{
	const struct retired *r = retired_key(c->key.text, c->key.len);
	enum iamp_policy_type t = l->p->type;

	if (!r)
		return;
	if (t == IAMP_POLICY_RESOURCE || t == IAMP_POLICY_TRUST || t == IAMP_POLICY_RCP)
		DIAG(l, UNSUPPORTED_GLOBAL_CONDITION_KEY, c->key.span,
		     "\"%s\" is not supported: use %s for the caller's ARN or %s for the resource a service acts for",
		     c->key.text, r->newer, r->also);
	else
		DIAG(l, DEPRECATED_GLOBAL_CONDITION_KEY, c->key.span,
		     "\"%s\" is deprecated: use the newer %s", c->key.text, r->newer);
}

/* ---- keys that need another, or that the caller writes ------------------- */

static void check_paired(struct keylint *l, const struct iamp_statement *st, const struct iamp_condition *c)
{
	if (st->effect != IAMP_EFFECT_ALLOW)
		return;
	for (size_t i = 0; i < sizeof paired_keys / sizeof paired_keys[0]; i++)
		if (key_named(c->key.text, c->key.len, paired_keys[i][0]) && !has_key(st, paired_keys[i][1]))
			DIAG(l, MISSING_PAIRED_CONDITION_KEYS, c->key.span,
			     "\"%s\" alone can be overly permissive: add %s to the same Condition, so that both "
			     "must match", c->key.text, paired_keys[i][1]);
}

/* An Allow that grants on a value the caller chooses. */
static void check_caller_set(struct keylint *l, const struct iamp_statement *st, const struct iamp_condition *c)
{
	if (st->effect != IAMP_EFFECT_ALLOW || !c->op || c->op->negated || c->op->type == IAMP_COND_NULL ||
	    !key_in(&c->key, caller_set_keys))
		return;
	DIAG(l, UNTRUSTWORTHY_CONDITION_KEY, c->key.span,
	     "\"%s\" is an HTTP header the caller writes: anyone can send the value this Allow expects; "
	     "grant on the caller's identity, network or organization instead", c->key.text);
}

/* ---- keys and the principal, the policy type ------------------------------ */

/* A Principal that names service principals and nothing else. */
static bool only_services(const struct iamp_principal *pr)
{
	if (!pr->present || pr->is_not || pr->star || pr->symbolic || pr->count == 0)
		return false;
	for (size_t i = 0; i < pr->count; i++)
		if (pr->items[i].kind != IAMP_PRINCIPAL_SERVICE)
			return false;
	return true;
}

static void check_service_keys(struct keylint *l, const struct iamp_statement *st, const struct iamp_condition *c)
{
	if (!only_services(&st->principal) || !key_in(&c->key, not_for_service_keys))
		return;
	DIAG(l, UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL, c->key.span,
	     "\"%s\" describes an IAM principal's account, organization or tags, which the service principal "
	     "\"%s\" has none of: use aws:SourceAccount, aws:SourceOrgID or aws:SourceArn",
	     c->key.text, st->principal.items[0].value.text);
}

/* A policy attached to a resource (--resource-type) fixes who owns it. */
static void check_owner_keys(struct keylint *l, const struct iamp_condition *c)
{
	if (!l->p->resource_type || l->p->type != IAMP_POLICY_RESOURCE || !key_in(&c->key, resource_owner_keys))
		return;
	DIAG(l, IRRELEVANT_CONDITION_KEY_IN_POLICY, c->key.span,
	     "\"%s\" adds nothing to a policy attached to the resource (%s): it names the resource's owner, "
	     "which is always the same; use it in identity policies to govern access to this resource",
	     c->key.text, l->p->resource_type);
}

/* ---- values ------------------------------------------------------------------ */

/* An OIDC provider's audience under ForAllValues: right only when the
 * provider issues tokens with several audiences (ForAnyValue is
 * FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE's). */
static void check_audience(struct keylint *l, const struct iamp_condition *c)
{
	if (l->p->type != IAMP_POLICY_TRUST || c->set != IAMP_SET_FOR_ALL_VALUES || c->key.len < 5 ||
	    strncasecmp(c->key.text + c->key.len - 4, ":aud", 4) != 0 ||
	    !iamp_lint_is_provider_key(c->key.text, c->key.len))
		return;
	DIAG(l, CONFIRM_AUDIENCE_CLAIM_TYPE, c->key.span,
	     "ForAllValues on \"%s\": confirm that the provider's tokens carry several audiences; "
	     "for a single-valued aud claim use the operator without ForAllValues", c->key.text);
}

/* kms:CallerAccount is an AWS account ID. */
static void check_kms_values(struct keylint *l, const struct iamp_condition *c)
{
	if (!key_named(c->key.text, c->key.len, "kms:CallerAccount") || !c->op ||
	    (c->op->type != IAMP_COND_STRING && c->op->type != IAMP_COND_ARN))
		return;
	for (size_t v = 0; v < c->value_count; v++) {
		const struct iamp_str *s = &c->values[v].text;

		if (iamp_is_account_id(s->text, s->len) || has_wildcard(s->text, s->len) || memchr(s->text, '$', s->len))
			continue;
		DIAG(l, INVALID_KMS_KEY_VALUE, s->span,
		     "\"%s\" is not an AWS account ID: kms:CallerAccount is the caller's 12-digit account", s->text);
	}
}

/* ---- the walk ------------------------------------------------------------------ */

int iamp_lint_policy_aa_keys(const struct iamp_policy *p, struct iamp_diags *diags)
{
	struct keylint l = { p, diags };

	for (size_t i = 0; i < p->statement_count; i++) {
		const struct iamp_statement *st = &p->statements[i];

		for (size_t ci = 0; ci < st->condition_count; ci++) {
			const struct iamp_condition *c = &st->conditions[ci];

			check_key_actions(&l, st, c);
			check_retired(&l, c);
			check_paired(&l, st, c);
			check_caller_set(&l, st, c);
			check_service_keys(&l, st, c);
			check_owner_keys(&l, c);
			check_audience(&l, c);
			check_kms_values(&l, c);
			check_scoped(&l, st, c);
		}
	}
	return 0;
}
