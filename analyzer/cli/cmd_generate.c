/*
 * cmd_generate.c - `iamproof generate scp`: the Stage 6 guardrails from a
 * baseline, packed under AWS's quotas, checked and proven (docs/generate.md).
 *
 *   baseline.yaml ─┐
 *   templates ─────┼─▶ iamp_generate ─▶ lint ─▶ write DIR ─▶ prove ─▶ DIR/proof.{json,md}
 *   org.yaml ──────┘   (generate.c)                          (stage6 + stage6-allows,
 *                                                             every account path)
 *
 * The proof runs `prove` itself, in this process, on an organization
 * written to a temporary directory: org.yaml's attachments plus the
 * generated SCPs (FullAWSAccess dropped where the allow list replaces it).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "catalog.h"
#include "commands.h"
#include "diag.h"
#include "error.h"
#include "generate.h"
#include "lint.h"
#include "org.h"
#include "packs.h"
#include "params.h"
#include "policy.h"
#include "props.h"
#include "report.h"
#include "version.h"

enum gen_fmt { GEN_JSON, GEN_CLOUDFORMATION, GEN_TERRAFORM };

/* The packs whose properties the set is proven with. */
static const char *const proof_packs[] = { "stage6", "stage6-allows" };
#define NPACKS (sizeof(proof_packs) / sizeof(proof_packs[0]))

struct gen {
	const char *config, *out, *org_path, *timeout;
	enum gen_fmt fmt;
	bool prove;
	struct iamp_limits limits;
	struct iamp_diags diags;
	struct iamp_template **templates;
	size_t ntemplates;
	struct iamp_propfile *packs[NPACKS];
	struct iamp_params defaults;
	struct iamp_baseline *b;
	struct iamp_org *org;
	struct iamp_gen_target *targets;
	size_t ntargets;
	struct iamp_gen_set set;
	char tmp[256];           /* the proof's directory, or "" */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof generate scp --config baseline.yaml --out DIR [--org org.yaml]\n"
		"                             [--format json|cloudformation|terraform] [--timeout S]\n"
		"                             [--no-proof]\n"
		"\nWrites the Stage 6 guardrails that baseline.yaml selects, packed under the SCP quotas\n"
		"(10 per target, 10,240 characters each, unless the baseline says otherwise):\n"
		"  json            one policy file per SCP and attachments.json\n"
		"  cloudformation  stage6.template.json: AWS::Organizations::Policy resources\n"
		"  terraform       stage6.tf: aws_organizations_policy and its attachments\n"
		"Then proves the set with the stage6 pack and the ordinary-work checks over every\n"
		"account path of org.yaml (or the root with one member account) and writes\n"
		"DIR/proof.json and DIR/proof.md. --timeout is per solver call (default 10 s).\n"
		"exit codes: 0 generated and proven, 1 the set does not fit, has findings or is not\n"
		"proven, 2 usage or input error, 3 internal error\n");
}

