/*
 * policyset.c - the policy files of one CLI run; see policyset.h.
 */
#include "policyset.h"
#include "lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "eval.h"
#include "org.h"
#include "report.h"

void pset_init(struct pset *ps, const char *cmd)
{
	memset(ps, 0, sizeof(*ps));
	ps->cmd = cmd;
	iamp_limits_default(&ps->limits);
	iamp_diags_init(&ps->diags);
}

void pset_free(struct pset *ps)
{
	for (size_t i = 0; i < ps->nfiles; i++) {
		iamp_document_free(ps->files[i].doc);
		free(ps->files[i].owned);
	}
	free(ps->files);
	iamp_org_free(ps->org);
	iamp_diags_clear(&ps->diags);
	memset(ps, 0, sizeof(*ps));
}

static struct pset_file *new_file(struct pset *ps, const char *path, enum iamp_policy_type type,
				  unsigned level, const struct iamp_org_node *node, char *owned)
{
	struct pset_file *l;

	if (ps->nfiles == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 16;
		struct pset_file *nf = realloc(ps->files, cap * sizeof(*nf));

		if (!nf) {
			ps->failed = true;
			free(owned);
			return NULL;
		}
		ps->files = nf;
		ps->cap = cap;
	}
	l = &ps->files[ps->nfiles++];
	memset(l, 0, sizeof(*l));
	l->path = path;
	l->type = type;
	l->level = level;
	l->node = node;
	l->owned = owned;
	return l;
}

static struct iamp_policy *build(struct pset *ps, struct pset_file *l)
{
	if (l->doc->root &&
	    iamp_policy_build(&l->policy, l->doc, l->type, &ps->limits, &ps->diags) != 0) {
		fprintf(stderr, "iamproof: %s: %s\n", l->path, iamp_error_last());
		ps->failed = true;
	}
	if (l->policy)
		iamp_lint_policy_shape(l->policy, &ps->diags);
	return l->policy;
}

struct iamp_policy *pset_load(struct pset *ps, const char *path, enum iamp_policy_type type,
			      unsigned level, const struct iamp_org_node *node, char *owned)
{
	struct pset_file *l = new_file(ps, path, type, level, node, owned);

	if (!l)
		return NULL;
	if (iamp_load_file(&l->doc, path, &ps->limits, &ps->diags)) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		ps->failed = true;
		return NULL;
	}
	return build(ps, l);
}

struct iamp_policy *pset_load_text(struct pset *ps, const char *name, const char *text,
				   enum iamp_policy_type type)
{
	return pset_load_buffer(ps, name, text, strlen(text), IAMP_FORMAT_JSON, type, 0);
}

struct iamp_policy *pset_load_buffer(struct pset *ps, const char *name, const char *data, size_t len,
				     enum iamp_format format, enum iamp_policy_type type, unsigned level)
{
	char *owned = strdup(name);
	struct pset_file *l;

	if (!owned) {
		ps->failed = true;
		return NULL;
	}
	if (!(l = new_file(ps, owned, type, level, NULL, owned)))
		return NULL;
	if (iamp_load_buffer(&l->doc, owned, data, len, format, &ps->limits, &ps->diags)) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		ps->failed = true;
		return NULL;
	}
	return build(ps, l);
}

void pset_add_level(struct pset *ps, const char *list, enum iamp_policy_type type)
{
	unsigned level = type == IAMP_POLICY_SCP ? ps->scp_levels++ : ps->rcp_levels++;
	char *copy = strdup(list), *save = NULL;

	if (!copy) {
		ps->failed = true;
		return;
	}
	if (level >= IAMP_MAX_LEVELS) {
		fprintf(stderr, "iamproof %s: more than %d levels\n", ps->cmd, IAMP_MAX_LEVELS);
		ps->failed = true;
		free(copy);
		return;
	}
	/* An empty name is a mistake, never a level of nothing: an SCP level
	 * without a policy would deny everything (AWS keeps one attached at
	 * every node), and whether it did depended on where it stood. An RCP
	 * level may be empty: RCPFullAWSAccess is implied. */
	if ((type == IAMP_POLICY_SCP && !list[0]) ||
	    (list[0] && (list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,")))) {
		fprintf(stderr, "iamproof %s: the %s level '%s' names an empty file%s\n", ps->cmd,
			type == IAMP_POLICY_SCP ? "SCP" : "RCP", list,
			type == IAMP_POLICY_SCP ? "; a level holds at least one SCP (FullAWSAccess for AWS's own)" : "");
		ps->failed = true;
		free(copy);
		return;
	}
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *path;

		if (strcmp(tok, "FullAWSAccess") == 0 && type == IAMP_POLICY_SCP) {
			ps->scp_full[level] = true;
			continue;
		}
		path = strdup(tok);

		if (!path) {
			ps->failed = true;
			break;
		}
		pset_load(ps, path, type, level, NULL, path);
	}
	free(copy);
}

bool pset_option(struct pset *ps, const char *opt, const char *val)
{
	static const struct {
		const char *opt;
		enum iamp_policy_type type;
	} one[] = {
		{ "--identity", IAMP_POLICY_IDENTITY },
		{ "--resource-policy", IAMP_POLICY_RESOURCE },
		{ "--trust-policy", IAMP_POLICY_TRUST },
		{ "--boundary", IAMP_POLICY_BOUNDARY },
		{ "--session-policy", IAMP_POLICY_SESSION },
	};

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		if (strcmp(opt, one[i].opt) == 0) {
			pset_load(ps, val, one[i].type, 0, NULL, NULL);
			return true;
		}
	}
	if (strcmp(opt, "--scp") == 0 || strcmp(opt, "--rcp") == 0) {
		pset_add_level(ps, val, opt[2] == 's' ? IAMP_POLICY_SCP : IAMP_POLICY_RCP);
		return true;
	}
	return false;
}

