/*
 * diag.h - diagnostics: the product of checking, and the rule table.
 *
 * Every finding names one rule of rules.def (the single rule table that
 * the text, JSON and SARIF reporters, `iamproof rules` and docs/rules.md
 * read). A diagnostic owns copies of its path, message and source line,
 * so it outlives the document it came from: the CLI frees each document
 * as soon as it is checked and reports at the end.
 */
#ifndef IAMP_DIAG_H
#define IAMP_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "span.h"

enum iamp_severity {
	IAMP_SEV_SUGGESTION,
	IAMP_SEV_WARNING,
	IAMP_SEV_SECURITY_WARNING,
	IAMP_SEV_ERROR
};

enum iamp_rule_id {
#define RULE(name, sev, title, help) IAMP_RULE_##name,
#include "rules.def"
#undef RULE
	IAMP_RULE__COUNT
};

struct iamp_rule {
	const char *id;     /* "MISSING_EFFECT" */
	enum iamp_severity severity;
	const char *title;
	const char *help;
	/* The docs anchor is the id in lower case: docs/rules.md#missing_effect. */
};

extern const struct iamp_rule iamp_rules[IAMP_RULE__COUNT];

/* One check of AWS IAM Access Analyzer and the rule that reports it
 * (aa_codes.def): `rule` is IAMP_RULE__COUNT when no rule does yet. */
struct iamp_aa_code {
	const char *code;             /* "MISSING_QUALIFIER" */
	enum iamp_severity type;      /* AWS's finding type */
	enum iamp_rule_id rule;
};

extern const struct iamp_aa_code iamp_aa_codes[];
extern const size_t iamp_aa_code_count;

/* The rows of iamp_aa_codes to read for `rule`'s codes: none of its rows
 * lies outside [*first, *end), and rows between may name other rules (the
 * table is sorted by issue code). Empty (0, 0) when it has none. */
void iamp_rule_aa_rows(enum iamp_rule_id rule, size_t *first, size_t *end);

/* Marks in `out` every rule that `name` names: the rule with that id, or
 * every rule that reports the AWS issue code `name`. Returns how many were
 * marked, a code no rule reports yet counting as one (0: an unknown
 * name). A name that is both (INVALID_ACTION) marks both. For --disable
 * and `disable:`. */
size_t iamp_rules_named(bool out[IAMP_RULE__COUNT], const char *name);

/* "error", "security-warning", "warning", "suggestion". */
const char *iamp_severity_name(enum iamp_severity sev);
/* Parses a severity name; returns false when unknown. */
bool iamp_severity_parse(enum iamp_severity *out, const char *name);
/* The rule with this id (case-sensitive), or NULL. */
const struct iamp_rule *iamp_rule_find(const char *id);

/* Source lines longer than this are not copied into diagnostics. */
#define IAMP_DIAG_MAX_LINE 1024

struct iamp_diag {
	enum iamp_rule_id rule;
	enum iamp_severity severity; /* the rule's, unless raised or lowered */
	char *path;                  /* file, as given on the command line */
	struct iamp_span span;
	char *message;
	char *source_line;           /* line span.start.line, or NULL */
};

struct iamp_diags {
	struct iamp_diag *items;
	size_t count;
	size_t cap;
	bool oom; /* an allocation failed: some diagnostics were lost */
	/*
	 * The rules not to report (check's --disable and `disable:`), indexed
	 * by rule, or NULL for none. A disabled rule does no work: its
	 * findings are never made (iamp_diag_add() returns NULL before
	 * formatting anything), and a rule whose finding costs more than a
	 * comparison asks iamp_diags_wants() before computing it. The
	 * array is the caller's and outlives the list; init and clear keep
	 * it.
	 */
	const bool *off;
	/* Work done for a disabled rule: counted by iamp_diags_work(),
	 * which each costly computation calls once it has passed its
	 * iamp_diags_wants() guard. 0 unless a guard is missing (check
	 * prints it under IAMPROOF_CHECK_TRACE; tests/disable.sh). */
	size_t wasted;
	enum iamp_rule_id wasted_rule; /* the first such rule */
	/* Items written out and freed already (iamp_diags_forget), by
	 * severity: still counted by iamp_diags_max_severity, the report's
	 * summary and check's, no longer held. */
	size_t reported[IAMP_SEV_ERROR + 1];
};

/* Whether `rule` is to be reported: its work is worth doing. */
static inline bool iamp_diags_wants(const struct iamp_diags *diags, enum iamp_rule_id rule)
{
	return !diags->off || !diags->off[rule];
}

/* Marks work done for `rule` (a computation behind an
 * iamp_diags_wants() guard): counted in `wasted` when the rule is off. */
static inline void iamp_diags_work(struct iamp_diags *diags, enum iamp_rule_id rule)
{
	if (diags->off && diags->off[rule] && diags->wasted++ == 0)
		diags->wasted_rule = rule;
}

/* The same for work that several rules share: `rules` ends with
 * IAMP_RULE__COUNT; wanted when one of them is, wasted when none is. */
bool iamp_diags_wants_any(const struct iamp_diags *diags, const enum iamp_rule_id *rules);
void iamp_diags_work_for(struct iamp_diags *diags, const enum iamp_rule_id *rules);

void iamp_diags_init(struct iamp_diags *diags);
void iamp_diags_clear(struct iamp_diags *diags); /* frees all items, keeps `off` */

/* Moves every item of `from` to the end of `to`, in order, and leaves
 * `from` empty (its oom and wasted work carried over). IAMP_ENOMEM, with `from` as it was,
 * when `to` cannot grow. */
int iamp_diags_move(struct iamp_diags *to, struct iamp_diags *from);

/* Counts every item of `from` as reported in `to` (by severity) and frees
 * them, leaving `from` empty; its oom and wasted work carried over as by
 * iamp_diags_move. For items already written (check -j's parts): memory
 * stays that of a file's diagnostics, not the run's. */
void iamp_diags_forget(struct iamp_diags *to, struct iamp_diags *from);

/* Items by severity, the held and the reported ones: count[sev]. */
void iamp_diags_count(const struct iamp_diags *diags, size_t count[IAMP_SEV_ERROR + 1]);

/*
 * Appends a diagnostic of `rule` at `span` in `path`, with the source line
 * copied from `line_text` (may be NULL). On allocation failure sets
 * diags->oom and drops the diagnostic. Returns the new diagnostic or NULL
 * (also, formatting nothing, when the rule is off).
 */
struct iamp_diag *iamp_diag_add(struct iamp_diags *diags,
				enum iamp_rule_id rule, const char *path,
				struct iamp_span span, const char *line_text,
				size_t line_len, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Prefixes the message of every diagnostic from index `first` on with
 * "label: ", e.g. "MyRole.AssumeRolePolicyDocument: statement 1 has no
 * Effect": findings in a policy embedded in a template name it (iac.h).
 * On allocation failure sets diags->oom. */
void iamp_diags_label(struct iamp_diags *diags, size_t first, const char *label);

/* Sorts by path, line, column, rule id, message: a deterministic order. */
void iamp_diags_sort(struct iamp_diags *diags);

/* The highest severity present, or -1 when there are none. */
int iamp_diags_max_severity(const struct iamp_diags *diags);

/* A stable fingerprint of one diagnostic (rule, path and the text of the
 * source line, not its number), 16 hex digits plus NUL. */
void iamp_diag_fingerprint(const struct iamp_diag *d, char out[17]);

/* The same hash over `n` strings (NULL hashes as ""), for results that
 * are not diagnostics (`prove`'s answers). */
void iamp_fingerprint(char out[17], const char *const *parts, size_t n);

#endif
