/*
 * report.c - text, JSON and SARIF reports and the rule listing; see
 * report.h.
 *
 * JSON is written by hand with a small streaming writer (struct jw)
 * rather than built as a json-c tree: the output is a straight walk over
 * the diagnostics, needs no allocation apart from SARIF's artifact table
 * (and the messages of prove's results), and json-c stays inside the
 * loader (STYLE.md). The writer pretty-prints with two spaces, so that
 * golden files diff well, or writes one compact line (JSON lines).
 */
#include "report.h"
#include "report_internal.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytes16.h"
#include "context.h"
#include "diag.h"
#include "error.h"
#include "eval.h"
#include "org.h"
#include "policy.h"
#include "props.h"
#include "smt.h"

/* --- UTF-8 ------------------------------------------------------------ */

#define REPLACEMENT 0xFFFDu

/*
 * Decodes the code point at s[0..n) (n >= 1) into *cp and returns its
 * length in bytes. A byte that does not start a well-formed sequence
 * (stray continuation, overlong form, surrogate, > U+10FFFF, truncated)
 * decodes as U+FFFD of length 1: it counts as one column, as the loader
 * counts it.
 */
size_t iamp_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		goto invalid;
	}
	if (n < len)
		goto invalid;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto invalid;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto invalid;
	*cp = c;
	return len;
invalid:
	*cp = REPLACEMENT;
	return 1;
}

/* A character that must not reach a terminal as it is: C0 and C1
 * controls and DEL (tab excepted: it is kept for caret alignment). */
bool iamp_is_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
}

/* --- text ------------------------------------------------------------- */

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_CARET "\033[1;32m"

static const char *const severity_color[] = {
	[IAMP_SEV_SUGGESTION] = "\033[36m",
	[IAMP_SEV_WARNING] = "\033[33m",
	[IAMP_SEV_SECURITY_WARNING] = "\033[35m",
	[IAMP_SEV_ERROR] = "\033[1;31m",
};

/* Writes s[0..n) for a terminal: controls as '?', invalid UTF-8 as
 * U+FFFD, one output character per input code point. */
void iamp_text_string(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = iamp_utf8_next(p + i, n - i, &cp);

		if (iamp_is_control(cp))
			fputc('?', out);
		else if (cp == REPLACEMENT && len == 1)
			fputs("\xEF\xBF\xBD", out);
		else
			fwrite(p + i, 1, len, out);
		i += len;
	}
}

static void put_text_str(FILE *out, const char *s)
{
	iamp_text_string(out, s, strlen(s));
}

/* The source line without its line terminator. */
size_t iamp_report_line_length(const char *line)
{
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	return n;
}

/*
 * The caret line under `line` for `span`: a tab for each tab before the
 * start column and a space for every other code point, '^' at the start,
 * then '~' up to the end column when the span ends on the same line. The
 * caret may sit one column past the last character (an error at the end
 * of the line); nothing goes further.
 */
void iamp_report_caret(FILE *out, const char *line, size_t n,
		      const struct iamp_span *span, bool color)
{
	const unsigned char *p = (const unsigned char *)line;
	uint32_t start = span->start.col ? span->start.col : 1;
	uint32_t end = start + 1;
	uint32_t col = 1;
	size_t i = 0;

	if (span->end.line == span->start.line && span->end.col > start)
		end = span->end.col;
	for (; col < start && i < n; col++) {
		uint32_t cp;

		i += iamp_utf8_next(p + i, n - i, &cp);
		fputc(cp == '\t' ? '\t' : ' ', out);
	}
	if (color)
		fputs(ANSI_CARET, out);
	fputc('^', out);
	if (i < n) {
		uint32_t cp;

		i += iamp_utf8_next(p + i, n - i, &cp); /* under the caret */
		for (col++; col < end && i < n; col++) {
			i += iamp_utf8_next(p + i, n - i, &cp);
			fputc(cp == '\t' ? '\t' : '~', out);
		}
	}
	if (color)
		fputs(ANSI_RESET, out);
	fputc('\n', out);
}

static void write_text_diag(FILE *out, const struct iamp_diag *d,
			    const struct iamp_report_opts *opts)
{
	const char *sev = iamp_severity_name(d->severity);

	put_text_str(out, d->path);
	if (d->span.start.line)
		fprintf(out, ":%lu:%lu", (unsigned long)d->span.start.line,
			(unsigned long)(d->span.start.col ? d->span.start.col : 1));
	fputs(": ", out);
	if (opts->color)
		fprintf(out, "%s%s:" ANSI_RESET " ", severity_color[d->severity], sev);
	else
		fprintf(out, "%s: ", sev);
	put_text_str(out, d->message);
	if (opts->color)
		fprintf(out, " " ANSI_DIM "[%s]" ANSI_RESET "\n", iamp_rules[d->rule].id);
	else
		fprintf(out, " [%s]\n", iamp_rules[d->rule].id);

	if (opts->show_source && d->source_line && d->span.start.line) {
		size_t n = iamp_report_line_length(d->source_line);

		iamp_text_string(out, d->source_line, n);
		fputc('\n', out);
		iamp_report_caret(out, d->source_line, n, &d->span, opts->color);
	}
}

static void text_part(FILE *out, const struct iamp_diag *items, size_t n,
		      const struct iamp_report_opts *opts)
{
	for (size_t i = 0; i < n; i++)
		write_text_diag(out, &items[i], opts);
}

/* --- a streaming JSON writer ----------------------------------------- */

#define JW_MAX_DEPTH 16

/* The writer keeps what it writes in buf and hands it to `out` a buffer
 * at a time (jw_flush), not a stdio call per token: each call costs its
 * lock and checks, more than the token. Whoever makes a jw flushes it
 * before writing to `out` itself and before returning. */
struct jw {
	FILE *out;
	int depth;
	bool compact;                 /* one line, no spaces (JSON lines) */
	bool has_items[JW_MAX_DEPTH]; /* the open container has a member */
	size_t len;                   /* bytes in buf */
	char buf[8192];
};

/* Sets up a writer (buf is left as it is: it is read only up to len). */
static void jw_init(struct jw *w, FILE *out, bool compact)
{
	w->out = out;
	w->depth = 0;
	w->compact = compact;
	w->len = 0;
}

