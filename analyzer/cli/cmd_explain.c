/*
 * cmd_explain.c - `iamproof explain PATTERN...`: the actions a pattern
 * matches, from the catalog (catalog.h).
 *
 *   iamproof explain [--count] [--format text|json] PATTERN...
 *
 * text, one pattern: one line per action, "s3:GetObject  Read"; with
 *   several patterns each group opens with "# PATTERN: N actions".
 * --count: one line per pattern, "N PATTERN".
 * A pattern without wildcard that names an action: its details (service,
 *   access level, resource types with ARN format and required flag,
 *   condition keys with types, dependent actions).
 * json: {"catalog": {"version", "date"}, "patterns": [{"pattern",
 *   "count", "actions": [{"action", "accessLevel"[, "wildcardOnly",
 *   "resourceTypes": [{"name", "arn", "required", "conditionKeys",
 *   "dependentActions"}], "conditionKeys": [{"key", "type"}],
 *   "dependentActions"]}]}]}; --count leaves "actions" out; the details
 *   appear for a pattern without wildcard, as in text.
 *
 * Exit: 0; 1 when a pattern matches nothing (said on stderr, the other
 * patterns still printed); 2 on a usage error.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "report.h"
#include "commands.h"

struct explain {
	FILE *out;
	bool json;
	bool count_only;
	bool details;
	size_t width;   /* text: name column width */
	bool first;     /* json: no comma before the first action */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: iamproof explain [--count] [--format text|json] PATTERN...\n"
		   "  PATTERN   an action or a pattern with * and ?, case-insensitive:\n"
		   "            s3:GetObject, 's3:Get*', '*:Describe*', 's3:*Object?', '*'\n"
		   "  --count   print only the number of actions each pattern matches\n");
}

static void json_str(FILE *f, const char *s)
{
	iamp_json_string(f, s, strlen(s));
}

/* A pattern on a terminal (report.h: controls and invalid UTF-8 escaped). */
static void text_str(FILE *f, const char *s)
{
	iamp_text_string(f, s, strlen(s));
}

static const char *svc_prefix(const struct iamp_action *a)
{
	return iamp_catalog_str(iamp_catalog_action_service(a)->prefix);
}

static void json_key_list(FILE *f, uint32_t first, uint32_t count, bool typed)
{
	uint32_t i;

	fputc('[', f);
	for (i = 0; i < count; i++) {
		const struct iamp_condition_key *k = iamp_catalog_key_ref(first + i);

		if (i)
			fputc(',', f);
		if (typed) {
			fputs("{\"key\":", f);
			json_str(f, iamp_catalog_str(k->name));
			fputs(",\"type\":", f);
			json_str(f, iamp_catalog_key_type_name(k));
			fputc('}', f);
		} else {
			json_str(f, iamp_catalog_str(k->name));
		}
	}
	fputc(']', f);
}

static void json_str_list(FILE *f, uint32_t first, uint32_t count)
{
	uint32_t i;

	fputc('[', f);
	for (i = 0; i < count; i++) {
		if (i)
			fputc(',', f);
		json_str(f, iamp_catalog_str(iamp_catalog_str_refs[first + i]));
	}
	fputc(']', f);
}

static void json_details(FILE *f, const struct iamp_action *a)
{
	uint32_t i;

	fputs(",\"service\":", f);
	json_str(f, iamp_catalog_str(iamp_catalog_action_service(a)->name));
	fprintf(f, ",\"wildcardOnly\":%s,\"resourceTypes\":[",
		iamp_catalog_action_is_wildcard_only(a) ? "true" : "false");
	for (i = 0; i < a->resource_count; i++) {
		const struct iamp_action_resource *r =
			&iamp_catalog_action_resources[a->first_resource + i];
		const struct iamp_resource_type *rt =
			&iamp_catalog_resource_types[r->type];

		if (i)
			fputc(',', f);
		fputs("{\"name\":", f);
		json_str(f, iamp_catalog_str(rt->name));
		fputs(",\"arn\":", f);
		json_str(f, iamp_catalog_str(rt->arn));
		fprintf(f, ",\"required\":%s,\"conditionKeys\":",
			r->required ? "true" : "false");
		json_key_list(f, r->first_key_ref, r->key_count, false);
		fputs(",\"resourceTypeConditionKeys\":", f);
		json_key_list(f, rt->first_key_ref, rt->key_count, false);
		fputs(",\"dependentActions\":", f);
		json_str_list(f, r->first_dependent, r->dependent_count);
		fputc('}', f);
	}
	fputs("],\"conditionKeys\":", f);
	json_key_list(f, a->first_key_ref, a->key_count, true);
	fputs(",\"dependentActions\":", f);
	json_str_list(f, a->first_dependent, a->dependent_count);
}

