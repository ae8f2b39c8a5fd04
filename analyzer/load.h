/*
 * load.h - the loader: JSON and YAML files into one value tree with spans.
 *
 *   bytes ──▶ UTF-8 check ──▶ JSON reader (load_json.c, strict RFC 8259)  ──▶ struct iamp_value tree
 *                        └──▶ YAML reader (load_yaml.c, libyaml events)   ──┘  (every node has a span)
 *
 * A document owns everything in one arena: its path, its source text, its
 * line map and its value tree. iamp_document_free() releases all of it.
 *
 * The JSON reader is our own, not json-c's tokener: json-c keeps no
 * positions, silently keeps the last of duplicate keys and accepts
 * comments that AWS rejects. The YAML reader builds the same tree from
 * libyaml's events, each of which carries a mark (line, column, offset).
 * YAML plain scalars become null, booleans or numbers when they read as
 * such (YAML 1.2 core schema: null/~, true/false, decimal numbers), and
 * strings otherwise; quoted scalars are always strings. Aliases are
 * rejected (a diagnostic), which rules out alias bombs.
 *
 * Problems with the input are diagnostics (SYNTAX_ERROR, INVALID_UTF8,
 * DUPLICATE_KEY, INPUT_LIMIT) at their exact position, never errors: the
 * loader still returns a document, whose root is NULL when nothing usable
 * was read. Duplicate keys are reported and the first occurrence is kept
 * in the tree as well as the later ones (consumers see every member in
 * source order).
 */
#ifndef IAMP_LOAD_H
#define IAMP_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "span.h"

struct iamp_arena;
struct iamp_diags;

enum iamp_value_kind {
	IAMP_VALUE_NULL,
	IAMP_VALUE_BOOL,
	IAMP_VALUE_NUMBER,
	IAMP_VALUE_STRING,
	IAMP_VALUE_ARRAY,
	IAMP_VALUE_OBJECT
};

struct iamp_value;

struct iamp_member {
	const char *key; /* decoded UTF-8, NUL-terminated */
	size_t key_len;
	struct iamp_span key_span;
	struct iamp_value *value;
};

struct iamp_value {
	enum iamp_value_kind kind;
	struct iamp_span span;
	/* YAML: a local tag as written ("!Sub", "!GetAtt"), else NULL.
	 * CloudFormation's short forms are tags (iac.c reads them). */
	const char *tag;
	/* Set only in the copies iac.c makes: the value is known only when
	 * the template or plan is applied (an intrinsic function, a value
	 * unknown until apply). It stays in the tree as a STRING whose text
	 * says what it is ("Fn::GetAtt"); the builder leaves it out of the
	 * AST and marks what held it (policy.h). */
	bool symbolic;
	union {
		bool boolean;
		/* STRING: decoded UTF-8 (escapes resolved); NUMBER: the
		 * number's text as written. NUL-terminated; len excludes it
		 * (an escaped NUL is a SYNTAX_ERROR, so none holds one). */
		struct {
			const char *text;
			size_t len;
		} str;
		struct {
			struct iamp_value **items;
			size_t count;
		} array;
		struct {
			struct iamp_member *members;
			size_t count;
		} object;
	} u;
};

enum iamp_format { IAMP_FORMAT_JSON, IAMP_FORMAT_YAML };

/* Size quotas of policies in characters, as lint counts them
 * (iamp_lint_policy_size: SCPs and RCPs with white space, the others
 * without); 0 is AWS's quota: SCP 10,240, RCP 5,120, identity and
 * boundary 6,144, trust 2,048. For teams whose tooling still enforces
 * an older quota (SCPs at 5,120). Not caps: a policy over its quota is
 * POLICY_SIZE, and is still read. */
struct iamp_quotas {
	size_t scp, rcp, identity, trust;
};

/* Hard caps on input; reaching one is an INPUT_LIMIT diagnostic. */
struct iamp_limits {
	size_t max_file_bytes;  /* default 4 MiB */
	unsigned max_depth;     /* default 64 */
	size_t max_string_bytes; /* default 64 KiB */
	size_t max_statements;  /* default 10,000 (checked by the builder) */
	/* condition values in one policy, default 20,000 (the builder): a
	 * 32 KiB key policy, AWS's largest, holds fewer; the evaluator's
	 * time grows with them times the request's values */
	size_t max_condition_values;
	struct iamp_quotas quotas; /* not a cap: copied to each policy built */
};

void iamp_limits_default(struct iamp_limits *out);

/* Reads a cap as written on a command line or in .iamproof.yaml: a whole
 * number from 1 to 4294967295 (offsets are 32-bit), decimal digits only.
 * False, and *out untouched, otherwise. */
