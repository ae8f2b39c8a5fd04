/*
 * operators.c - the condition operator table and its parser; see
 * operators.h. The table follows the IAM JSON policy elements reference,
 * "Condition operators".
 */
#include "operators.h"

#include <string.h>
#include <strings.h>

#define S IAMP_COND_STRING
#define N IAMP_COND_NUMERIC
#define D IAMP_COND_DATE

const struct iamp_operator iamp_operators[] = {
	{ "StringEquals", S, IAMP_CMP_EQUALS, false },
	{ "StringNotEquals", S, IAMP_CMP_EQUALS, true },
	{ "StringEqualsIgnoreCase", S, IAMP_CMP_EQUALS_IGNORE_CASE, false },
	{ "StringNotEqualsIgnoreCase", S, IAMP_CMP_EQUALS_IGNORE_CASE, true },
	{ "StringLike", S, IAMP_CMP_LIKE, false },
	{ "StringNotLike", S, IAMP_CMP_LIKE, true },
	{ "NumericEquals", N, IAMP_CMP_EQUALS, false },
	{ "NumericNotEquals", N, IAMP_CMP_EQUALS, true },
	{ "NumericLessThan", N, IAMP_CMP_LESS_THAN, false },
	{ "NumericLessThanEquals", N, IAMP_CMP_LESS_THAN_EQUALS, false },
	{ "NumericGreaterThan", N, IAMP_CMP_GREATER_THAN, false },
	{ "NumericGreaterThanEquals", N, IAMP_CMP_GREATER_THAN_EQUALS, false },
	{ "DateEquals", D, IAMP_CMP_EQUALS, false },
	{ "DateNotEquals", D, IAMP_CMP_EQUALS, true },
	{ "DateLessThan", D, IAMP_CMP_LESS_THAN, false },
	{ "DateLessThanEquals", D, IAMP_CMP_LESS_THAN_EQUALS, false },
	{ "DateGreaterThan", D, IAMP_CMP_GREATER_THAN, false },
	{ "DateGreaterThanEquals", D, IAMP_CMP_GREATER_THAN_EQUALS, false },
	{ "Bool", IAMP_COND_BOOL, IAMP_CMP_EQUALS, false },
	{ "BinaryEquals", IAMP_COND_BINARY, IAMP_CMP_EQUALS, false },
	{ "IpAddress", IAMP_COND_IP, IAMP_CMP_IN_RANGE, false },
	{ "NotIpAddress", IAMP_COND_IP, IAMP_CMP_IN_RANGE, true },
	{ "ArnEquals", IAMP_COND_ARN, IAMP_CMP_EQUALS, false },
	{ "ArnLike", IAMP_COND_ARN, IAMP_CMP_LIKE, false },
	{ "ArnNotEquals", IAMP_COND_ARN, IAMP_CMP_EQUALS, true },
	{ "ArnNotLike", IAMP_COND_ARN, IAMP_CMP_LIKE, true },
	{ "Null", IAMP_COND_NULL, IAMP_CMP_EXISTS, false },
};

const size_t iamp_operator_count = sizeof(iamp_operators) / sizeof(iamp_operators[0]);

static bool has_prefix_ci(const char *s, size_t len, const char *prefix, size_t plen)
{
	return len >= plen && strncasecmp(s, prefix, plen) == 0;
}

bool iamp_operator_parse(const char *text, size_t len,
			 const struct iamp_operator **op, enum iamp_set_op *set,
			 bool *if_exists)
{
	static const char all[] = "ForAllValues:", any[] = "ForAnyValue:", ie[] = "IfExists";

	*op = NULL;
	*set = IAMP_SET_NONE;
	*if_exists = false;
	if (has_prefix_ci(text, len, all, sizeof(all) - 1)) {
		*set = IAMP_SET_FOR_ALL_VALUES;
		text += sizeof(all) - 1;
		len -= sizeof(all) - 1;
	} else if (has_prefix_ci(text, len, any, sizeof(any) - 1)) {
		*set = IAMP_SET_FOR_ANY_VALUE;
		text += sizeof(any) - 1;
		len -= sizeof(any) - 1;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < iamp_operator_count; i++) {
			const char *name = iamp_operators[i].name;
			size_t n = strlen(name);

			if (n == len && strncasecmp(name, text, n) == 0) {
				*op = &iamp_operators[i];
				return true;
			}
		}
		/* Second pass: without an IfExists suffix. */
		if (pass == 0 && len > sizeof(ie) - 1 &&
		    strncasecmp(text + len - (sizeof(ie) - 1), ie, sizeof(ie) - 1) == 0) {
			len -= sizeof(ie) - 1;
			*if_exists = true;
		} else {
			break;
		}
	}
	*if_exists = false;
	return false;
}

bool iamp_operator_absent_holds(const struct iamp_operator *op, enum iamp_set_op set, bool if_exists)
{
	if (set == IAMP_SET_FOR_ALL_VALUES)
		return true;
	if (set == IAMP_SET_FOR_ANY_VALUE)
		return if_exists;
	return if_exists || op->negated;
}
