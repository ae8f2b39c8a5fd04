/*
 * load_json.c - the strict JSON reader (RFC 8259) with positions.
 *
 * One forward pass over the NUL-terminated text, iterative: open arrays
 * and objects live on the builder's explicit stack (load_internal.h), so
 * 100,000 nested '[' cost one INPUT_LIMIT diagnostic at the bracket that
 * passes the depth cap, never stack. The reader is a loop over three
 * states:
 *
 *   VALUE   a scalar ─▶ AFTER; '[' ─▶ VALUE (or AFTER on "[]");
 *           '{' ─▶ KEY (or AFTER on "{}")
 *   KEY     "name" ':' ─▶ VALUE
 *   AFTER   a value is complete: at depth 0 only white space may follow;
 *           ',' ─▶ KEY or VALUE; '}' or ']' closes a container ─▶ AFTER
 *
 * Strictness is what AWS accepts: no comments, no trailing commas, no
 * single quotes, no leading zeros, no raw control characters in strings,
 * nothing after the top-level value. Escapes are decoded, \uXXXX too,
 * with surrogate pairs joined into one UTF-8 character; a lone surrogate
 * is an error at its escape. A byte order mark at the start is skipped
 * (load.c starts line 1 after it).
 *
 * Error positions are where the reader first sees the problem: a missing
 * comma at the token after the gap, a trailing comma at the ']' or '}'
 * after it, a comment at its '/', an unterminated string at its opening
 * quote, a bad escape at its backslash, a leading zero at the number's
 * first character, any other malformed number at the character that does
 * not fit. The first error stops the reader and leaves the root NULL.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "bytes16.h"
#include "error.h"
#include "load_internal.h"

#define STOP 1 /* a syntax error was reported: stop, root NULL */

struct reader {
	struct loader *ld;
	const char *s;		/* text start */
	const char *end;	/* text + len, where a NUL is */
	size_t ws;		/* white space skipped between tokens */
};

enum state { S_VALUE, S_KEY, S_AFTER };

/* Bytes that end a run of plain string content: '"', '\\', controls. */
static const unsigned char str_stop[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0A] = 1, [0x0B] = 1,
	[0x0C] = 1, [0x0D] = 1, [0x0E] = 1, [0x0F] = 1, [0x10] = 1, [0x11] = 1,
	[0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1A] = 1, [0x1B] = 1, [0x1C] = 1, [0x1D] = 1,
	[0x1E] = 1, [0x1F] = 1, ['"'] = 1, ['\\'] = 1,
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Skips white space between tokens, counting it for the size quotas
 * (load.h: ws_bytes). Often there is none, or one space; a line break
 * and its indentation are skipped 16 bytes at a time (bytes16.h). */
static const char *skip_ws(struct reader *r, const char *p)
{
	const char *from = p;

	if (!is_ws(*p))
		return p;
	for (; p + 16 <= r->end; p += 16) {
		iamp_bytes16 x = iamp_bytes16_load(p);
		size_t k = iamp_bytes16_first((iamp_bytes16)((x != IAMP_SPLAT16(' ')) &
							     (x != IAMP_SPLAT16('\n')) &
							     (x != IAMP_SPLAT16('\r')) &
							     (x != IAMP_SPLAT16('\t'))));

		if (k < 16) {
			p += k;
			goto counted;
		}
	}
	while (is_ws(*p)) /* the NUL after the text stops it */
		p++;
counted:
	r->ws += (size_t)(p - from);
	return p;
}

/* The first byte at or after q that ends a run of plain string content
 * (str_stop): 16 bytes at a time, the last ones by the table, which stops
 * at the NUL after the text at the latest. */
static const char *string_stop(const struct reader *r, const char *q)
{
	for (; q + 16 <= r->end; q += 16) {
		iamp_bytes16 x = iamp_bytes16_load(q);
		size_t k = iamp_bytes16_first((iamp_bytes16)((x == IAMP_SPLAT16('"')) |
							     (x == IAMP_SPLAT16('\\')) |
							     (x < IAMP_SPLAT16(0x20))));

		if (k < 16)
			return q + k;
	}
	while (!str_stop[(unsigned char)*q])
		q++;
	return q;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || c == '_';
}

static size_t offset(const struct reader *r, const char *p)
{
	return (size_t)(p - r->s);
}