static void jw_flush(struct jw *w)
{
	if (w->len)
		fwrite(w->buf, 1, w->len, w->out);
	w->len = 0;
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
	if (n > sizeof w->buf - w->len) {
		jw_flush(w);
		if (n > sizeof w->buf) {
			fwrite(s, 1, n, w->out);
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void jw_putc(struct jw *w, char c)
{
	if (w->len == sizeof w->buf)
		jw_flush(w);
	w->buf[w->len++] = c;
}

#define jw_puts(w, lit) jw_put(w, lit, sizeof(lit) - 1)

/* The bytes a JSON string holds as they are: printable ASCII other than
 * quote and backslash. */
static const bool json_plain[256] = {
	[0x20 ... 0x21] = true, /* '"' is 0x22 */
	[0x23 ... 0x5B] = true, /* '\\' is 0x5C */
	[0x5D ... 0x7E] = true,
};

/* The first byte at or after p[i] that json_plain does not hold, or n:
 * 16 bytes at a time (bytes16.h), the last ones by the table. */
static size_t plain_end(const unsigned char *p, size_t n, size_t i)
{
	for (; i + 16 <= n; i += 16) {
		iamp_bytes16 x = iamp_bytes16_load(p + i);
		size_t k = iamp_bytes16_first((iamp_bytes16)((x < IAMP_SPLAT16(0x20)) |
							     (x > IAMP_SPLAT16(0x7E)) |
							     (x == IAMP_SPLAT16('"')) |
							     (x == IAMP_SPLAT16('\\'))));

		if (k < 16)
			return i + k;
	}
	while (i < n && json_plain[p[i]])
		i++;
	return i;
}

/* A JSON string: quotes and backslash escaped, every control character
 * (and DEL) as an escape, valid UTF-8 as it is, each invalid byte as
 * \ufffd. */
static void jw_json(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0; /* p[run..i) is written as it is */

	jw_putc(w, '"');
	while (i < n) {
		uint32_t cp;
		size_t len;

		/* printable ASCII other than quote and backslash: the common case */
		i = plain_end(p, n, i);
		if (i == n)
			break;
		len = iamp_utf8_next(p + i, n - i, &cp);
		if (cp >= 0x80 && !(cp == REPLACEMENT && len == 1)) {
			i += len; /* valid UTF-8 */
			continue;
		}
		jw_put(w, s + run, i - run);
		switch (cp) {
		case '"': jw_puts(w, "\\\""); break;
		case '\\': jw_puts(w, "\\\\"); break;
		case '\b': jw_puts(w, "\\b"); break;
		case '\f': jw_puts(w, "\\f"); break;
		case '\n': jw_puts(w, "\\n"); break;
		case '\r': jw_puts(w, "\\r"); break;
		case '\t': jw_puts(w, "\\t"); break;
		default:
			if (cp < 0x20 || cp == 0x7F) {
				char e[] = { '\\', 'u', '0', '0', hex[cp >> 4], hex[cp & 0xF] };

				jw_put(w, e, sizeof e);
			} else {
				jw_puts(w, "\\ufffd");
			}
		}
		i += len;
		run = i;
	}
	jw_put(w, s + run, i - run);
	jw_putc(w, '"');
}

void iamp_json_string(FILE *out, const char *s, size_t n)
{
	struct jw w;

	jw_init(&w, out, false);
	jw_json(&w, s, n);
	jw_flush(&w);
}

/* A new line and the indentation of `depth`. */
static void jw_newline(struct jw *w, int depth)
{
	static const char lead[] = "\n                                ";
	const size_t most = sizeof lead - 2; /* spaces in lead */
	size_t n = 2 * (size_t)depth;

	if (n <= most) {
		jw_put(w, lead, n + 1);
		return;
	}
	jw_putc(w, '\n');
	for (size_t k; n > 0; n -= k) {
		k = n < most ? n : most;
		jw_put(w, lead + 1, k);
	}
}

/* The comma and line break before a member or element. */
static void jw_next(struct jw *w)
{
	if (w->depth > 0) {
		if (w->has_items[w->depth - 1])
			jw_putc(w, ',');
		w->has_items[w->depth - 1] = true;
		if (!w->compact)
			jw_newline(w, w->depth);
	}
}

/* jw_member(w, LIT) for a key written as a string literal that needs no
 * escape: the quoted key and its ": " are one literal, put at once (the
 * compact form drops the space, the literal's last byte). */
#define jw_key(w, lit) jw_member_raw(w, "\"" lit "\": ", sizeof(lit) + 3)

static void jw_member_raw(struct jw *w, const char *head, size_t n)
{
	jw_next(w);
	jw_put(w, head, w->compact ? n - 1 : n);
}

/* Starts a member (with `key`, inside an object) or an element (key
 * NULL, inside an array). */
static void jw_member(struct jw *w, const char *key)
{
	jw_next(w);
	if (key) {
		jw_json(w, key, strlen(key));
		if (w->compact)
			jw_putc(w, ':');
		else
			jw_puts(w, ": ");
	}
}

static void jw_open(struct jw *w, const char *key, char bracket)
{
	jw_member(w, key);
	jw_putc(w, bracket);
	/* Deeper documents are a bug of this file, not an input problem. */
	if (w->depth < JW_MAX_DEPTH)
		w->has_items[w->depth] = false;
	w->depth++;
}

static void jw_close(struct jw *w, char bracket)
{
	w->depth--;
	if (!w->compact && w->depth < JW_MAX_DEPTH && w->has_items[w->depth])
		jw_newline(w, w->depth);
	jw_putc(w, bracket);
	if (!w->compact && w->depth == 0)
		jw_putc(w, '\n');
}

#define jw_object(w, key) jw_open(w, key, '{')
#define jw_object_end(w) jw_close(w, '}')
#define jw_array(w, key) jw_open(w, key, '[')
#define jw_array_end(w) jw_close(w, ']')

/* A string value, or null. */
static void jw_str(struct jw *w, const char *s)
{
	if (s)
		jw_json(w, s, strlen(s));
	else
		jw_puts(w, "null");
}

static void jw_string(struct jw *w, const char *key, const char *s)
{
	jw_member(w, key);
	jw_str(w, s);
}

static void jw_num(struct jw *w, unsigned long long v)
{
	char b[24];
	size_t n = sizeof b;

	do {
		b[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	jw_put(w, b + n, sizeof b - n);
}

static void jw_uint(struct jw *w, const char *key, unsigned long long v)
{
	jw_member(w, key);
	jw_num(w, v);
}

/* jw_string and jw_uint under a key that is a literal (jw_key). */
#define jw_string_lit(w, lit, s) do { jw_key(w, lit); jw_str(w, s); } while (0)
#define jw_uint_lit(w, lit, v) do { jw_key(w, lit); jw_num(w, v); } while (0)

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_member(w, key);
	if (v)
		jw_puts(w, "true");
	else
		jw_puts(w, "false");
}

/* A counterexample in simulate's request format: {"principal", "action",
 * "resource", "context": {key: value or [values]}}. */
/* The AWS issue codes a rule reports (aa_codes.def), for people: after
 * LEAD, separated by commas, each between QUOTE and QUOTE. Returns how
 * many it wrote (none: nothing at all is written). */
static size_t list_aa_codes(FILE *out, enum iamp_rule_id rule, const char *lead, const char *quote)
{
	size_t n = 0, first, end;

	iamp_rule_aa_rows(rule, &first, &end);
	for (size_t k = first; k < end; k++) {
		if (iamp_aa_codes[k].rule != rule)
			continue;
		fprintf(out, "%s%s%s%s", n ? ", " : lead, quote, iamp_aa_codes[k].code, quote);
		n++;
	}
	return n;
}

/* The AWS issue codes a rule reports (aa_codes.def), as a JSON array of
 * strings, or of {code, findingType} objects with `types`. */
static void jw_aa_codes(struct jw *w, enum iamp_rule_id rule, bool types)
{
	static const char *const aa_type[] = {
		[IAMP_SEV_SUGGESTION] = "SUGGESTION",
		[IAMP_SEV_WARNING] = "WARNING",
		[IAMP_SEV_SECURITY_WARNING] = "SECURITY_WARNING",
		[IAMP_SEV_ERROR] = "ERROR",
	};
	size_t first, end;

	jw_array(w, "awsIssueCodes");
	/* only the rows that may be the rule's: a finding's codes were a scan
	 * of all 153 rows, a thousand instructions each (issue 13) */
	iamp_rule_aa_rows(rule, &first, &end);
	for (size_t i = first; i < end; i++) {
		if (iamp_aa_codes[i].rule != rule)
			continue;
		if (!types) {
			jw_string(w, NULL, iamp_aa_codes[i].code);
			continue;
		}
		jw_object(w, NULL);
		jw_string(w, "code", iamp_aa_codes[i].code);
		jw_string(w, "findingType", aa_type[iamp_aa_codes[i].type]);
		jw_object_end(w);
	}
	jw_array_end(w);
}

static void jw_cex(struct jw *w, const char *key, const struct iamp_cex *c)
{
	jw_object(w, key);
	jw_string(w, "principal", c->principal);
	jw_string(w, "action", c->action);
	jw_string(w, "resource", c->resource);
	jw_object(w, "context");
	for (size_t i = 0; i < c->nkeys; i++) {
		const struct iamp_cex_key *k = &c->keys[i];

		if (k->multi) {
			jw_array(w, k->name);
			for (size_t j = 0; j < k->count; j++)
				jw_string(w, NULL, k->values[j]);
			jw_array_end(w);
		} else {
			jw_string(w, k->name, k->count ? k->values[0] : NULL);
		}
	}
	jw_object_end(w);
	jw_object_end(w);
}

void iamp_report_cex(FILE *out, const struct iamp_cex *c)
{
	struct jw w;

	jw_init(&w, out, true);
	jw_cex(&w, NULL, c);
	jw_flush(&w);
}

/* --- JSON ------------------------------------------------------------- */

/* The JSON document up to its first diagnostic. */
static void json_head(struct jw *w, const struct iamp_report_opts *opts)
{
	jw_object(w, NULL);
	jw_string(w, "version", opts->tool_version);
	jw_string(w, "dataVersion", opts->data_version);
	jw_array(w, "diagnostics");
}

/* Diagnostics items[0..n) (items[0] is diagnostic `first` of the run),
 * as elements of the array the head opened, the first without a comma. */
static void json_part(FILE *out, const struct iamp_diag *items, size_t n, size_t first,
		      const struct iamp_report_opts *opts)
{
	struct jw w = { .out = out, .depth = 2, .has_items = { true, false } };

	for (size_t i = 0; i < n; i++) {
		const struct iamp_diag *d = &items[i];
		char fp[17];

		/* one object a finding, its keys literals (jw_key) */
		iamp_diag_fingerprint(d, fp);
		jw_object(&w, NULL);
		jw_string_lit(&w, "path", d->path);
		jw_uint_lit(&w, "line", d->span.start.line);
		jw_uint_lit(&w, "column", d->span.start.col);
		jw_uint_lit(&w, "endLine", d->span.end.line);
		jw_uint_lit(&w, "endColumn", d->span.end.col);
		jw_uint_lit(&w, "offset", d->span.start.offset);
		jw_uint_lit(&w, "endOffset", d->span.end.offset);
		jw_string_lit(&w, "severity", iamp_severity_name(d->severity));
		jw_string_lit(&w, "rule", iamp_rules[d->rule].id);
		jw_string_lit(&w, "title", iamp_rules[d->rule].title);
		jw_aa_codes(&w, d->rule, false);
		jw_string_lit(&w, "message", d->message);
		jw_string_lit(&w, "fingerprint", fp);
		if (opts->baseline_state)
			jw_string(&w, "baselineState", opts->baseline_state[first + i]);
		jw_object_end(&w);
	}
	jw_flush(&w);
}

/* The rest: the array closed, errors and the summary of all `diags`. */
static void json_tail(FILE *out, const struct iamp_diags *diags, const struct iamp_report_opts *opts)
{
	struct jw w = { .out = out, .depth = 2 };
	size_t count[IAMP_SEV_ERROR + 1], total = 0;

	iamp_diags_count(diags, count); /* the parts' written ones too */
	for (int sev = 0; sev <= IAMP_SEV_ERROR; sev++)
		total += count[sev];
	w.has_items[0] = true;
	w.has_items[1] = total > 0;
	jw_array_end(&w);
	jw_array(&w, "errors");
	for (size_t i = 0; i < opts->unread_count; i++)
		jw_string(&w, NULL, opts->unread[i]);
	jw_array_end(&w);
	jw_object(&w, "summary");
	for (int sev = IAMP_SEV_ERROR; sev >= IAMP_SEV_SUGGESTION; sev--)
		jw_uint(&w, iamp_severity_name((enum iamp_severity)sev), count[sev]);
	if (opts->ignored)
		jw_uint(&w, "ignored", opts->ignored);
	if (opts->baselined)
		jw_uint(&w, "baselined", opts->baselined);
	jw_object_end(&w);
	jw_object_end(&w);
	jw_flush(&w);
}

/* --- SARIF ------------------------------------------------------------ */

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SRCROOT "SRCROOT"
#define IAMPROOFSRC "IAMPROOFSRC"
#define RULES_DOC IAMP_REPORT_PROJECT_URI "/blob/main/docs/rules.md#"

static const char *const sarif_level[] = {
	[IAMP_SEV_SUGGESTION] = "note",
	[IAMP_SEV_WARNING] = "warning",
	[IAMP_SEV_SECURITY_WARNING] = "warning",
	[IAMP_SEV_ERROR] = "error",
};

/* GitHub code scanning ranks results of rules tagged "security" by
 * properties.security-severity: 7.0-8.9 is "high". */
#define SECURITY_SEVERITY "7.5"

char *iamp_rule_name(char *out, size_t size, const char *id)
{
	size_t n = 0;
	bool upper = true;

	if (!size)
		return out;
	for (; *id && n + 1 < size; id++) {
		if (*id == '_' || *id == '-') {
			upper = true;
			continue;
		}
		if (upper)
			out[n++] = *id >= 'a' && *id <= 'z' ? (char)(*id - 'a' + 'A') : *id;
		else
			out[n++] = *id >= 'A' && *id <= 'Z' ? (char)(*id - 'A' + 'a') : *id;
		upper = false;
	}
	out[n] = '\0';
	return out;
}

/* The id in lower case: the docs anchor. */
static char *rule_anchor(char *out, size_t size, const char *id)
{
	size_t n = 0;

	for (; *id && n + 1 < size; id++)
		out[n++] = *id >= 'A' && *id <= 'Z' ? (char)(*id - 'A' + 'a') : *id;
	out[n] = '\0';
	return out;
}

/* Dot-separated identifiers of [0-9A-Za-z-], none empty; numeric ones
 * without leading zeros when `numeric_rule`. Advances *pv past them. */
static bool semver_idents(const char **pv, bool numeric_rule)
{
	const char *v = *pv;

	for (;;) {
		size_t len = strspn(v, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz-");
		size_t digits = strspn(v, "0123456789");

		if (!len)
			return false;
		if (numeric_rule && digits == len && len > 1 && v[0] == '0')
			return false;
		v += len;
		if (*v != '.')
			break;
		v++;
	}
	*pv = v;
	return true;
}

/*
 * A SemVer 2.0.0 version: MAJOR.MINOR.PATCH without leading zeros, then
 * an optional -prerelease and +build. SARIF's semanticVersion must be
 * one; `git describe` forms such as "0.1.0-5-gabc123" are.
 */
static bool is_semver(const char *v)
{
	for (int part = 0; part < 3; part++) {
		if (part && *v++ != '.')
			return false;
		if (*v < '0' || *v > '9' || (v[0] == '0' && v[1] >= '0' && v[1] <= '9'))
			return false;
		while (*v >= '0' && *v <= '9')
			v++;
	}
	if (*v == '-') {
		v++;
		if (!semver_idents(&v, true))
			return false;
	}
	if (*v == '+') {
		v++;
		if (!semver_idents(&v, false))
			return false;
	}
	return *v == '\0';
}

/*
 * The URI of a path as the CLI was given it, percent-encoded: every byte
 * but the unreserved characters (RFC 3986: ALPHA DIGIT - . _ ~) and '/'.
 * ':' is encoded too, so that "c:x.json" cannot read as a scheme. A
 * relative path (leading "./" removed) is a relative reference to
 * resolve against SRCROOT; an absolute one becomes a file:// URI.
 * Returns a malloc'd string, or NULL when out of memory.
 */
static char *path_to_uri(const char *path, bool *relative)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *prefix = "";
	size_t n = 0;
	char *uri;

	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (*path == '/')
			path++;
	}
	*relative = path[0] != '/';
	if (!*relative)
		prefix = "file://";
	uri = malloc(strlen(prefix) + 3 * strlen(path) + 1);
	if (!uri)
		return NULL;
	n = strlen(prefix);
	memcpy(uri, prefix, n);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			uri[n++] = (char)*p;
		} else {
			uri[n++] = '%';
			uri[n++] = hex[*p >> 4];
			uri[n++] = hex[*p & 0xF];
		}
	}
	uri[n] = '\0';
	return uri;
}

/*
 * The artifact table, from a list of paths: the files analyzed first, then
 * each path a result points at, without duplicates (two spellings of one
 * path, "a.json" and "./a.json", are one artifact). Entry k of `cand` is
 * path k; `index[k]` is its artifact's index, and `first[k]` is true for
 * the entry that defines an artifact. A relative path resolves against
 * its `base` (SRCROOT unless given), and the defining entry's `role` is
 * the artifact's.
 */
struct art_path {
	const char *path;
	const char *base; /* NULL: SRCROOT */
	const char *role; /* NULL: "analysisTarget" */
};

struct artifacts {
	struct cand {
		char *uri;
		const char *base; /* NULL for an absolute URI */
		const char *role;
		size_t k;
	} *cand;
	size_t *index;
	bool *first;
	size_t n;
};

static int cmp_cand(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	int c = strcmp(a->uri, b->uri);

	if (!c)
		c = strcmp(a->base ? a->base : "", b->base ? b->base : "");
	if (c)
		return c;
	return a->k < b->k ? -1 : a->k > b->k;
}

static bool cand_same(const struct cand *a, const struct cand *b)
{
	return strcmp(a->uri, b->uri) == 0 &&
	       strcmp(a->base ? a->base : "", b->base ? b->base : "") == 0;
}

static void artifacts_free(struct artifacts *a)
{
	if (a->cand)
		for (size_t k = 0; k < a->n; k++)
			free(a->cand[k].uri);
	free(a->cand);
	free(a->index);
	free(a->first);
}

static int artifacts_build(struct artifacts *a, const struct art_path *paths, size_t n)
{
	struct cand *sorted = NULL;
	size_t *rep = NULL, next = 0;
	int rc = IAMP_ENOMEM;

	memset(a, 0, sizeof(*a));
	a->n = n;
	if (!a->n)
		return IAMP_OK;
	a->cand = calloc(a->n, sizeof(*a->cand));
	a->index = calloc(a->n, sizeof(*a->index));
	a->first = calloc(a->n, sizeof(*a->first));
	sorted = calloc(a->n, sizeof(*sorted));
	rep = calloc(a->n, sizeof(*rep));
	if (!a->cand || !a->index || !a->first || !sorted || !rep)
		goto cleanup;
	for (size_t k = 0; k < a->n; k++) {
		bool relative;

		a->cand[k].k = k;
		a->cand[k].uri = path_to_uri(paths[k].path, &relative);
		if (!a->cand[k].uri)
			goto cleanup;
		a->cand[k].base = !relative ? NULL : paths[k].base ? paths[k].base : SRCROOT;
		a->cand[k].role = paths[k].role ? paths[k].role : "analysisTarget";
	}
	/* Sort by (uri, base, k): the first of each run of equal URIs is
	 * the entry that defines the artifact. */
	memcpy(sorted, a->cand, a->n * sizeof(*sorted));
	qsort(sorted, a->n, sizeof(*sorted), cmp_cand);
	for (size_t i = 0; i < a->n; i++)
		rep[sorted[i].k] = i && cand_same(&sorted[i], &sorted[i - 1])
					   ? rep[sorted[i - 1].k] : sorted[i].k;
	/* Number the artifacts in order of first appearance; rep[k] <= k,
	 * so a representative is numbered before the entries it stands for. */
	for (size_t k = 0; k < a->n; k++) {
		a->first[k] = rep[k] == k;
		a->index[k] = a->first[k] ? next++ : a->index[rep[k]];
	}
	rc = IAMP_OK;
cleanup:
	free(sorted);
	free(rep);
	return rc;
}

static void sarif_artifact_location(struct jw *w, const char *key,
				    const struct cand *c, const size_t *index)
{
	jw_object(w, key);
	jw_string(w, "uri", c->uri);
	if (c->base)
		jw_string(w, "uriBaseId", c->base);
	if (index)
		jw_uint(w, "index", *index);
	jw_object_end(w);
}

static void sarif_artifacts(struct jw *w, const struct artifacts *a)
{
	jw_array(w, "artifacts");
	for (size_t k = 0; k < a->n; k++) {
		if (!a->first[k])
			continue;
		jw_object(w, NULL);
		sarif_artifact_location(w, "location", &a->cand[k], NULL);
		jw_array(w, "roles");
		jw_string(w, NULL, a->cand[k].role);
		jw_array_end(w);
		jw_object_end(w);
	}
	jw_array_end(w);
}

static void sarif_rule(struct jw *w, const struct iamp_rule *r)
{
	char name[64], anchor[64], uri[sizeof(RULES_DOC) + 64], full[1024];

	iamp_rule_name(name, sizeof(name), r->id);
	rule_anchor(anchor, sizeof(anchor), r->id);
	snprintf(uri, sizeof(uri), "%s%s", RULES_DOC, anchor);

	jw_object(w, NULL);
	jw_string(w, "id", r->id);
	jw_string(w, "name", name);
	jw_object(w, "shortDescription");
	jw_string(w, "text", r->title);
	jw_object_end(w);
	snprintf(full, sizeof(full), "%s. %s", r->title, r->help);
	jw_object(w, "fullDescription");
	jw_string(w, "text", full);
	jw_object_end(w);
	jw_object(w, "help");
	jw_string(w, "text", r->help);
	jw_object_end(w);
	jw_string(w, "helpUri", uri);
	jw_object(w, "defaultConfiguration");
	jw_string(w, "level", sarif_level[r->severity]);
	jw_object_end(w);
	jw_object(w, "properties");
	jw_array(w, "tags");
	switch (r->severity) {
	case IAMP_SEV_SECURITY_WARNING:
		jw_string(w, NULL, "security");
		break;
	case IAMP_SEV_SUGGESTION:
		jw_string(w, NULL, "maintainability");
		break;
	default:
		jw_string(w, NULL, "correctness");
		break;
	}
	jw_array_end(w);
	if (r->severity == IAMP_SEV_SECURITY_WARNING)
		jw_string(w, "security-severity", SECURITY_SEVERITY);
	jw_string(w, "severity", iamp_severity_name(r->severity));
	jw_aa_codes(w, (enum iamp_rule_id)(r - iamp_rules), false);
	jw_object_end(w);
	jw_object_end(w);
}

static bool span_has_end(const struct iamp_span *s)
{
	return s->end.col &&
	       (s->end.line > s->start.line ||
		(s->end.line == s->start.line && s->end.col >= s->start.col));
}

/* The bytes of code points [from, to) of line[0..n), clipped to it. */
static void line_slice(const char *line, size_t n, uint32_t from, uint32_t to,
		       size_t *begin, size_t *end)
{
	const unsigned char *p = (const unsigned char *)line;
	uint32_t col = 1, cp;
	size_t i = 0;

	for (; col < from && i < n; col++)
		i += iamp_utf8_next(p + i, n - i, &cp);
	*begin = i;
	for (; col < to && i < n; col++)
		i += iamp_utf8_next(p + i, n - i, &cp);
	*end = i;
}

/*
 * Every region states its start and its end (the multitool's SARIF2017:
 * consumers should not rely on the defaults). A span without a position
 * points at the start of the file; one without an end is an empty region
 * at its start. A region on one line carries its text as the snippet, and
 * the whole line (line[0..len), NULL when unknown) as context.
 */
static void sarif_region(struct jw *w, const struct iamp_span *s, const char *text, size_t len)
{
	uint32_t line = s->start.line ? s->start.line : 1;
	uint32_t col = s->start.line && s->start.col ? s->start.col : 1;
	uint32_t end_line = line, end_col = col;
	bool one_line = true;

	if (s->start.line && span_has_end(s)) {
		end_line = s->end.line;
		end_col = s->end.line == s->start.line && s->end.col < col ? col : s->end.col;
		one_line = end_line == line;
	}
	jw_object(w, "region");
	jw_uint(w, "startLine", line);
	jw_uint(w, "startColumn", col);
	jw_uint(w, "endLine", end_line);
	jw_uint(w, "endColumn", end_col);
	if (s->start.line && text && one_line && end_col > col) {
		size_t b, e;

		line_slice(text, len, col, end_col, &b, &e);
		if (e > b) {
			jw_object(w, "snippet");
			jw_member(w, "text");
			jw_json(w, text + b, e - b);
			jw_object_end(w);
		}
	}
	jw_object_end(w);
	if (s->start.line && text && one_line) {
		jw_object(w, "contextRegion");
		jw_uint(w, "startLine", line);
		jw_object(w, "snippet");
		jw_member(w, "text");
		jw_json(w, text, len);
		jw_object_end(w);
		jw_object_end(w);
	}
}

/* One physical location: the artifact of candidate k, and a region. */
static void sarif_location(struct jw *w, const struct artifacts *a, size_t k,
			   const struct iamp_span *span, const char *text, size_t len)
{
	jw_object(w, "physicalLocation");
	sarif_artifact_location(w, "artifactLocation", &a->cand[k], &a->index[k]);
	sarif_region(w, span, text, len);
	jw_object_end(w);
}

struct fp_entry {
	const char *fp;
	size_t i;
};

static int cmp_fp(const void *pa, const void *pb)
{
	const struct fp_entry *a = pa, *b = pb;
	int c = strcmp(a->fp, b->fp);

	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* occurrence[i] = 1 + the number of earlier results with the same
 * fingerprint as result i (fp[i]). */
static int fingerprint_occurrences(size_t *occurrence, char (*fp)[17], size_t n)
{
	struct fp_entry *e;

	if (!n)
		return IAMP_OK;
	e = calloc(n, sizeof(*e));
	if (!e)
		return IAMP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		e[i].fp = fp[i];
		e[i].i = i;
	}
	qsort(e, n, sizeof(*e), cmp_fp);
	for (size_t j = 0; j < n; j++)
		occurrence[e[j].i] = j && strcmp(e[j].fp, e[j - 1].fp) == 0
					     ? occurrence[e[j - 1].i] + 1 : 1;
	free(e);
	return IAMP_OK;
}

/* partialFingerprints: primaryLocationLineHash "FP:N" (N counting equal
 * fingerprints in output order, as GitHub does for equal lines) and the
 * fingerprint itself under `key`. */
static void sarif_fingerprints(struct jw *w, const char *key, const char *fp, size_t occurrence)
{
	char line_hash[40];

	snprintf(line_hash, sizeof(line_hash), "%s:%zu", fp, occurrence);
	jw_object(w, "partialFingerprints");
	jw_string(w, "primaryLocationLineHash", line_hash);
	jw_string(w, key, fp);
	jw_object_end(w);
}

static void sarif_result(struct jw *w, const struct iamp_diag *d, const char *fp,
			 const struct artifacts *a, size_t k, size_t occurrence, const char *baseline_state)
{
	jw_object(w, NULL);
	jw_string(w, "ruleId", iamp_rules[d->rule].id);
	jw_uint(w, "ruleIndex", (unsigned)d->rule);
	jw_string(w, "level", sarif_level[d->severity]);
	jw_object(w, "message");
	jw_string(w, "text", d->message);
	jw_object_end(w);
	jw_array(w, "locations");
	jw_object(w, NULL);
	sarif_location(w, a, k, &d->span, d->source_line,
		       d->source_line ? iamp_report_line_length(d->source_line) : 0);
	jw_object_end(w);
	jw_array_end(w);
	sarif_fingerprints(w, "iamproofFingerprint/v2", fp, occurrence);
	if (baseline_state)
		jw_string(w, "baselineState", baseline_state);
	if (d->severity != iamp_rules[d->rule].severity ||
	    d->severity == IAMP_SEV_SECURITY_WARNING) {
		jw_object(w, "properties");
		jw_string(w, "severity", iamp_severity_name(d->severity));
		jw_object_end(w);
	}
	jw_object_end(w);
}

/* The log up to tool.driver's rules: the schema, one run, the driver. */
static void sarif_begin(struct jw *w, const struct iamp_report_opts *opts)
{
	jw_object(w, NULL);
	jw_string(w, "$schema", SARIF_SCHEMA);
	jw_string(w, "version", "2.1.0");
	jw_array(w, "runs");
	jw_object(w, NULL);

	jw_object(w, "tool");
	jw_object(w, "driver");
	jw_string(w, "name", "iamproof");
	if (opts->tool_version) {
		char full[128];

		snprintf(full, sizeof(full), "iamproof %s", opts->tool_version);
		jw_string(w, "fullName", full);
		jw_string(w, "version", opts->tool_version);
		if (is_semver(opts->tool_version))
			jw_string(w, "semanticVersion", opts->tool_version);
	}
	jw_string(w, "informationUri", IAMP_REPORT_PROJECT_URI);
}

static void sarif_notification(struct jw *w, const char *text)
{
	jw_object(w, NULL);
	jw_string(w, "level", "error");
	jw_object(w, "message");
	jw_string(w, "text", text);
	jw_object_end(w);
	jw_object_end(w);
}

/* After the rules: the driver's properties, the invocation (`lost`:
 * what an out-of-memory condition lost, or NULL; and opts->unread, the
 * inputs not read: either makes the run unsuccessful) and the base URIs,
 * with IAMPROOFSRC when some artifact resolves against it. */
static void sarif_middle(struct jw *w, const struct iamp_report_opts *opts, const char *lost,
			 bool iamproof_src)
{
	if (opts->data_version) {
		jw_object(w, "properties");
		jw_string(w, "dataVersion", opts->data_version);
		jw_object_end(w);
	}
	jw_object_end(w);
	jw_object_end(w);

	jw_array(w, "invocations");
	jw_object(w, NULL);
	jw_bool(w, "executionSuccessful", !lost && !opts->unread_count);
	if (lost || opts->unread_count) {
		jw_array(w, "toolExecutionNotifications");
		if (lost)
			sarif_notification(w, lost);
		for (size_t i = 0; i < opts->unread_count; i++)
			sarif_notification(w, opts->unread[i]);
		jw_array_end(w);
	}
	jw_object_end(w);
	jw_array_end(w);

	jw_object(w, "originalUriBaseIds");
	jw_object(w, SRCROOT);
	jw_object(w, "description");
	jw_string(w, "text", "The directory iamproof ran in: relative paths are resolved against it.");
	jw_object_end(w);
	jw_object_end(w);
	if (iamproof_src) {
		jw_object(w, IAMPROOFSRC);
		jw_object(w, "description");
		jw_string(w, "text", "The source tree of iamproof (" IAMP_REPORT_PROJECT_URI
			  "): its built-in property packs are the files of properties/, "
			  "compiled into the binary.");
		jw_object_end(w);
		jw_object_end(w);
	}
	jw_object_end(w);
}

static void sarif_end(struct jw *w)
{
	jw_string(w, "columnKind", "unicodeCodePoints");
	jw_object_end(w);
	jw_array_end(w);
	jw_object_end(w);
}

static int write_sarif(FILE *out, const struct iamp_diags *diags,
		       const struct iamp_report_opts *opts)
{
	struct jw w;
	struct artifacts a = { 0 };
	struct art_path *paths;
	char(*fp)[17];
	size_t *occurrence;
	size_t n = opts->file_count + diags->count;
	int rc = IAMP_ENOMEM;

	jw_init(&w, out, false);
	occurrence = calloc(diags->count ? diags->count : 1, sizeof(*occurrence));
	fp = calloc(diags->count ? diags->count : 1, sizeof(*fp));
	paths = calloc(n ? n : 1, sizeof(*paths));
	if (!occurrence || !fp || !paths)
		goto cleanup;
	for (size_t i = 0; i < diags->count; i++)
		iamp_diag_fingerprint(&diags->items[i], fp[i]);
	for (size_t k = 0; k < n; k++)
		paths[k].path = k < opts->file_count ? opts->files[k]
				: diags->items[k - opts->file_count].path;
	rc = fingerprint_occurrences(occurrence, fp, diags->count);
	if (rc == IAMP_OK)
		rc = artifacts_build(&a, paths, n);
	if (rc != IAMP_OK)
		goto cleanup;

	sarif_begin(&w, opts);
	jw_array(&w, "rules");
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++)
		sarif_rule(&w, &iamp_rules[i]);
	jw_array_end(&w);
	sarif_middle(&w, opts, diags->oom ? "Out of memory: some diagnostics were lost." : NULL, false);
	sarif_artifacts(&w, &a);
	jw_array(&w, "results");
	for (size_t i = 0; i < diags->count; i++)
		sarif_result(&w, &diags->items[i], fp[i], &a, opts->file_count + i, occurrence[i],
			     opts->baseline_state ? opts->baseline_state[i] : NULL);
	jw_array_end(&w);
	sarif_end(&w);
	jw_flush(&w);
cleanup:
	artifacts_free(&a);
	free(paths);
	free(fp);
	free(occurrence);
	return rc;
}

