/*
 * pattern.h - a policy string compiled once, with its wildcards and its
 * policy variables, shared by the evaluator and the prover.
 *
 *   "arn:aws:s3:::home/${aws:username}/x*"   Version 2012-10-17, wildcards on
 *
 *       pieces: [ literal "arn:aws:s3:::home/" ]
 *               [ variable aws:username       ]
 *               [ literal "/x" STAR          ]    STAR = IAMP_WILD_STAR (match.h)
 *
 *   "arn:aws:s3:::b/${*}"  (no key variable)  ->  one text "arn:aws:s3:::b/" + '*' 
 *                                                 with a literal '*'
 *   anything else                             ->  one compiled text
 *
 * Wildcards are compiled to the bytes of match.h; ${*}, ${?} and ${$} are
 * the literal characters. A pattern with key variables is resolved per
 * request into a scratch buffer; a variable with no value and no default
 * makes the pattern unresolvable, and such a pattern matches nothing
 * (docs/semantics.md, "Policy variables"). Any number of variables is
 * compiled. Every pattern lives in the arena it was compiled into.
 */
#ifndef IAMP_PATTERN_H
#define IAMP_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iamp_arena;
struct iamp_request;

struct iamp_pattern_piece {
	const char *text; /* literal: compiled text; variable: the key */
	uint32_t len;
	bool is_var;
	bool has_def;
	const char *def;
	uint32_t def_len;
};

struct iamp_pattern {
	const char *text; /* compiled text, when npieces == 0 */
	uint32_t len;
	uint32_t npieces;
	const struct iamp_pattern_piece *pieces;
};

/*
 * Compiles s[0..len) into *out. `vars`: the policy has variables (Version
 * 2012-10-17). `wild`: '*' and '?' are wildcards (Resource, *Like, Arn*).
 * Returns 0 or IAMP_ENOMEM.
 */
int iamp_pattern_compile(struct iamp_pattern *out, struct iamp_arena *arena, const char *s,
			 size_t len, bool vars, bool wild);

/* A buffer for resolved patterns: on the stack up to 1 KiB. */
struct iamp_scratch {
	char *buf;
	size_t cap;
	char stack[1024];
	bool oom; /* a resolution needed memory that could not be had */
};

void iamp_scratch_init(struct iamp_scratch *sc);
void iamp_scratch_free(struct iamp_scratch *sc);

/*
 * Resolves `p` against the request's keys into *out (the pattern's own
 * text, or the scratch buffer, valid until the next resolution). False
 * when a variable has no single value and no default. `strict`: the other
 * simulator's reading (compat unresolved-variable-fails), where an empty
 * value and an empty default count as none.
 */
bool iamp_pattern_resolve(const struct iamp_pattern *p, const struct iamp_request *req,
			  bool strict, struct iamp_scratch *sc, const char **out, size_t *out_len);

#endif
