/*
 * test_load.c - the loader: spans, strictness, limits, YAML, the corpus.
 *
 * Most tests are rows of static tables run with tcase_add_loop_test, so a
 * failure names its row (the `_i` of the loop). Positions are written as
 * line:col:offset triples and checked exactly. Error positions follow
 * load_json.c's rule: where the reader first sees the problem (a missing
 * comma at the token after the gap, a trailing comma at the closing
 * bracket, a comment at its '/').
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "error.h"
#include "load.h"

#define N(a) (sizeof(a) / sizeof(*(a)))
#define CORPUS "/work/shared/corpus/scp"

static struct iamp_document *doc;
static struct iamp_diags diags;

static void setup(void)
{
	doc = NULL;
	iamp_diags_init(&diags);
}

static void teardown(void)
{
	iamp_document_free(doc);
	doc = NULL;
	iamp_diags_clear(&diags);
}

static struct iamp_document *load_n(const char *text, size_t len,
				    enum iamp_format fmt,
				    const struct iamp_limits *lim)
{
	const char *path = fmt == IAMP_FORMAT_YAML ? "t.yaml" : "t.json";

	iamp_document_free(doc);
	doc = NULL;
	ck_assert_int_eq(iamp_load_buffer(&doc, path, text, len, fmt, lim,
					  &diags), 0);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static struct iamp_document *load(const char *text, enum iamp_format fmt)
{
	return load_n(text, strlen(text), fmt, NULL);
}

/*
 * The node at `path` under v: segments split by '/', a number indexes an
 * array, a name looks up a member; a last segment "@name" gives the key
 * span of member name (in *key). "" is v itself.
 */
static const struct iamp_value *walk(const struct iamp_value *v,
				     const char *path,
				     const struct iamp_span **key)
{
	char seg[64];

	*key = NULL;
	while (*path) {
		size_t n = strcspn(path, "/");
		const struct iamp_member *m;

		ck_assert_ptr_nonnull(v);
		ck_assert_uint_lt(n, sizeof(seg));
		memcpy(seg, path, n);
		seg[n] = '\0';
		path += n + (path[n] == '/');
		if (v->kind == IAMP_VALUE_ARRAY) {
			size_t i = strtoul(seg, NULL, 10);

			ck_assert_uint_lt(i, v->u.array.count);
			v = v->u.array.items[i];
		} else {
			ck_assert_int_eq(v->kind, IAMP_VALUE_OBJECT);
			m = iamp_value_member(v, seg[0] == '@' ? seg + 1 : seg);
			ck_assert_msg(m, "no member '%s'", seg);
			if (seg[0] == '@') {
				*key = &m->key_span;
				return v;
			}
			v = m->value;
		}
	}
	return v;
}

struct pos3 {
	unsigned line, col, offset;
};

static void check_pos(struct iamp_pos got, struct pos3 want, const char *what)
{
	ck_assert_msg(got.line == want.line && got.col == want.col &&
		      got.offset == want.offset,
		      "%s: got %u:%u (offset %u), want %u:%u (offset %u)", what,
		      got.line, got.col, got.offset, want.line, want.col,
		      want.offset);
}

/* --- spans ----------------------------------------------------------------- */

struct span_case {
	enum iamp_format fmt;
	const char *text;
	const char *path;
	struct pos3 start, end;
};

static const char nested_json[] =
	"{\n"
	"  \"Version\": \"2012-10-17\",\n"
	"  \"Statement\": [\n"
	"    {\"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", 42, true, null]}\n"
	"  ]\n"
	"}\n";

static const char tabs_crlf_json[] =
	"{\r\n\t\"a\":\t[1,\t\"\xc3\xa9\xc3\xa9\",\t2],\r\n\t\"b\": {}\r\n}";

static const char nested_yaml[] =
	"Version: '2012-10-17'\n"
	"Statement:\n"
	"  - Effect: Allow\n"
	"    Action: [s3:GetObject, \"s3:Put*\"]\n"
	"    Condition:\n"
	"      Bool: {aws:SecureTransport: false}\n"
	"Tail: 1\n";

static const struct span_case span_cases[] = {
	/* 0 */ { IAMP_FORMAT_JSON, nested_json, "", { 1, 1, 0 }, { 6, 2, 114 } },
	{ IAMP_FORMAT_JSON, nested_json, "@Version", { 2, 3, 4 }, { 2, 12, 13 } },
	{ IAMP_FORMAT_JSON, nested_json, "Version", { 2, 14, 15 }, { 2, 26, 27 } },
	{ IAMP_FORMAT_JSON, nested_json, "Statement", { 3, 16, 44 }, { 5, 4, 112 } },
	{ IAMP_FORMAT_JSON, nested_json, "Statement/0", { 4, 5, 50 }, { 4, 63, 108 } },
	/* 5 */ { IAMP_FORMAT_JSON, nested_json, "Statement/0/Effect", { 4, 16, 61 }, { 4, 23, 68 } },
	{ IAMP_FORMAT_JSON, nested_json, "Statement/0/Action", { 4, 35, 80 }, { 4, 62, 107 } },
	{ IAMP_FORMAT_JSON, nested_json, "Statement/0/Action/1", { 4, 47, 92 }, { 4, 49, 94 } },
	{ IAMP_FORMAT_JSON, nested_json, "Statement/0/Action/3", { 4, 57, 102 }, { 4, 61, 106 } },
	/* tabs are one column; CRLF is one line break; é is one column */
	{ IAMP_FORMAT_JSON, tabs_crlf_json, "@a", { 2, 2, 4 }, { 2, 5, 7 } },
	/* 10 */ { IAMP_FORMAT_JSON, tabs_crlf_json, "a", { 2, 7, 9 }, { 2, 19, 23 } },
	{ IAMP_FORMAT_JSON, tabs_crlf_json, "a/1", { 2, 11, 13 }, { 2, 15, 19 } },
	{ IAMP_FORMAT_JSON, tabs_crlf_json, "a/2", { 2, 17, 21 }, { 2, 18, 22 } },
	{ IAMP_FORMAT_JSON, tabs_crlf_json, "b", { 3, 7, 32 }, { 3, 9, 34 } },
	{ IAMP_FORMAT_JSON, tabs_crlf_json, "", { 1, 1, 0 }, { 4, 2, 37 } },
	/* 15: a byte order mark takes no column but counts in offsets */
	{ IAMP_FORMAT_JSON, "\xef\xbb\xbf{\"k\": \"v\"}", "k", { 1, 7, 9 }, { 1, 10, 12 } },
	{ IAMP_FORMAT_JSON, "\xef\xbb\xbf{\"k\": \"v\"}", "", { 1, 1, 3 }, { 1, 11, 13 } },
	/* lone CR is a line break too */
	{ IAMP_FORMAT_JSON, "[1,\r2]", "1", { 2, 1, 4 }, { 2, 2, 5 } },
	/* escapes: the span is of the source text */
	{ IAMP_FORMAT_JSON, "[\"\\uD83D\\uDE00\", 1]", "1", { 1, 18, 17 }, { 1, 19, 18 } },
	/* YAML: same tree, same spans */
	{ IAMP_FORMAT_YAML, nested_yaml, "@Version", { 1, 1, 0 }, { 1, 8, 7 } },
	/* 20 */ { IAMP_FORMAT_YAML, nested_yaml, "Version", { 1, 10, 9 }, { 1, 22, 21 } },
	{ IAMP_FORMAT_YAML, nested_yaml, "Statement/0/Effect", { 3, 13, 45 }, { 3, 18, 50 } },
	{ IAMP_FORMAT_YAML, nested_yaml, "Statement/0/Action", { 4, 13, 63 }, { 4, 38, 88 } },
	{ IAMP_FORMAT_YAML, nested_yaml, "Statement/0/Action/1", { 4, 28, 78 }, { 4, 37, 87 } },
	{ IAMP_FORMAT_YAML, nested_yaml, "Statement/0/Condition/Bool/aws:SecureTransport", { 5, 1, 0 }, { 5, 1, 0 } },
	/* 25: a block collection ends where its last item ends */
	{ IAMP_FORMAT_YAML, nested_yaml, "Statement", { 3, 3, 35 }, { 6, 41, 144 } },
	{ IAMP_FORMAT_YAML, nested_yaml, "Statement/0", { 3, 5, 37 }, { 6, 41, 144 } },
	{ IAMP_FORMAT_YAML, nested_yaml, "", { 1, 1, 0 }, { 7, 8, 152 } },
	{ IAMP_FORMAT_YAML, "a: 1\r\nb: xyz\r\n", "b", { 2, 4, 9 }, { 2, 7, 12 } },
	{ IAMP_FORMAT_YAML, "\xc3\xa9: \xc3\xbc\nk: [1,\tv]", "k/1", { 2, 8, 14 }, { 2, 9, 15 } },
	/* 30 */ { IAMP_FORMAT_YAML, "\xef\xbb\xbf" "a: b", "a", { 1, 4, 6 }, { 1, 5, 7 } },
	{ IAMP_FORMAT_YAML, "\xef\xbb\xbf" "a: b", "@a", { 1, 1, 3 }, { 1, 2, 4 } },
	/* a scalar over two lines ends on the second (load.c: loader_span's
	 * shortcut is for spans within a line) */
	{ IAMP_FORMAT_YAML, "a: x\n  y\nb: 1\n", "a", { 1, 4, 3 }, { 2, 4, 8 } },
	{ IAMP_FORMAT_YAML, "a: \"x\n  y\"\n", "a", { 1, 4, 3 }, { 2, 5, 10 } },
};

