/*
 * lint.c - the grammar rules; see lint.h.
 *
 * Each rule reads the AST only. Rules are grouped per element and run in
 * one walk: policy-level rules, then each statement's elements in source
 * order, then the rules that compare statements (duplicate Sids) and the
 * size quota.
 */
#include "lint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "diag.h"
#include "match.h"
#include "operators.h"
#include "variables.h"

#define MAX_VARS 16

struct linter {
	const struct iamp_policy *p;
	struct iamp_diags *diags;
	bool vars; /* policy variables are resolved (Version 2012-10-17) */
};

#define DIAG(l, rule, span, ...) \
	iamp_doc_diag((l)->diags, (l)->p->doc, IAMP_RULE_##rule, (span), __VA_ARGS__)
/* A disabled rule does no work (diag.h): WANTS guards a computation that
 * costs more than a comparison, WORK marks it as done past the guard. */
#define WANTS(l, rule) iamp_diags_wants((l)->diags, IAMP_RULE_##rule)
#define WORK(l, rule) iamp_diags_work((l)->diags, IAMP_RULE_##rule)

/* The span of the characters [from, to) of a string value written in the
 * source. Exact when the string had no escapes (the source between the
 * quotes is the text itself); otherwise the whole string's span. */
static struct iamp_span sub_span(const struct iamp_str *s, size_t from, size_t to)
{
	struct iamp_span sp = s->span;
	uint32_t first = s->span.start.offset;

	if (s->span.start.line != s->span.end.line ||
	    s->span.end.offset - first != s->len + 2)
		return sp; /* escapes, a YAML plain scalar, or a multi-line string */
	/* Columns count code points: count them in the prefix. */
	uint32_t col = s->span.start.col + 1;
	for (size_t i = 0; i < from; i++)
		if (((unsigned char)s->text[i] & 0xC0) != 0x80)
			col++;
	sp.start.col = col;
	sp.start.offset = first + 1 + (uint32_t)from;
	for (size_t i = from; i < to; i++)
		if (((unsigned char)s->text[i] & 0xC0) != 0x80)
			col++;
	sp.end.col = col;
	sp.end.offset = first + 1 + (uint32_t)to;
	return sp;
}

/* ---- value syntax (the evaluator's parsers, match.h, decide the rest) ------------------------------------------------------ */

static bool digits_at(const char *s, size_t len, size_t at, size_t n)
{
	if (at + n > len)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[at + i]))
			return false;
	return true;
}

/*
 * arn:partition:service:region:account:resource, each part possibly with
 * wildcards or variables. The resource part may itself hold colons. A
 * wildcard may stand for several parts, so fewer than six parts is
 * accepted when the last one written is a bare '*' ("arn:aws:iam::*").
 */
bool iamp_is_arn_pattern(const char *s, size_t len, const char **why)
{
	const char *part[6];
	size_t plen[6], n = 0, i = 0;

	*why = NULL;
	if (len < 4 || strncmp(s, "arn:", 4) != 0) {
		*why = len >= 4 && strncasecmp(s, "arn:", 4) == 0
			       ? "an ARN starts with \"arn:\" in lower case"
			       : "an ARN starts with \"arn:\"";
		return false;
	}
	while (n < 6) {
		size_t start = i;

		if (n == 5) {
			i = len;
		} else {
			while (i < len && s[i] != ':')
				i++;
		}
		part[n] = s + start;
		plen[n] = i - start;
		n++;
		if (i >= len)
			break;
		i++; /* the colon */
	}
	if (n < 6) {
		if (plen[n - 1] == 1 && part[n - 1][0] == '*')
			return true;
		*why = "an ARN has six parts: arn:partition:service:region:account:resource";
		return false;
	}
	if (plen[1] == 0) {
		*why = "the partition (second part) is empty";
		return false;
	}
	if (plen[2] == 0) {
		*why = "the service (third part) is empty";
		return false;
	}
	if (plen[5] == 0 && !memchr(s, '*', len)) {
		/* With a wildcard before it, AWS accepts an empty last part. */
		*why = "the resource (sixth part) is empty";
		return false;
	}
	for (size_t k = 1; k < 5; k++) {
		for (size_t j = 0; j < plen[k]; j++) {
			unsigned char c = (unsigned char)part[k][j];

			if (isspace(c)) {
				*why = "an ARN part has white space";
				return false;
			}
		}
	}
	/* A literal account is 12 digits, or "aws" for AWS managed policies. */
	if (plen[4] && !memchr(part[4], '*', plen[4]) && !memchr(part[4], '?', plen[4]) &&
	    !memchr(part[4], '$', plen[4]) && !(plen[4] == 3 && strncmp(part[4], "aws", 3) == 0) &&
	    !iamp_is_account_id(part[4], plen[4])) {
		/* Some services put other identifiers there (S3 access points
		 * keep 12 digits, CloudFront none); only flag what is clearly a
		 * typo: digits of the wrong length. */
		if (digits_at(part[4], plen[4], 0, plen[4])) {
			*why = "the account (fifth part) is not 12 digits";
			return false;
		}
	}
	return true;
}

