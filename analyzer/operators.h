/*
 * operators.h - the one table of condition operators.
 *
 * Each operator of the IAM reference with its value type and comparison.
 * A written operator is parsed into: optional set prefix (ForAllValues:
 * or ForAnyValue:, case-insensitive as AWS treats them), the base operator
 * (matched case-insensitively against this table), and an optional
 * IfExists suffix. Null takes no IfExists.
 *
 *   "ForAnyValue:StringNotLikeIfExists"
 *    └─ set ──┘ └── base ────┘└ suffix┘   base = {StringNotLike, STRING, LIKE, negated}
 */
#ifndef IAMP_OPERATORS_H
#define IAMP_OPERATORS_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

enum iamp_cond_type {
	IAMP_COND_STRING,
	IAMP_COND_NUMERIC,
	IAMP_COND_DATE,
	IAMP_COND_BOOL,
	IAMP_COND_BINARY,
	IAMP_COND_IP,
	IAMP_COND_ARN,
	IAMP_COND_NULL
};

enum iamp_cond_cmp {
	IAMP_CMP_EQUALS,         /* exact (or per type: numeric, date ...) */
	IAMP_CMP_EQUALS_IGNORE_CASE,
	IAMP_CMP_LIKE,           /* * and ? wildcards */
	IAMP_CMP_LESS_THAN,
	IAMP_CMP_LESS_THAN_EQUALS,
	IAMP_CMP_GREATER_THAN,
	IAMP_CMP_GREATER_THAN_EQUALS,
	IAMP_CMP_IN_RANGE,       /* IpAddress: inside a CIDR */
	IAMP_CMP_EXISTS          /* Null: the value says whether the key is absent */
};

struct iamp_operator {
	const char *name;        /* canonical spelling, e.g. "StringNotLike" */
	enum iamp_cond_type type;
	enum iamp_cond_cmp cmp;
	bool negated;            /* StringNotEquals, NotIpAddress, ArnNotLike ... */
};

extern const struct iamp_operator iamp_operators[];
extern const size_t iamp_operator_count;

/*
 * Parses a written operator. Returns false when the base operator is
 * unknown or the prefix is malformed. *op is the table entry.
 */
bool iamp_operator_parse(const char *text, size_t len,
			 const struct iamp_operator **op, enum iamp_set_op *set,
			 bool *if_exists);

/*
 * Whether a condition (not Null) holds when its key is absent from the
 * request: ForAllValues always, ForAnyValue only with IfExists, others
 * with IfExists or a negated operator. The evaluator decides with it,
 * and lint asks it whether a condition can be met without its key.
 */
bool iamp_operator_absent_holds(const struct iamp_operator *op, enum iamp_set_op set, bool if_exists);

#endif