START_TEST(spans)
{
	const struct span_case *c = &span_cases[_i];
	const struct iamp_value *v;
	const struct iamp_span *key, *sp;

	load(c->text, c->fmt);
	ck_assert_msg(diags.count == 0, "unexpected diagnostic: %s",
		      diags.count ? diags.items[0].message : "");
	ck_assert_ptr_nonnull(doc->root);
	if (strcmp(c->path, "Statement/0/Condition/Bool/aws:SecureTransport") == 0) {
		/* a member name with a ':' inside a flow mapping */
		v = walk(doc->root, "Statement/0/Condition/Bool", &key);
		ck_assert_int_eq(v->kind, IAMP_VALUE_OBJECT);
		ck_assert_uint_eq(v->u.object.count, 1);
		ck_assert_str_eq(v->u.object.members[0].key, "aws:SecureTransport");
		ck_assert_int_eq(v->u.object.members[0].value->kind, IAMP_VALUE_BOOL);
		check_pos(v->span.start, (struct pos3){ 6, 13, 116 }, "flow map start");
		check_pos(v->span.end, (struct pos3){ 6, 41, 144 }, "flow map end");
		return;
	}
	v = walk(doc->root, c->path, &key);
	sp = key ? key : &v->span;
	check_pos(sp->start, c->start, "start");
	check_pos(sp->end, c->end, "end");
}
END_TEST

/* --- values ---------------------------------------------------------------- */

struct scalar_case {
	enum iamp_format fmt;
	const char *text;	/* JSON: a value; YAML: the value of "v: " */
	enum iamp_value_kind kind;
	const char *want;	/* STRING/NUMBER text; BOOL "true"/"false" */
	size_t len;		/* for STRING with a NUL; 0: strlen(want) */
};

static const struct scalar_case scalar_cases[] = {
	/* 0 */ { IAMP_FORMAT_JSON, "\"\\u0041\"", IAMP_VALUE_STRING, "A", 0 },
	{ IAMP_FORMAT_JSON, "\"\\u00e9\\u00C9\"", IAMP_VALUE_STRING, "\xc3\xa9\xc3\x89", 0 },
	{ IAMP_FORMAT_JSON, "\"\\u20AC\"", IAMP_VALUE_STRING, "\xe2\x82\xac", 0 },
	{ IAMP_FORMAT_JSON, "\"\\uD83D\\uDE00\"", IAMP_VALUE_STRING, "\xf0\x9f\x98\x80", 0 },
	{ IAMP_FORMAT_JSON, "\"a\\uD834\\uDD1Eb\"", IAMP_VALUE_STRING, "a\xf0\x9d\x84\x9e" "b", 0 },
	/* 5 */ { IAMP_FORMAT_JSON, "\"x\\u0001y\"", IAMP_VALUE_STRING, "x\001y", 0 },
	{ IAMP_FORMAT_JSON, "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", IAMP_VALUE_STRING, "\"\\/\b\f\n\r\t", 0 },
	{ IAMP_FORMAT_JSON, "\"\xc3\xa9t\xc3\xa9\"", IAMP_VALUE_STRING, "\xc3\xa9t\xc3\xa9", 0 },
	{ IAMP_FORMAT_JSON, "\"\"", IAMP_VALUE_STRING, "", 0 },
	{ IAMP_FORMAT_JSON, "0", IAMP_VALUE_NUMBER, "0", 0 },
	/* 10 */ { IAMP_FORMAT_JSON, "-0", IAMP_VALUE_NUMBER, "-0", 0 },
	{ IAMP_FORMAT_JSON, "1.50", IAMP_VALUE_NUMBER, "1.50", 0 },
	{ IAMP_FORMAT_JSON, "-1.5e10", IAMP_VALUE_NUMBER, "-1.5e10", 0 },
	{ IAMP_FORMAT_JSON, "1E+2", IAMP_VALUE_NUMBER, "1E+2", 0 },
	{ IAMP_FORMAT_JSON, "0.1e-2", IAMP_VALUE_NUMBER, "0.1e-2", 0 },
	/* 15 */ { IAMP_FORMAT_JSON, "123456789012345678901234567890", IAMP_VALUE_NUMBER, "123456789012345678901234567890", 0 },
	{ IAMP_FORMAT_JSON, "true", IAMP_VALUE_BOOL, "true", 0 },
	{ IAMP_FORMAT_JSON, " false ", IAMP_VALUE_BOOL, "false", 0 },
	{ IAMP_FORMAT_JSON, "null", IAMP_VALUE_NULL, NULL, 0 },
	{ IAMP_FORMAT_YAML, "null", IAMP_VALUE_NULL, NULL, 0 },
	/* 20 */ { IAMP_FORMAT_YAML, "~", IAMP_VALUE_NULL, NULL, 0 },
	{ IAMP_FORMAT_YAML, "", IAMP_VALUE_NULL, NULL, 0 },
	{ IAMP_FORMAT_YAML, "NULL", IAMP_VALUE_NULL, NULL, 0 },
	{ IAMP_FORMAT_YAML, "Null", IAMP_VALUE_NULL, NULL, 0 },
	{ IAMP_FORMAT_YAML, "true", IAMP_VALUE_BOOL, "true", 0 },
	/* 25 */ { IAMP_FORMAT_YAML, "True", IAMP_VALUE_BOOL, "true", 0 },
	{ IAMP_FORMAT_YAML, "FALSE", IAMP_VALUE_BOOL, "false", 0 },
	{ IAMP_FORMAT_YAML, "42", IAMP_VALUE_NUMBER, "42", 0 },
	{ IAMP_FORMAT_YAML, "-1.5", IAMP_VALUE_NUMBER, "-1.5", 0 },
	{ IAMP_FORMAT_YAML, "1e3", IAMP_VALUE_NUMBER, "1e3", 0 },
	/* 30 */ { IAMP_FORMAT_YAML, ".5", IAMP_VALUE_NUMBER, ".5", 0 },
	{ IAMP_FORMAT_YAML, "+3", IAMP_VALUE_NUMBER, "+3", 0 },
	{ IAMP_FORMAT_YAML, "007", IAMP_VALUE_NUMBER, "007", 0 },
	{ IAMP_FORMAT_YAML, "2012-10-17", IAMP_VALUE_STRING, "2012-10-17", 0 },
	{ IAMP_FORMAT_YAML, "'true'", IAMP_VALUE_STRING, "true", 0 },
	/* 35 */ { IAMP_FORMAT_YAML, "\"42\"", IAMP_VALUE_STRING, "42", 0 },
	{ IAMP_FORMAT_YAML, "''", IAMP_VALUE_STRING, "", 0 },
	{ IAMP_FORMAT_YAML, "yes", IAMP_VALUE_STRING, "yes", 0 },
	{ IAMP_FORMAT_YAML, "0x1F", IAMP_VALUE_STRING, "0x1F", 0 },
	{ IAMP_FORMAT_YAML, "tRUE", IAMP_VALUE_STRING, "tRUE", 0 },
	/* 40 */ { IAMP_FORMAT_YAML, "1.2.3", IAMP_VALUE_STRING, "1.2.3", 0 },
	{ IAMP_FORMAT_YAML, "arn:aws:s3:::b/*", IAMP_VALUE_STRING, "arn:aws:s3:::b/*", 0 },
	{ IAMP_FORMAT_YAML, "\"\\u00e9\\t\"", IAMP_VALUE_STRING, "\xc3\xa9\t", 0 },
	{ IAMP_FORMAT_YAML, "|\n  a\n  b\n", IAMP_VALUE_STRING, "a\nb\n", 0 },
	{ IAMP_FORMAT_YAML, "!!str 42", IAMP_VALUE_STRING, "42", 0 },
};

