/*
 * load_yaml.c - YAML into the same value tree, from libyaml's events.
 *
 * libyaml (the only file that includes yaml.h) parses; this file turns
 * its event stream into builder calls (load_internal.h):
 *
 *   MAPPING-START ─▶ loader_open(OBJECT)    SCALAR as a key ─▶ loader_key
 *   SEQUENCE-START ─▶ loader_open(ARRAY)    SCALAR as a value ─▶ loader_add
 *   MAPPING-END / SEQUENCE-END ─▶ loader_close
 *
 * Positions. A libyaml mark counts characters (index, and a column from
 * 0 on a line from 0), and libyaml also breaks lines at NEL, LS and PS,
 * which JSON and our line map do not. So only mark.index is used: it is
 * turned into a byte offset by counting characters forward from the last
 * mark (libyaml skips a leading byte order mark without counting it), and
 * load.c gives the line and column, the same way as for JSON. A flow
 * collection ends after its '}' or ']'; a block collection ends where its
 * last item ends (libyaml's end mark there is the next token, possibly
 * lines below).
 *
 * Typing (YAML 1.2 core schema, decimal numbers only): an untagged plain
 * scalar is NULL for "", "~", null, Null, NULL; BOOL for true, True,
 * TRUE, false, False, FALSE; NUMBER (text as written) for decimal
 * integers and floats; STRING otherwise (2012-10-17 is a string). Quoted,
 * block and tagged scalars are strings. Mapping keys are their text and
 * must be scalars.
 *
 * Refused, as SYNTAX_ERROR at their position: anchors and aliases (no
 * alias bombs), a second document, and whatever libyaml rejects (its
 * problem text at its problem mark).
 */
#include <string.h>

#include <yaml.h>

#include "arena.h"
#include "error.h"
#include "load_internal.h"

#define STOP 1 /* a problem was reported: stop, root NULL */

struct reader {
	struct loader *ld;
	size_t ch;		/* character index of ... */
	size_t byte;		/* ... this byte offset */
	struct iamp_pos last_end; /* end of the last value completed */
	unsigned docs;
	bool done;
};

static size_t mark_offset(struct reader *r, const yaml_mark_t *m)
{
	const struct iamp_document *doc = r->ld->doc;
	const unsigned char *s = (const unsigned char *)doc->text;

	if (m->index < r->ch) {
		r->ch = 0;
		r->byte = doc->line_starts[0]; /* after a byte order mark */
	}
	while (r->ch < m->index && r->byte < doc->len) {
		unsigned char c = s[r->byte];

		r->byte += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		r->ch++;
	}
	if (r->byte > doc->len)
		r->byte = doc->len;
	return r->byte;
}

static struct iamp_span marks_span(struct reader *r, const yaml_mark_t *a,
				   const yaml_mark_t *b)
{
	size_t start = mark_offset(r, a);

	return loader_span(r->ld, start, mark_offset(r, b));
}

static int fail(struct reader *r, struct iamp_span span, const char *msg)
{
	loader_diag(r->ld, IAMP_RULE_SYNTAX_ERROR, span, "%s", msg);
	return STOP;
}

static int fail_anchor(struct reader *r, struct iamp_span span,
		       const char *what, const char *name)
{
	char quoted[80];

	loader_quote(quoted, sizeof(quoted), name, strlen(name));
	loader_diag(r->ld, IAMP_RULE_SYNTAX_ERROR, span,
		    "YAML %s are not supported (%s '%s')",
		    what[0] == '*' ? "aliases" : "anchors and aliases",
		    what[0] == '*' ? "alias" : "anchor", quoted);
	return STOP;
}

static bool is_digits(const char **pp)
{
	const char *p = *pp;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == *pp)
		return false;
	*pp = p;
	return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.') {
		s++;
		if (!is_digits(&s))
			return false;
	} else {
		if (!is_digits(&s))
			return false;
		if (*s == '.') {
			s++;
			is_digits(&s);
		}
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!is_digits(&s))
			return false;
	}
	return *s == '\0';
}

static bool is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

static const char *const null_words[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };

/* A value completed: it becomes the root or joins the open container. */
static int complete(struct reader *r, struct iamp_value *v)
{
	r->last_end = v->span.end;
	if (r->ld->nframes == 0) {
		r->ld->doc->root = v;
		return 0;
	}
	return loader_add(r->ld, v);
}

/* In an open mapping, is the next node a key? */
static bool want_key(const struct loader *ld)
{
	const struct frame *f;

	if (!ld->nframes)
		return false;
	f = &ld->frames[ld->nframes - 1];
	return f->kind == IAMP_VALUE_OBJECT &&
	       (ld->ntmp == f->base || ld->tmp[ld->ntmp - 1].value);
}

/* A local tag ("!Sub", not "!!str", which libyaml resolves to a
 * tag:yaml.org,2002: URI) into the arena, for the value's `tag`. */
static int local_tag(struct loader *ld, const char *tag, const char **out)
{
	*out = NULL;
	if (!tag || tag[0] != '!' || tag[1] == '!' || tag[1] == '\0')
		return 0;
	*out = iamp_arena_strndup(ld->doc->arena, tag, strlen(tag));
	return *out ? 0 : IAMP_ENOMEM;
}

static int on_scalar(struct reader *r, const yaml_event_t *ev,
		     struct iamp_span span)
{
	struct loader *ld = r->ld;
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	enum iamp_value_kind kind = IAMP_VALUE_STRING;
	struct iamp_value *v;
	char *copy;

