/*
 * config.c - .iamproof.yaml; see config.h.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "load.h"

/*
 * Glob matching as an NFA over the glob's positions, one step per path
 * byte: O(glob x path) whatever the pattern ("**" then "*a*a*a...b" once
 * took exponential time by backtracking). A state is a glob position;
 * at[i] is set when position i is reached before the current byte,
 * loop[i] when the "**" at i is consuming bytes. Entering a "*" also
 * enters what follows it; entering "**" also enters its rest (after an
 * optional '/'), which is entered again after every '/' it consumes. A
 * "**" with nothing after it matches whatever is left.
 */
struct glob_nfa {
	const char *g;
	bool *at, *loop;
	bool all; /* a trailing "**" was reached */
};

static void enter(struct glob_nfa *n, bool *at, bool *loop, size_t i)
{
	const char *g = n->g;

	if (at[i])
		return;
	at[i] = true;
	if (g[i] == '*' && g[i + 1] == '*') {
		size_t rest = i + 2 + (g[i + 2] == '/');

		loop[i] = true;
		if (!g[rest])
			n->all = true;
		else
			enter(n, at, loop, rest);
	} else if (g[i] == '*') {
		enter(n, at, loop, i + 1);
	}
}

bool iamp_glob_match(const char *g, const char *p)
{
	size_t len = strlen(g);
	bool buf[4 * (IAMP_GLOB_MAX + 1)];
	bool *at = buf, *loop = buf + (IAMP_GLOB_MAX + 1);
	bool *nat = loop + (IAMP_GLOB_MAX + 1), *nloop = nat + (IAMP_GLOB_MAX + 1);
	struct glob_nfa n = { .g = g };

	if (len > IAMP_GLOB_MAX)
		return false; /* refused when the configuration is read */
	memset(buf, 0, sizeof(buf));
	enter(&n, at, loop, 0);
	for (; *p && !n.all; p++) {
		bool *t;
		bool any = false;

		memset(nat, 0, (len + 1) * sizeof(*nat));
		memset(nloop, 0, (len + 1) * sizeof(*nloop));
		for (size_t i = 0; i < len; i++) {
			if (!at[i] || loop[i])
				continue;
			if (g[i] == '*' || g[i] == '?') {
				if (*p != '/')
					enter(&n, nat, nloop, g[i] == '*' ? i : i + 1);
			} else if (g[i] == *p) {
				enter(&n, nat, nloop, i + 1);
			}
		}
		/* after the steps above, so that a "**" they enter afresh
		 * also enters its rest here */
		for (size_t i = 0; i < len; i++) {
			if (!loop[i])
				continue;
			nloop[i] = nat[i] = true;
			if (*p == '/')
				enter(&n, nat, nloop, i + 2 + (g[i + 2] == '/'));
		}
		t = at, at = nat, nat = t;
		t = loop, loop = nloop, nloop = t;
		for (size_t i = 0; i <= len && !any; i++)
			any = at[i];
		if (!any)
			return false;
	}
	return n.all || at[len];
}

/* The path relative to the config directory; paths outside it are
 * matched as they are. */