bool iamp_limit_parse(size_t *out, const char *text);

struct iamp_document {
	struct iamp_arena *arena;
	const char *path;         /* as given, for display */
	enum iamp_format format;
	const char *text;         /* the source bytes, NUL-terminated */
	size_t len;
	/* Byte offset of each line's start. A line ends at "\n", "\r\n" or
	 * a lone "\r"; line 1 starts after a UTF-8 byte order mark. */
	const uint32_t *line_starts;
	size_t line_count;
	struct iamp_value *root;  /* NULL when the input could not be read */
	/* Counted while loading, for the size quotas (iamp_lint_policy_size
	 * would otherwise read the text again): UTF-8 continuation bytes of
	 * the text (every 10xxxxxx byte after a byte order mark, even in
	 * invalid UTF-8: with none, positions need not read the text), and,
	 * for JSON read to its end (`counted`), the white space outside
	 * strings. */
	size_t cont_bytes;
	size_t ws_bytes;
	bool counted;
};

/*
 * Loads `len` bytes of `data` (copied) under the display name `path`, as
 * `format` says (iamp_format_for_path() gives the format a path implies:
 * YAML for .yaml or .yml, case-insensitive, JSON otherwise). `limits` may
 * be NULL for iamp_limits_default(). Diagnostics are appended to `diags`.
 * Returns 0 or IAMP_ENOMEM.
 */
int iamp_load_buffer(struct iamp_document **out, const char *path,
		     const char *data, size_t len, enum iamp_format format,
		     const struct iamp_limits *limits, struct iamp_diags *diags);

/* Reads `path` ("-" is standard input) and loads it. A file that cannot
 * be read is IAMP_EIO (with iamp_error_last()); so is anything but a
 * regular file (a FIFO, a device, a socket), refused without waiting on
 * it. A file over the size cap gives a document with no root and an
 * INPUT_LIMIT diagnostic. */
int iamp_load_file(struct iamp_document **out, const char *path,
		   const struct iamp_limits *limits, struct iamp_diags *diags);

/* Flags of iamp_load_file_as(). EMPTY_OK: a YAML stream without a
 * document (empty, or comments only) is a document whose root is a null
 * value, as YAML reads it, not a SYNTAX_ERROR (configuration files). */
#define IAMP_LOAD_EMPTY_OK 1u

/* iamp_load_file in `format` whatever the path's extension, with
 * IAMP_LOAD_* flags. */
int iamp_load_file_as(struct iamp_document **out, const char *path,
		      enum iamp_format format, unsigned flags,
		      const struct iamp_limits *limits, struct iamp_diags *diags);

/*
 * Reads the JSON policy held by the string value `str` of `doc` (a
 * Terraform `policy` attribute, CloudFormation `Content`) into a value
 * tree in doc's arena, whose spans point into doc: a character of the
 * policy is found where it is written in the file, escapes and all, e.g.
 *
 *   "policy": "{\"Version\":\"2012\"}"    the Version value's span is
 *                                          the \"2012\" of the plan file
 *
 * (exactly for a JSON file; for YAML scalars each character is found by
 * skipping the indentation, line breaks and quotes YAML removed).
 * Syntax errors are diagnostics at their position in doc. *out is NULL
 * when the string is not valid JSON. Returns 0 or IAMP_ENOMEM.
 */
int iamp_load_embedded(struct iamp_value **out, const struct iamp_document *doc,
		       const struct iamp_value *str, const struct iamp_limits *limits,
		       struct iamp_diags *diags);

/*
 * Writes `v` as compact JSON (strings escaped, numbers as written), so
 * that a policy read from YAML or from a template can be handed to what
 * reads JSON text. Returns 0, or -1 when the tree holds a symbolic value
 * (iac.h), which has no text (what was written stops there).
 */
int iamp_value_write_json(FILE *out, const struct iamp_value *v);

/* The format a path implies (extension .yaml/.yml is YAML). */
enum iamp_format iamp_format_for_path(const char *path);

void iamp_document_free(struct iamp_document *doc);

/* The text of line `line` (from 1) without its line terminator. */
const char *iamp_document_line(const struct iamp_document *doc, size_t line,
			       size_t *len);

/* The span of bytes [start, end) of the text, as the readers compute
 * positions (for checks that read the raw text: secrets.c). */
struct iamp_span iamp_document_span(const struct iamp_document *doc, size_t start, size_t end);

/* Object member lookup: the first member named `key` (exact, case-
 * sensitive), or NULL. */
const struct iamp_member *iamp_value_member(const struct iamp_value *obj,
					    const char *key);

#endif