/* --- SARIF: the answers of prove ---------------------------------------- */

#define PROVE_DOC IAMP_REPORT_PROJECT_URI "/blob/main/docs/prove.md#properties"
#define PACKS_SRC IAMP_REPORT_PROJECT_URI "/blob/main/"

static const char *const expect_help[] = {
	[IAMP_EXPECT_DENIED] = "every request of the set is denied by the target",
	[IAMP_EXPECT_ALLOWED] = "every request of the set is allowed by the target",
	[IAMP_EXPECT_NOT_MORE_THAN] = ("the target allows no request of the set that the "
				       "reference policy does not allow"),
};

static const char *decision_words(enum iamp_decision d)
{
	switch (d) {
	case IAMP_DECISION_ALLOWED: return "allowed";
	case IAMP_DECISION_EXPLICIT_DENY: return "explicitly denied";
	default: return "implicitly denied";
	}
}

/* Text up to its last non-blank character, then a period unless it has
 * one (the multitool's SARIF2001: messages are sentences). */
static void put_sentence(FILE *f, const char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	fwrite(s, 1, n, f);
	if (!n || s[n - 1] != '.')
		fputc('.', f);
}

static void proof_rule(struct jw *w, const struct iamp_report_property *rp)
{
	const struct iamp_property *p = rp->p;
	char name[128];
	char *text = NULL, *uri = NULL;
	size_t len = 0;
	FILE *f;

	jw_object(w, NULL);
	jw_string(w, "id", p->id);
	jw_string(w, "name", iamp_rule_name(name, sizeof(name), p->id));
	jw_object(w, "shortDescription");
	jw_string(w, "text", p->title);
	jw_object_end(w);
	if ((f = open_memstream(&text, &len))) {
		put_sentence(f, p->title);
		if (p->description && p->description[0]) {
			fputc(' ', f);
			put_sentence(f, p->description);
		}
		fclose(f);
	}
	jw_object(w, "fullDescription");
	jw_string(w, "text", text ? text : p->title);
	jw_object_end(w);
	free(text);
	text = NULL;
	if ((f = open_memstream(&text, &len))) {
		fprintf(f, "Expect %s: %s. A violation comes with a counterexample request "
			"(`iamproof simulate --request` replays it) and the statements it meets; "
			"an unknown answer is not a pass. Property file: %s.",
			iamp_expect_name(p->expect), expect_help[p->expect], rp->path);
		fclose(f);
	}
	jw_object(w, "help");
	jw_string(w, "text", text ? text : expect_help[p->expect]);
	jw_object_end(w);
	free(text);
	/* A pack documents its properties; a user's file is the user's. */
	if (rp->pack && asprintf(&uri, "%s%s", PACKS_SRC, rp->path) < 0)
		uri = NULL;
	jw_string(w, "helpUri", uri ? uri : PROVE_DOC);
	free(uri);
	jw_object(w, "defaultConfiguration");
	jw_string(w, "level", "error");
	jw_object_end(w);
	jw_object(w, "properties");
	jw_array(w, "tags");
	jw_string(w, NULL, "security");
	jw_array_end(w);
	jw_string(w, "expect", iamp_expect_name(p->expect));
	jw_string(w, "file", rp->path);
	if (rp->pack)
		jw_string(w, "pack", rp->pack);
	jw_object_end(w);
	jw_object_end(w);
}

