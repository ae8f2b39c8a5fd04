/*
 * variables.h - policy variables inside strings.
 *
 *   "arn:aws:s3:::bucket/${aws:username}/x"       key "aws:username"
 *   "${aws:PrincipalTag/team, 'none'}"            key + default "none"
 *   "${*}" "${?}" "${$}"                          the literal * ? $
 *
 * Variables exist only in Version 2012-10-17 policies; under 2008-10-17
 * (or no Version) the text is literal. They are resolved in Resource,
 * NotResource and condition values.
 */
#ifndef IAMP_VARIABLES_H
#define IAMP_VARIABLES_H

#include <stdbool.h>
#include <stddef.h>

enum iamp_var_kind {
	IAMP_VAR_KEY,      /* ${key} or ${key, 'default'} */
	IAMP_VAR_STAR,     /* ${*} : a literal '*' */
	IAMP_VAR_QUESTION, /* ${?} : a literal '?' */
	IAMP_VAR_DOLLAR    /* ${$} : a literal '$' */
};

struct iamp_var {
	enum iamp_var_kind kind;
	size_t start;        /* byte offset of "${" */
	size_t end;          /* byte offset just after "}" */
	const char *key;     /* into the scanned string; not NUL-terminated */
	size_t key_len;
	bool has_default;
	const char *def;     /* the default, without its quotes */
	size_t def_len;
};

/*
 * Scans s[0..len) for variables, storing up to `max` in out[] and the
 * number found in *count. Returns 0, or -1 on a syntax error (an
 * unterminated "${", an empty or malformed key, a malformed default), with
 * the error's byte offset in *err_off and a static description in *err.
 */
int iamp_vars_scan(const char *s, size_t len, struct iamp_var *out,
		   size_t max, size_t *count, size_t *err_off, const char **err);

/* True when s contains "${". */
bool iamp_vars_present(const char *s, size_t len);

#endif
