/*
 * secrets.c - AWS credentials in a scanned file; see secrets.h.
 *
 * One pass over the raw bytes: a run of word characters is either a key
 * id by its shape, or a key name after which a secret access key may
 * follow. The credentials found are kept as (offset, length) in the text,
 * then searched for in every diagnostic of the document to be masked.
 *
 * Most runs can hold neither, and the scan does not read them: every
 * finding's run holds a marker byte (next_live_marker), found 16 bytes at
 * a time, and only the run around such a marker is read byte by byte.
 */
#include "secrets.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes16.h"
#include "diag.h"
#include "load.h"
#include "policy.h"

#define KEY_ID_LEN 20
#define SECRET_LEN 40

struct found {
	size_t offset, len;
	bool key_id;
};

/* Byte classes, one table lookup for each byte of the text. */
enum { C_NAME = 1, C_ALNUM = 2, C_B64 = 4, C_UPPER_ALNUM = 8 };

#define ALNUM (C_NAME | C_ALNUM | C_B64)
static const unsigned char cls[256] = {
	['0' ... '9'] = ALNUM | C_UPPER_ALNUM,
	['A' ... 'Z'] = ALNUM | C_UPPER_ALNUM,
	['a' ... 'z'] = ALNUM,
	['/'] = C_B64, ['+'] = C_B64,
	['_'] = C_NAME, ['-'] = C_NAME, ['.'] = C_NAME,
};
#undef ALNUM

static bool is_upper_alnum(char c)
{
	return cls[(unsigned char)c] & C_UPPER_ALNUM;
}

static bool is_alnum(char c)
{
	return cls[(unsigned char)c] & C_ALNUM;
}

static bool is_b64(char c)
{
	return cls[(unsigned char)c] & C_B64;
}

static bool is_name(char c)
{
	return cls[(unsigned char)c] & C_NAME;
}

/* AKIA/ASIA and 16 of [A-Z0-9] at s, with no word character after. */
static bool key_id_at(const char *s, size_t n)
{
	if (n < KEY_ID_LEN || (memcmp(s, "AKIA", 4) != 0 && memcmp(s, "ASIA", 4) != 0))
		return false;
	for (size_t i = 4; i < KEY_ID_LEN; i++)
		if (!is_upper_alnum(s[i]))
			return false;
	return n == KEY_ID_LEN || !is_alnum(s[KEY_ID_LEN]);
}

/* A key name under which AWS tools keep a secret access key. */
static bool secret_name(const char *s, size_t n)
{
	char norm[64];
	size_t k = 0;

	if (n < sizeof "awssecretkey" - 1)
		return false; /* shorter than either name: most words */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '_' || c == '-' || c == '.')
			continue;
		if (k == sizeof(norm) - 1)
			return false;
		norm[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	norm[k] = '\0';
	return strstr(norm, "secretaccesskey") || strcmp(norm, "awssecretkey") == 0;
}

/* The offset of the ':' or '=' after a key name ending at i (an optional
 * closing quote, blanks), or SIZE_MAX. */
static size_t assign_at(const char *s, size_t n, size_t i)
{
	if (i < n && (s[i] == '"' || s[i] == '\''))
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && (s[i] == ':' || s[i] == '=') ? i : SIZE_MAX;
}

static bool assigned_after(const char *s, size_t n, size_t i)
{
	return assign_at(s, n, i) != SIZE_MAX;
}

/* The offset of the 40-character value after a key name ending at i, or
 * SIZE_MAX. */
static size_t secret_after(const char *s, size_t n, size_t i)
{
	if ((i = assign_at(s, n, i)) == SIZE_MAX)
		return SIZE_MAX;
	i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && (s[i] == '"' || s[i] == '\''))
		i++;
	for (size_t k = 0; k < SECRET_LEN; k++)
		if (i + k >= n || !is_b64(s[i + k]))
			return SIZE_MAX;
	if (i + SECRET_LEN < n && (is_b64(s[i + SECRET_LEN]) || s[i + SECRET_LEN] == '='))
		return SIZE_MAX;
	return i;
}

/*
 * Most runs of name characters can hold no credential, and the scan
 * (iamp_secrets_check) does not read them: it jumps to the next marker
 * byte that can belong to one, then reads that marker's run as it reads
 * any. The runs it skipped would have given nothing, as every finding's
 * run holds a marker that passes marker_live():
 *
 *   'I'        a key id's run holds AKIA or ASIA: the 'I' after AK or AS
 *              and before A;
 *   'y', 'Y'   a secret's key name, lower-cased without '_', '-' and '.',
 *              holds "secretaccesskey" or is "awssecretkey": both end in
 *              "key", so the run holds that 'y' (or 'Y') after an 'e' and
 *              a 'k' of either case, with only '_', '-', '.' between.
 *
 * Markers are found 16 bytes at a time (bytes16.h). 'y' and 'Y' differ
 * in bit 0x20 alone, and no other byte becomes 'y' with it set (nor 'e'
 * or 'k': marker_live uses it too).
 */
static bool is_marker(char c)
{
	return c == 'I' || (c | 0x20) == 'y';
}

/* The first marker byte at or after s[i], or n. */
static size_t next_marker(const char *s, size_t n, size_t i)
{
	for (; i + 16 <= n; i += 16) {
		iamp_bytes16 x = iamp_bytes16_load(s + i);
		size_t k = iamp_bytes16_first((iamp_bytes16)((x == IAMP_SPLAT16('I')) |
							     ((x | IAMP_SPLAT16(0x20)) == IAMP_SPLAT16('y'))));

		if (k < 16)
			return i + k;
	}
	for (; i < n; i++)
		if (is_marker(s[i]))
			return i;
	return n;
}

