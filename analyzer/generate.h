/*
 * generate.h - the Stage 6 guardrails: SCP templates instantiated from a
 * baseline, merged and packed under AWS's quotas (docs/generate.md).
 *
 *   scp-templates/deny-root.yaml             one template per control
 *     control: deny-root
 *     title: ...
 *     reason: ...
 *     properties: [root-denied]              the stage6 properties it proves
 *     statements: [ {Sid, Effect, ...} ]     "{{param}}" as in params.h
 *     allow_list: [ ... ]                    approved-services only: used
 *                                            when FullAWSAccess is replaced
 *
 *   baseline.yaml
 *     parameters: {approved_regions: [eu-west-1], ...}   over the packs' defaults
 *     controls:
 *       - control: deny-root
 *         attach: [root]                     root, an OU name or an account id
 *     full_aws_access: keep                  keep | replace (by the allow list)
 *     limits: {scps_per_target: 10, characters: 10240}
 *     reserved: [{target: root, slots: 2}]   slots a landing-zone tool takes
 *
 *   template ──instantiate──▶ statements ──merge──▶ units ──pack──▶ SCPs
 *                                                   per target, each <= characters,
 *                                                   at most the free slots
 *
 * Merging: two statements of one target with the same Effect and the same
 * members apart from Sid and Action (Resource, Condition; neither with
 * NotAction) become one with the union of their actions: the same
 * requests match either way. Packing is first fit in baseline order, then
 * first fit by decreasing size if that needs more documents than there
 * are free slots. Every step is deterministic: the same inputs give the
 * same bytes.
 */
#ifndef IAMP_GENERATE_H
#define IAMP_GENERATE_H

#include <stdbool.h>
#include <stddef.h>

#include "load.h"
#include "params.h"

struct iamp_diags;

struct iamp_template {
	char *control;
	char *title;
	char *reason;
	char **properties;
	size_t nproperties;
	struct iamp_document *doc;
	const struct iamp_value *statements;
	const struct iamp_value *allow_list; /* or NULL */
};

struct iamp_gen_control {
	const struct iamp_template *t;
	char **targets;
	size_t ntargets;
	struct iamp_span span;
};

struct iamp_gen_reserved {
	char *target;
	unsigned slots;
	struct iamp_span span;
};

struct iamp_baseline {
	struct iamp_document *doc;
	struct iamp_params params;       /* the packs' defaults, then the baseline's */
	struct iamp_gen_control *controls;
	size_t ncontrols;
	bool replace_full_access;
	unsigned max_scps;               /* per root, OU or account; default 10 */
	size_t max_chars;                /* per SCP; default 10,240 */
	struct iamp_gen_reserved *reserved;
	size_t nreserved;
};

/* One generated SCP. */
struct iamp_gen_scp {
	char *name;                      /* file name without .json */
	char *target;                    /* where it is attached */
	char *json;                      /* the document, minified */
	size_t len;                      /* characters, as AWS counts them */
	char **controls;                 /* the controls whose statements it holds */
	size_t ncontrols;
};

/* A target of the set and what is already attached there. */
struct iamp_gen_target {
	const char *name;                /* root, an OU name, an account id */
	unsigned taken;                  /* slots taken by what stays attached */
	bool full_access;                /* FullAWSAccess stays attached there */
};

struct iamp_gen_set {
	struct iamp_gen_scp *scps;
	size_t nscps;
	char *error;                     /* why the set does not fit, or NULL */
};

/*
 * Reads a template from text (YAML or JSON as `path` says). Problems are
 * diagnostics; *out is NULL when the template cannot be used.
 * Returns 0 or IAMP_ENOMEM.
 */
int iamp_template_load(struct iamp_template **out, const char *path, const char *text,
		       size_t len, const struct iamp_limits *limits, struct iamp_diags *diags);
void iamp_template_free(struct iamp_template *t);

/*
 * Reads baseline.yaml. `defaults` holds the packs' parameters (declared);
 * the baseline's parameters must be among them. Controls name templates.
 * Problems are diagnostics at their position; returns 0 or IAMP_ENOMEM.
 */
int iamp_baseline_load(struct iamp_baseline **out, const char *path, const char *text,
		       size_t len, const struct iamp_params *defaults,
		       struct iamp_template *const *templates, size_t ntemplates,
		       const struct iamp_limits *limits, struct iamp_diags *diags);
void iamp_baseline_free(struct iamp_baseline *b);

/*
 * Instantiates, merges and packs the baseline's controls for each target.
 * `targets` says what each target already has (slots taken, FullAWSAccess);
 * a target the baseline names that is not among them is a diagnostic.
 * When the set does not fit, set->error names the controls that overflow
 * and by how many characters. Returns 0, IAMP_ENOMEM, or IAMP_EINVAL when
 * substitution failed (diagnostics say where).
 */
int iamp_generate(struct iamp_gen_set *set, struct iamp_baseline *b,
		  const struct iamp_gen_target *targets, size_t ntargets, struct iamp_diags *diags);
void iamp_gen_set_free(struct iamp_gen_set *set);

#endif
