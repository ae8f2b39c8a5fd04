/*
 * lint_catalog.c - the rules that need the action catalog; see lint.h.
 *
 *   policy AST ─▶ per statement: expand Action patterns into runs of
 *                 catalog action indices (iamp_catalog_match, no
 *                 allocation) ─▶ action, condition, resource and
 *                 least-privilege rules
 *              ─▶ per policy: privilege-escalation combinations
 *                 (privesc.def), redundant statements
 *
 * Which policies and statements count as granting. Only identity
 * policies grant a principal permissions of its own: boundaries, session
 * policies, SCPs and RCPs only limit, and resource and trust policies
 * are about who else may act. The least-privilege rules
 * (RESOURCE_STAR, SERVICE_WILDCARD, PASS_ROLE_WITH_STAR_IN_RESOURCE,
 * PERMISSIONS_MANAGEMENT_STAR, SENSITIVE_DATA_STAR) and
 * PRIVILEGE_ESCALATION consider only Allow statements without a Condition
 * whose Resource contains "*" (or that use NotResource): a condition or a
 * named resource restricts the grant, and we do not guess how much. An
 * action counts as granted when such a statement's Action matches it (or
 * its NotAction does not) and no Deny statement without Condition, on
 * every resource, denies it.
 *
 * Costs. Expansion reports maximal runs of action indices; a statement
 * keeps at most MAX_RUNS of them (a broader pattern set, e.g. "*:Get*",
 * makes the rules that need the exact set skip the statement rather than
 * guess). Pairwise statement comparison (REDUNDANT_STATEMENT) looks only
 * at the statements that can hold a statement (a pre-filter by service,
 * see check_redundant_statements), at most MAX_PAIRS comparisons per
 * policy; pairwise action comparison (REDUNDANT_ACTION) runs on lists
 * of at most MAX_PAIRWISE items.
 */
#include "lint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arn.h"
#include "catalog.h"
#include "catalog_index.h"
#include "contain.h"
#include "diag.h"
#include "error.h"
#include "match.h"
#include "operators.h"

#define MAX_RUNS 2048
#define MAX_PAIRWISE 200   /* REDUNDANT_ACTION: items of one list */
#define MAX_ARN 512        /* longer resource patterns are not compared */
#define MAX_EXPAND 4096    /* actions examined one by one per statement */
#define MAX_NAME 128       /* "service:Action" buffers */

struct run {
	uint32_t first, end;
};

struct clint {
	const struct iamp_policy *p;
	struct iamp_diags *diags;
	/* the current statement's expansion */
	struct run runs[MAX_RUNS];
	size_t nruns;
	bool overflow;       /* more runs than MAX_RUNS */
	size_t nactions;     /* actions in the runs (runs may overlap: an upper bound) */
	/* the Deny statements policy_denies() reads, listed once per
	 * policy: a policy of one Deny and many Allows asks it per Allow */
	const struct iamp_statement **denies;
	size_t ndenies;
	/* the act_index of each statement that grants freely, made when
	 * first asked (stmt_index) and kept for the policy: the
	 * least-privilege names and PRIVILEGE_ESCALATION ask the same
	 * statements; NULL until one is made */
	struct act_index **index;
	/* which work the enabled rules need (a disabled rule does none) */
	bool names;          /* UNKNOWN_SERVICE, UNKNOWN_ACTION, ACTION_MATCHES_NOTHING */
	bool expand;         /* the rules that read the expansion */
	bool conditions;     /* the condition key rules */
	bool least;          /* the least-privilege rules */
	/* the last unknown service and its nearest (a policy names an
	 * unknown service in item after item: one search of the catalog) */
	const char *unknown;
	size_t unknown_len;
	const struct iamp_service *near;
};

#define DIAG(l, rule, span, ...) \
	iamp_doc_diag((l)->diags, (l)->p->doc, IAMP_RULE_##rule, (span), __VA_ARGS__)
/* A disabled rule does no work (diag.h): WANTS guards a computation,
 * WORK marks it as done past the guard. */
#define WANTS(l, rule) iamp_diags_wants((l)->diags, IAMP_RULE_##rule)
#define WORK(l, rule) iamp_diags_work((l)->diags, IAMP_RULE_##rule)

/* Work that several rules share is done when one of them is on. */
#define RULES(...) ((const enum iamp_rule_id[]){ __VA_ARGS__, IAMP_RULE__COUNT })
#define WORK_FOR(l, rules) iamp_diags_work_for((l)->diags, rules)
/* the catalog lookups of Action items: what is unknown */
#define name_rules RULES(IAMP_RULE_UNKNOWN_SERVICE, IAMP_RULE_UNKNOWN_ACTION, IAMP_RULE_ACTION_MATCHES_NOTHING)
/* the rules that read a statement's expansion into catalog actions */
#define expand_rules RULES(IAMP_RULE_RESOURCE_MISMATCH, IAMP_RULE_WILDCARD_ONLY_WITH_RESOURCE, \
			   IAMP_RULE_CONDITION_KEY_NOT_APPLICABLE, IAMP_RULE_PERMISSIONS_MANAGEMENT_STAR, \
			   IAMP_RULE_RESOURCE_STAR)
#define condition_rules RULES(IAMP_RULE_UNKNOWN_CONDITION_KEY, IAMP_RULE_MISMATCHED_TYPE, \
			      IAMP_RULE_CONDITION_KEY_NOT_APPLICABLE)
#define resource_rules RULES(IAMP_RULE_RESOURCE_MISMATCH, IAMP_RULE_WILDCARD_ONLY_WITH_RESOURCE)
/* the rules that ask whether the policy denies an action everywhere */
#define deny_rules RULES(IAMP_RULE_PASS_ROLE_WITH_STAR_IN_RESOURCE, IAMP_RULE_CREATE_SLR_WITH_STAR_IN_RESOURCE, \
			 IAMP_RULE_SENSITIVE_DATA_STAR, IAMP_RULE_PERMISSIONS_MANAGEMENT_STAR, \
			 IAMP_RULE_PRIVILEGE_ESCALATION)
#define least_rules RULES(IAMP_RULE_SERVICE_WILDCARD, IAMP_RULE_PASS_ROLE_WITH_STAR_IN_RESOURCE, \
			  IAMP_RULE_CREATE_SLR_WITH_STAR_IN_RESOURCE, IAMP_RULE_SENSITIVE_DATA_STAR, \
			  IAMP_RULE_PERMISSIONS_MANAGEMENT_STAR, IAMP_RULE_RESOURCE_STAR)
#define typed_rules RULES(IAMP_RULE_PERMISSIONS_MANAGEMENT_STAR, IAMP_RULE_RESOURCE_STAR)

static const struct iamp_action *action_at(uint32_t i)
{
	return &iamp_catalog_actions[i];
}

/* Appends ", item" (or "item" first) to a bounded list; truncates. */
static void append(char *buf, size_t size, size_t *n, const char *item, unsigned line)
{
	int w;

	if (*n + 1 >= size)
		return;
	if (line)
		w = snprintf(buf + *n, size - *n, "%s%s (line %u)", *n ? ", " : "", item, line);
	else
		w = snprintf(buf + *n, size - *n, "%s%s", *n ? ", " : "", item);
	if (w > 0)
		*n = *n + (size_t)w < size ? *n + (size_t)w : size - 1;
}

static bool has_wildcard(const char *s, size_t len)
{
	return memchr(s, '*', len) || memchr(s, '?', len);
}

/* ---- expansion ---------------------------------------------------------- */

