/*
 * config.h - .iamproof.yaml, the policy repository's configuration.
 *
 * Keys: default-type (the type of files no glob matches), types (a
 * mapping of policy type to a glob or a list of globs; the first matching
 * glob in file order wins), exclude (globs never checked), fail-on (the
 * lowest severity that fails the run), disable (rule ids not reported),
 * severity (rule id to severity), ignore (findings accepted, each with a
 * reason), baseline (a file of accepted fingerprints) and params
 * (property parameters for prove). docs/configuration.md has a complete
 * example.
 *
 * What happens to one finding is decided by iamp_config_judge(), a pure
 * function of the configuration and the finding's facts, in this order:
 *
 *   disabled rule ──▶ DISABLED   (not counted anywhere)
 *   an ignore entry whose every given field matches ──▶ IGNORED
 *       ignore:
 *         - rule: RESOURCE_STAR          all of rule, path, sid and
 *           path: legacy-*.json          fingerprint that are given
 *           reason: read-only legacy     must match; reason is required
 *   fingerprint in the baseline ──▶ BASELINE
 *   else KEPT
 *
 * Fingerprints here (ignore entries, the baseline file) are
 * iamp_diag_fingerprint() of the finding with its path made relative to
 * the configuration's directory, so they do not depend on where check
 * runs from; from that directory they equal the fingerprints of
 * `--format json` and SARIF.
 *
 * The baseline file, written by `iamproof baseline`:
 *
 *   {"version": 1, "findings": [{"fingerprint": "0f3c...", "rule":
 *    "RESOURCE_STAR", "path": "a.json", "message": "..."}]}
 *
 * Only "fingerprint" is read back; rule, path and message are there for
 * the reviewer of the file.
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
#include <stdio.h>

#include "diag.h"
#include "params.h"
#include "policy.h"

#define IAMP_GLOB_MAX 1024

struct iamp_type_glob {
	char *glob;
	enum iamp_policy_type type;
};

/* One entry of ignore: NULL fields (and !has_rule) match anything. */
struct iamp_ignore {
	bool has_rule;
	enum iamp_rule_id rule;
	char *path;                      /* a glob, as in types */
	char *sid;
	char *fingerprint;
	char *reason;
};

enum iamp_config_verdict {
	IAMP_CONFIG_KEEP,
	IAMP_CONFIG_DISABLED,
	IAMP_CONFIG_IGNORED,
	IAMP_CONFIG_BASELINE
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
	bool has_severity[IAMP_RULE__COUNT];
	enum iamp_severity severity[IAMP_RULE__COUNT];
	struct iamp_ignore *ignores;
	size_t ignore_count;
	char *path;                      /* the file, as given to iamp_config_load */
	char *baseline_path;             /* as written in the file; NULL when none */
	struct iamp_pos baseline_at;     /* where */
	char **baseline;                 /* its fingerprints, sorted */
	size_t baseline_count;
	struct iamp_params params;       /* params: defaults for prove's --param */
	/* limits: the loader's caps for check and the policy size quotas
	 * (0: the default, load.h) */
	size_t max_file_bytes, max_statements;
	struct iamp_quotas quotas;
};

/* Loads `path`; problems go to `diags`. Returns 0, IAMP_EIO or IAMP_ENOMEM. */
int iamp_config_load(struct iamp_config *out, const char *path, struct iamp_diags *diags);

/* Reads the baseline file the configuration names (relative to its
 * directory), if any; its problems go to `diags`. Returns 0, IAMP_EIO
 * (the file cannot be read: iamp_error_last() says where it was named) or
 * IAMP_ENOMEM. Separate from loading, so that `iamproof baseline` can
 * write a baseline that does not exist yet. */
int iamp_config_load_baseline(struct iamp_config *config, struct iamp_diags *diags);

/* Looks for .iamproof.yaml in `start_dir` and its parents, stopping at a
 * directory that holds .git. Stores a malloc'd path in *out, or NULL. */
int iamp_config_find(char **out, const char *start_dir);

void iamp_config_free(struct iamp_config *config);

/* The type a file gets from the configuration's globs (path relative to
 * the config directory, or absolute). False when no glob matches. */
bool iamp_config_type_for(const struct iamp_config *config, const char *path,
			  enum iamp_policy_type *out);
bool iamp_config_excludes(const struct iamp_config *config, const char *path);

/* A file name `check` reads as a policy: .json, .yaml or .yml. */
bool iamp_policy_file_name(const char *name);

/*
 * Whether a directory walk would check `path` (relative to where it
 * starts): no hidden segment (.github/, .iamproof.yaml), no node_modules,
 * a policy file name, not excluded by `config` (NULL: none). `check
 * --skip-excluded` and `review` decide with it, so that a hook, a review
 * and `check .` read the same files.
 */
bool iamp_config_walked(const struct iamp_config *config, const char *path);

/* The path as globs and fingerprints see it: relative to the config's
 * directory when inside it, else as given (without leading "./"). */
const char *iamp_config_path(const struct iamp_config *config, const char *path, char *buf,
			     size_t size);

/* The fingerprint of `d` with its path as iamp_config_path() gives it. */
void iamp_config_fingerprint(const struct iamp_config *config, const struct iamp_diag *d,
			     char out[17]);

/* What becomes of `d` (see above). `sid` is the Sid of the statement it
 * lies in, or NULL; `use_baseline` false leaves the baseline out (when
 * writing a new one). */
enum iamp_config_verdict iamp_config_judge(const struct iamp_config *config,
					   const struct iamp_diag *d, const char *sid,
					   bool use_baseline);

/*
 * The configuration's word on diags[first..], the findings of one file
 * (`policy` its policy, for the Sids ignore entries name; NULL for a
 * template): severity overrides applied, then iamp_config_judge() on
 * each; what it does not keep is dropped, and counted in *ignored and
 * *baselined. `check` and `review` both judge through it.
 */
void iamp_config_apply(const struct iamp_config *config, struct iamp_diags *diags, size_t first,
		       const struct iamp_policy *policy, bool use_baseline, size_t *ignored, size_t *baselined);

/* Writes the baseline file for `diags` (already sorted). Returns 0 or
 * IAMP_EIO. */
int iamp_config_write_baseline(FILE *out, const struct iamp_config *config,
			       const struct iamp_diags *diags);

/* Glob matching as described above; a glob longer than IAMP_GLOB_MAX
 * matches nothing. */
bool iamp_glob_match(const char *glob, const char *path);

#endif
