/*
 * fuzz_explain.c - `explain` patterns: the catalog's expansion and the
 * command's output.
 *
 * Input: the pattern (up to the first NUL). Checks that
 * iamp_catalog_match reports increasing, disjoint, maximal runs whose
 * total is its count and iamp_catalog_match_count's; that the actions of
 * a run (a sample of a long one) match the pattern by iamp_catalog_glob and, for one pattern in
 * eight of at most 24 bytes (chosen by a hash of the pattern, so a rerun
 * checks the same), that no action outside the runs does (a brute force
 * over the whole catalog, some 10 ms); then runs `iamproof explain` (cmd_explain.c) on it
 * in text, JSON and --count, and checks that the text is safe for a
 * terminal and the JSON reads back (output.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "commands.h"
#include "fuzz.h"
#include "output.h"

struct runs {
	const char *pat;
	size_t len;
	uint32_t last_end;
	bool any;
	size_t total;
	unsigned char *seen; /* 1 per action in a run */
};

static bool action_matches(const char *pat, size_t len, uint32_t i)
{
	char name[512];
	size_t n = iamp_catalog_action_format(name, sizeof(name), &iamp_catalog_actions[i]);

	FUZZ_ASSERT(n < sizeof(name));
	return iamp_catalog_glob(pat, len, name, n);
}

static int on_run(void *ctx, uint32_t first, uint32_t end)
{
	struct runs *r = ctx;

	FUZZ_ASSERT(first < end && end <= iamp_catalog_counts.actions);
	/* increasing and maximal: a gap between two runs */
	FUZZ_ASSERT(!r->any || first > r->last_end);
	if (first > 0)
		FUZZ_ASSERT(!action_matches(r->pat, r->len, first - 1));
	if (end < iamp_catalog_counts.actions)
		FUZZ_ASSERT(!action_matches(r->pat, r->len, end));
	/* every action of a short run, a sample of a long one ("*") */
	for (uint32_t i = first; i < end; i += end - first > 256 ? 61 : 1)
		FUZZ_ASSERT(action_matches(r->pat, r->len, i));
	if (r->seen)
		memset(r->seen + first, 1, end - first);
	r->any = true;
	r->last_end = end;
	r->total += end - first;
	return 0;
}

struct explain_run {
	int argc;
	char **argv;
};

static int run_explain(FILE *f, void *p)
{
	struct explain_run *e = p;
	FILE *saved = stdout, *saved_err = stderr;
	FILE *null = fopen("/dev/null", "w");
	int rc;

	stdout = f;
	if (null)
		stderr = null;
	rc = iamp_cmd_explain(e->argc, e->argv);
	stdout = saved;
	stderr = saved_err;
	if (null)
		fclose(null);
	return rc;
}

static void explain(char *pat, const char *opt1, const char *opt2, bool json)
{
	char *argv[5] = { "explain", NULL, NULL, NULL, NULL };
	struct explain_run e = { 1, argv };
	size_t len = 0;
	char *buf;
	int rc = 0;

	if (opt1)
		argv[e.argc++] = (char *)opt1;
	if (opt2)
		argv[e.argc++] = (char *)opt2;
	argv[e.argc++] = pat;
	buf = fuzz_capture(&len, run_explain, &e, &rc);
	if (!buf)
		return;
	/* 0, or 1 when nothing matches; 2 only for a usage error: a
	 * pattern that getopt takes for an option */
	FUZZ_ASSERT(rc == 0 || rc == 1 || (rc == 2 && pat[0] == '-'));
	if (rc != 2) {
		if (json)
			fuzz_check_json_text(buf, len, false);
		else
			fuzz_check_terminal_text(buf, len);
	}
	free(buf);
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct runs r = { 0 };
	size_t len = strnlen((const char *)data, size), count = 0;
	char *pat = malloc(len + 1);

	if (!pat)
		return 0;
	memcpy(pat, data, len);
	pat[len] = '\0';
	r.pat = pat;
	r.len = len;
	if (len <= 24 && hash(pat, len) % 8 == 0)
		r.seen = calloc(iamp_catalog_counts.actions, 1);
	FUZZ_ASSERT(iamp_catalog_match(&count, pat, len, on_run, &r) == 0);
	FUZZ_ASSERT(count == r.total);
	FUZZ_ASSERT(iamp_catalog_match_count(pat, len) == count);
	if (r.seen) {
		for (uint32_t i = 0; i < iamp_catalog_counts.actions; i++)
			FUZZ_ASSERT(r.seen[i] || !action_matches(pat, len, i));
		free(r.seen);
	}
	/* the details of one action or up to 200 lines: not "*" over the
	 * whole catalog every time */
	if (count <= 200) {
		explain(pat, NULL, NULL, false);
		explain(pat, "--format", "json", true);
	}
	explain(pat, "--count", NULL, false);
	free(pat);
	return 0;
}