/* The bytes an action name may hold on either side of its colon: ASCII
 * letters and digits (isalnum in the C locale, which iamproof never
 * leaves), '-', '*', '?', '_' and '.'. */
static bool action_byte(unsigned char c)
{
	static const bool ok[256] = {
		['-'] = true, ['*'] = true, ['?'] = true, ['_'] = true, ['.'] = true,
		['0'] = true, ['1'] = true, ['2'] = true, ['3'] = true, ['4'] = true,
		['5'] = true, ['6'] = true, ['7'] = true, ['8'] = true, ['9'] = true,
		['A'] = true, ['B'] = true, ['C'] = true, ['D'] = true, ['E'] = true,
		['F'] = true, ['G'] = true, ['H'] = true, ['I'] = true, ['J'] = true,
		['K'] = true, ['L'] = true, ['M'] = true, ['N'] = true, ['O'] = true,
		['P'] = true, ['Q'] = true, ['R'] = true, ['S'] = true, ['T'] = true,
		['U'] = true, ['V'] = true, ['W'] = true, ['X'] = true, ['Y'] = true,
		['Z'] = true,
		['a'] = true, ['b'] = true, ['c'] = true, ['d'] = true, ['e'] = true,
		['f'] = true, ['g'] = true, ['h'] = true, ['i'] = true, ['j'] = true,
		['k'] = true, ['l'] = true, ['m'] = true, ['n'] = true, ['o'] = true,
		['p'] = true, ['q'] = true, ['r'] = true, ['s'] = true, ['t'] = true,
		['u'] = true, ['v'] = true, ['w'] = true, ['x'] = true, ['y'] = true,
		['z'] = true,
	};

	return ok[c];
}

/* The index of the first byte of s[i..len) that is not an action_byte,
 * or len. A table read is some 4 instructions a byte, isalnum and five
 * comparisons 6 to 7; 16 bytes at a time (bytes16.h) saved 0.7 M more
 * over the managed corpus (names are short), not worth its code. */
static size_t action_run(const char *s, size_t i, size_t len)
{
	while (i < len && action_byte((unsigned char)s[i]))
		i++;
	return i;
}

/* service:action with wildcards; or "*". Both sides take the same bytes
 * and ':' is not one of them, so the name is a run of them, its first
 * colon (neither first nor last), and a run of them to the end. */
static bool is_action(const char *s, size_t len)
{
	size_t colon;

	if (len == 1 && s[0] == '*')
		return true;
	colon = action_run(s, 0, len);
	if (colon == 0 || colon + 1 >= len || s[colon] != ':')
		return false;
	return action_run(s, colon + 1, len) == len;
}

/* ---- policy variables --------------------------------------------------- */

/* Checks the variables of a string where they are resolved. */
static void check_vars(struct linter *l, const struct iamp_str *s)
{
	struct iamp_var vars[MAX_VARS];
	size_t count, off;
	const char *err;

	if (!iamp_vars_present(s->text, s->len))
		return;
	if (!l->vars) {
		DIAG(l, VERSION_WITHOUT_VARIABLES, s->span,
		     "\"%s\" holds a policy variable, but this policy's Version makes it literal text",
		     s->text);
		return;
	}
	if (iamp_vars_scan(s->text, s->len, vars, MAX_VARS, &count, &off, &err) < 0)
		DIAG(l, INVALID_POLICY_VARIABLE, sub_span(s, off, off + 1), "%s in \"%s\"", err, s->text);
}

/* Variables where they are not resolved: the text stays literal. */
static void no_vars(struct linter *l, const struct iamp_str *s, const char *where)
{
	if (l->vars && iamp_vars_present(s->text, s->len))
		DIAG(l, VARIABLE_NOT_SUPPORTED, s->span,
		     "policy variables are not resolved in %s: \"%s\" is literal text", where, s->text);
}

