/*
 * output.h - checks on what a reporter wrote, for the fuzz targets.
 *
 * Text for a terminal: valid UTF-8, no control character but tab and
 * newline, no C1 control, and exactly the lines expected (a newline in a
 * field would forge a line). JSON: one document that json-c reads back.
 */
#ifndef IAMP_FUZZ_OUTPUT_H
#define IAMP_FUZZ_OUTPUT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Runs write(f, ctx) into memory; returns the bytes (free them), their
 * length in *len, or NULL when memory ran out. */
static inline char *fuzz_capture(size_t *len, int (*write)(FILE *, void *), void *ctx, int *rc)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		return NULL;
	*rc = write(f, ctx);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Returns the number of lines; aborts on a byte a terminal must not see. */
static inline size_t fuzz_check_terminal_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, lines = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;

		FUZZ_ASSERT(c < 0x80 || (c >= 0xC2 && c <= 0xF4));
		FUZZ_ASSERT(i + len <= n);
		for (size_t k = 1; k < len; k++)
			FUZZ_ASSERT((p[i + k] & 0xC0) == 0x80);
		if (len == 1) {
			FUZZ_ASSERT(c >= 0x20 || c == '\t' || c == '\n');
			FUZZ_ASSERT(c != 0x7F);
			lines += c == '\n';
		}
		if (len == 2)
			FUZZ_ASSERT(!(c == 0xC2 && p[i + 1] <= 0x9F)); /* C1 controls */
		i += len;
	}
	return lines;
}

static inline void fuzz_check_json_text(const char *s, size_t n, bool lines)
{
	size_t start = 0;

	while (start < n) {
		size_t end = start;
		struct json_tokener *tok;
		struct json_object *j;

		if (lines)
			while (end < n && s[end] != '\n')
				end++;
		else
			end = n;
		tok = json_tokener_new_ex(64);
		if (!tok)
			return;
		j = json_tokener_parse_ex(tok, s + start, (int)(end - start));
		FUZZ_ASSERT(json_tokener_get_error(tok) == json_tokener_success);
		json_object_put(j);
		json_tokener_free(tok);
		start = end + 1;
	}
}

#endif