static int add_run(void *ctx, uint32_t first, uint32_t end)
{
	struct clint *l = ctx;

	if (l->nruns == MAX_RUNS) {
		l->overflow = true;
		return 1;
	}
	l->runs[l->nruns].first = first;
	l->runs[l->nruns].end = end;
	l->nruns++;
	l->nactions += end - first;
	return 0;
}

/* Whether one pattern list matches the action name. */
static bool list_matches(const struct iamp_list *list, const char *name, size_t len)
{
	int c0 = tolower((unsigned char)name[0]), cn = len ? tolower((unsigned char)name[len - 1]) : 0;

	for (size_t i = 0; i < list->count; i++) {
		const struct iamp_str *it = &list->items[i];
		int p0, pn;

		if (!it->len)
			continue; /* matches no name */
		p0 = tolower((unsigned char)it->text[0]);
		if (p0 != c0 && p0 != '*' && p0 != '?')
			continue; /* the common case, decided without the glob */
		/* a literal last character matches only the name's last
		 * (the glob ends on it): "iam:PassRole" against "iam:GetRole" */
		pn = tolower((unsigned char)it->text[it->len - 1]);
		if (pn != cn && pn != '*' && pn != '?')
			continue;
		if (iamp_catalog_glob(it->text, it->len, name, len))
			return true;
	}
	return false;
}

/*
 * The first characters of a list's patterns, folded, as the bits c & 63,
 * and whether one begins with a wildcard. list_matches can match a name
 * only when the name's first character is among them, or one pattern
 * begins with a wildcard: the checks that ask one list about many names
 * (PRIVILEGE_ESCALATION's table, the sensitive actions) skip the others
 * without reading the list. A shared bit only costs the full test.
 */
struct first_chars {
	uint64_t bits;
	bool wild;
};

static struct first_chars first_chars_of(const struct iamp_list *list)
{
	struct first_chars fc = { 0, false };

	for (size_t i = 0; i < list->count; i++) {
		int c;

		if (!list->items[i].len)
			continue; /* matches nothing */
		c = tolower((unsigned char)list->items[i].text[0]);
		if (c == '*' || c == '?')
			fc.wild = true;
		else
			fc.bits |= UINT64_C(1) << (c & 63);
	}
	return fc;
}

/*
 * An Action list's literal items by a key of their text, for the checks
 * that ask one long list about many names (PRIVILEGE_ESCALATION's table
 * and the least-privilege names ask each statement that grants freely
 * about some 50 names, and some managed policies list a hundred actions:
 * list_matches would read every item for each name).
 *
 * A literal item (no '*' or '?') matches a name only when the two are
 * equal but for ASCII case (iamp_catalog_glob), so only when they have
 * the same length and the same folded first, middle and last characters:
 * that is the key. A name is answered by the items of its key (each
 * still tested with iamp_catalog_glob, so a shared key only costs a
 * test) and by list_matches over the wildcard items, which the index
 * keeps apart. Empty items match nothing and are left out.
 */
#define INDEX_MIN 8 /* shorter lists are read item by item */

struct index_slot {
	uint32_t item;      /* item index + 1; 0 when the slot is empty */
	uint32_t key;       /* literal_key of the item */
};

struct act_index {
	struct index_slot *slot; /* open addressing, at most half full */
	uint32_t mask;      /* slots - 1, a power of two less one */
	unsigned shift;     /* 32 - log2(slots) */
	struct iamp_list wild; /* the wildcard items, as a list */
	/* the slots, then the wild items, in the same allocation */
};

static uint32_t literal_key(const char *s, size_t len)
{
	return (uint32_t)(len & 0xff) << 24 |
	       (uint32_t)iamp_catalog_fold((unsigned char)s[0]) << 16 |
	       (uint32_t)iamp_catalog_fold((unsigned char)s[len / 2]) << 8 |
	       (uint32_t)iamp_catalog_fold((unsigned char)s[len - 1]);
}

/* The first slot of a key: the high bits of a multiplicative hash, which
 * depend on every byte of the key (the low bits of the product would
 * depend only on the last characters, which many names share). */
static uint32_t key_slot(uint32_t key, unsigned shift)
{
	return (key * 2654435761u) >> shift;
}

/* The index of a list of at least INDEX_MIN items, in one allocation;
 * NULL when out of memory (the caller then reads the list: the same
 * answers). */
static struct act_index *act_index_new(const struct iamp_list *list)
{
	struct act_index *ix;
	size_t n = 16, nwild = 0;
	unsigned shift = 28;

	while (n < 2 * list->count) {
		n *= 2;
		shift--;
	}
	if (shift < 1)
		return NULL; /* no such list fits in memory */
	/* room for the wild items there are, not one per item: with the
	 * slots alone cleared, a 3,000-action list touches 48 KB, not 144
	 * (fresh pages are page faults; issue 13) */
	for (size_t i = 0; i < list->count; i++)
		nwild += list->items[i].len && has_wildcard(list->items[i].text, list->items[i].len);
	ix = malloc(sizeof *ix + n * sizeof *ix->slot + nwild * sizeof *ix->wild.items);
	if (!ix)
		return NULL;
	memset(ix, 0, sizeof *ix + n * sizeof *ix->slot);
	ix->slot = (struct index_slot *)(ix + 1);
	ix->mask = (uint32_t)n - 1;
	ix->shift = shift;
	ix->wild.items = (struct iamp_str *)(ix->slot + n);
	ix->wild.present = true;
	for (size_t i = 0; i < list->count; i++) {
		const struct iamp_str *it = &list->items[i];
		uint32_t k, at;

		if (!it->len)
			continue; /* matches no name */
		if (has_wildcard(it->text, it->len)) {
			ix->wild.items[ix->wild.count++] = *it;
			continue;
		}
		k = literal_key(it->text, it->len);
		for (at = key_slot(k, ix->shift); ix->slot[at].item; at = (at + 1) & ix->mask)
			;
		ix->slot[at].item = (uint32_t)i + 1;
		ix->slot[at].key = k;
	}
	return ix;
}

/* list_matches(list, name, len) for the list `ix` indexes. */
static bool index_matches(const struct act_index *ix, const struct iamp_list *list,
			  const char *name, size_t len)
{
	uint32_t k;

	if (!len)
		return list_matches(&ix->wild, name, len); /* no literal is empty */
	k = literal_key(name, len);
	for (uint32_t at = key_slot(k, ix->shift); ix->slot[at].item; at = (at + 1) & ix->mask) {
		const struct iamp_str *it = &list->items[ix->slot[at].item - 1];

		if (ix->slot[at].key == k && iamp_catalog_glob(it->text, it->len, name, len))
			return true;
	}
	return list_matches(&ix->wild, name, len);
}

/* The act_index of a statement of the policy, made on first use; NULL
 * for a short list or when out of memory (then the list is read). */
static const struct act_index *stmt_index(struct clint *l, const struct iamp_statement *st)
{
	size_t i = (size_t)(st - l->p->statements);

	if (st->action.count < INDEX_MIN)
		return NULL;
	if (!l->index && !(l->index = calloc(l->p->statement_count, sizeof *l->index)))
		return NULL;
	if (!l->index[i])
		l->index[i] = act_index_new(&st->action);
	return l->index[i];
}

/* Whether the statement's Action/NotAction covers the action name; `fc`,
 * when given, is first_chars_of(&st->action). With `l`, the statement is
 * one of l's policy and a long list is read through its act_index (made
 * only when the first characters leave the name possible). */
static bool stmt_has_action(struct clint *l, const struct iamp_statement *st, const char *name,
			    const struct first_chars *fc)
{
	size_t len = strlen(name);
	const struct act_index *ix;
	bool matches;

	if (!st->action.present)
		return false;
	if (fc && !fc->wild && !(fc->bits >> (tolower((unsigned char)name[0]) & 63) & 1))
		matches = false;
	else if (l && (ix = stmt_index(l, st)))
		matches = index_matches(ix, &st->action, name, len);
	else
		matches = list_matches(&st->action, name, len);
	return matches != st->action.is_not;
}

