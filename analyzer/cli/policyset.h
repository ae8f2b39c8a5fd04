/*
 * policyset.h - the policy files of one CLI run, loaded, built and turned
 * into evaluators; shared by `simulate`, `prove` and `diff`.
 *
 *   --identity F, --scp F[,F] ...  ─▶ pset_load / pset_add_level
 *   --org org.yaml                 ─▶ pset_load_org (every SCP and RCP attached)
 *   problems                       ─▶ ps->diags (pset_print_diags), ps->failed
 *   pset_build                     ─▶ one evaluator over every file not retired
 */
#ifndef IAMP_CLI_POLICYSET_H
#define IAMP_CLI_POLICYSET_H

#include <stdbool.h>
#include <stddef.h>

#include "decide.h"
#include "diag.h"
#include "load.h"
#include "policy.h"

struct iamp_evaluator;
struct iamp_org;
struct iamp_org_node;

struct pset_file {
	struct iamp_document *doc;
	struct iamp_policy *policy;
	enum iamp_policy_type type;  /* IAMP_POLICY__COUNT: retired, built into no evaluator */
	unsigned level;
	const struct iamp_org_node *node; /* org mode: where it is attached */
	const char *path;
	char *owned; /* path, when this run allocated it */
};

struct pset {
	const char *cmd;             /* "simulate", for messages */
	struct iamp_limits limits;
	struct iamp_diags diags;
	struct pset_file *files;
	size_t nfiles, cap;
	bool failed;                 /* a file could not be read or built */
	struct iamp_org *org;
	unsigned scp_levels, rcp_levels;
	bool scp_full[IAMP_MAX_LEVELS]; /* FullAWSAccess named in the level's list */
};

void pset_init(struct pset *ps, const char *cmd);
void pset_free(struct pset *ps);

/* Loads and builds one policy file (`owned`, if not NULL, is freed with
 * the set). Problems go to ps->diags; NULL when there is no policy. */
struct iamp_policy *pset_load(struct pset *ps, const char *path, enum iamp_policy_type type,
			      unsigned level, const struct iamp_org_node *node, char *owned);

/* The same from text in memory, under the display name `name`. */
struct iamp_policy *pset_load_text(struct pset *ps, const char *name, const char *text,
				   enum iamp_policy_type type);
/* The same from bytes in memory (a file at a git commit), at `level`. */
struct iamp_policy *pset_load_buffer(struct pset *ps, const char *name, const char *data, size_t len,
				     enum iamp_format format, enum iamp_policy_type type, unsigned level);

/* A comma-separated list of files as the next SCP or RCP level; the name
 * FullAWSAccess stands for AWS's managed policy, as in org.yaml. */
void pset_add_level(struct pset *ps, const char *list, enum iamp_policy_type type);

/* The policy options every command shares: --identity F,
 * --resource-policy F, --trust-policy F, --boundary F, --session-policy F,
 * --scp F[,F] and --rcp F[,F]. Loads `val` and returns true when `opt` is
 * one of them; false otherwise. */
bool pset_option(struct pset *ps, const char *opt, const char *val);

/* Reads org.yaml and loads every SCP and RCP attached in it. */
int pset_load_org(struct pset *ps, const char *org_path);

/* Whether the set holds policies of `type`. */
bool pset_has(const struct pset *ps, enum iamp_policy_type type);

/* Diagnostics (sorted) to stderr. */
void pset_print_diags(struct pset *ps);

/* Whether loading went well; if not, prints the diagnostics and why. */
bool pset_usable(struct pset *ps);

/* An evaluator of every file not retired. Returns 0 or -1 (error set). */
int pset_build(struct pset *ps, unsigned compat, struct iamp_evaluator **out);

/* Retires files [first, nfiles): later evaluators do not see them. */
void pset_retire(struct pset *ps, size_t first);

#endif
