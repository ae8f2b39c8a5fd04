/*
 * cmd_replay.c - `iamproof replay`: what a change to the SCPs and RCPs of
 * an organization would have done to the calls CloudTrail recorded
 * (docs/replay.md).
 *
 *   --org org.yaml ──▶ before: pset + evaluator (SCPs, RCPs along paths)
 *   --org-after F, --change F --at NODE, --change-rcp F --at NODE,
 *   --replace OLD --with NEW ──▶ after: pset + evaluator
 *   both: identity and resource policies that allow everything (the
 *         events happened, so the identity side allowed them)
 *   --cloudtrail PATH ──▶ cloudtrail.c: one record at a time
 *        ──▶ event (request) ──▶ decided before and after
 *        ──▶ a group (account, principal, action, the statement that
 *            decides) counted, first and last time, an example event id
 *   report: text, json, markdown, sarif
 *
 * Memory: one record at a time, plus one entry per group (distinct
 * account, principal, action and reason among the changed events).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "cloudtrail.h"
#include "commands.h"
#include "diag.h"
#include "error.h"
#include "eval.h"
#include "load.h"
#include "match.h"
#include "org.h"
#include "policy.h"
#include "policyset.h"
#include "report.h"
#include "version.h"

#define MAX_MATCHES 32
#define MAX_CHANGES 32

enum category { CAT_DENIED, CAT_ALLOWED, CAT_ASSUMED, CAT__COUNT };

static const char *const cat_title[] = { "newly denied", "newly allowed", "depend on an unknown" };
static const char *const cat_key[] = { "newlyDenied", "newlyAllowed", "assumed" };

/* Assumption bits beyond cloudtrail.h's (IAMP_CT_ASSUME_*). */
#define ASSUME_KEY (1u << 8)            /* a condition key the record does not carry */
#define ASSUME_RES_ACCOUNT (1u << 9)    /* the evaluator's: resource account unknown */
#define ASSUME_CALLER_ACCOUNT (1u << 10)

/* Why a group is decided as it is: the statement that denies, or the
 * level without an Allow. */
struct why {
	const char *file;   /* the policy file, or org.yaml for a level */
	unsigned line, col;
	char text[320];
};

struct group {
	char *key;
	enum category cat;
	char *account, *principal, *action;
	bool before, after;           /* allowed */
	unsigned assumptions;
	char *assume_key;             /* ASSUME_KEY: the key's name */
	struct why why;
	size_t count;
	char first[40], last[40], example[80];
};

struct reason_count {
	char *reason;
	size_t count;
};

struct tally {
	struct reason_count *items;
	size_t n, cap;
};

struct side {
	struct pset ps;
	struct iamp_evaluator *ev;
};

struct change {
	const char *file;
	const char *at;
	enum iamp_policy_type type;
};

struct replay {
	struct side before, after;
	const struct iamp_statement **stmts; /* of the changed policies */
	bool has_rcps;                       /* some RCP is attached, before or after: the
					        resource's account matters */
	size_t nstmts;
	struct group **table;                /* open addressing */
	size_t tcap, ngroups;
	size_t files, records, decided, unchanged, already_denied, input_errors;
	struct tally failed, not_api, unmapped, aside, errors;
	enum { FMT_TEXT, FMT_JSON, FMT_MARKDOWN, FMT_SARIF } fmt;
	struct iamp_limits limits;
	bool oom;
	FILE *err;
	FILE *trace;                         /* --trace: every decided event */
	char last_file[4096];
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iamproof replay --org org.yaml --cloudtrail PATH [CHANGE...] [--format F]\n"
		"\nWhat a change to the SCPs and RCPs would have done to the calls CloudTrail recorded.\n"
		"  --org org.yaml         the organization as it is (SCPs, RCPs, accounts)\n"
		"  --cloudtrail PATH      a log file (.json or .json.gz), a directory tree of them, or '-'\n"
		"                         for a stream on standard input (repeatable)\n"
		"changes (at least one):\n"
		"  --change F --at NODE   attach the SCP F at NODE (Root, an OU's name, an account's id or name)\n"
		"  --change-rcp F --at NODE   the same for an RCP\n"
		"  --replace OLD --with NEW    NEW in place of the policy file OLD wherever it is attached\n"
		"  --org-after org.yaml   the organization after the change\n"
		"  -f, --format FORMAT    text (default), json, markdown (a pull-request comment), sarif\n"
		"  -o, --output FILE      the report into FILE instead of standard output\n"
		"  -j, --jobs N           read N files at a time, on N threads (default 1)\n"
		"  --trace FILE           every decided event as a JSON line: its id, the decisions before\n"
		"                         and after, and the request in simulate's format\n"
		"\nThe events happened, so identity and resource policies are taken as allowing them; the\n"
		"answer is what the guardrails say. Failed events, events SCPs and RCPs do not govern and\n"
		"events that cannot be mapped are counted and set aside.\n"
		"exit codes: 0 no event newly denied, 1 some events newly denied, 2 usage error or\n"
		"unreadable input (what could be read is reported), 3 internal error\n");
}

/* ---- tallies and groups ---------------------------------------------------- */

static void tally_n(struct replay *rp, struct tally *t, const char *reason, size_t count)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->items[i].reason, reason) == 0) {
			t->items[i].count += count;
			return;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct reason_count *n = realloc(t->items, cap * sizeof(*n));

		if (!n) {
			rp->oom = true;
			return;
		}
		t->items = n;
		t->cap = cap;
	}
	if (!(t->items[t->n].reason = strdup(reason))) {
		rp->oom = true;
		return;
	}
	t->items[t->n++].count = count;
}

static void tally(struct replay *rp, struct tally *t, const char *reason)
{
	tally_n(rp, t, reason, 1);
}

static int reason_cmp(const void *a, const void *b)
{
	const struct reason_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

/* Most frequent first, then by name: the same whatever the reading order. */
static void tally_sort(struct tally *t)
{
	if (t->n > 1)
		qsort(t->items, t->n, sizeof(*t->items), reason_cmp);
}

static size_t tally_total(const struct tally *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->items[i].count;
	return n;
}

static void tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->items[i].reason);
	free(t->items);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static bool grow(struct replay *rp)
{
	size_t cap = rp->tcap ? rp->tcap * 2 : 256;
	struct group **t = calloc(cap, sizeof(*t));

	if (!t)
		return false;
	for (size_t i = 0; i < rp->tcap; i++) {
		if (rp->table[i]) {
			size_t j = hash(rp->table[i]->key) & (cap - 1);

			while (t[j])
				j = (j + 1) & (cap - 1);
			t[j] = rp->table[i];
		}
	}
	free(rp->table);
	rp->table = t;
	rp->tcap = cap;
	return true;
}

static void copy_time(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s);
}

