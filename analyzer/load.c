/*
 * load.c - documents: reading, the UTF-8 check, the line map, positions,
 * diagnostics and the tree builder shared by the two readers; see load.h.
 *
 * Loading a document:
 *
 *   bytes ─copy─▶ arena text (NUL-terminated)
 *         ─one pass─▶ UTF-8 check + line map ─▶ loader_json() / loader_yaml()
 *
 * The line map. line_starts[i] is the byte offset where line i + 1
 * begins. A line ends at "\n", "\r\n" (one break) or a lone "\r". When the
 * text starts with a UTF-8 byte order mark, line 1 begins after it
 * (line_starts[0] == 3): the mark is not part of the line's text and
 * takes no column, as in editors. A text that ends with a line break has
 * an empty last line, where the end-of-input position lies.
 *
 * Positions. A column counts code points from the line's start; since
 * the text is valid UTF-8 by then, that is the number of bytes that are
 * not continuation bytes (10xxxxxx). In a text without continuation bytes
 * (doc->cont_bytes == 0, the common case) that is the byte distance from
 * the line's start, and loader_pos() reads no text. Otherwise it keeps the last answer
 * and counts forward from it, so readers, which ask in increasing order,
 * pay one extra pass in all, even on a 1 MB single line; a jump backwards
 * or across lines costs a binary search of the line map.
 *
 * Strict UTF-8: overlong forms, surrogates (U+D800..U+DFFF) and code
 * points past U+10FFFF are invalid, as are truncated sequences. The first
 * invalid byte gets INVALID_UTF8 and the readers do not run.
 */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "bytes16.h"
#include "diag.h"
#include "error.h"
#include "load_internal.h"

#define MiB (1024u * 1024u)

void iamp_limits_default(struct iamp_limits *out)
{
	out->max_file_bytes = 4 * MiB;
	out->max_depth = 64;
	out->max_string_bytes = 64 * 1024;
	out->max_statements = 10000;
	out->max_condition_values = 20000;
	out->quotas = (struct iamp_quotas){ 0 }; /* AWS's */
}

bool iamp_limit_parse(size_t *out, const char *text)
{
	unsigned long long v = 0;

	if (!*text)
		return false;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			return false;
	}
	if (v == 0)
		return false;
	*out = (size_t)v;
	return true;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

enum iamp_format iamp_format_for_path(const char *path)
{
	if (ends_with_ci(path, ".yaml") || ends_with_ci(path, ".yml"))
		return IAMP_FORMAT_YAML;
	return IAMP_FORMAT_JSON;
}

void iamp_document_free(struct iamp_document *doc)
{
	if (doc)
		iamp_arena_free(doc->arena); /* doc lives in its own arena */
}

const char *iamp_document_line(const struct iamp_document *doc, size_t line,
			       size_t *len)
{
	size_t start, end;

	if (line < 1 || line > doc->line_count) {
		*len = 0;
		return NULL;
	}
	start = doc->line_starts[line - 1];
	end = line < doc->line_count ? doc->line_starts[line] : doc->len;
	if (end > start && doc->text[end - 1] == '\n')
		end--;
	if (end > start && doc->text[end - 1] == '\r')
		end--;
	*len = end - start;
	return doc->text + start;
}

const struct iamp_member *iamp_value_member(const struct iamp_value *obj,
					    const char *key)
{
	size_t n;

	if (!obj || obj->kind != IAMP_VALUE_OBJECT)
		return NULL;
	n = strlen(key);
	for (size_t i = 0; i < obj->u.object.count; i++) {
		const struct iamp_member *m = &obj->u.object.members[i];

		if (m->key_len == n && memcmp(m->key, key, n) == 0)
			return m;
	}
	return NULL;
}

/* --- positions and diagnostics ------------------------------------------ */