static bool is_star(const struct iamp_str *s)
{
	return s->len == 1 && s->text[0] == '*';
}

/* Resource "*" among the items, or NotResource: every resource. */
static bool stmt_on_every_resource(const struct iamp_statement *st)
{
	if (!st->resource.present)
		return st->action.present; /* trust policies: the role itself */
	if (st->resource.is_not)
		return true;
	for (size_t i = 0; i < st->resource.count; i++)
		if (is_star(&st->resource.items[i]))
			return true;
	return false;
}

/* An Allow statement that grants without restriction (see the header). */
static bool stmt_grants_freely(const struct iamp_statement *st)
{
	return st->effect == IAMP_EFFECT_ALLOW && !st->has_condition &&
	       st->action.present && stmt_on_every_resource(st);
}

static bool stmt_denies_freely(const struct iamp_statement *st)
{
	return st->effect == IAMP_EFFECT_DENY && !st->has_condition &&
	       st->action.present && stmt_on_every_resource(st);
}

/* Whether the policy denies the action everywhere, unconditionally. */
static bool policy_denies(const struct clint *l, const char *name)
{
	for (size_t i = 0; i < l->ndenies; i++)
		if (stmt_has_action(NULL, l->denies[i], name, NULL))
			return true;
	return false;
}

/* ---- did you mean ------------------------------------------------------- */

