/*
 * arn.h - Amazon Resource Names: splitting and matching, in one place for
 * lint, the evaluator and the prover.
 *
 *   arn:partition:service:region:account:resource
 *   arn:aws:s3:::bucket/key            region and account empty
 *   arn:aws:iam::111122223333:role/x   region empty
 *   arn:aws:logs:us-east-1:111122223333:log-group:/a:*   the resource part
 *                                      keeps every further colon
 *
 * Matching. A policy's pattern and a request's ARN are compared part by
 * part, each part with the wildcards '*' and '?', so that a '*' never
 * crosses a colon except in the resource part:
 *
 *   "arn:aws:iam::*:role/x"  ~ "arn:aws:iam::111122223333:role/x"       yes
 *   "arn:aws:s3:::b*"        ~ "arn:aws:s3:::bucket/key"                yes
 *   "arn:aws:*"              ~ ...                                      see below
 *
 * Two readings of a pattern with fewer than six parts:
 *  - Resource and NotResource (iamp_arn_match): "*" and short patterns
 *    such as "arn:aws:s3:*" are matched against the whole ARN as text,
 *    as AWS accepts them in the Resource element.
 *  - ArnLike and ArnEquals condition operators (iamp_arn_like): AWS checks
 *    "each of the six colon-delimited components of the ARN separately"
 *    (IAM User Guide, "Condition operators", ARN condition operators), so
 *    a pattern with fewer parts never matches, nor does a value with fewer.
 */
#ifndef IAMP_ARN_H
#define IAMP_ARN_H

#include <stdbool.h>
#include <stddef.h>

struct iamp_arn {
	const char *partition, *service, *region, *account, *resource;
	size_t partition_len, service_len, region_len, account_len, resource_len;
};

/* Splits s at its first five colons into six fields, the "arn" field
 * included and the last holding the rest; false with fewer colons. No
 * field is checked: this serves patterns and globs as well as ARNs. */
bool iamp_arn_split(const char *s, size_t len, const char *field[6], size_t field_len[6]);

/* Splits s into its six parts. False when s does not start with "arn:" or
 * has fewer than six parts. The parts point into s. */
bool iamp_arn_parse(struct iamp_arn *out, const char *s, size_t len);

/* Whether the ARN's service part is `service` and its resource part starts
 * with `prefix` ("iam", "role/"). */
bool iamp_arn_is(const struct iamp_arn *arn, const char *service, const char *prefix);

/* Resource/NotResource matching with a compiled pattern (match.h). */
bool iamp_arn_match(const char *pat, size_t plen, const char *s, size_t slen);

/* The same with a raw pattern ('*' and '?' are wildcards). */
bool iamp_match_arn(const char *pat, size_t plen, const char *s, size_t slen);

/* ArnLike/ArnEquals with a compiled pattern: six parts on both sides. */
bool iamp_arn_like(const char *pat, size_t plen, const char *s, size_t slen);

#endif