static const char *relative(const struct iamp_config *c, const char *path, char *buf, size_t size)
{
	char *abs;
	size_t n;

	if (!c->dir)
		return path;
	abs = realpath(path, NULL);
	if (!abs)
		return path;
	n = strlen(c->dir);
	if (strncmp(abs, c->dir, n) == 0 && abs[n] == '/' && strlen(abs + n + 1) < size) {
		memcpy(buf, abs + n + 1, strlen(abs + n + 1) + 1);
		free(abs);
		return buf;
	}
	free(abs);
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

bool iamp_config_type_for(const struct iamp_config *c, const char *path, enum iamp_policy_type *out)
{
	char buf[PATH_MAX];
	const char *rel = relative(c, path, buf, sizeof(buf));

	for (size_t i = 0; i < c->type_count; i++) {
		if (iamp_glob_match(c->types[i].glob, rel)) {
			*out = c->types[i].type;
			return true;
		}
	}
	return false;
}

bool iamp_config_excludes(const struct iamp_config *c, const char *path)
{
	char buf[PATH_MAX];
	const char *rel = relative(c, path, buf, sizeof(buf));

	for (size_t i = 0; i < c->exclude_count; i++)
		if (iamp_glob_match(c->exclude[i], rel))
			return true;
	return false;
}

int iamp_config_find(char **out, const char *start_dir)
{
	char *dir = realpath(start_dir, NULL);

	*out = NULL;
	if (!dir) /* out of memory is an error, not "no configuration" */
		return errno == ENOMEM ? iamp_error_set(IAMP_ENOMEM, "out of memory") : 0;
	for (;;) {
		size_t n = strlen(dir);
		char *cand = malloc(n + 32);
		struct stat st;

		if (!cand) {
			free(dir);
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		}
		snprintf(cand, n + 32, "%s/.iamproof.yaml", strcmp(dir, "/") ? dir : "");
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			*out = cand;
			free(dir);
			return 0;
		}
		snprintf(cand, n + 32, "%s/.git", strcmp(dir, "/") ? dir : "");
		if (stat(cand, &st) == 0 || strcmp(dir, "/") == 0) {
			free(cand);
			free(dir);
			return 0;
		}
		free(cand);
		*strrchr(dir, '/') = '\0';
		if (!dir[0]) {
			dir[0] = '/';
			dir[1] = '\0';
		}
	}
}

void iamp_config_free(struct iamp_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->type_count; i++)
		free(c->types[i].glob);
	for (size_t i = 0; i < c->exclude_count; i++)
		free(c->exclude[i]);
	free(c->types);
	free(c->exclude);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

#define CDIAG(doc, rule, span, ...) iamp_doc_diag(diags, doc, IAMP_RULE_##rule, span, __VA_ARGS__)

