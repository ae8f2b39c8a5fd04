/*
 * config.c - .iamproof.yaml; see config.h.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "load.h"
#include "report.h"

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

const char *iamp_config_path(const struct iamp_config *c, const char *path, char *buf, size_t size)
{
	char *abs;
	size_t n;

	if (!c->dir || strcmp(path, "-") == 0)
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
	const char *rel = iamp_config_path(c, path, buf, sizeof(buf));

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
	const char *rel = iamp_config_path(c, path, buf, sizeof(buf));

	for (size_t i = 0; i < c->exclude_count; i++)
		if (iamp_glob_match(c->exclude[i], rel))
			return true;
	return false;
}

bool iamp_policy_file_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (strcasecmp(dot, ".json") == 0 || strcasecmp(dot, ".yaml") == 0 ||
		       strcasecmp(dot, ".yml") == 0);
}

bool iamp_config_walked(const struct iamp_config *config, const char *path)
{
	for (const char *seg = path; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		if ((seg[0] == '.' && seg[1] != '/' && !(seg[1] == '.' && seg[2] == '/')) ||
		    strncmp(seg, "node_modules/", 13) == 0)
			return false;
	}
	return iamp_policy_file_name(path) && !(config && iamp_config_excludes(config, path));
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
	for (size_t i = 0; i < c->ignore_count; i++) {
		free(c->ignores[i].path);
		free(c->ignores[i].sid);
		free(c->ignores[i].fingerprint);
		free(c->ignores[i].reason);
	}
	for (size_t i = 0; i < c->baseline_count; i++)
		free(c->baseline[i]);
	free(c->types);
	free(c->exclude);
	free(c->ignores);
	free(c->baseline);
	free(c->baseline_path);
	iamp_params_free(&c->params);
	free(c->path);
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
	return iamp_rules_named(c->disabled, id) ? 0 : 1; /* 1: reported by the caller */
}


/* severity: {RULE_ID: severity, ...} */
static void read_severity(struct iamp_config *c, const struct iamp_document *doc,
			  const struct iamp_value *v, struct iamp_diags *diags)
{
	if (v->kind != IAMP_VALUE_OBJECT) {
		CDIAG(doc, WRONG_TYPE, v->span, "severity must be a mapping of rule id to severity");
		return;
	}
	for (size_t i = 0; i < v->u.object.count; i++) {
		const struct iamp_member *m = &v->u.object.members[i];
		const struct iamp_rule *r = iamp_rule_find(m->key);
		enum iamp_severity sev;

		if (!r)
			CDIAG(doc, UNKNOWN_ELEMENT, m->key_span, "unknown rule id \"%s\" (see `iamproof rules`)",
			      m->key);
		else if (m->value->kind != IAMP_VALUE_STRING || !iamp_severity_parse(&sev, m->value->u.str.text))
			CDIAG(doc, WRONG_TYPE, m->value->span,
			      "the severity of %s must be one of error, security-warning, warning, suggestion",
			      m->key);
		else {
			c->has_severity[r - iamp_rules] = true;
			c->severity[r - iamp_rules] = sev;
		}
	}
}

static bool is_fingerprint(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == 16 && s[n] == '\0';
}