/* ---- elements ----------------------------------------------------------- */

/* Duplicates in a list: sort references, then compare neighbours, so a
 * list of 40,000 actions costs n log n, not n squared. Each repeat is
 * reported once, pointing at the first occurrence. */
struct dup_ref {
	const struct iamp_str *s;
	bool ignore_case;
};

static int cmp_dup(const void *pa, const void *pb)
{
	const struct dup_ref *a = pa, *b = pb;
	size_t n = a->s->len < b->s->len ? a->s->len : b->s->len;
	int c = a->ignore_case ? strncasecmp(a->s->text, b->s->text, n) : memcmp(a->s->text, b->s->text, n);

	if (c)
		return c;
	if (a->s->len != b->s->len)
		return a->s->len < b->s->len ? -1 : 1;
	/* equal texts: source order */
	return a->s->span.start.offset < b->s->span.start.offset ? -1 : a->s->span.start.offset > b->s->span.start.offset;
}

/*
 * The pre-filter: which items may equal another as cmp_dup compares them
 * (bytes, or bytes with ASCII letters folded). Each item's hash goes
 * into an open-addressing table; only the items whose hash meets another
 * item's are sorted, and only in a list where some hashes meet. Most
 * lists repeat nothing, and hashing them costs less than sorting them
 * through a function pointer. The hash reads the length and three 8-byte
 * words (first, middle, last; with ignore_case each byte with bit 0x20
 * set, which folds letters and merges a few other pairs): equal items
 * always meet; different items that meet only cost the sort. (Strings
 * hold no NUL, which both loaders refuse, so strncasecmp's equality is
 * that of the folded bytes.)
 *
 * The items left out equal no other item: in cmp_dup's order each is a
 * group of its own, between groups of equal items that stay whole, so
 * the findings, and their order, are those of sorting the whole list.
 */
static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static uint64_t rotl64(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

static uint64_t item_hash(const struct iamp_str *it, bool ignore_case)
{
	const uint64_t fold = ignore_case ? 0x2020202020202020ULL : 0;
	uint64_t w[3] = { 0, 0, 0 }, h;

	if (it->len >= 8) {
		memcpy(&w[0], it->text, 8);
		memcpy(&w[1], it->text + it->len / 2 - 4, 8);
		memcpy(&w[2], it->text + it->len - 8, 8);
	} else {
		memcpy(&w[0], it->text, it->len);
	}
	/* the words rotated apart and mixed once: a false meet costs a sort */
	h = it->len ^ (w[0] | fold) ^ rotl64(w[1] | fold, 21) ^ rotl64(w[2] | fold, 42);
	return mix64(h);
}

/* The slot of hash h (| 1: 0 marks an empty slot) in table[size]. */
static size_t hash_slot(const uint64_t *table, size_t size, uint64_t h)
{
	size_t k;

	for (k = (size_t)(h >> 7) & (size - 1); table[k] && table[k] != h; k = (k + 1) & (size - 1))
		;
	return k;
}

/* Puts into refs, in list order, the items whose hash meets another's;
 * returns how many. With no memory for the table, every item. */
static size_t may_repeat(struct dup_ref *refs, const struct iamp_str *items, size_t n, bool ignore_case)
{
	uint64_t small[64], *table = small;
	bool small_met[64], *met = small_met;
	size_t size = 16, m = 0;
	bool any = false;

	while (size < 2 * n)
		size *= 2;
	if (size > 64) {
		table = malloc(size * (sizeof(*table) + sizeof(*met)));
		if (!table) {
			for (size_t i = 0; i < n; i++)
				refs[m++] = (struct dup_ref){ &items[i], ignore_case };
			return m; /* the sort decides */
		}
		met = (bool *)(table + size);
	}
	memset(table, 0, size * sizeof(*table));
	memset(met, 0, size * sizeof(*met));
	for (size_t i = 0; i < n; i++) {
		uint64_t h = item_hash(&items[i], ignore_case) | 1;
		size_t k = hash_slot(table, size, h);

		if (table[k] == h)
			any = met[k] = true;
		table[k] = h;
	}
	for (size_t i = 0; any && i < n; i++)
		if (met[hash_slot(table, size, item_hash(&items[i], ignore_case) | 1)])
			refs[m++] = (struct dup_ref){ &items[i], ignore_case };
	if (table != small)
		free(table);
	return m;
}

static void check_duplicates(struct linter *l, const struct iamp_str *items, size_t n,
			     bool ignore_case, const char *what)
{
	struct dup_ref small[64], *refs = small;
	size_t first = 0;

	if (n < 2 || !WANTS(l, DUPLICATE_VALUE))
		return;
	WORK(l, DUPLICATE_VALUE);
	if (n > sizeof(small) / sizeof(*small)) {
		refs = malloc(n * sizeof(*refs));
		if (!refs) {
			l->diags->oom = true;
			return;
		}
	}
	n = may_repeat(refs, items, n, ignore_case);
	if (n > 1)
		qsort(refs, n, sizeof(*refs), cmp_dup);
	for (size_t i = 1; i < n; i++) {
		const struct iamp_str *a = refs[first].s, *b = refs[i].s;

		if (a->len == b->len &&
		    (ignore_case ? strncasecmp(a->text, b->text, a->len) : memcmp(a->text, b->text, a->len)) == 0) {
			DIAG(l, DUPLICATE_VALUE, b->span, "%s \"%s\" is repeated (first at %u:%u)", what, b->text,
			     a->span.start.line, a->span.start.col);
		} else {
			first = i;
		}
	}
	if (refs != small)
		free(refs);
}

static void check_actions(struct linter *l, const struct iamp_list *a)
{
	for (size_t i = 0; i < a->count; i++) {
		const struct iamp_str *s = &a->items[i];

		if (iamp_vars_present(s->text, s->len))
			no_vars(l, s, a->is_not ? "NotAction" : "Action");
		else if (!is_action(s->text, s->len))
			DIAG(l, INVALID_ACTION, s->span,
			     "\"%s\" is not an action: write service:action, e.g. s3:GetObject", s->text);
	}
	check_duplicates(l, a->items, a->count, true, "action");
}

static void check_resources(struct linter *l, const struct iamp_list *r)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct iamp_str *s = &r->items[i];
		const char *why;

		check_vars(l, s);
		if ((s->len == 1 && s->text[0] == '*') || !WANTS(l, INVALID_ARN))
			continue;
		WORK(l, INVALID_ARN);
		if (!iamp_is_arn_pattern(s->text, s->len, &why))
			DIAG(l, INVALID_ARN, s->span, "\"%s\" is not a valid resource ARN: %s", s->text, why);
	}
	check_duplicates(l, r->items, r->count, false, "resource");
}

