/*
 * match.c - value matchers for the concrete evaluator; see match.h.
 *
 * The wildcard matcher is the classic greedy algorithm with one backtrack
 * point (the last '*' seen): linear for patterns with one '*', and
 * O(pattern x subject) at worst, never exponential.
 */
#include "match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Length of the UTF-8 sequence starting at s[i], clamped to the text. */
static inline size_t cp_len(const char *s, size_t i, size_t len)
{
	unsigned char c = (unsigned char)s[i];
	size_t n = c < 0x80 ? 1 : c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 1;

	return i + n <= len ? n : len - i;
}

size_t iamp_wild_compile(char *out, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = src[i] == '*' ? IAMP_WILD_STAR : src[i] == '?' ? IAMP_WILD_ONE : src[i];
	return len;
}

/*
 * raw: '*' and '?' are wildcards (as well as the compiled bytes).
 * icase: ASCII case-insensitive.
 */
static inline bool glob(const char *pat, size_t plen, const char *s, size_t slen,
			bool raw, bool icase)
{
	size_t p = 0, i = 0, star_p = (size_t)-1, star_i = 0;

	while (i < slen) {
		if (p < plen) {
			char c = pat[p];

			if (c == IAMP_WILD_STAR || (raw && c == '*')) {
				/* a '*' that ends the pattern takes the rest */
				if (++p == plen)
					return true;
				star_p = p;
				star_i = i;
				continue;
			}
			if (c == IAMP_WILD_ONE || (raw && c == '?')) {
				p++;
				i += cp_len(s, i, slen);
				continue;
			}
			if (c == s[i] || (icase && lower((unsigned char)c) == lower((unsigned char)s[i]))) {
				p++;
				i++;
				continue;
			}
		}
		if (star_p == (size_t)-1)
			return false;
		p = star_p;
		star_i += cp_len(s, star_i, slen);
		i = star_i;
	}
	while (p < plen && (pat[p] == IAMP_WILD_STAR || (raw && pat[p] == '*')))
		p++;
	return p == plen;
}

bool iamp_wild_match(const char *pat, size_t plen, const char *s, size_t slen)
{
	return glob(pat, plen, s, slen, false, false);
}

bool iamp_match_like(const char *pat, size_t plen, const char *s, size_t slen)
{
	return glob(pat, plen, s, slen, true, false);
}

bool iamp_match_action(const char *pat, size_t plen, const char *action, size_t alen)
{
	return glob(pat, plen, action, alen, true, true);
}

static inline bool same_char(unsigned char a, unsigned char b, bool icase)
{
	return icase ? lower(a) == lower(b) : a == b;
}

/*
 * The greedy algorithm of glob() with `in` as the subject, its '*' and
 * '?' taken as characters that only a '*' of `by` (or, for '?', a '?')
 * absorbs: an alignment of the two texts carries over to every text
 * that `in` matches.
 */
bool iamp_pattern_covers(const char *by, size_t lb, const char *in, size_t li, bool icase)
{
	size_t bi = 0, ii = 0, star_b = SIZE_MAX, star_i = 0;

	/*
	 * Two shortcuts, each what the loop below would decide, taken first
	 * because lint compares many names of one service ("ec2:Describe...")
	 * pair by pair. A literal last byte of `by` is matched, if at all,
	 * with the last byte of `in` (a '*' or '?' of `in` is never the
	 * same character): once it is consumed nothing is left to take a
	 * later byte. And until the first '*' of `by` the loop consumes
	 * equal bytes one for one (a '?' against a '?' too): done here
	 * without its branches.
	 */
	if (lb && by[lb - 1] != '*' && by[lb - 1] != '?' &&
	    (!li || !same_char((unsigned char)by[lb - 1], (unsigned char)in[li - 1], icase)))
		return false;
	while (bi < lb && ii < li && by[bi] == in[ii] && by[bi] != '*') {
		bi++;
		ii++;
	}
	while (ii < li) {
		unsigned char b = bi < lb ? (unsigned char)by[bi] : 0;
		unsigned char c = (unsigned char)in[ii];

		if (bi < lb && b == '*') {
			star_b = bi++;
			star_i = ii;
		} else if (bi < lb && b == '?' && c != '*') {
			bi++;
			ii += c == '?' ? 1 : cp_len(in, ii, li);
		} else if (bi < lb && b != '?' && c != '*' && c != '?' && same_char(b, c, icase)) {
			bi++;
			ii++;
		} else if (star_b != SIZE_MAX) {
			bi = star_b + 1;
			ii = ++star_i;
			/* never resume inside a code point */
			while (ii < li && ((unsigned char)in[ii] & 0xC0) == 0x80)
				ii = ++star_i;
		} else {
			return false;
		}
	}
	while (bi < lb && by[bi] == '*')
		bi++;
	return bi == lb;
}

