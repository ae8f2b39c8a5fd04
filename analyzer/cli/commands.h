/*
 * commands.h - the CLI's commands; main.c holds the one command table.
 * Each command takes main's argv shifted so that argv[0] is the command
 * name, and returns the process exit code:
 *   0 clean, 1 findings at or above --fail-on, 2 usage or unreadable
 *   input, 3 internal error.
 */
#ifndef IAMP_CLI_COMMANDS_H
#define IAMP_CLI_COMMANDS_H

#include "policy.h"

enum {
	EXIT_CLEAN = 0,
	EXIT_FINDINGS = 1,
	EXIT_USAGE = 2,
	EXIT_INTERNAL = 3
};

struct iamp_report_opts;
/* main.c: the run as the HTML report's header shows it: "iamproof CMD",
 * the arguments as given, and the time (SOURCE_DATE_EPOCH when it is a
 * positive number of seconds, else now). */
void cli_report_run(struct iamp_report_opts *o);

/* main.c: -j N, the threads of check, simulate and prove. The default
 * is the number of CPUs online (at most CLI_JOBS_MAX); cli_jobs_parse
 * takes 1 to CLI_JOBS_MAX and returns 0, or -1 with *out untouched. */
#define CLI_JOBS_MAX 256u
unsigned cli_jobs_default(void);
int cli_jobs_parse(unsigned *out, const char *text);

/* main.c: loads Z3 for a command that asks the solver (prove, diff,
 * generate, review, check --semantic), once its options are checked and
 * before it reads its inputs or writes a file (`what`: the command or
 * option, for the message). Returns 0, or -1 after saying on standard
 * error why Z3 could not be loaded: the command then exits EXIT_USAGE,
 * as when an input cannot be read (docs/z3.md). */
int cli_need_z3(const char *command, const char *what);

int iamp_cmd_check(int argc, char **argv);
int iamp_cmd_baseline(int argc, char **argv);
int iamp_cmd_rules(int argc, char **argv);
int iamp_cmd_explain(int argc, char **argv);
int iamp_cmd_simulate(int argc, char **argv);
int iamp_cmd_prove(int argc, char **argv);
int iamp_cmd_diff(int argc, char **argv);
int iamp_cmd_generate(int argc, char **argv);
int iamp_cmd_review(int argc, char **argv);
int iamp_cmd_replay(int argc, char **argv);

/*
 * What `diff` compares, shared with `review` (cmd_prove.c). Beside the
 * policy of `type`: for an SCP, identity and resource policies that
 * allow everything; for a resource or trust policy, identity policies of
 * other accounts that allow everything; for an identity policy, nothing.
 * The scope: the callers that SCPs govern; IAM users, roles, sessions and
 * federated users for an identity policy; for resource and trust
 * policies, every caller but the owning account's root.
 */
struct pset;
struct iamp_scope;
void diff_assume(struct pset *ps, enum iamp_policy_type type);
void diff_scope(enum iamp_policy_type type, struct iamp_scope *scope);

#endif