/* Case-insensitive Levenshtein distance, capped at `cap` + 1 (lint.h). */
size_t iamp_lint_distance(const char *a, size_t la, const char *b, size_t lb, size_t cap)
{
	size_t row[MAX_NAME + 1];

	if (la > MAX_NAME || lb > MAX_NAME)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t v = diag + cost;

			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (up + 1 < v)
				v = up + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

static size_t suggestion_cap(size_t len)
{
	return len < 8 ? 1 : len < 16 ? 2 : 3;
}

/* The service action nearest to `name` (the part after the colon). */
static const struct iamp_action *nearest_action(const struct iamp_service *s,
						const char *name, size_t len)
{
	const struct iamp_action *best = NULL;
	size_t cap = suggestion_cap(len), bestd = cap + 1;

	for (uint32_t i = 0; i < s->action_count; i++) {
		const struct iamp_action *a = action_at(s->first_action + i);
		const char *n = iamp_catalog_str(a->name);
		size_t d = iamp_lint_distance(name, len, n, strlen(n), bestd - 1 < cap ? bestd - 1 : cap);

		if (d < bestd) {
			bestd = d;
			best = a;
		}
	}
	return best;
}

static const struct iamp_service *nearest_service(const char *name, size_t len)
{
	const struct iamp_service *best = NULL;
	size_t cap = suggestion_cap(len), bestd = cap + 1;

	for (uint32_t i = 0; i < iamp_catalog_counts.services; i++) {
		const char *n = iamp_catalog_str(iamp_catalog_services[i].prefix);
		size_t d = iamp_lint_distance(name, len, n, strlen(n), cap);

		if (d < bestd) {
			bestd = d;
			best = &iamp_catalog_services[i];
		}
	}
	return best;
}

/* ---- actions ------------------------------------------------------------- */

/*
 * Checks one Action/NotAction item and, for Action, adds what it matches
 * to l->runs: one catalog search per item (the expensive part of this
 * file), a second only when the item is wrong.
 */
static void check_action(struct clint *l, const struct iamp_str *a, bool add)
{
	const char *colon = memchr(a->text, ':', a->len);
	size_t plen, nlen, count = 0;
	const struct iamp_service *s;
	const struct iamp_action *act;
	char buf[MAX_NAME];

	if (!add)
		WORK_FOR(l, name_rules); /* called only when it adds or names */
	if (has_wildcard(a->text, a->len)) {
		if (add && !l->overflow)
			iamp_catalog_match(&count, a->text, a->len, add_run, l);
		else
			count = iamp_catalog_match_count(a->text, a->len);
		if (count || l->overflow || !colon)
			return;
	} else if (colon && (act = iamp_catalog_action(a->text, a->len))) {
		uint32_t i = iamp_catalog_action_index(act);

		if (add && !l->overflow)
			add_run(l, i, i + 1);
		return;
	}
	if (!colon)
		return; /* INVALID_ACTION says what is wrong with no colon */
	plen = (size_t)(colon - a->text);
	nlen = a->len - plen - 1;
	if (has_wildcard(a->text, plen)) {
		DIAG(l, ACTION_MATCHES_NOTHING, a->span, "\"%s\" matches no action", a->text);
		return;
	}
	s = iamp_catalog_service(a->text, plen);
	if (!s) {
		const struct iamp_service *near;

		if (!WANTS(l, UNKNOWN_SERVICE))
			return;
		WORK(l, UNKNOWN_SERVICE);
		/* distance() folds case as strncasecmp does: a service equal
		 * but for case has the same nearest */
		if (l->unknown && l->unknown_len == plen && strncasecmp(l->unknown, a->text, plen) == 0) {
			near = l->near;
		} else {
			near = nearest_service(a->text, plen);
			l->unknown = a->text;
			l->unknown_len = plen;
			l->near = near;
		}

		if (near)
			DIAG(l, UNKNOWN_SERVICE, a->span, "unknown service prefix \"%.*s\" in \"%s\": did you mean \"%s\"?",
			     (int)plen, a->text, a->text, iamp_catalog_str(near->prefix));
		else
			DIAG(l, UNKNOWN_SERVICE, a->span, "unknown service prefix \"%.*s\" in \"%s\"",
			     (int)plen, a->text, a->text);
		return;
	}
	if (has_wildcard(colon + 1, nlen)) {
		DIAG(l, ACTION_MATCHES_NOTHING, a->span, "\"%s\" matches no action of %s",
		     a->text, iamp_catalog_str(s->prefix));
		return;
	}
	if (!WANTS(l, UNKNOWN_ACTION))
		return;
	WORK(l, UNKNOWN_ACTION);
	const struct iamp_action *near = nearest_action(s, colon + 1, nlen);

	if (near) {
		iamp_catalog_action_format(buf, sizeof buf, near);
		DIAG(l, UNKNOWN_ACTION, a->span, "unknown action \"%s\": did you mean \"%s\"?", a->text, buf);
	} else {
		DIAG(l, UNKNOWN_ACTION, a->span, "unknown action \"%s\" (%s has %u actions)",
		     a->text, iamp_catalog_str(s->prefix), s->action_count);
	}
}

static bool same_fold(const struct iamp_str *a, const struct iamp_str *b)
{
	return a->len == b->len && strncasecmp(a->text, b->text, a->len) == 0;
}

static void check_redundant_actions(struct clint *l, const struct iamp_list *list)
{
	if (list->count > MAX_PAIRWISE || !WANTS(l, REDUNDANT_ACTION))
		return;
	WORK(l, REDUNDANT_ACTION);
	size_t wild[MAX_PAIRWISE], nwild = 0;

	for (size_t j = 0; j < list->count; j++)
		if (has_wildcard(list->items[j].text, list->items[j].len))
			wild[nwild++] = j;
	/* only literals: repeats are DUPLICATE_VALUE's */
	for (size_t i = 0; i < list->count && nwild; i++) {
		const struct iamp_str *a = &list->items[i];

		for (size_t w = 0; w < nwild; w++) {
			size_t j = wild[w];
			const struct iamp_str *b = &list->items[j];

			if (i == j || same_fold(a, b) ||
			    !iamp_pattern_covers(b->text, b->len, a->text, a->len, true))
				continue;
			DIAG(l, REDUNDANT_ACTION, a->span, "\"%s\" is covered by \"%s\" (line %u)",
			     a->text, b->text, b->span.start.line);
			break;
		}
	}
}

/* ---- condition keys ------------------------------------------------------ */

static bool op_fits(enum iamp_cond_type op, enum iamp_key_type key)
{
	switch (op) {
	case IAMP_COND_NULL:
		return true;
	case IAMP_COND_STRING:
		/* String operators compare the text: fine on ARNs, booleans and
		 * binary keys (as Access Analyzer accepts), wrong on numbers,
		 * dates and IPs, whose comparisons are not textual. */
		return key == IAMP_KEY_STRING || key == IAMP_KEY_ARN ||
		       key == IAMP_KEY_BOOL || key == IAMP_KEY_BINARY;
	case IAMP_COND_ARN:
		/* on String keys only where the value is free-form (templates:
		 * tags, encryption context), as check_condition() decides */
		return key == IAMP_KEY_ARN;
	case IAMP_COND_NUMERIC:
		return key == IAMP_KEY_NUMERIC;
	case IAMP_COND_DATE:
		return key == IAMP_KEY_DATE;
	case IAMP_COND_BOOL:
		return key == IAMP_KEY_BOOL;
	case IAMP_COND_IP:
		return key == IAMP_KEY_IP;
	case IAMP_COND_BINARY:
		return key == IAMP_KEY_BINARY;
	}
	return true;
}

/* Whether an action of the statement (its expansion) lists the key. */
static bool key_applies(struct clint *l, const struct iamp_statement *st,
			const struct iamp_condition_key *k)
{
	size_t seen = 0;
	const char *name = iamp_catalog_str(k->name), *colon = strchr(name, ':');
	const struct iamp_service *s = colon ? iamp_catalog_service(name, (size_t)(colon - name)) : NULL;

	if (!st->action.present || st->action.is_not || l->overflow)
		return true; /* NotAction covers nearly everything */
	/* The key's own service first: its actions are one range. */
	if (s) {
		uint32_t lo = s->first_action, hi = lo + s->action_count;

		for (size_t r = 0; r < l->nruns; r++) {
			uint32_t a = l->runs[r].first > lo ? l->runs[r].first : lo;
			uint32_t b = l->runs[r].end < hi ? l->runs[r].end : hi;

			for (uint32_t i = a; i < b; i++)
				if (iamp_catalog_action_has_key(action_at(i), k))
					return true;
		}
	}
	/* Another service's action listing the key is rare: look, within
	 * bounds. */
	if (l->nactions > MAX_EXPAND)
		return !s; /* too broad to examine */
	for (size_t r = 0; r < l->nruns; r++) {
		for (uint32_t i = l->runs[r].first; i < l->runs[r].end; i++) {
			if (iamp_catalog_action_has_key(action_at(i), k))
				return true;
			if (++seen > MAX_EXPAND)
				return true;
		}
	}
	return false;
}

/*
 * Some services list their tag keys as "svc:ResourceTag/tag-key" rather
 * than as a ${TagKey} template ("secretsmanager:ResourceTag/tag-key"):
 * "svc:ResourceTag/Owner" is that key.
 */
static const struct iamp_condition_key *tag_key_template(const char *name, size_t len)
{
	const char *slash = memchr(name, '/', len);
	char buf[MAX_NAME];
	size_t pre;

	if (!slash || slash + 1 == name + len)
		return NULL;
	pre = (size_t)(slash + 1 - name);
	if (pre + sizeof "tag-key" > sizeof buf)
		return NULL;
	memcpy(buf, name, pre);
	memcpy(buf + pre, "tag-key", sizeof "tag-key");
	return iamp_catalog_key(buf, pre + sizeof "tag-key" - 1);
}

static void check_condition(struct clint *l, const struct iamp_statement *st,
			    const struct iamp_condition *c)
{
	const struct iamp_condition_key *k;
	const char *colon;

	WORK_FOR(l, condition_rules);
	k = iamp_catalog_key(c->key.text, c->key.len);
	if (!k)
		k = tag_key_template(c->key.text, c->key.len);
	if (!k && iamp_lint_is_provider_key(c->key.text, c->key.len))
		return; /* an identity provider's claim (lint_aa.c) */
	if (!k && iamp_lint_is_retired_key(c->key.text, c->key.len))
		return; /* aws:ARN: DEPRECATED_ or UNSUPPORTED_GLOBAL_CONDITION_KEY (lint_aa_keys.c) */

	if (!k) {
		colon = memchr(c->key.text, ':', c->key.len);
		if (colon && colon - c->key.text == 3 && strncasecmp(c->key.text, "aws", 3) == 0)
			DIAG(l, UNKNOWN_CONDITION_KEY, c->key.span, "\"%s\" is not a global condition key", c->key.text);
		else if (colon && iamp_catalog_service(c->key.text, (size_t)(colon - c->key.text)))
			DIAG(l, UNKNOWN_CONDITION_KEY, c->key.span, "\"%s\" is not a condition key of %.*s",
			     c->key.text, (int)(colon - c->key.text), c->key.text);
		else
			DIAG(l, UNKNOWN_CONDITION_KEY, c->key.span, "unknown condition key \"%s\"", c->key.text);
		return;
	}
	if (c->op && k->type != IAMP_KEY_UNKNOWN && !op_fits(c->op->type, (enum iamp_key_type)k->type) &&
	    !(c->op->type == IAMP_COND_ARN && k->type == IAMP_KEY_STRING && (k->flags & IAMP_KEY_TEMPLATE)))
		DIAG(l, MISMATCHED_TYPE, c->key.span, "%s on \"%s\", a key of type %s",
		     c->op->name, c->key.text, iamp_catalog_key_type_name(k));
	/* UNSUPPORTED_ACTION_FOR_CONDITION_KEY names literal actions one by one (lint_aa_keys.c) */
	if (!(k->flags & IAMP_KEY_GLOBAL) && WANTS(l, CONDITION_KEY_NOT_APPLICABLE) && !iamp_lint_key_actions_judged(st, c) &&
	    !key_applies(l, st, k))
		DIAG(l, CONDITION_KEY_NOT_APPLICABLE, c->key.span,
		     "\"%s\" applies to none of the statement's actions", c->key.text);
}

/* ---- resources ------------------------------------------------------------ */

/*
 * Copies an ARN or ARN format into out as a glob: each ${...} becomes
 * '*'. Returns the length, or 0 when it does not fit (out holds at most
 * size - 1 characters and the NUL). The text between two '$' is copied
 * in one piece: formats have a few variables in sixty characters.
 */
static size_t arn_glob(char *out, size_t size, const char *s, size_t len)
{
	const char *end = s + len;
	size_t n = 0;

	while (s < end) {
		const char *dollar = memchr(s, '$', (size_t)(end - s)), *close;
		size_t run = (size_t)((dollar ? dollar : end) - s);

		if (run && n + run >= size)
			return 0;
		memcpy(out + n, s, run);
		n += run;
		if (!dollar)
			break;
		if (n + 1 >= size)
			return 0;
		if (dollar + 1 < end && dollar[1] == '{' && (close = memchr(dollar, '}', (size_t)(end - dollar)))) {
			out[n++] = '*';
			s = close + 1;
		} else {
			out[n++] = '$';
			s = dollar + 1;
		}
	}
	out[n] = '\0';
	return n;
}

/*
 * Whether two globs (* and ?) match a common string. Dynamic programming
 * over suffix pairs, from the ends: ok[i][j] says whether a[i..] and
 * b[j..] intersect. One row of (lb + 1) flags per i.
 */
static bool globs_meet(const char *a, size_t la, const char *b, size_t lb)
{
	bool next[MAX_ARN + 1], cur[MAX_ARN + 1];

	if (la > MAX_ARN || lb > MAX_ARN || (la == 1 && a[0] == '*') || (lb == 1 && b[0] == '*'))
		return true;
	/* equal literal ends decide nothing: drop them */
	while (la && lb && a[la - 1] != '*' && b[lb - 1] != '*') {
		if (a[la - 1] != '?' && b[lb - 1] != '?' &&
		    tolower((unsigned char)a[la - 1]) != tolower((unsigned char)b[lb - 1]))
			return false;
		la--;
		lb--;
	}
	while (la && lb && a[0] != '*' && b[0] != '*') {
		if (a[0] != '?' && b[0] != '?' &&
		    tolower((unsigned char)a[0]) != tolower((unsigned char)b[0]))
			return false;
		a++, b++, la--, lb--;
	}
	if ((la == 1 && a[0] == '*') || (lb == 1 && b[0] == '*'))
		return true;
	/* row i = la: a is empty; b[j..] must be all stars */
	next[lb] = true;
	for (size_t j = lb; j-- > 0;)
		next[j] = b[j] == '*' && next[j + 1];
	for (size_t i = la; i-- > 0;) {
		cur[lb] = a[i] == '*' && next[lb];
		for (size_t j = lb; j-- > 0;) {
			bool v;

			if (a[i] == '*')
				v = next[j] || cur[j + 1];
			else if (b[j] == '*')
				v = cur[j + 1] || next[j];
			else
				v = (a[i] == '?' || b[j] == '?' ||
				     tolower((unsigned char)a[i]) == tolower((unsigned char)b[j])) &&
				    next[j + 1];
			cur[j] = v;
		}
		memcpy(next, cur, (lb + 1) * sizeof *cur);
	}
	return next[0];
}

/*
 * A resource glob (an ARN of the policy, ${...} made '*'), with what the
 * comparison with each resource type reads of it worked out once
 * (resource_fits): the statement's actions may have hundreds of types.
 */
struct res_glob {
	const char *text;
	size_t len;
	bool split;            /* iamp_arn_split's six fields, below */
	const char *f[6];
	size_t fl[6];
	const char *svc;       /* the service field (third), when literal */
	size_t svclen;
	bool shifts;           /* a '*' before the second colon: the fields may shift */
};

/* Whether ARN glob a can name a resource of r: field by field, as AWS
 * compares ARNs, with the whole string as a fallback. */
static bool arns_meet(const char *a, size_t la, const struct res_glob *r)
{
	const char *fa[6];
	size_t fla[6];

	if (!r->split || !iamp_arn_split(a, la, fa, fla))
		return globs_meet(a, la, r->text, r->len);
	for (int i = 5; i >= 0; i--) { /* the resource field first: it differs most */
		const char *x = fa[i], *y = r->f[i];
		size_t lx = fla[i], ly = r->fl[i], k;

		/* literal prefixes must agree before the DP */
		for (k = 0; k < lx && k < ly && x[k] != '*' && x[k] != '?' &&
			    y[k] != '*' && y[k] != '?'; k++)
			if (tolower((unsigned char)x[k]) != tolower((unsigned char)y[k]))
				return false;
		if (!globs_meet(x, lx, y, ly))
			return false;
	}
	return true;
}

/* The service field (third) of an ARN glob; false when absent. */
static bool arn_service(const char *s, size_t len, const char **out, size_t *olen)
{
	const char *c1 = memchr(s, ':', len), *c2, *c3;

	if (!c1 || !(c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s))) ||
	    !(c3 = memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - s))))
		return false;
	*out = c2 + 1;
	*olen = (size_t)(c3 - c2 - 1);
	return true;
}

