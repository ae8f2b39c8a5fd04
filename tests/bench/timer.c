/*
 * timer.c - times commands for `make bench`, with nothing of its own in
 * the time: each run is timed from just before posix_spawn to the return
 * of wait4. The shell's `$(date +%s%N)` around a command, which bench.sh
 * used before, put date's own start-up (about 4 ms on the machine measured,
 * docs/bench.md) into every figure.
 *
 *   build/bench-time [-n RUNS] [-o OUT] [-e ERR] CMD [ARG...] [--and CMD [ARG...]]...
 *       runs the commands in turn, RUNS rounds (default 5); prints, for
 *       each command, a line "BEST_NS MAX_RSS_KB STATUS": the best wall
 *       time, the largest peak RSS (wait4's ru_maxrss) and the highest
 *       exit status seen (128 + N for signal N). stdout goes to OUT and
 *       stderr to ERR (default /dev/null), both truncated at each run.
 *       A run ending with a status above 2 or by a signal ends the rounds,
 *       so that ERR keeps that run's stderr.
 *   build/bench-time [-n RUNS] --together CMD [ARG...]
 *       each round, two copies of CMD started at once (timed until both
 *       have ended), then two copies one after the other; prints the best
 *       of each, one line each, in that order.
 *
 * Exits 0 when it could run every command, 2 when it could not start one
 * or was called wrongly.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

#define MAX_CMDS 8

struct cmd {
	char **argv;		/* NULL-terminated, within main's argv */
	int64_t best_ns;	/* -1 until a run */
	long max_rss_kb;
	int status;		/* highest seen */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int spawn(pid_t *pid, char **argv, const char *out, const char *err)
{
	posix_spawn_file_actions_t fa;
	int rc;

	if (posix_spawn_file_actions_init(&fa))
		return -1;
	rc = posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644) ||
	     posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!rc)
		rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "bench-time: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	return 0;
}

/* Waits for pid; returns its status as the shell gives it (128 + N for
 * signal N), or -1. */
static int reap(pid_t pid, long *rss_kb)
{
	struct rusage ru;
	int st;

	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	if (ru.ru_maxrss > *rss_kb)
		*rss_kb = ru.ru_maxrss;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void record(struct cmd *c, int64_t ns, int status)
{
	if (c->best_ns < 0 || ns < c->best_ns)
		c->best_ns = ns;
	if (status > c->status)
		c->status = status;
}

static int in_turn(struct cmd *cmds, int ncmds, int runs, const char *out, const char *err)
{
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < ncmds; i++) {
			pid_t pid;
			int64_t t0 = now_ns();
			int status;

			if (spawn(&pid, cmds[i].argv, out, err))
				return -1;
			status = reap(pid, &cmds[i].max_rss_kb);
			if (status < 0)
				return -1;
			record(&cmds[i], now_ns() - t0, status);
			if (status > 2)
				return 0;
		}
	return 0;
}

/* cmds[0]: two copies at once; cmds[1]: two in turn (same argv). */
static int together(struct cmd *cmds, int runs)
{
	for (int r = 0; r < runs; r++) {
		pid_t a, b;
		int64_t t0 = now_ns(), t1;
		int sa, sb;

		if (spawn(&a, cmds[0].argv, "/dev/null", "/dev/null"))
			return -1;
		if (spawn(&b, cmds[0].argv, "/dev/null", "/dev/null")) {
			reap(a, &cmds[0].max_rss_kb);
			return -1;
		}
		sa = reap(a, &cmds[0].max_rss_kb);
		sb = reap(b, &cmds[0].max_rss_kb);
		if (sa < 0 || sb < 0)
			return -1;
		record(&cmds[0], now_ns() - t0, sa > sb ? sa : sb);
		t0 = now_ns();
		if (spawn(&a, cmds[1].argv, "/dev/null", "/dev/null"))
			return -1;
		sa = reap(a, &cmds[1].max_rss_kb);
		if (spawn(&b, cmds[1].argv, "/dev/null", "/dev/null"))
			return -1;
		sb = reap(b, &cmds[1].max_rss_kb);
		t1 = now_ns();
		if (sa < 0 || sb < 0)
			return -1;
		record(&cmds[1], t1 - t0, sa > sb ? sa : sb);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-time [-n RUNS] [-o OUT] [-e ERR] CMD [ARG...] [--and CMD [ARG...]]...\n"
			"       bench-time [-n RUNS] --together CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	const char *out = "/dev/null", *err = "/dev/null";
	int runs = 5, ncmds = 0, pairs = 0, i = 1, rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);

			if (*end || n < 1 || n > 100000)
				return usage();
			runs = (int)n;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc) {
			err = argv[++i];
		} else if (strcmp(argv[i], "--together") == 0) {
			pairs = 1;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			return usage();
		}
	}
	if (i >= argc)
		return usage();
	/* Split the rest at each "--and" (made NULL: each command's end). */
	cmds[ncmds++] = (struct cmd){ .argv = argv + i, .best_ns = -1 };
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--and") != 0)
			continue;
		if (pairs || ncmds == MAX_CMDS || i + 1 >= argc)
			return usage();
		argv[i] = NULL;
		cmds[ncmds++] = (struct cmd){ .argv = argv + i + 1, .best_ns = -1 };
	}
	for (int c = 0; c < ncmds; c++)
		if (!cmds[c].argv[0])
			return usage();
	if (pairs) {
		cmds[ncmds++] = (struct cmd){ .argv = cmds[0].argv, .best_ns = -1 };
		rc = together(cmds, runs);
	} else {
		rc = in_turn(cmds, ncmds, runs, out, err);
	}
	if (rc)
		return 2;
	for (int c = 0; c < ncmds; c++)
		printf("%lld %ld %d\n", (long long)cmds[c].best_ns, cmds[c].max_rss_kb, cmds[c].status);
	return 0;
}
