/*
 * props.h - property files: what `iamproof prove` proves (docs/prove.md).
 *
 *   parameters:                       defaults, overridden by --param k=v
 *     break_glass: arn:aws:iam::*:role/BreakGlass
 *     regions: [us-east-1, eu-west-1]
 *   properties:
 *     - id: approved-regions
 *       title: Only approved regions
 *       expect: denied                 denied | allowed | not-more-than
 *       reference: ref.json            not-more-than: a policy, relative to this file
 *       requests:                      a set of requests, written as a statement
 *         NotAction: [iam:*, sts:*]
 *         Resource: "*"
 *         Condition:
 *           StringNotEquals: {aws:RequestedRegion: "{{regions}}"}
 *           ArnNotLike: {aws:PrincipalArn: "{{break_glass}}"}
 *
 * Parameters are substituted as params.h says: "{{name}}" alone takes the
 * value (a list is spliced into an enclosing list), inside a longer string
 * a string value. A list given with --param is comma-separated.
 *
 * Each property's requests become one policy document (JSON text) with
 * one Allow statement, Principal "*" and Resource "*" unless given, which
 * the caller builds as a resource policy: the same parser and compiler as
 * every policy, and Principal matching where one is given.
 */
#ifndef IAMP_PROPS_H
#define IAMP_PROPS_H

#include <stdbool.h>
#include <stddef.h>

#include "load.h"
#include "params.h"
#include "smt.h"
#include "span.h"

struct iamp_diags;

struct iamp_property {
	char *id;
	char *title;
	char *description;       /* or NULL */
	enum iamp_expect expect;
	char *reference;         /* resolved against the file's directory, or NULL */
	char *policy_json;       /* the request set as a policy document */
	struct iamp_span span;   /* the property's entry */
};

struct iamp_propfile {
	struct iamp_document *doc;
	struct iamp_params params;
	struct iamp_property *props;
	size_t nprops;
};

/*
 * Reads a property file from `text` (NUL-terminated) under the display
 * name `path` (YAML or JSON as the name says; `dir` is where references
 * are found). `overrides`: "name=value" strings. Problems are diagnostics
 * in `diags`, at their position; the properties that have none are kept.
 * Returns 0, IAMP_ENOMEM, or IAMP_EINVAL for an override that is not
 * name=value.
 */
int iamp_props_load(struct iamp_propfile **out, const char *path, const char *dir,
		    const char *text, size_t len, const char *const *overrides, size_t noverrides,
		    const struct iamp_limits *limits, struct iamp_diags *diags);
void iamp_props_free(struct iamp_propfile *pf);

#endif