static void text_keys(FILE *f, const char *indent, uint32_t first, uint32_t count)
{
	uint32_t i;

	for (i = 0; i < count; i++) {
		const struct iamp_condition_key *k = iamp_catalog_key_ref(first + i);

		fprintf(f, "%s%s (%s)\n", indent, iamp_catalog_str(k->name),
			iamp_catalog_key_type_name(k));
	}
}

static void text_strs(FILE *f, const char *indent, uint32_t first, uint32_t count)
{
	uint32_t i;

	for (i = 0; i < count; i++)
		fprintf(f, "%s%s\n", indent,
			iamp_catalog_str(iamp_catalog_str_refs[first + i]));
}

static void text_details(FILE *f, const struct iamp_action *a)
{
	const struct iamp_service *s = iamp_catalog_action_service(a);
	uint32_t i;

	fprintf(f, "%s:%s\n", iamp_catalog_str(s->prefix), iamp_catalog_str(a->name));
	fprintf(f, "  service:         %s (%s)\n", iamp_catalog_str(s->name),
		iamp_catalog_str(s->prefix));
	fprintf(f, "  access level:    %s\n",
		iamp_catalog_access_name((enum iamp_access_level)a->access));
	if (iamp_catalog_action_is_wildcard_only(a)) {
		fprintf(f, "  resource types:  none: wildcard-only, Resource must be \"*\"\n");
	} else {
		fprintf(f, "  resource types:\n");
		for (i = 0; i < a->resource_count; i++) {
			const struct iamp_action_resource *r =
				&iamp_catalog_action_resources[a->first_resource + i];
			const struct iamp_resource_type *rt =
				&iamp_catalog_resource_types[r->type];

			fprintf(f, "    %s%s\n      %s\n", iamp_catalog_str(rt->name),
				r->required ? " (required)" : "",
				iamp_catalog_str(rt->arn));
			if (rt->key_count) {
				fprintf(f, "      condition keys of the resource type:\n");
				text_keys(f, "        ", rt->first_key_ref, rt->key_count);
			}
			if (r->key_count) {
				fprintf(f, "      condition keys for this action:\n");
				text_keys(f, "        ", r->first_key_ref, r->key_count);
			}
			if (r->dependent_count) {
				fprintf(f, "      dependent actions:\n");
				text_strs(f, "        ", r->first_dependent, r->dependent_count);
			}
		}
	}
	if (a->key_count) {
		fprintf(f, "  condition keys:\n");
		text_keys(f, "    ", a->first_key_ref, a->key_count);
	} else {
		fprintf(f, "  condition keys:  none\n");
	}
	if (a->dependent_count) {
		fprintf(f, "  dependent actions:\n");
		text_strs(f, "    ", a->first_dependent, a->dependent_count);
	}
}

/* Called per run of matching actions: the width of the name column. */
static int measure(void *ctx, uint32_t first, uint32_t end)
{
	struct explain *e = ctx;
	uint32_t i;

	for (i = first; i < end; i++) {
		size_t n = iamp_catalog_action_format(NULL, 0, &iamp_catalog_actions[i]);

		if (n > e->width)
			e->width = n;
	}
	return 0;
}