	if (len > ld->limits->max_string_bytes) {
		loader_diag(ld, IAMP_RULE_INPUT_LIMIT, span,
			    "%s of %zu bytes is over the limit of %zu bytes",
			    want_key(ld) ? "mapping key" : "scalar", len,
			    ld->limits->max_string_bytes);
		return STOP;
	}
	/* A "\0" escape: downstream, strings are C strings (load_json.c
	 * refuses "\u0000" alike). */
	if (memchr(text, '\0', len))
		return fail(r, span, "a NUL character (\"\\0\") is not allowed in a scalar");
	copy = iamp_arena_strndup(ld->doc->arena, text, len);
	if (!copy)
		return IAMP_ENOMEM;
	if (want_key(ld))
		return loader_key(ld, copy, len, span);
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    ev->data.scalar.plain_implicit) {
		if (is_one_of(copy, null_words))
			kind = IAMP_VALUE_NULL;
		else if (is_one_of(copy, true_words) ||
			 is_one_of(copy, false_words))
			kind = IAMP_VALUE_BOOL;
		else if (is_number(copy))
			kind = IAMP_VALUE_NUMBER;
	}
	v = loader_value(ld, kind, span);
	if (!v)
		return IAMP_ENOMEM;
	if (local_tag(ld, (const char *)ev->data.scalar.tag, &v->tag))
		return IAMP_ENOMEM;
	if (kind == IAMP_VALUE_BOOL) {
		v->u.boolean = copy[0] == 't' || copy[0] == 'T';
	} else if (kind != IAMP_VALUE_NULL) {
		v->u.str.text = copy;
		v->u.str.len = len;
	}
	return complete(r, v);
}

static int on_open(struct reader *r, const yaml_event_t *ev,
		   struct iamp_span span)
{
	struct loader *ld = r->ld;
	bool is_map = ev->type == YAML_MAPPING_START_EVENT;
	int err;

	if (want_key(ld))
		return fail(r, span, is_map ?
			    "a mapping cannot be a mapping key" :
			    "a sequence cannot be a mapping key");
	if (!loader_depth_ok(ld, span))
		return STOP;
	err = loader_open(ld, is_map ? IAMP_VALUE_OBJECT : IAMP_VALUE_ARRAY,
			  span.start);
	if (err)
		return err;
	ld->frames[ld->nframes - 1].flow = is_map ?
		ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE :
		ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	return local_tag(ld, (const char *)(is_map ? ev->data.mapping_start.tag :
					     ev->data.sequence_start.tag),
			 &ld->frames[ld->nframes - 1].tag);
}

static int on_close(struct reader *r, struct iamp_span span)
{
	struct loader *ld = r->ld;
	const struct frame *f = &ld->frames[ld->nframes - 1];
	const char *tag = f->tag;
	struct iamp_value *v;
	int err;

	err = loader_close(ld, f->flow ? span.end : r->last_end, &v);
	if (err)
		return err;
	v->tag = tag;
	return complete(r, v);
}

static const char *anchor_of(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

static int on_event(struct reader *r, const yaml_event_t *ev)
{
	struct iamp_span span = marks_span(r, &ev->start_mark, &ev->end_mark);
	const char *anchor = anchor_of(ev);

	if (anchor)
		return fail_anchor(r, span, "&", anchor);
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (r->docs++)
			return fail(r, span,
				    "a second YAML document: a policy file holds only one");
		return 0;
	case YAML_STREAM_END_EVENT:
		r->done = true;
		if (!r->docs && (r->ld->flags & IAMP_LOAD_EMPTY_OK)) {
			struct iamp_value *v = loader_value(r->ld, IAMP_VALUE_NULL, span);

			if (!v)
				return IAMP_ENOMEM;
			r->ld->doc->root = v;
			return 0;
		}
		if (!r->docs)
			return fail(r, span,
				    "empty input: expected a YAML document");
		return 0;
	case YAML_ALIAS_EVENT:
		return fail_anchor(r, span, "*",
				   (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		return on_scalar(r, ev, span);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return on_open(r, ev, span);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_close(r, span);
	default:
		return 0;
	}
}

static int parser_error(struct reader *r, const yaml_parser_t *p)
{
	size_t at;
	struct iamp_span span;

	if (p->error == YAML_MEMORY_ERROR)
		return IAMP_ENOMEM;
	if (p->error == YAML_READER_ERROR) /* problem_offset is in bytes */
		at = p->problem_offset;
	else
		at = mark_offset(r, &p->problem_mark);
	span = loader_span(r->ld, at, at);
	if (p->context)
		loader_diag(r->ld, IAMP_RULE_SYNTAX_ERROR, span,
			    "invalid YAML: %s (%s)",
			    p->problem ? p->problem : "syntax error",
			    p->context);
	else
		loader_diag(r->ld, IAMP_RULE_SYNTAX_ERROR, span,
			    "invalid YAML: %s",
			    p->problem ? p->problem : "syntax error");
	return STOP;
}

int loader_yaml(struct loader *ld)
{
	struct reader r = { .ld = ld, .byte = ld->doc->line_starts[0] };
	yaml_parser_t parser;
	yaml_event_t ev;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return IAMP_ENOMEM;
	yaml_parser_set_input_string(&parser,
				     (const unsigned char *)ld->doc->text,
				     ld->doc->len);
	while (!err && !r.done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			err = parser_error(&r, &parser);
			break;
		}
		err = on_event(&r, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (err == STOP) {
		ld->doc->root = NULL;
		return 0;
	}
	return err;
}
