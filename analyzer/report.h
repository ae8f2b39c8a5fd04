/*
 * report.h - diagnostics out: text, JSON and SARIF 2.1.0; prove's answers
 * as SARIF; the rule table as `iamproof rules` prints it and as
 * docs/rules.md starts from.
 *
 * Every format reads the same struct iamp_diags (diag.h) and the one rule
 * table (rules.def), and writes to a FILE* the caller passes: the library
 * never picks stdout and never exits. Diagnostics are written in the
 * order given; the caller sorts them first (iamp_diags_sort).
 *
 *   text   path:line:col: severity: message [RULE_ID]
 *          With show_source, the source line follows, then a caret line:
 *
 *            p.json:4:17: error: Effect is neither Allow nor Deny [INVALID_EFFECT]
 *            	"Effect": "Alow",
 *            	          ^~~~~~
 *
 *          Columns count code points (span.h); every tab before the caret
 *          is copied as a tab, so the caret lines up at any tab width.
 *          Control characters from the input are shown as '?' and bytes
 *          that are not UTF-8 as U+FFFD, so that a policy cannot drive the
 *          terminal. A diagnostic without a position (line 0) reads
 *          `path: severity: message [RULE_ID]`.
 *
 *   json   {"version", "dataVersion", "diagnostics": [{"path", "line",
 *          "column", "endLine", "endColumn", "offset", "endOffset",
 *          "severity", "rule", "title", "message", "fingerprint"}],
 *          "summary": {"error": n, "security-warning": n, "warning": n,
 *          "suggestion": n, "ignored": n, "baselined": n}} (the last two:
 *          findings .iamproof.yaml suppressed, only when there are any).
 *          Line 0 means "no position". Strings are
 *          escaped for every control character; valid UTF-8 passes
 *          through and each invalid byte becomes U+FFFD, so the output is
 *          always valid UTF-8 JSON.
 *
 *   sarif  One run; tool.driver.rules holds every rule of the table, in
 *          table order, so that ruleIndex == enum iamp_rule_id. Relative
 *          paths become relative URIs against uriBaseId "SRCROOT" (left
 *          for the consumer to resolve, e.g. the repository checkout),
 *          absolute paths file:// URIs; both percent-encoded. Severity
 *          maps to level: error -> "error", security-warning -> "warning"
 *          tagged "security" with properties.security-severity (GitHub
 *          code scanning), warning -> "warning", suggestion -> "note".
 *          partialFingerprints.primaryLocationLineHash is
 *          iamp_diag_fingerprint() and ":N", N counting equal fingerprints
 *          in output order (as GitHub does for equal lines).
 *
 * Writers return IAMP_OK, IAMP_EIO when the stream reports an error, or
 * IAMP_ENOMEM (error.h).
 */
#ifndef IAMP_REPORT_H
#define IAMP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "eval.h"

struct iamp_cex;
struct iamp_diag;
struct iamp_diags;
struct iamp_document;
struct iamp_evaluator;
struct iamp_match;
struct iamp_property;
struct iamp_prove_result;
struct iamp_request;
struct iamp_result;

/* The project's home page: SARIF informationUri, and the base of every
 * rule's helpUri (IAMP_REPORT_PROJECT_URI "/blob/main/docs/rules.md#id"). */
#define IAMP_REPORT_PROJECT_URI "https://github.com/iamproof/iamproof"

enum iamp_report_format {
	IAMP_REPORT_TEXT,
	IAMP_REPORT_JSON,
	IAMP_REPORT_SARIF,
	IAMP_REPORT_HTML  /* report_html.c: one self-contained page */
};

struct iamp_report_opts {
	const char *tool_version; /* "0.1.0"; NULL: not reported */
	const char *data_version; /* the catalog's version; NULL: none */
	bool color;               /* text: ANSI colours (the CLI decides) */
	bool show_source;         /* text: source line and caret */
	const char *const *files; /* every file analyzed (SARIF artifacts) */
	size_t file_count;
	/* JSON and SARIF: each diagnostic's baselineState ("new",
	 * "unchanged", "absent"), parallel to the diagnostics; NULL: none
	 * (`review`) */
	const char *const *baseline_state;
	/* what the run could not read, one message each: SARIF says
	 * executionSuccessful false with one error notification each, JSON
	 * lists them under "errors" (text: the CLI has said them on stderr) */
	const char *const *unread;
	size_t unread_count;
	size_t ignored, baselined; /* json: findings the configuration suppressed */
	/* HTML: the header's "iamproof check", the arguments of the run as
	 * given (shown, never interpreted) and its time in seconds since
	 * the epoch (the CLI takes SOURCE_DATE_EPOCH when set) */
	const char *command;
	const char *const *args;
	size_t arg_count;
	long long run_time;
	const char *note;         /* HTML: a sentence under the header, or NULL */
};