/* The width in bytes of the character at p (valid UTF-8 by now). */
static size_t char_width(const struct reader *r, const char *p)
{
	unsigned char c = (unsigned char)*p;

	if (p >= r->end)
		return 0;
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static int fail_at(struct reader *r, const char *at, size_t width,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail_at(struct reader *r, const char *at, size_t width,
		   const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	loader_diag(r->ld, IAMP_RULE_SYNTAX_ERROR,
		    loader_span(r->ld, offset(r, at), offset(r, at) + width),
		    "%s", msg);
	return STOP;
}

/*
 * "expected <what>, found <what is at p>", with the special cases that
 * deserve their own words: a comment, a single quote, a bare word.
 */
static int fail_expected(struct reader *r, const char *p, const char *what)
{
	unsigned char c = (unsigned char)*p;
	size_t n;

	if (p >= r->end)
		return fail_at(r, p, 0, "expected %s, found end of input",
			       what);
	if (c == '/' && (p[1] == '/' || p[1] == '*'))
		return fail_at(r, p, 2,
			       "comments are not allowed in JSON (AWS rejects them): expected %s, found '%c%c'",
			       what, p[0], p[1]);
	if (c == '\'')
		return fail_at(r, p, 1,
			       "expected %s, found a single quote (JSON strings take double quotes)",
			       what);
	if (is_word(*p)) {
		for (n = 1; n < 24 && is_word(p[n]); n++)
			;
		return fail_at(r, p, n, "expected %s, found '%.*s'", what,
			       (int)n, p);
	}
	if (c >= 0x20 && c < 0x7F)
		return fail_at(r, p, 1, "expected %s, found '%c'", what, c);
	if (c < 0x80)
		return fail_at(r, p, 1, "expected %s, found U+%04X", what, c);
	return fail_at(r, p, char_width(r, p),
		       "expected %s, found the character '%.*s'", what,
		       (int)char_width(r, p), p);
}

static int fail_limit(struct reader *r, const char *at, size_t width,
		      const char *what, size_t len)
{
	loader_diag(r->ld, IAMP_RULE_INPUT_LIMIT,
		    loader_span(r->ld, offset(r, at), offset(r, at) + width),
		    "%s of %zu bytes is over the limit of %zu bytes", what,
		    len, r->ld->limits->max_string_bytes);
	return STOP;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1; /* stops at the closing quote at the latest */
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xC0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xE0 | cp >> 12);
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*w++ = (char)(0xF0 | cp >> 18);
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	}
	return w;
}

/* Decodes the escapes of q[0..qend) into w, which has room for as many
 * bytes (decoding never lengthens). Sets *len. */
static int decode(struct reader *r, const char *q, const char *qend, char *w,
		  size_t *len)
{
	char *w0 = w;

	while (q < qend) {
		unsigned cp, lo;

		if (*q != '\\') {
			*w++ = *q++;
			continue;
		}
		switch (q[1]) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '/': *w++ = '/'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u':
			if (hex4(q + 2, &cp))
				return fail_at(r, q, 2,
					       "invalid escape: '\\u' must be followed by 4 hex digits");
			/* Strings are NUL-terminated C strings downstream: one
			 * holding a NUL would read as its prefix ("Deny\u0000x"
			 * as "Deny"). AWS rejects control characters anyway. */
			if (cp == 0)
				return fail_at(r, q, 6,
					       "'\\u0000' (a NUL character) is not allowed in a string");
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail_at(r, q, 6,
					       "invalid escape: lone low surrogate '\\u%04X' (it must follow a high surrogate \\uD800-\\uDBFF)",
					       cp);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (q[6] != '\\' || q[7] != 'u' ||
				    hex4(q + 8, &lo) || lo < 0xDC00 ||
				    lo > 0xDFFF)
					return fail_at(r, q, 6,
						       "invalid escape: lone high surrogate '\\u%04X' (it must be followed by a low surrogate \\uDC00-\\uDFFF)",
						       cp);
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (lo - 0xDC00);
				q += 6;
			}
			w = put_utf8(w, cp);
			q += 6;
			continue;
		default:
			if ((unsigned char)q[1] >= 0x20 &&
			    (unsigned char)q[1] < 0x7F)
				return fail_at(r, q, 2,
					       "invalid escape '\\%c' in string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
					       q[1]);
			return fail_at(r, q, 1,
				       "invalid escape: '\\' followed by a control or non-ASCII character");
		}
		q += 2;
	}
	*len = (size_t)(w - w0);
	*w = '\0';
	return 0;
}

/*
 * Reads the string whose opening quote is at *pp into the arena; on
 * return *pp is just past the closing quote.
 */
