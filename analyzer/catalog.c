/*
 * catalog.c - lookups over the generated tables of catalog_data.c.
 *
 * A name ("s3", "s3:GetObject", "aws:SourceIp", any case), the lint's
 * most frequent question, is found through the hash tables made at build
 * time (catalog_index.h); a template key ("aws:RequestTag/team") through
 * the table of template prefixes. Ranges of names (patterns, prefixes)
 * are binary searches over tables sorted at generation time, or scans
 * of a contiguous range. Folding is ASCII-only, the same as the
 * generator's sort (every name in the data is ASCII).
 */
#include "catalog.h"
#include "catalog_index.h"
#include "arn.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define fold iamp_catalog_fold

/*
 * Compares the first len bytes of a (a NUL-terminated name followed by
 * the virtual character `tail`, 0 for none) with p[0..plen), folded.
 * With prefix set, a equal to p on p's length compares equal even when
 * longer: that finds ranges of names that start with p.
 */
static int cmp_name(const char *a, int tail, const char *p, size_t plen,
		    bool prefix)
{
	size_t i;

	for (i = 0; i < plen; i++) {
		int ca = (unsigned char)a[i];
		int cp = fold((unsigned char)p[i]);

		if (ca == '\0') {
			if (tail == 0)
				return -1;
			ca = tail;
			if (ca != cp)
				return ca < cp ? -1 : 1;
			/* The tail is the last character of a. */
			return i + 1 == plen ? 0 : -1;
		}
		ca = fold(ca);
		if (ca != cp)
			return ca < cp ? -1 : 1;
	}
	if (prefix)
		return 0;
	return a[plen] != '\0' || tail != 0 ? 1 : 0;
}

/* Whether the catalog's name a equals p[0..n), folded: what a hash
 * lookup asks of the entry it found (cmp_name's ordering not needed). */
static bool eq_name(const char *a, const char *p, size_t n)
{
	/* Spelled as the data spells it, one memcmp, which may read past
	 * a's end but not past the strings' table (a may be its last). */
	if ((size_t)(iamp_catalog_strings + iamp_catalog_strings_size - a) > n &&
	    memcmp(a, p, n) == 0)
		return a[n] == '\0';
	for (size_t i = 0; i < n; i++) {
		unsigned char ca = (unsigned char)a[i], cp = (unsigned char)p[i];

		/* the same byte first: policies mostly spell names as AWS does */
		if (ca == '\0' || (ca != cp && fold(ca) != fold(cp)))
			return false;
	}
	return a[n] == '\0';
}

const char *iamp_catalog_version(void)
{
	return iamp_catalog_gen_version;
}

const char *iamp_catalog_data_date(void)
{
	return iamp_catalog_gen_date;
}

const char *iamp_catalog_str(uint32_t offset)
{
	assert(offset < iamp_catalog_strings_size);
	return iamp_catalog_strings + offset;
}

/* ---- services ---------------------------------------------------------- */

/*
 * Services sort as "prefix:"; compare with the ':' appended so that the
 * order and the search agree. p may itself end with ':'.
 */
static int cmp_service(uint32_t i, const char *p, size_t plen, bool prefix)
{
	return cmp_name(iamp_catalog_str(iamp_catalog_services[i].prefix), ':',
			p, plen, prefix);
}

