/*
 * cmd_rules.c - `iamproof rules`: the rule table, as text, JSON or the
 * Markdown skeleton of docs/rules.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report.h"

int iamp_cmd_rules(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum iamp_report_format fmt = IAMP_REPORT_TEXT;
	bool markdown = false;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "markdown") == 0) {
				markdown = true;
			} else if (!iamp_report_format_parse(&fmt, optarg) || fmt == IAMP_REPORT_SARIF || fmt == IAMP_REPORT_HTML) {
				fprintf(stderr, "iamproof rules: unknown format '%s' (text, json, markdown)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: iamproof rules [--format text|json|markdown]\n");
			return EXIT_CLEAN;
		default:
			return EXIT_USAGE;
		}
	}
	rc = markdown ? iamp_rules_write_markdown(stdout) : iamp_rules_write(stdout, fmt);
	return rc == 0 && fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_INTERNAL;
}
