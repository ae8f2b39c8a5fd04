/*
 * smt.h - the prover: the evaluator's semantics over a symbolic request,
 * decided by Z3. smt.c is the only file that includes z3.h.
 *
 * A question is a set of requests (one Allow statement, written as a
 * property's `requests`) and an expectation about a target: a set of
 * compiled policies (eval.h), SCP levels or an organization included.
 *
 *   expect DENIED       no request of the set is allowed by the target
 *   expect ALLOWED      every request of the set is allowed
 *   expect NOT_MORE_THAN no request of the set is allowed by the target
 *                       and not by the reference
 *
 * The answer is one of four, never inferred from a failure:
 *
 *   PROVEN     the solver showed that no counterexample exists
 *   VIOLATED   a counterexample request, replayed through the concrete
 *              evaluator (iamp_evaluate) before it is returned; a replay
 *              that disagrees is an internal error (IAMP_EINTERNAL)
 *   UNKNOWN    a timeout, or a construct the encoding does not support,
 *              with the reason
 *   VACUOUS    the set is empty, or the target allows nothing at all in
 *              the scope (so "denied" holds for no reason worth trusting)
 *
 * The same machinery compares two targets (iamp_smt_diff): requests that
 * one allows and the other does not, as concrete witnesses.
 *
 * docs/prove.md describes the encoding, its model of a request and its
 * limits; docs/semantics.md the argument for the multivalued-key bound.
 */
#ifndef IAMP_SMT_H
#define IAMP_SMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct iamp_evaluator;
struct iamp_statement;

enum iamp_proof {
	IAMP_PROOF_PROVEN,
	IAMP_PROOF_VIOLATED,
	IAMP_PROOF_UNKNOWN,
	IAMP_PROOF_VACUOUS
};

/* "proven", "violated", "unknown", "vacuous". */
const char *iamp_proof_name(enum iamp_proof p);

enum iamp_expect { IAMP_EXPECT_DENIED, IAMP_EXPECT_ALLOWED, IAMP_EXPECT_NOT_MORE_THAN };

/* "denied", "allowed", "not-more-than"; parse is exact. */
const char *iamp_expect_name(enum iamp_expect e);
bool iamp_expect_parse(enum iamp_expect *out, const char *s);

/* A concrete request found by the solver, in simulate's request format.
 * Every string is NUL-terminated and owned by the struct. */
struct iamp_cex_key {
	char *name;
	char **values;
	size_t count;
	bool multi;   /* written as a list */
};

struct iamp_cex {
	char *principal;
	char *action;
	char *resource;
	struct iamp_cex_key *keys;
	size_t nkeys;
};

void iamp_cex_free(struct iamp_cex *c);

struct iamp_result;

struct iamp_request;

/* Calls fn with the counterexample as a request (valid during the call
 * only); returns what fn returns, or IAMP_ENOMEM. */
int iamp_cex_with_request(const struct iamp_cex *c,
			  int (*fn)(const struct iamp_request *req, void *arg), void *arg);

/* Decides the counterexample with the concrete evaluator (res->matches
 * and match_cap set by the caller, as for iamp_evaluate). */
int iamp_cex_evaluate(struct iamp_result *res, const struct iamp_evaluator *ev,
		      const struct iamp_cex *c);

/* Who may make the requests of a question. */
#define IAMP_SCOPE_KIND(k) (1u << (k)) /* k: enum iamp_caller_kind */

struct iamp_scope {
	unsigned kinds;              /* IAMP_SCOPE_KIND bits; 0: every kind the model has */
	bool no_slr;                 /* no service-linked roles (SCPs do not govern them) */
	const char *const *accounts; /* the caller's account is one of these; NULL: any */
	size_t naccounts;
	bool not_management;         /* not the target's management account */
	bool no_owner_root;          /* not the root user of the resource's own account
					(always allowed there: never an exposure) */
};

/* The callers SCPs govern: root users, IAM users, roles, role sessions and
 * federated users of member accounts, no service-linked roles. */
void iamp_scope_governed(struct iamp_scope *s);

struct iamp_prove_query {
	const struct iamp_evaluator *target;
	const struct iamp_evaluator *set;       /* one policy, one statement: the request set */
	const struct iamp_evaluator *reference; /* NOT_MORE_THAN only */
	enum iamp_expect expect;
	struct iamp_scope scope;
	unsigned timeout_ms;                    /* per solver call; 0: 10,000 */
};

struct iamp_prove_result {
	enum iamp_proof proof;
	char reason[256];        /* UNKNOWN and VACUOUS: why */
	struct iamp_cex cex;     /* VIOLATED: the replayed counterexample */
	unsigned solver_calls;
};

/*
 * Answers the question. Returns 0 (with *out filled), IAMP_ENOMEM,
 * IAMP_EINVAL (a target with compatibility switches: the prover follows
 * AWS only) or IAMP_EINTERNAL (a counterexample that the concrete
 * evaluator does not confirm: a bug, never a finding; iamp_error_last()
 * says what differed).
 */
int iamp_prove(struct iamp_prove_result *out, const struct iamp_prove_query *q);
void iamp_prove_result_free(struct iamp_prove_result *r);

/*
 * The concrete half of iamp_prove, without the solver: requests built
 * from the request set's statements (its actions, resources, condition
 * values), decided by the concrete evaluator. VIOLATED with the
 * counterexample when one breaks the property, else UNKNOWN: never a
 * proof. Microseconds to milliseconds; an organization's targets use it
 * before one joint question.
 */
