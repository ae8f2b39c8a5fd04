/*
 * params.h - parameters of property files and SCP templates, and reading
 * their YAML documents into JSON with the parameters substituted.
 *
 *   parameters:                        defaults
 *     break_glass: arn:aws:iam::*:role/BreakGlass
 *     approved_regions: [us-east-1, eu-west-1]
 *
 *   Condition:
 *     StringNotEquals: {aws:RequestedRegion: "{{approved_regions}}"}
 *        -> {"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}
 *     ArnNotLike: {aws:PrincipalArn: "arn:aws:iam::{{account}}:root"}
 *        -> a string parameter inside a longer string
 *
 * A string that is exactly "{{name}}" takes the value (a list becomes a
 * JSON list, spliced into an enclosing list); "{{name}}" inside a longer
 * string is replaced by a string value. An override "name=a,b" gives a
 * list parameter a comma-separated value. A parameter with no value, or a
 * list inside a longer string, is a diagnostic at the string's position.
 *
 * Property files (props.c) and SCP templates (generate.c) share it, so a
 * template and the property that proves it read parameters alike.
 */
#ifndef IAMP_PARAMS_H
#define IAMP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "load.h"
#include "span.h"

struct iamp_diags;

struct iamp_param {
	char *name;
	bool is_list;
	char **values;
	size_t count;
	bool declared;           /* under parameters: */
	bool used;               /* some substitution read it */
};

struct iamp_params {
	struct iamp_param *items;
	size_t count;
};

/*
 * One reading of a document: diagnostics go to `diags`, located in `doc`;
 * `bad` is set by every diagnostic, `oom` when memory ran out. Callers
 * clear `bad` between the parts they keep or drop.
 */
struct iamp_reader {
	struct iamp_params *params;
	const struct iamp_document *doc;
	struct iamp_diags *diags;
	const char *entry;       /* "a property": what a missing member is missing from */
	bool bad;
	bool oom;
};

/* "a string", "a list", ... for diagnostics. */
const char *iamp_value_kind_name(enum iamp_value_kind k);

void iamp_reader_diag(struct iamp_reader *r, int rule, struct iamp_span span, const char *fmt,
		      const char *a, const char *b);

/* True when v is of kind k; else a WRONG_TYPE diagnostic "WHAT must be ...". */
bool iamp_reader_want(struct iamp_reader *r, const struct iamp_value *v,
		      enum iamp_value_kind k, const char *what);

/* The string member `key` of obj, copied (free it), or NULL. */
char *iamp_reader_string(struct iamp_reader *r, const struct iamp_value *obj, const char *key,
			 bool required, const struct iamp_value **where);

/* A copy of n bytes of s, NUL-terminated; NULL (and oom) when memory ran out. */
char *iamp_reader_dup(struct iamp_reader *r, const char *s, size_t n);

/* Reads a `parameters:` mapping: each member is declared, with its default. */
void iamp_params_read(struct iamp_reader *r, const struct iamp_value *obj);

/*
 * Sets a parameter from "name=value" (a list parameter's value is
 * comma-separated). Returns 0, IAMP_EINVAL for text that is not
 * name=value, IAMP_ENOMEM.
 */
int iamp_params_override(struct iamp_params *ps, const char *assignment);

/* Sets `name` to the value of `v` (a scalar or a list of scalars), as
 * iamp_params_read does for one member; a diagnostic for other kinds. */
void iamp_params_set(struct iamp_reader *r, const char *name, size_t len,
		     const struct iamp_value *v);

struct iamp_param *iamp_params_find(const struct iamp_params *ps, const char *name, size_t len);

/* "name=v1,v2": the parameter as iamp_params_override takes it (free it). */
char *iamp_param_assignment(const struct iamp_param *p);

/* Adds a copy of each parameter of src to dst, declared. Returns 0 or IAMP_ENOMEM. */
int iamp_params_copy(struct iamp_params *dst, const struct iamp_params *src);

void iamp_params_free(struct iamp_params *ps);

/* Writes v as JSON to f with the parameters substituted. */
void iamp_params_emit(struct iamp_reader *r, FILE *f, const struct iamp_value *v);

#endif