static bool is_separator(char c)
{
	return c == '_' || c == '-' || c == '.';
}

/* Whether the marker at s[m] (the text is NUL-terminated after it) can
 * belong to a credential: see above. It may look before the run the
 * scan reads (a true answer is only a reason to read it). */
static bool marker_live(const char *s, size_t m)
{
	if (s[m] == 'I')
		return m >= 2 && s[m - 2] == 'A' && (s[m - 1] == 'K' || s[m - 1] == 'S') &&
		       s[m + 1] == 'A';
	while (m > 0 && is_separator(s[m - 1]))
		m--;
	if (m == 0 || (s[m - 1] | 0x20) != 'e')
		return false;
	m--;
	while (m > 0 && is_separator(s[m - 1]))
		m--;
	return m > 0 && (s[m - 1] | 0x20) == 'k';
}

/* The first marker at or after s[i] that can belong to a credential, or n. */
static size_t next_live_marker(const char *s, size_t n, size_t i)
{
	while ((i = next_marker(s, n, i)) < n && !marker_live(s, i))
		i++;
	return i;
}

static void mask_at(char *p, bool key_id)
{
	memset(p + (key_id ? 4 : 0), '*', key_id ? KEY_ID_LEN - 4 : SECRET_LEN);
}

void iamp_secrets_mask_key_ids(char *s)
{
	size_t n = strlen(s);
	char *p = s, *last;

	if (n < KEY_ID_LEN)
		return;
	last = s + n - KEY_ID_LEN; /* the last byte a key id can start at */
	/* a key id starts with 'A': jump from one to the next */
	while (p <= last && (p = memchr(p, 'A', (size_t)(last - p) + 1)) != NULL) {
		if ((p == s || !is_alnum(p[-1])) && key_id_at(p, n - (size_t)(p - s)))
			mask_at(p, true);
		p++;
	}
}

/* Masks every occurrence of the credential in s. */
static void mask_in(char *s, const char *cred, size_t len, bool key_id)
{
	if (!s)
		return;
	for (char *p = s; (p = memmem(p, strlen(p), cred, len)) != NULL; p += len)
		mask_at(p, key_id);
}

static const enum iamp_rule_id secret_rules[] = {
	IAMP_RULE_ACCESS_KEY_ID, IAMP_RULE_SECRET_ACCESS_KEY, IAMP_RULE__COUNT
};

size_t iamp_secrets_check(const struct iamp_document *doc, struct iamp_diags *diags, size_t first)
{
	const char *s = doc->text;
	size_t n = doc->len, nfound = 0, cap = 0;
	struct found *found = NULL;

	if (!s || !doc->line_starts)
		return 0;
	/* With both rules off the scan only masks: none when nothing was
	 * found in this document to mask. */
	if (diags->count == first) {
		if (!iamp_diags_wants_any(diags, secret_rules))
			return 0;
		iamp_diags_work_for(diags, secret_rules);
	}
	for (size_t i = 0; i < n;) {
		size_t start, at = SIZE_MAX, mark;
		bool key_id = false;

		/* Skip to the run of the next live marker: the runs before
		 * it give nothing. It starts at i at the earliest, where the
		 * last run or credential ended. */
		mark = next_live_marker(s, n, i);
		if (mark == n)
			break;
		for (start = mark; start > i && is_name(s[start - 1]); start--)
			;
		i = start;
		/* A key id may sit inside a run of name characters
		 * ("user.AKIA...", "key_AKIA..."): look at each word start,
		 * in the same pass that finds the end of the run. */
		for (; i < n && is_name(s[i]); i++)
			if (s[i] == 'A' && at == SIZE_MAX && (i == start || !is_alnum(s[i - 1])) &&
			    key_id_at(s + i, n - i)) {
				at = i;
				key_id = true;
			}
		/* A key name is followed by ':' or '=' (secret_after): test
		 * that first, as most long words are values. */
		if (at == SIZE_MAX && i - start >= sizeof "awssecretkey" - 1 && assigned_after(s, n, i) &&
		    secret_name(s + start, i - start))
			at = secret_after(s, n, i);
		if (at == SIZE_MAX)
			continue;
		if (nfound == cap) {
			struct found *f = realloc(found, (cap = cap ? cap * 2 : 8) * sizeof(*f));

			if (!f) {
				diags->oom = true;
				break;
			}
			found = f;
		}
		found[nfound++] = (struct found){ at, key_id ? KEY_ID_LEN : SECRET_LEN, key_id };
		if (key_id)
			iamp_doc_diag(diags, doc, IAMP_RULE_ACCESS_KEY_ID,
				      iamp_document_span(doc, at, at + KEY_ID_LEN),
				      "AWS %s access key id in the file (not shown)",
				      s[at + 1] == 'S' ? "temporary" : "long-term");
		else
			iamp_doc_diag(diags, doc, IAMP_RULE_SECRET_ACCESS_KEY,
				      iamp_document_span(doc, at, at + SECRET_LEN),
				      "AWS secret access key in the file (not shown)");
		if (at + (key_id ? KEY_ID_LEN : SECRET_LEN) > i)
			i = at + (key_id ? KEY_ID_LEN : SECRET_LEN);
	}
	for (size_t d = first; d < diags->count; d++) {
		struct iamp_diag *dg = &diags->items[d];

		for (size_t k = 0; k < nfound; k++) {
			mask_in(dg->message, s + found[k].offset, found[k].len, found[k].key_id);
			mask_in(dg->source_line, s + found[k].offset, found[k].len, found[k].key_id);
		}
		iamp_secrets_mask_key_ids(dg->message);
	}
	free(found);
	return nfound;
}
