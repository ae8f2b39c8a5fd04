/*
 * git.c - git as a subprocess; see git.h.
 */
#include "git.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int proc_run(const char *const *argv, char **out, size_t *len)
{
	int fd[2], status = 0, rc;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap);

	*out = NULL;
	*len = 0;
	if (!buf)
		return -1;
	if (pipe(fd) != 0) {
		fprintf(stderr, "iamproof: cannot run %s: %s\n", argv[0], strerror(errno));
		free(buf);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	posix_spawn_file_actions_addclose(&fa, fd[1]);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc != 0) {
		fprintf(stderr, "iamproof: cannot run %s: %s\n", argv[0], strerror(rc));
		close(fd[0]);
		free(buf);
		return -1;
	}
	for (;;) {
		ssize_t got;

		if (n + 1 >= cap) {
			char *b = realloc(buf, cap * 2);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		got = read(fd[0], buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[n] = '\0';
	if (!WIFEXITED(status)) {
		fprintf(stderr, "iamproof: %s ended by signal %d\n", argv[0],
			WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		free(buf);
		return -1;
	}
	*out = buf;
	*len = n;
	return WEXITSTATUS(status);
}

int git_blob(const char *rev, const char *path, char **out, size_t *len)
{
	size_t nl = strlen(rev) + strlen(path) + 2;
	char *spec = malloc(nl);
	int rc;

	*out = NULL;
	*len = 0;
	if (!spec)
		return -1;
	snprintf(spec, nl, "%s:%s", rev, path);
	{
		const char *const cat[] = { "git", "cat-file", "blob", spec, NULL };

		rc = proc_run(cat, out, len);
	}
	free(spec);
	if (rc != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
