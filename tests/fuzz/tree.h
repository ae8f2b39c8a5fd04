/*
 * tree.h - invariants of a loaded document, for the loader targets.
 *
 * Every span lies inside the text, in order, on a line the line map has;
 * a child's span lies inside its parent's; every string is as long as its
 * length says (no NUL inside); every diagnostic points into the text and
 * has a message. The nesting the walk follows is bounded by the loader's
 * depth cap, so recursion is safe here.
 */
#ifndef IAMP_FUZZ_TREE_H
#define IAMP_FUZZ_TREE_H

#include <stdbool.h>
#include <string.h>

#include "diag.h"
#include "load.h"
#include "fuzz.h"

static inline void fuzz_check_pos(const struct iamp_document *doc, struct iamp_pos p)
{
	FUZZ_ASSERT(p.offset <= doc->len);
	FUZZ_ASSERT(p.line >= 1 && p.line <= doc->line_count + 1);
	FUZZ_ASSERT(p.col >= 1);
}

static inline void fuzz_check_span(const struct iamp_document *doc, struct iamp_span s)
{
	fuzz_check_pos(doc, s.start);
	fuzz_check_pos(doc, s.end);
	FUZZ_ASSERT(s.start.offset <= s.end.offset);
	FUZZ_ASSERT(s.start.line <= s.end.line);
}

static inline bool fuzz_span_within(struct iamp_span in, struct iamp_span out)
{
	return in.start.offset >= out.start.offset && in.end.offset <= out.end.offset;
}

/* `nested`: children lie inside their parent's span (JSON; a YAML block
 * mapping's key starts where its span does, so it holds there too). */
static inline void fuzz_check_value(const struct iamp_document *doc, const struct iamp_value *v,
				    unsigned depth, bool nested)
{
	size_t i;

	FUZZ_ASSERT(v);
	FUZZ_ASSERT(depth <= 4096);
	fuzz_check_span(doc, v->span);
	switch (v->kind) {
	case IAMP_VALUE_NULL:
	case IAMP_VALUE_BOOL:
		break;
	case IAMP_VALUE_NUMBER:
	case IAMP_VALUE_STRING:
		FUZZ_ASSERT(v->u.str.text);
		FUZZ_ASSERT(strlen(v->u.str.text) == v->u.str.len);
		break;
	case IAMP_VALUE_ARRAY:
		for (i = 0; i < v->u.array.count; i++) {
			fuzz_check_value(doc, v->u.array.items[i], depth + 1, nested);
			if (nested)
				FUZZ_ASSERT(fuzz_span_within(v->u.array.items[i]->span, v->span));
		}
		break;
	case IAMP_VALUE_OBJECT:
		for (i = 0; i < v->u.object.count; i++) {
			const struct iamp_member *m = &v->u.object.members[i];

			FUZZ_ASSERT(m->key && strlen(m->key) == m->key_len);
			fuzz_check_span(doc, m->key_span);
			fuzz_check_value(doc, m->value, depth + 1, nested);
			if (nested) {
				FUZZ_ASSERT(fuzz_span_within(m->key_span, v->span));
				FUZZ_ASSERT(fuzz_span_within(m->value->span, v->span));
			}
			/* the lookup finds a member of that name */
			FUZZ_ASSERT(iamp_value_member(v, m->key) != NULL);
		}
		break;
	default:
		FUZZ_ASSERT(!"unknown value kind");
	}
}

static inline void fuzz_check_document(const struct iamp_document *doc,
				       const struct iamp_diags *diags, bool nested)
{
	size_t i, len;

	FUZZ_ASSERT(doc && doc->text);
	FUZZ_ASSERT(doc->text[doc->len] == '\0');
	FUZZ_ASSERT(doc->line_count >= 1);
	for (i = 1; i <= doc->line_count; i++) {
		const char *line = iamp_document_line(doc, i, &len);

		FUZZ_ASSERT(line);
		FUZZ_ASSERT(line >= doc->text && line + len <= doc->text + doc->len);
	}
	if (doc->root)
		fuzz_check_value(doc, doc->root, 0, nested);
	for (i = 0; i < diags->count; i++) {
		const struct iamp_diag *d = &diags->items[i];

		FUZZ_ASSERT(d->message && d->message[0]);
		FUZZ_ASSERT((unsigned)d->rule < IAMP_RULE__COUNT);
		fuzz_check_span(doc, d->span);
	}
}

#endif