/* One entry of ignore; a diagnostic and nothing kept when it is bad. */
static int read_ignore(struct iamp_config *c, const struct iamp_document *doc,
		       const struct iamp_value *v, struct iamp_diags *diags)
{
	static const char *const fields[] = { "rule", "path", "sid", "fingerprint", "reason" };
	struct iamp_ignore ig;
	char **slot[] = { NULL, &ig.path, &ig.sid, &ig.fingerprint, &ig.reason };
	bool bad = false, any = false;
	struct iamp_ignore *grown;
	int rc = 0;

	if (v->kind != IAMP_VALUE_OBJECT) {
		CDIAG(doc, WRONG_TYPE, v->span,
		      "an ignore entry must be a mapping of rule, path, sid or fingerprint, and reason");
		return 0;
	}
	memset(&ig, 0, sizeof(ig));
	for (size_t i = 0; i < v->u.object.count; i++) {
		const struct iamp_member *m = &v->u.object.members[i];
		const struct iamp_value *mv = m->value;
		size_t f = 0;

		while (f < 5 && strcmp(m->key, fields[f]) != 0)
			f++;
		if (f == 5) {
			CDIAG(doc, UNKNOWN_ELEMENT, m->key_span,
			      "unknown ignore key \"%s\" (rule, path, sid, fingerprint, reason)", m->key);
			bad = true;
			continue;
		}
		if (mv->kind != IAMP_VALUE_STRING || mv->u.str.len == 0) {
			CDIAG(doc, WRONG_TYPE, mv->span, "%s must be a non-empty string", m->key);
			bad = true;
			continue;
		}
		if (f == 0) {
			const struct iamp_rule *r = iamp_rule_find(mv->u.str.text);

			if (!r) {
				CDIAG(doc, UNKNOWN_ELEMENT, mv->span, "unknown rule id \"%s\" (see `iamproof rules`)",
				      mv->u.str.text);
				bad = true;
				continue;
			}
			ig.has_rule = true;
			ig.rule = (enum iamp_rule_id)(r - iamp_rules);
		} else {
			if (f == 3 && !is_fingerprint(mv->u.str.text)) {
				CDIAG(doc, WRONG_TYPE, mv->span,
				      "a fingerprint is 16 lower-case hex digits, as --format json prints it");
				bad = true;
				continue;
			}
			free(*slot[f]);
			if (!(*slot[f] = strdup(mv->u.str.text)))
				goto oom;
		}
		any |= f < 4;
	}
	if (!ig.reason && !bad)
		CDIAG(doc, EMPTY_ELEMENT, v->span, "an ignore entry needs a reason: why the finding is accepted");
	else if (!any && !bad)
		CDIAG(doc, EMPTY_ELEMENT, v->span,
		      "an ignore entry needs rule, path, sid or fingerprint: it would ignore every finding");
	if (bad || !ig.reason || !any)
		goto free_entry; /* reported: it ignores nothing */
	grown = realloc(c->ignores, (c->ignore_count + 1) * sizeof(*grown));
	if (!grown)
		goto oom;
	c->ignores = grown;
	c->ignores[c->ignore_count++] = ig;
	return 0;
oom:
	rc = IAMP_ENOMEM;
free_entry:
	free(ig.path);
	free(ig.sid);
	free(ig.fingerprint);
	free(ig.reason);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int iamp_config_load_baseline(struct iamp_config *c, struct iamp_diags *diags)
{
	const char *config_path = c->path, *name = c->baseline_path;
	const char *slash;
	struct iamp_document *doc = NULL;
	const struct iamp_member *m;
	const struct iamp_value *list;
	char *path;
	int rc;

	if (!name)
		return 0;
	slash = strrchr(config_path, '/');
	if (name[0] == '/' || !slash)
		path = strdup(name);
	else if (asprintf(&path, "%.*s/%s", (int)(slash - config_path), config_path, name) < 0)
		path = NULL;
	if (!path)
		return IAMP_ENOMEM;
	rc = iamp_load_file(&doc, path, NULL, diags);
	if (rc) {
		if (rc == IAMP_EIO) {
			char why[512];

			snprintf(why, sizeof(why), "%s", iamp_error_last());
			iamp_error_set(IAMP_EIO, "%s:%u:%u: baseline: %s", config_path, c->baseline_at.line,
				       c->baseline_at.col, why);
		}
		free(path);
		return rc;
	}
	if (!doc->root)
		goto done; /* a syntax error, reported */
	m = doc->root->kind == IAMP_VALUE_OBJECT ? iamp_value_member(doc->root, "findings") : NULL;
	if (!m || m->value->kind != IAMP_VALUE_ARRAY) {
		CDIAG(doc, WRONG_TYPE, m ? m->value->span : doc->root->span,
		      "a baseline is {\"version\": 1, \"findings\": [...]}, as `iamproof baseline` writes it");
		goto done;
	}
	list = m->value;
	c->baseline = calloc(list->u.array.count + 1, sizeof(*c->baseline));
	if (!c->baseline) {
		rc = IAMP_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < list->u.array.count; i++) {
		const struct iamp_value *it = list->u.array.items[i];
		const struct iamp_member *fp = it->kind == IAMP_VALUE_OBJECT ? iamp_value_member(it, "fingerprint") : NULL;

		if (!fp || fp->value->kind != IAMP_VALUE_STRING || !is_fingerprint(fp->value->u.str.text)) {
			CDIAG(doc, WRONG_TYPE, fp ? fp->value->span : it->span,
			      "each finding of a baseline needs a fingerprint of 16 lower-case hex digits");
			continue;
		}
		if (!(c->baseline[c->baseline_count] = strdup(fp->value->u.str.text))) {
			rc = IAMP_ENOMEM;
			goto done;
		}
		c->baseline_count++;
	}
	qsort(c->baseline, c->baseline_count, sizeof(*c->baseline), cmp_str);
done:
	iamp_document_free(doc);
	free(path);
	return rc;
}

/* params: {name: value}, read as a property file's parameters: are. */
static int read_params(struct iamp_config *c, const struct iamp_document *doc,
		       const struct iamp_value *v, struct iamp_diags *diags)
{
	struct iamp_reader r = { .params = &c->params, .doc = doc, .diags = diags, .entry = "params" };

	iamp_params_read(&r, v);
	return r.oom ? IAMP_ENOMEM : 0;
}

/* `limits:` - the loader's caps for check (max-file-bytes,
 * max-statements) and the policy size quotas (max-scp-chars, ...), each a
 * whole number of at least 1 (iamp_limit_parse). */
static const struct {
	const char *name;
	size_t offset;
} limit_keys[] = {
	{ "max-file-bytes", offsetof(struct iamp_config, max_file_bytes) },
	{ "max-statements", offsetof(struct iamp_config, max_statements) },
	{ "max-scp-chars", offsetof(struct iamp_config, quotas.scp) },
	{ "max-rcp-chars", offsetof(struct iamp_config, quotas.rcp) },
	{ "max-identity-chars", offsetof(struct iamp_config, quotas.identity) },
	{ "max-trust-chars", offsetof(struct iamp_config, quotas.trust) },
};
#define LIMIT_NAMES "max-file-bytes, max-statements, max-scp-chars, max-rcp-chars, max-identity-chars, max-trust-chars"

static void read_limits(struct iamp_config *c, struct iamp_document *doc, const struct iamp_value *v,
			struct iamp_diags *diags)
{
	if (v->kind != IAMP_VALUE_OBJECT) {
		CDIAG(doc, WRONG_TYPE, v->span, "limits must be a mapping: " LIMIT_NAMES);
		return;
	}
	for (size_t k = 0; k < v->u.object.count; k++) {
		const struct iamp_member *lm = &v->u.object.members[k];
		const struct iamp_value *n = lm->value;
		size_t *to = NULL;

		for (size_t i = 0; i < sizeof limit_keys / sizeof *limit_keys && !to; i++)
			if (strcmp(lm->key, limit_keys[i].name) == 0)
				to = (size_t *)(void *)((char *)c + limit_keys[i].offset);
		if (!to)
			CDIAG(doc, UNKNOWN_ELEMENT, lm->key_span, "unknown limit \"%s\" (" LIMIT_NAMES ")", lm->key);
		else if ((n->kind != IAMP_VALUE_NUMBER && n->kind != IAMP_VALUE_STRING) ||
			 !iamp_limit_parse(to, n->u.str.text))
			CDIAG(doc, WRONG_TYPE, n->span, "%s must be a whole number from 1 to 4294967295", lm->key);
	}
}

int iamp_config_load(struct iamp_config *c, const char *path, struct iamp_diags *diags)
{
	struct iamp_document *doc = NULL;
	const struct iamp_value *root;
	char *abs, *slash;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!(c->path = strdup(path)))
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	/* YAML whatever the name (-c FILE), and an empty file or one of
	 * comments only is an empty configuration. */
	rc = iamp_load_file_as(&doc, path, IAMP_FORMAT_YAML, IAMP_LOAD_EMPTY_OK, NULL, diags);
	if (rc) {
		iamp_config_free(c);
		return rc;
	}
	abs = realpath(path, NULL);
	if (!abs && errno == ENOMEM) {
		/* without its directory the globs would match other paths */
		iamp_document_free(doc);
		iamp_config_free(c);
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
		} else if (strcmp(m->key, "severity") == 0) {
			read_severity(c, doc, v, diags);
		} else if (strcmp(m->key, "ignore") == 0) {
			if (v->kind != IAMP_VALUE_ARRAY) {
				CDIAG(doc, WRONG_TYPE, v->span, "ignore must be a list of entries");
				continue;
			}
			for (size_t k = 0; k < v->u.array.count && rc == 0; k++)
				rc = read_ignore(c, doc, v->u.array.items[k], diags);
		} else if (strcmp(m->key, "baseline") == 0) {
			if (v->kind != IAMP_VALUE_STRING || v->u.str.len == 0)
				CDIAG(doc, WRONG_TYPE, v->span, "baseline must be the path of a baseline file");
			else if (!(c->baseline_path = strdup(v->u.str.text)))
				rc = IAMP_ENOMEM;
			else
				c->baseline_at = v->span.start;
		} else if (strcmp(m->key, "params") == 0) {
			rc = read_params(c, doc, v, diags);
		} else if (strcmp(m->key, "limits") == 0) {
			read_limits(c, doc, v, diags);
		} else {
			CDIAG(doc, UNKNOWN_ELEMENT, m->key_span,
			      "unknown configuration key \"%s\" (default-type, types, exclude, fail-on, disable, "
			      "severity, ignore, baseline, params, limits)", m->key);
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

void iamp_config_fingerprint(const struct iamp_config *c, const struct iamp_diag *d, char out[17])
{
	char buf[PATH_MAX];
	struct iamp_diag rel = *d;

	rel.path = (char *)iamp_config_path(c, d->path, buf, sizeof(buf));
	iamp_diag_fingerprint(&rel, out);
}

static bool ignore_matches(const struct iamp_config *c, const struct iamp_ignore *ig,
			   const struct iamp_diag *d, const char *sid, const char *fp)
{
	char buf[PATH_MAX];

	if (ig->has_rule && ig->rule != d->rule)
		return false;
	if (ig->sid && (!sid || strcmp(ig->sid, sid) != 0))
		return false;
	if (ig->fingerprint && strcmp(ig->fingerprint, fp) != 0)
		return false;
	return !ig->path || iamp_glob_match(ig->path, iamp_config_path(c, d->path, buf, sizeof(buf)));
}

enum iamp_config_verdict iamp_config_judge(const struct iamp_config *c, const struct iamp_diag *d,
					   const char *sid, bool use_baseline)
{
	char fp[17] = "";
	const char *key = fp;
	bool has_fp = false; /* worked out only when something compares it */

	if (c->disabled[d->rule])
		return IAMP_CONFIG_DISABLED;
	for (size_t i = 0; i < c->ignore_count; i++) {
		if (c->ignores[i].fingerprint && !has_fp) {
			iamp_config_fingerprint(c, d, fp);
			has_fp = true;
		}
		if (ignore_matches(c, &c->ignores[i], d, sid, fp))
			return IAMP_CONFIG_IGNORED;
	}
	if (!use_baseline || !c->baseline_count)
		return IAMP_CONFIG_KEEP;
	if (!has_fp)
		iamp_config_fingerprint(c, d, fp);
	if (bsearch(&key, c->baseline, c->baseline_count, sizeof(*c->baseline), cmp_str))
		return IAMP_CONFIG_BASELINE;
	return IAMP_CONFIG_KEEP;
}

int iamp_config_write_baseline(FILE *out, const struct iamp_config *c, const struct iamp_diags *diags)
{
	fputs("{\n  \"version\": 1,\n  \"findings\": [", out);
	for (size_t i = 0; i < diags->count; i++) {
		const struct iamp_diag *d = &diags->items[i];
		char fp[17], buf[PATH_MAX];
		const char *rel = iamp_config_path(c, d->path, buf, sizeof(buf));

		iamp_config_fingerprint(c, d, fp);
		fprintf(out, "%s\n    {\"fingerprint\": \"%s\", \"rule\": \"%s\", \"path\": ", i ? "," : "", fp,
			iamp_rules[d->rule].id);
		iamp_json_string(out, rel, strlen(rel));
		fputs(", \"message\": ", out);
		iamp_json_string(out, d->message, strlen(d->message));
		fputs("}", out);
	}
	fputs(diags->count ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? IAMP_EIO : 0;
}

/* The Sid of the statement holding `d`, or NULL. The statements are in
 * source order and do not overlap: a binary search for the last one that
 * starts at or before the diagnostic (a scan made judging quadratic). */
static const char *sid_of(const struct iamp_policy *policy, const struct iamp_diag *d)
{
	size_t lo = 0, hi = policy ? policy->statement_count : 0;
	const struct iamp_statement *st;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (policy->statements[mid].span.start.offset <= d->span.start.offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	st = &policy->statements[lo - 1];
	return st->has_sid && d->span.start.offset < st->span.end.offset ? st->sid.text : NULL;
}

void iamp_config_apply(const struct iamp_config *config, struct iamp_diags *diags, size_t first,
		       const struct iamp_policy *policy, bool use_baseline, size_t *ignored, size_t *baselined)
{
	size_t out = first;

	for (size_t i = first; i < diags->count; i++) {
		struct iamp_diag *d = &diags->items[i];

		if (config->has_severity[d->rule])
			d->severity = config->severity[d->rule];
		switch (iamp_config_judge(config, d, sid_of(policy, d), use_baseline)) {
		case IAMP_CONFIG_KEEP:
			diags->items[out++] = *d;
			continue;
		case IAMP_CONFIG_IGNORED:
			(*ignored)++;
			break;
		case IAMP_CONFIG_BASELINE:
			(*baselined)++;
			break;
		case IAMP_CONFIG_DISABLED:
			break;
		}
		free(d->path);
		free(d->message);
		free(d->source_line);
	}
	diags->count = out;
}
