/*
 * compat.c - names of the compatibility switches; see compat.def.
 */
#include "compat.h"

#include <string.h>

#include "error.h"

static const struct {
	const char *name, *anchor, *desc;
} table[] = {
#define COMPAT(id, name, anchor, desc) { name, anchor, desc },
#include "compat.def"
#undef COMPAT
};

const char *iamp_compat_name(enum iamp_compat c)
{
	return table[c].name;
}

const char *iamp_compat_anchor(enum iamp_compat c)
{
	return table[c].anchor;
}

const char *iamp_compat_description(enum iamp_compat c)
{
	return table[c].desc;
}

int iamp_compat_parse(unsigned *out, const char *names)
{
	const char *p = names;

	*out = 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int found = -1;

		for (int i = 0; i < IAMP_COMPAT__COUNT; i++)
			if (strlen(table[i].name) == n && memcmp(table[i].name, p, n) == 0)
				found = i;
		if (found < 0)
			return iamp_error_set(IAMP_EINVAL, "unknown compatibility switch '%.*s'",
					      (int)n, p);
		*out |= 1u << found;
		p += n + (end ? 1 : 0);
	}
	return 0;
}
