/*
 * git.h - git (and tar) as subprocesses, for `review`: no library, the
 * user's git with the user's configuration, found on PATH.
 *
 *   proc_run({"git", "rev-parse", "--verify", "main^{commit}", NULL}, &out, &len)
 *     -> 0, out = "3f2a...\n"     (exit status 0)
 *   git_blob("HEAD", "policies/a.json", &out, &len)
 *     -> 0, out = the file's bytes at HEAD
 *
 * Standard output is captured whole (NUL-terminated, so text can be read
 * as a string; `len` counts the bytes); standard error goes to ours, so
 * git's own message reaches the user. Arguments are passed as they are,
 * never through a shell.
 */
#ifndef IAMP_CLI_GIT_H
#define IAMP_CLI_GIT_H

#include <stddef.h>

/* Runs argv (argv[0] looked up on PATH). Returns the exit status (0 to
 * 255), or -1 when it could not run or was killed (errno-style reason
 * printed). *out is malloc'ed (the caller frees it) unless -1. */
int proc_run(const char *const *argv, char **out, size_t *len);

/* The bytes of `path` at commit `rev`: 0, or -1 when git failed (the
 * file is not there, say: git's message is on standard error). */
int git_blob(const char *rev, const char *path, char **out, size_t *len);

#endif