/* Whether the answer is written as a result. */
static bool proof_is_result(const struct iamp_report_proof *pr)
{
	return pr->result->proof == IAMP_PROOF_VIOLATED || pr->result->proof == IAMP_PROOF_UNKNOWN;
}

static void statement_words(FILE *f, const struct iamp_match *m)
{
	fprintf(f, "%s %s:%u:%u", m->deny ? "Deny" : "Allow", m->name,
		(unsigned)m->stmt->span.start.line, (unsigned)m->stmt->span.start.col);
	if (m->stmt->has_sid)
		fprintf(f, " (%s)", m->stmt->sid.text);
}

/* The message: what was found, the counterexample, the statements
 * involved, the assumptions. Returns a malloc'd string or NULL. */
static char *proof_message(const struct iamp_report_proof *pr, const struct iamp_property *p)
{
	const struct iamp_prove_result *r = pr->result;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "Property %s (%s) is %s for %s", p->id, p->title, iamp_proof_name(r->proof),
		pr->target);
	if (r->proof == IAMP_PROOF_VIOLATED) {
		fprintf(f, ": expected: %s; counterexample: ", expect_help[p->expect]);
		iamp_report_cex(f, &r->cex);
		fprintf(f, " is %s", decision_words(pr->decision));
		if (pr->nstatements) {
			fputs("; statements it meets: ", f);
			for (size_t i = 0; i < pr->nstatements; i++) {
				fputs(i ? ", " : "", f);
				statement_words(f, &pr->statements[i]);
			}
		} else {
			fputs("; it meets no statement of the policy files", f);
			if (pr->decision == IAMP_DECISION_ALLOWED)
				fputs(" (what is assumed, or an AWS managed policy such as "
				      "FullAWSAccess, allows it)", f);
		}
		fputs(". ", f);
	} else {
		fputs(": ", f);
		put_sentence(f, r->reason[0] ? r->reason : "no reason given");
		fputs(" An unknown answer is not a pass. ", f);
	}
	fputs("Assumptions: ", f);
	put_sentence(f, pr->assumptions ? pr->assumptions : "none");
	fclose(f);
	return text;
}

