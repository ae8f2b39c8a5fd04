/*
 * error.c - the per-thread "last error" line; see error.h.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last[512];

int iamp_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last, sizeof(last), fmt, ap);
	va_end(ap);
	return code;
}

const char *iamp_error_last(void)
{
	return last[0] ? last : "no error";
}

void iamp_error_clear(void)
{
	last[0] = '\0';
}
