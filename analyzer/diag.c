/*
 * diag.c - the rule table and the diagnostic list; see diag.h.
 */
#include "diag.h"
#include "error.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEV_ERROR IAMP_SEV_ERROR
#define SEV_SECURITY_WARNING IAMP_SEV_SECURITY_WARNING
#define SEV_WARNING IAMP_SEV_WARNING
#define SEV_SUGGESTION IAMP_SEV_SUGGESTION

const struct iamp_rule iamp_rules[IAMP_RULE__COUNT] = {
#define RULE(name, sev, title, help) \
	[IAMP_RULE_##name] = { #name, SEV_##sev, title, help },
#include "rules.def"
#undef RULE
};

#define IAMP_RULE_NONE IAMP_RULE__COUNT
const struct iamp_aa_code iamp_aa_codes[] = {
#define AA(code, type, rule) { #code, SEV_##type, IAMP_RULE_##rule },
#include "aa_codes.def"
#undef AA
};
const size_t iamp_aa_code_count = sizeof(iamp_aa_codes) / sizeof(*iamp_aa_codes);

/* The range of rows of iamp_aa_codes that holds each rule's (first, one
 * past the last; 0, 0: none; IAMP_RULE_NONE too), marked once. */
static size_t rule_rows[IAMP_RULE__COUNT + 1][2];
static pthread_once_t rule_rows_once = PTHREAD_ONCE_INIT;

static void mark_rule_rows(void)
{
	for (size_t i = 0; i < iamp_aa_code_count; i++) {
		enum iamp_rule_id r = iamp_aa_codes[i].rule;

		if (rule_rows[r][1] == 0)
			rule_rows[r][0] = i;
		rule_rows[r][1] = i + 1;
	}
}

void iamp_rule_aa_rows(enum iamp_rule_id rule, size_t *first, size_t *end)
{
	pthread_once(&rule_rows_once, mark_rule_rows);
	*first = rule_rows[rule][0];
	*end = rule_rows[rule][1];
}

size_t iamp_rules_named(bool out[IAMP_RULE__COUNT], const char *name)
{
	const struct iamp_rule *r = iamp_rule_find(name);
	size_t n = 0;

	/* A name that is both a rule id and an issue code (INVALID_ACTION)
	 * names both: a configuration written for Access Analyzer means
	 * every finding AWS would give that code. */
	if (r) {
		out[r - iamp_rules] = true;
		n++;
	}
	for (size_t i = 0; i < iamp_aa_code_count; i++) {
		if (strcmp(iamp_aa_codes[i].code, name) != 0)
			continue;
		if (iamp_aa_codes[i].rule != IAMP_RULE_NONE)
			out[iamp_aa_codes[i].rule] = true;
		n++; /* a code no rule reports yet is a known name */
	}
	return n;
}

static const char *const severity_names[] = {
	[IAMP_SEV_SUGGESTION] = "suggestion",
	[IAMP_SEV_WARNING] = "warning",
	[IAMP_SEV_SECURITY_WARNING] = "security-warning",
	[IAMP_SEV_ERROR] = "error",
};

const char *iamp_severity_name(enum iamp_severity sev)
{
	return severity_names[sev];
}

bool iamp_severity_parse(enum iamp_severity *out, const char *name)
{
	for (size_t i = 0; i < sizeof(severity_names) / sizeof(*severity_names); i++) {
		if (strcmp(severity_names[i], name) == 0) {
			*out = (enum iamp_severity)i;
			return true;
		}
	}
	return false;
}

const struct iamp_rule *iamp_rule_find(const char *id)
{
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++)
		if (strcmp(iamp_rules[i].id, id) == 0)
			return &iamp_rules[i];
	return NULL;
}

bool iamp_diags_wants_any(const struct iamp_diags *diags, const enum iamp_rule_id *rules)
{
	for (; *rules != IAMP_RULE__COUNT; rules++)
		if (iamp_diags_wants(diags, *rules))
			return true;
	return false;
}

void iamp_diags_work_for(struct iamp_diags *diags, const enum iamp_rule_id *rules)
{
	if (!iamp_diags_wants_any(diags, rules))
		iamp_diags_work(diags, *rules);
}

void iamp_diags_init(struct iamp_diags *diags)
{
	memset(diags, 0, sizeof(*diags));
}

void iamp_diags_clear(struct iamp_diags *diags)
{
	const bool *off = diags->off;

	for (size_t i = 0; i < diags->count; i++) {
		free(diags->items[i].path);
		free(diags->items[i].message);
		free(diags->items[i].source_line);
	}
	free(diags->items);
	iamp_diags_init(diags);
	diags->off = off;
}

/* What iamp_diags_move and iamp_diags_forget carry over besides the
 * items, and `from` emptied. */
static void carry(struct iamp_diags *to, struct iamp_diags *from)
{
	const bool *off = from->off;

	to->oom |= from->oom;
	if (from->wasted && !to->wasted)
		to->wasted_rule = from->wasted_rule;
	to->wasted += from->wasted;
	for (int sev = 0; sev <= IAMP_SEV_ERROR; sev++)
		to->reported[sev] += from->reported[sev];
	free(from->items);
	iamp_diags_init(from);
	from->off = off;
}

void iamp_diags_forget(struct iamp_diags *to, struct iamp_diags *from)
{
	for (size_t i = 0; i < from->count; i++) {
		to->reported[from->items[i].severity]++;
		free(from->items[i].path);
		free(from->items[i].message);
		free(from->items[i].source_line);
	}
	carry(to, from);
}