static bool all_alnum(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_service_principal(const char *s, size_t len)
{
	/* e.g. ec2.amazonaws.com, states.us-east-1.amazonaws.com,
	 * ec2.amazonaws.com.cn; lower-case letters, digits, dots, hyphens. */
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return memchr(s, '.', len) != NULL;
}

static void check_principal(struct linter *l, const struct iamp_principal *pr)
{
	struct iamp_str vals[64];
	size_t nvals = 0;

	for (size_t i = 0; i < pr->count; i++) {
		const struct iamp_principal_value *v = &pr->items[i];
		const struct iamp_str *s = &v->value;
		const char *why;

		if (nvals < sizeof(vals) / sizeof(*vals))
			vals[nvals++] = *s;
		if (iamp_vars_present(s->text, s->len)) {
			no_vars(l, s, "Principal");
			continue;
		}
		switch (v->kind) {
		case IAMP_PRINCIPAL_AWS:
			if ((s->len == 1 && s->text[0] == '*') ||
			    iamp_is_account_id(s->text, s->len))
				break;
			if (!iamp_is_arn_pattern(s->text, s->len, &why))
				DIAG(l, INVALID_PRINCIPAL, s->span,
				     "AWS principal \"%s\" is neither \"*\", a 12-digit account id nor an ARN", s->text);
			break;
		case IAMP_PRINCIPAL_SERVICE:
			if (!(s->len == 1 && s->text[0] == '*') && !is_service_principal(s->text, s->len))
				DIAG(l, INVALID_PRINCIPAL, s->span,
				     "service principal \"%s\" is not a service name such as ec2.amazonaws.com", s->text);
			break;
		case IAMP_PRINCIPAL_FEDERATED:
		case IAMP_PRINCIPAL_CANONICAL_USER:
			break;
		}
	}
	check_duplicates(l, vals, nvals, false, "principal");
}

/* A global key the catalog knows as single-valued. Unknown keys are
 * UNKNOWN_CONDITION_KEY's business, not this rule's. */
static bool is_single_valued_global(const struct iamp_str *key)
{
	const struct iamp_condition_key *k = iamp_catalog_key(key->text, key->len);

	return k && (k->flags & IAMP_KEY_GLOBAL) && !(k->flags & IAMP_KEY_MULTIVALUED);
}

static const char *value_error(const struct iamp_operator *op, const struct iamp_cond_value *v,
			       char *buf, size_t size)
{
	const char *s = v->text.text, *why;
	size_t len = v->text.len, n;
	struct iamp_ip ip;
	int64_t when;
	double num;
	bool b;

	switch (op->type) {
	case IAMP_COND_STRING:
		return NULL;
	case IAMP_COND_NUMERIC:
		return iamp_number_parse(&num, s, len) ? NULL : "is not a number";
	case IAMP_COND_DATE:
		return iamp_date_parse(&when, s, len) ? NULL : "is not an ISO 8601 date or epoch seconds";
	case IAMP_COND_BOOL:
	case IAMP_COND_NULL:
		return iamp_bool_parse(&b, s, len) ? NULL : "is not true or false";
	case IAMP_COND_BINARY:
		return len && iamp_base64_decode(NULL, 0, &n, s, len) ? NULL : "is not base64";
	case IAMP_COND_IP:
		return iamp_ip_parse(&ip, s, len) ? NULL : "is not an IPv4 or IPv6 address or CIDR";
	case IAMP_COND_ARN:
		if (len == 1 && s[0] == '*')
			return NULL;
		if (iamp_is_arn_pattern(s, len, &why))
			return NULL;
		snprintf(buf, size, "is not a valid ARN: %s", why);
		return buf;
	}
	return NULL;
}

static void check_condition(struct linter *l, const struct iamp_condition *c)
{
	const struct iamp_operator *op = c->op;

	no_vars(l, &c->key, "condition keys");
	if (!op) {
		DIAG(l, UNKNOWN_OPERATOR, c->op_name.span, "unknown condition operator \"%s\"", c->op_name.text);
		return;
	}
	if (op->type == IAMP_COND_NULL && c->if_exists)
		DIAG(l, NULL_WITH_IFEXISTS, c->op_name.span,
		     "\"%s\": Null tests whether the key exists, IfExists makes no sense with it", c->op_name.text);
	if (c->set == IAMP_SET_FOR_ALL_VALUES && WANTS(l, FORALLVALUES_SINGLE_VALUED_KEY)) {
		WORK(l, FORALLVALUES_SINGLE_VALUED_KEY);
		if (is_single_valued_global(&c->key))
			DIAG(l, FORALLVALUES_SINGLE_VALUED_KEY, c->key.span,
			     "ForAllValues with single-valued key %s: true when the key is absent", c->key.text);
	}
	if (c->set == IAMP_SET_FOR_ANY_VALUE && WANTS(l, FORANYVALUE_SINGLE_VALUED_KEY)) {
		WORK(l, FORANYVALUE_SINGLE_VALUED_KEY);
		if (is_single_valued_global(&c->key))
			DIAG(l, FORANYVALUE_SINGLE_VALUED_KEY, c->key.span,
			     "ForAnyValue with single-valued key %s: set operators are for multivalued keys, and the intent is unclear",
			     c->key.text);
	}
	for (size_t i = 0; i < c->value_count; i++) {
		const struct iamp_cond_value *v = &c->values[i];
		const char *err;

		char buf[160];

		if (l->vars && iamp_vars_present(v->text.text, v->text.len) &&
		    op->type != IAMP_COND_STRING && op->type != IAMP_COND_ARN) {
			/* Variables are resolved in string and ARN comparisons only. */
			DIAG(l, VARIABLE_NOT_SUPPORTED, v->text.span,
			     "policy variables are resolved only in string and ARN conditions: for %s, \"%s\" is literal text",
			     op->name, v->text.text);
			continue;
		}
		check_vars(l, &v->text);
		if ((l->vars && iamp_vars_present(v->text.text, v->text.len)) || !WANTS(l, INVALID_CONDITION_VALUE))
			continue; /* its text is known only once resolved */
		WORK(l, INVALID_CONDITION_VALUE);
		err = value_error(op, v, buf, sizeof(buf));
		if (err)
			DIAG(l, INVALID_CONDITION_VALUE, v->text.span, "%s value \"%s\" %s", op->name, v->text.text, err);
	}
	{
		struct iamp_str vals[64];
		size_t n = 0;

		for (size_t i = 0; i < c->value_count && n < 64; i++)
			vals[n++] = c->values[i].text;
		check_duplicates(l, vals, n, false, "condition value");
	}
}

static bool type_takes_principal(enum iamp_policy_type t);

/* PRINCIPAL_NOT_ALLOWED: a Principal where the type has none. */
static void principal_allowed(struct linter *l, const struct iamp_statement *st)
{
	if (st->principal.present && !type_takes_principal(l->p->type))
		DIAG(l, PRINCIPAL_NOT_ALLOWED, st->principal.key_span, "%s is not allowed in %s",
		     st->principal.is_not ? "NotPrincipal" : "Principal",
		     iamp_policy_type_title(l->p->type));
}

int iamp_lint_policy_shape(const struct iamp_policy *p, struct iamp_diags *diags)
{
	struct linter l = { p, diags, p->version == IAMP_VERSION_2012 };

	for (size_t i = 0; i < p->statement_count; i++)
		principal_allowed(&l, &p->statements[i]);
	return 0;
}

static bool type_takes_principal(enum iamp_policy_type t)
{
	return t == IAMP_POLICY_RESOURCE || t == IAMP_POLICY_TRUST || t == IAMP_POLICY_RCP;
}

/* "*", and for actions also "*:*" and the like: a pattern of stars and
 * at most one colon matches everything. */
static bool matches_all(const struct iamp_str *s)
{
	size_t colons = 0;

	for (size_t i = 0; i < s->len; i++) {
		if (s->text[i] == ':')
			colons++;
		else if (s->text[i] != '*')
			return false;
	}
	return colons <= 1 && s->len > colons;
}

static bool list_has_star(const struct iamp_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		if (matches_all(&list->items[i]))
			return true;
	return false;
}

static bool principal_is_everyone(const struct iamp_principal *pr)
{
	if (pr->star)
		return true;
	return pr->count == 1 && pr->items[0].kind == IAMP_PRINCIPAL_AWS &&
	       pr->items[0].value.len == 1 && pr->items[0].value.text[0] == '*';
}

static void check_statement(struct linter *l, const struct iamp_statement *st)
{
	enum iamp_policy_type type = l->p->type;
	struct iamp_span at = st->span;

	at.end = at.start; /* point at the opening brace */
	if (st->has_sid) {
		no_vars(l, &st->sid, "Sid");
		if (type != IAMP_POLICY_RESOURCE && !all_alnum(st->sid.text, st->sid.len))
			DIAG(l, INVALID_SID, st->sid.span,
			     "Sid \"%s\" may hold only ASCII letters and digits in %s", st->sid.text,
			     iamp_policy_type_title(type));
	}
	if (st->effect == IAMP_EFFECT_NONE)
		DIAG(l, MISSING_EFFECT, at, "statement %zu has no Effect", st->index + 1);
	else if (st->effect == IAMP_EFFECT_INVALID && st->effect_text.text)
		DIAG(l, INVALID_EFFECT, st->effect_span, "Effect \"%s\" is neither \"Allow\" nor \"Deny\"%s",
		     st->effect_text.text,
		     strcasecmp(st->effect_text.text, "allow") == 0 || strcasecmp(st->effect_text.text, "deny") == 0
			     ? " (values are case-sensitive)" : "");
	if (!st->action.present)
		DIAG(l, MISSING_ACTION, at, "statement %zu has no Action or NotAction", st->index + 1);
	else
		check_actions(l, &st->action);
	if (st->resource.present) {
		if (type == IAMP_POLICY_TRUST)
			DIAG(l, RESOURCE_NOT_ALLOWED, st->resource.key_span,
			     "a role trust policy has no %s element", st->resource.is_not ? "NotResource" : "Resource");
		check_resources(l, &st->resource);
	} else if (type != IAMP_POLICY_TRUST) {
		DIAG(l, MISSING_RESOURCE, at, "statement %zu has no Resource or NotResource", st->index + 1);
	}
	if (st->principal.present) {
		principal_allowed(l, st);
		check_principal(l, &st->principal);
		if (st->principal.is_not && type == IAMP_POLICY_TRUST)
			DIAG(l, PRINCIPAL_NOT_ALLOWED, st->principal.key_span,
			     "NotPrincipal is not allowed in a role trust policy: name the principals in Principal");
		else if (st->principal.is_not && st->effect == IAMP_EFFECT_ALLOW)
			DIAG(l, NOTPRINCIPAL_WITH_ALLOW, st->principal.key_span,
			     "NotPrincipal with Allow allows every principal not named, anonymous users included");
	} else if (type_takes_principal(type)) {
		DIAG(l, MISSING_PRINCIPAL, at, "statement %zu has no Principal, which %s needs",
		     st->index + 1, iamp_policy_type_title(type));
	}
	if (type == IAMP_POLICY_RCP && !st->symbolic) {
		if (st->principal.present && (st->principal.is_not || !principal_is_everyone(&st->principal)))
			DIAG(l, RCP_INVALID_STATEMENT, st->principal.key_span,
			     "a resource control policy statement must have \"Principal\": \"*\"");
		if (st->effect == IAMP_EFFECT_ALLOW &&
		    !(st->action.present && !st->action.is_not && list_has_star(&st->action) &&
		      st->resource.present && !st->resource.is_not && list_has_star(&st->resource) &&
		      !st->has_condition))
			DIAG(l, RCP_INVALID_STATEMENT, st->effect_span,
			     "a resource control policy may only deny (Allow is reserved for RCPFullAWSAccess)");
	}
	for (size_t i = 0; i < st->condition_count; i++)
		check_condition(l, &st->conditions[i]);
	if ((type == IAMP_POLICY_IDENTITY || type == IAMP_POLICY_RESOURCE) && st->effect == IAMP_EFFECT_ALLOW &&
	    st->action.present && !st->action.is_not && list_has_star(&st->action) &&
	    st->resource.present && !st->resource.is_not && list_has_star(&st->resource) &&
	    !st->has_condition)
		DIAG(l, ALLOW_ALL, st->action.span, "statement %zu allows every action on every resource",
		     st->index + 1);
}

/* Duplicate Sids, by sorting as check_duplicates() does. */
static void check_sids(struct linter *l)
{
	const struct iamp_policy *p = l->p;
	struct dup_ref *refs;
	size_t n = 0, first = 0;

	if (p->statement_count < 2 || !WANTS(l, DUPLICATE_SID))
		return;
	WORK(l, DUPLICATE_SID);
	refs = malloc(p->statement_count * sizeof(*refs));
	if (!refs) {
		l->diags->oom = true;
		return;
	}
	for (size_t i = 0; i < p->statement_count; i++) {
		if (p->statements[i].has_sid && p->statements[i].sid.len) {
			refs[n].s = &p->statements[i].sid;
			refs[n].ignore_case = false;
			n++;
		}
	}
	qsort(refs, n, sizeof(*refs), cmp_dup);
	for (size_t i = 1; i < n; i++) {
		const struct iamp_str *a = refs[first].s, *b = refs[i].s;

		if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0) {
			struct iamp_diag *d = DIAG(l, DUPLICATE_SID, b->span, "Sid \"%s\" is also used at %u:%u",
						   b->text, a->span.start.line, a->span.start.col);

			/* IAM saves an identity policy with repeated Sids (AWS:
			 * UNIQUE_SIDS_RECOMMENDED, a warning); resource policies,
			 * SCPs and RCPs are refused (UNIQUE_SIDS_REQUIRED). */
			if (d && (l->p->type == IAMP_POLICY_IDENTITY || l->p->type == IAMP_POLICY_BOUNDARY ||
				  l->p->type == IAMP_POLICY_SESSION))
				d->severity = IAMP_SEV_WARNING;
		} else
			first = i;
	}
	free(refs);
}