START_TEST(scalars)
{
	const struct scalar_case *c = &scalar_cases[_i];
	const struct iamp_value *v;
	char buf[256];

	if (c->fmt == IAMP_FORMAT_YAML) {
		snprintf(buf, sizeof(buf), "v: %s", c->text);
		load(buf, c->fmt);
	} else {
		load(c->text, c->fmt);
	}
	ck_assert_msg(diags.count == 0, "unexpected diagnostic: %s",
		      diags.count ? diags.items[0].message : "");
	v = doc->root;
	ck_assert_ptr_nonnull(v);
	if (c->fmt == IAMP_FORMAT_YAML) {
		ck_assert_int_eq(v->kind, IAMP_VALUE_OBJECT);
		v = v->u.object.members[0].value;
	}
	ck_assert_int_eq(v->kind, c->kind);
	if (c->kind == IAMP_VALUE_BOOL) {
		ck_assert_int_eq(v->u.boolean, strcmp(c->want, "true") == 0);
	} else if (c->kind == IAMP_VALUE_STRING || c->kind == IAMP_VALUE_NUMBER) {
		size_t len = c->len ? c->len : strlen(c->want);

		ck_assert_uint_eq(v->u.str.len, len);
		ck_assert_mem_eq(v->u.str.text, c->want, len);
		ck_assert_int_eq(v->u.str.text[len], '\0');
	}
}
END_TEST

/* --- errors ---------------------------------------------------------------- */

struct error_case {
	enum iamp_format fmt;
	const char *text;
	enum iamp_rule_id rule;
	unsigned line, col;
	const char *msg;	/* a substring of the message */
};

