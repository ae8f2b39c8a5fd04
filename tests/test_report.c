/*
 * test_report.c - the report formats (report.h): exact text output and
 * caret placement; JSON and SARIF read back with json-c.
 */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "error.h"
#include "props.h"
#include "report.h"
#include "smt.h"

/* --- helpers ---------------------------------------------------------- */

static struct iamp_span span(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2)
{
	struct iamp_span s = { { l1, c1, 0 }, { l2, c2, 0 } };

	/* Offsets: something distinct and consistent enough for the tests. */
	s.start.offset = l1 * 100 + c1;
	s.end.offset = l2 * 100 + c2;
	return s;
}

static struct iamp_diag *add(struct iamp_diags *d, enum iamp_rule_id rule,
			     const char *path, struct iamp_span s,
			     const char *line, const char *msg)
{
	struct iamp_diag *r = iamp_diag_add(d, rule, path, s, line,
					    line ? strlen(line) : 0, "%s", msg);

	ck_assert_ptr_nonnull(r);
	return r;
}

/* The report as a malloc'd string. */
static char *render(enum iamp_report_format fmt, const struct iamp_diags *d,
		    const struct iamp_report_opts *opts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(iamp_report_write(f, fmt, d, opts), IAMP_OK);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len); /* no NUL inside */
	return buf;
}

/* Whether s is well-formed UTF-8 (what every JSON output must be). */
static bool valid_utf8(const unsigned char *s)
{
	while (*s) {
		size_t n = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2
			 : (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 0;

		if (!n || (n == 2 && *s < 0xC2) || (n == 4 && *s > 0xF4))
			return false;
		for (size_t i = 1; i < n; i++)
			if ((s[i] & 0xC0) != 0x80)
				return false;
		s += n;
	}
	return true;
}

static json_object *parse_json(const char *text)
{
	json_tokener *tok = json_tokener_new();
	json_object *o;

	ck_assert(valid_utf8((const unsigned char *)text));
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)strlen(text));
	ck_assert_msg(o != NULL && json_tokener_get_error(tok) == json_tokener_success,
		      "invalid JSON: %s\n%s",
		      json_tokener_error_desc(json_tokener_get_error(tok)), text);
	/* Nothing but white space after the value. */
	ck_assert_uint_eq(strspn(text + json_tokener_get_parse_end(tok), " \n"),
			  strlen(text + json_tokener_get_parse_end(tok)));
	json_tokener_free(tok);
	return o;
}

/* The member at a path of keys and array indices: get(o, "runs", "0", ...). */
static json_object *get_v(json_object *o, const char *const *keys)
{
	for (; *keys; keys++) {
		ck_assert_msg(o != NULL, "no parent for '%s'", *keys);
		if (json_object_is_type(o, json_type_array)) {
			size_t i = strtoul(*keys, NULL, 10);

			ck_assert_msg(i < json_object_array_length(o), "index %s out of range", *keys);
			o = json_object_array_get_idx(o, i);
		} else {
			json_object *m;

			ck_assert_msg(json_object_object_get_ex(o, *keys, &m), "no member '%s'", *keys);
			o = m;
		}
	}
	return o;
}
#define get(o, ...) get_v(o, (const char *const[]){ __VA_ARGS__, NULL })
#define get_str(o, ...) json_object_get_string(get(o, __VA_ARGS__))
#define get_int(o, ...) json_object_get_int64(get(o, __VA_ARGS__))