/* The index of the line that holds byte `offset`. */
static size_t line_index(const struct iamp_document *doc, size_t offset)
{
	size_t lo = 0, hi = doc->line_count;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (doc->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

#define HIGHS 0x8080808080808080ull

static uint64_t load8(const unsigned char *s)
{
	uint64_t x;

	memcpy(&x, s, sizeof(x));
	return x;
}

struct iamp_pos loader_pos_any(struct loader *ld, size_t offset)
{
	const struct iamp_document *doc = ld->at;
	struct pos_cache *pc = &ld->pc;
	const unsigned char *s = (const unsigned char *)doc->text;
	struct iamp_pos pos;
	size_t i, line = pc->line;
	uint32_t col;

	if (ld->map)
		offset = ld->map[offset > ld->doc->len ? ld->doc->len : offset];
	if (offset > doc->len)
		offset = doc->len;
	if (offset < pc->offset) {
		line = line_index(doc, offset);
	} else {
		/* Forward: a step or two is the common case, else search. */
		for (int step = 0; line + 1 < doc->line_count &&
				   offset >= doc->line_starts[line + 1]; step++) {
			if (step == 4) {
				line = line_index(doc, offset);
				break;
			}
			line++;
		}
	}
	if (!doc->cont_bytes) {
		/* All ASCII (or a byte order mark and ASCII): a column is a
		 * byte, counted from the line's start without reading it. */
		if (offset < doc->line_starts[line]) /* inside the mark */
			offset = doc->line_starts[line];
		col = (uint32_t)(offset - doc->line_starts[line]) + 1;
		pc->line = line;
		pc->offset = (uint32_t)offset;
		pc->col = col;
		return (struct iamp_pos){ (uint32_t)line + 1, col,
					  (uint32_t)offset };
	}
	if (line != pc->line || offset < pc->offset) {
		pc->line = line;
		pc->offset = doc->line_starts[line];
		pc->col = 1;
		if (offset < pc->offset) /* inside the byte order mark */
			offset = pc->offset;
	}
	col = pc->col;
	i = pc->offset;
	for (; i + 8 <= offset && !(load8(s + i) & HIGHS); i += 8)
		col += 8; /* ASCII: one column a byte */
	for (; i < offset; i++)
		col += (s[i] & 0xC0) != 0x80;
	pc->offset = (uint32_t)offset;
	pc->col = col;
	pos.line = (uint32_t)pc->line + 1;
	pos.col = col;
	pos.offset = (uint32_t)offset;
	return pos;
}

struct iamp_span iamp_document_span(const struct iamp_document *doc, size_t start, size_t end)
{
	struct loader ld = { .doc = (struct iamp_document *)doc, .at = doc };

	ld.pc.offset = doc->line_starts[0];
	ld.pc.col = 1;
	return loader_span(&ld, start, end);
}

void loader_diag(struct loader *ld, enum iamp_rule_id rule,
		 struct iamp_span span, const char *fmt, ...)
{
	char msg[512];
	const char *line;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line = iamp_document_line(ld->at, span.start.line, &len);
	iamp_diag_add(ld->diags, rule, ld->at->path, span, line, len, "%s",
		      msg);
}

void loader_quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t max = size > 64 ? 60 : size - 4, n = 0, i = 0;

	while (i < len && n < max) {
		unsigned char c = (unsigned char)s[i];
		size_t w = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

		if (n + w > max || i + w > len)
			break;
		if (c < 0x20 || c == 0x7F) {
			buf[n++] = '?';
		} else {
			memcpy(buf + n, s + i, w);
			n += w;
		}
		i += w;
	}
	if (i < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
}

/* --- the tree builder ----------------------------------------------------- */

struct iamp_value *loader_value(struct loader *ld, enum iamp_value_kind kind,
				struct iamp_span span)
{
	struct iamp_value *v = iamp_arena_alloc(ld->doc->arena, sizeof(*v));

	if (v) {
		v->kind = kind;
		v->span = span;
	}
	return v;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return IAMP_ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

bool loader_depth_ok(struct loader *ld, struct iamp_span at)
{
	if (ld->nframes < ld->limits->max_depth)
		return true;
	loader_diag(ld, IAMP_RULE_INPUT_LIMIT, at,
		    "nesting deeper than the limit of %u levels",
		    ld->limits->max_depth);
	return false;
}

int loader_open(struct loader *ld, enum iamp_value_kind kind,
		struct iamp_pos start)
{
	struct frame *f;

	if (ld->nframes == ld->frames_cap &&
	    grow((void **)&ld->frames, &ld->frames_cap, ld->nframes + 1,
		 sizeof(*ld->frames)))
		return IAMP_ENOMEM;
	f = &ld->frames[ld->nframes++];
	f->kind = kind;
	f->start = start;
	f->base = ld->ntmp;
	return 0;
}

static struct iamp_member *tmp_push(struct loader *ld)
{
	struct iamp_member *m;

	if (ld->ntmp == ld->tmp_cap &&
	    grow((void **)&ld->tmp, &ld->tmp_cap, ld->ntmp + 1,
		 sizeof(*ld->tmp)))
		return NULL;
	m = &ld->tmp[ld->ntmp++];
	memset(m, 0, sizeof(*m));
	return m;
}

int loader_key(struct loader *ld, const char *key, size_t len,
	       struct iamp_span span)
{
	struct iamp_member *m = tmp_push(ld);

	if (!m)
		return IAMP_ENOMEM;
	m->key = key;
	m->key_len = len;
	m->key_span = span;
	return 0;
}

int loader_add(struct loader *ld, struct iamp_value *v)
{
	struct iamp_member *m;

	if (ld->frames[ld->nframes - 1].kind == IAMP_VALUE_OBJECT) {
		ld->tmp[ld->ntmp - 1].value = v;
		return 0;
	}
	m = tmp_push(ld);
	if (!m)
		return IAMP_ENOMEM;
	m->value = v;
	return 0;
}

static bool same_key(const struct iamp_member *a, const struct iamp_member *b)
{
	return a->key_len == b->key_len &&
	       memcmp(a->key, b->key, a->key_len) == 0;
}

static int cmp_member(const void *pa, const void *pb)
{
	const struct iamp_member *a = *(const struct iamp_member *const *)pa;
	const struct iamp_member *b = *(const struct iamp_member *const *)pb;
	int c;

	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	c = memcmp(a->key, b->key, a->key_len);
	if (c)
		return c;
	return a < b ? -1 : a > b; /* the first occurrence first */
}

/*
 * Reports every member whose key an earlier member of `m` already has, in
 * source order, naming the first occurrence. Small objects (every real
 * policy) compare pairwise; big ones sort pointers, so that an object of
 * a million keys costs n log n, not n squared.
 */
static int check_duplicates(struct loader *ld, const struct iamp_member *m,
			    size_t n)
{
	const struct iamp_member **sorted = NULL;
	size_t *first = NULL;
	char key[80];

	if (n < 2)
		return 0;
	if (n <= 16) {
		for (size_t j = 1; j < n; j++) {
			for (size_t i = 0; i < j; i++) {
				if (!same_key(&m[i], &m[j]))
					continue;
				loader_quote(key, sizeof(key), m[j].key,
					     m[j].key_len);
				loader_diag(ld, IAMP_RULE_DUPLICATE_KEY,
					    m[j].key_span,
					    "duplicate key \"%s\" (first at line %u)",
					    key, m[i].key_span.start.line);
				break;
			}
		}
		return 0;
	}
	sorted = malloc(n * sizeof(*sorted));
	first = malloc(n * sizeof(*first));
	if (!sorted || !first) {
		free(sorted);
		free(first);
		return IAMP_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		sorted[i] = &m[i];
		first[i] = i;
	}
	qsort(sorted, n, sizeof(*sorted), cmp_member);
	for (size_t i = 1; i < n; i++)
		if (same_key(sorted[i - 1], sorted[i]))
			first[sorted[i] - m] = first[sorted[i - 1] - m];
	for (size_t j = 0; j < n; j++) {
		if (first[j] == j)
			continue;
		loader_quote(key, sizeof(key), m[j].key, m[j].key_len);
		loader_diag(ld, IAMP_RULE_DUPLICATE_KEY, m[j].key_span,
			    "duplicate key \"%s\" (first at line %u)", key,
			    m[first[j]].key_span.start.line);
	}
	free(sorted);
	free(first);
	return 0;
}

int loader_close(struct loader *ld, struct iamp_pos end,
		 struct iamp_value **out)
{
	struct frame *f = &ld->frames[ld->nframes - 1];
	struct iamp_arena *arena = ld->doc->arena;
	/* tmp is NULL until a first member is kept: NULL + 0 is undefined */
	const struct iamp_member *m = ld->tmp ? ld->tmp + f->base : NULL;
	size_t n = ld->ntmp - f->base;
	struct iamp_value *v;
	struct iamp_span span = { f->start, end };
	int err;

	v = loader_value(ld, f->kind, span);
	if (!v)
		return IAMP_ENOMEM;
	if (f->kind == IAMP_VALUE_ARRAY && n) {
		/* every item and member is written below */
		v->u.array.items = iamp_arena_take(arena, n * sizeof(*v->u.array.items));
		if (!v->u.array.items)
			return IAMP_ENOMEM;
		for (size_t i = 0; i < n; i++)
			v->u.array.items[i] = m[i].value;
		v->u.array.count = n;
	} else if (f->kind == IAMP_VALUE_OBJECT && n) {
		v->u.object.members = iamp_arena_take(arena, n * sizeof(*m));
		if (!v->u.object.members)
			return IAMP_ENOMEM;
		memcpy(v->u.object.members, m, n * sizeof(*m));
		v->u.object.count = n;
		err = check_duplicates(ld, m, n);
		if (err)
			return err;
	}
	ld->ntmp = f->base;
	ld->nframes--;
	*out = v;
	return 0;
}

/* --- documents ------------------------------------------------------------ */

static int doc_new(struct iamp_document **out, const char *path,
		   enum iamp_format format)
{
	struct iamp_arena *arena = iamp_arena_new();
	struct iamp_document *doc;

	*out = NULL;
	if (!arena)
		goto nomem;
	doc = iamp_arena_alloc(arena, sizeof(*doc));
	if (!doc)
		goto nomem;
	memset(doc, 0, sizeof(*doc));
	doc->arena = arena;
	doc->format = format;
	doc->path = iamp_arena_strndup(arena, path, strlen(path));
	if (!doc->path)
		goto nomem;
	*out = doc;
	return 0;
nomem:
	iamp_arena_free(arena);
	return iamp_error_set(IAMP_ENOMEM, "out of memory loading %s", path);
}

static int doc_fail(struct iamp_document **out, struct iamp_document *doc)
{
	iamp_error_set(IAMP_ENOMEM, "out of memory loading %s", doc->path);
	iamp_document_free(doc);
	*out = NULL;
	return IAMP_ENOMEM;
}

/*
 * A document for input over the size cap: no text, one empty line, no
 * root, INPUT_LIMIT at 1:1. `size` is 0 when only "more than" is known.
 */
static int doc_oversize(struct iamp_document **out, const char *path,
			enum iamp_format format, size_t size, size_t max,
			struct iamp_diags *diags)
{
	struct iamp_document *doc;
	struct iamp_span span = { { 1, 1, 0 }, { 1, 1, 0 } };
	uint32_t *ls;
	int err = doc_new(&doc, path, format);

	if (err)
		return err;
	doc->text = iamp_arena_strndup(doc->arena, "", 0);
	ls = iamp_arena_alloc(doc->arena, sizeof(*ls));
	if (!doc->text || !ls)
		return doc_fail(out, doc);
	doc->line_starts = ls;
	doc->line_count = 1;
	if (size)
		iamp_diag_add(diags, IAMP_RULE_INPUT_LIMIT, doc->path, span,
			      NULL, 0,
			      "input is %zu bytes, over the limit of %zu bytes",
			      size, max);
	else
		iamp_diag_add(diags, IAMP_RULE_INPUT_LIMIT, doc->path, span,
			      NULL, 0, "input is over the limit of %zu bytes",
			      max);
	*out = doc;
	return 0;
}

/* The length of the valid UTF-8 sequence at s[0..n) (s[0] >= 0x80), or 0
 * with *why saying what is wrong with it. */
static size_t utf8_seq(const unsigned char *s, size_t n, const char **why)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t w;

	if (c < 0xC0) {
		*why = "a continuation byte without a lead byte";
		return 0;
	}
	if (c < 0xC2) {
		*why = "an overlong encoding";
		return 0;
	}
	if (c < 0xE0) {
		w = 2;
	} else if (c < 0xF0) {
		w = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		w = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		*why = "no UTF-8 sequence (it never appears in UTF-8)";
		return 0;
	}
	if (n < 2 || s[1] < 0x80 || s[1] > 0xBF) {
		*why = "a truncated sequence";
		return 0;
	}
	if (s[1] < lo || s[1] > hi) {
		*why = c == 0xED ? "an encoded surrogate" :
		       c == 0xF4 ? "a code point above U+10FFFF" :
				   "an overlong encoding";
		return 0;
	}
	for (size_t i = 2; i < w; i++) {
		if (i >= n || (s[i] & 0xC0) != 0x80) {
			*why = "a truncated sequence";
			return 0;
		}
	}
	return w;
}

/*
 * One pass over the text: builds the line map and finds the first
 * invalid UTF-8 sequence (*bad, or SIZE_MAX when there is none).
 */
static int scan_text(struct iamp_document *doc, size_t *bad, const char **why)
{
	const unsigned char *s = (const unsigned char *)doc->text;
	size_t n = doc->len, i = 0, count = 0, cap = 0;
	uint32_t *starts = NULL, *ls;
	int err = 0;

	*bad = SIZE_MAX;
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3;
	if ((err = grow((void **)&starts, &cap, 1, sizeof(*starts))))
		return err;
	starts[count++] = (uint32_t)i;
	while (i < n) {
		unsigned char c;

		/* Printable ASCII (0x20 to 0x7F), 16 bytes at a time
		 * (bytes16.h), to the first byte that is not. */
		for (; i + 16 <= n; i += 16) {
			iamp_bytes16 x = iamp_bytes16_load(s + i);
			size_t k = iamp_bytes16_first((iamp_bytes16)((x < IAMP_SPLAT16(0x20)) |
								     (x > IAMP_SPLAT16(0x7F))));

			if (k < 16) {
				i += k;
				break;
			}
		}
		if (i >= n)
			break;
		c = s[i];
		if (c >= 0x20 && c < 0x80) {
			i++;
			continue;
		}
		if (c == '\n' || c == '\r') {
			i += (c == '\r' && s[i + 1] == '\n') ? 2 : 1;
			if (count == cap &&
			    (err = grow((void **)&starts, &cap, count + 1,
					sizeof(*starts))))
				goto out;
			starts[count++] = (uint32_t)i;
		} else if (c < 0x80) {
			i++;
		} else {
			const char *w_why;
			size_t w = utf8_seq(s + i, n - i, &w_why);

			if (!w) {
				if (*bad == SIZE_MAX) {
					*bad = i;
					*why = w_why;
				}
				/* counted all the same: loader_pos() relies on
				 * cont_bytes == 0 meaning no 10xxxxxx byte */
				doc->cont_bytes += (s[i] & 0xC0) == 0x80;
				w = 1;
			}
			doc->cont_bytes += w - 1;
			i += w;
		}
	}
	ls = iamp_arena_take(doc->arena, count * sizeof(*ls));
	if (!ls) {
		err = IAMP_ENOMEM;
		goto out;
	}
	memcpy(ls, starts, count * sizeof(*ls)); /* every byte */
	doc->line_starts = ls;
	doc->line_count = count;
out:
	free(starts);
	return err;
}

static int doc_read(struct iamp_document *doc, unsigned flags,
		    const struct iamp_limits *limits, struct iamp_diags *diags)
{
	struct loader ld = { .doc = doc, .at = doc, .flags = flags, .limits = limits, .diags = diags };
	const char *why = NULL;
	size_t bad;
	int err;

	err = scan_text(doc, &bad, &why);
	if (err)
		return err;
	ld.pc.offset = doc->line_starts[0];
	ld.pc.col = 1;
	if (bad != SIZE_MAX) {
		struct iamp_pos at = loader_pos(&ld, bad);
		struct iamp_pos end = { at.line, at.col + 1, at.offset + 1 };

		loader_diag(&ld, IAMP_RULE_INVALID_UTF8,
			    (struct iamp_span){ at, end },
			    "invalid UTF-8: byte 0x%02X begins %s",
			    (unsigned char)doc->text[bad], why);
		return 0;
	}
	if (doc->format == IAMP_FORMAT_YAML)
		err = loader_yaml(&ld);
	else
		err = loader_json(&ld);
	free(ld.frames);
	free(ld.tmp);
	return err;
}

static int load_buffer(struct iamp_document **out, const char *path,
		       const char *data, size_t len, enum iamp_format format,
		       unsigned flags, const struct iamp_limits *limits,
		       struct iamp_diags *diags)
{
	struct iamp_limits defaults;
	struct iamp_document *doc;
	char *text;
	int err;

	if (!limits) {
		iamp_limits_default(&defaults);
		limits = &defaults;
	}
	if (len > limits->max_file_bytes || len >= UINT32_MAX)
		return doc_oversize(out, path, format, len,
				    limits->max_file_bytes, diags);
	err = doc_new(&doc, path, format);
	if (err)
		return err;
	text = iamp_arena_strndup(doc->arena, data, len);
	if (!text)
		return doc_fail(out, doc);
	doc->text = text;
	doc->len = len;
	if (doc_read(doc, flags, limits, diags))
		return doc_fail(out, doc);
	*out = doc;
	return 0;
}

int iamp_load_buffer(struct iamp_document **out, const char *path,
		     const char *data, size_t len, enum iamp_format format,
		     const struct iamp_limits *limits, struct iamp_diags *diags)
{
	return load_buffer(out, path, data, len, format, 0, limits, diags);
}

int iamp_load_file(struct iamp_document **out, const char *path,
		   const struct iamp_limits *limits, struct iamp_diags *diags)
{
	return iamp_load_file_as(out, path, iamp_format_for_path(path), 0,
				 limits, diags);
}

/* One read(2) of up to n bytes: EINTR retried; EAGAIN (a descriptor
 * left O_NONBLOCK, see below) clears the flag once and retries, a branch
 * no regular file on a local file system reaches. */
static ssize_t read_some(int fd, char *p, size_t n, bool is_stdin, bool *blocking)
{
	for (;;) {
		ssize_t r = read(fd, p, n);

		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN && !is_stdin && !*blocking) {
			*blocking = true;
			if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0)
				continue;
		}
		return -1;
	}
}

