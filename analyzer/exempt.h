/*
 * exempt.h - the gap a counterexample shows, in terms of the Deny
 * statements: which condition a request escapes a Deny through, or which
 * exemption a Deny would need to let a request through. Shared by
 * `prove` (text, JSON, Markdown) and its HTML report.
 *
 * Nothing here is guessed: each answer is a statement changed in a copy
 * of the evaluator (iamp_evaluator_variant) and the request decided
 * again.
 *
 *   escapes  the request is allowed; the Deny at policy:line would deny
 *            it but for one of its conditions (without that condition,
 *            the copy denies the request explicitly by that statement).
 *            Typically an exemption such as
 *            ArnNotLike aws:PrincipalArn arn:aws:iam::*:role/Admin*.
 *   needed   the request is denied explicitly; for each Deny that
 *            applies, the caller's aws:PrincipalArn added to the
 *            statement's ArnNotLike/StringNotLike (or ...NotEquals)
 *            aws:PrincipalArn condition, or such a condition added when
 *            it has none; `after` is the decision with every one of them
 *            in place (allowed, or still an implicit deny when no Allow
 *            grants the request).
 */
#ifndef IAMP_EXEMPT_H
#define IAMP_EXEMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "eval.h"
#include "policy.h"

#define IAMP_EXEMPT_MAX 8

enum iamp_exempt_kind { IAMP_EXEMPT_ESCAPES, IAMP_EXEMPT_NEEDED };

struct iamp_exemption {
	const char *policy_name;                 /* the evaluator's name of the policy */
	const struct iamp_statement *stmt;       /* in the policy as added */
	/* ESCAPES: the condition the request escapes through; NEEDED: the
	 * condition that gets the value, or NULL when one is to be added. */
	const struct iamp_condition *cond;
	char value[512];                         /* ESCAPES: the request's value of the key (or
						  * empty: absent); NEEDED: the value to exempt */
	bool value_absent;                       /* ESCAPES: the request lacks the key */
};

struct iamp_exemptions {
	enum iamp_exempt_kind kind;
	struct iamp_exemption items[IAMP_EXEMPT_MAX];
	size_t count;
	enum iamp_decision after;   /* NEEDED: the decision with every item applied */
	const char *none;           /* why there is no item, or NULL */
};

/*
 * For `req`, which the property wants denied (want_denied) or allowed:
 * the escapes of an allowed request, or the exemptions a denied one
 * needs. out->count is 0 with out->none saying why when there is nothing
 * to show. Returns 0 or IAMP_ENOMEM.
 */
int iamp_exemptions_find(struct iamp_exemptions *out, const struct iamp_evaluator *ev,
			 const struct iamp_request *req, bool want_denied);

#endif