static bool has(json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

/* --- format names ----------------------------------------------------- */

static const struct {
	const char *name;
	bool ok;
	enum iamp_report_format fmt;
} format_cases[] = {
	{ "text", true, IAMP_REPORT_TEXT },
	{ "json", true, IAMP_REPORT_JSON },
	{ "sarif", true, IAMP_REPORT_SARIF },
	{ "html", true, IAMP_REPORT_HTML },
	{ "SARIF", false, 0 },
	{ "markdown", false, 0 },
	{ "", false, 0 },
};

START_TEST(test_format_parse)
{
	enum iamp_report_format fmt = (enum iamp_report_format)99;

	ck_assert_int_eq(iamp_report_format_parse(&fmt, format_cases[_i].name), format_cases[_i].ok);
	if (format_cases[_i].ok) {
		ck_assert_int_eq(fmt, format_cases[_i].fmt);
		ck_assert_str_eq(iamp_report_format_name(fmt), format_cases[_i].name);
	}
}
END_TEST

static const struct {
	const char *id, *name;
} name_cases[] = {
	{ "MISSING_EFFECT", "MissingEffect" },
	{ "ALLOW_ALL", "AllowAll" },
	{ "INVALID_UTF8", "InvalidUtf8" },
	{ "FORALLVALUES_SINGLE_VALUED_KEY", "ForallvaluesSingleValuedKey" },
	{ "X", "X" },
};

START_TEST(test_rule_name)
{
	char buf[64];

	ck_assert_str_eq(iamp_rule_name(buf, sizeof(buf), name_cases[_i].id), name_cases[_i].name);
	/* truncated, still terminated */
	iamp_rule_name(buf, 4, name_cases[_i].id);
	ck_assert_uint_le(strlen(buf), 3);
	ck_assert_int_eq(strncmp(buf, name_cases[_i].name, 3), 0);
}
END_TEST

/* --- text ------------------------------------------------------------- */

START_TEST(test_text_plain)
{
	struct iamp_diags d;
	char *out;

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_INVALID_EFFECT, "p.json", span(4, 15, 4, 21),
	    "    \"Effect\": \"Alow\",", "Effect \"Alow\" is neither Allow nor Deny");
	add(&d, IAMP_RULE_ALLOW_ALL, "dir/q.yaml", span(2, 3, 5, 1), NULL,
	    "Allows every action on every resource");
	add(&d, IAMP_RULE_SYNTAX_ERROR, "empty.json", span(0, 0, 0, 0), NULL, "The file is empty");
	d.items[1].severity = IAMP_SEV_ERROR; /* raised: the report shows it */
	out = render(IAMP_REPORT_TEXT, &d, NULL);
	ck_assert_str_eq(out,
		"p.json:4:15: error: Effect \"Alow\" is neither Allow nor Deny [INVALID_EFFECT]\n"
		"dir/q.yaml:2:3: error: Allows every action on every resource [ALLOW_ALL]\n"
		"empty.json: error: The file is empty [SYNTAX_ERROR]\n");
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

START_TEST(test_text_empty)
{
	struct iamp_diags d;
	char *out;

	iamp_diags_init(&d);
	out = render(IAMP_REPORT_TEXT, &d, &(struct iamp_report_opts){ .show_source = true });
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

/* Each row: the source line, the span, the expected caret line. */
static const struct {
	const char *line;
	uint32_t l1, c1, l2, c2;
	const char *caret;
} caret_cases[] = {
	/* spaces, underline to the end column (exclusive) */
	{ "    \"Effect\": \"Alow\",", 1, 15, 1, 21, "              ^~~~~~" },
	/* a tab before the caret is copied: the caret lines up at any tab width */
	{ "\t\"Effect\": \"Alow\",", 1, 12, 1, 18, "\t          ^~~~~~" },
	{ "\t\t\"Effect\": 1", 1, 13, 1, 14, "\t\t          ^" },
	/* a 2-byte character is one column */
	{ "  \"Acti\xC3\xB6n\": 1", 1, 13, 1, 14, "            ^" },
	{ "  \"Acti\xC3\xB6n\": 1", 1, 8, 1, 9, "       ^" },
	{ "  \"Acti\xC3\xB6n\": 1", 1, 3, 1, 11, "  ^~~~~~~~" },
	/* a 4-byte character is one column */
	{ "\"\xF0\x9F\x98\x80\": x", 1, 6, 1, 7, "     ^" },
	/* a 3-byte one, and a tab after it */
	{ "\xE2\x82\xAC\tx", 1, 3, 1, 4, " \t^" },
	/* a byte that is not UTF-8 is one column */
	{ "\xFF\"x\"", 1, 2, 1, 5, " ^~~" },
	/* underline capped at the line end */
	{ "abc", 1, 2, 1, 99, " ^~" },
	/* a span over several lines: the caret only */
	{ "  \"Statement\": [", 1, 3, 7, 4, "  ^" },
	/* no end, or an end before the start: the caret only */
	{ "abc", 1, 2, 0, 0, " ^" },
	{ "abc", 1, 3, 1, 1, "  ^" },
	/* one past the end of the line (a missing comma), and no further */
	{ "abc", 1, 4, 1, 5, "   ^" },
	{ "abc", 1, 10, 1, 12, "   ^" },
	/* a tab inside the underline stays a tab */
	{ "a\tbc", 1, 1, 1, 5, "^\t~~" },
	/* column 0 (unknown) reads as 1 */
	{ "abc", 1, 0, 0, 0, "^" },
	/* line terminators are not part of the line */
	{ "ab\r\n", 1, 3, 1, 4, "  ^" },
	/* empty line */
	{ "", 1, 1, 1, 1, "^" },
};

START_TEST(test_text_caret)
{
	struct iamp_diags d;
	struct iamp_report_opts opts = { .show_source = true };
	char *out, *expect;
	/* the line as shown: without its terminator, bytes that are not
	 * UTF-8 as U+FFFD */
	const char *shown = strcmp(caret_cases[_i].line, "\xFF\"x\"") ? caret_cases[_i].line
			    : "\xEF\xBF\xBD\"x\"";
	size_t shown_len = strcspn(shown, "\r\n");

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_UNKNOWN_ELEMENT, "f.json",
	    span(caret_cases[_i].l1, caret_cases[_i].c1, caret_cases[_i].l2, caret_cases[_i].c2),
	    caret_cases[_i].line, "m");
	out = render(IAMP_REPORT_TEXT, &d, &opts);
	ck_assert_int_ge(asprintf(&expect, "f.json:%u:%u: error: m [UNKNOWN_ELEMENT]\n%.*s\n%s\n",
				  (unsigned)caret_cases[_i].l1,
				  (unsigned)(caret_cases[_i].c1 ? caret_cases[_i].c1 : 1),
				  (int)shown_len, shown, caret_cases[_i].caret), 0);
	ck_assert_str_eq(out, expect);
	free(expect);
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

START_TEST(test_text_no_source_line)
{
	struct iamp_diags d;
	char *out;

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_MISSING_VERSION, "a.json", span(1, 1, 3, 2), NULL, "No Version");
	add(&d, IAMP_RULE_SYNTAX_ERROR, "b.json", span(0, 0, 0, 0), "", "Cannot read");
	out = render(IAMP_REPORT_TEXT, &d, &(struct iamp_report_opts){ .show_source = true });
	ck_assert_str_eq(out, "a.json:1:1: warning: No Version [MISSING_VERSION]\n"
			      "b.json: error: Cannot read [SYNTAX_ERROR]\n");
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

START_TEST(test_text_color)
{
	struct iamp_diags d;
	char *out;

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_INVALID_EFFECT, "p.json", span(2, 3, 2, 5), "x abc", "e");
	add(&d, IAMP_RULE_ALLOW_ALL, "p.json", span(3, 1, 3, 2), NULL, "s");
	add(&d, IAMP_RULE_MISSING_VERSION, "p.json", span(4, 1, 4, 2), NULL, "w");
	add(&d, IAMP_RULE_DUPLICATE_VALUE, "p.json", span(5, 1, 5, 2), NULL, "n");
	out = render(IAMP_REPORT_TEXT, &d, &(struct iamp_report_opts){ .color = true, .show_source = true });
	ck_assert_str_eq(out,
		"p.json:2:3: \033[1;31merror:\033[0m e \033[2m[INVALID_EFFECT]\033[0m\n"
		"x abc\n"
		"  \033[1;32m^~\033[0m\n"
		"p.json:3:1: \033[35msecurity-warning:\033[0m s \033[2m[ALLOW_ALL]\033[0m\n"
		"p.json:4:1: \033[33mwarning:\033[0m w \033[2m[MISSING_VERSION]\033[0m\n"
		"p.json:5:1: \033[36msuggestion:\033[0m n \033[2m[DUPLICATE_VALUE]\033[0m\n");
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

/* Input text cannot drive the terminal: controls become '?', bytes that
 * are not UTF-8 become U+FFFD, everything else is kept. */
START_TEST(test_text_sanitized)
{
	struct iamp_diags d;
	char *out;

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_UNKNOWN_ELEMENT, "a\nb.json", span(1, 3, 1, 4),
	    "\033[2J\x01\tx", "bad \033]0;title\007 \xC2\x9B \xFF \xC3\xA9\tok");
	out = render(IAMP_REPORT_TEXT, &d, &(struct iamp_report_opts){ .show_source = true });
	ck_assert_str_eq(out,
		"a?b.json:1:3: error: bad ?]0;title? ? \xEF\xBF\xBD \xC3\xA9\tok [UNKNOWN_ELEMENT]\n"
		"?[2J?\tx\n"
		"  ^\n");
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

/* --- JSON ------------------------------------------------------------- */

START_TEST(test_json_fields)
{
	struct iamp_diags d;
	struct iamp_report_opts opts = { .tool_version = "0.1.0", .data_version = "2025-01-01" };
	json_object *root, *diag;
	char *out, fp[17];

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_INVALID_EFFECT, "dir/p.json", span(4, 15, 4, 21),
	    "    \"Effect\": \"Alow\",", "Effect \"Alow\" is neither Allow nor Deny");
	add(&d, IAMP_RULE_ALLOW_ALL, "dir/p.json", span(6, 3, 9, 4), NULL, "a");
	add(&d, IAMP_RULE_ALLOW_ALL, "dir/p.json", span(16, 3, 19, 4), NULL, "b");
	add(&d, IAMP_RULE_DUPLICATE_VALUE, "q.json", span(0, 0, 0, 0), NULL, "c");
	out = render(IAMP_REPORT_JSON, &d, &opts);
	root = parse_json(out);

	ck_assert_str_eq(get_str(root, "version"), "0.1.0");
	ck_assert_str_eq(get_str(root, "dataVersion"), "2025-01-01");
	ck_assert_uint_eq(json_object_array_length(get(root, "diagnostics")), 4);
	diag = get(root, "diagnostics", "0");
	ck_assert_int_eq(json_object_object_length(diag), 13);
	/* the AWS issue codes of the finding's rule (aa_codes.def) */
	ck_assert_uint_eq(json_object_array_length(get(diag, "awsIssueCodes")), 1);
	ck_assert_str_eq(get_str(diag, "awsIssueCodes", "0"), "INVALID_EFFECT");
	ck_assert_str_eq(get_str(diag, "path"), "dir/p.json");
	ck_assert_int_eq(get_int(diag, "line"), 4);
	ck_assert_int_eq(get_int(diag, "column"), 15);
	ck_assert_int_eq(get_int(diag, "endLine"), 4);
	ck_assert_int_eq(get_int(diag, "endColumn"), 21);
	ck_assert_int_eq(get_int(diag, "offset"), 415);
	ck_assert_int_eq(get_int(diag, "endOffset"), 421);
	ck_assert_str_eq(get_str(diag, "severity"), "error");
	ck_assert_str_eq(get_str(diag, "rule"), "INVALID_EFFECT");
	ck_assert_str_eq(get_str(diag, "title"), iamp_rules[IAMP_RULE_INVALID_EFFECT].title);
	ck_assert_str_eq(get_str(diag, "message"), "Effect \"Alow\" is neither Allow nor Deny");
	iamp_diag_fingerprint(&d.items[0], fp);
	ck_assert_str_eq(get_str(diag, "fingerprint"), fp);
	ck_assert_str_eq(get_str(root, "diagnostics", "1", "severity"), "security-warning");
	ck_assert_int_eq(get_int(root, "diagnostics", "3", "line"), 0);
	/* the layout: each element on lines of its own, the array closed on its own */
	ck_assert_ptr_nonnull(strstr(out, "\"diagnostics\": [\n    {\n      \"path\": \"dir/p.json\",\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"\n    },\n    {\n      \"path\""));
	ck_assert_ptr_nonnull(strstr(out, "\"\n    }\n  ],\n  \"errors\": [],\n  \"summary\": {\n"));

	ck_assert_int_eq(json_object_object_length(get(root, "summary")), 4);
	ck_assert_int_eq(get_int(root, "summary", "error"), 1);
	ck_assert_int_eq(get_int(root, "summary", "security-warning"), 2);
	ck_assert_int_eq(get_int(root, "summary", "warning"), 0);
	ck_assert_int_eq(get_int(root, "summary", "suggestion"), 1);
	json_object_put(root);
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

START_TEST(test_json_empty)
{
	struct iamp_diags d;
	json_object *root;
	char *out;

	iamp_diags_init(&d);
	out = render(IAMP_REPORT_JSON, &d, NULL);
	root = parse_json(out);
	ck_assert(json_object_is_type(get(root, "version"), json_type_null));
	ck_assert(json_object_is_type(get(root, "dataVersion"), json_type_null));
	ck_assert_uint_eq(json_object_array_length(get(root, "diagnostics")), 0);
	ck_assert_int_eq(get_int(root, "summary", "error"), 0);
	ck_assert_int_eq(get_int(root, "summary", "suggestion"), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"diagnostics\": []"));
	json_object_put(root);
	free(out);
}
END_TEST

/* The exact bytes of a small report: two-space indentation by depth, a
 * member per line, numbers in decimal. */
START_TEST(test_json_layout)
{
	struct iamp_diags d;
	struct iamp_report_opts opts = { .tool_version = "0.1.0", .data_version = "2025-01-01" };
	char *out, fp[17], expect[2048];

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_INVALID_EFFECT, "p.json", span(12, 3, 1234567, 90), NULL, "m");
	iamp_diag_fingerprint(&d.items[0], fp);
	snprintf(expect, sizeof expect,
		 "{\n"
		 "  \"version\": \"0.1.0\",\n"
		 "  \"dataVersion\": \"2025-01-01\",\n"
		 "  \"diagnostics\": [\n"
		 "    {\n"
		 "      \"path\": \"p.json\",\n"
		 "      \"line\": 12,\n"
		 "      \"column\": 3,\n"
		 "      \"endLine\": 1234567,\n"
		 "      \"endColumn\": 90,\n"
		 "      \"offset\": 1203,\n"
		 "      \"endOffset\": 123456790,\n"
		 "      \"severity\": \"error\",\n"
		 "      \"rule\": \"INVALID_EFFECT\",\n"
		 "      \"title\": \"%s\",\n"
		 "      \"awsIssueCodes\": [\n"
		 "        \"INVALID_EFFECT\"\n"
		 "      ],\n"
		 "      \"message\": \"m\",\n"
		 "      \"fingerprint\": \"%s\"\n"
		 "    }\n"
		 "  ],\n"
		 "  \"errors\": [],\n"
		 "  \"summary\": {\n"
		 "    \"error\": 1,\n"
		 "    \"security-warning\": 0,\n"
		 "    \"warning\": 0,\n"
		 "    \"suggestion\": 0\n"
		 "  }\n"
		 "}\n",
		 iamp_rules[IAMP_RULE_INVALID_EFFECT].title, fp);
	out = render(IAMP_REPORT_JSON, &d, &opts);
	ck_assert_str_eq(out, expect);
	/* Baselines and ignore entries store fingerprints: their value must
	 * not change. FNV-1a 64 of the rule id, path and message (no source
	 * line), each part ended by xor 0xff, in 16 lower-case hex digits
	 * (computed apart, in Python). */
	ck_assert_str_eq(fp, "721364bb2eb972cc");
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

/* JSON strings are written 16 bytes at a time up to a byte to escape
 * (report.c: plain_end): each kind of byte, at every offset from 0 to 40
 * of a plain run, is written as the byte-by-byte rules say. */
START_TEST(json_string_every_offset)
{
	static const struct {
		const char *in, *out;
	} odd[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x01", "\\u0001" },
		{ "\x1f", "\\u001f" }, { "\x7f", "\\u007f" }, { "\xc3\xa9", "\xc3\xa9" },
		{ "\xff", "\\ufffd" }, { "~", "~" }, { " ", " " },
	};

	for (size_t k = 0; k < sizeof odd / sizeof *odd; k++) {
		for (size_t at = 0; at <= 40; at++) {
			char in[128], want[128], *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);

			memset(in, 'a', at);
			strcpy(in + at, odd[k].in);
			strcat(in, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
			want[0] = '"';
			memset(want + 1, 'a', at);
			strcpy(want + 1 + at, odd[k].out);
			strcat(want, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"");
			iamp_json_string(f, in, strlen(in));
			fclose(f);
			ck_assert_str_eq(buf, want);
			free(buf);
		}
	}
}
END_TEST

/* A fingerprint with a source line: the line's first 511 bytes after its
 * leading blanks, without trailing blanks, carriage returns or commas
 * (computed apart, in Python; diag.c hashes the line in place, four
 * bytes a round). */
START_TEST(test_fingerprint_line)
{
	struct iamp_diags d;
	char line[600], fp[17], fp2[17];
	size_t len;

	iamp_diags_init(&d);
	memcpy(line, "  \t", 3);
	memset(line + 3, 'x', 500);
	strcpy(line + 503, "yz\xc3\xa9 , ,\t ,beyond the cap"); /* 511 bytes end at the last , */
	len = strlen(line);
	add(&d, IAMP_RULE_INVALID_EFFECT, "p.json", span(1, 1, 1, 2), NULL, "m");
	d.items[0].source_line = line;
	iamp_diag_fingerprint(&d.items[0], fp);
	ck_assert_str_eq(fp, "e3d0139f8dcaed60");
	line[len - 1] = 'P'; /* past the 511 bytes */
	iamp_diag_fingerprint(&d.items[0], fp2);
	ck_assert_str_eq(fp2, fp);
	line[3 + 499] = 'w'; /* within them */
	iamp_diag_fingerprint(&d.items[0], fp2);
	ck_assert_str_ne(fp2, fp);
	d.items[0].source_line = NULL;
	iamp_diags_clear(&d);
}
END_TEST

/*
 * The report in parts (check -j N): the head, the diagnostics cut into
 * parts at every place (empty parts among them), each part in a stream
 * of its own joined by iamp_report_joiner between non-empty ones, then
 * the tail, give iamp_report_write's bytes, in text and JSON.
 */
static const enum iamp_report_format part_formats[] = { IAMP_REPORT_TEXT, IAMP_REPORT_JSON };

START_TEST(test_report_in_parts)
{
	enum iamp_report_format fmt = part_formats[_i];
	struct iamp_report_opts opts = { .tool_version = "0.1.0", .data_version = "2025-01-01",
					 .show_source = true, .ignored = 2 };
	const char *unread[] = { "cannot read x.json" };
	struct iamp_diags d;
	char *whole;

	iamp_diags_init(&d);
	opts.unread = unread;
	opts.unread_count = 1;
	add(&d, IAMP_RULE_INVALID_EFFECT, "a.json", span(4, 15, 4, 21), "    \"Effect\": \"Alow\",", "e");
	add(&d, IAMP_RULE_ALLOW_ALL, "a.json", span(6, 3, 9, 4), NULL, "a");
	add(&d, IAMP_RULE_ALLOW_ALL, "b.json", span(16, 3, 19, 4), NULL, "b");
	add(&d, IAMP_RULE_DUPLICATE_VALUE, "c.json", span(0, 0, 0, 0), NULL, "c");
	ck_assert(iamp_report_in_parts(fmt));
	whole = render(fmt, &d, &opts);
	/* cuts at a and b: parts [0, a), [a, b), [b, n) */
	for (size_t a = 0; a <= d.count; a++) {
		for (size_t b = a; b <= d.count; b++) {
			size_t cut[4] = { 0, a, b, d.count }, len = 0;
			char *buf = NULL;
			FILE *f = open_memstream(&buf, &len);
			bool wrote = false;

			ck_assert_ptr_nonnull(f);
			ck_assert_int_eq(iamp_report_head(f, fmt, &opts), IAMP_OK);
			for (int k = 0; k < 3; k++) {
				char *part = NULL;
				size_t plen = 0;
				FILE *pf = open_memstream(&part, &plen);

				ck_assert_ptr_nonnull(pf);
				ck_assert_int_eq(iamp_report_part(pf, fmt, d.items + cut[k], cut[k + 1] - cut[k],
								  cut[k], &opts), IAMP_OK);
				ck_assert_int_eq(fclose(pf), 0);
				if (plen) {
					if (wrote)
						fputs(iamp_report_joiner(fmt), f);
					fwrite(part, 1, plen, f);
					wrote = true;
				}
				free(part);
			}
			ck_assert_int_eq(iamp_report_tail(f, fmt, &d, &opts), IAMP_OK);
			ck_assert_int_eq(fclose(f), 0);
			ck_assert_msg(strcmp(buf, whole) == 0, "cut at %zu and %zu:\n%s\nwant:\n%s", a, b, buf, whole);
			free(buf);
		}
	}
	free(whole);
	ck_assert(!iamp_report_in_parts(IAMP_REPORT_SARIF));
	ck_assert(!iamp_report_in_parts(IAMP_REPORT_HTML));
	iamp_diags_clear(&d);
}
END_TEST

/* The four diagnostics of test_report_forgotten, [lo, hi) of them added
 * to `d` as a file's thread makes its own. */
static void add_some(struct iamp_diags *d, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++) {
		switch (i) {
		case 0:
			add(d, IAMP_RULE_INVALID_EFFECT, "a.json", span(4, 15, 4, 21), "    \"Effect\": \"Alow\",", "e");
			break;
		case 1:
			add(d, IAMP_RULE_ALLOW_ALL, "a.json", span(6, 3, 9, 4), NULL, "a");
			break;
		case 2:
			add(d, IAMP_RULE_ALLOW_ALL, "b.json", span(16, 3, 19, 4), NULL, "b");
			break;
		default:
			add(d, IAMP_RULE_DUPLICATE_VALUE, "c.json", span(0, 0, 0, 0), NULL, "c");
			break;
		}
	}
}