static void res_glob_init(struct res_glob *r, const char *text, size_t len)
{
	const char *c1 = memchr(text, ':', len), *c2;

	r->text = text;
	r->len = len;
	r->split = iamp_arn_split(text, len, r->f, r->fl);
	if (!arn_service(text, len, &r->svc, &r->svclen) || has_wildcard(r->svc, r->svclen))
		r->svc = NULL;
	c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - text)) : NULL;
	r->shifts = memchr(text, '*', c2 ? (size_t)(c2 - text) : len) != NULL;
}

/*
 * A quick refusal before the full comparison: the literal beginnings of
 * the resource fields (after the fifth colon) of an ARN format, split
 * into `ff`, and of a resource glob must agree ("role/" against
 * "user/"). Either with fewer than five colons, or a '*' in the glob's
 * first two fields (they may shift), decides nothing.
 */
static bool resource_prefix_meets(const char *const ff[6], const size_t ffl[6], const struct res_glob *r)
{
	const char *f = ff[5], *fe = ff[5] + ffl[5], *p, *re;

	if (!r->split || r->shifts)
		return true;
	for (p = r->f[5], re = r->f[5] + r->fl[5]; f < fe && p < re; f++, p++) {
		if (*f == '$' || *p == '*' || *p == '?' || *p == '$')
			return true;
		if (tolower((unsigned char)*f) != tolower((unsigned char)*p))
			return false;
	}
	return true;
}

static bool type_meets(const struct iamp_resource_type *rt, const struct res_glob *r)
{
	char fmt[MAX_ARN + 1];
	const char *arn = iamp_catalog_str(rt->arn);

	/* A few types list alternatives: "arn:...:/apis, arn:...:/restapis". */
	for (const char *next; arn; arn = next) {
		const char *comma = strchr(arn, ','), *ff[6], *fsvc;
		size_t alen, flen, ffl[6], fsvclen;
		bool split;

		/* strstr(arn, ", "), at a fraction of its cost on short texts */
		while (comma && comma[1] != ' ')
			comma = strchr(comma + 1, ',');
		alen = comma ? (size_t)(comma - arn) : strlen(arn);
		next = comma ? comma + 2 : NULL;
		/* the catalog's split of a format without alternatives, made
		 * at build time, is iamp_arn_split's */
		if (arn == iamp_catalog_str(rt->arn) && !comma)
			split = iamp_catalog_resource_type_arn(rt, ff, ffl);
		else
			split = iamp_arn_split(arn, alen, ff, ffl);
		if (split && !resource_prefix_meets(ff, ffl, r))
			continue;
		/* The service fields first, on the raw format: most types fail here. */
		if (split) {
			fsvc = ff[2];
			fsvclen = ffl[2];
		}
		if (r->svc && (split || arn_service(arn, alen, &fsvc, &fsvclen)) &&
		    !memchr(fsvc, '$', fsvclen) && !has_wildcard(fsvc, fsvclen) &&
		    (fsvclen != r->svclen || strncasecmp(fsvc, r->svc, r->svclen) != 0))
			continue;
		flen = arn_glob(fmt, sizeof fmt, arn, alen);
		if (!flen || arns_meet(fmt, flen, r))
			return true;
	}
	return false;
}

/*
 * Whether the resource pattern can name a resource of one of the
 * statement's actions. Actions without resource types (wildcard-only)
 * do not count here.
 */