static void add_event(struct replay *rp, enum category cat, const struct iamp_ct_event *e,
		      bool before, bool after, unsigned assumptions, const char *assume_key,
		      const struct why *why)
{
	char *key;
	size_t j;
	struct group *g;

	if (asprintf(&key, "%d\x1f%s\x1f%s\x1f%.*s\x1f%d%d\x1f%u\x1f%s\x1f%s:%u:%s", (int)cat, e->account,
		     e->principal_arn, (int)e->req.action_len, e->req.action, before, after,
		     assumptions, assume_key ? assume_key : "", why->file ? why->file : "", why->line,
		     why->text) < 0) {
		rp->oom = true;
		return;
	}
	if ((rp->ngroups + 1) * 2 > rp->tcap && !grow(rp)) {
		free(key);
		rp->oom = true;
		return;
	}
	j = hash(key) & (rp->tcap - 1);
	while (rp->table[j] && strcmp(rp->table[j]->key, key) != 0)
		j = (j + 1) & (rp->tcap - 1);
	if ((g = rp->table[j])) {
		free(key);
		g->count++;
		/* the example is the earliest event (then the least id): the
		 * same whatever the order files are read in (-j) */
		if (strcmp(e->time, g->first) < 0 ||
		    (strcmp(e->time, g->first) == 0 && strcmp(e->id, g->example) < 0)) {
			copy_time(g->first, sizeof(g->first), e->time);
			snprintf(g->example, sizeof(g->example), "%s", e->id);
		}
		if (strcmp(e->time, g->last) > 0)
			copy_time(g->last, sizeof(g->last), e->time);
		return;
	}
	if (!(g = calloc(1, sizeof(*g)))) {
		free(key);
		rp->oom = true;
		return;
	}
	g->key = key;
	g->cat = cat;
	g->account = strdup(e->account);
	g->principal = strdup(e->principal_arn);
	g->action = strndup(e->req.action, e->req.action_len);
	g->assume_key = assume_key ? strdup(assume_key) : NULL;
	if (!g->account || !g->principal || !g->action || (assume_key && !g->assume_key))
		rp->oom = true;
	g->before = before;
	g->after = after;
	g->assumptions = assumptions;
	g->why = *why;
	g->count = 1;
	copy_time(g->first, sizeof(g->first), e->time);
	copy_time(g->last, sizeof(g->last), e->time);
	snprintf(g->example, sizeof(g->example), "%s", e->id);
	rp->table[j] = g;
	rp->ngroups++;
}

static void group_free(struct group *g)
{
	if (!g)
		return;
	free(g->key);
	free(g->account);
	free(g->principal);
	free(g->action);
	free(g->assume_key);
	free(g);
}

/* ---- deciding ------------------------------------------------------------ */

/* The statement that denies, or the level without an Allow. */
static void why_denied(struct why *w, const struct iamp_result *res, const struct side *s)
{
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < res->match_count; i++) {
		const struct iamp_match *m = &res->matches[i];

		if (m->deny && (m->type == IAMP_POLICY_SCP || m->type == IAMP_POLICY_RCP)) {
			w->file = m->name;
			w->line = (unsigned)m->stmt->span.start.line;
			w->col = (unsigned)m->stmt->span.start.col;
			if (m->stmt->has_sid)
				snprintf(w->text, sizeof(w->text), "the Deny of %s (Sid %s)",
					 m->type == IAMP_POLICY_SCP ? "an SCP" : "an RCP", m->stmt->sid.text);
			else
				snprintf(w->text, sizeof(w->text), "the Deny of %s (statement %zu)",
					 m->type == IAMP_POLICY_SCP ? "an SCP" : "an RCP", m->stmt->index + 1);
			return;
		}
	}
	if (res->gap == IAMP_GAP_SCP_LEVEL || res->gap == IAMP_GAP_RCP_LEVEL) {
		const struct iamp_org_node *n = res->gap == IAMP_GAP_SCP_LEVEL ? res->scp_path[res->gap_level]
										 : res->rcp_path[res->gap_level];
		char name[200];

		if (n) {
			iamp_org_node_name(name, sizeof(name), n);
			w->file = s->ps.org->doc->path;
			w->line = (unsigned)n->span.start.line;
			w->col = (unsigned)n->span.start.col;
			snprintf(w->text, sizeof(w->text), "no %s attached at %s allows it",
				 res->gap == IAMP_GAP_SCP_LEVEL ? "SCP" : "RCP", name);
			return;
		}
	}
	snprintf(w->text, sizeof(w->text), "%s", iamp_decision_name(res->decision));
}

static bool stmt_action_matches(const struct iamp_statement *st, const struct iamp_request *req)
{
	bool any = false;

	if (!st->action.present)
		return false;
	for (size_t i = 0; i < st->action.count && !any; i++)
		any = iamp_match_action(st->action.items[i].text, st->action.items[i].len, req->action,
					req->action_len);
	return st->action.is_not ? !any : any;
}

static bool resource_is_star(const struct iamp_statement *st)
{
	return !st->resource.present ||
	       (!st->resource.is_not && st->resource.count == 1 && strcmp(st->resource.items[0].text, "*") == 0);
}

/* What the changed statements read that the event does not give. */
static unsigned unknowns(const struct replay *rp, const struct iamp_ct_event *e, const char **key)
{
	unsigned a = 0;

	*key = NULL;
	for (size_t i = 0; i < rp->nstmts; i++) {
		const struct iamp_statement *st = rp->stmts[i];

		if (!stmt_action_matches(st, &e->req))
			continue;
		if ((e->assumptions & IAMP_CT_ASSUME_NO_RESOURCE) && !resource_is_star(st))
			a |= IAMP_CT_ASSUME_NO_RESOURCE;
		for (size_t k = 0; k < st->condition_count; k++) {
			const struct iamp_condition *c = &st->conditions[k];

			if (!iamp_request_key(&e->req, c->key.text, c->key.len) &&
			    !iamp_ct_key_carried(c->key.text, c->key.len)) {
				a |= ASSUME_KEY;
				if (!*key)
					*key = c->key.text;
			}
		}
	}
	return a;
}

/* One line of --trace: the event id, both decisions, and the request in
 * simulate's format (tests/replay.sh decides it again with simulate). */