/*
 * check -j's way (cmd_check.c): each part is written from a list of its
 * own, which is then forgotten into the run's list (iamp_diags_forget):
 * freed, only counted. The tail over a run that holds no item gives
 * iamp_report_write's bytes all the same (the summary's counts, the
 * findings array closed as a non-empty one), and the run's counts and
 * highest severity are those of the whole.
 */
START_TEST(test_report_forgotten)
{
	enum iamp_report_format fmt = part_formats[_i];
	struct iamp_report_opts opts = { .tool_version = "0.1.0", .data_version = "2025-01-01" };
	struct iamp_diags whole_d;
	size_t want[IAMP_SEV_ERROR + 1];
	char *whole;

	iamp_diags_init(&whole_d);
	add_some(&whole_d, 0, 4);
	whole = render(fmt, &whole_d, &opts);
	iamp_diags_count(&whole_d, want);
	for (size_t a = 0; a <= 4; a++) {
		size_t cut[3] = { 0, a, 4 }, len = 0, got[IAMP_SEV_ERROR + 1];
		struct iamp_diags run;
		char *buf = NULL;
		FILE *f = open_memstream(&buf, &len);
		bool wrote = false;

		ck_assert_ptr_nonnull(f);
		iamp_diags_init(&run);
		ck_assert_int_eq(iamp_report_head(f, fmt, &opts), IAMP_OK);
		for (int k = 0; k < 2; k++) {
			struct iamp_diags part;

			iamp_diags_init(&part);
			add_some(&part, cut[k], cut[k + 1]);
			if (part.count && wrote)
				fputs(iamp_report_joiner(fmt), f);
			wrote |= part.count > 0;
			ck_assert_int_eq(iamp_report_part(f, fmt, part.items, part.count, cut[k], &opts), IAMP_OK);
			iamp_diags_forget(&run, &part);
			ck_assert_uint_eq(part.count, 0);
			ck_assert_ptr_null(part.items);
		}
		ck_assert_uint_eq(run.count, 0);
		ck_assert_int_eq(iamp_report_tail(f, fmt, &run, &opts), IAMP_OK);
		ck_assert_int_eq(fclose(f), 0);
		ck_assert_msg(strcmp(buf, whole) == 0, "cut at %zu:\n%s\nwant:\n%s", a, buf, whole);
		iamp_diags_count(&run, got);
		ck_assert_mem_eq(got, want, sizeof(want));
		ck_assert_int_eq(iamp_diags_max_severity(&run), IAMP_SEV_ERROR);
		free(buf);
		iamp_diags_clear(&run);
	}
	free(whole);
	iamp_diags_clear(&whole_d);
}
END_TEST

