/*
 * eval_internal.h - the evaluator's compiled policies, for the modules that
 * read them as the evaluator does: the SMT encoder (smt.c) states the same
 * statements over a symbolic request, so that the two cannot disagree
 * about parsing. Not part of the library's interface.
 *
 *   cpolicy ─▶ cstmt[] ─┬─ actions: lower-cased patterns, those whose service
 *                       │  part is literal sorted by it ("s3:get*" under "s3"),
 *                       │  the others ("*", "s?:x") in a list scanned always
 *                       ├─ resources: iamp_pattern[] (pattern.h: wildcards
 *                       │  compiled, variables as pieces)
 *                       ├─ principals
 *                       └─ conditions: ccond[] ─▶ cval[] (pattern + parsed number,
 *                                                 date, CIDR, boolean or bytes)
 */
#ifndef IAMP_EVAL_INTERNAL_H
#define IAMP_EVAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eval.h"
#include "match.h"
#include "pattern.h"

#define MAX_LEVELS IAMP_MAX_LEVELS

struct cact {
	const char *text; /* lower-cased, raw wildcards */
	uint32_t len;
	uint32_t svc_len; /* length of the literal service part */
};

struct cactions {
	struct cact *svc; /* sorted by service */
	size_t nsvc;
	struct cact *wild;
	size_t nwild;
};

struct cval {
	struct iamp_pattern pat;
	bool ok; /* parsed for the operator's type (values without variables) */
	union {
		double num;
		int64_t date;
		struct iamp_ip ip;
		bool b;
		struct {
			const uint8_t *p;
			size_t n;
		} bin;
	} u;
};

struct ccond {
	const struct iamp_operator *op; /* NULL: unknown operator, never true */
	enum iamp_set_op set;
	bool if_exists;
	bool bad_value; /* a value that does not parse for the operator's type */
	const char *key;
	size_t key_len;
	struct cval *vals;
	size_t nvals;
};

struct cprin {
	enum iamp_principal_kind kind;
	const char *text;
	size_t len;
};

struct cstmt {
	const struct iamp_statement *src;
	bool usable; /* a valid Effect and an Action */
	bool deny;
	bool not_action;
	struct cactions act;
	bool has_resource;
	bool not_resource;
	bool short_not_resource; /* compat notresource-short-entry: a short entry */
	struct iamp_pattern *res;
	size_t nres;
	bool check_principal;
	bool not_principal;
	bool principal_star;
	struct cprin *prin;
	size_t nprin;
	struct ccond *conds;
	size_t nconds;
};

struct cpolicy {
	const struct iamp_policy *src;
	enum iamp_policy_type type;
	unsigned level;                    /* levels mode */
	const struct iamp_org_node *node;  /* org mode */
	char *name;
	struct cstmt *stmts;
	size_t nstmts;
	size_t first; /* the ordinal (iamp_match) of stmts[0] */
};

/*
 * The service index (issue 13): a request for "ec2:RunInstances" looks
 * only at the statements that can match it:
 *
 *   svcs (open addressing, by the lower-cased service) ─▶ "ec2" ─▶ refs
 *   always ─▶ refs of statements with NotAction or an action whose service
 *             part has a wildcard ("*", "s?:x")
 *
 * Each ref list is in policy order, then statement order (statements are
 * appended as policies are added), so merging a service's list with
 * `always` visits the candidates in the order of a full scan. A statement
 * whose actions all name other services cannot match, and is not seen.
 */
struct sref {
	uint32_t pol, stmt;
};

struct srefs {
	struct sref *v;
	size_t n, cap;
};

struct svc_slot {
	const char *svc; /* lower-cased, not NUL-terminated; NULL: free */
	uint32_t len;
	struct srefs refs;
};

struct level_info {
	char *name;
	bool full;
};

struct iamp_evaluator {
	struct iamp_arena *arena;
	struct cpolicy *pols;
	size_t npols, cap;
	struct level_info scp[MAX_LEVELS], rcp[MAX_LEVELS];
	unsigned nscp, nrcp;
	bool has_boundary, has_session, has_resource;
	char mgmt[32];
	size_t mgmt_len;
	const struct iamp_org *org; /* org mode */
	unsigned compat;
	struct svc_slot *svcs; /* the service index */
	size_t nsvcs, svcs_cap; /* svcs_cap: a power of two, or 0 */
	struct srefs always;
	size_t nstmts; /* over every policy */
};

#endif