int iamp_diags_move(struct iamp_diags *to, struct iamp_diags *from)
{
	if (to->count + from->count > to->cap) {
		size_t cap = to->cap ? to->cap : 16;
		struct iamp_diag *items;

		while (cap < to->count + from->count)
			cap *= 2;
		items = realloc(to->items, cap * sizeof(*items));
		if (!items)
			return IAMP_ENOMEM;
		to->items = items;
		to->cap = cap;
	}
	if (from->count)
		memcpy(to->items + to->count, from->items, from->count * sizeof(*from->items));
	to->count += from->count;
	carry(to, from);
	return 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void iamp_diags_label(struct iamp_diags *diags, size_t first, const char *label)
{
	size_t n = strlen(label);

	for (size_t i = first; i < diags->count; i++) {
		struct iamp_diag *d = &diags->items[i];
		size_t m = strlen(d->message);
		char *msg = malloc(n + m + 3);

		if (!msg) {
			diags->oom = true;
			return;
		}
		memcpy(msg, label, n);
		memcpy(msg + n, ": ", 2);
		memcpy(msg + n + 2, d->message, m + 1);
		free(d->message);
		d->message = msg;
	}
}

struct iamp_diag *iamp_diag_add(struct iamp_diags *diags,
				enum iamp_rule_id rule, const char *path,
				struct iamp_span span, const char *line_text,
				size_t line_len, const char *fmt, ...)
{
	struct iamp_diag *d;
	char buf[1024];
	va_list ap;

	if (!iamp_diags_wants(diags, rule))
		return NULL;
	if (diags->count == diags->cap) {
		size_t cap = diags->cap ? diags->cap * 2 : 16;
		struct iamp_diag *items = realloc(diags->items, cap * sizeof(*items));

		if (!items) {
			diags->oom = true;
			return NULL;
		}
		diags->items = items;
		diags->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	d = &diags->items[diags->count];
	d->rule = rule;
	d->severity = iamp_rules[rule].severity;
	d->span = span;
	d->path = dup_n(path, strlen(path));
	d->message = dup_n(buf, strlen(buf));
	/* A source line is kept for display and fingerprints only when it is
	 * of a displayable length: a one-line policy of megabytes must not be
	 * copied once per finding. */
	if (line_len > IAMP_DIAG_MAX_LINE)
		line_text = NULL;
	d->source_line = line_text ? dup_n(line_text, line_len) : NULL;
	if (!d->path || !d->message || (line_text && !d->source_line)) {
		free(d->path);
		free(d->message);
		free(d->source_line);
		diags->oom = true;
		return NULL;
	}
	diags->count++;
	return d;
}

static int cmp_diag(const void *pa, const void *pb)
{
	const struct iamp_diag *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	if (c)
		return c;
	if (a->span.start.line != b->span.start.line)
		return a->span.start.line < b->span.start.line ? -1 : 1;
	if (a->span.start.col != b->span.start.col)
		return a->span.start.col < b->span.start.col ? -1 : 1;
	c = strcmp(iamp_rules[a->rule].id, iamp_rules[b->rule].id);
	if (c)
		return c;
	return strcmp(a->message, b->message);
}

void iamp_diags_sort(struct iamp_diags *diags)
{
	if (diags->count > 1)
		qsort(diags->items, diags->count, sizeof(*diags->items), cmp_diag);
}

int iamp_diags_max_severity(const struct iamp_diags *diags)
{
	int max = -1;

	for (size_t i = 0; i < diags->count; i++)
		if ((int)diags->items[i].severity > max)
			max = (int)diags->items[i].severity;
	for (int sev = IAMP_SEV_ERROR; sev > max; sev--)
		if (diags->reported[sev])
			return sev;
	return max;
}

void iamp_diags_count(const struct iamp_diags *diags, size_t count[IAMP_SEV_ERROR + 1])
{
	for (int sev = 0; sev <= IAMP_SEV_ERROR; sev++)
		count[sev] = diags->reported[sev];
	for (size_t i = 0; i < diags->count; i++)
		count[diags->items[i].severity]++;
}

#define FNV_PRIME 0x100000001b3ULL

/* FNV-1a, 64 bit, of s[0..n): stable across runs and machines. Four
 * bytes a round, in order: the same value with a quarter of the loop's
 * tests (the length is known; a NUL is no longer looked for). */
static uint64_t fnv_n(uint64_t h, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		h = (h ^ p[i]) * FNV_PRIME;
		h = (h ^ p[i + 1]) * FNV_PRIME;
		h = (h ^ p[i + 2]) * FNV_PRIME;
		h = (h ^ p[i + 3]) * FNV_PRIME;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h ^ 0xff; /* separator, so "ab"+"c" differs from "a"+"bc" */
}

static uint64_t fnv(uint64_t h, const char *s)
{
	return fnv_n(h, s, s ? strlen(s) : 0);
}

/* h as 16 lower-case hex digits (snprintf's format parsing cost more
 * than the hash). */
static void hex16(char out[17], uint64_t h)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 15; i >= 0; i--, h >>= 4)
		out[i] = hex[h & 0xF];
	out[16] = '\0';
}

void iamp_diag_fingerprint(const struct iamp_diag *d, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *line = d->source_line;

	h = fnv(h, iamp_rules[d->rule].id);
	h = fnv(h, d->path);
	/* The line's text without surrounding white space or a trailing
	 * comma, so that re-indenting or moving the line (to the end of a
	 * list, where JSON wants no comma) keeps the fingerprint. */
	if (line) {
		size_t n;

		while (*line == ' ' || *line == '\t')
			line++;
		n = strnlen(line, 511); /* fingerprints have always hashed at most 511 bytes */
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r' ||
			     line[n - 1] == ','))
			n--;
		h = fnv_n(h, line, n);
	}
	h = fnv(h, d->message);
	hex16(out, h);
}

void iamp_fingerprint(char out[17], const char *const *parts, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = fnv(h, parts[i]);
	hex16(out, h);
}