static const struct error_case error_cases[] = {
	/* 0 */ { IAMP_FORMAT_JSON, "[1,2,]", IAMP_RULE_SYNTAX_ERROR, 1, 6, "trailing comma before ']'" },
	{ IAMP_FORMAT_JSON, "{\n  \"a\": 1,\n}", IAMP_RULE_SYNTAX_ERROR, 3, 1, "trailing comma before '}'" },
	{ IAMP_FORMAT_JSON, "[1 2]", IAMP_RULE_SYNTAX_ERROR, 1, 4, "expected ',' or ']' after array element, found '2'" },
	{ IAMP_FORMAT_JSON, "{\"a\": 1\n \"b\": 2}", IAMP_RULE_SYNTAX_ERROR, 2, 2, "expected ',' or '}' after object member, found '\"'" },
	{ IAMP_FORMAT_JSON, "[1,\n  // note\n 2]", IAMP_RULE_SYNTAX_ERROR, 2, 3, "comments are not allowed" },
	/* 5 */ { IAMP_FORMAT_JSON, "{\"a\": /* c */ 1}", IAMP_RULE_SYNTAX_ERROR, 1, 7, "comments are not allowed" },
	{ IAMP_FORMAT_JSON, "// c\n{}", IAMP_RULE_SYNTAX_ERROR, 1, 1, "comments are not allowed" },
	{ IAMP_FORMAT_JSON, "{} // c", IAMP_RULE_SYNTAX_ERROR, 1, 4, "comments are not allowed" },
	{ IAMP_FORMAT_JSON, "['a']", IAMP_RULE_SYNTAX_ERROR, 1, 2, "single quote" },
	{ IAMP_FORMAT_JSON, "{'a': 1}", IAMP_RULE_SYNTAX_ERROR, 1, 2, "expected '\"' to begin an object key" },
	/* 10 */ { IAMP_FORMAT_JSON, "[01]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "leading zeros" },
	{ IAMP_FORMAT_JSON, "-01", IAMP_RULE_SYNTAX_ERROR, 1, 1, "leading zeros" },
	{ IAMP_FORMAT_JSON, "[-]", IAMP_RULE_SYNTAX_ERROR, 1, 3, "expected a digit after '-'" },
	{ IAMP_FORMAT_JSON, "[1.]", IAMP_RULE_SYNTAX_ERROR, 1, 4, "expected a digit after '.'" },
	{ IAMP_FORMAT_JSON, "[1e+]", IAMP_RULE_SYNTAX_ERROR, 1, 5, "exponent" },
	/* 15 */ { IAMP_FORMAT_JSON, "[.5]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "expected a value, found '.'" },
	{ IAMP_FORMAT_JSON, "[+1]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "expected a value, found '+'" },
	{ IAMP_FORMAT_JSON, "[NaN]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "expected a value, found 'NaN'" },
	{ IAMP_FORMAT_JSON, "[True]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "found 'True'" },
	{ IAMP_FORMAT_JSON, "[nul]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "found 'nul'" },
	/* 20 */ { IAMP_FORMAT_JSON, "[truex]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "found 'truex'" },
	{ IAMP_FORMAT_JSON, "[\"a\tb\"]", IAMP_RULE_SYNTAX_ERROR, 1, 4, "control character U+0009" },
	{ IAMP_FORMAT_JSON, "[\"ab\n\"]", IAMP_RULE_SYNTAX_ERROR, 1, 5, "closing '\"' missing" },
	{ IAMP_FORMAT_JSON, "[1, \"abc", IAMP_RULE_SYNTAX_ERROR, 1, 5, "unterminated string" },
	{ IAMP_FORMAT_JSON, "\"abc\\", IAMP_RULE_SYNTAX_ERROR, 1, 1, "unterminated string" },
	/* 25 */ { IAMP_FORMAT_JSON, "[\"a\\x\"]", IAMP_RULE_SYNTAX_ERROR, 1, 4, "invalid escape '\\x'" },
	{ IAMP_FORMAT_JSON, "[\"a\\u12\"]", IAMP_RULE_SYNTAX_ERROR, 1, 4, "4 hex digits" },
	{ IAMP_FORMAT_JSON, "[\"a\\uD83D\"]", IAMP_RULE_SYNTAX_ERROR, 1, 4, "lone high surrogate '\\uD83D'" },
	{ IAMP_FORMAT_JSON, "[\"\\uD83Dx\"]", IAMP_RULE_SYNTAX_ERROR, 1, 3, "lone high surrogate" },
	{ IAMP_FORMAT_JSON, "[\"\\uD83D\\u0041\"]", IAMP_RULE_SYNTAX_ERROR, 1, 3, "lone high surrogate" },
	/* 30 */ { IAMP_FORMAT_JSON, "[\"\xc3\xa9\\uDC00\"]", IAMP_RULE_SYNTAX_ERROR, 1, 4, "lone low surrogate '\\uDC00'" },
	{ IAMP_FORMAT_JSON, "{} x", IAMP_RULE_SYNTAX_ERROR, 1, 4, "expected end of input after the top-level value, found 'x'" },
	{ IAMP_FORMAT_JSON, "{}\n{}", IAMP_RULE_SYNTAX_ERROR, 2, 1, "end of input" },
	{ IAMP_FORMAT_JSON, "", IAMP_RULE_SYNTAX_ERROR, 1, 1, "empty input" },
	{ IAMP_FORMAT_JSON, "  \n\t ", IAMP_RULE_SYNTAX_ERROR, 2, 3, "empty input" },
	/* 35 */ { IAMP_FORMAT_JSON, "\xef\xbb\xbf", IAMP_RULE_SYNTAX_ERROR, 1, 1, "empty input" },
	{ IAMP_FORMAT_JSON, "[", IAMP_RULE_SYNTAX_ERROR, 1, 2, "expected a value, found end of input" },
	{ IAMP_FORMAT_JSON, "{\"a\"}", IAMP_RULE_SYNTAX_ERROR, 1, 5, "expected ':' after an object key, found '}'" },
	{ IAMP_FORMAT_JSON, "{,}", IAMP_RULE_SYNTAX_ERROR, 1, 2, "expected '\"' to begin an object key, found ','" },
	{ IAMP_FORMAT_JSON, "[,1]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "expected a value, found ','" },
	/* 40 */ { IAMP_FORMAT_JSON, "[1,,2]", IAMP_RULE_SYNTAX_ERROR, 1, 4, "found ','" },
	{ IAMP_FORMAT_JSON, "[1}", IAMP_RULE_SYNTAX_ERROR, 1, 3, "expected ',' or ']'" },
	{ IAMP_FORMAT_JSON, "{\"a\":1]", IAMP_RULE_SYNTAX_ERROR, 1, 7, "expected ',' or '}'" },
	{ IAMP_FORMAT_JSON, "[\"\xc3\xa9\", \xe2\x82\xac]", IAMP_RULE_SYNTAX_ERROR, 1, 7, "found the character '\xe2\x82\xac'" },
	{ IAMP_FORMAT_JSON, "[\x01]", IAMP_RULE_SYNTAX_ERROR, 1, 2, "found U+0001" },
	/* 45: invalid UTF-8, at the first byte of the first bad sequence */
	{ IAMP_FORMAT_JSON, "[\"a\xff" "b\"]", IAMP_RULE_INVALID_UTF8, 1, 4, "0xFF" },
	{ IAMP_FORMAT_JSON, "{\n \"\xc3\xa9\xc3\x28\": 1}", IAMP_RULE_INVALID_UTF8, 2, 4, "truncated" },
	{ IAMP_FORMAT_JSON, "[\"\xc0\xaf\"]", IAMP_RULE_INVALID_UTF8, 1, 3, "overlong" },
	{ IAMP_FORMAT_JSON, "[\"\xe0\x80\xaf\"]", IAMP_RULE_INVALID_UTF8, 1, 3, "overlong" },
	{ IAMP_FORMAT_JSON, "[\"\xed\xa0\x80\"]", IAMP_RULE_INVALID_UTF8, 1, 3, "surrogate" },
	/* 50 */ { IAMP_FORMAT_JSON, "[\"\xf4\x90\x80\x80\"]", IAMP_RULE_INVALID_UTF8, 1, 3, "above U+10FFFF" },
	{ IAMP_FORMAT_JSON, "[1]\r\n\t\xe2\x82", IAMP_RULE_INVALID_UTF8, 2, 2, "truncated" },
	{ IAMP_FORMAT_JSON, "\x80", IAMP_RULE_INVALID_UTF8, 1, 1, "continuation" },
	{ IAMP_FORMAT_JSON, "// \xfe\n[]", IAMP_RULE_INVALID_UTF8, 1, 4, "never appears" },
	/* YAML */
	{ IAMP_FORMAT_YAML, "a: &x 1\nb: *x\n", IAMP_RULE_SYNTAX_ERROR, 1, 4, "anchors and aliases are not supported (anchor 'x')" },
	/* 55 */ { IAMP_FORMAT_YAML, "a: 1\nb: *x\n", IAMP_RULE_SYNTAX_ERROR, 2, 4, "YAML aliases are not supported (alias 'x')" },
	{ IAMP_FORMAT_YAML, "a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n", IAMP_RULE_SYNTAX_ERROR, 1, 4, "anchors and aliases" },
	{ IAMP_FORMAT_YAML, "a: 1\n---\nb: 2\n", IAMP_RULE_SYNTAX_ERROR, 2, 1, "second YAML document" },
	{ IAMP_FORMAT_YAML, "? [a]\n: 1\n", IAMP_RULE_SYNTAX_ERROR, 1, 3, "a sequence cannot be a mapping key" },
	{ IAMP_FORMAT_YAML, "x: {{a: 1}: 2}\n", IAMP_RULE_SYNTAX_ERROR, 1, 5, "a mapping cannot be a mapping key" },
	/* 60 */ { IAMP_FORMAT_YAML, "a: b: c\n", IAMP_RULE_SYNTAX_ERROR, 1, 5, "mapping values are not allowed in this context" },
	{ IAMP_FORMAT_YAML, "a: [1, 2\n", IAMP_RULE_SYNTAX_ERROR, 2, 1, "did not find expected ',' or ']'" },
	{ IAMP_FORMAT_YAML, "\xc3\xa9: 'x\n", IAMP_RULE_SYNTAX_ERROR, 2, 1, "found unexpected end of stream" },
	{ IAMP_FORMAT_YAML, "a: 1\n b: 2\n", IAMP_RULE_SYNTAX_ERROR, 2, 3, "mapping values are not allowed" },
	{ IAMP_FORMAT_YAML, "", IAMP_RULE_SYNTAX_ERROR, 1, 1, "empty input" },
	/* 65 */ { IAMP_FORMAT_YAML, "# only a comment\n", IAMP_RULE_SYNTAX_ERROR, 2, 1, "empty input" },
	{ IAMP_FORMAT_YAML, "a: \"\xff\"\n", IAMP_RULE_INVALID_UTF8, 1, 5, "0xFF" },
	{ IAMP_FORMAT_YAML, "a: \x01\n", IAMP_RULE_SYNTAX_ERROR, 1, 4, "control characters are not allowed" },
	{ IAMP_FORMAT_YAML, "a: 1\na: 2\n", IAMP_RULE_DUPLICATE_KEY, 2, 1, "duplicate key \"a\" (first at line 1)" },
	/* issue 12, "an escaped NUL truncates strings": "Deny\u0000junk" read
	 * as "Deny" and a key "Effect\u0000" as "Effect"; a NUL is refused
	 * at its escape, in a value and in a key, JSON and YAML alike. */
	{ IAMP_FORMAT_JSON, "{\"Effect\": \"Deny\\u0000junk\"}", IAMP_RULE_SYNTAX_ERROR, 1, 17, "NUL character" },
	{ IAMP_FORMAT_JSON, "{\"Effect\\u0000\": \"Allow\"}", IAMP_RULE_SYNTAX_ERROR, 1, 9, "NUL character" },
	{ IAMP_FORMAT_YAML, "Effect: \"Deny\\0junk\"\n", IAMP_RULE_SYNTAX_ERROR, 1, 9, "NUL character" },
	{ IAMP_FORMAT_YAML, "\"Effect\\0\": Allow\n", IAMP_RULE_SYNTAX_ERROR, 1, 1, "NUL character" },
};

START_TEST(errors)
{
	const struct error_case *c = &error_cases[_i];
	const struct iamp_diag *d;

	load(c->text, c->fmt);
	ck_assert_uint_eq(diags.count, 1);
	d = &diags.items[0];
	ck_assert_msg(d->rule == c->rule, "rule %s, want %s",
		      iamp_rules[d->rule].id, iamp_rules[c->rule].id);
	ck_assert_msg(d->span.start.line == c->line &&
		      d->span.start.col == c->col,
		      "at %u:%u, want %u:%u (%s)", d->span.start.line,
		      d->span.start.col, c->line, c->col, d->message);
	ck_assert_msg(strstr(d->message, c->msg), "message \"%s\" lacks \"%s\"",
		      d->message, c->msg);
	ck_assert_str_eq(d->path, c->fmt == IAMP_FORMAT_YAML ? "t.yaml" : "t.json");
	if (c->rule == IAMP_RULE_DUPLICATE_KEY)
		ck_assert_ptr_nonnull(doc->root);
	else
		ck_assert_ptr_null(doc->root);
}
END_TEST

/* The source line travels with the diagnostic, without its terminator. */
START_TEST(diag_source_line)
{
	load("{\r\n  \"a\": 1,\r\n}\r\n", IAMP_FORMAT_JSON);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_str_eq(diags.items[0].source_line, "}");
	ck_assert_uint_eq(diags.items[0].span.start.offset, 14);
	ck_assert_uint_eq(diags.items[0].span.end.offset, 15);
}
END_TEST

/* --- duplicate keys -------------------------------------------------------- */

START_TEST(duplicates)
{
	const struct iamp_value *r;

	load("{\"a\": 1,\n \"b\": 2,\n \"a\": 3, \"A\": 4, \"a\": 5}", IAMP_FORMAT_JSON);
	r = doc->root;
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->u.object.count, 5);
	/* every member stays, in source order; lookup finds the first */
	ck_assert_str_eq(r->u.object.members[2].key, "a");
	ck_assert_str_eq(r->u.object.members[2].value->u.str.text, "3");
	ck_assert_str_eq(iamp_value_member(r, "a")->value->u.str.text, "1");
	ck_assert_uint_eq(diags.count, 2);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_DUPLICATE_KEY);
	check_pos(diags.items[0].span.start, (struct pos3){ 3, 2, 19 }, "2nd a");
	check_pos(diags.items[0].span.end, (struct pos3){ 3, 5, 22 }, "2nd a end");
	ck_assert_str_eq(diags.items[0].message, "duplicate key \"a\" (first at line 1)");
	check_pos(diags.items[1].span.start, (struct pos3){ 3, 18, 35 }, "3rd a");
	ck_assert_str_eq(diags.items[1].message, "duplicate key \"a\" (first at line 1)");
}
END_TEST

/* Big objects take the sorting path; nested objects are checked apart;
 * keys compare by bytes after unescaping. */
START_TEST(duplicates_big)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = malloc(cap);

	n += (size_t)snprintf(buf + n, cap - n, "{");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "\"k%d\": {\"k%d\": 1},\n", i, i);
	n += (size_t)snprintf(buf + n, cap - n, "\"k\\u0037\": 1, \"k999\": 2}");
	ck_assert_uint_lt(n, cap);
	load_n(buf, n, IAMP_FORMAT_JSON, NULL);
	ck_assert_ptr_nonnull(doc->root);
	ck_assert_uint_eq(doc->root->u.object.count, 1002);
	ck_assert_uint_eq(diags.count, 2);
	ck_assert_str_eq(diags.items[0].message, "duplicate key \"k7\" (first at line 8)");
	ck_assert_uint_eq(diags.items[0].span.start.line, 1001);
	ck_assert_str_eq(diags.items[1].message, "duplicate key \"k999\" (first at line 1000)");
	free(buf);
}
END_TEST

/* --- limits ---------------------------------------------------------------- */

static char *nested(size_t depth, const char *open, const char *mid,
		    const char *close)
{
	size_t o = strlen(open), m = strlen(mid), c = strlen(close);
	char *s = malloc(depth * (o + c) + m + 1), *p = s;

	for (size_t i = 0; i < depth; i++, p += o)
		memcpy(p, open, o);
	memcpy(p, mid, m);
	p += m;
	for (size_t i = 0; i < depth; i++, p += c)
		memcpy(p, close, c);
	*p = '\0';
	return s;
}

struct depth_case {
	enum iamp_format fmt;
	size_t depth;
	const char *open, *mid, *close;
	unsigned fail_col; /* 0: loads */
};

static const struct depth_case depth_cases[] = {
	{ IAMP_FORMAT_JSON, 64, "[", "", "]", 0 },
	{ IAMP_FORMAT_JSON, 65, "[", "", "]", 65 },
	{ IAMP_FORMAT_JSON, 100000, "[", "", "]", 65 },
	{ IAMP_FORMAT_JSON, 100000, "[", "", "", 65 },	/* unclosed */
	{ IAMP_FORMAT_JSON, 64, "{\"a\":", "0", "}", 0 },
	/* 5 */ { IAMP_FORMAT_JSON, 100000, "{\"a\":", "0", "}", 321 },
	{ IAMP_FORMAT_YAML, 64, "[", "", "]", 0 },
	{ IAMP_FORMAT_YAML, 100000, "[", "", "]", 65 },
	{ IAMP_FORMAT_YAML, 100000, "{a: ", "0", "}", 257 },
	{ IAMP_FORMAT_YAML, 64, "- ", "0", "", 0 },
	/* 10 */ { IAMP_FORMAT_YAML, 1000, "- ", "0", "", 129 },
};

START_TEST(depth)
{
	const struct depth_case *c = &depth_cases[_i];
	char *s = nested(c->depth, c->open, c->mid, c->close);

	load(s, c->fmt);
	free(s);
	if (!c->fail_col) {
		ck_assert_uint_eq(diags.count, 0);
		ck_assert_ptr_nonnull(doc->root);
		return;
	}
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_INPUT_LIMIT);
	ck_assert_uint_eq(diags.items[0].span.start.line, 1);
	ck_assert_uint_eq(diags.items[0].span.start.col, c->fail_col);
	ck_assert_ptr_null(doc->root);
}
END_TEST

START_TEST(limits_default)
{
	struct iamp_limits l;

	iamp_limits_default(&l);
	ck_assert_uint_eq(l.max_file_bytes, 4u * 1024 * 1024);
	ck_assert_uint_eq(l.max_depth, 64);
	ck_assert_uint_eq(l.max_string_bytes, 64u * 1024);
	ck_assert_uint_eq(l.max_statements, 10000);
}
END_TEST

START_TEST(string_cap)
{
	struct iamp_limits l;
	const char *json = "[\"abcdef\", \"abcdefg\"]";

	iamp_limits_default(&l);
	l.max_string_bytes = 6;
	load_n(json, strlen(json), IAMP_FORMAT_JSON, &l);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_INPUT_LIMIT);
	ck_assert_uint_eq(diags.items[0].span.start.col, 12);
	ck_assert_ptr_null(doc->root);
	iamp_diags_clear(&diags);
	/* the cap is on the decoded length */
	json = "[\"\\u0041\\u0042\\u0043\\u0044\\u0045\\u0046\"]";
	load_n(json, strlen(json), IAMP_FORMAT_JSON, &l);
	ck_assert_uint_eq(diags.count, 0);
	json = "{\"abcdefg\": 1}";
	load_n(json, strlen(json), IAMP_FORMAT_JSON, &l);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_ptr_null(doc->root);
	iamp_diags_clear(&diags);
	json = "a: abcdefg\n";
	load_n(json, strlen(json), IAMP_FORMAT_YAML, &l);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_INPUT_LIMIT);
	ck_assert_uint_eq(diags.items[0].span.start.col, 4);
	ck_assert_ptr_null(doc->root);
}
END_TEST

START_TEST(size_cap_buffer)
{
	struct iamp_limits l;

	iamp_limits_default(&l);
	l.max_file_bytes = 10;
	load_n("[1,2,3,45]", 10, IAMP_FORMAT_JSON, &l);
	ck_assert_uint_eq(diags.count, 0);
	ck_assert_ptr_nonnull(doc->root);
	load_n("[1,2,3,456]", 11, IAMP_FORMAT_JSON, &l);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_INPUT_LIMIT);
	check_pos(diags.items[0].span.start, (struct pos3){ 1, 1, 0 }, "cap");
	ck_assert_ptr_null(doc->root);
	ck_assert_uint_eq(doc->len, 0);
	ck_assert_uint_eq(doc->line_count, 1);
}
END_TEST