/* "text", "json", "sarif" or "html"; returns false for anything else. */
bool iamp_report_format_parse(enum iamp_report_format *out, const char *name);
/* The inverse: "text", "json", "sarif", "html". */
const char *iamp_report_format_name(enum iamp_report_format fmt);

/* Writes `diags` in format `fmt`. `opts` may be NULL (all defaults). */
int iamp_report_write(FILE *out, enum iamp_report_format fmt,
		      const struct iamp_diags *diags,
		      const struct iamp_report_opts *opts);

/*
 * The same report written in parts, for `check -j N`: threads format the
 * diagnostics of each file while the main thread writes those of earlier
 * files. TEXT and JSON only (iamp_report_in_parts). The head, then each
 * part with iamp_report_joiner(fmt) between two non-empty parts, then the
 * tail over every diagnostic written (its summary counts them) are the
 * bytes iamp_report_write gives for the same diagnostics, which it writes
 * this way itself. A part may go to a stream of its own (a memory stream);
 * `first` is its first diagnostic's index in the whole run, for
 * opts->baseline_state.
 */
bool iamp_report_in_parts(enum iamp_report_format fmt);
const char *iamp_report_joiner(enum iamp_report_format fmt);
int iamp_report_head(FILE *out, enum iamp_report_format fmt, const struct iamp_report_opts *opts);
int iamp_report_part(FILE *out, enum iamp_report_format fmt, const struct iamp_diag *items, size_t n,
		     size_t first, const struct iamp_report_opts *opts);
int iamp_report_tail(FILE *out, enum iamp_report_format fmt, const struct iamp_diags *diags,
		     const struct iamp_report_opts *opts);

/*
 * The rule table for `iamproof rules`: TEXT is an aligned table (id,
 * severity, title), JSON an array of {"id", "name", "severity", "title",
 * "help", "helpUri"}. SARIF is not a rule listing: IAMP_EINVAL.
 */
int iamp_rules_write(FILE *out, enum iamp_report_format fmt);

/* The skeleton of docs/rules.md: an index table, then one section per
 * rule whose heading is the id, so that GitHub's anchor is the lower-case
 * id that helpUri points to. */
int iamp_rules_write_markdown(FILE *out);

/* "MISSING_EFFECT" -> "MissingEffect", "no-keys" -> "NoKeys" (SARIF
 * reportingDescriptor.name).
 * Writes at most `size` bytes, NUL included; returns `out`. */
char *iamp_rule_name(char *out, size_t size, const char *id);

/* A JSON string: quotes and backslashes escaped, control characters (and
 * DEL) as escapes, valid UTF-8 as it is, each invalid byte as \ufffd.
 * Every JSON writer of the project uses this one. */
void iamp_json_string(FILE *out, const char *s, size_t n);

/* Text for a terminal: C0 and C1 controls and DEL as '?' (tab kept),
 * each invalid UTF-8 byte as U+FFFD, so that no field read from input
 * can move the cursor, forge a line or send an escape sequence. Every
 * text writer of the project uses this one. */
void iamp_text_string(FILE *out, const char *s, size_t n);

/*
 * Writes one decision of the evaluator: a JSON line
 *   {"decision", "matched": [...], "sameAccount", "scpExempt"?,
 *    "rcpExempt"?, "reason"?, "assumptions": [...]}
 * or, for IAMP_REPORT_TEXT, a paragraph in words headed "request N:".
 * `ev` names the levels; `request_no` counts from 1. Returns 0, or
 * IAMP_EINVAL for a format that has no decision form (SARIF).
 */
int iamp_report_decision(FILE *out, enum iamp_report_format fmt, const struct iamp_request *req,
			 const struct iamp_result *res, const struct iamp_evaluator *ev,
			 size_t request_no);

/*
 * The JSON decision line of iamp_report_decision, with each statement's
 * part of "matched" prepared once for the evaluator: simulate writes one
 * line per request. `ev` must outlive dj; the same dj may serve several
 * threads. _new returns 0 or IAMP_ENOMEM.
 */
