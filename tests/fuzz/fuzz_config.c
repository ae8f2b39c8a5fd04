/*
 * fuzz_config.c - .iamproof.yaml and org.yaml.
 *
 * Input: CONFIG NUL ORG NUL PATHS. CONFIG is written to .iamproof.yaml
 * and ORG to org.yaml in a directory of this process (both readers take
 * a path), PATHS is lines of paths. Checks:
 *  - the configuration: every glob it holds decides each path as a
 *    reference matcher does (backtracking, on short globs and paths only),
 *    and type_for/excludes answer without crashing;
 *  - the organization: the account each account node's id finds has that
 *    id; every node's path runs from the root to it through its parents;
 *    node names are cut at any buffer size.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"
#include "error.h"
#include "org.h"
#include "fuzz.h"

static char dir[64];

static bool write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* The glob semantics of config.h, by backtracking: `*` and `?` within a
 * segment, `**` (then an optional '/') any prefix that is empty or ends
 * at a '/'. Exponential: only called on short inputs. */
static bool ref_glob(const char *g, const char *p)
{
	if (g[0] == '*' && g[1] == '*') {
		const char *rest = g + 2 + (g[2] == '/');

		if (!*rest)
			return true;
		if (ref_glob(rest, p))
			return true;
		for (; *p; p++)
			if (*p == '/' && ref_glob(rest, p + 1))
				return true;
		return false;
	}
	if (g[0] == '*') {
		for (;; p++) {
			if (ref_glob(g + 1, p))
				return true;
			if (!*p || *p == '/')
				return false;
		}
	}
	if (!*g)
		return !*p;
	if (!*p)
		return false;
	if (g[0] == '?')
		return *p != '/' && ref_glob(g + 1, p + 1);
	return g[0] == *p && ref_glob(g + 1, p + 1);
}

static void check_glob(const char *glob, const char *path)
{
	bool got = iamp_glob_match(glob, path);

	if (strlen(glob) <= 12 && strlen(path) <= 24)
		FUZZ_ASSERT(got == ref_glob(glob, path));
}

static void check_config(const char *paths, size_t plen)
{
	struct iamp_config c;
	struct iamp_diags diags;
	char path[128], *line = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	iamp_diags_init(&diags);
	snprintf(path, sizeof(path), "%s/.iamproof.yaml", dir);
	rc = iamp_config_load(&c, path, &diags);
	FUZZ_ASSERT(rc == 0 || rc == IAMP_ENOMEM);
	line = malloc(plen + 1);
	if (rc == 0 && line) {
		size_t start = 0;

		while (start <= plen) {
			size_t end = start;
			enum iamp_policy_type t;

			while (end < plen && paths[end] != '\n')
				end++;
			memcpy(line, paths + start, end - start);
			line[end - start] = '\0';
			for (size_t i = 0; i < c.type_count; i++)
				check_glob(c.types[i].glob, line);
			for (size_t i = 0; i < c.exclude_count; i++)
				check_glob(c.exclude[i], line);
			if (line[0] && line[0] != '/') {
				(void)iamp_config_type_for(&c, line, &t);
				(void)iamp_config_excludes(&c, line);
			}
			start = end + 1;
		}
	}
	free(line);
	iamp_config_free(&c);
	iamp_diags_clear(&diags);
}

static void check_node(const struct iamp_org *org, const struct iamp_org_node *n, unsigned depth)
{
	const struct iamp_org_node *path[80];
	char name[300];
	size_t len;

	FUZZ_ASSERT(depth < 80);
	len = iamp_org_path(n, path, 80);
	FUZZ_ASSERT(len == depth + 1);
	FUZZ_ASSERT(path[0] == org->root && path[len - 1] == n);
	for (size_t i = 1; i < len; i++)
		FUZZ_ASSERT(path[i]->parent == path[i - 1]);
	if (n->kind == IAMP_ORG_ACCOUNT && n->id) {
		const struct iamp_org_node *a = iamp_org_account(org, n->id);

		FUZZ_ASSERT(a && a->kind == IAMP_ORG_ACCOUNT && strcmp(a->id, n->id) == 0);
	}
	for (size_t size = 1; size < sizeof(name); size += 37) {
		memset(name, 'x', sizeof(name));
		iamp_org_node_name(name, size, n);
		FUZZ_ASSERT(memchr(name, '\0', size) != NULL);
	}
	(void)iamp_org_scp_full(n);
	for (size_t i = 0; i < n->scp_count; i++)
		FUZZ_ASSERT(n->scps[i].full_access == (n->scps[i].path == NULL));
	for (size_t i = 0; i < n->child_count; i++) {
		FUZZ_ASSERT(n->children[i]->parent == n);
		FUZZ_ASSERT(n->children[i]->kind != IAMP_ORG_ROOT);
		check_node(org, n->children[i], depth + 1);
	}
}

static void check_org(void)
{
	struct iamp_org *org = NULL;
	struct iamp_diags diags;
	char path[128];
	int rc;

	iamp_diags_init(&diags);
	snprintf(path, sizeof(path), "%s/org.yaml", dir);
	rc = iamp_org_load(&org, path, NULL, &diags);
	FUZZ_ASSERT(rc == 0 || rc == IAMP_ENOMEM);
	if (org) {
		FUZZ_ASSERT(org->root && org->root->kind == IAMP_ORG_ROOT && !org->root->parent);
		check_node(org, org->root, 0);
		for (size_t i = 0; i < org->principal_count; i++)
			FUZZ_ASSERT(org->principals[i].arn);
	} else {
		FUZZ_ASSERT(rc != 0 || diags.count > 0);
	}
	iamp_org_free(org);
	iamp_diags_clear(&diags);
}

static void cleanup_dir(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/.iamproof.yaml", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/org.yaml", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *config, *rest, *org, *paths;
	size_t clen, rlen, olen, plen;
	char path[128];

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/iamp-fuzz-XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(cleanup_dir);
	}
	fuzz_split(data, size, &config, &clen, &rest, &rlen);
	fuzz_split((const uint8_t *)rest, rlen, &org, &olen, &paths, &plen);
	snprintf(path, sizeof(path), "%s/.iamproof.yaml", dir);
	if (write_file(path, config, clen))
		check_config(paths, plen);
	snprintf(path, sizeof(path), "%s/org.yaml", dir);
	if (write_file(path, org, olen))
		check_org();
	return 0;
}
