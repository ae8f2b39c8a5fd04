/*
 * variables.c - scanning policy variables; see variables.h.
 *
 * Grammar accepted (after the IAM policy variables reference):
 *   var     = "${" ( "*" | "?" | "$" | key [ "," ws default ] ) "}"
 *   key     = 1*( ALPHA / DIGIT / ":" / "/" / "-" / "_" / "." / "@" / "+" / "=" )
 *   default = "'" *( any char but "'" ) "'"
 * White space is allowed around the key and the comma.
 */
#include "variables.h"

#include <string.h>

bool iamp_vars_present(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	/* from one '$' to the next (memchr: most values have none) */
	for (; p < end && (p = memchr(p, '$', (size_t)(end - p))) != NULL; p++)
		if (p + 1 < end && p[1] == '{')
			return true;
	return false;
}

static bool key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr(":/-_.@+=", c) != NULL;
}

static size_t skip_ws(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

int iamp_vars_scan(const char *s, size_t len, struct iamp_var *out,
		   size_t max, size_t *count, size_t *err_off, const char **err)
{
	size_t i = 0, n = 0;

	*count = 0;
	while (i + 1 < len) {
		struct iamp_var v;
		size_t start = i, j;

		if (!(s[i] == '$' && s[i + 1] == '{')) {
			i++;
			continue;
		}
		memset(&v, 0, sizeof(v));
		v.start = start;
		j = start + 2;
		if (j + 1 < len && s[j + 1] == '}' && (s[j] == '*' || s[j] == '?' || s[j] == '$')) {
			v.kind = s[j] == '*' ? IAMP_VAR_STAR : s[j] == '?' ? IAMP_VAR_QUESTION : IAMP_VAR_DOLLAR;
			v.end = j + 2;
		} else {
			size_t k;

			j = skip_ws(s, j, len);
			k = j;
			while (k < len && key_char((unsigned char)s[k]))
				k++;
			if (k == j) {
				*err_off = j < len ? j : start;
				*err = j < len && s[j] == '}' ? "empty variable name" : "invalid character in variable name";
				return -1;
			}
			v.kind = IAMP_VAR_KEY;
			v.key = s + j;
			v.key_len = k - j;
			k = skip_ws(s, k, len);
			if (k < len && s[k] == ',') {
				size_t q;

				k = skip_ws(s, k + 1, len);
				if (k >= len || s[k] != '\'') {
					*err_off = k < len ? k : start;
					*err = "a default value must be in single quotes";
					return -1;
				}
				q = k + 1;
				while (q < len && s[q] != '\'')
					q++;
				if (q >= len) {
					*err_off = k;
					*err = "unterminated default value";
					return -1;
				}
				v.has_default = true;
				v.def = s + k + 1;
				v.def_len = q - k - 1;
				k = skip_ws(s, q + 1, len);
			}
			if (k >= len || s[k] != '}') {
				*err_off = k < len ? k : start;
				*err = k < len ? "expected '}' to close the variable" : "unterminated '${'";
				return -1;
			}
			v.end = k + 1;
		}
		if (n < max)
			out[n] = v;
		n++;
		i = v.end;
	}
	*count = n;
	return 0;
}