static const struct iamp_pack *pack_named(const struct iamp_pack *list, const char *name)
{
	for (const struct iamp_pack *p = list; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = (cap ? cap * 2 : 8192));

			if (!nb || cap > (64u << 20)) {
				free(nb ? nb : buf);
				fclose(f);
				errno = nb ? EFBIG : ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* ---- reading -------------------------------------------------------------------- */

static int load_inputs(struct gen *g)
{
	size_t n = 0, len;
	char *text;
	int rc;

	for (const struct iamp_pack *p = iamp_templates; p->name; p++)
		n++;
	if (!(g->templates = calloc(n + 1, sizeof(*g->templates))))
		return EXIT_INTERNAL;
	for (const struct iamp_pack *p = iamp_templates; p->name; p++) {
		char path[256];

		snprintf(path, sizeof(path), "scp-templates/%s.yaml", p->name);
		if (iamp_template_load(&g->templates[g->ntemplates], path, p->text, p->len, &g->limits,
				       &g->diags))
			return EXIT_INTERNAL;
		if (g->templates[g->ntemplates])
			g->ntemplates++;
	}
	for (size_t i = 0; i < NPACKS; i++) {
		const struct iamp_pack *p = pack_named(iamp_packs, proof_packs[i]);
		char path[256];

		if (!p) {
			fprintf(stderr, "iamproof generate: the %s pack is not built in\n", proof_packs[i]);
			return EXIT_INTERNAL;
		}
		snprintf(path, sizeof(path), "%s.yaml", p->name);
		if (iamp_props_load(&g->packs[i], path, "", p->text, p->len, NULL, 0, &g->limits,
				    &g->diags) ||
		    !g->packs[i] || iamp_params_copy(&g->defaults, &g->packs[i]->params))
			return EXIT_INTERNAL;
	}
	if (!(text = read_file(g->config, &len))) {
		fprintf(stderr, "iamproof generate: cannot read %s: %s\n", g->config, strerror(errno));
		return EXIT_USAGE;
	}
	rc = iamp_baseline_load(&g->b, g->config, text, len, &g->defaults, g->templates,
				g->ntemplates, &g->limits, &g->diags);
	free(text);
	if (rc)
		return EXIT_INTERNAL;
	if (g->org_path) {
		rc = iamp_org_load(&g->org, g->org_path, &g->limits, &g->diags);
		if (rc == IAMP_EIO) {
			fprintf(stderr, "iamproof generate: %s\n", iamp_error_last());
			return EXIT_USAGE;
		}
		if (rc)
			return EXIT_INTERNAL;
	}
	if (iamp_diags_max_severity(&g->diags) >= IAMP_SEV_ERROR || !g->b || !g->b->doc->root ||
	    (g->org_path && !g->org)) {
		struct iamp_report_opts opts = { .show_source = true };

		iamp_diags_sort(&g->diags);
		iamp_report_write(stderr, IAMP_REPORT_TEXT, &g->diags, &opts);
		fprintf(stderr, "iamproof generate: the input above cannot be used\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* The name a baseline uses for the node: root, the OU's name, the account id. */
static const char *target_name(const struct iamp_org_node *n)
{
	return n->kind == IAMP_ORG_ROOT ? "root" : n->kind == IAMP_ORG_OU ? n->name : n->id;
}

static int add_targets(struct gen *g, const struct iamp_org_node *n)
{
	struct iamp_gen_target *t;
	bool dup = false;

	for (size_t i = 0; i < g->ntargets; i++)
		dup |= strcmp(g->targets[i].name, target_name(n)) == 0;
	if (!dup && !(n->kind == IAMP_ORG_ACCOUNT && g->org->management_account &&
		      strcmp(n->id, g->org->management_account) == 0)) {
		if (!(t = realloc(g->targets, (g->ntargets + 1) * sizeof(*t))))
			return -1;
		g->targets = t;
		t = &t[g->ntargets++];
		t->name = target_name(n);
		t->full_access = iamp_org_scp_full(n);
		t->taken = 0;
		for (size_t i = 0; i < n->scp_count; i++)
			t->taken += !n->scps[i].full_access;
	}
	for (size_t i = 0; i < n->child_count; i++)
		if (add_targets(g, n->children[i]))
			return -1;
	return 0;
}

/* ---- checking --------------------------------------------------------------------- */

/* Every generated document passes `check --type scp` with nothing at warning or above. */
static int lint_set(struct gen *g)
{
	struct iamp_diags d;
	int worst = -1;

	iamp_diags_init(&d);
	for (size_t i = 0; i < g->set.nscps; i++) {
		const struct iamp_gen_scp *s = &g->set.scps[i];
		struct iamp_document *doc = NULL;
		struct iamp_policy *p = NULL;
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s.json", g->out, s->name);
		if (iamp_load_buffer(&doc, path, s->json, s->len, IAMP_FORMAT_JSON, &g->limits, &d) ||
		    (doc->root && iamp_policy_build(&p, doc, IAMP_POLICY_SCP, &g->limits, &d))) {
			iamp_document_free(doc);
			iamp_diags_clear(&d);
			return EXIT_INTERNAL;
		}
		if (p)
			iamp_lint_policy(p, &d);
		iamp_document_free(doc);
	}
	for (size_t i = 0; i < d.count; i++)
		if ((int)d.items[i].severity > worst)
			worst = (int)d.items[i].severity;
	if (worst >= IAMP_SEV_WARNING) {
		struct iamp_report_opts opts = { .show_source = false };

		iamp_diags_sort(&d);
		iamp_report_write(stderr, IAMP_REPORT_TEXT, &d, &opts);
		fprintf(stderr, "iamproof generate: the generated set has the findings above "
				"(a parameter names something AWS does not know?)\n");
	}
	iamp_diags_clear(&d);
	return worst >= IAMP_SEV_WARNING ? EXIT_FINDINGS : 0;
}

/* ---- writing ------------------------------------------------------------------------ */

static FILE *open_out(const struct gen *g, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", g->out, name);
	if (!(f = fopen(path, "w")))
		fprintf(stderr, "iamproof generate: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const struct gen *g, const char *name)
{
	if (fclose(f) != 0) {
		fprintf(stderr, "iamproof generate: cannot write %s/%s\n", g->out, name);
		return EXIT_INTERNAL;
	}
	return 0;
}

static void jstr(FILE *f, const char *s)
{
	iamp_json_string(f, s, strlen(s));
}

/* Where FullAWSAccess is to be detached: the allow list replaces it. */
static bool detaches_full_access(const struct gen *g, const struct iamp_gen_target *t,
				 bool set_only)
{
	if (!g->b->replace_full_access || !(t->full_access || set_only))
		return false;
	for (size_t c = 0; c < g->b->ncontrols; c++)
		for (size_t i = 0; g->b->controls[c].t->allow_list && i < g->b->controls[c].ntargets; i++)
			if (strcmp(g->b->controls[c].targets[i], t->name) == 0)
				return true;
	return false;
}

static int write_json(const struct gen *g)
{
	FILE *f;
	int rc;

	for (size_t i = 0; i < g->set.nscps; i++) {
		char name[300];

		snprintf(name, sizeof(name), "%s.json", g->set.scps[i].name);
		if (!(f = open_out(g, name)))
			return EXIT_USAGE;
		fwrite(g->set.scps[i].json, 1, strlen(g->set.scps[i].json), f);
		if ((rc = close_out(f, g, name)))
			return rc;
	}
	if (!(f = open_out(g, "attachments.json")))
		return EXIT_USAGE;
	fputs("{\n  \"policies\": [", f);
	for (size_t i = 0; i < g->set.nscps; i++) {
		const struct iamp_gen_scp *s = &g->set.scps[i];

		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		jstr(f, s->name);
		fprintf(f, ", \"file\": \"%s.json\", \"type\": \"SERVICE_CONTROL_POLICY\", \"target\": ",
			s->name);
		jstr(f, s->target);
		fprintf(f, ", \"characters\": %zu, \"controls\": [", s->len);
		for (size_t c = 0; c < s->ncontrols; c++) {
			fputs(c ? ", " : "", f);
			jstr(f, s->controls[c]);
		}
		fputs("]}", f);
	}
	fputs("\n  ],\n  \"detach_full_aws_access\": [", f);
	for (size_t t = 0, n = 0; t < g->ntargets; t++)
		if (detaches_full_access(g, &g->targets[t], false)) {
			fputs(n++ ? ", " : "", f);
			jstr(f, g->targets[t].name);
		}
	fprintf(f, "],\n  \"limits\": {\"scps_per_target\": %u, \"characters\": %zu}\n}\n",
		g->b->max_scps, g->b->max_chars);
	return close_out(f, g, "attachments.json");
}

/* "Stage6OuWorkloads2": a CloudFormation logical id from an SCP's name. */
static void logical_id(FILE *f, const char *name, bool upper_first)
{
	bool up = upper_first;

	for (const char *p = name; *p; p++) {
		if (*p == '-' || *p == '_') {
			up = true;
			continue;
		}
		fputc(up && *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, f);
		up = false;
	}
}

/* The reference to a target's id: a literal account id, else a parameter. */
static void cfn_target(FILE *f, const char *target)
{
	if (strlen(target) == 12 && strspn(target, "0123456789") == 12) {
		fprintf(f, "\"%s\"", target);
		return;
	}
	fputs("{\"Ref\": \"", f);
	if (strcmp(target, "root") == 0)
		fputs("RootId", f);
	else {
		fputs("Ou", f);
		logical_id(f, target, true);
		fputs("Id", f);
	}
	fputs("\"}", f);
}

static int write_cloudformation(const struct gen *g)
{
	FILE *f = open_out(g, "stage6.template.json");
	bool first = true;

	if (!f)
		return EXIT_USAGE;
	fputs("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n"
	      "  \"Description\": \"Stage 6 guardrails generated by iamproof generate scp: regenerate, do not edit\",\n"
	      "  \"Parameters\": {",
	      f);
	for (size_t t = 0; t < g->ntargets; t++) {
		const char *name = g->targets[t].name;
		bool used = false;

		for (size_t i = 0; i < g->set.nscps; i++)
			used |= strcmp(g->set.scps[i].target, name) == 0;
		if (!used || (strlen(name) == 12 && strspn(name, "0123456789") == 12))
			continue;
		fprintf(f, "%s\n    \"", first ? "" : ",");
		first = false;
		if (strcmp(name, "root") == 0)
			fputs("RootId\": {\"Type\": \"String\", \"AllowedPattern\": \"^r-[0-9a-z]{4,32}$\", "
			      "\"Description\": \"The id of the organization's root\"}",
			      f);
		else {
			fputs("Ou", f);
			logical_id(f, name, true);
			fputs("Id\": {\"Type\": \"String\", \"AllowedPattern\": "
			      "\"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$\", \"Description\": ",
			      f);
			{
				char *d = NULL;

				if (asprintf(&d, "The id of the OU %s", name) < 0)
					d = NULL;
				jstr(f, d ? d : "");
				free(d);
			}
			fputs("}", f);
		}
	}
	fputs("\n  },\n  \"Resources\": {", f);
	for (size_t i = 0; i < g->set.nscps; i++) {
		const struct iamp_gen_scp *s = &g->set.scps[i];

		fprintf(f, "%s\n    \"", i ? "," : "");
		logical_id(f, s->name, true);
		fputs("\": {\n      \"Type\": \"AWS::Organizations::Policy\",\n      \"Properties\": {\n"
		      "        \"Name\": ",
		      f);
		jstr(f, s->name);
		fputs(",\n        \"Description\": \"Stage 6 controls: ", f);
		for (size_t c = 0; c < s->ncontrols; c++)
			fprintf(f, "%s%s", c ? ", " : "", s->controls[c]);
		fputs("\",\n        \"Type\": \"SERVICE_CONTROL_POLICY\",\n        \"Content\": ", f);
		jstr(f, s->json);
		fputs(",\n        \"TargetIds\": [", f);
		cfn_target(f, s->target);
		fputs("]\n      }\n    }", f);
	}
	fputs("\n  }\n}\n", f);
	return close_out(f, g, "stage6.template.json");
}

/* A Terraform (HCL) string: JSON's escapes, and no template sequences. */
static void hcl_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else if ((c == '$' || c == '%') && p[1] == '{')
			fprintf(f, "%c%c", c, c); /* $${ and %%{ are literal */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void tf_name(FILE *f, const char *name)
{
	for (const char *p = name; *p; p++)
		fputc(*p == '-' ? '_' : *p, f);
}

static int write_terraform(const struct gen *g)
{
	FILE *f = open_out(g, "stage6.tf");
	bool ous = false, root = false;

	if (!f)
		return EXIT_USAGE;
	for (size_t i = 0; i < g->set.nscps; i++) {
		const char *t = g->set.scps[i].target;

		root |= strcmp(t, "root") == 0;
		ous |= strcmp(t, "root") != 0 && !(strlen(t) == 12 && strspn(t, "0123456789") == 12);
	}
	fputs("# Stage 6 guardrails generated by iamproof generate scp: regenerate, do not edit.\n", f);
	if (root)
		fputs("\nvariable \"root_id\" {\n  type        = string\n"
		      "  description = \"The id of the organization's root (r-...)\"\n}\n",
		      f);
	if (ous) {
		fputs("\nvariable \"ou_ids\" {\n  type        = map(string)\n"
		      "  description = \"OU ids (ou-...) by OU name:",
		      f);
		for (size_t t = 0; t < g->ntargets; t++) {
			const char *n = g->targets[t].name;
			bool used = false;

			for (size_t i = 0; i < g->set.nscps; i++)
				used |= strcmp(g->set.scps[i].target, n) == 0;
			if (used && strcmp(n, "root") != 0 &&
			    !(strlen(n) == 12 && strspn(n, "0123456789") == 12))
				fprintf(f, " %s", n);
		}
		fputs("\"\n}\n", f);
	}
	for (size_t i = 0; i < g->set.nscps; i++) {
		const struct iamp_gen_scp *s = &g->set.scps[i];
		const char *t = s->target;

		fputs("\nresource \"aws_organizations_policy\" \"", f);
		tf_name(f, s->name);
		fputs("\" {\n  name        = ", f);
		hcl_str(f, s->name);
		fputs("\n  description = \"Stage 6 controls:", f);
		for (size_t c = 0; c < s->ncontrols; c++)
			fprintf(f, "%s %s", c ? "," : "", s->controls[c]);
		fputs("\"\n  type        = \"SERVICE_CONTROL_POLICY\"\n  content     = ", f);
		hcl_str(f, s->json);
		fputs("\n}\n\nresource \"aws_organizations_policy_attachment\" \"", f);
		tf_name(f, s->name);
		fputs("\" {\n  policy_id = aws_organizations_policy.", f);
		tf_name(f, s->name);
		fputs(".id\n  target_id = ", f);
		if (strcmp(t, "root") == 0)
			fputs("var.root_id", f);
		else if (strlen(t) == 12 && strspn(t, "0123456789") == 12)
			fprintf(f, "\"%s\"", t);
		else {
			fputs("var.ou_ids[", f);
			hcl_str(f, t);
			fputs("]", f);
		}
		fputs("\n}\n", f);
	}
	return close_out(f, g, "stage6.tf");
}

/* ---- proving ---------------------------------------------------------------------- */

static void org_ref(FILE *f, const struct iamp_org_ref *r, bool *first)
{
	char real[PATH_MAX];

	fputs(*first ? "" : ", ", f);
	*first = false;
	if (r->full_access)
		fputs("\"FullAWSAccess\"", f);
	else
		jstr(f, realpath(r->path, real) ? real : r->path);
}

/* The node's SCPs as they will be, after the files that stay: FullAWSAccess
 * unless the allow list replaces it, and the generated ones. */
static void org_scp_items(FILE *f, const struct gen *g, const char *name, bool *first,
			  bool set_only)
{
	const struct iamp_gen_target *t = NULL;

	for (size_t i = 0; i < g->ntargets; i++)
		if (strcmp(g->targets[i].name, name) == 0)
			t = &g->targets[i];
	if (!t || ((t->full_access || set_only) && !detaches_full_access(g, t, set_only)))
		org_ref(f, &(struct iamp_org_ref){ .full_access = true }, first);
	for (size_t i = 0; i < g->set.nscps; i++)
		if (strcmp(g->set.scps[i].target, name) == 0) {
			fprintf(f, "%s\"%s/%s.json\"", *first ? "" : ", ", g->tmp, g->set.scps[i].name);
			*first = false;
		}
}

/*
 * A node of the proof's organization. set_only: the generated set alone,
 * with FullAWSAccess at every node where the allow list does not replace
 * it (what the set itself lets through); else the node's own SCPs and
 * RCPs stay beside it.
 */
static void org_node(FILE *f, const struct gen *g, const struct iamp_org_node *n, bool set_only)
{
	bool first = true;

	fputs("{", f);
	if (n->kind == IAMP_ORG_OU) {
		fputs("\"name\": ", f);
		jstr(f, n->name);
		fputs(", ", f);
	} else if (n->kind == IAMP_ORG_ACCOUNT) {
		fprintf(f, "\"id\": \"%s\", \"name\": ", n->id);
		jstr(f, n->name ? n->name : n->id);
		fputs(", ", f);
	}
	/* what stays attached: the files, then FullAWSAccess and the set */
	fputs("\"scps\": [", f);
	for (size_t i = 0; i < n->scp_count && !set_only; i++)
		if (!n->scps[i].full_access)
			org_ref(f, &n->scps[i], &first);
	org_scp_items(f, g, target_name(n), &first, set_only);
	fputs("]", f);
	if (n->rcp_count && !set_only) {
		bool rfirst = true;

		fputs(", \"rcps\": [", f);
		for (size_t i = 0; i < n->rcp_count; i++)
			if (!n->rcps[i].full_access)
				org_ref(f, &n->rcps[i], &rfirst);
		fputs("]", f);
	}
	for (int pass = 0; pass < 2; pass++) {
		bool any = false;

		for (size_t i = 0; i < n->child_count; i++) {
			const struct iamp_org_node *c = n->children[i];

			if ((c->kind == IAMP_ORG_OU) != (pass == 0))
				continue;
			fprintf(f, "%s", any ? ", " : pass ? ", \"accounts\": [" : ", \"ous\": [");
			any = true;
			org_node(f, g, c, set_only);
		}
		if (any)
			fputs("]", f);
	}
	fputs("}", f);
}

/* The organization the set is proven on, as org.yaml's JSON form. */
static int write_proof_org(struct gen *g, const char *path, bool set_only)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	if (g->org) {
		fputs("{", f);
		if (g->org->management_account)
			fprintf(f, "\"management_account\": \"%s\", ", g->org->management_account);
		fputs("\"root\": ", f);
		org_node(f, g, g->org->root, set_only);
		fputs("}\n", f);
	} else {
		/* no organization given: the root and one member account under it */
		bool first = true;

		fputs("{\"root\": {\"scps\": [", f);
		org_scp_items(f, g, "root", &first, set_only);
		fputs("]", f);
		fputs(", \"accounts\": [{\"id\": \"123456789012\", \"name\": \"member\"}]}}\n", f);
	}
	return fclose(f);
}

static const char *control_of(const struct gen *g, const char *property)
{
	for (size_t i = 0; i < g->ntemplates; i++)
		for (size_t p = 0; p < g->templates[i]->nproperties; p++)
			if (strcmp(g->templates[i]->properties[p], property) == 0)
				return g->templates[i]->control;
	return NULL;
}

/* Whether the baseline includes the control that proves `property`. */
static bool selected(const struct gen *g, const char *property)
{
	const char *c = control_of(g, property);

	if (!c)
		return true; /* the ordinary-work checks: always */
	for (size_t i = 0; i < g->b->ncontrols; i++)
		if (strcmp(g->b->controls[i].t->control, c) == 0)
			return true;
	return false;
}

/* A field from input (an OU or account name, a reason) on standard
 * output, safe for a terminal. */
static void term(const char *s)
{
	iamp_text_string(stdout, s, strlen(s));
}

/* The same, then spaces to `width` bytes. */
static void term_padded(const char *s, size_t width)
{
	size_t n = strlen(s);

	term(s);
	for (; n < width; n++)
		putchar(' ');
}

/* One row of proof.md's table, each cell escaped for Markdown. */
static void md_row(FILE *md, const char *prop, const char *control, const char *target,
		   const char *result, const char *reason)
{
	const char *cells[] = { prop, control, target };

	fputs("|", md);
	for (size_t i = 0; i < 3; i++) {
		fputc(' ', md);
		iamp_markdown_cell(md, cells[i], strlen(cells[i]));
		fputs(" |", md);
	}
	fputc(' ', md);
	iamp_markdown_cell(md, result, strlen(result));
	if (reason) {
		fputs(": ", md);
		iamp_markdown_cell(md, reason, strlen(reason));
	}
	fputs(" |\n", md);
}

/* proof.md from proof.json, and the summary on stdout. Returns the exit code. */
static int report_proof(struct gen *g, const char *json_path, unsigned npaths)
{
	json_object *root = json_object_from_file(json_path), *results;
	unsigned proven = 0, failed = 0, skipped = 0;
	FILE *md;
	size_t n;

	if (!root || !json_object_object_get_ex(root, "results", &results)) {
		json_object_put(root);
		fprintf(stderr, "iamproof generate: cannot read the proof %s\n", json_path);
		return EXIT_INTERNAL;
	}
	if (!(md = open_out(g, "proof.md"))) {
		json_object_put(root);
		return EXIT_USAGE;
	}
	n = json_object_array_length(results);
	fprintf(md, "# Proof of the generated Stage 6 SCPs\n\n"
		    "iamproof %s (catalog of %s) proved the set under the baseline's parameters on\n"
		    "%u account path%s of %s: the `stage6` pack with the organization's own SCPs\n"
		    "and RCPs beside the set, the `stage6-allows` pack (ordinary work, break-glass)\n"
		    "on the set alone with FullAWSAccess.\n"
		    "Controls the baseline leaves out are listed as not selected; their verdict\n"
		    "does not count.\n\n"
		    "| property | control | target | result |\n|---|---|---|---|\n",
		IAMP_VERSION_STRING, iamp_catalog_gen_date, npaths, npaths == 1 ? "" : "s",
		g->org_path ? "the organization" : "the root with one member account");
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(results, i), *v;
		const char *prop = "", *target = "", *result = "", *reason = NULL, *control;
		bool counts;

		if (json_object_object_get_ex(r, "property", &v))
			prop = json_object_get_string(v);
		if (json_object_object_get_ex(r, "target", &v))
			target = json_object_get_string(v);
		if (json_object_object_get_ex(r, "result", &v))
			result = json_object_get_string(v);
		if (json_object_object_get_ex(r, "reason", &v))
			reason = json_object_get_string(v);
		control = control_of(g, prop);
		counts = selected(g, prop);
		md_row(md, prop, control ? control : "ordinary work", target,
		       counts ? result : "not selected", counts ? reason : NULL);
		if (!counts)
			skipped++;
		else if (strcmp(result, "proven") == 0)
			proven++;
		else {
			failed++;
			fputs("  ", stdout);
			term(result);
			fputs("  ", stdout);
			term(prop);
			fputs("  ", stdout);
			term(target);
			if (reason) {
				fputs(": ", stdout);
				term(reason);
			}
			putchar('\n');
		}
	}
	fprintf(md, "\n%u proven, %u not proven, %u not selected.\n", proven, failed, skipped);
	json_object_put(root);
	if (close_out(md, g, "proof.md"))
		return EXIT_INTERNAL;
	printf("proof: %u of %u proven on %u account path%s (%s/proof.md)%s\n", proven,
	       proven + failed, npaths, npaths == 1 ? "" : "s", g->out,
	       failed ? "; generation failed: a guardrail does not hold" : "");
	return failed ? EXIT_FINDINGS : 0;
}

static unsigned count_paths(const struct iamp_org_node *n, const char *mgmt)
{
	unsigned c = n->kind == IAMP_ORG_ACCOUNT && !(mgmt && strcmp(n->id, mgmt) == 0);

	for (size_t i = 0; i < n->child_count; i++)
		c += count_paths(n->children[i], mgmt);
	return c;
}

/* One pack's proof: `prove` on the organization at org_path, into out_path. */
static int prove_pack(struct gen *g, size_t pack, const char *org_path, const char *out_path)
{
	const struct iamp_params *declared = &g->packs[pack]->params;
	char **argv = calloc(16 + 2 * declared->count, sizeof(char *));
	int argc = 0, pstart = 0, rc;

	if (!argv)
		return EXIT_INTERNAL;
	argv[argc++] = "prove";
	argv[argc++] = "--org";
	argv[argc++] = (char *)org_path;
	argv[argc++] = "--properties";
	argv[argc++] = (char *)proof_packs[pack];
	argv[argc++] = "--format";
	argv[argc++] = "json";
	argv[argc++] = "--output";
	argv[argc++] = (char *)out_path;
	argv[argc++] = "--timeout";
	argv[argc++] = (char *)g->timeout;
	/* the baseline's value of each parameter the pack declares:
	 * "--param", then an assignment this function owns */
	pstart = argc;
	for (size_t i = 0; i < declared->count; i++) {
		const char *name = declared->items[i].name;
		const struct iamp_param *p = iamp_params_find(&g->b->params, name, strlen(name));

		argv[argc++] = "--param";
		if (!p || !(argv[argc++] = iamp_param_assignment(p))) {
			rc = EXIT_INTERNAL;
			goto out;
		}
	}
	fflush(stdout);
	rc = iamp_cmd_prove(argc, argv);
	if (rc >= EXIT_USAGE) {
		fprintf(stderr, "iamproof generate: the %s proof could not run (exit %d)\n",
			proof_packs[pack], rc);
		rc = EXIT_INTERNAL;
	}
out:
	for (int i = pstart + 1; pstart && i < argc; i += 2)
		free(argv[i]);
	free(argv);
	return rc >= EXIT_USAGE ? rc : 0;
}

/* DIR/proof.json: the packs' results, one list. */
static int merge_proofs(struct gen *g)
{
	FILE *f = open_out(g, "proof.json");
	bool first = true;

	if (!f)
		return EXIT_USAGE;
	fputs("{\"results\": [", f);
	for (size_t i = 0; i < NPACKS; i++) {
		char path[PATH_MAX];
		json_object *root, *results;

		snprintf(path, sizeof(path), "%s/proof-%zu.json", g->tmp, i);
		if (!(root = json_object_from_file(path)) ||
		    !json_object_object_get_ex(root, "results", &results)) {
			json_object_put(root);
			fclose(f);
			fprintf(stderr, "iamproof generate: cannot read the proof %s\n", path);
			return EXIT_INTERNAL;
		}
		for (size_t r = 0; r < json_object_array_length(results); r++) {
			fprintf(f, "%s\n%s", first ? "" : ",",
				json_object_to_json_string_ext(json_object_array_get_idx(results, r),
							       JSON_C_TO_STRING_PLAIN |
								       JSON_C_TO_STRING_NOSLASHESCAPE));
			first = false;
		}
		json_object_put(root);
	}
	fputs("\n]}\n", f);
	return close_out(f, g, "proof.json");
}

/*
 * The stage6 pack on the organization as it will be (its own SCPs and
 * RCPs stay: they can only deny more); the stage6-allows pack on the set
 * alone, with FullAWSAccess beside it, so that an OU's own allow list
 * (a sandbox's few services) is not taken for a guardrail that denies
 * too much.
 */
static int prove_set(struct gen *g)
{
	char proof[PATH_MAX];
	int rc;

	snprintf(g->tmp, sizeof(g->tmp), "%s", "/tmp/iamproof-generate-XXXXXX");
	{
		const char *td = getenv("TMPDIR");

		if (td && *td && strlen(td) < 200)
			snprintf(g->tmp, sizeof(g->tmp), "%s/iamproof-generate-XXXXXX", td);
	}
	if (!mkdtemp(g->tmp)) {
		fprintf(stderr, "iamproof generate: cannot make a directory for the proof: %s\n",
			strerror(errno));
		g->tmp[0] = '\0';
		return EXIT_INTERNAL;
	}
	for (size_t i = 0; i < g->set.nscps; i++) {
		char path[PATH_MAX];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.json", g->tmp, g->set.scps[i].name);
		if (!(f = fopen(path, "w")) || (fputs(g->set.scps[i].json, f), fclose(f) != 0))
			return EXIT_INTERNAL;
	}
	for (size_t i = 0; i < NPACKS; i++) {
		char org_path[PATH_MAX], out_path[PATH_MAX];

		snprintf(org_path, sizeof(org_path), "%s/org-%zu.json", g->tmp, i);
		snprintf(out_path, sizeof(out_path), "%s/proof-%zu.json", g->tmp, i);
		if (write_proof_org(g, org_path, i == 1))
			return EXIT_INTERNAL;
		if ((rc = prove_pack(g, i, org_path, out_path)))
			return rc;
	}
	if ((rc = merge_proofs(g)))
		return rc;
	snprintf(proof, sizeof(proof), "%s/proof.json", g->out);
	return report_proof(g, proof,
			    g->org ? count_paths(g->org->root, g->org->management_account) : 1);
}

static void remove_tmp(struct gen *g)
{
	char path[PATH_MAX];

	if (!g->tmp[0])
		return;
	for (size_t i = 0; i < g->set.nscps; i++) {
		snprintf(path, sizeof(path), "%s/%s.json", g->tmp, g->set.scps[i].name);
		unlink(path);
	}
	for (size_t i = 0; i < NPACKS; i++) {
		snprintf(path, sizeof(path), "%s/org-%zu.json", g->tmp, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/proof-%zu.json", g->tmp, i);
		unlink(path);
	}
	rmdir(g->tmp);
	g->tmp[0] = '\0';
}

/* ---- the command --------------------------------------------------------------------- */

static int run(struct gen *g)
{
	int rc;
	struct stat st;

	if ((rc = load_inputs(g)))
		return rc;
	if (g->org) {
		if (add_targets(g, g->org->root))
			return EXIT_INTERNAL;
	} else {
		static const struct iamp_gen_target root = { "root", 0, true };

		if (!(g->targets = malloc(sizeof(*g->targets))))
			return EXIT_INTERNAL;
		g->targets[0] = root;
		g->ntargets = 1;
	}
	rc = iamp_generate(&g->set, g->b, g->targets, g->ntargets, &g->diags);
	if (rc == IAMP_EINVAL || g->diags.count) {
		struct iamp_report_opts opts = { .show_source = true };

		iamp_diags_sort(&g->diags);
		iamp_report_write(stderr, IAMP_REPORT_TEXT, &g->diags, &opts);
		if (rc == IAMP_EINVAL || iamp_diags_max_severity(&g->diags) >= IAMP_SEV_ERROR) {
			fprintf(stderr, "iamproof generate: %s\n",
				rc ? iamp_error_last() : "the baseline above cannot be used");
			return EXIT_USAGE;
		}
	}
	if (rc)
		return EXIT_INTERNAL;
	if (g->set.error) {
		fprintf(stderr, "iamproof generate: the set does not fit the quotas "
				"(%u SCPs per target, %zu characters each):\n%s",
			g->b->max_scps, g->b->max_chars, g->set.error);
		return EXIT_FINDINGS;
	}
	if (!g->set.nscps) {
		fprintf(stderr, "iamproof generate: the baseline selects no control\n");
		return EXIT_USAGE;
	}
	if ((rc = lint_set(g)))
		return rc;
	if (mkdir(g->out, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "iamproof generate: cannot make %s: %s\n", g->out, strerror(errno));
		return EXIT_USAGE;
	}
	if (stat(g->out, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "iamproof generate: %s is not a directory\n", g->out);
		return EXIT_USAGE;
	}
	rc = g->fmt == GEN_JSON ? write_json(g)
	     : g->fmt == GEN_CLOUDFORMATION ? write_cloudformation(g)
					     : write_terraform(g);
	if (rc)
		return rc;
	printf("generated %zu SCP%s into %s:\n", g->set.nscps, g->set.nscps == 1 ? "" : "s", g->out);
	for (size_t i = 0; i < g->set.nscps; i++) {
		const struct iamp_gen_scp *s = &g->set.scps[i];

		fputs("  ", stdout);
		term_padded(s->name, 28);
		putchar(' ');
		term_padded(s->target, 14);
		printf(" %6zu of %zu characters  ", s->len, g->b->max_chars);
		for (size_t c = 0; c < s->ncontrols; c++)
			printf("%s%s", c ? ", " : "", s->controls[c]);
		putchar('\n');
	}
	if (!g->prove) {
		printf("proof: skipped (--no-proof): the set is not proven\n");
		return 0;
	}
	rc = prove_set(g);
	remove_tmp(g);
	return rc;
}

int iamp_cmd_generate(int argc, char **argv)
{
	struct gen g;
	int rc = EXIT_USAGE;

	memset(&g, 0, sizeof(g));
	g.prove = true;
	g.timeout = "10";
	iamp_limits_default(&g.limits);
	iamp_diags_init(&g.diags);
	if (argc < 2 || strcmp(argv[1], "scp") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			usage(stdout);
			return EXIT_CLEAN;
		}
		fprintf(stderr, "iamproof generate: say what to generate: generate scp\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return EXIT_CLEAN;
		}
		if (strcmp(a, "--no-proof") == 0) {
			g.prove = false;
			continue;
		}
		if (!v || strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "iamproof generate: %s '%s'\n",
				strncmp(a, "--", 2) == 0 ? "missing value after" : "unexpected argument", a);
			usage(stderr);
			return EXIT_USAGE;
		}
		i++;
		if (strcmp(a, "--config") == 0)
			g.config = v;
		else if (strcmp(a, "--out") == 0)
			g.out = v;
		else if (strcmp(a, "--org") == 0)
			g.org_path = v;
		else if (strcmp(a, "--timeout") == 0)
			g.timeout = v;
		else if (strcmp(a, "--format") == 0) {
			if (strcmp(v, "json") == 0)
				g.fmt = GEN_JSON;
			else if (strcmp(v, "cloudformation") == 0)
				g.fmt = GEN_CLOUDFORMATION;
			else if (strcmp(v, "terraform") == 0)
				g.fmt = GEN_TERRAFORM;
			else {
				fprintf(stderr, "iamproof generate: --format must be json, cloudformation or terraform\n");
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "iamproof generate: unknown option '%s'\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!g.config || !g.out) {
		fprintf(stderr, "iamproof generate: give --config baseline.yaml and --out DIR\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (g.prove && cli_need_z3("generate", "generate (without --no-proof)"))
		return EXIT_USAGE; /* before any file is written */
	rc = run(&g);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "iamproof: cannot write the output\n");
		rc = EXIT_INTERNAL;
	}
	remove_tmp(&g);
	iamp_gen_set_free(&g.set);
	free(g.targets);
	iamp_org_free(g.org);
	iamp_baseline_free(g.b);
	iamp_params_free(&g.defaults);
	for (size_t i = 0; i < NPACKS; i++)
		iamp_props_free(g.packs[i]);
	for (size_t i = 0; i < g.ntemplates; i++)
		iamp_template_free(g.templates[i]);
	free(g.templates);
	iamp_diags_clear(&g.diags);
	return rc;
}
