/*
 * fault.c - allocation-failure injection for the fault-injection build
 * (make faultinject, tests/faultinject.sh; SQLite's src/fault.c is the
 * model).
 *
 * Linked into build-asan/iamproof-fault with -Wl,--wrap=F for every F
 * below: each call that the project's own objects make to an allocating
 * function of libc comes here first and counts as one allocation. With
 * IAMP_FAULT_N=N in the environment, the Nth fails as that function
 * fails when memory runs out (NULL or -1, errno ENOMEM); every other
 * call goes to libc. With IAMP_FAULT_COUNT=FILE the number of
 * allocations made is written to FILE at exit, which tells the test how
 * many runs cover every N. With IAMP_DEBUG_ARENA (make asan's flags)
 * every arena allocation is a malloc of its own, so each is a point of
 * failure too. Allocations inside libraries (libyaml, libc's stdio) are
 * not counted: the wrap only sees calls from our objects.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);
FILE *__real_open_memstream(char **buf, size_t *len);
FILE *__real_fopen(const char *path, const char *mode);
char *__real_realpath(const char *path, char *resolved);
int __real_scandir(const char *dir, struct dirent ***list, int (*filter)(const struct dirent *),
		   int (*compar)(const struct dirent **, const struct dirent **));

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_asprintf(char **out, const char *fmt, ...);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);
FILE *__wrap_open_memstream(char **buf, size_t *len);
FILE *__wrap_fopen(const char *path, const char *mode);
char *__wrap_realpath(const char *path, char *resolved);
int __wrap_scandir(const char *dir, struct dirent ***list, int (*filter)(const struct dirent *),
		   int (*compar)(const struct dirent **, const struct dirent **));

static unsigned long count, fail_at;
static int ready;

static void report(void)
{
	const char *path = getenv("IAMP_FAULT_COUNT");
	FILE *f;

	if (!path || !(f = __real_fopen(path, "w")))
		return;
	fprintf(f, "%lu\n", count);
	fclose(f);
}

/* Whether this allocation fails. */
static int fails(void)
{
	if (!ready) {
		const char *n = getenv("IAMP_FAULT_N");

		ready = 1;
		fail_at = n ? strtoul(n, NULL, 10) : 0;
		atexit(report);
	}
	if (++count != fail_at)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fails() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fails() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fails() ? NULL : __real_strndup(s, n);
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	return fails() ? -1 : __real_vasprintf(out, fmt, ap);
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (fails())
		return -1;
	va_start(ap, fmt);
	rc = __real_vasprintf(out, fmt, ap);
	va_end(ap);
	return rc;
}

FILE *__wrap_open_memstream(char **buf, size_t *len)
{
	return fails() ? NULL : __real_open_memstream(buf, len);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	return fails() ? NULL : __real_fopen(path, mode);
}

char *__wrap_realpath(const char *path, char *resolved)
{
	/* only realpath(p, NULL) allocates */
	return !resolved && fails() ? NULL : __real_realpath(path, resolved);
}

int __wrap_scandir(const char *dir, struct dirent ***list, int (*filter)(const struct dirent *),
		   int (*compar)(const struct dirent **, const struct dirent **))
{
	return fails() ? -1 : __real_scandir(dir, list, filter, compar);
}