/* "Allow statement Keys that the counterexample meets." (malloc'd) */
static char *statement_message(const struct iamp_match *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fputs(m->deny ? "Deny statement" : "Allow statement", f);
	if (m->stmt->has_sid)
		fprintf(f, " %s", m->stmt->sid.text);
	fputs(" that the counterexample meets.", f);
	fclose(f);
	return text;
}

static void proof_related(struct jw *w, const struct artifacts *a, size_t k,
			  const struct iamp_report_property *rp)
{
	const struct iamp_span *span = &rp->p->span;
	size_t len = 0;
	const char *line = rp->doc ? iamp_document_line(rp->doc, span->start.line, &len) : NULL;

	sarif_location(w, a, k, span, line, len);
}

static void proof_result(struct jw *w, const struct iamp_report_proof *pr,
			 const struct iamp_report_property *rp, const char *message, const char *fp,
			 size_t occurrence, const struct artifacts *a, size_t k_prop, size_t k_stmt)
{
	const struct iamp_prove_result *r = pr->result;

	jw_object(w, NULL);
	jw_string(w, "ruleId", rp->p->id);
	jw_uint(w, "ruleIndex", pr->property);
	jw_string(w, "level", r->proof == IAMP_PROOF_VIOLATED ? "error" : "warning");
	jw_object(w, "message");
	jw_string(w, "text", message);
	jw_object_end(w);
	jw_array(w, "locations");
	for (size_t i = 0; i < pr->nstatements; i++) {
		const struct iamp_match *m = &pr->statements[i];
		size_t len = 0;
		const char *line = m->policy && m->policy->doc
			? iamp_document_line(m->policy->doc, m->stmt->span.start.line, &len) : NULL;
		char *text = statement_message(m);

		jw_object(w, NULL);
		sarif_location(w, a, k_stmt + i, &m->stmt->span, line, len);
		jw_object(w, "message");
		jw_string(w, "text", text ? text : "A statement the counterexample meets.");
		jw_object_end(w);
		jw_object_end(w);
		free(text);
	}
	if (!pr->nstatements) {
		jw_object(w, NULL);
		proof_related(w, a, k_prop, rp);
		jw_object_end(w);
	}
	jw_array_end(w);
	if (pr->nstatements) {
		jw_array(w, "relatedLocations");
		jw_object(w, NULL);
		jw_uint(w, "id", 1);
		proof_related(w, a, k_prop, rp);
		jw_object(w, "message");
		jw_string(w, "text", "The property's definition.");
		jw_object_end(w);
		jw_object_end(w);
		jw_array_end(w);
	}
	sarif_fingerprints(w, "iamproofProof/v1", fp, occurrence);
	jw_object(w, "properties");
	jw_string(w, "result", iamp_proof_name(r->proof));
	jw_string(w, "target", pr->target);
	jw_string(w, "assumptions", pr->assumptions);
	if (r->proof == IAMP_PROOF_VIOLATED) {
		jw_cex(w, "counterexample", &r->cex);
		jw_string(w, "decision", iamp_decision_name(pr->decision));
	}
	if (r->reason[0])
		jw_string(w, "reason", r->reason);
	jw_object_end(w);
	jw_object_end(w);
}