static int read_string(struct reader *r, const char **pp, const char **out,
		       size_t *out_len, const char *what)
{
	const char *p = *pp, *q = p + 1;
	size_t max = r->ld->limits->max_string_bytes, len;
	bool escapes = false;
	char *text;
	int err;

	for (;;) {
		q = string_stop(r, q);
		if (*q == '"')
			break;
		if (*q == '\\') {
			if (q + 1 >= r->end)
				return fail_at(r, p, 1, "unterminated string");
			escapes = true;
			q += 2;
			continue;
		}
		if (q >= r->end)
			return fail_at(r, p, 1, "unterminated string");
		return fail_at(r, q, 1,
			       "control character U+%04X in string: write it as an escape%s",
			       (unsigned char)*q,
			       *q == '\n' || *q == '\r' ? " (or is a closing '\"' missing?)" : "");
	}
	len = (size_t)(q - p - 1);
	if (!escapes) {
		if (len > max)
			return fail_limit(r, p, 1, what, len);
		text = iamp_arena_strndup(r->ld->doc->arena, p + 1, len);
		if (!text)
			return IAMP_ENOMEM;
	} else {
		text = iamp_arena_alloc(r->ld->doc->arena, len + 1);
		if (!text)
			return IAMP_ENOMEM;
		err = decode(r, p + 1, q, text, &len);
		if (err)
			return err;
		if (len > max)
			return fail_limit(r, p, 1, what, len);
	}
	*out = text;
	*out_len = len;
	*pp = q + 1;
	return 0;
}

static int read_number(struct reader *r, const char **pp, const char **out,
		       size_t *out_len)
{
	const char *p = *pp, *q = p;
	size_t len;

	if (*q == '-')
		q++;
	if (*q == '0') {
		q++;
		if (is_digit(*q))
			return fail_at(r, p, (size_t)(q - p) + 1,
				       "leading zeros are not allowed in JSON numbers");
	} else if (is_digit(*q)) {
		while (is_digit(*q))
			q++;
	} else {
		return fail_expected(r, q, "a digit after '-'");
	}
	if (*q == '.') {
		q++;
		if (!is_digit(*q))
			return fail_expected(r, q, "a digit after '.' in a number");
		while (is_digit(*q))
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!is_digit(*q))
			return fail_expected(r, q, "a digit in the exponent of a number");
		while (is_digit(*q))
			q++;
	}
	len = (size_t)(q - p);
	if (len > r->ld->limits->max_string_bytes)
		return fail_limit(r, p, 1, "number", len);
	*out = iamp_arena_strndup(r->ld->doc->arena, p, len);
	if (!*out)
		return IAMP_ENOMEM;
	*out_len = len;
	*pp = q;
	return 0;
}

/* A scalar at *pp (not '{' or '['), into *out. */
static int read_scalar(struct reader *r, const char **pp,
		       struct iamp_value **out)
{
	const char *p = *pp, *q = p;
	enum iamp_value_kind kind;
	const char *text = NULL;
	size_t len = 0;
	bool b = false;
	int err;

	switch (*p) {
	case '"':
		kind = IAMP_VALUE_STRING;
		err = read_string(r, &q, &text, &len, "string");
		break;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		kind = IAMP_VALUE_NUMBER;
		err = read_number(r, &q, &text, &len);
		break;
	default:
		err = 0;
		if (strncmp(p, "true", 4) == 0 && !is_word(p[4])) {
			kind = IAMP_VALUE_BOOL;
			b = true;
			q += 4;
		} else if (strncmp(p, "false", 5) == 0 && !is_word(p[5])) {
			kind = IAMP_VALUE_BOOL;
			q += 5;
		} else if (strncmp(p, "null", 4) == 0 && !is_word(p[4])) {
			kind = IAMP_VALUE_NULL;
			q += 4;
		} else {
			return fail_expected(r, p, "a value");
		}
	}
	if (err)
		return err;
	*out = loader_value(r->ld, kind,
			    loader_span(r->ld, offset(r, p), offset(r, q)));
	if (!*out)
		return IAMP_ENOMEM;
	if (kind == IAMP_VALUE_BOOL) {
		(*out)->u.boolean = b;
	} else if (text) {
		(*out)->u.str.text = text;
		(*out)->u.str.len = len;
	}
	*pp = q;
	return 0;
}

static int read_key(struct reader *r, const char **pp)
{
	const char *p = *pp, *key;
	size_t len;
	struct iamp_span span;
	int err;

	if (*p != '"')
		return fail_expected(r, p, "'\"' to begin an object key");
	err = read_string(r, pp, &key, &len, "object key");
	if (err)
		return err;
	span = loader_span(r->ld, offset(r, p), offset(r, *pp));
	err = loader_key(r->ld, key, len, span);
	if (err)
		return err;
	p = skip_ws(r, *pp);
	if (*p != ':')
		return fail_expected(r, p, "':' after an object key");
	*pp = skip_ws(r, p + 1);
	return 0;
}

