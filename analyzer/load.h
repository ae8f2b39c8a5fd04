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
	union {
		bool boolean;
		/* STRING: decoded UTF-8 (escapes resolved); NUMBER: the
		 * number's text as written. NUL-terminated; len excludes it
		 * (a string may contain an escaped NUL). */
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

/* Hard caps on input; reaching one is an INPUT_LIMIT diagnostic. */
struct iamp_limits {
	size_t max_file_bytes;  /* default 4 MiB */
	unsigned max_depth;     /* default 64 */
	size_t max_string_bytes; /* default 64 KiB */
	size_t max_statements;  /* default 10,000 (checked by the builder) */
};

void iamp_limits_default(struct iamp_limits *out);

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
 * be read is IAMP_EIO (with iamp_error_last()); a file over the size cap
 * gives a document with no root and an INPUT_LIMIT diagnostic. */
int iamp_load_file(struct iamp_document **out, const char *path,
		   const struct iamp_limits *limits, struct iamp_diags *diags);

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