static int write_proofs_sarif(FILE *out, const struct iamp_report_property *props, size_t nprops,
			      const struct iamp_report_proof *proofs, size_t nproofs,
			      const struct iamp_report_opts *opts)
{
	struct jw w;
	struct artifacts a = { 0 };
	struct art_path *paths = NULL;
	char(*fp)[17] = NULL;
	char **message = NULL;
	size_t *occurrence = NULL, *k_stmt = NULL;
	size_t n = opts->file_count + nprops, next;
	unsigned count[IAMP_PROOF_VACUOUS + 1] = { 0 };
	bool src = false;
	int rc = IAMP_ENOMEM;

	jw_init(&w, out, false);
	for (size_t i = 0; i < nproofs; i++)
		n += proofs[i].nstatements;
	paths = calloc(n ? n : 1, sizeof(*paths));
	fp = calloc(nproofs ? nproofs : 1, sizeof(*fp));
	message = calloc(nproofs ? nproofs : 1, sizeof(*message));
	occurrence = calloc(nproofs ? nproofs : 1, sizeof(*occurrence));
	k_stmt = calloc(nproofs ? nproofs : 1, sizeof(*k_stmt));
	if (!paths || !fp || !message || !occurrence || !k_stmt)
		goto cleanup;
	/* Candidates: the files analyzed, the property files, then each
	 * answer's statements. */
	for (size_t k = 0; k < opts->file_count; k++)
		paths[k].path = opts->files[k];
	for (size_t i = 0; i < nprops; i++) {
		struct art_path *ap = &paths[opts->file_count + i];

		ap->path = props[i].path;
		ap->base = props[i].pack ? IAMPROOFSRC : NULL;
		ap->role = props[i].pack ? "toolSpecifiedConfiguration" : "userSpecifiedConfiguration";
		src = src || props[i].pack;
	}
	next = opts->file_count + nprops;
	for (size_t i = 0; i < nproofs; i++) {
		const struct iamp_report_proof *pr = &proofs[i];
		const struct iamp_property *p = props[pr->property].p;
		const char *parts[] = { "prove", props[pr->property].path, p->id, pr->target_key };

		count[pr->result->proof]++;
		k_stmt[i] = next;
		for (size_t j = 0; j < pr->nstatements; j++)
			paths[next++].path = pr->statements[j].name;
		iamp_fingerprint(fp[i], parts, sizeof(parts) / sizeof(parts[0]));
		if (proof_is_result(pr) && !(message[i] = proof_message(pr, p)))
			goto cleanup;
	}
	rc = fingerprint_occurrences(occurrence, fp, nproofs);
	if (rc == IAMP_OK)
		rc = artifacts_build(&a, paths, n);
	if (rc != IAMP_OK)
		goto cleanup;

	sarif_begin(&w, opts);
	jw_array(&w, "rules");
	for (size_t i = 0; i < nprops; i++)
		proof_rule(&w, &props[i]);
	jw_array_end(&w);
	sarif_middle(&w, opts, NULL, src);
	sarif_artifacts(&w, &a);
	jw_array(&w, "results");
	for (size_t i = 0; i < nproofs; i++)
		if (proof_is_result(&proofs[i]))
			proof_result(&w, &proofs[i], &props[proofs[i].property], message[i], fp[i],
				     occurrence[i], &a, opts->file_count + proofs[i].property, k_stmt[i]);
	jw_array_end(&w);
	/* Every answer, results or not: the log is complete. */
	jw_object(&w, "properties");
	jw_object(&w, "summary");
	for (int p = IAMP_PROOF_PROVEN; p <= IAMP_PROOF_VACUOUS; p++)
		jw_uint(&w, iamp_proof_name((enum iamp_proof)p), count[p]);
	jw_object_end(&w);
	jw_object_end(&w);
	sarif_end(&w);
	jw_flush(&w);
cleanup:
	artifacts_free(&a);
	for (size_t i = 0; message && i < nproofs; i++)
		free(message[i]);
	free(message);
	free(paths);
	free(fp);
	free(occurrence);
	free(k_stmt);
	return rc;
}

/* --- entry points ----------------------------------------------------- */

static const char *const format_names[] = {
	[IAMP_REPORT_TEXT] = "text",
	[IAMP_REPORT_JSON] = "json",
	[IAMP_REPORT_SARIF] = "sarif",
	[IAMP_REPORT_HTML] = "html",
};

bool iamp_report_format_parse(enum iamp_report_format *out, const char *name)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(*format_names); i++) {
		if (strcmp(format_names[i], name) == 0) {
			*out = (enum iamp_report_format)i;
			return true;
		}
	}
	return false;
}

const char *iamp_report_format_name(enum iamp_report_format fmt)
{
	return format_names[fmt];
}

static int finish(FILE *out, int rc)
{
	if (rc == IAMP_OK && (fflush(out) != 0 || ferror(out)))
		rc = iamp_error_set(IAMP_EIO, "cannot write the report");
	else if (rc == IAMP_ENOMEM)
		iamp_error_set(rc, "out of memory while writing the report");
	return rc;
}

static const struct iamp_report_opts report_defaults = { 0 };

bool iamp_report_in_parts(enum iamp_report_format fmt)
{
	return fmt == IAMP_REPORT_TEXT || fmt == IAMP_REPORT_JSON;
}

const char *iamp_report_joiner(enum iamp_report_format fmt)
{
	return fmt == IAMP_REPORT_JSON ? "," : "";
}

int iamp_report_head(FILE *out, enum iamp_report_format fmt, const struct iamp_report_opts *opts)
{
	struct jw w = { .out = out };

	assert(iamp_report_in_parts(fmt));
	if (fmt == IAMP_REPORT_JSON)
		json_head(&w, opts ? opts : &report_defaults);
	jw_flush(&w);
	return ferror(out) ? iamp_error_set(IAMP_EIO, "cannot write the report") : IAMP_OK;
}

int iamp_report_part(FILE *out, enum iamp_report_format fmt, const struct iamp_diag *items, size_t n,
		     size_t first, const struct iamp_report_opts *opts)
{
	assert(iamp_report_in_parts(fmt));
	if (!opts)
		opts = &report_defaults;
	if (fmt == IAMP_REPORT_JSON)
		json_part(out, items, n, first, opts);
	else
		text_part(out, items, n, opts);
	return ferror(out) ? iamp_error_set(IAMP_EIO, "cannot write the report") : IAMP_OK;
}

int iamp_report_tail(FILE *out, enum iamp_report_format fmt, const struct iamp_diags *diags,
		     const struct iamp_report_opts *opts)
{
	assert(iamp_report_in_parts(fmt));
	if (fmt == IAMP_REPORT_JSON)
		json_tail(out, diags, opts ? opts : &report_defaults);
	return finish(out, IAMP_OK);
}

int iamp_report_write(FILE *out, enum iamp_report_format fmt,
		      const struct iamp_diags *diags,
		      const struct iamp_report_opts *opts)
{
	int rc = IAMP_OK;

	if (!opts)
		opts = &report_defaults;
	switch (fmt) {
	case IAMP_REPORT_TEXT:
	case IAMP_REPORT_JSON:
		/* one code path with `check -j N`'s: head, one part, tail */
		iamp_report_head(out, fmt, opts);
		iamp_report_part(out, fmt, diags->items, diags->count, 0, opts);
		return iamp_report_tail(out, fmt, diags, opts);
	case IAMP_REPORT_SARIF:
		rc = write_sarif(out, diags, opts);
		break;
	case IAMP_REPORT_HTML:
		rc = iamp_report_html_diags(out, diags, opts);
		break;
	default:
		return iamp_error_set(IAMP_EINVAL, "unknown report format %d", (int)fmt);
	}
	return finish(out, rc);
}