/* ---- size quotas -------------------------------------------------------- */

size_t iamp_lint_policy_size(const struct iamp_policy *policy, size_t *limit)
{
	const struct iamp_document *doc = policy->doc;
	const char *s = doc->text + policy->span.start.offset;
	const char *end = doc->text + policy->span.end.offset;
	bool json = doc->format == IAMP_FORMAT_JSON;
	bool in_string = false, keep_ws = false;

	if (policy->text) { /* read from a string: count that JSON text */
		s = policy->text;
		end = s + policy->text_len;
		json = true;
	}
	size_t n = 0;

	/* SCPs and RCPs: as the Organizations API saves them, white space
	 * included; SCPs hold 10,240 characters since 15 May 2026. */
	/* policy->quotas: the team's own quotas (limits:), 0 for AWS's */
	switch (policy->type) {
	case IAMP_POLICY_SCP:
		*limit = policy->quotas.scp ? policy->quotas.scp : 10240;
		keep_ws = json;
		break;
	case IAMP_POLICY_RCP:
		*limit = policy->quotas.rcp ? policy->quotas.rcp : 5120;
		keep_ws = json;
		break;
	case IAMP_POLICY_IDENTITY:
	case IAMP_POLICY_BOUNDARY:
		*limit = policy->quotas.identity ? policy->quotas.identity : 6144;
		break;
	case IAMP_POLICY_TRUST:
		*limit = policy->quotas.trust ? policy->quotas.trust : 2048;
		break;
	case IAMP_POLICY_SESSION:
		*limit = 2048;
		break;
	case IAMP_POLICY_RESOURCE: /* known for some resource types only */
		*limit = iamp_lint_resource_quota(policy);
		if (*limit)
			break;
		return 0;
	default:
		*limit = 0;
		return 0;
	}
	/* A JSON document that is the policy was counted while loading
	 * (load.h): its code points, less the white space outside strings
	 * (all of it between tokens; before and after the policy there is
	 * only white space, and a byte order mark). */
	if (json && !policy->text && doc->counted && doc->root &&
	    policy->span.start.offset == doc->root->span.start.offset &&
	    policy->span.end.offset == doc->root->span.end.offset) {
		size_t outside = (policy->span.start.offset - doc->line_starts[0]) +
				 (doc->len - policy->span.end.offset);

		n = (size_t)(end - s) - doc->cont_bytes;
		if (!keep_ws)
			n -= doc->ws_bytes - outside;
		return n;
	}
	/* YAML is counted as the JSON it stands for would be only roughly:
	 * its text without white space outside quotes. */
	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xC0) == 0x80)
			continue; /* count code points, not bytes */
		if (in_string) {
			if (c == '\\' && s + 1 < end) {
				s++;
				n += 2;
				continue;
			}
			if (c == '"')
				in_string = false;
			n++;
			continue;
		}
		if (c == '"')
			in_string = true;
		if (!keep_ws && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
			continue;
		n++;
	}
	return n;
}