static void trace_event(FILE *out, const struct iamp_ct_event *e, const struct iamp_result *rb,
			const struct iamp_result *ra)
{
	const struct iamp_request *q = &e->req;

	flockfile(out);
	fputs("{\"event\":", out);
	iamp_json_string(out, e->id, strlen(e->id));
	fprintf(out, ",\"before\":\"%s\",\"after\":\"%s\",\"request\":{\"principal\":",
		iamp_decision_name(rb->decision), iamp_decision_name(ra->decision));
	iamp_json_string(out, q->principal, q->principal_len);
	fputs(",\"action\":", out);
	iamp_json_string(out, q->action, q->action_len);
	fputs(",\"resource\":", out);
	iamp_json_string(out, q->resource, q->resource_len);
	fputs(",\"context\":{", out);
	for (size_t i = 0; i < q->key_count; i++) {
		const struct iamp_ctx_key *k = &q->keys[i];

		if (i)
			fputc(',', out);
		iamp_json_string(out, k->name, k->name_len);
		fputs(k->multi ? ":[" : ":", out);
		for (size_t j = 0; j < k->count; j++) {
			if (j)
				fputc(',', out);
			iamp_json_string(out, k->values[j].text, k->values[j].len);
		}
		if (k->multi)
			fputc(']', out);
	}
	fputs("}}}\n", out);
	funlockfile(out);
}

static int decide(struct replay *rp, const struct iamp_ct_event *e)
{
	struct iamp_match mb[MAX_MATCHES], ma[MAX_MATCHES];
	struct iamp_result rb = { .matches = mb, .match_cap = MAX_MATCHES };
	struct iamp_result ra = { .matches = ma, .match_cap = MAX_MATCHES };
	bool before, after;
	unsigned assume;
	const char *key;
	struct why why;

	if (iamp_evaluate(&rb, rp->before.ev, &e->req) != 0 || iamp_evaluate(&ra, rp->after.ev, &e->req) != 0)
		return -1;
	if (!rb.scp_applies && !rb.rcp_applies && !ra.scp_applies && !ra.rcp_applies) {
		tally(rp, &rp->aside, ra.scp_exempt ? ra.scp_exempt : "neither SCPs nor RCPs govern it");
		return 0;
	}
	rp->decided++;
	if (rp->trace)
		trace_event(rp->trace, e, &rb, &ra);
	before = rb.decision == IAMP_DECISION_ALLOWED;
	after = ra.decision == IAMP_DECISION_ALLOWED;
	assume = (e->assumptions & (IAMP_CT_ASSUME_ACCOUNT_ROOT | IAMP_CT_ASSUME_UNKNOWN_ACTION)) |
		 unknowns(rp, e, &key);
	if (((rb.assumptions | ra.assumptions) & IAMP_ASSUME_RESOURCE_ACCOUNT) && rp->has_rcps)
		assume |= ASSUME_RES_ACCOUNT;
	if ((rb.assumptions | ra.assumptions) & IAMP_ASSUME_CALLER_ACCOUNT)
		assume |= ASSUME_CALLER_ACCOUNT;
	if (assume) {
		if (!after)
			why_denied(&why, &ra, &rp->after);
		else if (!before)
			why_denied(&why, &rb, &rp->before);
		else
			memset(&why, 0, sizeof(why));
		add_event(rp, CAT_ASSUMED, e, before, after, assume, key, &why);
	} else if (before == after) {
		if (before)
			rp->unchanged++;
		else
			rp->already_denied++;
	} else if (before) {
		why_denied(&why, &ra, &rp->after);
		add_event(rp, CAT_DENIED, e, before, after, 0, NULL, &why);
	} else {
		why_denied(&why, &rb, &rp->before);
		add_event(rp, CAT_ALLOWED, e, before, after, 0, NULL, &why);
	}
	return 0;
}

static void input_error(void *ctx, const char *path, size_t index, const char *msg)
{
	struct replay *rp = ctx;

	rp->input_errors++;
	flockfile(rp->err);
	fputs("iamproof replay: ", rp->err);
	iamp_text_string(rp->err, path, strlen(path));
	if (index != (size_t)-1)
		fprintf(rp->err, ": record %zu", index);
	fputs(": ", rp->err);
	iamp_text_string(rp->err, msg, strlen(msg));
	fputc('\n', rp->err);
	funlockfile(rp->err);
}