void iamp_ascii_lower(char *out, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (char)lower((unsigned char)src[i]);
}

bool iamp_equals_ignore_case(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

/* ---- IP addresses ------------------------------------------------------ */

static bool parse_uint(unsigned *out, const char *s, size_t len, unsigned max)
{
	unsigned v = 0;

	if (len == 0 || len > 3)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_v4(uint8_t out[4], const char *s, size_t len)
{
	size_t start = 0;
	int part = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			unsigned v;

			if (part > 3 || !parse_uint(&v, s + start, i - start, 255))
				return false;
			out[part++] = (uint8_t)v;
			start = i + 1;
		}
	}
	return part == 4;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_v6(uint8_t out[16], const char *s, size_t len)
{
	uint16_t words[8];
	int n = 0, gap = -1;
	size_t i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == len)
			goto done;
	} else if (len && s[0] == ':') {
		return false;
	}
	for (;;) {
		size_t start = i;
		unsigned v = 0;

		while (i < len && hexval(s[i]) >= 0 && i - start < 4)
			v = v * 16 + (unsigned)hexval(s[i++]);
		if (i < len && s[i] == '.') {
			/* a trailing dotted IPv4 part: two words */
			uint8_t v4[4];

			if (n > 6 || !parse_v4(v4, s + start, len - start))
				return false;
			words[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			words[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			break;
		}
		if (i == start || n >= 8)
			return false;
		words[n++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			i++;
			if (i == len)
				break;
		} else if (i == len) {
			return false;
		}
	}
done:
	if (gap < 0 && n != 8)
		return false;
	if (gap >= 0 && n > 7)
		return false;
	memset(out, 0, 16);
	{
		int tail = gap >= 0 ? n - gap : 0;
		int head = n - tail;

		for (int k = 0; k < head; k++) {
			out[2 * k] = (uint8_t)(words[k] >> 8);
			out[2 * k + 1] = (uint8_t)words[k];
		}
		for (int k = 0; k < tail; k++) {
			int w = 8 - tail + k;

			out[2 * w] = (uint8_t)(words[head + k] >> 8);
			out[2 * w + 1] = (uint8_t)words[head + k];
		}
	}
	return true;
}

bool iamp_ip_parse(struct iamp_ip *out, const char *s, size_t len)
{
	size_t slash = len;
	unsigned prefix;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/') {
			slash = i;
			break;
		}
	if (memchr(s, ':', slash)) {
		if (!parse_v6(out->addr, s, slash))
			return false;
		out->family = 6;
		prefix = 128;
	} else {
		if (!parse_v4(out->addr, s, slash))
			return false;
		out->family = 4;
		prefix = 32;
	}
	if (slash < len) {
		unsigned max = prefix;

		if (!parse_uint(&prefix, s + slash + 1, len - slash - 1, max))
			return false;
	}
	out->prefix = (uint8_t)prefix;
	return true;
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xFF << (8 - rest));

		if ((a[bytes] & mask) != (b[bytes] & mask))
			return false;
	}
	return true;
}

static bool v4_mapped(const struct iamp_ip *ip)
{
	static const uint8_t head[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };

	return ip->family == 6 && memcmp(ip->addr, head, 12) == 0;
}

bool iamp_ip_contains(const struct iamp_ip *cidr, const struct iamp_ip *addr)
{
	if (cidr->family == addr->family)
		return prefix_equal(cidr->addr, addr->addr, cidr->prefix);
	if (cidr->family == 4 && v4_mapped(addr))
		return prefix_equal(cidr->addr, addr->addr + 12, cidr->prefix);
	if (addr->family == 4 && v4_mapped(cidr) && cidr->prefix >= 96)
		return prefix_equal(cidr->addr + 12, addr->addr, cidr->prefix - 96u);
	return false;
}