/* ---- the walk ----------------------------------------------------------- */

int iamp_lint_policy(const struct iamp_policy *p, struct iamp_diags *diags)
{
	struct linter l = { p, diags, p->version == IAMP_VERSION_2012 };
	struct iamp_span at = p->span;
	size_t size, limit;

	at.end = at.start;
	if (!p->has_version)
		DIAG(&l, MISSING_VERSION, at, "the policy has no Version: add \"Version\": \"2012-10-17\"");
	else if (p->version == IAMP_VERSION_INVALID)
		DIAG(&l, INVALID_VERSION, p->version_span,
		     "Version %s%s%s is not a policy language version: use \"2012-10-17\" (or the legacy \"2008-10-17\")",
		     p->version_text.text ? "\"" : "", p->version_text.text ? p->version_text.text : "(not a string)",
		     p->version_text.text ? "\"" : "");
	if (!p->has_statement)
		DIAG(&l, MISSING_STATEMENT, at, "the policy has no Statement");
	for (size_t i = 0; i < p->statement_count; i++)
		check_statement(&l, &p->statements[i]);
	check_sids(&l);
	if (WANTS(&l, POLICY_SIZE)) {
		WORK(&l, POLICY_SIZE);
		size = iamp_lint_policy_size(p, &limit);
	} else {
		size = limit = 0;
	}
	if (limit && size > limit) {
		struct iamp_diag *d = DIAG(&l, POLICY_SIZE, at, "the policy is %zu characters%s; %s holds %zu",
					   size, p->type == IAMP_POLICY_SCP || p->type == IAMP_POLICY_RCP ? "" : " without white space",
					   p->resource_type ? p->resource_type : iamp_policy_type_title(p->type), limit);

		/* Organizations refuses an SCP or RCP over its quota (AWS: an
		 * ERROR); an identity policy's quota depends on where it is
		 * attached (managed 6,144, a role's inline policies 10,240 in
		 * all) and a trust policy's can be raised to 4,096 (AWS: a
		 * WARNING). docs/aa-parity.md. */
		if (d && p->type != IAMP_POLICY_SCP && p->type != IAMP_POLICY_RCP)
			d->severity = IAMP_SEV_WARNING;
	}
	iamp_lint_policy_catalog(p, diags);
	iamp_lint_policy_aa(p, diags);
	iamp_lint_policy_aa_rules(p, diags);
	iamp_lint_policy_aa_keys(p, diags);
	return 0;
}