static int parse(struct reader *r, const char *p)
{
	struct loader *ld = r->ld;
	struct iamp_value *v = NULL;
	enum state st = S_VALUE;
	int err = 0;

	p = skip_ws(r, p);
	if (p >= r->end)
		return fail_at(r, p, 0, "empty input: expected a JSON value");
	for (;;) {
		const struct frame *f;
		char close;

		switch (st) {
		case S_KEY:
			err = read_key(r, &p);
			if (err)
				return err;
			st = S_VALUE;
			continue;
		case S_VALUE:
			if (*p == '{' || *p == '[') {
				enum iamp_value_kind kind = *p == '{' ?
					IAMP_VALUE_OBJECT : IAMP_VALUE_ARRAY;

				close = *p == '{' ? '}' : ']';
				/* the bracket's span only for the diagnostic */
				if (ld->nframes >= ld->limits->max_depth &&
				    !loader_depth_ok(ld, loader_span(ld, offset(r, p), offset(r, p) + 1)))
					return STOP;
				err = loader_open(ld, kind,
						  loader_pos(ld, offset(r, p)));
				if (err)
					return err;
				p = skip_ws(r, p + 1);
				if (*p == close) {
					p++;
					err = loader_close(ld,
						loader_pos(ld, offset(r, p)), &v);
					if (err)
						return err;
					st = S_AFTER;
				} else {
					st = kind == IAMP_VALUE_OBJECT ?
						S_KEY : S_VALUE;
				}
				continue;
			}
			err = read_scalar(r, &p, &v);
			if (err)
				return err;
			st = S_AFTER;
			continue;
		case S_AFTER:
			break;
		}
		/* S_AFTER: v is complete. */
		if (ld->nframes == 0) {
			p = skip_ws(r, p);
			if (p < r->end)
				return fail_expected(r, p,
					"end of input after the top-level value");
			ld->doc->root = v;
			ld->doc->ws_bytes = r->ws;
			ld->doc->counted = true;
			return 0;
		}
		err = loader_add(ld, v);
		if (err)
			return err;
		f = &ld->frames[ld->nframes - 1];
		close = f->kind == IAMP_VALUE_OBJECT ? '}' : ']';
		p = skip_ws(r, p);
		if (*p == ',') {
			p = skip_ws(r, p + 1);
			if (*p == close)
				return fail_at(r, p, 1,
					       "trailing comma before '%c'",
					       close);
			st = f->kind == IAMP_VALUE_OBJECT ? S_KEY : S_VALUE;
			continue;
		}
		if (*p == close) {
			p++;
			err = loader_close(ld, loader_pos(ld, offset(r, p)),
					   &v);
			if (err)
				return err;
			continue;
		}
		return fail_expected(r, p, f->kind == IAMP_VALUE_OBJECT ?
				     "',' or '}' after object member" :
				     "',' or ']' after array element");
	}
}

int loader_json(struct loader *ld)
{
	struct reader r = {
		.ld = ld,
		.s = ld->doc->text,
		.end = ld->doc->text + ld->doc->len,
	};
	int err = parse(&r, r.s + ld->doc->line_starts[0]);

	if (err == STOP) {
		ld->doc->root = NULL;
		return 0;
	}
	return err;
}

/*
 * The offsets of a string literal's decoded bytes in its file, e.g. for
 * the literal at file offset 10 (content from 11):
 *
 *   "{\"A\":1}"      content  { \ " A \ " : 1 }    offsets 11..20
 *   decoded          {  "   A  "   :  1  }
 *   map              11 12  14 15  17 18 19, map[7] = 20 (closing quote)
 */
bool loader_json_offsets(uint32_t *map, size_t declen, const char *raw,
			 size_t rawlen, uint32_t base)
{
	size_t i = 0, n = 0;

	while (i < rawlen) {
		size_t take = 1, bytes = 1;
		unsigned cp, lo;

		if (raw[i] == '\\' && i + 1 < rawlen) {
			take = 2;
			if (raw[i + 1] == 'u' && i + 6 <= rawlen && hex4(raw + i + 2, &cp) == 0) {
				take = 6;
				bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
				if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= rawlen && raw[i + 6] == '\\' &&
				    raw[i + 7] == 'u' && hex4(raw + i + 8, &lo) == 0) {
					take = 12;
					bytes = 4;
				}
			}
		}
		for (size_t k = 0; k < bytes; k++) {
			if (n == declen)
				return false;
			map[n++] = base + (uint32_t)i;
		}
		i += take;
	}
	map[n] = base + (uint32_t)rawlen;
	return n == declen;
}