static int on_record(void *ctx, const char *path, size_t index, const char *json, size_t len)
{
	struct replay *rp = ctx;
	struct iamp_document *doc = NULL;
	struct iamp_diags diags;
	struct iamp_ct_event e;
	int rc = 0;

	if (index == 0 || strcmp(path, rp->last_file) != 0) {
		snprintf(rp->last_file, sizeof(rp->last_file), "%s", path);
		rp->files++;
	}
	rp->records++;
	iamp_diags_init(&diags);
	if (iamp_load_buffer(&doc, path, json, len, IAMP_FORMAT_JSON, &rp->limits, &diags) != 0) {
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (diags.count || !doc->root) {
		char msg[400];

		snprintf(msg, sizeof(msg), "line %u, column %u of the record: %s",
			 diags.count ? (unsigned)diags.items[0].span.start.line : 0,
			 diags.count ? (unsigned)diags.items[0].span.start.col : 0,
			 diags.count ? diags.items[0].message : "unreadable");
		input_error(rp, path, index, msg);
		tally(rp, &rp->errors, "malformed record");
		goto cleanup;
	}
	if (iamp_ct_event_read(&e, doc->arena, doc->root) != 0) {
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	switch (e.status) {
	case IAMP_CT_FAILED:
		tally(rp, &rp->failed, e.reason);
		break;
	case IAMP_CT_NOT_API:
		tally(rp, &rp->not_api, e.reason);
		break;
	case IAMP_CT_UNMAPPED:
		tally(rp, &rp->unmapped, e.reason);
		break;
	case IAMP_CT_OK:
		if (decide(rp, &e) != 0)
			rc = EXIT_INTERNAL;
		break;
	}
cleanup:
	iamp_diags_clear(&diags);
	iamp_document_free(doc);
	return rc || rp->oom ? EXIT_INTERNAL : 0;
}

/* ---- reading, on one thread or several ------------------------------------- */

/*
 * -j N: the log files are listed first (iamp_ct_list_path), then N
 * workers take them one at a time. Each worker is a copy of the run that
 * shares the evaluators and policies (read only) and keeps counts and
 * groups of its own, added to the run's at the end; the output does not
 * depend on N (groups and reasons are sorted, a group's example is its
 * earliest event). -j 1 takes the same path on the calling thread.
 */
struct pool {
	struct replay *rp;
	char **files;
	size_t n, cap, next;
	pthread_mutex_t mu;
};

struct worker {
	struct pool *pool;
	struct replay w;
	int rc;
	pthread_t thread;
};

static int collect(void *ctx, const char *path)
{
	struct pool *p = ctx;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **n = realloc(p->files, cap * sizeof(*n));

		if (!n)
			return EXIT_INTERNAL;
		p->files = n;
		p->cap = cap;
	}
	if (!(p->files[p->n] = strdup(path)))
		return EXIT_INTERNAL;
	p->n++;
	return 0;
}

static void list_error(void *ctx, const char *path, size_t index, const char *msg)
{
	input_error(((struct pool *)ctx)->rp, path, index, msg);
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct pool *p = wk->pool;

	for (;;) {
		size_t i;
		int r;

		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			break;
		r = iamp_ct_read_path(p->files[i], on_record, input_error, &wk->w);
		if (r > 0 || wk->w.oom) {
			wk->rc = EXIT_INTERNAL;
			pthread_mutex_lock(&p->mu);
			p->next = p->n; /* the others stop too */
			pthread_mutex_unlock(&p->mu);
			break;
		}
	}
	return NULL;
}

static void merge_tally(struct replay *rp, struct tally *into, struct tally *from)
{
	for (size_t i = 0; i < from->n; i++)
		tally_n(rp, into, from->items[i].reason, from->items[i].count);
	tally_free(from);
	memset(from, 0, sizeof(*from));
}

/* Adds worker w's counts and groups to rp's; w's groups move. */
static void merge(struct replay *rp, struct replay *w)
{
	rp->files += w->files;
	rp->records += w->records;
	rp->decided += w->decided;
	rp->unchanged += w->unchanged;
	rp->already_denied += w->already_denied;
	rp->input_errors += w->input_errors;
	rp->oom |= w->oom;
	merge_tally(rp, &rp->failed, &w->failed);
	merge_tally(rp, &rp->not_api, &w->not_api);
	merge_tally(rp, &rp->unmapped, &w->unmapped);
	merge_tally(rp, &rp->aside, &w->aside);
	merge_tally(rp, &rp->errors, &w->errors);
	for (size_t i = 0; i < w->tcap; i++) {
		struct group *g = w->table[i], *h;
		size_t j;

		if (!g)
			continue;
		if ((rp->ngroups + 1) * 2 > rp->tcap && !grow(rp)) {
			rp->oom = true;
			group_free(g);
			continue;
		}
		j = hash(g->key) & (rp->tcap - 1);
		while (rp->table[j] && strcmp(rp->table[j]->key, g->key) != 0)
			j = (j + 1) & (rp->tcap - 1);
		if (!(h = rp->table[j])) {
			rp->table[j] = g;
			rp->ngroups++;
			continue;
		}
		h->count += g->count;
		if (strcmp(g->first, h->first) < 0 ||
		    (strcmp(g->first, h->first) == 0 && strcmp(g->example, h->example) < 0)) {
			memcpy(h->first, g->first, sizeof(h->first));
			memcpy(h->example, g->example, sizeof(h->example));
		}
		if (strcmp(g->last, h->last) > 0)
			memcpy(h->last, g->last, sizeof(h->last));
		group_free(g);
	}
	free(w->table);
	w->table = NULL;
	w->tcap = w->ngroups = 0;
}

static int read_all(struct replay *rp, const char *const *paths, size_t npaths, unsigned jobs)
{
	struct pool p = { .rp = rp };
	struct worker *wk = NULL;
	int rc = 0;

	pthread_mutex_init(&p.mu, NULL);
	for (size_t i = 0; i < npaths && rc == 0; i++)
		if (iamp_ct_list_path(paths[i], collect, list_error, &p) > 0)
			rc = EXIT_INTERNAL;
	if (rc == 0 && !(wk = calloc(jobs, sizeof(*wk))))
		rc = EXIT_INTERNAL;
	for (unsigned k = 0; rc == 0 && k < jobs; k++) {
		wk[k].pool = &p;
		wk[k].w = *rp; /* the shared part; the counts start from zero */
		wk[k].w.table = NULL;
		wk[k].w.tcap = wk[k].w.ngroups = 0;
		wk[k].w.files = wk[k].w.records = wk[k].w.decided = wk[k].w.unchanged = 0;
		wk[k].w.already_denied = wk[k].w.input_errors = 0;
		memset(&wk[k].w.failed, 0, sizeof(wk[k].w.failed));
		memset(&wk[k].w.not_api, 0, sizeof(wk[k].w.not_api));
		memset(&wk[k].w.unmapped, 0, sizeof(wk[k].w.unmapped));
		memset(&wk[k].w.aside, 0, sizeof(wk[k].w.aside));
		memset(&wk[k].w.errors, 0, sizeof(wk[k].w.errors));
		wk[k].w.oom = false;
		wk[k].w.last_file[0] = '\0';
	}
	if (rc == 0 && jobs == 1) {
		work(&wk[0]);
	} else if (rc == 0) {
		unsigned started = 0;

		for (; started < jobs; started++)
			if (pthread_create(&wk[started].thread, NULL, work, &wk[started]) != 0)
				break;
		if (started == 0)
			work(&wk[0]); /* no thread: this one does it all */
		for (unsigned k = 0; k < started; k++)
			pthread_join(wk[k].thread, NULL);
	}
	for (unsigned k = 0; wk && k < jobs; k++) {
		if (wk[k].rc)
			rc = wk[k].rc;
		merge(rp, &wk[k].w);
	}
	if (rp->oom)
		rc = EXIT_INTERNAL;
	tally_sort(&rp->failed);
	tally_sort(&rp->not_api);
	tally_sort(&rp->unmapped);
	tally_sort(&rp->aside);
	tally_sort(&rp->errors);
	for (size_t i = 0; i < p.n; i++)
		free(p.files[i]);
	free(p.files);
	free(wk);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

/* ---- the organization before and after ------------------------------------ */

static const struct iamp_org_node *find_node(const struct iamp_org_node *n, const char *name)
{
	if ((n->kind == IAMP_ORG_ROOT && (strcmp(name, "Root") == 0 || strcmp(name, "root") == 0)) ||
	    (n->id && strcmp(n->id, name) == 0) || (n->kind != IAMP_ORG_ROOT && n->name && strcmp(n->name, name) == 0))
		return n;
	for (size_t i = 0; i < n->child_count; i++) {
		const struct iamp_org_node *f = find_node(n->children[i], name);

		if (f)
			return f;
	}
	return NULL;
}

static bool same_file(const char *a, const char *b)
{
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	bool same = ra && rb && strcmp(ra, rb) == 0;

	free(ra);
	free(rb);
	return same;
}

/* Whether file i of `s` is attached, the same file at the same node, in `o`. */
static bool attached_in(const struct side *s, size_t i, const struct side *o)
{
	const struct pset_file *f = &s->ps.files[i];
	char na[200], nb[200];

	iamp_org_node_name(na, sizeof(na), f->node);
	for (size_t j = 0; j < o->ps.nfiles; j++) {
		const struct pset_file *g = &o->ps.files[j];

		if (g->type != f->type || !g->node || !g->policy)
			continue;
		iamp_org_node_name(nb, sizeof(nb), g->node);
		if (strcmp(na, nb) == 0 && same_file(f->path, g->path))
			return true;
	}
	return false;
}

/* The statements of the SCPs and RCPs one side has and the other not. */
static int changed_statements(struct replay *rp)
{
	const struct side *sides[2] = { &rp->before, &rp->after };

	for (int k = 0; k < 2; k++) {
		const struct side *s = sides[k], *o = sides[1 - k];

		for (size_t i = 0; i < s->ps.nfiles; i++) {
			const struct pset_file *f = &s->ps.files[i];
			const struct iamp_statement **n;

			if (!f->policy || !f->node || (f->type != IAMP_POLICY_SCP && f->type != IAMP_POLICY_RCP) ||
			    attached_in(s, i, o))
				continue;
			n = realloc(rp->stmts, (rp->nstmts + f->policy->statement_count + 1) * sizeof(*n));
			if (!n)
				return -1;
			rp->stmts = n;
			for (size_t j = 0; j < f->policy->statement_count; j++)
				rp->stmts[rp->nstmts++] = &f->policy->statements[j];
		}
	}
	return 0;
}

static int build_side(struct side *s, const char *org_path, const struct change *ch, size_t nch,
		      const char *replace, const char *with)
{
	if (pset_load_org(&s->ps, org_path) != 0 && !s->ps.org)
		return EXIT_USAGE;
	if (replace) {
		bool found = false;

		for (size_t i = 0, n = s->ps.nfiles; i < n; i++) {
			struct pset_file *f = &s->ps.files[i];

			if (f->node && same_file(f->path, replace)) {
				const struct iamp_org_node *node = f->node;
				enum iamp_policy_type type = f->type;

				f->type = IAMP_POLICY__COUNT;
				found = true;
				pset_load(&s->ps, with, type, 0, node, NULL);
			}
		}
		if (!found) {
			fprintf(stderr, "iamproof replay: --replace %s: no policy of %s is that file\n", replace,
				org_path);
			return EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < nch; i++) {
		const struct iamp_org_node *node = find_node(s->ps.org->root, ch[i].at);

		if (!node) {
			fprintf(stderr, "iamproof replay: --at %s: no such node in %s (Root, an OU's name, an "
					"account's id or name)\n", ch[i].at, org_path);
			return EXIT_USAGE;
		}
		pset_load(&s->ps, ch[i].file, ch[i].type, 0, node, NULL);
	}
	/* the events happened: the identity side allowed them */
	diff_assume(&s->ps, IAMP_POLICY_SCP);
	if (!pset_usable(&s->ps))
		return EXIT_USAGE;
	if (pset_build(&s->ps, 0, &s->ev) != 0) {
		fprintf(stderr, "iamproof: %s\n", iamp_error_last());
		return EXIT_INTERNAL;
	}
	return 0;
}

/* ---- output -------------------------------------------------------------- */

static int group_cmp(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a, *y = *(const struct group *const *)b;
	int c;

	if (x->cat != y->cat)
		return (int)x->cat - (int)y->cat;
	if ((c = strcmp(x->account, y->account)) || (c = strcmp(x->principal, y->principal)) ||
	    (c = strcmp(x->action, y->action)) || (c = strcmp(x->key, y->key)))
		return c;
	return 0;
}

static size_t cat_count(struct group **g, size_t n, enum category cat, size_t *groups)
{
	size_t events = 0;

	*groups = 0;
	for (size_t i = 0; i < n; i++) {
		if (g[i]->cat == cat) {
			events += g[i]->count;
			(*groups)++;
		}
	}
	return events;
}

/* The assumptions of a group, as one sentence each, through `fn`. */
static void each_assumption(const struct group *g, void (*fn)(void *, const char *), void *ctx)
{
	char buf[300];

	for (unsigned b = 0; b < 3; b++)
		if (g->assumptions & (1u << b))
			fn(ctx, iamp_ct_assumption_text((enum iamp_ct_assumption)(1u << b)));
	if (g->assumptions & ASSUME_KEY) {
		snprintf(buf, sizeof(buf), "the record does not carry the condition key %s: taken as absent",
			 g->assume_key ? g->assume_key : "?");
		fn(ctx, buf);
	}
	if (g->assumptions & ASSUME_RES_ACCOUNT)
		fn(ctx, iamp_assumption_text(IAMP_ASSUME_RESOURCE_ACCOUNT));
	if (g->assumptions & ASSUME_CALLER_ACCOUNT)
		fn(ctx, iamp_assumption_text(IAMP_ASSUME_CALLER_ACCOUNT));
}

static void text_str(FILE *out, const char *s)
{
	iamp_text_string(out, s, strlen(s));
}

static void text_assumption(void *ctx, const char *s)
{
	fputs("      assumes: ", ctx);
	text_str(ctx, s);
	fputc('\n', ctx);
}

static const char *outcome(bool allowed)
{
	return allowed ? "allowed" : "denied";
}

static void text_tally(FILE *out, const char *title, const struct tally *t)
{
	size_t n = tally_total(t);

	if (!n)
		return;
	fprintf(out, "  %s: %zu\n", title, n);
	for (size_t i = 0; i < t->n; i++) {
		fprintf(out, "    %zu  ", t->items[i].count);
		text_str(out, t->items[i].reason);
		fputc('\n', out);
	}
}

static void write_text(FILE *out, const struct replay *rp, struct group **g, size_t n)
{
	size_t groups, events;

	fprintf(out, "replay: %zu events in %zu files; %zu decided before and after the change\n",
		rp->records, rp->files, rp->decided);
	fprintf(out, "  the events happened: identity and resource policies are taken as allowing them;\n"
		     "  the answer is what the SCPs and RCPs say\n");
	for (int c = 0; c < CAT__COUNT; c++) {
		events = cat_count(g, n, (enum category)c, &groups);
		fprintf(out, "  %s: %zu events in %zu groups\n", cat_title[c], events, groups);
	}
	fprintf(out, "  unchanged: %zu allowed, %zu denied before and after (the log may predate the "
		     "current guardrails)\n", rp->unchanged, rp->already_denied);
	text_tally(out, "set aside, SCPs and RCPs do not govern them", &rp->aside);
	text_tally(out, "set aside, failed calls (errorCode)", &rp->failed);
	text_tally(out, "set aside, not API calls (eventType)", &rp->not_api);
	text_tally(out, "unmapped", &rp->unmapped);
	text_tally(out, "unreadable records", &rp->errors);
	for (int c = 0; c < CAT__COUNT; c++) {
		bool head = false;

		for (size_t i = 0; i < n; i++) {
			if (g[i]->cat != (enum category)c)
				continue;
			if (!head) {
				fprintf(out, "\n%s:\n", cat_title[c]);
				head = true;
			}
			fputs("  account ", out);
			text_str(out, g[i]->account[0] ? g[i]->account : "(none)");
			fputs(", ", out);
			text_str(out, g[i]->principal);
			fputs(", ", out);
			text_str(out, g[i]->action);
			fprintf(out, ": %zu event%s, ", g[i]->count, g[i]->count == 1 ? "" : "s");
			text_str(out, g[i]->first);
			fputs(" to ", out);
			text_str(out, g[i]->last);
			fputs(", e.g. event ", out);
			text_str(out, g[i]->example);
			fputc('\n', out);
			if (c == CAT_ASSUMED)
				fprintf(out, "      before: %s, after: %s\n", outcome(g[i]->before), outcome(g[i]->after));
			if (g[i]->why.text[0]) {
				fprintf(out, "      %s by ", c == CAT_ALLOWED ? "was denied" : "denied");
				if (g[i]->why.file) {
					text_str(out, g[i]->why.file);
					fprintf(out, ":%u: ", g[i]->why.line);
				}
				text_str(out, g[i]->why.text);
				fputc('\n', out);
			}
			if (c == CAT_ASSUMED)
				each_assumption(g[i], text_assumption, out);
		}
	}
}

static void json_kv(FILE *out, const char *k, const char *v, bool comma)
{
	fprintf(out, "%s\"%s\":", comma ? "," : "", k);
	iamp_json_string(out, v, strlen(v));
}

static void json_tally(FILE *out, const char *k, const struct tally *t)
{
	fprintf(out, ",\"%s\":{\"count\":%zu,\"reasons\":[", k, tally_total(t));
	for (size_t i = 0; i < t->n; i++) {
		fprintf(out, "%s{", i ? "," : "");
		json_kv(out, "reason", t->items[i].reason, false);
		fprintf(out, ",\"count\":%zu}", t->items[i].count);
	}
	fputs("]}", out);
}

struct json_list {
	FILE *out;
	bool first;
};

static void json_assumption(void *ctx, const char *s)
{
	struct json_list *l = ctx;

	if (!l->first)
		fputc(',', l->out);
	l->first = false;
	iamp_json_string(l->out, s, strlen(s));
}

static void write_json(FILE *out, const struct replay *rp, struct group **g, size_t n)
{
	size_t groups;

	fprintf(out, "{\"summary\":{\"events\":%zu,\"files\":%zu,\"decided\":%zu,\"unchanged\":%zu,"
		     "\"alreadyDenied\":%zu", rp->records, rp->files, rp->decided, rp->unchanged, rp->already_denied);
	for (int c = 0; c < CAT__COUNT; c++)
		fprintf(out, ",\"%s\":%zu", cat_key[c], cat_count(g, n, (enum category)c, &groups));
	json_tally(out, "notGoverned", &rp->aside);
	json_tally(out, "failed", &rp->failed);
	json_tally(out, "notApiCalls", &rp->not_api);
	json_tally(out, "unmapped", &rp->unmapped);
	json_tally(out, "unreadable", &rp->errors);
	fputs("},\"assumed\":[\"the events happened: identity and resource policies are taken as "
	      "allowing them\"]", out);
	for (int c = 0; c < CAT__COUNT; c++) {
		bool first = true;

		fprintf(out, ",\"%sGroups\":[", cat_key[c]);
		for (size_t i = 0; i < n; i++) {
			struct json_list l = { out, true };

			if (g[i]->cat != (enum category)c)
				continue;
			fputs(first ? "{" : ",{", out);
			first = false;
			json_kv(out, "account", g[i]->account, false);
			json_kv(out, "principal", g[i]->principal, true);
			json_kv(out, "action", g[i]->action, true);
			fprintf(out, ",\"count\":%zu", g[i]->count);
			json_kv(out, "first", g[i]->first, true);
			json_kv(out, "last", g[i]->last, true);
			json_kv(out, "exampleEventId", g[i]->example, true);
			fprintf(out, ",\"before\":\"%s\",\"after\":\"%s\"", outcome(g[i]->before), outcome(g[i]->after));
			if (g[i]->why.text[0]) {
				fputs(",\"decidedBy\":{", out);
				json_kv(out, "text", g[i]->why.text, false);
				if (g[i]->why.file) {
					json_kv(out, "file", g[i]->why.file, true);
					fprintf(out, ",\"line\":%u,\"column\":%u", g[i]->why.line, g[i]->why.col);
				}
				fputc('}', out);
			}
			fputs(",\"assumptions\":[", out);
			each_assumption(g[i], json_assumption, &l);
			fputs("]}", out);
		}
		fputc(']', out);
	}
	fputs("}\n", out);
}

/* A Markdown table cell: report.c's escaper, for prove, review and
 * generate too. */
static void md_cell(FILE *out, const char *s)
{
	iamp_markdown_cell(out, s, strlen(s));
}

static void md_assumption(void *ctx, const char *s)
{
	fputs("<br>assumes: ", ctx);
	md_cell(ctx, s);
}

static void write_markdown(FILE *out, const struct replay *rp, struct group **g, size_t n)
{
	size_t groups, events;

	fprintf(out, "### iamproof replay\n\n%zu CloudTrail events replayed; %zu decided before and after "
		     "the change. The events happened, so identity and resource policies are taken as "
		     "allowing them: the answer is what the SCPs and RCPs say.\n\n", rp->records, rp->decided);
	fputs("| | events | groups |\n|---|---:|---:|\n", out);
	for (int c = 0; c < CAT__COUNT; c++) {
		events = cat_count(g, n, (enum category)c, &groups);
		fprintf(out, "| %s | %zu | %zu |\n", cat_title[c], events, groups);
	}
	fprintf(out, "| unchanged | %zu | |\n| set aside: not governed by SCPs or RCPs | %zu | |\n"
		     "| set aside: failed calls | %zu | |\n| set aside: not API calls | %zu | |\n"
		     "| unmapped | %zu | |\n| unreadable records | %zu | |\n",
		rp->unchanged + rp->already_denied, tally_total(&rp->aside), tally_total(&rp->failed),
		tally_total(&rp->not_api), tally_total(&rp->unmapped), tally_total(&rp->errors));
	for (int c = 0; c < CAT__COUNT; c++) {
		bool head = false;

		for (size_t i = 0; i < n; i++) {
			if (g[i]->cat != (enum category)c)
				continue;
			if (!head) {
				fprintf(out, "\n#### %s\n\n| account | principal | action | events | first | last | "
					     "example event | decided by |\n|---|---|---|---:|---|---|---|---|\n",
					cat_title[c]);
				head = true;
			}
			fputs("| ", out);
			md_cell(out, g[i]->account);
			fputs(" | ", out);
			md_cell(out, g[i]->principal);
			fputs(" | ", out);
			md_cell(out, g[i]->action);
			fprintf(out, " | %zu | ", g[i]->count);
			md_cell(out, g[i]->first);
			fputs(" | ", out);
			md_cell(out, g[i]->last);
			fputs(" | ", out);
			md_cell(out, g[i]->example);
			fputs(" | ", out);
			if (g[i]->why.file) {
				char loc[400];

				snprintf(loc, sizeof(loc), "%s:%u", g[i]->why.file, g[i]->why.line);
				md_cell(out, loc);
				fputc(' ', out);
			}
			md_cell(out, g[i]->why.text);
			if (c == CAT_ASSUMED) {
				fprintf(out, "<br>before: %s, after: %s", outcome(g[i]->before), outcome(g[i]->after));
				each_assumption(g[i], md_assumption, out);
			}
			fputs(" |\n", out);
		}
	}
}

/* The SARIF rules of replay: one per outcome a reviewer acts on. */
static const struct {
	const char *id, *name, *level, *short_text, *full_text;
} sarif_rules[] = {
	{ "REPLAY_NEWLY_DENIED", "ReplayNewlyDenied", "error",
	  "Recorded calls that the changed guardrails deny",
	  "CloudTrail recorded these calls, so they were allowed; under the changed SCPs or RCPs this "
	  "statement denies them. Identity and resource policies are taken as allowing them." },
	{ "REPLAY_NEWLY_ALLOWED", "ReplayNewlyAllowed", "note",
	  "Recorded calls that the changed guardrails no longer deny",
	  "Under the current SCPs or RCPs this statement denies these recorded calls; after the change "
	  "they are allowed." },
};

static int file_index(const char **files, size_t n, const char *f)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(files[i], f) == 0)
			return (int)i;
	return -1;
}

static void sarif_uri(FILE *out, const char *file)
{
	fputs("\"uri\":", out);
	if (file[0] == '/') {
		fputs("\"file://", out);
		for (const unsigned char *p = (const unsigned char *)file; *p; p++) {
			if (*p == '"' || *p == '\\' || *p < 0x21 || *p >= 0x7f || *p == '%' || *p == '#' || *p == '?')
				fprintf(out, "%%%02X", *p);
			else
				fputc(*p, out);
		}
		fputc('"', out);
	} else {
		char enc[4096 * 3 + 1];
		size_t k = 0;

		for (const unsigned char *p = (const unsigned char *)file; *p && k + 4 < sizeof(enc); p++) {
			if (*p < 0x21 || *p >= 0x7f || *p == '%' || *p == '#' || *p == '?' || *p == '"' || *p == '\\')
				k += (size_t)snprintf(enc + k, sizeof(enc) - k, "%%%02X", *p);
			else
				enc[k++] = (char)*p;
		}
		enc[k] = '\0';
		iamp_json_string(out, enc, k);
		fputs(",\"uriBaseId\":\"SRCROOT\"", out);
	}
}

static void write_sarif(FILE *out, const struct replay *rp, struct group **g, size_t n)
{
	bool first = true;
	const char **files = calloc(n + 1, sizeof(*files));
	size_t nfiles = 0;

	for (size_t i = 0; files && i < n; i++)
		if (g[i]->cat != CAT_ASSUMED && g[i]->why.file && file_index(files, nfiles, g[i]->why.file) < 0)
			files[nfiles++] = g[i]->why.file;
	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
	      "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"iamproof\",\"version\":\"" IAMP_VERSION_STRING
	      "\",\"informationUri\":\"" IAMP_REPORT_PROJECT_URI "\",\"rules\":[", out);
	for (size_t r = 0; r < sizeof(sarif_rules) / sizeof(sarif_rules[0]); r++)
		fprintf(out, "%s{\"id\":\"%s\",\"name\":\"%s\",\"shortDescription\":{\"text\":\"%s\"},"
			     "\"fullDescription\":{\"text\":\"%s\"},\"help\":{\"text\":\"%s See docs/replay.md.\"},"
			     "\"helpUri\":\"" IAMP_REPORT_PROJECT_URI "/blob/main/docs/replay.md\","
			     "\"defaultConfiguration\":{\"level\":\"%s\"}}",
			r ? "," : "", sarif_rules[r].id, sarif_rules[r].name, sarif_rules[r].short_text,
			sarif_rules[r].full_text, sarif_rules[r].full_text, sarif_rules[r].level);
	fputs("]}},\"originalUriBaseIds\":{\"SRCROOT\":{\"description\":{\"text\":\"the repository checkout\"}}},"
	      "\"artifacts\":[", out);
	for (size_t i = 0; i < nfiles; i++) {
		fputs(i ? ",{\"location\":{" : "{\"location\":{", out);
		sarif_uri(out, files[i]);
		fputs("},\"roles\":[\"resultFile\"]}", out);
	}
	fputs("],\"results\":[", out);
	for (size_t i = 0; i < n; i++) {
		char msg[1200];
		const struct group *x = g[i];
		int r = x->cat == CAT_DENIED ? 0 : 1;

		if (x->cat == CAT_ASSUMED)
			continue;
		snprintf(msg, sizeof(msg), "%zu call%s of %s by %s (account %s), %s to %s (e.g. event %s), %s: %s.",
			 x->count, x->count == 1 ? "" : "s", x->action, x->principal,
			 x->account[0] ? x->account : "none", x->first, x->last, x->example,
			 r == 0 ? "newly denied" : "newly allowed", x->why.text);
		fputs(first ? "{" : ",{", out);
		first = false;
		fprintf(out, "\"ruleId\":\"%s\",\"ruleIndex\":%d,\"level\":\"%s\",\"message\":{\"text\":",
			sarif_rules[r].id, r, sarif_rules[r].level);
		iamp_json_string(out, msg, strlen(msg));
		fputc('}', out);
		if (x->why.file && files) {
			fputs(",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{", out);
			sarif_uri(out, x->why.file);
			fprintf(out, ",\"index\":%d},\"region\":{\"startLine\":%u,\"startColumn\":%u}}}]",
				file_index(files, nfiles, x->why.file), x->why.line ? x->why.line : 1,
				x->why.col ? x->why.col : 1);
		}
		{
			const char *parts[] = { sarif_rules[r].id, x->account, x->principal, x->action,
						x->why.file ? x->why.file : "" };
			char fp[17];

			iamp_fingerprint(fp, parts, 5);
			fprintf(out, ",\"partialFingerprints\":{\"iamproofReplay/v1\":\"%s\"}", fp);
		}
		fprintf(out, ",\"properties\":{\"count\":%zu}}", x->count);
	}
	fprintf(out, "],\"properties\":{\"events\":%zu,\"decided\":%zu}}]}\n", rp->records, rp->decided);
	free(files);
}

