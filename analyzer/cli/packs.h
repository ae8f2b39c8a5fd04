/*
 * packs.h - the built-in property packs (properties/NAME.yaml, compiled in by
 * scripts/embed-packs.sh), found by name: `--properties stage6`.
 */
#ifndef IAMP_CLI_PACKS_H
#define IAMP_CLI_PACKS_H

#include <stddef.h>

struct iamp_pack {
	const char *name;
	const char *text; /* NUL-terminated */
	size_t len;
};

/* Each ends with an entry whose name is NULL. */
extern const struct iamp_pack iamp_packs[];
/* scp-templates/NAME.yaml: the controls of `generate scp`. */
extern const struct iamp_pack iamp_templates[];

#endif