static char tmpdir[64];

static const char *tmpfile_with(const char *name, const char *data, size_t len)
{
	static char path[128];
	FILE *f;

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/iamp-load-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

START_TEST(load_file_cases)
{
	struct iamp_limits l;
	const char *path;
	char big[200];
	int err;

	iamp_limits_default(&l);
	/* a YAML file by its extension */
	path = tmpfile_with("p.YML", "a: [1, x]\n", 10);
	ck_assert_int_eq(iamp_load_file(&doc, path, NULL, &diags), 0);
	ck_assert_int_eq(doc->format, IAMP_FORMAT_YAML);
	ck_assert_str_eq(doc->path, path);
	ck_assert_uint_eq(diags.count, 0);
	ck_assert_int_eq(doc->root->kind, IAMP_VALUE_OBJECT);
	ck_assert_uint_eq(doc->len, 10);
	ck_assert_int_eq(doc->text[10], '\0');
	iamp_document_free(doc);
	doc = NULL;
	/* over the cap: a document with no root, INPUT_LIMIT at 1:1 */
	memset(big, ' ', sizeof(big));
	big[0] = '[';
	big[sizeof(big) - 1] = ']';
	path = tmpfile_with("big.json", big, sizeof(big));
	l.max_file_bytes = 100;
	ck_assert_int_eq(iamp_load_file(&doc, path, &l, &diags), 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(doc->root);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_INPUT_LIMIT);
	ck_assert_str_eq(diags.items[0].path, path);
	ck_assert_uint_eq(diags.items[0].span.start.line, 1);
	ck_assert_uint_eq(diags.items[0].span.start.col, 1);
	ck_assert_msg(strstr(diags.items[0].message, "200 bytes"), "%s",
		      diags.items[0].message);
	iamp_document_free(doc);
	doc = NULL;
	/* exactly at the cap loads */
	l.max_file_bytes = 200;
	ck_assert_int_eq(iamp_load_file(&doc, path, &l, &diags), 0);
	ck_assert_ptr_nonnull(doc->root);
	iamp_document_free(doc);
	doc = NULL;
	/* unreadable: an error, not a document */
	err = iamp_load_file(&doc, "/nonexistent/x.json", NULL, &diags);
	ck_assert_int_eq(err, IAMP_EIO);
	ck_assert_ptr_null(doc);
	ck_assert_ptr_nonnull(strstr(iamp_error_last(), "/nonexistent/x.json"));
	err = iamp_load_file(&doc, tmpdir, NULL, &diags);
	ck_assert_int_eq(err, IAMP_EIO);
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(diags.count, 1);
	unlink(tmpfile_with("p.YML", "", 0));
	unlink(tmpfile_with("big.json", "", 0));
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}
END_TEST

/* Issue 12, "a FIFO given as a path blocks forever": a FIFO (with no
 * writer) is refused at once as not a regular file, and so is a device.
 * Without the fix, the open blocks and the test times out. */
START_TEST(fifo_refused)
{
	char dir[] = "/tmp/iamp-fifo-XXXXXX", path[64];
	int err;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.json", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	err = iamp_load_file(&doc, path, NULL, &diags);
	ck_assert_int_eq(err, IAMP_EIO);
	ck_assert_ptr_null(doc);
	ck_assert_msg(strstr(iamp_error_last(), "not a regular file"), "%s", iamp_error_last());
	ck_assert_int_eq(iamp_load_file(&doc, "/dev/zero", NULL, &diags), IAMP_EIO);
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(diags.count, 0);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* iamp_load_file_as: YAML whatever the extension; IAMP_LOAD_EMPTY_OK
 * makes a stream without a document a null root (configuration files),
 * and without it an empty stream stays a SYNTAX_ERROR. */
START_TEST(load_file_as)
{
	const char *path = tmpfile_with("conf", "# comments only\n\n", 17);

	ck_assert_int_eq(iamp_load_file_as(&doc, path, IAMP_FORMAT_YAML, IAMP_LOAD_EMPTY_OK, NULL, &diags), 0);
	ck_assert_uint_eq(diags.count, 0);
	ck_assert_ptr_nonnull(doc->root);
	ck_assert_int_eq(doc->root->kind, IAMP_VALUE_NULL);
	iamp_document_free(doc);
	doc = NULL;
	ck_assert_int_eq(iamp_load_file_as(&doc, path, IAMP_FORMAT_YAML, 0, NULL, &diags), 0);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_ptr_null(doc->root);
	iamp_document_free(doc);
	doc = NULL;
	iamp_diags_clear(&diags);
	path = tmpfile_with("conf", "a: [1]\n", 7);
	ck_assert_int_eq(iamp_load_file_as(&doc, path, IAMP_FORMAT_YAML, 0, NULL, &diags), 0);
	ck_assert_uint_eq(diags.count, 0);
	ck_assert_int_eq(doc->root->kind, IAMP_VALUE_OBJECT);
	unlink(path);
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}
END_TEST

/* A file with a BOM, CRLF, tabs and a multi-byte character, as stored. */
START_TEST(fixture_file)
{
	const struct iamp_value *v;
	const struct iamp_span *key;
	const char *line;
	size_t len;

	ck_assert_int_eq(iamp_load_file(&doc, "../fixtures/load/bom-crlf-tabs.json", NULL, &diags), 0);
	ck_assert_uint_eq(diags.count, 0);
	v = walk(doc->root, "Statement/0/Resource", &key);
	ck_assert_str_eq(v->u.str.text, "arn:aws:s3:::caf\xc3\xa9/*");
	check_pos(v->span.start, (struct pos3){ 6, 16, 93 }, "Resource");
	check_pos(v->span.end, (struct pos3){ 6, 37, 115 }, "Resource end");
	line = iamp_document_line(doc, 1, &len);
	ck_assert_uint_eq(len, 1);
	ck_assert_mem_eq(line, "{", 1);
	line = iamp_document_line(doc, 6, &len);
	ck_assert_uint_eq(len, 38);
	ck_assert_mem_eq(line, "\t\t\t\"Resource\":", 14);
}
END_TEST

/* 1 MB on one line: columns stay exact and cost stays linear. */
START_TEST(long_line)
{
	size_t n = 500000, len = 2 * n + 3, i;
	char *s = malloc(len + 1);
	const struct iamp_value *last;

	s[0] = '[';
	for (i = 0; i < n; i++) {
		s[1 + 2 * i] = '7';
		s[2 + 2 * i] = ',';
	}
	s[len - 2] = '8';
	s[len - 1] = ']';
	s[len] = '\0';
	load_n(s, len, IAMP_FORMAT_JSON, NULL);
	free(s);
	ck_assert_uint_eq(diags.count, 0);
	ck_assert_uint_eq(doc->root->u.array.count, n + 1);
	last = doc->root->u.array.items[n];
	ck_assert_str_eq(last->u.str.text, "8");
	check_pos(last->span.start, (struct pos3){ 1, (unsigned)len - 1, (unsigned)len - 2 }, "last");
	check_pos(doc->root->span.end, (struct pos3){ 1, (unsigned)len + 1, (unsigned)len }, "end");
}
END_TEST

/* A 600 KB string of two-byte characters: columns count characters. */
START_TEST(long_string)
{
	size_t n = 300000, len = 2 * n + 7;
	char *s = malloc(len + 1);
	struct iamp_limits l;
	const struct iamp_value *one;

	memcpy(s, "[\"", 2);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 2 + 2 * i, "\xc3\xa9", 2);
	memcpy(s + 2 + 2 * n, "\", 1]", 5);
	s[len] = '\0';
	iamp_limits_default(&l);
	l.max_string_bytes = 2 * n;
	load_n(s, len, IAMP_FORMAT_JSON, &l);
	ck_assert_uint_eq(diags.count, 0);
	one = doc->root->u.array.items[1];
	check_pos(one->span.start, (struct pos3){ 1, (unsigned)n + 6, (unsigned)(2 * n + 5) }, "1");
	ck_assert_uint_eq(doc->root->u.array.items[0]->u.str.len, 2 * n);
	/* over the default 64 KiB cap: INPUT_LIMIT at the opening quote */
	load_n(s, len, IAMP_FORMAT_JSON, NULL);
	free(s);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_INPUT_LIMIT);
	check_pos(diags.items[0].span.start, (struct pos3){ 1, 2, 1 }, "cap");
}
END_TEST