static bool resource_fits(struct clint *l, const char *res, size_t rlen)
{
	struct res_glob r;
	size_t seen = 0;
	uint64_t tried[(UINT16_MAX + 1) / 64]; /* resource types already compared */

	res_glob_init(&r, res, rlen);
	memset(tried, 0, ((iamp_catalog_counts.resource_types + 63) / 64) * sizeof *tried);

	for (size_t i = 0; i < l->nruns; i++) {
		for (uint32_t j = l->runs[i].first; j < l->runs[i].end; j++) {
			const struct iamp_action *a = action_at(j);

			if (++seen > MAX_EXPAND)
				return true;
			for (uint32_t k = 0; k < a->resource_count; k++) {
				const struct iamp_action_resource *ar =
					&iamp_catalog_action_resources[a->first_resource + k];

				if (tried[ar->type / 64] & (UINT64_C(1) << (ar->type % 64)))
					continue;
				tried[ar->type / 64] |= UINT64_C(1) << (ar->type % 64);
				if (type_meets(&iamp_catalog_resource_types[ar->type], &r))
					return true;
			}
		}
	}
	return false;
}

static void check_resources(struct clint *l, const struct iamp_statement *st)
{
	const struct iamp_list *res = &st->resource;
	bool any_typed = false, star = false;
	size_t seen = 0;

	if (!iamp_diags_wants_any(l->diags, resource_rules))
		return;
	WORK_FOR(l, resource_rules);
	if (!res->present || res->is_not || !st->action.present || st->action.is_not || st->symbolic ||
	    l->overflow || l->nruns == 0 || l->nactions > MAX_EXPAND)
		return;
	for (size_t i = 0; i < res->count; i++)
		if (iamp_catalog_glob(res->items[i].text, res->items[i].len, "*", 1))
			star = true;
	for (size_t r = 0; r < l->nruns && !any_typed; r++)
		for (uint32_t i = l->runs[r].first; i < l->runs[r].end && !any_typed; i++)
			any_typed = action_at(i)->resource_count > 0 || ++seen > MAX_EXPAND;
	if (!any_typed) {
		if (!star)
			DIAG(l, WILDCARD_ONLY_WITH_RESOURCE, res->span,
			     "every action of the statement supports only Resource \"*\": with these resources it never applies");
		return;
	}
	for (size_t i = 0; i < res->count; i++) {
		const struct iamp_str *r = &res->items[i];
		char glob[MAX_ARN + 1];
		size_t glen;

		if (r->len < 4 || strncmp(r->text, "arn:", 4) != 0 || !WANTS(l, RESOURCE_MISMATCH))
			continue; /* "*", or not an ARN (INVALID_ARN) */
		WORK(l, RESOURCE_MISMATCH);
		glen = arn_glob(glob, sizeof glob, r->text, r->len);
		if (!glen || resource_fits(l, glob, glen) ||
		    (WANTS(l, INVALID_ARN_RESOURCE) && iamp_lint_arn_type_misspelled(r->text, r->len)))
			continue; /* a misspelled type: INVALID_ARN_RESOURCE's, one finding per mistake */
		DIAG(l, RESOURCE_MISMATCH, r->span,
		     "\"%s\" matches none of the resource types of the statement's actions", r->text);
	}
}

/* ---- least privilege ------------------------------------------------------ */

static const char *const sensitive_actions[] = {
	"s3:GetObject", "secretsmanager:GetSecretValue", "ssm:GetParameter",
	"ssm:GetParameters", "ssm:GetParametersByPath", "kms:Decrypt",
};

/* Whether the statement grants the action and the policy does not deny
 * it, asked for `rule` (false when the rule is off: no work). */
static bool grants_undenied(struct clint *l, const struct iamp_statement *st, const struct first_chars *fc,
			    const char *name, enum iamp_rule_id rule)
{
	if (!iamp_diags_wants(l->diags, rule))
		return false;
	iamp_diags_work(l->diags, rule);
	return stmt_has_action(l, st, name, fc) && !policy_denies(l, name);
}

static void check_least_privilege(struct clint *l, const struct iamp_statement *st)
{
	const struct iamp_list *act = &st->action;
	char names[256], buf[MAX_NAME];
	size_t n = 0, count = 0, seen = 0;
	bool typed = false;
	struct first_chars fc;

	if (l->p->type != IAMP_POLICY_IDENTITY || !l->least || !stmt_grants_freely(st))
		return;
	WORK_FOR(l, least_rules);
	/* ALLOW_ALL (lint.c) already reports "*" on "*". */
	if (!WANTS(l, SERVICE_WILDCARD)) {
		/* nothing to look for */
	} else if (act->is_not) {
		DIAG(l, SERVICE_WILDCARD, act->key_span,
		     "Allow with NotAction grants every action except the %zu listed", act->count);
	} else {
		for (size_t i = 0; i < act->count; i++) {
			const struct iamp_str *a = &act->items[i];
			const char *colon = memchr(a->text, ':', a->len);

			if (colon && a->text + a->len - colon == 2 && colon[1] == '*' &&
			    !has_wildcard(a->text, (size_t)(colon - a->text)))
				DIAG(l, SERVICE_WILDCARD, a->span, "\"%s\" grants every action of %.*s",
				     a->text, (int)(colon - a->text), a->text);
		}
	}
	fc = first_chars_of(act);
	if (grants_undenied(l, st, &fc, "iam:PassRole", IAMP_RULE_PASS_ROLE_WITH_STAR_IN_RESOURCE))
		DIAG(l, PASS_ROLE_WITH_STAR_IN_RESOURCE, st->resource.present ? st->resource.span : st->span,
		     "iam:PassRole on every role: any role, however privileged, can be passed to a service");
	if (grants_undenied(l, st, &fc, "iam:CreateServiceLinkedRole", IAMP_RULE_CREATE_SLR_WITH_STAR_IN_RESOURCE))
		DIAG(l, CREATE_SLR_WITH_STAR_IN_RESOURCE, st->resource.present ? st->resource.span : st->span,
		     "iam:CreateServiceLinkedRole on every service: any service's linked role can be created");
	names[0] = '\0';
	for (size_t i = 0; i < sizeof sensitive_actions / sizeof *sensitive_actions; i++)
		if (grants_undenied(l, st, &fc, sensitive_actions[i], IAMP_RULE_SENSITIVE_DATA_STAR))
			append(names, sizeof names, &n, sensitive_actions[i], 0);
	if (n)
		DIAG(l, SENSITIVE_DATA_STAR, st->resource.present ? st->resource.span : st->span,
		     "%s on every resource", names);
	if (act->is_not || l->overflow || !iamp_diags_wants_any(l->diags, typed_rules))
		return;
	WORK_FOR(l, typed_rules);
	/* Permissions management that could be scoped, and RESOURCE_STAR. */
	n = 0;
	names[0] = '\0';
	for (size_t r = 0; r < l->nruns; r++) {
		for (uint32_t i = l->runs[r].first; i < l->runs[r].end; i++) {
			const struct iamp_action *a = action_at(i);

			if (a->resource_count == 0)
				continue;
			typed = true;
			if (a->access != IAMP_ACCESS_PERMISSIONS_MANAGEMENT || !WANTS(l, PERMISSIONS_MANAGEMENT_STAR))
				continue;
			WORK(l, PERMISSIONS_MANAGEMENT_STAR);
			iamp_catalog_action_format(buf, sizeof buf, a);
			if (policy_denies(l, buf))
				continue;
			if (++count <= 3)
				append(names, sizeof names, &n, buf, 0);
			if (++seen > MAX_EXPAND)
				break;
		}
	}
	if (count)
		DIAG(l, PERMISSIONS_MANAGEMENT_STAR, st->resource.present ? st->resource.span : st->span,
		     "%zu permissions-management action%s on every resource (%s%s)", count,
		     count == 1 ? "" : "s", names, count > 3 ? ", ..." : "");
	if (typed && st->resource.present && !st->resource.is_not)
		for (size_t i = 0; i < st->resource.count; i++)
			if (is_star(&st->resource.items[i])) {
				DIAG(l, RESOURCE_STAR, st->resource.items[i].span,
				     "Resource \"*\" on actions that support resource-level permissions");
				break;
			}
}

