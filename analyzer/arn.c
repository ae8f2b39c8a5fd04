/*
 * arn.c - splitting and matching ARNs; see arn.h.
 */
#include "arn.h"

#include <string.h>

#include "match.h"

/* Offsets of the first five colons; false when there are fewer. */
static bool colons(size_t pos[5], const char *s, size_t len)
{
	size_t n = 0;
	const char *q = s, *end = s + len;

	while (n < 5 && (q = memchr(q, ':', (size_t)(end - q))) != NULL)
		pos[n++] = (size_t)(q++ - s);
	return n == 5;
}

bool iamp_arn_split(const char *s, size_t len, const char *field[6], size_t field_len[6])
{
	size_t c[5], start = 0;

	if (!colons(c, s, len))
		return false;
	for (int i = 0; i < 6; i++) {
		size_t end = i < 5 ? c[i] : len;

		field[i] = s + start;
		field_len[i] = end - start;
		start = end + 1;
	}
	return true;
}

bool iamp_arn_parse(struct iamp_arn *out, const char *s, size_t len)
{
	const char *f[6];
	size_t fl[6];

	if (len < 4 || memcmp(s, "arn:", 4) != 0 || !iamp_arn_split(s, len, f, fl))
		return false;
	out->partition = f[1];
	out->partition_len = fl[1];
	out->service = f[2];
	out->service_len = fl[2];
	out->region = f[3];
	out->region_len = fl[3];
	out->account = f[4];
	out->account_len = fl[4];
	out->resource = f[5];
	out->resource_len = fl[5];
	return true;
}

bool iamp_arn_is(const struct iamp_arn *arn, const char *service, const char *prefix)
{
	size_t sn = strlen(service), pn = strlen(prefix);

	return arn->service_len == sn && memcmp(arn->service, service, sn) == 0 &&
	       arn->resource_len >= pn && memcmp(arn->resource, prefix, pn) == 0;
}

static bool part(const char *p, size_t pl, const char *s, size_t sl, bool raw)
{
	return raw ? iamp_match_like(p, pl, s, sl) : iamp_wild_match(p, pl, s, sl);
}

/* Both sides have six parts: each part on its own. */
static bool by_parts(const size_t pc[5], const char *pat, size_t plen, const size_t sc[5],
		     const char *s, size_t slen, bool raw)
{
	size_t pstart = 0, sstart = 0;

	for (int i = 0; i < 6; i++) {
		size_t pend = i < 5 ? pc[i] : plen;
		size_t send = i < 5 ? sc[i] : slen;

		if (!part(pat + pstart, pend - pstart, s + sstart, send - sstart, raw))
			return false;
		pstart = pend + 1;
		sstart = send + 1;
	}
	return true;
}

static bool resource_match(const char *pat, size_t plen, const char *s, size_t slen, bool raw)
{
	size_t pc[5], sc[5];

	if (!colons(pc, pat, plen))
		return part(pat, plen, s, slen, raw);
	return colons(sc, s, slen) && by_parts(pc, pat, plen, sc, s, slen, raw);
}

bool iamp_arn_match(const char *pat, size_t plen, const char *s, size_t slen)
{
	return resource_match(pat, plen, s, slen, false);
}

bool iamp_match_arn(const char *pat, size_t plen, const char *s, size_t slen)
{
	return resource_match(pat, plen, s, slen, true);
}

bool iamp_arn_like(const char *pat, size_t plen, const char *s, size_t slen)
{
	size_t pc[5], sc[5];

	return colons(pc, pat, plen) && colons(sc, s, slen) &&
	       by_parts(pc, pat, plen, sc, s, slen, false);
}