/* --- small API -------------------------------------------------------------- */

static const struct {
	const char *path;
	enum iamp_format fmt;
} format_cases[] = {
	{ "a.json", IAMP_FORMAT_JSON },
	{ "a.yaml", IAMP_FORMAT_YAML },
	{ "dir.yml/a.YML", IAMP_FORMAT_YAML },
	{ "A.Yaml", IAMP_FORMAT_YAML },
	{ "yaml", IAMP_FORMAT_JSON },
	{ "a.yaml.json", IAMP_FORMAT_JSON },
	{ "-", IAMP_FORMAT_JSON },
	{ ".yml", IAMP_FORMAT_YAML },
};

START_TEST(format_for_path)
{
	ck_assert_int_eq(iamp_format_for_path(format_cases[_i].path),
			 format_cases[_i].fmt);
}
END_TEST

START_TEST(lines)
{
	static const char *const want[] = { "a", "", "b\tc", "d", "", "e", "" };
	size_t len;
	const char *line;

	load("a\n\r\nb\tc\rd\r\r\ne\n", IAMP_FORMAT_YAML);
	ck_assert_uint_eq(doc->line_count, N(want));
	for (size_t i = 0; i < N(want); i++) {
		line = iamp_document_line(doc, i + 1, &len);
		ck_assert_ptr_nonnull(line);
		ck_assert_uint_eq(len, strlen(want[i]));
		ck_assert_mem_eq(line, want[i], len);
	}
	ck_assert_ptr_null(iamp_document_line(doc, 0, &len));
	ck_assert_ptr_null(iamp_document_line(doc, N(want) + 1, &len));
	iamp_document_free(NULL);
}
END_TEST