/* The highest severity and the counts over held and forgotten items
 * together: a forgotten error outranks held warnings, a held error
 * forgotten suggestions. */
START_TEST(test_diags_forget_counts)
{
	struct iamp_diags run, part;
	size_t count[IAMP_SEV_ERROR + 1];

	iamp_diags_init(&run);
	iamp_diags_init(&part);
	ck_assert_int_eq(iamp_diags_max_severity(&run), -1);
	add(&part, IAMP_RULE_INVALID_EFFECT, "a.json", span(1, 1, 1, 2), NULL, "e"); /* error */
	iamp_diags_forget(&run, &part);
	add(&run, IAMP_RULE_DUPLICATE_VALUE, "b.json", span(1, 1, 1, 2), NULL, "w");
	ck_assert_int_eq(iamp_diags_max_severity(&run), IAMP_SEV_ERROR);
	iamp_diags_count(&run, count);
	ck_assert_uint_eq(count[IAMP_SEV_ERROR], 1);
	ck_assert_uint_eq(count[iamp_rules[IAMP_RULE_DUPLICATE_VALUE].severity], 1);
	iamp_diags_clear(&run);
	ck_assert_int_eq(iamp_diags_max_severity(&run), -1); /* clear forgets the counts too */
	add(&part, IAMP_RULE_DUPLICATE_VALUE, "b.json", span(1, 1, 1, 2), NULL, "w");
	iamp_diags_forget(&run, &part);
	add(&run, IAMP_RULE_INVALID_EFFECT, "a.json", span(1, 1, 1, 2), NULL, "e");
	ck_assert_int_eq(iamp_diags_max_severity(&run), IAMP_SEV_ERROR);
	/* moved lists carry their forgotten counts along */
	iamp_diags_init(&part);
	ck_assert_int_eq(iamp_diags_move(&part, &run), 0);
	iamp_diags_count(&part, count);
	ck_assert_uint_eq(count[IAMP_SEV_ERROR], 1);
	ck_assert_uint_eq(count[iamp_rules[IAMP_RULE_DUPLICATE_VALUE].severity], 1);
	ck_assert_int_eq(iamp_diags_max_severity(&run), -1);
	iamp_diags_clear(&part);
}
END_TEST

/* A report many times the writer's buffer, and a string longer than it
 * and runs of plain text longer than it (written past the buffer), with
 * escapes on either side of its boundaries, read back whole. */
START_TEST(test_json_long)
{
	struct iamp_diags d;
	json_object *root;
	char *out, msg[64], *big, *buf = NULL;
	size_t len = 0, n = 30000;
	FILE *f;

	iamp_diags_init(&d);
	for (int i = 0; i < 500; i++) {
		snprintf(msg, sizeof msg, "finding \"%d\"\tof 500", i);
		add(&d, IAMP_RULE_ALLOW_ALL, "p.json", span((uint32_t)i + 1, 1, (uint32_t)i + 1, 2), NULL, msg);
	}
	out = render(IAMP_REPORT_JSON, &d, NULL);
	ck_assert_uint_gt(strlen(out), 3 * 8192);
	root = parse_json(out);
	ck_assert_uint_eq(json_object_array_length(get(root, "diagnostics")), 500);
	for (int i = 0; i < 500; i++) {
		char idx[8];

		snprintf(idx, sizeof idx, "%d", i);
		snprintf(msg, sizeof msg, "finding \"%d\"\tof 500", i);
		ck_assert_str_eq(get_str(root, "diagnostics", idx, "message"), msg);
		ck_assert_int_eq(get_int(root, "diagnostics", idx, "line"), i + 1);
	}
	json_object_put(root);
	free(out);
	iamp_diags_clear(&d);

	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	for (size_t i = 10000; i < 10020; i += 3)
		big[i] = '"';
	big[16383] = '\n';
	big[n] = '\0';
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	iamp_json_string(f, big, n);
	ck_assert_int_eq(fclose(f), 0);
	root = parse_json(buf);
	ck_assert_str_eq(json_object_get_string(root), big);
	json_object_put(root);
	free(buf);
	free(big);
}
END_TEST

/* Every control character escaped; valid UTF-8 passed through; each byte
 * that is not UTF-8 (stray continuation, overlong, surrogate, truncated)
 * replaced by U+FFFD. */