/* ---- statements ------------------------------------------------------------ */

static void check_statement(struct clint *l, const struct iamp_statement *st)
{
	l->nruns = 0;
	l->nactions = 0;
	l->overflow = false;
	if (st->action.present) {
		bool add = !st->action.is_not && l->expand;

		for (size_t i = 0; i < st->action.count && (add || l->names); i++)
			check_action(l, &st->action.items[i], add);
		check_redundant_actions(l, &st->action);
	}
	for (size_t i = 0; i < st->condition_count && l->conditions; i++)
		check_condition(l, st, &st->conditions[i]);
	check_resources(l, st);
	check_least_privilege(l, st);
}

/* ---- privilege escalation ------------------------------------------------- */

#define PRIVESC_MAX_ACTIONS 6

struct privesc {
	const char *name;
	const char *why;
	const char *actions[PRIVESC_MAX_ACTIONS + 1];
};

static const struct privesc privesc_table[] = {
#define PRIVESC(name, why, ...) { #name, why, { __VA_ARGS__, NULL } },
#include "privesc.def"
#undef PRIVESC
};

#define PRIVESC_CACHE 96
#define PRIVESC_FREE 16 /* statements that grant freely, kept on the stack */

/* The statements that grant freely, in order, each with its first
 * characters; then granting(), remembered per action name for one
 * policy. Names are the
 * table's own strings, told apart by address: the compiler keeps one copy
 * of equal literals, and where it did not, a miss only asks granting()
 * again (it cost more to compare every cached name as text). */
struct grant_cache {
	const struct iamp_statement **free;
	struct first_chars *fc;
	size_t nfree;
	const char *name[PRIVESC_CACHE];
	const struct iamp_statement *st[PRIVESC_CACHE];
	size_t n;
};

/* The first statement that grants the action freely, or NULL. */
static const struct iamp_statement *granting(struct clint *l, const struct grant_cache *gc,
					     const char *name)
{
	for (size_t i = 0; i < gc->nfree; i++)
		if (stmt_has_action(l, gc->free[i], name, &gc->fc[i]))
			return policy_denies(l, name) ? NULL : gc->free[i];
	return NULL;
}

static const struct iamp_statement *granting_cached(struct clint *l, struct grant_cache *gc,
						    const char *name)
{
	const struct iamp_statement *st;

	for (size_t i = 0; i < gc->n; i++)
		if (gc->name[i] == name)
			return gc->st[i];
	st = granting(l, gc, name);
	if (gc->n < PRIVESC_CACHE) {
		gc->name[gc->n] = name;
		gc->st[gc->n++] = st;
	}
	return st;
}

static void check_privesc(struct clint *l)
{
	const struct iamp_policy *p = l->p;
	const struct iamp_statement *free_small[PRIVESC_FREE];
	struct first_chars fc_small[PRIVESC_FREE];
	struct grant_cache gc;
	size_t nfree = 0;

	gc.n = 0;
	if (p->type != IAMP_POLICY_IDENTITY || !WANTS(l, PRIVILEGE_ESCALATION))
		return;
	WORK(l, PRIVILEGE_ESCALATION);

	for (size_t i = 0; i < p->statement_count; i++)
		nfree += stmt_grants_freely(&p->statements[i]);
	if (!nfree)
		return;
	gc.free = free_small;
	gc.fc = fc_small;
	if (nfree > PRIVESC_FREE) {
		gc.free = malloc(nfree * sizeof(*gc.free));
		gc.fc = malloc(nfree * sizeof(*gc.fc));
		if (!gc.free || !gc.fc) {
			l->diags->oom = true; /* PRIVILEGE_ESCALATION's findings are lost: said */
			goto cleanup;
		}
	}
	gc.nfree = 0;
	for (size_t i = 0; i < p->statement_count; i++)
		if (stmt_grants_freely(&p->statements[i])) {
			gc.free[gc.nfree] = &p->statements[i];
			gc.fc[gc.nfree++] = first_chars_of(&p->statements[i].action);
		}
	for (size_t c = 0; c < sizeof privesc_table / sizeof *privesc_table; c++) {
		const struct privesc *pe = &privesc_table[c];
		const struct iamp_statement *first = NULL;
		char names[256];
		size_t n = 0, k;

		names[0] = '\0';
		for (k = 0; pe->actions[k]; k++) {
			const struct iamp_statement *st = granting_cached(l, &gc, pe->actions[k]);

			if (!st)
				break;
			if (!first)
				first = st;
			append(names, sizeof names, &n, pe->actions[k], st->span.start.line);
		}
		if (pe->actions[k])
			continue;
		DIAG(l, PRIVILEGE_ESCALATION, first->action.span, "%s: %s: %s",
		     pe->name, names, pe->why);
	}
cleanup:
	if (gc.free != free_small)
		free(gc.free);
	if (gc.fc != fc_small)
		free(gc.fc);
}

/* ---- redundant statements ------------------------------------------------- */

/* Lint reads one policy: the statements share its type and Version. */
static bool stmt_covered(const struct iamp_statement *a, const struct iamp_statement *b)
{
	return a->effect == b->effect && iamp_statement_within(a, b);
}

/*
 * REDUNDANT_STATEMENT's pre-filter. Statement b can hold statement a
 * only if b covers a's first Action item (contain.c, textually). When
 * that item's service is literal ("s3:Get*"), a covering pattern either
 * has the same literal service or a wildcard before its first colon
 * ("*", "s*", "*:Get*"): a's candidates are the statements that name
 * its service, found by a sorted index of (service, statement), merged
 * in statement order with the statements that have such a broad
 * pattern. A NotAction statement can only be held by another; a
 * statement whose first item has a wildcard in its service, or no
 * Action, is compared with every statement. Comparisons stop at
 * MAX_PAIRS per policy (the 200 x 200 that the check used to be capped
 * at): a policy of many statements of one service is not quadratic.
 */
#define MAX_PAIRS 40000
#define SMALL_POLICY 64   /* statements: test pairs without an index */

struct svc_key {
	uint64_t hash; /* FNV-1a of the folded service: a collision only adds a candidate */
	uint32_t stmt;
};

static int cmp_svc_key(const void *pa, const void *pb)
{
	const struct svc_key *a = pa, *b = pb;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->stmt < b->stmt ? -1 : a->stmt > b->stmt;
}

/* The folded hash of the item's service when it is literal (the text up
 * to its first colon holds no wildcard); false when it is not. */
static bool literal_service(const struct iamp_str *it, uint64_t *hash)
{
	const char *colon = memchr(it->text, ':', it->len);
	uint64_t h = 0xcbf29ce484222325ULL;

	if (!colon || has_wildcard(it->text, (size_t)(colon - it->text)))
		return false;
	for (const char *c = it->text; c < colon; c++)
		h = (h ^ (uint64_t)tolower((unsigned char)*c)) * 0x100000001b3ULL;
	*hash = h;
	return true;
}

struct prefilter {
	struct svc_key *keys; /* literal services of Action items; sorted when indexed */
	size_t nkeys;
	size_t *first_key;    /* statement j's keys: [first_key[j], first_key[j + 1]) before sorting */
	bool *has_broad;      /* statement j has an Action item with a broad service */
	uint32_t *broad;      /* Action statements with a broad item, in order */
	size_t nbroad;
	uint32_t *nots;       /* NotAction statements, in order */
	size_t nnots;
};

static void prefilter_free(struct prefilter *f)
{
	free(f->first_key);
	free(f->has_broad);
	free(f->keys);
	free(f->broad);
	free(f->nots);
}

/* Builds the keys of every statement; with `index`, sorts them for
 * lookups by service (a policy too large to pair every statement). */
