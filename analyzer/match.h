/*
 * match.h - the value matchers of the concrete evaluator.
 *
 * Every comparison that a policy makes against a request lives here, one
 * function per kind of value, with no knowledge of policies or requests:
 *
 *   wildcards   "s3:Get*" ~ "s3:getobject"      actions: both sides lower-cased first
 *               "arn:aws:s3:::b/k*" ~ "arn:aws:s3:::b/k1"  resources, *Like: case-sensitive
 *   ARNs        part by part: see arn.h
 *   IP          "203.0.113.0/24" contains "203.0.113.9"; IPv6 alike
 *   dates       "2020-01-01T00:00:00Z", "2020-01-01", "1577836800" -> microseconds
 *   numbers     "1", "-2.5", "1e3" -> double
 *   booleans    "true"/"false", case-insensitive
 *   binary      base64 text -> bytes
 *
 * Compiled wildcard patterns. A pattern may hold literal '*' and '?' (a
 * policy's ${*} and ${?}, or a substituted variable value), so wildcards
 * are stored as two bytes that never occur in UTF-8 text:
 *
 *     "a*b?${*}"  --compile-->  'a' 0xFF 'b' 0xFE '*'
 *
 * IAMP_WILD_STAR (0xFF) matches any run of characters, IAMP_WILD_ONE (0xFE)
 * exactly one character (one UTF-8 code point). Every other byte matches
 * itself. Subjects are UTF-8 text and so never hold 0xFE or 0xFF.
 *
 * Nothing here allocates.
 */
#ifndef IAMP_MATCH_H
#define IAMP_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IAMP_WILD_STAR ((char)0xFF)
#define IAMP_WILD_ONE ((char)0xFE)

/* Copies src[0..len) to out (len bytes), turning '*' and '?' into
 * IAMP_WILD_STAR and IAMP_WILD_ONE. Returns len. */
size_t iamp_wild_compile(char *out, const char *src, size_t len);

/* Matches a compiled pattern against s, case-sensitively. */
bool iamp_wild_match(const char *pat, size_t plen, const char *s, size_t slen);

/* Like iamp_wild_match, with a raw pattern ('*' and '?' are wildcards). */
bool iamp_match_like(const char *pat, size_t plen, const char *s, size_t slen);

/*
 * Whether raw pattern `by` ('*' and '?' wildcards) matches every text that
 * raw pattern `in` matches, as whole-text wildcard patterns: true only
 * when shown. A '*' of `by` absorbs any run of `in`, wildcards included;
 * a '?' of `by` one code point of `in` or its '?'; a literal only the
 * same literal (ASCII case folded with `icase`). Sound, not complete:
 *
 *   iamp_pattern_covers("s3:get*", 7, "s3:GetObject", 12, true)   true
 *   iamp_pattern_covers("a*", 2, "a?c*", 4, false)                true
 *   iamp_pattern_covers("a?c", 3, "a*c", 3, false)                false
 *
 * Policy variables are not resolved: a caller with `${` in either side
 * asks for byte equality instead.
 */
bool iamp_pattern_covers(const char *by, size_t lb, const char *in, size_t li, bool icase);

/* ASCII-lower-cases src[0..len) into out (which may be src). */
void iamp_ascii_lower(char *out, const char *src, size_t len);

/* Equality ignoring ASCII case. */
bool iamp_equals_ignore_case(const char *a, size_t alen, const char *b, size_t blen);

/* An action pattern (raw, any case) against an action (any case). */
bool iamp_match_action(const char *pat, size_t plen, const char *action, size_t alen);

/* An IPv4 or IPv6 address with a prefix length. */
struct iamp_ip {
	uint8_t family;   /* 4 or 6 */
	uint8_t prefix;   /* 0..32 or 0..128; a bare address is a full prefix */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
};

/* Parses "a.b.c.d", "a.b.c.d/n", IPv6 (with "::" and a trailing dotted
 * IPv4 part) with an optional "/n". */
bool iamp_ip_parse(struct iamp_ip *out, const char *s, size_t len);

/* Whether `addr` (its prefix ignored) lies inside `cidr`. Families must
 * agree, except that an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is
 * compared as IPv4. */
bool iamp_ip_contains(const struct iamp_ip *cidr, const struct iamp_ip *addr);

/* Parses a date: ISO 8601 ("2020-01-02", "2020-01-02T03:04Z",
 * "2020-01-02T03:04:05.678+01:00", "20200102T030405Z") or epoch seconds
 * ("1577836800", "1577836800.5"), into microseconds since the epoch. A
 * date without a zone is UTC. */
bool iamp_date_parse(int64_t *out, const char *s, size_t len);

/* Parses a decimal number (optional sign, digits, fraction, exponent). */
bool iamp_number_parse(double *out, const char *s, size_t len);

/* "true" or "false", ASCII case-insensitive. */
bool iamp_bool_parse(bool *out, const char *s, size_t len);

/* Decodes base64 (standard alphabet, padding optional, no white space)
 * into out[0..cap); *out_len is the decoded length. False when invalid or
 * longer than cap. With out NULL it only validates and counts. */
bool iamp_base64_decode(uint8_t *out, size_t cap, size_t *out_len, const char *s,
			size_t len);

/* A 12-digit AWS account id. */
bool iamp_is_account_id(const char *s, size_t len);

#endif