/*
 * iamp_document_span() on any text, even one the readers refused: a column
 * counts the bytes that are not 10xxxxxx from the line's start. A text
 * with none of those takes loader_pos()'s shortcut (offset minus line
 * start); the rows below cover both ways, the byte order mark, and
 * continuation bytes that belong to no valid sequence.
 */
struct docpos_case {
	const char *text;
	size_t len;	/* 0: strlen(text) */
	size_t offset;
	struct pos3 want;
};

static const struct docpos_case docpos_cases[] = {
	/* 0: ASCII */
	{ "abc\ndef", 0, 0, { 1, 1, 0 } },
	{ "abc\ndef", 0, 2, { 1, 3, 2 } },
	{ "abc\ndef", 0, 5, { 2, 2, 5 } },
	{ "abc\r\ndef", 0, 8, { 2, 4, 8 } },
	{ "abc\ndef", 0, 7, { 2, 4, 7 } },	/* end of input */
	/* 5: past the end is the end */
	{ "abc\ndef", 0, 99, { 2, 4, 7 } },
	/* a byte order mark: no column; offsets inside it are line 1's start */
	{ "\xef\xbb\xbf" "ab", 0, 4, { 1, 2, 4 } },
	{ "\xef\xbb\xbf" "ab", 0, 1, { 1, 1, 3 } },
	/* multi-byte: one column a code point */
	{ "\xc3\xa9\xc3\xa9x", 0, 4, { 1, 3, 4 } },
	{ "a\n\xe2\x82\xac" "b", 0, 5, { 2, 2, 5 } },
	/* 10: invalid UTF-8: lone continuation bytes take no column, as in a
	 * valid text; a lone lead byte takes one */
	{ "\x80\x80" "ab", 0, 3, { 1, 2, 3 } },
	{ "x\x80y", 0, 2, { 1, 2, 2 } },
	{ "\xff" "ab", 0, 2, { 1, 3, 2 } },
	{ "\xe2\x82" "ab\ncd", 0, 3, { 1, 3, 3 } },
};

START_TEST(document_pos)
{
	const struct docpos_case *c = &docpos_cases[_i];
	struct iamp_span sp;

	load_n(c->text, c->len ? c->len : strlen(c->text), IAMP_FORMAT_JSON,
	       NULL);
	sp = iamp_document_span(doc, c->offset, c->offset);
	check_pos(sp.start, c->want, "start");
	check_pos(sp.end, c->want, "end");
}
END_TEST

/*
 * The reader skips white space and string content 16 bytes at a time
 * (load_json.c: skip_ws, string_stop; load.c: the line map's scan): runs
 * of every length from 0 to 40, so at every place in a block of 16, end
 * where a byte-by-byte reading ends them. Case 0: a plain string; 1: an
 * escaped quote after the run; 2: a raw control character or line break
 * after it (a SYNTAX_ERROR at its place).
 */
static const char ws_cycle[] = " \t\n  \r\n \r";

/* The position of byte `off` of an ASCII text, counted byte by byte. */
static struct pos3 ref_pos(const char *text, size_t off)
{
	struct pos3 p = { 1, 1, (unsigned)off };

	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n')) {
			p.line++;
			p.col = 1;
		} else if (text[i] != '\r') {
			p.col++;
		}
	}
	return p;
}

START_TEST(runs_every_length)
{
	for (size_t w = 0; w <= 40; w++) {
		for (size_t l = 0; l <= 40; l++) {
			char text[256], want[64];
			size_t n = 0, at, end, bad = 0;
			const struct iamp_value *v;

			text[n++] = '[';
			for (size_t k = 0; k < w; k++)
				text[n++] = ws_cycle[k % (sizeof ws_cycle - 1)];
			at = n;
			text[n++] = '"';
			for (size_t k = 0; k < l; k++)
				text[n++] = want[k] = (char)('a' + k % 26);
			want[l] = '\0';
			if (_i == 1) {
				memcpy(text + n, "\\\"b", 3);
				n += 3;
				strcpy(want + l, "\"b");
			} else if (_i == 2) {
				bad = n; /* a line break ends the error's span on the next line */
				text[n++] = l % 2 ? '\n' : '\x01';
			}
			text[n++] = '"';
			end = n;
			for (size_t k = 0; k < w; k++)
				text[n++] = ws_cycle[k % (sizeof ws_cycle - 1)];
			text[n++] = ']';
			text[n] = '\0';
			iamp_diags_clear(&diags);
			load_n(text, n, IAMP_FORMAT_JSON, NULL);
			if (_i == 2) {
				ck_assert_ptr_null(doc->root);
				ck_assert_uint_eq(diags.count, 1);
				ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_SYNTAX_ERROR);
				check_pos(diags.items[0].span.start, ref_pos(text, bad), "control");
				check_pos(diags.items[0].span.end, ref_pos(text, bad + 1), "control end");
				continue;
			}
			ck_assert_msg(doc->root && diags.count == 0, "w %zu, l %zu: %s", w, l, text);
			ck_assert_uint_eq(doc->ws_bytes, 2 * w);
			ck_assert_uint_eq(doc->line_count, ref_pos(text, n).line);
			v = doc->root->u.array.items[0];
			ck_assert_str_eq(v->u.str.text, want);
			check_pos(v->span.start, ref_pos(text, at), "start");
			check_pos(v->span.end, ref_pos(text, end), "end");
			check_pos(doc->root->span.end, ref_pos(text, n), "]");
		}
	}
}
END_TEST