int iamp_load_file_as(struct iamp_document **out, const char *path,
		      enum iamp_format format, unsigned flags,
		      const struct iamp_limits *limits, struct iamp_diags *diags)
{
	struct iamp_limits defaults;
	bool is_stdin = strcmp(path, "-") == 0, blocking = false;
	char *buf = NULL;
	size_t len = 0, cap, max, size;
	struct stat st;
	int fd, err;

	*out = NULL;
	if (!limits) {
		iamp_limits_default(&defaults);
		limits = &defaults;
	}
	max = limits->max_file_bytes;
	if (max >= UINT32_MAX) /* offsets are 32-bit */
		max = UINT32_MAX - 1;
	/* O_NONBLOCK: opening a FIFO without a writer would wait forever;
	 * what is not a regular file is refused below, unread. */
	fd = is_stdin ? STDIN_FILENO
		      : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return iamp_error_set(IAMP_EIO, "cannot open %s: %s", path,
				      strerror(errno));
	if (fstat(fd, &st) != 0) {
		err = iamp_error_set(IAMP_EIO, "cannot read %s: %s", path,
				     strerror(errno));
		goto close_fd;
	}
	if (S_ISDIR(st.st_mode)) {
		err = iamp_error_set(IAMP_EIO, "cannot read %s: %s", path,
				     strerror(EISDIR));
		goto close_fd;
	}
	if (!is_stdin && !S_ISREG(st.st_mode)) {
		err = iamp_error_set(IAMP_EIO,
				     "cannot read %s: not a regular file (a FIFO, device or socket); "
				     "'-' reads standard input", path);
		goto close_fd;
	}
	/* O_NONBLOCK stays: it has no effect on a regular file, the only
	 * kind read from here but standard input, and clearing it took two
	 * system calls a file (issue 13). open(2) asks not to rely on that,
	 * so a read that says EAGAIN clears it then (below). */
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		err = doc_oversize(out, path, format, (size_t)st.st_size, max,
				   diags);
		goto close_fd;
	}
	/* A regular file is read up to the size fstat gave, and no further
	 * call looks for its end: what it held then is the document (a file
	 * still being written is read as it was). Standard input, and a
	 * regular file of size 0 (/proc's files say 0 and hold text), are
	 * read to their end. Read at most max + 1 bytes: one more than
	 * allowed tells "over". */
	size = S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
	if (size) {
		/* Straight into the document's arena, where the text lives:
		 * no buffer to copy it from (for the largest managed policy,
		 * 230 KB of memory touched and copied, issue 13). */
		struct iamp_document *doc;
		char *text;

		err = doc_new(&doc, path, format);
		if (err)
			goto close_fd;
		text = iamp_arena_take(doc->arena, size + 1);
		if (!text) {
			err = doc_fail(out, doc);
			goto close_fd;
		}
		while (len < size) {
			ssize_t r = read_some(fd, text + len, size - len, is_stdin, &blocking);

			if (r < 0) {
				err = iamp_error_set(IAMP_EIO, "cannot read %s: %s", path, strerror(errno));
				iamp_document_free(doc);
				goto close_fd;
			}
			if (r == 0)
				break; /* shorter than fstat said: it was cut meanwhile */
			len += (size_t)r;
		}
		text[len] = '\0';
		doc->text = text;
		doc->len = len;
		err = doc_read(doc, flags, limits, diags) ? doc_fail(out, doc) : (*out = doc, 0);
		goto close_fd;
	}
	cap = 64 * 1024;
	if (cap > max + 1)
		cap = max + 1;
	buf = malloc(cap);
	for (;;) {
		ssize_t r;

		if (buf && len == cap) {
			char *nb;

			if (len > max) {
				err = doc_oversize(out, path, format, 0, max,
						   diags);
				goto free_buf;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			nb = realloc(buf, cap);
			if (!nb)
				free(buf);
			buf = nb;
		}
		if (!buf) {
			err = iamp_error_set(IAMP_ENOMEM,
					     "out of memory reading %s", path);
			goto free_buf;
		}
		r = read_some(fd, buf + len, cap - len, is_stdin, &blocking);
		if (r < 0) {
			err = iamp_error_set(IAMP_EIO, "cannot read %s: %s",
					     path, strerror(errno));
			goto free_buf;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	err = load_buffer(out, path, buf, len, format, flags, limits, diags);
free_buf:
	free(buf);
close_fd:
	if (!is_stdin)
		close(fd);
	return err;
}

/* --- policies held in strings ---------------------------------------------- */

/* YAML scalars: YAML dropped indentation, line breaks, quotes and escape
 * backslashes; find each decoded byte at or after the last one found,
 * skipping only such bytes, or stay put. */
static void align_yaml(uint32_t *map, const char *dec, size_t declen,
		       const struct iamp_document *doc, const struct iamp_span *span)
{
	uint32_t j = span->start.offset, end = span->end.offset;

	for (size_t i = 0; i < declen; i++) {
		uint32_t k = j;

		while (k < end && doc->text[k] != dec[i] && strchr(" \t\r\n'\"\\|>-", doc->text[k]))
			k++;
		if (k < end && doc->text[k] == dec[i]) {
			map[i] = k;
			j = k + 1;
		} else {
			map[i] = j < end ? j : end;
		}
	}
	map[declen] = end;
}

int iamp_load_embedded(struct iamp_value **out, const struct iamp_document *doc,
		       const struct iamp_value *str, const struct iamp_limits *limits,
		       struct iamp_diags *diags)
{
	static const uint32_t first_line[1] = { 0 };
	struct iamp_limits defaults;
	struct iamp_document tmp;
	struct loader ld;
	const struct iamp_span *sp = &str->span;
	uint32_t *map;
	size_t len = str->u.str.len;
	int err;

	*out = NULL;
	if (!limits) {
		iamp_limits_default(&defaults);
		limits = &defaults;
	}
	map = malloc((len + 1) * sizeof(*map));
	if (!map)
		return iamp_error_set(IAMP_ENOMEM, "out of memory loading %s", doc->path);
	if (!(doc->format == IAMP_FORMAT_JSON && sp->end.offset >= sp->start.offset + 2 &&
	      doc->text[sp->start.offset] == '"' &&
	      loader_json_offsets(map, len, doc->text + sp->start.offset + 1,
				  sp->end.offset - sp->start.offset - 2, sp->start.offset + 1)))
		align_yaml(map, str->u.str.text, len, doc, sp);
	memset(&tmp, 0, sizeof(tmp));
	tmp.arena = doc->arena;
	tmp.path = doc->path;
	tmp.format = IAMP_FORMAT_JSON;
	tmp.text = str->u.str.text;
	tmp.len = len;
	tmp.line_starts = first_line;
	tmp.line_count = 1;
	memset(&ld, 0, sizeof(ld));
	ld.doc = &tmp;
	ld.at = doc;
	ld.map = map;
	ld.limits = limits;
	ld.diags = diags;
	ld.pc.offset = doc->line_starts[0];
	ld.pc.col = 1;
	err = loader_json(&ld);
	free(ld.frames);
	free(ld.tmp);
	free(map);
	if (err)
		return iamp_error_set(IAMP_ENOMEM, "out of memory loading %s", doc->path);
	*out = tmp.root;
	return 0;
}

static void json_text(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

int iamp_value_write_json(FILE *out, const struct iamp_value *v)
{
	if (v->symbolic)
		return -1;
	switch (v->kind) {
	case IAMP_VALUE_NULL:
		fputs("null", out);
		return 0;
	case IAMP_VALUE_BOOL:
		fputs(v->u.boolean ? "true" : "false", out);
		return 0;
	case IAMP_VALUE_NUMBER:
		fwrite(v->u.str.text, 1, v->u.str.len, out);
		return 0;
	case IAMP_VALUE_STRING:
		json_text(out, v->u.str.text, v->u.str.len);
		return 0;
	case IAMP_VALUE_ARRAY:
		fputc('[', out);
		for (size_t i = 0; i < v->u.array.count; i++) {
			if (i)
				fputc(',', out);
			if (iamp_value_write_json(out, v->u.array.items[i]))
				return -1;
		}
		fputc(']', out);
		return 0;
	case IAMP_VALUE_OBJECT:
		fputc('{', out);
		for (size_t i = 0; i < v->u.object.count; i++) {
			const struct iamp_member *m = &v->u.object.members[i];

			if (i)
				fputc(',', out);
			json_text(out, m->key, m->key_len);
			fputc(':', out);
			if (iamp_value_write_json(out, m->value))
				return -1;
		}
		fputc('}', out);
		return 0;
	}
	return -1;
}
