/*
 * config.h - .iamproof.yaml, the policy repository's configuration.
 *
 * Keys: default-type (the type of files no glob matches), types (a
 * mapping of policy type to a glob or a list of globs; the first matching
 * glob in file order wins), exclude (globs never checked), fail-on (the
 * lowest severity that fails the run) and disable (rule ids not
 * reported). docs/configuration.md has a complete example.
 *
 * Globs are relative to the directory holding the configuration file:
 * `*` and `?` match within one path segment, `**` any number of whole
 * segments. Matching takes time linear in the glob times the path (no
 * backtracking); a glob is at most IAMP_GLOB_MAX bytes. A configuration
 * problem is a diagnostic at its position, like any other input problem.
 * The file is YAML whatever its name; empty, or comments only, it is an
 * empty configuration.
 */
#ifndef IAMP_CONFIG_H
#define IAMP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "policy.h"

#define IAMP_GLOB_MAX 1024

struct iamp_type_glob {
	char *glob;
	enum iamp_policy_type type;
};

struct iamp_config {
	char *dir;                       /* absolute directory of the file; NULL when none */
	bool has_default_type;
	enum iamp_policy_type default_type;
	struct iamp_type_glob *types;
	size_t type_count;
	char **exclude;
	size_t exclude_count;
	bool has_fail_on;
	enum iamp_severity fail_on;
	bool disabled[IAMP_RULE__COUNT];
};

/* Loads `path`; problems go to `diags`. Returns 0, IAMP_EIO or IAMP_ENOMEM. */
int iamp_config_load(struct iamp_config *out, const char *path, struct iamp_diags *diags);

/* Looks for .iamproof.yaml in `start_dir` and its parents, stopping at a
 * directory that holds .git. Stores a malloc'd path in *out, or NULL. */
int iamp_config_find(char **out, const char *start_dir);

void iamp_config_free(struct iamp_config *config);

/* The type a file gets from the configuration's globs (path relative to
 * the config directory, or absolute). False when no glob matches. */
bool iamp_config_type_for(const struct iamp_config *config, const char *path,
			  enum iamp_policy_type *out);
bool iamp_config_excludes(const struct iamp_config *config, const char *path);

/* Glob matching as described above; a glob longer than IAMP_GLOB_MAX
 * matches nothing. */
bool iamp_glob_match(const char *glob, const char *path);

#endif