/* A policy read from a string value (iamp_load_embedded): spans go
 * through the string's escapes to the file, each end too (load.c:
 * loader_span takes no shortcut there). The file's bytes:
 *
 *   {"p": "{\"Version\": \"2012-10-17\"}"}
 *           8         19 21             35
 */
START_TEST(embedded_spans)
{
	struct iamp_value *tree = NULL;
	const struct iamp_member *m;

	load("{\"p\": \"{\\\"Version\\\": \\\"2012-10-17\\\"}\"}", IAMP_FORMAT_JSON);
	ck_assert_int_eq(iamp_load_embedded(&tree, doc, iamp_value_member(doc->root, "p")->value, NULL,
					    &diags), 0);
	ck_assert_ptr_nonnull(tree);
	m = iamp_value_member(tree, "Version");
	ck_assert_ptr_nonnull(m);
	check_pos(m->key_span.start, (struct pos3){ 1, 9, 8 }, "key start");
	check_pos(m->key_span.end, (struct pos3){ 1, 20, 19 }, "key end");
	check_pos(m->value->span.start, (struct pos3){ 1, 22, 21 }, "value start");
	check_pos(m->value->span.end, (struct pos3){ 1, 36, 35 }, "value end");
}
END_TEST

START_TEST(members)
{
	const struct iamp_value *r;

	load("{\"Effect\": 1, \"effect\": 2, \"\": 3, \"a\\u0001b\": 4}", IAMP_FORMAT_JSON);
	r = doc->root;
	ck_assert_str_eq(iamp_value_member(r, "effect")->value->u.str.text, "2");
	ck_assert_str_eq(iamp_value_member(r, "")->value->u.str.text, "3");
	ck_assert_ptr_null(iamp_value_member(r, "a"));
	ck_assert_ptr_null(iamp_value_member(r, "EFFECT"));
	ck_assert_uint_eq(r->u.object.members[3].key_len, 3);
	ck_assert_ptr_null(iamp_value_member(r->u.object.members[0].value, "x"));
	ck_assert_ptr_null(iamp_value_member(NULL, "x"));
	load("[]", IAMP_FORMAT_JSON);
	ck_assert_int_eq(doc->root->kind, IAMP_VALUE_ARRAY);
	ck_assert_uint_eq(doc->root->u.array.count, 0);
	ck_assert_ptr_null(iamp_value_member(doc->root, "x"));
}
END_TEST

/* --- the public corpus ------------------------------------------------------ */

/*
 * SOURCES.md lists three files that are not JSON. Two are trailing commas
 * (reported at the ']' after the comma). The third, which SOURCES.md
 * describes as "Expecting ',' delimiter" (Python's message), is not a
 * missing comma at all: it is the `//` comment DESIGN.md mentions, on
 * line 15, which json-c's default tokener would have accepted.
 */
static const struct {
	const char *file;
	unsigned line, col, offset;
	const char *msg;
} corpus_bad[] = {
	{ "aws-samples-scp-examples/deny-service-specific-credential-by-type.json", 15, 13, 456,
	  "comments are not allowed in JSON (AWS rejects them): expected ',' or ']' after array element, found '//'" },
	{ "primeharbor-rcp/Sec-ProtectKMSandSecrets.1.json", 11, 13, 249, "trailing comma before ']'" },
	{ "primeharbor-rcp/Sec-ProtectKMSandSecrets.2.json", 11, 13, 249, "trailing comma before ']'" },
};

static bool corpus_present(void)
{
	struct stat st;

	if (stat(CORPUS, &st) == 0 && S_ISDIR(st.st_mode))
		return true;
	fprintf(stderr, "test_load: %s is missing: corpus tests skipped\n", CORPUS);
	return false;
}

START_TEST(corpus_errors)
{
	char path[512];

	if (!corpus_present())
		return;
	snprintf(path, sizeof(path), "%s/%s", CORPUS, corpus_bad[_i].file);
	ck_assert_int_eq(iamp_load_file(&doc, path, NULL, &diags), 0);
	ck_assert_ptr_null(doc->root);
	ck_assert_uint_eq(diags.count, 1);
	ck_assert_int_eq(diags.items[0].rule, IAMP_RULE_SYNTAX_ERROR);
	check_pos(diags.items[0].span.start,
		  (struct pos3){ corpus_bad[_i].line, corpus_bad[_i].col, corpus_bad[_i].offset },
		  corpus_bad[_i].file);
	ck_assert_str_eq(diags.items[0].message, corpus_bad[_i].msg);
}
END_TEST

static bool is_known_bad(const char *rel)
{
	for (size_t i = 0; i < N(corpus_bad); i++)
		if (strcmp(rel, corpus_bad[i].file) == 0)
			return true;
	return false;
}

START_TEST(corpus_clean)
{
	DIR *top, *sub;
	struct dirent *a, *b;
	char rel[512], path[600];
	size_t n = 0;

	if (!corpus_present())
		return;
	top = opendir(CORPUS);
	ck_assert_ptr_nonnull(top);
	while ((a = readdir(top))) {
		if (a->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", CORPUS, a->d_name);
		sub = opendir(path);
		if (!sub)
			continue;
		while ((b = readdir(sub))) {
			size_t l = strlen(b->d_name);

			if (l < 5 || strcmp(b->d_name + l - 5, ".json") != 0)
				continue;
			snprintf(rel, sizeof(rel), "%s/%s", a->d_name, b->d_name);
			if (is_known_bad(rel))
				continue;
			snprintf(path, sizeof(path), "%s/%s", CORPUS, rel);
			ck_assert_int_eq(iamp_load_file(&doc, path, NULL, &diags), 0);
			ck_assert_msg(diags.count == 0, "%s:%u:%u: %s", rel,
				      diags.count ? diags.items[0].span.start.line : 0,
				      diags.count ? diags.items[0].span.start.col : 0,
				      diags.count ? diags.items[0].message : "");
			ck_assert_msg(doc->root && doc->root->kind == IAMP_VALUE_OBJECT,
				      "%s: no object", rel);
			iamp_document_free(doc);
			doc = NULL;
			n++;
		}
		closedir(sub);
	}
	closedir(top);
	ck_assert_uint_eq(n, 123);
}
END_TEST

Suite *suite_load(void)
{
	Suite *s = suite_create("load");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, spans, 0, N(span_cases));
	tcase_add_loop_test(tc, scalars, 0, N(scalar_cases));
	tcase_add_loop_test(tc, errors, 0, N(error_cases));
	tcase_add_test(tc, diag_source_line);
	tcase_add_test(tc, duplicates);
	tcase_add_test(tc, duplicates_big);
	tcase_add_loop_test(tc, depth, 0, N(depth_cases));
	tcase_add_test(tc, limits_default);
	tcase_add_test(tc, string_cap);
	tcase_add_test(tc, size_cap_buffer);
	tcase_add_test(tc, load_file_cases);
	tcase_add_test(tc, fifo_refused);
	tcase_add_test(tc, load_file_as);
	tcase_add_test(tc, fixture_file);
	tcase_add_test(tc, long_line);
	tcase_add_test(tc, long_string);
	tcase_add_loop_test(tc, format_for_path, 0, N(format_cases));
	tcase_add_test(tc, lines);
	tcase_add_loop_test(tc, document_pos, 0, N(docpos_cases));
	tcase_add_test(tc, members);
	tcase_add_loop_test(tc, runs_every_length, 0, 3);
	tcase_add_test(tc, embedded_spans);
	tcase_add_loop_test(tc, corpus_errors, 0, N(corpus_bad));
	tcase_add_test(tc, corpus_clean);
	suite_add_tcase(s, tc);
	return s;
}
