/*
 * error.h - operational errors, as opposed to findings.
 *
 * Library functions that can fail for operational reasons (out of memory,
 * unreadable file, solver failure) return a negative IAMP_E* code and leave
 * one line of detail in a per-thread fixed buffer, read by
 * iamp_error_last(). Reporting an error never allocates. Problems with the
 * *content* of a policy are not errors: they are diagnostics (diag.h).
 */
#ifndef IAMP_ERROR_H
#define IAMP_ERROR_H

enum iamp_error {
	IAMP_OK = 0,
	IAMP_ENOMEM = -1,   /* allocation failed */
	IAMP_EIO = -2,      /* file could not be read */
	IAMP_EINVAL = -3,   /* bad argument or unusable input */
	IAMP_EINTERNAL = -4, /* a bug or an inconsistency: exit code 3 */
	IAMP_EUNAVAIL = -5   /* a library the operation needs cannot be loaded (Z3) */
};

/* Stores a message for iamp_error_last(); returns code, for `return
 * iamp_error_set(IAMP_EIO, "...")`. */
int iamp_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *iamp_error_last(void);
void iamp_error_clear(void);

#endif