int iamp_report_proofs(FILE *out, enum iamp_report_format fmt,
		       const struct iamp_report_property *props, size_t nprops,
		       const struct iamp_report_proof *proofs, size_t nproofs,
		       const struct iamp_report_opts *opts)
{
	static const struct iamp_report_opts defaults = { 0 };

	if (fmt == IAMP_REPORT_HTML)
		return finish(out, iamp_report_html_proofs(out, props, nprops, proofs, nproofs,
							   opts ? opts : &defaults));
	if (fmt != IAMP_REPORT_SARIF)
		return iamp_error_set(IAMP_EINVAL, "proofs have no %s form here",
				      iamp_report_format_name(fmt));
	return finish(out, write_proofs_sarif(out, props, nprops, proofs, nproofs,
					      opts ? opts : &defaults));
}

/* --- the rule listing ------------------------------------------------- */

static void rules_text(FILE *out)
{
	int idw = (int)strlen("ID"), sevw = (int)strlen("SEVERITY");

	for (size_t i = 0; i < IAMP_RULE__COUNT; i++) {
		int n = (int)strlen(iamp_rules[i].id);
		int s = (int)strlen(iamp_severity_name(iamp_rules[i].severity));

		idw = n > idw ? n : idw;
		sevw = s > sevw ? s : sevw;
	}
	fprintf(out, "%-*s  %-*s  %s\n", idw, "ID", sevw, "SEVERITY", "TITLE");
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++) {
		fprintf(out, "%-*s  %-*s  %s\n", idw, iamp_rules[i].id, sevw,
			iamp_severity_name(iamp_rules[i].severity), iamp_rules[i].title);
		/* the AWS issue codes the rule reports, on a line of their own */
		if (list_aa_codes(out, (enum iamp_rule_id)i, "  AWS: ", ""))
			fputc('\n', out);
	}
}

static void rules_json(FILE *out)
{
	struct jw w;

	jw_init(&w, out, false);
	jw_array(&w, NULL);
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++) {
		const struct iamp_rule *r = &iamp_rules[i];
		char name[64], anchor[64], uri[sizeof(RULES_DOC) + 64];

		snprintf(uri, sizeof(uri), "%s%s", RULES_DOC,
			 rule_anchor(anchor, sizeof(anchor), r->id));
		jw_object(&w, NULL);
		jw_string(&w, "id", r->id);
		jw_string(&w, "name", iamp_rule_name(name, sizeof(name), r->id));
		jw_string(&w, "severity", iamp_severity_name(r->severity));
		jw_string(&w, "title", r->title);
		jw_string(&w, "help", r->help);
		jw_string(&w, "helpUri", uri);
		jw_aa_codes(&w, (enum iamp_rule_id)i, true);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_flush(&w);
}

int iamp_rules_write(FILE *out, enum iamp_report_format fmt)
{
	switch (fmt) {
	case IAMP_REPORT_TEXT:
		rules_text(out);
		break;
	case IAMP_REPORT_JSON:
		rules_json(out);
		break;
	default:
		return iamp_error_set(IAMP_EINVAL, "the rule list has no %s form",
				      iamp_report_format_name(fmt));
	}
	return finish(out, IAMP_OK);
}

/* Markdown text: the characters that would start emphasis, code, links,
 * HTML or a table cell are escaped. */
static void put_markdown(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
}

int iamp_rules_write_markdown(FILE *out)
{
	char anchor[64];

	fputs("# Rules\n\n"
	      "<!-- Skeleton made by `iamproof rules --format markdown` from\n"
	      "     analyzer/rules.def, where ids, severities, titles and help live. -->\n\n"
	      "Every finding of `iamproof check` names one rule. The severity is that of\n"
	      "AWS IAM Access Analyzer's finding types: **error** (AWS rejects the policy\n"
	      "or it cannot mean what it says), **security-warning** (it grants more than\n"
	      "it seems to), **warning** and **suggestion**.\n\n"
	      "| Rule | Severity | Title |\n"
	      "|---|---|---|\n", out);
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++) {
		const struct iamp_rule *r = &iamp_rules[i];

		fprintf(out, "| [%s](#%s) | %s | ", r->id,
			rule_anchor(anchor, sizeof(anchor), r->id),
			iamp_severity_name(r->severity));
		put_markdown(out, r->title);
		fputs(" |\n", out);
	}
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++) {
		const struct iamp_rule *r = &iamp_rules[i];

		fprintf(out, "\n## %s\n\n**Severity:** %s\n\n", r->id,
			iamp_severity_name(r->severity));
		if (list_aa_codes(out, (enum iamp_rule_id)i, "**AWS issue codes:** ", "`"))
			fputs(" (docs/aa-parity.md)\n\n", out);
		put_markdown(out, r->title);
		fputs(".\n\n", out);
		put_markdown(out, r->help);
		fputs("\n", out);
	}
	return finish(out, IAMP_OK);
}

/* ---- decisions of the evaluator ------------------------------------------ */

/* The name of an SCP/RCP level: the org node's, or the evaluator's. */
static const char *level_name(char *buf, size_t size, const struct iamp_result *r,
			      const struct iamp_evaluator *ev, enum iamp_policy_type type,
			      unsigned level)
{
	const struct iamp_org_node *node = NULL;

	if (level < IAMP_MAX_LEVELS)
		node = type == IAMP_POLICY_SCP ? r->scp_path[level] : r->rcp_path[level];
	if (node) {
		iamp_org_node_name(buf, size, node);
		return buf;
	}
	return iamp_evaluator_level_name(ev, type, level);
}

const char *iamp_decision_reason(char *buf, size_t size, const struct iamp_result *r,
				 const struct iamp_evaluator *ev)
{
	char nbuf[256];
	const char *name;

	switch (r->gap) {
	case IAMP_GAP_SCP_LEVEL:
	case IAMP_GAP_RCP_LEVEL: {
		enum iamp_policy_type t = r->gap == IAMP_GAP_SCP_LEVEL ? IAMP_POLICY_SCP : IAMP_POLICY_RCP;
		const char *what = t == IAMP_POLICY_SCP ? "SCP" : "RCP";

		name = level_name(nbuf, sizeof(nbuf), r, ev, t, r->gap_level);
		if (name)
			snprintf(buf, size, "no %s at level %u (%s) allows the request", what,
				 r->gap_level, name);
		else
			snprintf(buf, size, "no %s at level %u allows the request", what, r->gap_level);
		return buf;
	}
	case IAMP_GAP_NO_ALLOW:
		return "no identity or resource policy allows the request";
	case IAMP_GAP_IDENTITY:
		return "cross-account request: no identity policy of the principal allows it";
	case IAMP_GAP_RESOURCE:
		return r->same_account ? "no resource policy allows the request"
				       : "cross-account request: the resource policy does not allow it";
	case IAMP_GAP_BOUNDARY:
		return "the permission boundary does not allow the request";
	case IAMP_GAP_SESSION:
		return "the session policy does not allow the request";
	default:
		return NULL;
	}
}

/*
 * The JSON decision line is simulate's hot path (issue 13): it is built
 * in a buffer and written with one fwrite, and each statement's part of
 * "matched" ({"file", "sid", "line", "effect", "policyType") is written
 * once per evaluator (struct iamp_decision_json) and copied per request.
 * Strings of plain ASCII are copied as they are; any other string goes
 * through iamp_json_string, the one JSON escaper.
 */
struct line {
	FILE *out;
	size_t n;
	char b[4096];
};

static void line_flush(struct line *l)
{
	fwrite(l->b, 1, l->n, l->out);
	l->n = 0;
}

static void line_put(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->b) - l->n) {
		line_flush(l);
		if (n > sizeof(l->b)) {
			fwrite(s, 1, n, l->out);
			return;
		}
	}
	memcpy(l->b + l->n, s, n);
	l->n += n;
}