/* ---- dates ------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(unsigned *out, const char *s, size_t len, size_t *i, size_t n)
{
	unsigned v = 0;

	if (*i + n > len)
		return false;
	for (size_t k = 0; k < n; k++) {
		char c = s[*i + k];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*i += n;
	*out = v;
	return true;
}

static bool is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

#define EPOCH_MAX_SECS (INT64_MAX / 1000000 - 1)

static bool parse_epoch(int64_t *out, const char *s, size_t len)
{
	size_t i = 0;
	int64_t secs = 0, frac = 0, scale = 1000000;

	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (secs <= EPOCH_MAX_SECS)
			secs = secs * 10 + (s[i] - '0');
		i++;
	}
	if (i == 0)
		return false;
	if (i < len && s[i] == '.') {
		i++;
		size_t fstart = i;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (s[i] - '0') * scale;
			}
			i++;
		}
		if (i == fstart)
			return false;
	}
	if (i != len)
		return false;
	/* AWS gives no limit on the digits; past the year 292,000 the
	 * microseconds no longer fit, and every such date is the same
	 * instant, later than any real one. */
	if (secs > EPOCH_MAX_SECS) {
		secs = EPOCH_MAX_SECS;
		frac = 0;
	}
	*out = secs * 1000000 + frac;
	return true;
}

bool iamp_date_parse(int64_t *out, const char *s, size_t len)
{
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t usec = 0, offset = 0;
	size_t i = 0;
	bool ext;
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (len == 0)
		return false;
	/* All digits (with an optional fraction): epoch seconds, unsigned as
	 * AWS documents them (seconds since 1970). */
	if (len != 8 || memchr(s, '-', len)) {
		size_t k = 0;

		while (k < len && ((s[k] >= '0' && s[k] <= '9') || s[k] == '.'))
			k++;
		if (k == len)
			return parse_epoch(out, s, len);
	}
	if (!digits(&y, s, len, &i, 4))
		return false;
	ext = i < len && s[i] == '-';
	if (ext)
		i++;
	if (!digits(&mo, s, len, &i, 2))
		return false;
	if (ext && !(i < len && s[i++] == '-'))
		return false;
	if (!digits(&d, s, len, &i, 2))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
		return false;
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (!digits(&h, s, len, &i, 2))
			return false;
		bool text = i < len && s[i] == ':';

		if (text)
			i++;
		if (!digits(&mi, s, len, &i, 2))
			return false;
		if (i < len && ((text && s[i] == ':') || (!text && s[i] >= '0' && s[i] <= '9'))) {
			if (text)
				i++;
			if (!digits(&sec, s, len, &i, 2))
				return false;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				int64_t scale = 1000000;
				size_t fstart = ++i;

				while (i < len && s[i] >= '0' && s[i] <= '9') {
					if (scale > 1) {
						scale /= 10;
						usec += (s[i] - '0') * scale;
					}
					i++;
				}
				if (i == fstart)
					return false;
			}
		}
		if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || usec)))
			return false;
		if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < len && (s[i] == '+' || s[i] == '-')) {
			int sign = s[i++] == '-' ? -1 : 1;
			unsigned oh, om = 0;

			if (!digits(&oh, s, len, &i, 2))
				return false;
			if (i < len && s[i] == ':')
				i++;
			if (i < len && !digits(&om, s, len, &i, 2))
				return false;
			if (oh > 23 || om > 59)
				return false;
			offset = sign * (int64_t)(oh * 3600 + om * 60);
		}
	}
	if (i != len)
		return false;
	*out = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - offset) * 1000000 + usec;
	return true;
}

/* ---- numbers, booleans, binary ---------------------------------------- */

bool iamp_number_parse(double *out, const char *s, size_t len)
{
	char buf[64];
	char *end;
	size_t i = 0;
	bool any = false;

	if (len == 0 || len >= sizeof(buf))
		return false;
	/* Only plain decimal forms: no hex, inf, nan or white space. */
	if (s[i] == '-' || s[i] == '+')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, any = true;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, any = true;
	}
	if (!any)
		return false;
	/* An exponent without digits ("1e", "1e+") strtod leaves unread, and
	 * the end check below refuses. */
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i != len)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	return end == buf + len;
}

bool iamp_bool_parse(bool *out, const char *s, size_t len)
{
	if (iamp_equals_ignore_case(s, len, "true", 4)) {
		*out = true;
		return true;
	}
	if (iamp_equals_ignore_case(s, len, "false", 5)) {
		*out = false;
		return true;
	}
	return false;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool iamp_base64_decode(uint8_t *out, size_t cap, size_t *out_len, const char *s,
			size_t len)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	while (len && s[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		int v = b64val(s[i]);

		if (v < 0)
			return false;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (out) {
				if (n >= cap)
					return false;
				out[n] = (uint8_t)(acc >> bits);
			}
			n++;
		}
	}
	if (bits >= 6) /* one stray character */
		return false;
	*out_len = n;
	return true;
}

bool iamp_is_account_id(const char *s, size_t len)
{
	if (len != 12)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}