static void load_org_node(struct pset *ps, const struct iamp_org_node *n)
{
	for (size_t j = 0; j < n->scp_count; j++)
		if (!n->scps[j].full_access)
			pset_load(ps, n->scps[j].path, IAMP_POLICY_SCP, 0, n, NULL);
	for (size_t j = 0; j < n->rcp_count; j++)
		if (!n->rcps[j].full_access)
			pset_load(ps, n->rcps[j].path, IAMP_POLICY_RCP, 0, n, NULL);
	for (size_t i = 0; i < n->child_count; i++)
		load_org_node(ps, n->children[i]);
}

int pset_load_org(struct pset *ps, const char *org_path)
{
	if (iamp_org_load(&ps->org, org_path, &ps->limits, &ps->diags)) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		ps->failed = true;
		return -1;
	}
	if (!ps->org) {
		ps->failed = true;
		return -1;
	}
	load_org_node(ps, ps->org->root);
	return 0;
}

bool pset_has(const struct pset *ps, enum iamp_policy_type type)
{
	for (size_t i = 0; i < ps->nfiles; i++)
		if (ps->files[i].type == type)
			return true;
	return false;
}

void pset_print_diags(struct pset *ps)
{
	struct iamp_report_opts opts = { .show_source = true };

	iamp_diags_sort(&ps->diags);
	iamp_report_write(stderr, IAMP_REPORT_TEXT, &ps->diags, &opts);
}

bool pset_usable(struct pset *ps)
{
	if (iamp_diags_max_severity(&ps->diags) >= IAMP_SEV_ERROR || ps->failed) {
		pset_print_diags(ps);
		fprintf(stderr, "iamproof %s: the policies above cannot be used\n", ps->cmd);
		return false;
	}
	return true;
}

int pset_build(struct pset *ps, unsigned compat, struct iamp_evaluator **out)
{
	struct iamp_evaluator *ev;

	*out = NULL;
	if (iamp_evaluator_new(&ev))
		return -1;
	iamp_evaluator_set_compat(ev, compat);
	if (ps->org && iamp_evaluator_set_org(ev, ps->org))
		goto fail;
	for (unsigned l = 0; l < ps->scp_levels; l++)
		if (iamp_evaluator_level(ev, IAMP_POLICY_SCP, l, NULL, ps->scp_full[l]))
			goto fail;
	for (unsigned l = 0; l < ps->rcp_levels; l++)
		if (iamp_evaluator_level(ev, IAMP_POLICY_RCP, l, NULL, true))
			goto fail;
	for (size_t i = 0; i < ps->nfiles; i++) {
		const struct pset_file *l = &ps->files[i];
		int rc;

		if (!l->policy || l->type == IAMP_POLICY__COUNT)
			continue;
		if (l->node)
			rc = iamp_evaluator_attach(ev, l->type, l->node, l->policy, l->path);
		else
			rc = iamp_evaluator_add(ev, l->type, l->level, l->policy, l->path);
		if (rc)
			goto fail;
	}
	*out = ev;
	return 0;
fail:
	iamp_evaluator_free(ev);
	return -1;
}

void pset_retire(struct pset *ps, size_t first)
{
	for (size_t j = first; j < ps->nfiles; j++)
		ps->files[j].type = IAMP_POLICY__COUNT;
}
