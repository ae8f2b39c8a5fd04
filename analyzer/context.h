/*
 * context.h - the request that the concrete evaluator decides.
 *
 *   {"principal": "arn:aws:iam::111122223333:role/x",   principal
 *    "action": "s3:GetObject",                          action
 *    "resource": "arn:aws:s3:::bucket/key",             resource
 *    "context": {"aws:RequestedRegion": "us-east-1",    keys[]: one value
 *                "aws:TagKeys": ["a", "b"],                     a list (multi)
 *                "aws:MultiFactorAuthPresent": true}}            a boolean, as text
 *
 * Every string points into memory the caller keeps alive (the request's
 * document, or the arena given to iamp_request_from_value). Key names
 * compare case-insensitively, as AWS compares condition keys.
 */
#ifndef IAMP_CONTEXT_H
#define IAMP_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

struct iamp_arena;
struct iamp_limits;
struct iamp_value;

struct iamp_ctx_value {
	const char *text;
	size_t len;
};

struct iamp_ctx_key {
	const char *name;
	size_t name_len;
	const struct iamp_ctx_value *values;
	size_t count;        /* 0 for an empty list */
	bool multi;          /* written as a list */
};

struct iamp_request {
	const char *principal; /* an ARN, a service principal, an account id, or "*" (anonymous) */
	size_t principal_len;
	const char *action;
	size_t action_len;
	const char *resource;
	size_t resource_len;
	const struct iamp_ctx_key *keys;
	size_t key_count;
};

/* The key named `name` (ASCII case-insensitive), or NULL. */
const struct iamp_ctx_key *iamp_request_key(const struct iamp_request *req,
					    const char *name, size_t len);

/* The most values a request's key may hold, and its keys in all: the
 * evaluator's time grows with them times the policies' condition values
 * (AWS sends at most 50 tag keys; no key comes near). */
#define IAMP_REQUEST_MAX_KEY_VALUES 1000
#define IAMP_REQUEST_MAX_VALUES 10000

/*
 * Reads a request object. Context values may be strings, numbers,
 * booleans or lists of them (a null value leaves the key out), at most
 * IAMP_REQUEST_MAX_KEY_VALUES a key and IAMP_REQUEST_MAX_VALUES in all. On a bad
 * request returns IAMP_EINVAL with iamp_error_last() naming the field and
 * its position ("line 1, column 12: \"action\" must be a string").
 * Arrays live in `arena`; strings stay in the value tree.
 */
int iamp_request_from_value(struct iamp_request *out, struct iamp_arena *arena,
			    const struct iamp_value *root);

/*
 * Reads a request from JSON text in its plain form without the loader:
 * one object whose members are the four fields (each at most once), the
 * context's values strings, numbers, booleans, null or lists of strings,
 * numbers and booleans; strings of printable ASCII without escapes; no
 * context key twice, whatever its case. Strings point into `text`, which
 * must outlive the request; arrays live in `arena`.
 *
 * Returns 0 with *out filled, exactly as the loader and
 * iamp_request_from_value would fill it; 1 when the text is not in that
 * form (anything else, including every bad request: the caller reads it
 * with the loader, which says what is wrong and where); or IAMP_ENOMEM.
 * `limits` are the loader's (a string or a text over its caps gives 1).
 * simulate's light path (issue 13): a request line costs no value tree,
 * no line map and no positions.
 */
int iamp_request_parse(struct iamp_request *out, struct iamp_arena *arena, const char *text,
		       size_t len, const struct iamp_limits *limits);

/*
 * Adds the keys AWS derives from the request when the request does not
 * give them: aws:PrincipalArn (for an assumed-role session, the role's
 * ARN, without its path, which the session ARN does not carry),
 * aws:PrincipalAccount, and aws:ResourceAccount when the resource ARN
 * names an account. Returns 0 or IAMP_ENOMEM.
 */
int iamp_request_fill_derived(struct iamp_request *req, struct iamp_arena *arena);

/* Adds key `name` with the single value `value` (both must outlive the
 * request). The caller checks first that the key is absent. Returns 0 or
 * IAMP_ENOMEM. */
int iamp_request_add_key(struct iamp_request *req, struct iamp_arena *arena, const char *name,
			 const char *value);


#endif