int iamp_prove_concrete(struct iamp_prove_result *out, const struct iamp_prove_query *q);

/* The comparison of two targets over one scope (and an optional set). */
struct iamp_diff_query {
	const struct iamp_evaluator *old_target, *new_target;
	const struct iamp_evaluator *set;    /* NULL: every request */
	struct iamp_scope scope;
	unsigned witnesses;                  /* per direction; 0: 3 */
	unsigned timeout_ms;
	bool no_text;                        /* tests: never decide from the text */
};

enum iamp_diff_verdict {
	IAMP_DIFF_EQUIVALENT,
	IAMP_DIFF_MORE_PERMISSIVE,   /* NEW allows something OLD does not, never the reverse */
	IAMP_DIFF_LESS_PERMISSIVE,
	IAMP_DIFF_INCOMPARABLE,
	IAMP_DIFF_UNKNOWN
};

const char *iamp_diff_verdict_name(enum iamp_diff_verdict v);

struct iamp_diff_result {
	enum iamp_diff_verdict verdict;
	char reason[256];
	/* [0]: allowed by NEW only (gained), [1]: allowed by OLD only (lost) */
	struct iamp_cex *witness[2];
	size_t nwitness[2];
	bool unknown[2];
	/* a direction shown empty from the statements' text (contain.h),
	 * with no solver call */
	bool by_text[2];
};

/* For developing the encoding: one line per solver call (its answer and
 * time) to `trace`, and each question in SMT-LIB appended to the file
 * `dump_path`. NULL turns either off. Not thread-safe; set it first. */
void iamp_smt_debug(FILE *trace, const char *dump_path);

/* Threads: every question (iamp_prove, iamp_smt_diff, iamp_smt_semantic,
 * iamp_smt_allows_any) makes Z3 contexts of its own, so questions may be
 * asked from several threads at once, over evaluators they only read.
 * iamp_smt_init sets up Z3's process-wide state once; call it before
 * starting threads that ask (the first question calls it too).
 *
 * Z3 is loaded by the first call (dlopen, docs/z3.md): iamp_smt_init
 * returns 0, or IAMP_EUNAVAIL when the library cannot be loaded or
 * lacks a function, with the library's name and the loader's reason in
 * iamp_error_last(), at every call. A question that needs the solver
 * then returns IAMP_EUNAVAIL too; one answered without it (a diff shown
 * by the text) does not. A command that needs Z3 calls it first. */
int iamp_smt_init(void);

int iamp_smt_diff(struct iamp_diff_result *out, const struct iamp_diff_query *q);

/*
 * Whether `target` allows any request of the scope: *answer 1 (a request
 * it allows exists), 0 (none: what a vacuous proof rests on) or -1
 * (unknown, with the reason). Returns 0 or an error.
 */
int iamp_smt_allows_any(int *answer, char *reason, size_t cap, const struct iamp_evaluator *target,
			const struct iamp_scope *sc, unsigned timeout_ms);
void iamp_diff_result_free(struct iamp_diff_result *r);

/*
 * The semantic checks of one policy (`iamproof check --semantic`): what
 * its statements do as a whole, which no single element shows.
 *
 *   NEVER_APPLIES     no request the policy type governs makes the
 *                     statement apply (contradictory conditions,
 *                     NotAction or NotResource covering everything)
 *   REDUNDANT_ALLOW   every request the Allow applies to is allowed by
 *                     another Allow or denied by a Deny of the policy:
 *                     removing it changes no decision
 *   INEFFECTIVE_DENY  every request the Deny applies to is denied by
 *                     another Deny of the policy
 *   NOT_GRANTS_MORE   an Allow with NotAction or NotResource allows an
 *                     action of a service that no Action, NotAction,
 *                     Resource or NotResource of the policy names; the
 *                     example is such a request, replayed
 *
 * Every answer comes from the solver (a witness request is replayed
 * through the concrete evaluator first); a question that runs out of
 * the budget, or meets a construct the encoding does not state, reports
 * nothing and counts in `undecided`.
 */
enum iamp_stmt_issue {
	IAMP_STMT_NEVER_APPLIES,
	IAMP_STMT_REDUNDANT_ALLOW,
	IAMP_STMT_INEFFECTIVE_DENY,
	IAMP_STMT_NOT_GRANTS_MORE
};

struct iamp_stmt_finding {
	enum iamp_stmt_issue issue;
	const struct iamp_statement *stmt;
	struct iamp_cex example;      /* NOT_GRANTS_MORE */
};

struct iamp_semantic_query {
	const struct iamp_evaluator *ev; /* one policy, as iamp_evaluator_add compiled it */
	unsigned budget_ms;              /* every question of the policy; 0: 5,000 */
};

struct iamp_semantic_result {
	struct iamp_stmt_finding *findings;
	size_t nfindings;
	unsigned undecided;              /* checks that reported nothing: budget, unsupported */
	char reason[256];                /* the first undecided check's reason */
	unsigned solver_calls;
};

/* Returns 0, IAMP_ENOMEM, IAMP_EINVAL (compatibility switches) or
 * IAMP_EINTERNAL (a witness the concrete evaluator does not confirm). */
int iamp_smt_semantic(struct iamp_semantic_result *out, const struct iamp_semantic_query *q);
void iamp_semantic_result_free(struct iamp_semantic_result *r);

#endif