static void line_str(struct line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

/* Writes `v` in decimal (fprintf's format parsing cost more than the
 * rest of the line). */
static void line_uint(struct line *l, size_t v)
{
	char b[24];
	size_t n = sizeof(b);

	do {
		b[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	line_put(l, b + n, sizeof(b) - n);
}

/* A JSON string, as iamp_json_string writes it. */
static void line_json(struct line *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
			line_flush(l);
			iamp_json_string(l->out, s, n);
			return;
		}
	}
	line_put(l, "\"", 1);
	line_put(l, s, n);
	line_put(l, "\"", 1);
}

/* A match's part of "matched", up to its level and closing brace. */
static void match_head(struct line *l, const struct iamp_match *m)
{
	line_str(l, "{\"file\":");
	line_json(l, m->name, strlen(m->name));
	line_str(l, ",\"sid\":");
	if (m->stmt->has_sid)
		line_json(l, m->stmt->sid.text, m->stmt->sid.len);
	else
		line_str(l, "null");
	line_str(l, ",\"line\":");
	line_uint(l, m->stmt->span.start.line);
	line_str(l, m->deny ? ",\"effect\":\"Deny\",\"policyType\":\"" : ",\"effect\":\"Allow\",\"policyType\":\"");
	line_str(l, iamp_policy_type_name(m->type));
	line_put(l, "\"", 1);
}

struct iamp_decision_json {
	const struct iamp_evaluator *ev;
	size_t n;                             /* statements */
	const struct iamp_statement **stmt;   /* each statement, to check a match against */
	size_t *at, *len;                     /* its head in text */
	char *text;
};

void iamp_decision_json_free(struct iamp_decision_json *dj)
{
	if (!dj)
		return;
	free(dj->stmt);
	free(dj->at);
	free(dj->len);
	free(dj->text);
	free(dj);
}

int iamp_decision_json_new(struct iamp_decision_json **out, const struct iamp_evaluator *ev)
{
	struct iamp_decision_json *dj = calloc(1, sizeof(*dj));
	size_t n = iamp_evaluator_statement_count(ev), size = 0;
	struct line *l = malloc(sizeof(*l));
	FILE *mem = NULL;
	int rc = IAMP_ENOMEM;

	*out = NULL;
	if (!dj || !l || !(dj->stmt = calloc(n + 1, sizeof(*dj->stmt))) ||
	    !(dj->at = calloc(n + 1, sizeof(*dj->at))) || !(dj->len = calloc(n + 1, sizeof(*dj->len))) ||
	    !(mem = open_memstream(&dj->text, &size)))
		goto cleanup;
	dj->ev = ev;
	dj->n = n;
	l->out = mem;
	l->n = 0;
	for (size_t i = 0; i < n; i++) {
		struct iamp_match m;

		iamp_evaluator_statement(&m, ev, i);
		line_flush(l);
		dj->at[i] = (size_t)ftell(mem);
		match_head(l, &m);
		line_flush(l);
		dj->len[i] = (size_t)ftell(mem) - dj->at[i];
		dj->stmt[i] = m.stmt;
	}
	if (fclose(mem) == 0 && dj->text) {
		*out = dj;
		dj = NULL;
		rc = 0;
	}
	mem = NULL;
cleanup:
	if (mem)
		fclose(mem);
	free(l);
	iamp_decision_json_free(dj);
	return rc ? iamp_error_set(rc, "out of memory") : 0;
}

/* The JSON line; `dj` (or NULL) prepared for `ev`. */
static void decision_json(FILE *out, const struct iamp_result *r, const struct iamp_evaluator *ev,
			  const struct iamp_decision_json *dj)
{
	char buf[320];
	const char *why = iamp_decision_reason(buf, sizeof(buf), r, ev);
	bool first = true;
	struct line l;

	l.out = out;
	l.n = 0;
	flockfile(out); /* once for the line, not at every write */
	line_str(&l, "{\"decision\":\"");
	line_str(&l, iamp_decision_name(r->decision));
	line_str(&l, "\",\"matched\":[");
	for (size_t i = 0; i < r->match_count; i++) {
		const struct iamp_match *m = &r->matches[i];

		if (i)
			line_put(&l, ",", 1);
		if (dj && m->ordinal < dj->n && dj->stmt[m->ordinal] == m->stmt)
			line_put(&l, dj->text + dj->at[m->ordinal], dj->len[m->ordinal]);
		else
			match_head(&l, m);
		if (m->type == IAMP_POLICY_SCP || m->type == IAMP_POLICY_RCP) {
			line_str(&l, ",\"level\":");
			line_uint(&l, m->level);
		}
		line_put(&l, "}", 1);
	}
	line_put(&l, "]", 1);
	if (r->match_total > r->match_count) {
		line_str(&l, ",\"matchedTotal\":");
		line_uint(&l, r->match_total);
	}
	line_str(&l, r->same_account ? ",\"sameAccount\":true" : ",\"sameAccount\":false");
	if (r->caller_account) {
		line_str(&l, ",\"callerAccount\":");
		line_json(&l, r->caller_account, r->caller_account_len);
	}
	if (r->resource_account) {
		line_str(&l, ",\"resourceAccount\":");
		line_json(&l, r->resource_account, r->resource_account_len);
	}
	if (r->scp_exempt) {
		line_str(&l, ",\"scpExempt\":");
		line_json(&l, r->scp_exempt, strlen(r->scp_exempt));
	}
	if (r->rcp_exempt) {
		line_str(&l, ",\"rcpExempt\":");
		line_json(&l, r->rcp_exempt, strlen(r->rcp_exempt));
	}
	if (why) {
		line_str(&l, ",\"reason\":");
		line_json(&l, why, strlen(why));
	}
	line_str(&l, ",\"assumptions\":[");
	for (unsigned bit = 1; bit && bit <= r->assumptions; bit <<= 1) {
		const char *t;

		if (!(r->assumptions & bit))
			continue;
		t = iamp_assumption_text((enum iamp_assumption)bit);
		if (!first)
			line_put(&l, ",", 1);
		line_json(&l, t, strlen(t));
		first = false;
	}
	line_str(&l, "]}\n");
	line_flush(&l);
	funlockfile(out);
}

void iamp_report_decision_json(FILE *out, const struct iamp_decision_json *dj,
			       const struct iamp_result *res)
{
	decision_json(out, res, dj->ev, dj);
}

/* Text output of a decision: every field that comes from input (the
 * request, file names, Sids, org.yaml's names in a reason) goes through
 * iamp_text_string, so that a newline in a resource cannot forge an "ALLOWED"
 * line and an escape sequence never reaches the terminal. */
static void decision_text(FILE *out, const struct iamp_request *req, const struct iamp_result *r,
			  const struct iamp_evaluator *ev, size_t no)
{
	char buf[320], nbuf[256];
	const char *why = iamp_decision_reason(buf, sizeof(buf), r, ev);

	fprintf(out, "request %zu: ", no);
	iamp_text_string(out, req->action, req->action_len);
	fputs(" on ", out);
	iamp_text_string(out, req->resource, req->resource_len);
	fputs(" by ", out);
	iamp_text_string(out, req->principal, req->principal_len);
	fputc('\n', out);
	switch (r->decision) {
	case IAMP_DECISION_ALLOWED:
		fprintf(out, "  ALLOWED%s\n",
			r->same_account ? "" : " (cross-account: identity and resource policies both allow)");
		break;
	case IAMP_DECISION_EXPLICIT_DENY:
		fputs("  EXPLICITLY DENIED by a Deny statement\n", out);
		break;
	default:
		fputs("  IMPLICITLY DENIED: ", out);
		put_text_str(out, why ? why : "nothing allows the request");
		fputc('\n', out);
		break;
	}
	if (r->scp_exempt)
		fprintf(out, "  note: %s\n", r->scp_exempt);
	if (r->rcp_exempt)
		fprintf(out, "  note: %s\n", r->rcp_exempt);
	for (unsigned bit = 1; bit && bit <= r->assumptions; bit <<= 1)
		if (r->assumptions & bit)
			fprintf(out, "  assumption: %s\n", iamp_assumption_text((enum iamp_assumption)bit));
	for (size_t i = 0; i < r->match_count; i++) {
		const struct iamp_match *m = &r->matches[i];
		bool level = m->type == IAMP_POLICY_SCP || m->type == IAMP_POLICY_RCP;
		const char *lname = level ? level_name(nbuf, sizeof(nbuf), r, ev, m->type, m->level) : NULL;

		/* On an explicit deny the Deny statements decided: show those. */
		if (r->decision == IAMP_DECISION_EXPLICIT_DENY && !m->deny)
			continue;
		fprintf(out, "  %s ", m->deny ? "deny " : "allow");
		put_text_str(out, m->name);
		fprintf(out, ":%u: %s policy", (unsigned)m->stmt->span.start.line, iamp_policy_type_name(m->type));
		if (level) {
			fprintf(out, " (level %u%s", m->level, lname ? ", " : "");
			put_text_str(out, lname ? lname : "");
			fputc(')', out);
		}
		if (m->stmt->has_sid) {
			fputs(", statement ", out);
			iamp_text_string(out, m->stmt->sid.text, m->stmt->sid.len);
		} else {
			fprintf(out, ", statement #%zu", m->stmt->index + 1);
		}
		fputc('\n', out);
	}
	if (r->match_count == 0)
		fputs("  no statement applies to this request\n", out);
	if (r->match_total > r->match_count)
		fprintf(out, "  (%zu more applicable statements not shown)\n",
			r->match_total - r->match_count);
}

int iamp_report_decision(FILE *out, enum iamp_report_format fmt, const struct iamp_request *req,
			 const struct iamp_result *res, const struct iamp_evaluator *ev,
			 size_t request_no)
{
	switch (fmt) {
	case IAMP_REPORT_JSON:
		decision_json(out, res, ev, NULL);
		return 0;
	case IAMP_REPORT_TEXT:
		decision_text(out, req, res, ev, request_no);
		return 0;
	default:
		return iamp_error_set(IAMP_EINVAL, "decisions have no %s form",
				      iamp_report_format_name(fmt));
	}
}

void iamp_markdown_cell(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = iamp_utf8_next(p + i, n - i, &cp);

		if (cp == '|')
			fputs("\\|", out);
		else if (cp == '\n' || cp == '\r' || cp == '\t')
			fputc(' ', out);
		else if (cp == '`')
			fputc('\'', out);
		else if (cp == '<')
			fputs("&lt;", out);
		else if (cp == '&')
			fputs("&amp;", out);
		else if (iamp_is_control(cp))
			fputc('?', out);
		else if (cp == REPLACEMENT && len == 1)
			fputs("\xEF\xBF\xBD", out);
		else
			fwrite(p + i, 1, len, out);
		i += len;
	}
}