/* First service index whose "prefix:" is >= p (as a prefix if asked). */
static uint32_t service_lower(const char *p, size_t plen, bool prefix,
			      bool strict)
{
	uint32_t lo = 0, hi = iamp_catalog_counts.services;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = cmp_service(mid, p, plen, prefix);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct iamp_service *iamp_catalog_service(const char *prefix, size_t len)
{
	uint32_t h = iamp_catalog_hash(IAMP_CATALOG_HASH_START, prefix, len);

	for (h &= iamp_catalog_service_mask; iamp_catalog_service_slots[h];
	     h = (h + 1) & iamp_catalog_service_mask) {
		uint32_t i = iamp_catalog_service_slots[h] - 1u;

		/* a name with ':' or of length 0 equals no prefix */
		if (eq_name(iamp_catalog_str(iamp_catalog_services[i].prefix), prefix, len))
			return &iamp_catalog_services[i];
	}
	return NULL;
}

/* ---- actions ------------------------------------------------------------ */

static int cmp_action(uint32_t i, const char *p, size_t plen, bool prefix)
{
	return cmp_name(iamp_catalog_str(iamp_catalog_actions[i].name), 0, p,
			plen, prefix);
}

/* First index in [lo, hi) whose action name is >= p (> p when strict). */
static uint32_t action_lower(uint32_t lo, uint32_t hi, const char *p,
			     size_t plen, bool prefix, bool strict)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = cmp_action(mid, p, plen, prefix);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The distinct service parts of the resource types' ARN formats,
 * sorted by byte order then length (cmp_part), for
 * iamp_catalog_arn_service_known. */
struct arn_part {
	const char *text;
	size_t len;
};
static struct arn_part *arn_services;
static uint32_t arn_service_count;
static pthread_once_t arn_services_once = PTHREAD_ONCE_INIT;

static int cmp_part(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int cmp_part_q(const void *x, const void *y)
{
	const struct arn_part *a = x, *b = y;

	return cmp_part(a->text, a->len, b->text, b->len);
}

/* The set of the formats' service parts, made the first time it is
 * asked for (few runs ask). Left NULL (the lookup scans instead) when
 * memory is short. */
static void arn_services_build(void)
{
	uint32_t n = iamp_catalog_counts.resource_types, k = 0;
	struct arn_part *p = calloc(n ? n : 1, sizeof(*p));

	if (!p)
		return;
	for (uint32_t i = 0; i < n; i++) {
		const char *field[6];
		size_t flen[6];

		if (!iamp_catalog_resource_type_arn(&iamp_catalog_resource_types[i], field, flen))
			continue;
		/* a service's types mostly share the part: drop the repeats
		 * before the sort */
		if (k > 0 && cmp_part(p[k - 1].text, p[k - 1].len, field[2], flen[2]) == 0)
			continue;
		p[k++] = (struct arn_part){ field[2], flen[2] };
	}
	qsort(p, k, sizeof(*p), cmp_part_q);
	n = k;
	k = 0;
	for (uint32_t i = 0; i < n; i++)
		if (k == 0 || cmp_part_q(&p[k - 1], &p[i]) != 0)
			p[k++] = p[i];
	arn_service_count = k;
	arn_services = p;
}

bool iamp_catalog_resource_type_arn(const struct iamp_resource_type *rt, const char *field[6],
				    size_t flen[6])
{
	const char *fmt = iamp_catalog_str(rt->arn);
	const struct iamp_catalog_arn_split *f = &iamp_catalog_arn_splits[rt - iamp_catalog_resource_types];

	if (!f->ok)
		return false; /* no six parts (the generator refuses longer formats) */
	for (int k = 0; k < 6; k++) {
		field[k] = fmt + f->off[k];
		flen[k] = f->len[k];
	}
	return true;
}

const struct iamp_catalog_arn_split *iamp_catalog_service_arn_splits(const struct iamp_service *s)
{
	return &iamp_catalog_arn_splits[s->first_resource_type];
}

bool iamp_catalog_arn_service_known(const char *svc, size_t len)
{
	uint32_t lo = 0, hi;

	pthread_once(&arn_services_once, arn_services_build);
	if (!arn_services) {
		for (uint32_t i = 0; i < iamp_catalog_counts.resource_types; i++) {
			const char *field[6];
			size_t flen[6];

			if (iamp_catalog_resource_type_arn(&iamp_catalog_resource_types[i], field, flen) &&
			    flen[2] == len && memcmp(field[2], svc, len) == 0)
				return true;
		}
		return false;
	}
	hi = arn_service_count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = cmp_part(arn_services[mid].text, arn_services[mid].len, svc, len);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

const struct iamp_action *iamp_catalog_action(const char *name, size_t len)
{
	const char *colon = memchr(name, ':', len);
	size_t slen;
	uint32_t h, hash;

	if (!colon || colon == name || (size_t)(colon - name) + 1 == len)
		return NULL;
	slen = (size_t)(colon - name);
	hash = iamp_catalog_name_hash(name, len);
	for (h = hash & iamp_catalog_action_mask; iamp_catalog_action_slots[h];
	     h = (h + 1) & iamp_catalog_action_mask) {
		uint32_t i = iamp_catalog_action_slots[h] - 1;
		const struct iamp_action *a = &iamp_catalog_actions[i];

		if (iamp_catalog_action_hashes[i] == hash &&
		    eq_name(iamp_catalog_str(iamp_catalog_services[a->service].prefix), name, slen) &&
		    eq_name(iamp_catalog_str(a->name), colon + 1, len - slen - 1))
			return a;
	}
	return NULL;
}

uint32_t iamp_catalog_action_index(const struct iamp_action *a)
{
	return (uint32_t)(a - iamp_catalog_actions);
}

const struct iamp_service *iamp_catalog_action_service(const struct iamp_action *a)
{
	return &iamp_catalog_services[a->service];
}

bool iamp_catalog_action_is_wildcard_only(const struct iamp_action *a)
{
	return a->resource_count == 0;
}

size_t iamp_catalog_action_format(char *out, size_t size, const struct iamp_action *a)
{
	const char *svc = iamp_catalog_str(iamp_catalog_action_service(a)->prefix);
	const char *name = iamp_catalog_str(a->name);
	size_t sl = strlen(svc), nl = strlen(name), n = sl + 1 + nl;

	if (size > 0) {
		size_t k = 0, j;

		for (j = 0; j < sl && k + 1 < size; j++)
			out[k++] = svc[j];
		if (k + 1 < size)
			out[k++] = ':';
		for (j = 0; j < nl && k + 1 < size; j++)
			out[k++] = name[j];
		out[k] = '\0';
	}
	return n;
}

const char *iamp_catalog_access_name(enum iamp_access_level level)
{
	switch (level) {
	case IAMP_ACCESS_LIST:
		return "List";
	case IAMP_ACCESS_READ:
		return "Read";
	case IAMP_ACCESS_WRITE:
		return "Write";
	case IAMP_ACCESS_PERMISSIONS_MANAGEMENT:
		return "Permissions management";
	case IAMP_ACCESS_TAGGING:
		return "Tagging";
	}
	return "?";
}

/* ---- patterns ----------------------------------------------------------- */

bool iamp_catalog_prefix_range(uint32_t *out_first, uint32_t *out_end,
			       const char *prefix, size_t len)
{
	const char *colon = memchr(prefix, ':', len);
	uint32_t first, end;

	if (!colon) {
		/* Part of a service prefix, or nothing: whole services. */
		uint32_t s0 = service_lower(prefix, len, true, false);
		uint32_t s1 = service_lower(prefix, len, true, true);

		if (s0 < s1) {
			first = iamp_catalog_services[s0].first_action;
			end = iamp_catalog_services[s1 - 1].first_action +
			      iamp_catalog_services[s1 - 1].action_count;
		} else {
			first = end = 0;
		}
	} else {
		const struct iamp_service *s =
			iamp_catalog_service(prefix, (size_t)(colon - prefix));
		size_t alen = len - (size_t)(colon - prefix) - 1;

		if (s) {
			uint32_t lo = s->first_action, hi = lo + s->action_count;

			first = action_lower(lo, hi, colon + 1, alen, true, false);
			end = action_lower(first, hi, colon + 1, alen, true, true);
		} else {
			first = end = 0;
		}
	}
	*out_first = first;
	*out_end = end;
	return first < end;
}

bool iamp_catalog_glob(const char *p, size_t plen, const char *t, size_t tlen)
{
	size_t pi = 0, ti = 0, star_p = (size_t)-1, star_t = 0;

	/* Greedy with one backtrack point: linear enough for names. */
	while (ti < tlen) {
		if (pi < plen && p[pi] == '*') {
			star_p = pi++;
			star_t = ti;
		} else if (pi < plen &&
			   (p[pi] == '?' || fold((unsigned char)p[pi]) ==
						    fold((unsigned char)t[ti]))) {
			pi++;
			ti++;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			ti = ++star_t;
			/* The star takes every character that the literal after
			 * it cannot start at: those retries would fail on it. */
			if (pi < plen && p[pi] != '*' && p[pi] != '?') {
				int c = fold((unsigned char)p[pi]);

				while (ti < tlen && fold((unsigned char)t[ti]) != c)
					ti++;
				star_t = ti;
			}
		} else {
			return false;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

/* Gathers matches, in increasing order, into maximal runs for the callback. */
struct runs {
	int (*fn)(void *ctx, uint32_t first, uint32_t end);
	void *ctx;
	uint32_t first, end; /* the open run; empty when first == end */
	size_t count;
	int rc;
};

static void runs_flush(struct runs *r)
{
	if (r->first < r->end && r->rc == 0 && r->fn)
		r->rc = r->fn(r->ctx, r->first, r->end);
	r->first = r->end = 0;
}

static void runs_add(struct runs *r, uint32_t first, uint32_t end)
{
	if (first >= end || r->rc != 0)
		return;
	r->count += end - first;
	if (r->first < r->end && r->end == first) {
		r->end = end;
		return;
	}
	runs_flush(r);
	r->first = first;
	r->end = end;
}

static size_t literal_len(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && p[i] != '*' && p[i] != '?')
		i++;
	return i;
}

/* Actions [lo, hi) whose name (without "service:") matches pat. */
static void match_names(struct runs *r, uint32_t lo, uint32_t hi,
			const char *pat, size_t len)
{
	size_t lit = literal_len(pat, len);
	uint32_t i;

	if (lit + 1 == len && pat[lit] == '*') {
		uint32_t first = action_lower(lo, hi, pat, lit, true, false);

		runs_add(r, first, action_lower(first, hi, pat, lit, true, true));
		return;
	}
	if (lit > 0) {
		lo = action_lower(lo, hi, pat, lit, true, false);
		hi = action_lower(lo, hi, pat, lit, true, true);
	}
	for (i = lo; i < hi && r->rc == 0; i++) {
		const char *name = iamp_catalog_str(iamp_catalog_actions[i].name);

		if (iamp_catalog_glob(pat, len, name, strlen(name)))
			runs_add(r, i, i + 1);
	}
}

int iamp_catalog_match(size_t *out_count, const char *pattern, size_t len,
		       int (*fn)(void *ctx, uint32_t first, uint32_t end),
		       void *ctx)
{
	struct runs r = { .fn = fn, .ctx = ctx };
	size_t lit = literal_len(pattern, len);
	const char *colon = memchr(pattern, ':', len);
	uint32_t first, end, i;

	if (lit == len) {
		/* A literal: exactly one action or none. */
		const struct iamp_action *a = iamp_catalog_action(pattern, len);

		if (a)
			runs_add(&r, iamp_catalog_action_index(a),
				 iamp_catalog_action_index(a) + 1);
	} else if (lit + 1 == len && pattern[lit] == '*') {
		/* "LIT*": one range. */
		iamp_catalog_prefix_range(&first, &end, pattern, lit);
		runs_add(&r, first, end);
	} else if (colon && !memchr(colon + 1, ':', len - (size_t)(colon - pattern) - 1)) {
		/*
		 * One ':' in the pattern and exactly one in every name (the
		 * generator checks): the pattern's ':' can only match the
		 * name's, so the service part and the action part match
		 * apart. "*:Get*" is 455 short globs and 455 searches.
		 */
		size_t slen = (size_t)(colon - pattern);
		size_t slit = literal_len(pattern, slen);
		uint32_t s0, s1, s;

		if (slit == slen) {
			const struct iamp_service *sv = iamp_catalog_service(pattern, slen);

			s0 = sv ? (uint32_t)(sv - iamp_catalog_services) : 0;
			s1 = sv ? s0 + 1 : 0;
		} else {
			s0 = service_lower(pattern, slit, true, false);
			s1 = service_lower(pattern, slit, true, true);
		}
		for (s = s0; s < s1 && r.rc == 0; s++) {
			const struct iamp_service *sv = &iamp_catalog_services[s];
			const char *prefix = iamp_catalog_str(sv->prefix);

			if (slit < slen && !iamp_catalog_glob(pattern, slen, prefix, strlen(prefix)))
				continue;
			match_names(&r, sv->first_action, sv->first_action + sv->action_count,
				    colon + 1, len - slen - 1);
		}
	} else {
		/* The general case: a '*' may span the ':'. */
		iamp_catalog_prefix_range(&first, &end, pattern, lit);
		for (i = first; i < end && r.rc == 0; i++) {
			char buf[256];
			size_t n = iamp_catalog_action_format(buf, sizeof(buf),
							      &iamp_catalog_actions[i]);

			if (n < sizeof(buf) && iamp_catalog_glob(pattern, len, buf, n))
				runs_add(&r, i, i + 1);
		}
	}
	runs_flush(&r);
	if (out_count)
		*out_count = r.count;
	return r.rc;
}

size_t iamp_catalog_match_count(const char *pattern, size_t len)
{
	size_t n;

	iamp_catalog_match(&n, pattern, len, NULL, NULL);
	return n;
}

/* ---- condition keys ----------------------------------------------------- */

static bool eq_fold(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
			return false;
	return true;
}

/*
 * Of the templates whose literal prefix is name[0..pre) (hash h), the
 * one the name instantiates with the longest literal part; of equals,
 * the first in iamp_catalog_template_keys. *best is a position in that
 * list + 1, 0 for none yet.
 */
static void template_probe(uint32_t *best, size_t *best_lit, uint32_t h, const char *name,
			   size_t len, size_t pre)
{
	for (h &= iamp_catalog_template_mask; iamp_catalog_template_slots[h];
	     h = (h + 1) & iamp_catalog_template_mask) {
		uint32_t pos = iamp_catalog_template_slots[h] - 1u;
		const struct iamp_condition_key *k = &iamp_catalog_keys[iamp_catalog_template_keys[pos]];
		const char *t = iamp_catalog_str(k->name);
		size_t suf = k->template_suffix, lit = pre + suf;

		if (k->template_prefix != pre || lit == 0 || len <= lit || lit < *best_lit ||
		    (lit == *best_lit && *best && pos + 1 > *best))
			continue;
		if (eq_fold(t, name, pre) && eq_fold(t + strlen(t) - suf, name + len - suf, suf)) {
			*best = pos + 1;
			*best_lit = lit;
		}
	}
}

const struct iamp_condition_key *iamp_catalog_key(const char *name, size_t len)
{
	uint32_t h = IAMP_CATALOG_HASH_START, best = 0;
	size_t best_lit = 0;

	for (uint32_t s = iamp_catalog_hash(h, name, len) & iamp_catalog_key_mask; iamp_catalog_key_slots[s];
	     s = (s + 1) & iamp_catalog_key_mask) {
		const struct iamp_condition_key *k = &iamp_catalog_keys[iamp_catalog_key_slots[s] - 1u];

		if (eq_name(iamp_catalog_str(k->name), name, len))
			return k;
	}
	/* No such key: a template it instantiates, its prefix hashed on the way. */
	for (size_t pre = 0; pre < len && pre < 256; pre++) {
		if (iamp_catalog_template_lengths[pre / 64] >> (pre % 64) & 1)
			template_probe(&best, &best_lit, h, name, len, pre);
		h = iamp_catalog_hash_step(h, name[pre]);
	}
	return best ? &iamp_catalog_keys[iamp_catalog_template_keys[best - 1]] : NULL;
}

const struct iamp_condition_key *iamp_catalog_key_ref(uint32_t ref)
{
	return &iamp_catalog_keys[iamp_catalog_key_refs[ref]];
}

uint32_t iamp_catalog_key_index(const struct iamp_condition_key *k)
{
	return (uint32_t)(k - iamp_catalog_keys);
}

const char *iamp_catalog_key_type_name(const struct iamp_condition_key *k)
{
	bool multi = k->flags & IAMP_KEY_MULTIVALUED;

	switch ((enum iamp_key_type)k->type) {
	case IAMP_KEY_STRING:
		return multi ? "ArrayOfString" : "String";
	case IAMP_KEY_ARN:
		return multi ? "ArrayOfARN" : "ARN";
	case IAMP_KEY_BOOL:
		return multi ? "ArrayOfBool" : "Bool";
	case IAMP_KEY_NUMERIC:
		return multi ? "ArrayOfNumeric" : "Numeric";
	case IAMP_KEY_DATE:
		return multi ? "ArrayOfDate" : "Date";
	case IAMP_KEY_IP:
		return multi ? "ArrayOfIPAddress" : "IPAddress";
	case IAMP_KEY_BINARY:
		return multi ? "ArrayOfBinary" : "Binary";
	case IAMP_KEY_UNKNOWN:
		break;
	}
	return "Unknown";
}

/* Key runs are sorted by key index: binary search. */
static bool run_has(uint32_t first, uint32_t count, uint16_t key)
{
	uint32_t lo = first, hi = first + count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (iamp_catalog_key_refs[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < first + count && iamp_catalog_key_refs[lo] == key;
}

bool iamp_catalog_action_has_key(const struct iamp_action *a,
				 const struct iamp_condition_key *k)
{
	uint16_t key = (uint16_t)iamp_catalog_key_index(k);
	uint32_t i;

	if (run_has(a->first_key_ref, a->key_count, key))
		return true;
	for (i = 0; i < a->resource_count; i++) {
		const struct iamp_action_resource *r =
			&iamp_catalog_action_resources[a->first_resource + i];
		const struct iamp_resource_type *rt =
			&iamp_catalog_resource_types[r->type];

		if (run_has(r->first_key_ref, r->key_count, key) ||
		    run_has(rt->first_key_ref, rt->key_count, key))
			return true;
	}
	return false;
}

bool iamp_catalog_service_has_key(const struct iamp_service *s,
				  const struct iamp_condition_key *k)
{
	return run_has(s->first_key_ref, s->key_count,
		       (uint16_t)iamp_catalog_key_index(k));
}

/* ---- resource types ----------------------------------------------------- */

const struct iamp_resource_type *
iamp_catalog_resource_type(const struct iamp_service *s, const char *name,
			   size_t len)
{
	uint32_t lo = s->first_resource_type;
	uint32_t hi = lo + s->resource_type_count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = cmp_name(iamp_catalog_str(iamp_catalog_resource_types[mid].name),
				 0, name, len, false);

		if (c == 0)
			return &iamp_catalog_resource_types[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