struct iamp_decision_json;
int iamp_decision_json_new(struct iamp_decision_json **out, const struct iamp_evaluator *ev);
void iamp_decision_json_free(struct iamp_decision_json *dj);
void iamp_report_decision_json(FILE *out, const struct iamp_decision_json *dj,
			       const struct iamp_result *res);

/* A counterexample in simulate's request format, as one line of JSON
 * without a newline: {"principal", "action", "resource", "context"}. Every
 * output of prove and diff writes it with this. */
void iamp_report_cex(FILE *out, const struct iamp_cex *c);

/*
 * The answers of `iamproof prove`, every answer given (proven ones too).
 * SARIF and HTML (report_html.c: the targets against the properties as a
 * matrix) are written here; IAMP_EINVAL for the others (the CLI still
 * writes text, JSON and Markdown itself). SARIF:
 *
 *   rules    one per property asked, in the order given: id, title as
 *            shortDescription, description, help on its expectation,
 *            properties {tags, expect, file, pack?}
 *   results  one per answer that is violated (level error) or unknown
 *            (warning: never a pass); proven and vacuous answers are
 *            counted in run.properties.summary, not written as results
 *            (docs/CONVENTIONS.md, "Decisions of issue 8"). The message
 *            names the counterexample, its decision, the statements
 *            involved and the target's assumptions; properties repeat
 *            them as data.
 *   locations the statements involved (their span in the policy file);
 *            with none, the property's entry in its file. A built-in
 *            pack is "properties/NAME.yaml" against uriBaseId IAMPROOFSRC
 *            (iamproof's source tree), a user's file against SRCROOT.
 *            relatedLocations: the property's entry, when it is not the
 *            location.
 *   partialFingerprints  iamp_fingerprint() of the property file, the
 *            property id and the target's key: neither line numbers nor
 *            the counterexample (the solver may pick another) move it.
 */
struct iamp_report_property {
	const struct iamp_property *p;
	const char *path;                 /* its file: "properties/NAME.yaml" for a pack */
	const char *pack;                 /* the built-in pack's name, or NULL */
	const struct iamp_document *doc;  /* the file's text, for snippets; may be NULL */
};

struct iamp_report_proof {
	size_t property;                  /* index into the properties */
	const char *target;               /* the target's name */
	const char *target_key;           /* the target across runs; NULL: the only one */
	const char *assumptions;          /* what the answer rests on */
	const struct iamp_prove_result *result;
	enum iamp_decision decision;      /* VIOLATED: the counterexample's */
	const struct iamp_match *statements; /* VIOLATED: those involved, in policy files */
	size_t nstatements;
	/* HTML: the target's place ("Root / Workloads / Prod"; NULL: none)
	 * and how many accounts it stands for (0: not an organization's) */
	const char *place;
	size_t naccounts;
	/* VIOLATED: the escapes or exemptions of the counterexample
	 * (exempt.h), or NULL */
	const struct iamp_exemptions *exemptions;
};

int iamp_report_proofs(FILE *out, enum iamp_report_format fmt,
		       const struct iamp_report_property *props, size_t nprops,
		       const struct iamp_report_proof *proofs, size_t nproofs,
		       const struct iamp_report_opts *opts);

/* Markdown table cell text: pipes escaped, line breaks and tabs as
 * spaces, backticks as quotes (a cell's code span would end), '<' and '&'
 * as entities, other controls as '?' and invalid UTF-8 as U+FFFD. Used by
 * every Markdown writer (prove, review, generate's proof.md). */
void iamp_markdown_cell(FILE *out, const char *s, size_t n);

struct iamp_exemptions;

/* The escapes or exemptions of a counterexample (exempt.h):
 * IAMP_REPORT_JSON one object {"kind": "escapes"|"needed", "items": [
 * {policy, line, column, sid?, operator, key, value, newCondition?}],
 * "after"?, "none"?}; any other format, lines in words, each starting
 * with `indent` (report_exempt.c). */
void iamp_report_exemptions(FILE *out, enum iamp_report_format fmt,
			    const struct iamp_exemptions *x, const char *indent);

/* The reason for an implicit deny, in words, into buf (NULL when there is
 * none). */
const char *iamp_decision_reason(char *buf, size_t size, const struct iamp_result *res,
				 const struct iamp_evaluator *ev);

#endif