/* ---- the command ----------------------------------------------------------- */

int iamp_cmd_replay(int argc, char **argv)
{
	struct replay rp;
	const char *org = NULL, *org_after = NULL, *replace = NULL, *with = NULL;
	const char *paths[64];
	size_t npaths = 0, nch = 0;
	struct change ch[MAX_CHANGES];
	struct group **sorted = NULL;
	unsigned jobs = 1;
	const char *output = NULL;
	FILE *out = stdout;
	int rc = EXIT_USAGE;

	memset(&rp, 0, sizeof(rp));
	rp.err = stderr;
	iamp_limits_default(&rp.limits);
	rp.limits.max_file_bytes = IAMP_CT_MAX_RECORD;
	rp.limits.max_string_bytes = IAMP_CT_MAX_RECORD;
	pset_init(&rp.before.ps, "replay");
	pset_init(&rp.after.ps, "replay");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			rc = EXIT_CLEAN;
			goto cleanup;
		}
		if (!v) {
			fprintf(stderr, "iamproof replay: %s '%s'\n",
				a[0] == '-' ? "missing value after" : "unexpected argument", a);
			goto cleanup;
		}
		i++;
		if (strcmp(a, "--org") == 0) {
			org = v;
		} else if (strcmp(a, "--org-after") == 0) {
			org_after = v;
		} else if (strcmp(a, "--cloudtrail") == 0) {
			if (npaths == sizeof(paths) / sizeof(paths[0])) {
				fprintf(stderr, "iamproof replay: at most %zu --cloudtrail paths\n", npaths);
				goto cleanup;
			}
			paths[npaths++] = v;
		} else if (strcmp(a, "--change") == 0 || strcmp(a, "--change-rcp") == 0) {
			if (nch == MAX_CHANGES || i + 2 >= argc || strcmp(argv[i + 1], "--at") != 0) {
				fprintf(stderr, "iamproof replay: %s FILE is followed by --at NODE (at most %d)\n", a,
					MAX_CHANGES);
				goto cleanup;
			}
			ch[nch].file = v;
			ch[nch].at = argv[i + 2];
			ch[nch++].type = a[8] ? IAMP_POLICY_RCP : IAMP_POLICY_SCP;
			i += 2;
		} else if (strcmp(a, "--replace") == 0) {
			if (i + 2 >= argc || strcmp(argv[i + 1], "--with") != 0) {
				fprintf(stderr, "iamproof replay: --replace OLD is followed by --with NEW\n");
				goto cleanup;
			}
			replace = v;
			with = argv[i + 2];
			i += 2;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			output = v;
		} else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
			char *end;
			unsigned long n = strtoul(v, &end, 10);

			if (*end || !*v || n < 1 || n > 64) {
				fprintf(stderr, "iamproof replay: -j takes a number of threads from 1 to 64\n");
				goto cleanup;
			}
			jobs = (unsigned)n;
		} else if (strcmp(a, "--trace") == 0) {
			if (rp.trace)
				fclose(rp.trace);
			if (!(rp.trace = fopen(v, "w"))) {
				fprintf(stderr, "iamproof replay: %s: %s\n", v, strerror(errno));
				goto cleanup;
			}
		} else if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
			if (strcmp(v, "text") == 0)
				rp.fmt = FMT_TEXT;
			else if (strcmp(v, "json") == 0)
				rp.fmt = FMT_JSON;
			else if (strcmp(v, "markdown") == 0)
				rp.fmt = FMT_MARKDOWN;
			else if (strcmp(v, "sarif") == 0)
				rp.fmt = FMT_SARIF;
			else {
				fprintf(stderr, "iamproof replay: --format is text, json, markdown or sarif\n");
				goto cleanup;
			}
		} else {
			fprintf(stderr, "iamproof replay: unknown option '%s'\n", a);
			usage(stderr);
			goto cleanup;
		}
	}
	if (!org || !npaths) {
		fprintf(stderr, "iamproof replay: give --org org.yaml and --cloudtrail PATH\n");
		goto cleanup;
	}
	if (!org_after && !nch && !replace) {
		fprintf(stderr, "iamproof replay: give a change: --change F --at NODE, --change-rcp F --at NODE, "
				"--replace OLD --with NEW or --org-after org.yaml\n");
		goto cleanup;
	}
	if ((rc = build_side(&rp.before, org, NULL, 0, NULL, NULL)) != 0 ||
	    (rc = build_side(&rp.after, org_after ? org_after : org, ch, nch, replace, with)) != 0)
		goto cleanup;
	if (rp.before.ps.diags.count)
		pset_print_diags(&rp.before.ps);
	if (rp.after.ps.diags.count)
		pset_print_diags(&rp.after.ps);
	rp.has_rcps = pset_has(&rp.before.ps, IAMP_POLICY_RCP) || pset_has(&rp.after.ps, IAMP_POLICY_RCP);
	if (changed_statements(&rp) != 0) {
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (read_all(&rp, paths, npaths, jobs) != 0) {
		fprintf(stderr, "iamproof replay: %s\n", rp.oom ? "out of memory" : "cannot read the logs");
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	if (!(sorted = malloc((rp.ngroups + 1) * sizeof(*sorted)))) {
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	for (size_t i = 0, k = 0; i < rp.tcap; i++)
		if (rp.table[i])
			sorted[k++] = rp.table[i];
	if (rp.ngroups > 1)
		qsort(sorted, rp.ngroups, sizeof(*sorted), group_cmp);
	if (output && !(out = fopen(output, "w"))) {
		fprintf(stderr, "iamproof replay: %s: %s\n", output, strerror(errno));
		rc = EXIT_USAGE;
		goto cleanup;
	}
	switch (rp.fmt) {
	case FMT_TEXT:
		write_text(out, &rp, sorted, rp.ngroups);
		break;
	case FMT_JSON:
		write_json(out, &rp, sorted, rp.ngroups);
		break;
	case FMT_MARKDOWN:
		write_markdown(out, &rp, sorted, rp.ngroups);
		break;
	case FMT_SARIF:
		write_sarif(out, &rp, sorted, rp.ngroups);
		break;
	}
	if (out != stdout ? fclose(out) != 0 : fflush(stdout) != 0) {
		fprintf(stderr, "iamproof replay: cannot write the output\n");
		rc = EXIT_INTERNAL;
		goto cleanup;
	}
	{
		size_t groups;

		rc = rp.input_errors ? EXIT_USAGE
				     : cat_count(sorted, rp.ngroups, CAT_DENIED, &groups) ? EXIT_FINDINGS : EXIT_CLEAN;
	}
cleanup:
	if (rp.trace && fclose(rp.trace) != 0 && rc < EXIT_USAGE) {
		fprintf(stderr, "iamproof replay: cannot write the --trace file\n");
		rc = EXIT_INTERNAL;
	}
	free(sorted);
	for (size_t i = 0; i < rp.tcap; i++)
		group_free(rp.table[i]);
	free(rp.table);
	free(rp.stmts);
	tally_free(&rp.failed);
	tally_free(&rp.not_api);
	tally_free(&rp.unmapped);
	tally_free(&rp.aside);
	tally_free(&rp.errors);
	iamp_evaluator_free(rp.before.ev);
	iamp_evaluator_free(rp.after.ev);
	pset_free(&rp.before.ps);
	pset_free(&rp.after.ps);
	return rc;
}
