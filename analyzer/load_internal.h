/*
 * load_internal.h - what load.c shares with the two readers.
 *
 * load.c owns the document (arena, text copy, UTF-8 check, line map) and
 * the parts both readers need: positions, diagnostics and the tree
 * builder. load_json.c and load_yaml.c only turn text into builder calls.
 *
 *   reader ──loader_open──▶ frame ──loader_key, loader_add──▶ members ──loader_close──▶ value
 *
 * The builder keeps one explicit stack of open containers (so nesting
 * never recurses) and one temporary stack of members shared by all open
 * containers: closing a container copies its members from the top of that
 * stack into the arena, checks them for duplicate keys and pops them.
 *
 * A reader's contract: on the first SYNTAX_ERROR, INVALID_UTF8 or
 * INPUT_LIMIT it reports one diagnostic and stops with the root left NULL,
 * so a NULL root always comes with an error diagnostic. Readers return 0
 * or IAMP_ENOMEM. The shared functions carry the prefix loader_ (not
 * iamp_: they are not API, but they are not static either).
 */
#ifndef IAMP_LOAD_INTERNAL_H
#define IAMP_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "load.h"

/* Forward-only memo of the last position computed, so that a reader that
 * asks for positions in increasing order pays O(n) in all. */
struct pos_cache {
	size_t line;	/* index into line_starts */
	uint32_t offset;
	uint32_t col;
};

struct frame {
	enum iamp_value_kind kind;	/* ARRAY or OBJECT */
	struct iamp_pos start;
	size_t base;			/* first member of this frame in tmp */
	bool flow;			/* YAML: flow style ({} or []) */
	const char *tag;		/* YAML: its local tag, or NULL */
};

struct loader {
	struct iamp_document *doc;
	unsigned flags;			/* IAMP_LOAD_* */
	/* Where positions and diagnostics point: `doc` itself, or, for a
	 * policy read from a string value (iamp_load_embedded), the document
	 * that holds the string; then map[i] is the byte offset in `at` of
	 * byte i of doc->text (len + 1 entries). */
	const struct iamp_document *at;
	const uint32_t *map;
	const struct iamp_limits *limits;
	struct iamp_diags *diags;
	struct pos_cache pc;
	struct frame *frames;
	size_t nframes, frames_cap;
	struct iamp_member *tmp;
	size_t ntmp, tmp_cap;
};

/* The position of byte `offset` of the text (line, code-point column),
 * any offset of any text; loader_pos() is the same, faster when it can. */
struct iamp_pos loader_pos_any(struct loader *ld, size_t offset);

/* The position of byte `offset` of the text (line, code-point column).
 * Inline for what the readers ask for most (some 210,000 times over the
 * managed policies): an all-ASCII text, not mapped, the offset at or past
 * the memo and on its line or the next; the column is then the distance
 * from the line's start, as loader_pos_any() counts it, and the memo moves
 * as it would move it. Anything else is loader_pos_any()'s. */
static inline struct iamp_pos loader_pos(struct loader *ld, size_t offset)
{
	const struct iamp_document *doc = ld->at;
	size_t line = ld->pc.line;
	uint32_t col;

	if (ld->map || doc->cont_bytes || offset < ld->pc.offset || offset > doc->len)
		return loader_pos_any(ld, offset);
	if (line + 1 < doc->line_count && offset >= doc->line_starts[line + 1]) {
		line++;
		if (line + 1 < doc->line_count && offset >= doc->line_starts[line + 1])
			return loader_pos_any(ld, offset);
	}
	/* not inside a byte order mark: the memo's offset, which is at or
	 * past its line's start, is not past this offset */
	col = (uint32_t)(offset - doc->line_starts[line]) + 1;
	ld->pc.line = line;
	ld->pc.offset = (uint32_t)offset;
	ld->pc.col = col;
	return (struct iamp_pos){ (uint32_t)line + 1, col, (uint32_t)offset };
}

void loader_diag(struct loader *ld, enum iamp_rule_id rule,
	       struct iamp_span span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A span of zero width at `offset`, or from `start` to `end` bytes. A
 * JSON scalar's or key's end is on its start's line: loader_pos()'s
 * inline case, with no search of the line map. */
static inline struct iamp_span loader_span(struct loader *ld, size_t start, size_t end)
{
	struct iamp_span span;

	span.start = loader_pos(ld, start);
	span.end = loader_pos(ld, end);
	return span;
}

struct iamp_value *loader_value(struct loader *ld, enum iamp_value_kind kind,
				  struct iamp_span span);

/* Opens a container; the caller has checked the depth (loader_depth_ok). */
int loader_open(struct loader *ld, enum iamp_value_kind kind,
	       struct iamp_pos start);
/* Reports INPUT_LIMIT at `at` and returns false when one more container
 * would be too deep. */
bool loader_depth_ok(struct loader *ld, struct iamp_span at);
/* Starts a member of the open object (its value comes with loader_add);
 * `key` must live in the document's arena. */
int loader_key(struct loader *ld, const char *key, size_t len,
	      struct iamp_span span);
/* Adds an item to the open array, or the value of the open member. */
int loader_add(struct loader *ld, struct iamp_value *v);
/* Closes the open container; *out is the new value. */
int loader_close(struct loader *ld, struct iamp_pos end,
		struct iamp_value **out);

/* Copies `s` into a message-safe form: at most ~60 bytes, control
 * characters as '?', cut at a character boundary with "...". */
void loader_quote(char *buf, size_t size, const char *s, size_t len);

int loader_json(struct loader *ld);

/* For the JSON string literal whose content (between the quotes) is
 * raw[0..rawlen), starting at byte `base` of its file: map[i] = the file
 * offset of the character that decoded byte i comes from (an escape maps
 * all its bytes to its backslash); map[declen] = the closing quote.
 * `declen` is the decoded length. Returns false when the literal does
 * not decode to declen bytes (then map is not complete). */
bool loader_json_offsets(uint32_t *map, size_t declen, const char *raw,
			 size_t rawlen, uint32_t base);
int loader_yaml(struct loader *ld);

#endif