/* A string or a list of strings; calls add() for each. */
static int each_string(const struct iamp_document *doc, const struct iamp_value *v,
		       const char *what, struct iamp_diags *diags,
		       int (*add)(struct iamp_config *, const char *, int), struct iamp_config *c, int arg)
{
	if (v->kind == IAMP_VALUE_STRING) {
		if (v->u.str.len > IAMP_GLOB_MAX) {
			CDIAG(doc, INPUT_LIMIT, v->span, "a glob of %zu bytes is over the limit of %d bytes",
			      v->u.str.len, IAMP_GLOB_MAX);
			return 0;
		}
		return add(c, v->u.str.text, arg);
	}
	if (v->kind != IAMP_VALUE_ARRAY) {
		CDIAG(doc, WRONG_TYPE, v->span, "%s must be a string or a list of strings", what);
		return 0;
	}
	for (size_t i = 0; i < v->u.array.count; i++) {
		const struct iamp_value *item = v->u.array.items[i];
		int rc;

		if (item->kind != IAMP_VALUE_STRING) {
			CDIAG(doc, WRONG_TYPE, item->span, "each value of %s must be a string", what);
			continue;
		}
		rc = each_string(doc, item, what, diags, add, c, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_type_glob(struct iamp_config *c, const char *glob, int type)
{
	struct iamp_type_glob *t = realloc(c->types, (c->type_count + 1) * sizeof(*t));

	if (!t)
		return IAMP_ENOMEM;
	c->types = t;
	t[c->type_count].glob = strdup(glob);
	t[c->type_count].type = (enum iamp_policy_type)type;
	if (!t[c->type_count].glob)
		return IAMP_ENOMEM;
	c->type_count++;
	return 0;
}

static int add_exclude(struct iamp_config *c, const char *glob, int unused)
{
	char **e = realloc(c->exclude, (c->exclude_count + 1) * sizeof(*e));

	if (!e)
		return IAMP_ENOMEM;
	c->exclude = e;
	e[c->exclude_count] = strdup(glob);
	if (!e[c->exclude_count])
		return IAMP_ENOMEM;
	c->exclude_count++;
	return 0;
}

static int disable_rule(struct iamp_config *c, const char *id, int unused)
{
	const struct iamp_rule *r = iamp_rule_find(id);

	if (!r)
		return 1; /* reported by the caller */
	c->disabled[r - iamp_rules] = true;
	return 0;
}

int iamp_config_load(struct iamp_config *c, const char *path, struct iamp_diags *diags)
{
	struct iamp_document *doc = NULL;
	const struct iamp_value *root;
	char *abs, *slash;
	int rc;

	memset(c, 0, sizeof(*c));
	/* YAML whatever the name (-c FILE), and an empty file or one of
	 * comments only is an empty configuration. */
	rc = iamp_load_file_as(&doc, path, IAMP_FORMAT_YAML, IAMP_LOAD_EMPTY_OK, NULL, diags);
	if (rc)
		return rc;
	abs = realpath(path, NULL);
	if (!abs && errno == ENOMEM) {
		/* without its directory the globs would match other paths */
		iamp_document_free(doc);
		return iamp_error_set(IAMP_ENOMEM, "out of memory reading %s", path);
	}
	if (abs && (slash = strrchr(abs, '/')) != NULL) {
		*slash = '\0';
		if (!abs[0]) {
			abs[0] = '/';
			abs[1] = '\0';
		}
	}
	c->dir = abs;
	root = doc->root;
	if (!root) {
		iamp_document_free(doc);
		return 0;
	}
	if (root->kind != IAMP_VALUE_OBJECT) {
		if (root->kind != IAMP_VALUE_NULL) /* an empty file is an empty config */
			CDIAG(doc, WRONG_TYPE, root->span, "the configuration must be a mapping");
		iamp_document_free(doc);
		return 0;
	}
	rc = 0;
	for (size_t i = 0; i < root->u.object.count && rc == 0; i++) {
		const struct iamp_member *m = &root->u.object.members[i];
		const struct iamp_value *v = m->value;

		if (strcmp(m->key, "default-type") == 0) {
			if (v->kind != IAMP_VALUE_STRING || !iamp_policy_type_parse(&c->default_type, v->u.str.text))
				CDIAG(doc, WRONG_TYPE, v->span,
				      "default-type must be one of identity, resource, trust, boundary, session, scp, rcp");
			else
				c->has_default_type = true;
		} else if (strcmp(m->key, "types") == 0) {
			if (v->kind != IAMP_VALUE_OBJECT) {
				CDIAG(doc, WRONG_TYPE, v->span, "types must be a mapping of policy type to globs");
				continue;
			}
			for (size_t k = 0; k < v->u.object.count && rc == 0; k++) {
				const struct iamp_member *tm = &v->u.object.members[k];
				enum iamp_policy_type t;

				if (!iamp_policy_type_parse(&t, tm->key)) {
					CDIAG(doc, UNKNOWN_ELEMENT, tm->key_span,
					      "unknown policy type \"%s\" (identity, resource, trust, boundary, session, scp, rcp)",
					      tm->key);
					continue;
				}
				rc = each_string(doc, tm->value, tm->key, diags, add_type_glob, c, (int)t);
			}
		} else if (strcmp(m->key, "exclude") == 0) {
			rc = each_string(doc, v, "exclude", diags, add_exclude, c, 0);
		} else if (strcmp(m->key, "fail-on") == 0) {
			if (v->kind != IAMP_VALUE_STRING || !iamp_severity_parse(&c->fail_on, v->u.str.text))
				CDIAG(doc, WRONG_TYPE, v->span,
				      "fail-on must be one of error, security-warning, warning, suggestion");
			else
				c->has_fail_on = true;
		} else if (strcmp(m->key, "disable") == 0) {
			const struct iamp_value *list = v;
			size_t n = list->kind == IAMP_VALUE_ARRAY ? list->u.array.count : 1;

			for (size_t k = 0; k < n; k++) {
				const struct iamp_value *item = list->kind == IAMP_VALUE_ARRAY ? list->u.array.items[k] : list;

				if (item->kind != IAMP_VALUE_STRING)
					CDIAG(doc, WRONG_TYPE, item->span, "disable takes rule ids");
				else if (disable_rule(c, item->u.str.text, 0))
					CDIAG(doc, UNKNOWN_ELEMENT, item->span, "unknown rule id \"%s\" (see `iamproof rules`)",
					      item->u.str.text);
			}
		} else {
			CDIAG(doc, UNKNOWN_ELEMENT, m->key_span,
			      "unknown configuration key \"%s\" (default-type, types, exclude, fail-on, disable)", m->key);
		}
	}
	iamp_document_free(doc);
	if (rc < 0) {
		/* nothing half read stays behind for the caller to free */
		iamp_config_free(c);
		return iamp_error_set(rc, "out of memory reading %s", path);
	}
	return 0;
}
