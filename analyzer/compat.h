/*
 * compat.h - the evaluator's compatibility switches (compat.def).
 */
#ifndef IAMP_COMPAT_H
#define IAMP_COMPAT_H

#include <stdbool.h>

enum iamp_compat {
#define COMPAT(id, name, anchor, desc) IAMP_COMPAT_##id,
#include "compat.def"
#undef COMPAT
	IAMP_COMPAT__COUNT
};

#define IAMP_COMPAT_BIT(id) (1u << IAMP_COMPAT_##id)

const char *iamp_compat_name(enum iamp_compat c);
const char *iamp_compat_anchor(enum iamp_compat c);
const char *iamp_compat_description(enum iamp_compat c);

/* Parses "name[,name...]" into a bit set (1u << enum value). Returns 0,
 * or IAMP_EINVAL naming the unknown switch. */
int iamp_compat_parse(unsigned *out, const char *names);

#endif