START_TEST(test_json_escaping)
{
	struct iamp_diags d;
	json_object *root;
	char msg[256], expect[512], *out, *raw;
	size_t n = 0, e = 0;

	iamp_diags_init(&d);
	for (int c = 1; c < 0x20; c++)
		msg[n++] = (char)c;
	n += (size_t)sprintf(msg + n, "\x7f\"\\/ \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80|");
	memcpy(expect, msg, n);
	e = n;
	/* invalid: 0xFF, stray 0x80, overlong "/" (C0 AF), surrogate
	 * (ED A0 80), truncated 3-byte sequence at the end */
	n += (size_t)sprintf(msg + n, "\xFF\x80\xC0\xAF\xED\xA0\x80\xE2\x82");
	msg[n] = '\0';
	e += (size_t)sprintf(expect + e, "%s", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
					      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	expect[e] = '\0';
	add(&d, IAMP_RULE_INVALID_UTF8, "we\"ird\\p\xC3\xA4th\t.json", span(1, 1, 1, 2), NULL, msg);
	out = render(IAMP_REPORT_JSON, &d, NULL);
	raw = strstr(out, "\"message\": ");
	ck_assert_ptr_nonnull(raw);
	{
		static const char head[] = "\"message\": \"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
					   "\\b\\t\\n\\u000b\\f\\r\\u000e";

		ck_assert_msg(strncmp(raw, head, strlen(head)) == 0, "%s", raw);
	}
	ck_assert_ptr_nonnull(strstr(raw, "\\u001f\\u007f\\\"\\\\/ \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80|\\ufffd"));
	root = parse_json(out);
	ck_assert_str_eq(get_str(root, "diagnostics", "0", "message"), expect);
	ck_assert_str_eq(get_str(root, "diagnostics", "0", "path"), "we\"ird\\p\xC3\xA4th\t.json");
	json_object_put(root);
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

/* --- SARIF ------------------------------------------------------------ */

static const char *const sarif_files[] = {
	"./dir with space/a#b%.json", "policies/\xC3\xA9t\xC3\xA9.json", "/abs/x y.json", "./ok.json",
};

static void sarif_fixture(struct iamp_diags *d)
{
	iamp_diags_init(d);
	add(d, IAMP_RULE_INVALID_EFFECT, "./dir with space/a#b%.json", span(4, 12, 4, 18),
	    "\t\"Effect\": \"Alow\",", "Effect \"Alow\" is neither Allow nor Deny");
	add(d, IAMP_RULE_UNKNOWN_ELEMENT, "policies/\xC3\xA9t\xC3\xA9.json", span(5, 3, 5, 11),
	    "  \"Acti\xC3\xB6n\": \"s3:*\"", "Unknown element \"Acti\xC3\xB6n\"");
	add(d, IAMP_RULE_ALLOW_ALL, "/abs/x y.json", span(2, 5, 6, 6), "    {", "Allows everything");
	add(d, IAMP_RULE_ALLOW_ALL, "/abs/x y.json", span(12, 5, 16, 6), "    {", "Allows everything");
	add(d, IAMP_RULE_SYNTAX_ERROR, "other.yaml", span(0, 0, 0, 0), NULL, "Cannot parse");
	add(d, IAMP_RULE_MISSING_VERSION, "dir with space/a#b%.json", span(1, 1, 1, 1), "{", "No Version");
}

static const struct iamp_report_opts sarif_opts = {
	.tool_version = "0.1.0", .data_version = "2025.1",
	.files = sarif_files, .file_count = 4,
};

START_TEST(test_sarif_run)
{
	struct iamp_diags d;
	json_object *root, *run, *driver;
	char *out;

	sarif_fixture(&d);
	out = render(IAMP_REPORT_SARIF, &d, &sarif_opts);
	root = parse_json(out);
	ck_assert_str_eq(get_str(root, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
	ck_assert_str_eq(get_str(root, "version"), "2.1.0");
	ck_assert_uint_eq(json_object_array_length(get(root, "runs")), 1);
	run = get(root, "runs", "0");
	ck_assert_str_eq(get_str(run, "columnKind"), "unicodeCodePoints");
	ck_assert(json_object_get_boolean(get(run, "invocations", "0", "executionSuccessful")));
	ck_assert(has(get(run, "originalUriBaseIds"), "SRCROOT"));
	ck_assert(!has(get(run, "originalUriBaseIds", "SRCROOT"), "uri"));
	ck_assert(!has(run, "automationDetails")); /* left to the uploader's category */
	driver = get(run, "tool", "driver");
	ck_assert_str_eq(get_str(driver, "name"), "iamproof");
	ck_assert_str_eq(get_str(driver, "version"), "0.1.0");
	ck_assert_str_eq(get_str(driver, "semanticVersion"), "0.1.0");
	ck_assert_str_eq(get_str(driver, "informationUri"), IAMP_REPORT_PROJECT_URI);
	ck_assert_str_eq(get_str(driver, "properties", "dataVersion"), "2025.1");
	json_object_put(root);
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

START_TEST(test_sarif_rules)
{
	struct iamp_diags d;
	json_object *root, *rules;
	char *out;

	iamp_diags_init(&d);
	out = render(IAMP_REPORT_SARIF, &d, NULL);
	root = parse_json(out);
	rules = get(root, "runs", "0", "tool", "driver", "rules");
	ck_assert_uint_eq(json_object_array_length(rules), IAMP_RULE__COUNT);
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++) {
		json_object *r = json_object_array_get_idx(rules, i);
		const struct iamp_rule *rule = &iamp_rules[i];
		char name[64], uri[256], anchor[64];
		const char *level = get_str(r, "defaultConfiguration", "level");
		json_object *tags = get(r, "properties", "tags");

		for (size_t k = 0; k <= strlen(rule->id); k++)
			anchor[k] = (char)(rule->id[k] >= 'A' && rule->id[k] <= 'Z' ? rule->id[k] + 32 : rule->id[k]);
		snprintf(uri, sizeof(uri), "%s/blob/main/docs/rules.md#%s", IAMP_REPORT_PROJECT_URI, anchor);
		ck_assert_str_eq(get_str(r, "id"), rule->id);
		ck_assert_str_eq(get_str(r, "name"), iamp_rule_name(name, sizeof(name), rule->id));
		ck_assert_str_ne(get_str(r, "name"), rule->id);
		ck_assert_str_eq(get_str(r, "shortDescription", "text"), rule->title);
		ck_assert_ptr_nonnull(strstr(get_str(r, "fullDescription", "text"), rule->help));
		ck_assert_str_eq(get_str(r, "help", "text"), rule->help);
		ck_assert_str_eq(get_str(r, "helpUri"), uri);
		switch (rule->severity) {
		case IAMP_SEV_ERROR:
			ck_assert_str_eq(level, "error");
			break;
		case IAMP_SEV_SECURITY_WARNING:
			ck_assert_str_eq(level, "warning");
			ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(tags, 0)), "security");
			ck_assert_str_eq(get_str(r, "properties", "security-severity"), "7.5");
			break;
		case IAMP_SEV_WARNING:
			ck_assert_str_eq(level, "warning");
			break;
		case IAMP_SEV_SUGGESTION:
			ck_assert_str_eq(level, "note");
			break;
		}
		if (rule->severity != IAMP_SEV_SECURITY_WARNING)
			ck_assert(!has(get(r, "properties"), "security-severity"));
	}
	ck_assert_uint_eq(json_object_array_length(get(root, "runs", "0", "results")), 0);
	ck_assert_uint_eq(json_object_array_length(get(root, "runs", "0", "artifacts")), 0);
	ck_assert(!has(get(root, "runs", "0", "tool", "driver"), "version"));
	json_object_put(root);
	free(out);
}
END_TEST

START_TEST(test_sarif_results)
{
	struct iamp_diags d;
	json_object *root, *run, *results, *artifacts;
	char *out;

	sarif_fixture(&d);
	d.items[1].severity = IAMP_SEV_SUGGESTION; /* lowered */
	out = render(IAMP_REPORT_SARIF, &d, &sarif_opts);
	root = parse_json(out);
	run = get(root, "runs", "0");
	results = get(run, "results");
	artifacts = get(run, "artifacts");
	ck_assert_uint_eq(json_object_array_length(results), d.count);

	for (size_t i = 0; i < d.count; i++) {
		json_object *r = json_object_array_get_idx(results, i);
		json_object *loc = get(r, "locations", "0", "physicalLocation", "artifactLocation");
		int64_t rule = get_int(r, "ruleIndex"), art = get_int(loc, "index");

		/* ruleIndex and ruleId agree, index and uri agree */
		ck_assert_int_eq(rule, d.items[i].rule);
		ck_assert_str_eq(get_str(r, "ruleId"), iamp_rules[d.items[i].rule].id);
		ck_assert_str_eq(get_str(r, "ruleId"),
				 get_str(json_object_array_get_idx(get(run, "tool", "driver", "rules"), (size_t)rule), "id"));
		ck_assert_int_ge(art, 0);
		ck_assert_int_lt(art, (int64_t)json_object_array_length(artifacts));
		ck_assert_str_eq(get_str(loc, "uri"),
				 get_str(json_object_array_get_idx(artifacts, (size_t)art), "location", "uri"));
		ck_assert_str_eq(get_str(r, "message", "text"), d.items[i].message);
	}

	/* artifacts: the analyzed files in order, then other diagnostics'
	 * paths; "./x" and "x" are one artifact */
	ck_assert_uint_eq(json_object_array_length(artifacts), 5);
	ck_assert_str_eq(get_str(artifacts, "0", "location", "uri"), "dir%20with%20space/a%23b%25.json");
	ck_assert_str_eq(get_str(artifacts, "0", "location", "uriBaseId"), "SRCROOT");
	ck_assert_str_eq(get_str(artifacts, "1", "location", "uri"), "policies/%C3%A9t%C3%A9.json");
	ck_assert_str_eq(get_str(artifacts, "2", "location", "uri"), "file:///abs/x%20y.json");
	ck_assert(!has(get(artifacts, "2", "location"), "uriBaseId"));
	ck_assert_str_eq(get_str(artifacts, "3", "location", "uri"), "ok.json");
	ck_assert_str_eq(get_str(artifacts, "4", "location", "uri"), "other.yaml");
	ck_assert_str_eq(get_str(artifacts, "0", "roles", "0"), "analysisTarget");
	ck_assert_int_eq(get_int(results, "5", "locations", "0", "physicalLocation", "artifactLocation", "index"), 0);
	ck_assert_int_eq(get_int(results, "4", "locations", "0", "physicalLocation", "artifactLocation", "index"), 4);

	/* levels follow the diagnostic's severity */
	ck_assert_str_eq(get_str(results, "0", "level"), "error");
	ck_assert_str_eq(get_str(results, "1", "level"), "note");
	ck_assert_str_eq(get_str(results, "1", "properties", "severity"), "suggestion");
	ck_assert_str_eq(get_str(results, "2", "level"), "warning");
	ck_assert_str_eq(get_str(results, "5", "level"), "warning");

	/* regions: columns in code points, end exclusive, snippet = the text
	 * of a one-line region, context = its line */
	{
		json_object *pl = get(results, "1", "locations", "0", "physicalLocation");

		ck_assert_int_eq(get_int(pl, "region", "startLine"), 5);
		ck_assert_int_eq(get_int(pl, "region", "startColumn"), 3);
		ck_assert_int_eq(get_int(pl, "region", "endLine"), 5);
		ck_assert_int_eq(get_int(pl, "region", "endColumn"), 11);
		ck_assert_str_eq(get_str(pl, "region", "snippet", "text"), "\"Acti\xC3\xB6n\"");
		ck_assert_str_eq(get_str(pl, "contextRegion", "snippet", "text"), "  \"Acti\xC3\xB6n\": \"s3:*\"");
		ck_assert(!has(get(pl, "region"), "charOffset"));

		pl = get(results, "0", "locations", "0", "physicalLocation");
		ck_assert_str_eq(get_str(pl, "region", "snippet", "text"), "\"Alow\"");

		/* several lines: no snippet, no one-line context */
		pl = get(results, "2", "locations", "0", "physicalLocation");
		ck_assert_int_eq(get_int(pl, "region", "startLine"), 2);
		ck_assert_int_eq(get_int(pl, "region", "endLine"), 6);
		ck_assert_int_eq(get_int(pl, "region", "endColumn"), 6);
		ck_assert(!has(get(pl, "region"), "snippet"));
		ck_assert(!has(pl, "contextRegion"));

		/* no position: the start of the file, as an empty region */
		pl = get(results, "4", "locations", "0", "physicalLocation");
		ck_assert_int_eq(get_int(pl, "region", "startLine"), 1);
		ck_assert_int_eq(get_int(pl, "region", "startColumn"), 1);
		ck_assert_int_eq(get_int(pl, "region", "endLine"), 1);
		ck_assert_int_eq(get_int(pl, "region", "endColumn"), 1);

		/* empty span: an empty region, no snippet */
		pl = get(results, "5", "locations", "0", "physicalLocation");
		ck_assert_int_eq(get_int(pl, "region", "endColumn"), 1);
		ck_assert(!has(get(pl, "region"), "snippet"));
	}
	json_object_put(root);
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

START_TEST(test_sarif_fingerprints)
{
	struct iamp_diags d;
	json_object *root, *results;
	char *out, *again, fp[17], expect[32];
	const char *h[6];

	sarif_fixture(&d);
	out = render(IAMP_REPORT_SARIF, &d, &sarif_opts);
	again = render(IAMP_REPORT_SARIF, &d, &sarif_opts);
	ck_assert_str_eq(out, again); /* byte for byte: no time, no cwd */
	root = parse_json(out);
	results = get(root, "runs", "0", "results");
	for (size_t i = 0; i < 6; i++) {
		h[i] = get_str(json_object_array_get_idx(results, i),
			       "partialFingerprints", "primaryLocationLineHash");
		iamp_diag_fingerprint(&d.items[i], fp);
		ck_assert_str_eq(get_str(json_object_array_get_idx(results, i), "partialFingerprints",
					 "iamproofFingerprint/v2"), fp);
	}
	iamp_diag_fingerprint(&d.items[0], fp);
	snprintf(expect, sizeof(expect), "%s:1", fp);
	ck_assert_str_eq(h[0], expect);
	/* different lines, different fingerprints */
	ck_assert_str_ne(h[0], h[1]);
	ck_assert_str_ne(h[0], h[5]);
	/* results 2 and 3 have the same rule, file, line text and message:
	 * one fingerprint, told apart by the occurrence count */
	ck_assert_int_eq(strncmp(h[2], h[3], 16), 0);
	ck_assert_str_eq(h[2] + 16, ":1");
	ck_assert_str_eq(h[3] + 16, ":2");
	json_object_put(root);

	/* nor on indentation or a trailing comma: the statement moved to
	 * the end of its list */
	{
		struct iamp_diag moved = d.items[0];
		char fp2[17];
		char line[600];

		snprintf(line, sizeof(line), "        %s,  ", d.items[0].source_line);
		moved.source_line = line;
		iamp_diag_fingerprint(&d.items[0], fp);
		iamp_diag_fingerprint(&moved, fp2);
		ck_assert_str_eq(fp, fp2);
		snprintf(line, sizeof(line), "%s x", d.items[0].source_line);
		iamp_diag_fingerprint(&moved, fp2);
		ck_assert_str_ne(fp, fp2);
	}

	/* the fingerprint does not depend on the line number */
	d.items[0].span = span(40, 12, 40, 18);
	free(again);
	again = render(IAMP_REPORT_SARIF, &d, &sarif_opts);
	root = parse_json(again);
	ck_assert_str_eq(get_str(root, "runs", "0", "results", "0", "partialFingerprints",
				 "primaryLocationLineHash"), expect);
	json_object_put(root);
	free(again);
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

/* Each row: a path as given, the URI and whether it is relative. */
static const struct {
	const char *path, *uri;
	bool relative;
} uri_cases[] = {
	{ "p.json", "p.json", true },
	{ "./p.json", "p.json", true },
	{ "././/p.json", "p.json", true },
	{ "dir with space/a#b.json", "dir%20with%20space/a%23b.json", true },
	{ "100%.json", "100%25.json", true },
	{ "c:x.json", "c%3Ax.json", true },
	{ "q?x&y=[1].json", "q%3Fx%26y%3D%5B1%5D.json", true },
	{ "\xC3\xA9t\xC3\xA9/\xE6\x97\xA5.yaml", "%C3%A9t%C3%A9/%E6%97%A5.yaml", true },
	{ "../up/p.json", "../up/p.json", true },
	{ "a-b_c.d~e.json", "a-b_c.d~e.json", true },
	{ "/abs/p q.json", "file:///abs/p%20q.json", false },
	{ "back\\slash.json", "back%5Cslash.json", true },
};

START_TEST(test_sarif_uri)
{
	struct iamp_diags d;
	json_object *root, *loc;
	char *out;

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_MISSING_VERSION, uri_cases[_i].path, span(1, 1, 1, 2), "{", "m");
	out = render(IAMP_REPORT_SARIF, &d, NULL);
	root = parse_json(out);
	loc = get(root, "runs", "0", "results", "0", "locations", "0", "physicalLocation", "artifactLocation");
	ck_assert_str_eq(get_str(loc, "uri"), uri_cases[_i].uri);
	ck_assert_int_eq(has(loc, "uriBaseId"), uri_cases[_i].relative);
	if (uri_cases[_i].relative)
		ck_assert_str_eq(get_str(loc, "uriBaseId"), "SRCROOT");
	ck_assert_str_eq(get_str(root, "runs", "0", "artifacts", "0", "location", "uri"), uri_cases[_i].uri);
	json_object_put(root);
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

/* semanticVersion only when the version is SemVer 2.0.0. */
static const struct {
	const char *version;
	bool semver;
} semver_cases[] = {
	{ "0.1.0", true },
	{ "10.20.30", true },
	{ "1.2.3-rc.1+build.5", true },
	{ "0.1.0-5-gabc123", true },
	{ "1.0.0-alpha-a.b-c", true },
	{ "1.0.0+20130313144700", true },
	{ "1.0.0-0.3.7", true },
	{ "01.2.3", false },
	{ "1.02.3", false },
	{ "1.2", false },
	{ "1.2.3-01", false },
	{ "1.2.3-", false },
	{ "1.2.3+", false },
	{ "1.2.3-a..b", false },
	{ "1.2.3+a+b", false },
	{ "v1.2.3", false },
	{ "1.2.3 ", false },
	{ "dev", false },
};

START_TEST(test_sarif_semver)
{
	struct iamp_diags d;
	struct iamp_report_opts opts = { .tool_version = semver_cases[_i].version };
	json_object *root, *driver;
	char *out;

	iamp_diags_init(&d);
	out = render(IAMP_REPORT_SARIF, &d, &opts);
	root = parse_json(out);
	driver = get(root, "runs", "0", "tool", "driver");
	ck_assert_str_eq(get_str(driver, "version"), semver_cases[_i].version);
	ck_assert_int_eq(has(driver, "semanticVersion"), semver_cases[_i].semver);
	json_object_put(root);
	free(out);
}
END_TEST

START_TEST(test_sarif_oom_flag)
{
	struct iamp_diags d;
	json_object *root, *inv;
	char *out;

	iamp_diags_init(&d);
	d.oom = true;
	out = render(IAMP_REPORT_SARIF, &d, NULL);
	root = parse_json(out);
	inv = get(root, "runs", "0", "invocations", "0");
	ck_assert(!json_object_get_boolean(get(inv, "executionSuccessful")));
	ck_assert_str_eq(get_str(inv, "toolExecutionNotifications", "0", "level"), "error");
	json_object_put(root);
	free(out);
}
END_TEST

/* --- the rule listing ------------------------------------------------- */

static char *render_rules(int which, int expect_rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(which < 0 ? iamp_rules_write_markdown(f)
				   : iamp_rules_write(f, (enum iamp_report_format)which), expect_rc);
	fclose(f);
	return buf;
}

START_TEST(test_rules_text)
{
	char *out = render_rules(IAMP_REPORT_TEXT, IAMP_OK), *line = out, *nl;
	size_t lines = 0, scol, tcol;

	ck_assert_int_eq(strncmp(out, "ID ", 3), 0);
	scol = (size_t)(strstr(out, "  SEVERITY  ") + 2 - out);
	tcol = (size_t)(strstr(out, "  TITLE\n") + 2 - out);
	for (; (nl = strchr(line, '\n')); line = nl + 1, lines++) {
		const struct iamp_rule *r;
		const char *sev;
		size_t ncodes = 0;

		if (!lines)
			continue;
		r = &iamp_rules[lines - 1];
		/* under a rule, its AWS issue codes, each as aa_codes.def has it */
		for (size_t k = 0; k < iamp_aa_code_count; k++)
			ncodes += iamp_aa_codes[k].rule == (enum iamp_rule_id)(r - iamp_rules);
		if (ncodes) {
			const char *codes = strchr(nl + 1, '\n');

			ck_assert_ptr_nonnull(codes);
			ck_assert_int_eq(strncmp(nl + 1, "  AWS: ", 7), 0);
			for (size_t k = 0; k < iamp_aa_code_count; k++)
				if (iamp_aa_codes[k].rule == (enum iamp_rule_id)(r - iamp_rules))
					ck_assert(memmem(nl + 1, (size_t)(codes - nl - 1), iamp_aa_codes[k].code,
							 strlen(iamp_aa_codes[k].code)));
		}
		sev = iamp_severity_name(r->severity);
		/* every row aligned under the header */
		ck_assert_int_eq(strncmp(line, r->id, strlen(r->id)), 0);
		ck_assert_int_eq(line[strlen(r->id)], ' ');
		ck_assert_int_eq(strncmp(line + scol, sev, strlen(sev)), 0);
		ck_assert_int_eq(strncmp(line + tcol, r->title, strlen(r->title)), 0);
		ck_assert_ptr_eq(line + tcol + strlen(r->title), nl);
		if (ncodes)
			nl = strchr(nl + 1, '\n');
	}
	ck_assert_uint_eq(lines, IAMP_RULE__COUNT + 1);
	ck_assert_str_eq(line, "");
	free(out);
}
END_TEST

START_TEST(test_rules_json)
{
	char *out = render_rules(IAMP_REPORT_JSON, IAMP_OK), name[64];
	json_object *root = parse_json(out);

	ck_assert(json_object_is_type(root, json_type_array));
	ck_assert_uint_eq(json_object_array_length(root), IAMP_RULE__COUNT);
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++) {
		json_object *r = json_object_array_get_idx(root, i);

		ck_assert_str_eq(get_str(r, "id"), iamp_rules[i].id);
		ck_assert_str_eq(get_str(r, "name"), iamp_rule_name(name, sizeof(name), iamp_rules[i].id));
		ck_assert_str_eq(get_str(r, "severity"), iamp_severity_name(iamp_rules[i].severity));
		ck_assert_str_eq(get_str(r, "title"), iamp_rules[i].title);
		ck_assert_str_eq(get_str(r, "help"), iamp_rules[i].help);
		ck_assert_int_eq(strncmp(get_str(r, "helpUri"), IAMP_REPORT_PROJECT_URI, strlen(IAMP_REPORT_PROJECT_URI)), 0);
	}
	json_object_put(root);
	free(out);
}
END_TEST

START_TEST(test_rules_sarif_refused)
{
	char *out = render_rules(IAMP_REPORT_SARIF, IAMP_EINVAL);

	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_rules_markdown)
{
	char *out = render_rules(-1, IAMP_OK);
	const char *prev = out;

	ck_assert_int_eq(strncmp(out, "# Rules\n", 8), 0);
	for (size_t i = 0; i < IAMP_RULE__COUNT; i++) {
		const struct iamp_rule *r = &iamp_rules[i];
		char heading[80], link[160], anchor[64];
		const char *at;

		for (size_t k = 0; k <= strlen(r->id); k++)
			anchor[k] = (char)(r->id[k] >= 'A' && r->id[k] <= 'Z' ? r->id[k] + 32 : r->id[k]);
		snprintf(heading, sizeof(heading), "\n## %s\n", r->id);
		snprintf(link, sizeof(link), "| [%s](#%s) | %s | ", r->id, anchor,
			 iamp_severity_name(r->severity));
		ck_assert_ptr_nonnull(strstr(out, link));
		/* sections in table order */
		at = strstr(out, heading);
		ck_assert_ptr_nonnull(at);
		ck_assert(at > prev);
		prev = at;
	}
	/* Markdown metacharacters of the help text are escaped. */
	ck_assert_ptr_nonnull(strstr(out, "Numeric\\*"));
	ck_assert_ptr_null(strstr(out, "Numeric* "));
	free(out);
}
END_TEST

/* --- write errors ----------------------------------------------------- */

/* --- HTML ------------------------------------------------------------- */

/* Everything from input is text in the page: a message, a path, a source
 * line and an argument with markup in them come out as entities, never as
 * elements; controls as '?'. */
START_TEST(test_html_escaping)
{
	struct iamp_diags d;
	const char *args[] = { "--format", "html", "<img src=x>" };
	char *out;

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_UNKNOWN_ELEMENT, "x<b>\"'&.json", span(1, 3, 1, 9),
	    "{\"<script>\":1}", "bad <script>alert(1)</script> \033[2J");
	out = render(IAMP_REPORT_HTML, &d,
		     &(struct iamp_report_opts){ .command = "iamproof check", .args = args, .arg_count = 3 });
	ck_assert_ptr_null(strstr(out, "<script>alert"));
	ck_assert_ptr_null(strstr(out, "<b>"));
	ck_assert_ptr_null(strstr(out, "<img"));
	ck_assert_ptr_nonnull(strstr(out, "bad &lt;script&gt;alert(1)&lt;/script&gt; ?[2J"));
	ck_assert_ptr_nonnull(strstr(out, "x&lt;b&gt;&quot;&#39;&amp;.json"));
	ck_assert_ptr_nonnull(strstr(out, "{&quot;&lt;script&gt;&quot;:1}\n  ^~~~~~\n</pre>"));
	ck_assert_ptr_nonnull(strstr(out, "iamproof check --format html '&lt;img src=x&gt;'"));
	/* the page's own script is the only one */
	ck_assert_ptr_eq(strstr(out, "<script"), strstr(out, "<script>(function"));
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

/* Grouped by file, then by severity from the highest; the header's time
 * is the one given, so that a page is reproducible. */
START_TEST(test_html_groups)
{
	struct iamp_diags d;
	char *out, *a, *b, *c, *e;

	iamp_diags_init(&d);
	add(&d, IAMP_RULE_RESOURCE_MISMATCH, "a.json", span(1, 1, 1, 2), NULL, "first-warning");
	add(&d, IAMP_RULE_UNKNOWN_ELEMENT, "a.json", span(2, 1, 2, 2), NULL, "then-error");
	add(&d, IAMP_RULE_UNKNOWN_ELEMENT, "b.json", span(1, 1, 1, 2), NULL, "other-file");
	out = render(IAMP_REPORT_HTML, &d,
		     &(struct iamp_report_opts){ .tool_version = "9.9", .data_version = "2026-01-02",
						 .run_time = 1700000000 });
	a = strstr(out, "then-error");
	b = strstr(out, "first-warning");
	c = strstr(out, "other-file");
	e = strstr(out, "<h2>b.json");
	ck_assert(a && b && c && e && a < b && b < e && e < c);
	ck_assert_ptr_nonnull(strstr(out, "<dd id=\"run-time\">2023-11-14 22:13:20 UTC</dd>"));
	ck_assert_ptr_nonnull(strstr(out, "<dd id=\"version\">9.9</dd>"));
	ck_assert_ptr_nonnull(strstr(out, "<dd id=\"data-date\">2026-01-02</dd>"));
	ck_assert_ptr_nonnull(strstr(out, "<dt id=\"rule-RESOURCE_MISMATCH\">"));
	ck_assert_ptr_null(strstr(out, "<dt id=\"rule-MISSING_EFFECT\">")); /* only rules that fired */
	free(out);
	iamp_diags_clear(&d);
}
END_TEST

/*
 * The worst case of issue 14's size target: 1,000 targets that do not
 * fold (one account each) by 20 properties, every answer violated with a
 * counterexample of its own account, stays under 5 MB. IAMP_HTML_BIG=FILE
 * keeps the page (docs/report.md measures it in a browser).
 */
START_TEST(test_html_proofs_size)
{
	enum { ROWS = 1000, PROPS = 20 };
	static struct iamp_property p[PROPS];
	static struct iamp_report_property rp[PROPS];
	static char ids[PROPS][32], names[ROWS][64], principals[ROWS][64], accts[ROWS][16];
	static char *values[ROWS][1];
	static struct iamp_cex_key keys[ROWS][2];
	struct iamp_prove_result *res = calloc(ROWS, sizeof(*res));
	struct iamp_report_proof *pr = calloc((size_t)ROWS * PROPS, sizeof(*pr));
	const char *big = getenv("IAMP_HTML_BIG");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert(res && pr && f);
	for (size_t i = 0; i < PROPS; i++) {
		snprintf(ids[i], sizeof(ids[i]), "guardrail-number-%02zu-protected", i);
		p[i].id = ids[i];
		p[i].title = "A guardrail that must hold in every account of the organization";
		p[i].description = "What it denies, in a sentence or two, as the packs write it.";
		p[i].expect = IAMP_EXPECT_DENIED;
		rp[i] = (struct iamp_report_property){ .p = &p[i], .path = "properties/stage6.yaml" };
	}
	for (size_t r = 0; r < ROWS; r++) {
		snprintf(accts[r], sizeof(accts[r]), "%012zu", 200000000000u + r);
		snprintf(names[r], sizeof(names[r]), "account %s (a%zu)", accts[r], r);
		snprintf(principals[r], sizeof(principals[r]), "arn:aws:iam::%s:user/alice", accts[r]);
		values[r][0] = accts[r];
		keys[r][0] = (struct iamp_cex_key){ "aws:ResourceAccount", values[r], 1, false };
		keys[r][1] = (struct iamp_cex_key){ "aws:PrincipalAccount", values[r], 1, false };
		res[r].proof = IAMP_PROOF_VIOLATED;
		res[r].cex = (struct iamp_cex){ principals[r], "guardduty:DeleteDetector",
						"arn:aws:guardduty:us-east-1:*:detector/*", keys[r], 2 };
		for (size_t i = 0; i < PROPS; i++)
			pr[r * PROPS + i] = (struct iamp_report_proof){
				.property = i, .target = names[r], .target_key = accts[r],
				.assumptions = "identity and resource policies taken as allowing everything",
				.result = &res[r], .decision = IAMP_DECISION_ALLOWED,
				.place = "Root / Workloads / Production", .naccounts = 1 };
	}
	ck_assert_int_eq(iamp_report_proofs(f, IAMP_REPORT_HTML, rp, PROPS, pr, (size_t)ROWS * PROPS,
					    &(struct iamp_report_opts){ .run_time = 1700000000 }), IAMP_OK);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_lt(len, 5u << 20);
	ck_assert_ptr_nonnull(strstr(buf, "20000 \xE2\x9C\x97 violated"));
	if (big) {
		FILE *o = fopen(big, "w");

		ck_assert_ptr_nonnull(o);
		fwrite(buf, 1, len, o);
		fclose(o);
	}
	free(buf);
	free(pr);
	free(res);
}
END_TEST

START_TEST(test_write_error)
{
	struct iamp_diags d;
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		return; /* not Linux */
	iamp_diags_init(&d);
	add(&d, IAMP_RULE_MISSING_VERSION, "a.json", span(1, 1, 1, 2), "{", "m");
	iamp_error_clear();
	ck_assert_int_eq(iamp_report_write(f, _i, &d, NULL), IAMP_EIO);
	ck_assert_str_eq(iamp_error_last(), "cannot write the report");
	fclose(f);
	iamp_diags_clear(&d);
}
END_TEST

extern Suite *suite_report(void);

Suite *suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("formats");

#define N(a) (int)(sizeof(a) / sizeof(*(a)))
	tcase_add_loop_test(tc, test_format_parse, 0, N(format_cases));
	tcase_add_loop_test(tc, test_rule_name, 0, N(name_cases));
	tcase_add_test(tc, test_text_plain);
	tcase_add_test(tc, test_text_empty);
	tcase_add_loop_test(tc, test_text_caret, 0, N(caret_cases));
	tcase_add_test(tc, test_text_no_source_line);
	tcase_add_test(tc, test_text_color);
	tcase_add_test(tc, test_text_sanitized);
	tcase_add_test(tc, test_json_fields);
	tcase_add_test(tc, test_json_empty);
	tcase_add_test(tc, test_json_layout);
	tcase_add_test(tc, test_fingerprint_line);
	tcase_add_test(tc, json_string_every_offset);
	tcase_add_test(tc, test_json_long);
	tcase_add_loop_test(tc, test_report_in_parts, 0, sizeof(part_formats) / sizeof(*part_formats));
	tcase_add_loop_test(tc, test_report_forgotten, 0, sizeof(part_formats) / sizeof(*part_formats));
	tcase_add_test(tc, test_diags_forget_counts);
	tcase_add_test(tc, test_json_escaping);
	tcase_add_test(tc, test_sarif_run);
	tcase_add_test(tc, test_sarif_rules);
	tcase_add_test(tc, test_sarif_results);
	tcase_add_test(tc, test_sarif_fingerprints);
	tcase_add_loop_test(tc, test_sarif_uri, 0, N(uri_cases));
	tcase_add_loop_test(tc, test_sarif_semver, 0, N(semver_cases));
	tcase_add_test(tc, test_sarif_oom_flag);
	tcase_add_test(tc, test_rules_text);
	tcase_add_test(tc, test_rules_json);
	tcase_add_test(tc, test_rules_sarif_refused);
	tcase_add_test(tc, test_rules_markdown);
	tcase_add_test(tc, test_html_escaping);
	tcase_add_test(tc, test_html_groups);
	tcase_add_test(tc, test_html_proofs_size);
	tcase_add_loop_test(tc, test_write_error, IAMP_REPORT_TEXT, IAMP_REPORT_HTML + 1);
#undef N
	suite_add_tcase(s, tc);
	return s;
}