static int print_run(void *ctx, uint32_t first, uint32_t end)
{
	struct explain *e = ctx;
	uint32_t i;

	for (i = first; i < end; i++) {
		const struct iamp_action *a = &iamp_catalog_actions[i];
		const char *access = iamp_catalog_access_name((enum iamp_access_level)a->access);

		if (e->json) {
			char name[256];

			iamp_catalog_action_format(name, sizeof(name), a);
			fputs(e->first ? "{\"action\":" : ",{\"action\":", e->out);
			json_str(e->out, name);
			fputs(",\"accessLevel\":", e->out);
			json_str(e->out, access);
			if (e->details)
				json_details(e->out, a);
			fputc('}', e->out);
		} else if (e->details) {
			text_details(e->out, a);
		} else {
			int pad = (int)(e->width + 2 - iamp_catalog_action_format(NULL, 0, a));

			fprintf(e->out, "%s:%s%*s%s\n", svc_prefix(a),
				iamp_catalog_str(a->name), pad, "", access);
		}
		e->first = false;
	}
	return 0;
}

static bool has_wildcard(const char *p)
{
	return strpbrk(p, "*?") != NULL;
}

/* Why a pattern matched nothing, on stderr. */
static void say_no_match(const char *pattern)
{
	const char *colon = strchr(pattern, ':');

	fputs("iamproof explain: '", stderr);
	text_str(stderr, pattern);
	if (!colon && !has_wildcard(pattern)) {
		fputs("' is not service:action\n", stderr);
		return;
	}
	if (colon && !memchr(pattern, '*', (size_t)(colon - pattern)) &&
	    !memchr(pattern, '?', (size_t)(colon - pattern)) &&
	    !iamp_catalog_service(pattern, (size_t)(colon - pattern))) {
		fputs("': unknown service '", stderr);
		iamp_text_string(stderr, pattern, (size_t)(colon - pattern));
		fprintf(stderr, "' (catalog of %s)\n", iamp_catalog_data_date());
		return;
	}
	fprintf(stderr, "' matches no action (catalog of %s)\n", iamp_catalog_data_date());
}

int iamp_cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct explain e = { .out = stdout };
	int opt, i, rc = EXIT_CLEAN;
	bool many;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "cf:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			e.count_only = true;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				e.json = true;
			} else if (strcmp(optarg, "text") == 0) {
				e.json = false;
			} else {
				fprintf(stderr, "iamproof explain: unknown format '%s' (text, json)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_CLEAN;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	many = argc - optind > 1;

	if (e.json) {
		fputs("{\"catalog\":{\"version\":", e.out);
		json_str(e.out, iamp_catalog_version());
		fputs(",\"date\":", e.out);
		json_str(e.out, iamp_catalog_data_date());
		fputs("},\"patterns\":[", e.out);
	}
	for (i = optind; i < argc; i++) {
		const char *pat = argv[i];
		size_t len = strlen(pat), n;

		e.details = !e.count_only && !has_wildcard(pat);
		e.first = true;
		e.width = 0;
		iamp_catalog_match(&n, pat, len, e.count_only || e.json ? NULL : measure, &e);
		if (n == 0) {
			say_no_match(pat);
			rc = EXIT_FINDINGS;
		}
		if (e.json) {
			fputs(i > optind ? ",{\"pattern\":" : "{\"pattern\":", e.out);
			json_str(e.out, pat);
			fprintf(e.out, ",\"count\":%zu", n);
			if (!e.count_only) {
				fputs(",\"actions\":[", e.out);
				iamp_catalog_match(NULL, pat, len, print_run, &e);
				fputc(']', e.out);
			}
			fputc('}', e.out);
			continue;
		}
		if (e.count_only) {
			fprintf(e.out, "%zu ", n);
			text_str(e.out, pat);
			fputc('\n', e.out);
			continue;
		}
		if (many) {
			if (i > optind)
				fputc('\n', e.out);
			fputs("# ", e.out);
			text_str(e.out, pat);
			fprintf(e.out, ": %zu action%s\n", n, n == 1 ? "" : "s");
		}
		iamp_catalog_match(NULL, pat, len, print_run, &e);
	}
	if (e.json)
		fputs("]}\n", e.out);
	if (fflush(e.out) != 0 || ferror(e.out)) {
		fprintf(stderr, "iamproof explain: cannot write the output\n");
		return EXIT_INTERNAL;
	}
	return rc;
}