static int prefilter_build(struct prefilter *f, const struct iamp_policy *p, bool index)
{
	size_t items = 0;

	memset(f, 0, sizeof(*f));
	for (size_t j = 0; j < p->statement_count; j++)
		items += p->statements[j].action.count;
	f->keys = malloc((items ? items : 1) * sizeof(*f->keys));
	f->broad = malloc((p->statement_count ? p->statement_count : 1) * sizeof(*f->broad));
	f->nots = malloc((p->statement_count ? p->statement_count : 1) * sizeof(*f->nots));
	f->first_key = malloc((p->statement_count + 1) * sizeof(*f->first_key));
	f->has_broad = calloc(p->statement_count ? p->statement_count : 1, sizeof(*f->has_broad));
	if (!f->keys || !f->broad || !f->nots || !f->first_key || !f->has_broad) {
		prefilter_free(f);
		return IAMP_ENOMEM;
	}
	for (size_t j = 0; j < p->statement_count; j++) {
		const struct iamp_list *act = &p->statements[j].action;
		bool broad = false;
		uint64_t h;

		f->first_key[j] = f->nkeys;
		if (!act->present)
			continue;
		if (act->is_not) {
			f->nots[f->nnots++] = (uint32_t)j;
			continue;
		}
		for (size_t k = 0; k < act->count; k++) {
			if (literal_service(&act->items[k], &h))
				f->keys[f->nkeys++] = (struct svc_key){ h, (uint32_t)j };
			else
				broad = true;
		}
		if (broad)
			f->broad[f->nbroad++] = (uint32_t)j;
		f->has_broad[j] = broad;
	}
	f->first_key[p->statement_count] = f->nkeys;
	if (index)
		qsort(f->keys, f->nkeys, sizeof(*f->keys), cmp_svc_key);
	return 0;
}

/* Whether b can hold a by the pre-filter's test (unsorted keys). */
static bool may_hold(const struct prefilter *f, const struct iamp_statement *a, bool a_literal, uint64_t h,
		     const struct iamp_statement *b, size_t j)
{
	if (a->action.present && a->action.is_not)
		return b->action.present && b->action.is_not;
	if (!a_literal)
		return true;
	if (!b->action.present || b->action.is_not)
		return false;
	if (f->has_broad[j])
		return true;
	for (size_t k = f->first_key[j]; k < f->first_key[j + 1]; k++)
		if (f->keys[k].hash == h)
			return true;
	return false;
}

/* Whether statement a (index i) is held by another; *budget counts the
 * comparisons left. Reports at the first statement that holds it, in
 * statement order, as the unfiltered loop did. */
static bool redundant_with(struct clint *l, size_t i, const struct iamp_statement *b, size_t j,
			   size_t *budget)
{
	const struct iamp_policy *p = l->p;
	const struct iamp_statement *a = &p->statements[i];

	if (i == j || b->symbolic)
		return false;
	if (*budget == 0)
		return false;
	(*budget)--;
	if (!stmt_covered(a, b))
		return false;
	/* two equal statements: report the later one only */
	if (j > i && stmt_covered(b, a))
		return false;
	DIAG(l, REDUNDANT_STATEMENT, a->span, "statement %zu is covered by statement %zu (line %u)",
	     i + 1, j + 1, b->span.start.line);
	return true;
}

static void check_redundant_statements(struct clint *l)
{
	const struct iamp_policy *p = l->p;
	struct prefilter f;
	size_t budget = MAX_PAIRS;

	if (p->statement_count < 2 || !WANTS(l, REDUNDANT_STATEMENT))
		return;
	WORK(l, REDUNDANT_STATEMENT);
	if (prefilter_build(&f, p, p->statement_count > SMALL_POLICY)) {
		l->diags->oom = true; /* REDUNDANT_STATEMENT's findings are lost: said */
		return;
	}
	for (size_t i = 0; i < p->statement_count && budget; i++) {
		const struct iamp_statement *a = &p->statements[i];
		uint64_t h;

		if ((a->effect != IAMP_EFFECT_ALLOW && a->effect != IAMP_EFFECT_DENY) || a->symbolic)
			continue;
		if (p->statement_count <= SMALL_POLICY) {
			/* every pair, each tested on its services first */
			bool lit = a->action.present && a->action.count && literal_service(&a->action.items[0], &h);

			for (size_t j = 0; j < p->statement_count; j++)
				if (may_hold(&f, a, lit, h, &p->statements[j], j) &&
				    redundant_with(l, i, &p->statements[j], j, &budget))
					break;
		} else if (a->action.present && a->action.is_not) {
			for (size_t k = 0; k < f.nnots; k++)
				if (redundant_with(l, i, &p->statements[f.nots[k]], f.nots[k], &budget))
					break;
		} else if (a->action.present && a->action.count && literal_service(&a->action.items[0], &h)) {
			/* merge the statements naming the service with the broad ones */
			struct svc_key key = { h, 0 };
			size_t lo = 0, hi = f.nkeys, b = 0;
			uint32_t last = UINT32_MAX;

			while (lo < hi) { /* the first key of the service */
				size_t mid = lo + (hi - lo) / 2;

				if (cmp_svc_key(&f.keys[mid], &key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (;;) {
				bool from_key = lo < f.nkeys && f.keys[lo].hash == h &&
						(b >= f.nbroad || f.keys[lo].stmt <= f.broad[b]);
				uint32_t j;

				if (from_key)
					j = f.keys[lo++].stmt;
				else if (b < f.nbroad)
					j = f.broad[b++];
				else
					break;
				if (j == last)
					continue; /* named twice */
				last = j;
				if (redundant_with(l, i, &p->statements[j], j, &budget))
					break;
			}
		} else {
			for (size_t j = 0; j < p->statement_count; j++)
				if (redundant_with(l, i, &p->statements[j], j, &budget))
					break;
		}
		if (!budget) {
			/* never a silently short answer: say where the check stopped */
			DIAG(l, REDUNDANT_STATEMENT, a->span,
			     "statements %zu to %zu were not compared with the others (at most %d comparisons a "
			     "policy): some redundant statements may not be reported",
			     i + 1, p->statement_count, MAX_PAIRS);
			break;
		}
	}
	prefilter_free(&f);
}

int iamp_lint_policy_catalog(const struct iamp_policy *p, struct iamp_diags *diags)
{
	struct clint l; /* 16 KiB of runs */

	l.p = p;
	l.diags = diags;
	l.ndenies = 0;
	l.denies = NULL;
	l.index = NULL;
	l.unknown = NULL;
	l.names = iamp_diags_wants_any(diags, name_rules);
	l.expand = iamp_diags_wants_any(diags, expand_rules);
	l.conditions = iamp_diags_wants_any(diags, condition_rules);
	l.least = iamp_diags_wants_any(diags, least_rules);
	for (size_t i = 0; i < p->statement_count && iamp_diags_wants_any(diags, deny_rules); i++) {
		WORK_FOR(&l, deny_rules);
		if (!stmt_denies_freely(&p->statements[i]))
			continue;
		if (!l.denies && !(l.denies = malloc(p->statement_count * sizeof(*l.denies)))) {
			diags->oom = true; /* the catalog's findings are lost: said */
			return IAMP_ENOMEM;
		}
		l.denies[l.ndenies++] = &p->statements[i];
	}
	for (size_t i = 0; i < p->statement_count; i++)
		check_statement(&l, &p->statements[i]);
	check_privesc(&l);
	check_redundant_statements(&l);
	free(l.denies);
	for (size_t i = 0; l.index && i < p->statement_count; i++)
		free(l.index[i]);
	free(l.index);
	return 0;
}
