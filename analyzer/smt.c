/*
 * smt.c - the prover; see smt.h. The only file that includes z3.h.
 *
 * One question builds one Z3 context holding a symbolic request:
 *
 *   action     a: Int, an index into the action table: the catalog's
 *              actions (0 .. N-1, sorted, catalog.h) and made-up actions
 *              (N ..), one per distinct action pattern of the question,
 *              its wildcards filled ("s3:get*" -> "s3:getzq", "*" ->
 *              "zq:zq"), so that actions AWS has not published yet stay
 *              possible. A pattern is the set of indices it matches,
 *              computed here in C and stated as ranges:
 *                  "s3:Get*"  ->  (a >= 17710 && a < 17795) || a == 21998
 *   principal  k: Int (enum iamp_caller_kind), acct: String (12 digits),
 *              path, name, session, service: Strings over their IAM
 *              alphabets; the principal ARN p is built from them:
 *                  k = USER    -> p = "arn:aws:iam::" ++ acct ++ ":user" ++ path ++ name
 *                  k = SESSION -> p = "arn:aws:sts::" ++ acct ++ ":assumed-role/"
 *                                     ++ name ++ "/" ++ session
 *   resource   r = "arn:" ++ r1 ++ ":" ++ r2 ++ ":" ++ r3 ++ ":" ++ r4 ++ ":" ++ r5,
 *              r1..r4 without ':' (so the split is unique), and the
 *              resource's account racct: 12 digits, r4 itself when r4 is
 *              an account id (the request carries it as aws:ResourceAccount)
 *   keys       per condition key: present: Bool, and K value slots of the
 *              key's type (String, Real, Int microseconds for dates, Bool,
 *              a 128-bit vector and a family bit for IP addresses), with a
 *              count 1..K for multivalued keys. Keys AWS derives from the
 *              request (aws:PrincipalArn, aws:PrincipalAccount,
 *              aws:ResourceAccount, aws:username) are terms of the
 *              principal and resource, not free.
 *
 * Each compiled statement (eval_internal.h: the very tables the concrete
 * evaluator reads) becomes a term "this statement applies"; the terms are
 * gathered into the facts of decide.h exactly as iamp_evaluate gathers
 * booleans, and iamp_decide() runs over Z3 terms. One atom per pattern,
 * shaped to the pattern:
 *
 *     "*"                       true
 *     "arn:aws:s3:::b/k"        r = "arn:aws:s3:::b/k"
 *     "arn:aws:s3:::b/k*"       str.prefixof("arn:aws:s3:::b/k", r)
 *     "arn:aws:iam::*:role/x?"  r in re("arn:aws:iam::" [^:]* ":role/x" .)
 *                               (a '*' in the first five ARN parts never
 *                               crosses a colon, as arn.c matches)
 *
 * Policy variables are substituted by the key's value term, polarity-
 * safe: "arn:aws:s3:::home/${aws:username}/x*" is
 * str.prefixof("arn:aws:s3:::home/" ++ username ++ "/x", r), with the
 * username over IAM's alphabet (no '/'). Only patterns whose wildcards are
 * all at the end are encoded with variables; others are UNKNOWN.
 *
 * Text is given to Z3 as \u{..} escapes (Z3_mk_string reads them; it has
 * no escape for a backslash, which is \u{5c} then), and read back one
 * character at a time, because Z3_get_string's output is ambiguous.
 */
#include "smt.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <dlfcn.h>
#include <z3.h>

#include "arn.h"
#include "catalog.h"
#include "contain.h"
#include "context.h"
#include "decide.h"
#include "error.h"
#include "eval.h"
#include "eval_internal.h"
#include "match.h"
#include "operators.h"
#include "org.h"
#include "principal.h"

/* ---- Z3, loaded on first use ------------------------------------------------ */

/*
 * Z3's functions, called as z3.mk_and(...) for Z3_mk_and(...): one
 * pointer per entry of smt_z3.def, of the type z3.h declares for the
 * function, so that a call is checked as a direct call would be.
 *
 * The library is opened with dlopen by the first question (z3_setup), not
 * linked: mapping and relocating libz3 and the C++ runtime it pulls in
 * was most of the time of a `check` of one file, which never asks Z3
 * (docs/z3.md). IAMP_Z3_SONAME is the soname of the libz3 the build
 * found (the Makefile reads it with readelf); IAMPROOF_Z3_LIBRARY, when
 * set, names another file to open instead (tests make it one that
 * cannot load).
 */
static struct {
#define Z3_FN(name) __typeof__(Z3_##name) *name;
#include "smt_z3.def"
#undef Z3_FN
} z3;

/* Why Z3 could not be loaded, or "" once it is (written once, under
 * z3_once, before any reader: see iamp_smt_init). */
static char z3_unavailable[512];

static bool z3_load(void)
{
	const char *path = secure_getenv("IAMPROOF_Z3_LIBRARY");
	const char *why;
	void *lib;

	if (!path || !*path)
		path = IAMP_Z3_SONAME;
	/* RTLD_LOCAL: Z3's symbols serve this table only */
	if (!(lib = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		why = dlerror();
		snprintf(z3_unavailable, sizeof(z3_unavailable), "cannot load Z3 (%s): %s", path,
			 why ? why : "unknown error");
		return false;
	}
	/* POSIX guarantees that a dlsym result converts to the function's
	 * pointer type; ISO C alone does not. */
#define Z3_FN(name)                                                                    \
	if (!(z3.name = (__typeof__(z3.name))dlsym(lib, "Z3_" #name))) {                 \
		why = dlerror();                                                          \
		snprintf(z3_unavailable, sizeof(z3_unavailable), "cannot load Z3 (%s): %s", path, \
			 why ? why : "no function Z3_" #name);                            \
		goto missing;                                                             \
	}
#include "smt_z3.def"
#undef Z3_FN
	return true;
missing:
	/* nothing of a library we cannot use stays callable */
	memset(&z3, 0, sizeof(z3));
	dlclose(lib);
	return false;
}

/* ---- names ----------------------------------------------------------------- */

const char *iamp_proof_name(enum iamp_proof p)
{
	switch (p) {
	case IAMP_PROOF_PROVEN:
		return "proven";
	case IAMP_PROOF_VIOLATED:
		return "violated";
	case IAMP_PROOF_VACUOUS:
		return "vacuous";
	default:
		return "unknown";
	}
}

const char *iamp_expect_name(enum iamp_expect e)
{
	switch (e) {
	case IAMP_EXPECT_ALLOWED:
		return "allowed";
	case IAMP_EXPECT_NOT_MORE_THAN:
		return "not-more-than";
	default:
		return "denied";
	}
}

bool iamp_expect_parse(enum iamp_expect *out, const char *s)
{
	if (strcmp(s, "denied") == 0)
		*out = IAMP_EXPECT_DENIED;
	else if (strcmp(s, "allowed") == 0)
		*out = IAMP_EXPECT_ALLOWED;
	else if (strcmp(s, "not-more-than") == 0)
		*out = IAMP_EXPECT_NOT_MORE_THAN;
	else
		return false;
	return true;
}

const char *iamp_diff_verdict_name(enum iamp_diff_verdict v)
{
	switch (v) {
	case IAMP_DIFF_EQUIVALENT:
		return "equivalent";
	case IAMP_DIFF_MORE_PERMISSIVE:
		return "more-permissive";
	case IAMP_DIFF_LESS_PERMISSIVE:
		return "less-permissive";
	case IAMP_DIFF_INCOMPARABLE:
		return "incomparable";
	default:
		return "unknown";
	}
}

void iamp_scope_governed(struct iamp_scope *s)
{
	memset(s, 0, sizeof(*s));
	s->kinds = IAMP_SCOPE_KIND(IAMP_CALLER_ROOT) | IAMP_SCOPE_KIND(IAMP_CALLER_USER) |
		   IAMP_SCOPE_KIND(IAMP_CALLER_ROLE) | IAMP_SCOPE_KIND(IAMP_CALLER_SESSION) |
		   IAMP_SCOPE_KIND(IAMP_CALLER_FEDERATED_USER);
	s->no_slr = true;
	s->not_management = true;
}

void iamp_cex_free(struct iamp_cex *c)
{
	if (!c)
		return;
	free(c->principal);
	free(c->action);
	free(c->resource);
	for (size_t i = 0; i < c->nkeys; i++) {
		for (size_t j = 0; j < c->keys[i].count; j++)
			free(c->keys[i].values[j]);
		free(c->keys[i].values);
		free(c->keys[i].name);
	}
	free(c->keys);
	memset(c, 0, sizeof(*c));
}

void iamp_prove_result_free(struct iamp_prove_result *r)
{
	iamp_cex_free(&r->cex);
}

void iamp_diff_result_free(struct iamp_diff_result *r)
{
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; i < r->nwitness[d]; i++)
			iamp_cex_free(&r->witness[d][i]);
		free(r->witness[d]);
		r->witness[d] = NULL;
		r->nwitness[d] = 0;
	}
}

/* ---- the symbolic request ------------------------------------------------- */

/* Key value types of the model. */
enum ktype { KT_NONE, KT_STR, KT_NUM, KT_DATE, KT_BOOL, KT_IP };

/* Keys that are terms of the principal or the resource. */
enum ktie { TIE_NONE, TIE_PRINCIPAL_ARN, TIE_PRINCIPAL_ACCOUNT, TIE_RESOURCE_ACCOUNT, TIE_USERNAME };

/* When AWS always sends a key (IAM User Guide, "AWS global condition
 * context keys": "Availability – This key is always included in the
 * request context"). */
enum kavail {
	AV_FREE,        /* may be absent or present */
	AV_ALWAYS,      /* always present */
	AV_PRINCIPAL,   /* present exactly for IAM principals (not anonymous, not services) */
	AV_PERSON_ONLY, /* present only for IAM principals */
	AV_SERVICE      /* present exactly for service principals */
};

static const struct {
	const char *name;   /* a trailing '/' names a family: aws:PrincipalTag/... */
	enum ktie tie;
	enum kavail avail;
} known_keys[] = {
	{ "aws:principalarn", TIE_PRINCIPAL_ARN, AV_PRINCIPAL },
	{ "aws:principalaccount", TIE_PRINCIPAL_ACCOUNT, AV_PRINCIPAL },
	{ "aws:resourceaccount", TIE_RESOURCE_ACCOUNT, AV_ALWAYS },
	{ "aws:username", TIE_USERNAME, AV_FREE },
	{ "aws:principaltype", TIE_NONE, AV_ALWAYS },
	{ "aws:userid", TIE_NONE, AV_PRINCIPAL },
	{ "aws:requestedregion", TIE_NONE, AV_ALWAYS },
	{ "aws:securetransport", TIE_NONE, AV_ALWAYS },
	{ "aws:currenttime", TIE_NONE, AV_ALWAYS },
	{ "aws:epochtime", TIE_NONE, AV_ALWAYS },
	{ "aws:principalisawsservice", TIE_NONE, AV_ALWAYS },
	{ "aws:viaawsservice", TIE_NONE, AV_ALWAYS },
	{ "aws:principalservicename", TIE_NONE, AV_SERVICE },
	{ "aws:principalorgid", TIE_NONE, AV_PERSON_ONLY },
	{ "aws:principalorgpaths", TIE_NONE, AV_PERSON_ONLY },
	{ "aws:principaltag/", TIE_NONE, AV_PERSON_ONLY },
	{ "aws:multifactorauthpresent", TIE_NONE, AV_PERSON_ONLY },
	{ "aws:multifactorauthage", TIE_NONE, AV_PERSON_ONLY },
	{ "aws:tokenissuetime", TIE_NONE, AV_PERSON_ONLY },
	{ "aws:sourceidentity", TIE_NONE, AV_PERSON_ONLY },
};

#define NKNOWN (sizeof(known_keys) / sizeof(known_keys[0]))

/* The entry of known_keys for a lower-cased key name, or NKNOWN. */
static size_t known_key(const char *low)
{
	for (size_t i = 0; i < NKNOWN; i++) {
		size_t n = strlen(known_keys[i].name);
		bool family = known_keys[i].name[n - 1] == '/';

		if (family ? strncmp(known_keys[i].name, low, n) == 0 : strcmp(known_keys[i].name, low) == 0)
			return i;
	}
	return NKNOWN;
}

#define MAX_SLOTS 32 /* values of one multivalued key; more is UNKNOWN */

struct skey {
	char *name;             /* lower-cased */
	char *spelling;         /* as first written */
	enum ktype type;
	enum ktie tie;
	enum kavail avail;
	bool multi;             /* a list: set operators, or ArrayOf in the catalog */
	unsigned uses;          /* conditions that read it */
	unsigned k;             /* value slots */
	Z3_ast present;
	Z3_ast count;           /* multi: Int 1..k when present */
	Z3_ast val[MAX_SLOTS];
	Z3_ast is6[MAX_SLOTS];  /* IP: the address is IPv6 */
	/* tied keys whose value depends on the kind of caller: val[0] is
	 * case[i] where guard[i] holds */
	const Z3_ast *guard, *cases;
	struct sarn *const *parts;
	unsigned ncase;
};

struct sarn;
struct segs;

struct smt {
	Z3_context ctx;
	Z3_sort s_str, s_int, s_real, s_bool, s_re, s_bv;
	/* the action table */
	uint32_t ncat;
	char **made;            /* made-up action names, lower-case */
	size_t nmade, capmade;
	/* the request */
	Z3_ast a, k, acct, path, name, sess, svc, prov, p, parn;
	Z3_ast r, r1, r2, r3, r4, r5, racct;
	Z3_ast person, iam;     /* not anonymous or a service; an IAM caller with an account */
	Z3_ast no_authz;        /* the action needs no authorization (decide.h) */
	/* p and aws:PrincipalArn case by case: atoms are stated on each
	 * case's concatenation, which the string solver reads far faster
	 * than an ite of strings */
	Z3_ast pguard[8], pcase[8], acase[8];
	struct sarn *aparts[8];  /* aws:PrincipalArn's parts per case, or NULL */
	struct segs *psegs;      /* p per case (8), then aws:PrincipalArn per case (8) */
	struct sarn *rparts;     /* the resource's */
	struct sarn *caseparts;  /* storage: 9 of them */
	unsigned npcase;
	struct skey *keys;
	size_t nkeys, capkeys;
	/* cached regexes */
	Z3_ast re_any, re_anychar, re_nocolon, re_nocolon_star, re_digits12;
	/* the first construct the encoding cannot state, or "" */
	char unsupported[200];
	bool oom;
	bool saw_nul;            /* the last model read held a NUL character */
	/* memo: statement -> term */
	const void **memo_key;
	Z3_ast *memo_val;
	size_t nmemo, capmemo;
	unsigned fresh;
};

static _Thread_local Z3_error_code z3_failure;

/* Z3's default handler exits; ours records. */
static void on_z3_error(Z3_context ctx, Z3_error_code e)
{
	(void)ctx;
	if (!z3_failure)
		z3_failure = e;
}

static void unsupported(struct smt *S, const char *fmt, ...)
{
	va_list ap;

	if (S->unsupported[0])
		return;
	va_start(ap, fmt);
	vsnprintf(S->unsupported, sizeof(S->unsupported), fmt, ap);
	va_end(ap);
}

/* ---- terms ------------------------------------------------------------------- */

#define CTX (S->ctx)

static Z3_ast T(struct smt *S)
{
	return z3.mk_true(CTX);
}

static Z3_ast F(struct smt *S)
{
	return z3.mk_false(CTX);
}

static Z3_ast and2(struct smt *S, Z3_ast x, Z3_ast y)
{
	if (z3.is_eq_ast(CTX, x, F(S)) || z3.is_eq_ast(CTX, y, F(S)))
		return F(S);
	if (z3.is_eq_ast(CTX, x, T(S)))
		return y;
	if (z3.is_eq_ast(CTX, y, T(S)))
		return x;
	return z3.mk_and(CTX, 2, (Z3_ast[]){ x, y });
}

static Z3_ast or2(struct smt *S, Z3_ast x, Z3_ast y)
{
	if (z3.is_eq_ast(CTX, x, T(S)) || z3.is_eq_ast(CTX, y, T(S)))
		return T(S);
	if (z3.is_eq_ast(CTX, x, F(S)))
		return y;
	if (z3.is_eq_ast(CTX, y, F(S)))
		return x;
	return z3.mk_or(CTX, 2, (Z3_ast[]){ x, y });
}

static Z3_ast not1(struct smt *S, Z3_ast x)
{
	if (z3.is_eq_ast(CTX, x, T(S)))
		return F(S);
	if (z3.is_eq_ast(CTX, x, F(S)))
		return T(S);
	return z3.mk_not(CTX, x);
}

static Z3_ast eq(struct smt *S, Z3_ast x, Z3_ast y)
{
	return z3.mk_eq(CTX, x, y);
}

static Z3_ast cat(struct smt *S, unsigned n, Z3_ast *xs)
{
	return n == 1 ? xs[0] : z3.mk_seq_concat(CTX, n, xs);
}

static Z3_ast int_(struct smt *S, long v)
{
	return z3.mk_int64(CTX, v, S->s_int);
}

static Z3_ast kind_is(struct smt *S, enum iamp_caller_kind k)
{
	return eq(S, S->k, int_(S, (long)k));
}

/* The decision's algebra over Z3 terms (decide.h). */
static iamp_term L_and(void *ctx, iamp_term a, iamp_term b)
{
	return (iamp_term)and2(ctx, (Z3_ast)a, (Z3_ast)b);
}

static iamp_term L_or(void *ctx, iamp_term a, iamp_term b)
{
	return (iamp_term)or2(ctx, (Z3_ast)a, (Z3_ast)b);
}

static iamp_term L_not(void *ctx, iamp_term a)
{
	return (iamp_term)not1(ctx, (Z3_ast)a);
}

/* One UTF-8 code point at s[*i] (advanced); -1 when invalid. */
static long utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
	long cp;

	if (n < 0) {
		(*i)++;
		return -1;
	}
	cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
	for (int j = 1; j <= n; j++) {
		if (*i + (size_t)j >= len || (s[*i + (size_t)j] & 0xC0) != 0x80) {
			(*i)++;
			return -1;
		}
		cp = (cp << 6) | (s[*i + (size_t)j] & 0x3F);
	}
	*i += (size_t)n + 1;
	return cp;
}

/*
 * A string literal. Z3_mk_string reads \u{..} escapes and nothing else, so
 * everything but printable ASCII (and the backslash) is written so.
 * Example: "a\b" -> "a\u{5c}b"; "é" -> "\u{e9}".
 */
static Z3_ast lit(struct smt *S, const char *text, size_t len)
{
	char stackbuf[512], *buf = stackbuf;
	size_t cap = sizeof(stackbuf), n = 0, i = 0;
	Z3_ast out;

	if (len * 10 + 1 > cap) {
		cap = len * 10 + 1;
		if (!(buf = malloc(cap))) {
			S->oom = true;
			return z3.mk_string(CTX, "");
		}
	}
	while (i < len) {
		long cp = utf8_next((const unsigned char *)text, len, &i);

		if (cp < 0 || cp > 0x2FFFF) {
			unsupported(S, "a character outside Z3's range (U+30000 and above) or invalid UTF-8");
			cp = '?';
		}
		if (cp >= 0x20 && cp < 0x7F && cp != '\\')
			buf[n++] = (char)cp;
		else
			n += (size_t)snprintf(buf + n, cap - n, "\\u{%lx}", cp);
	}
	buf[n] = '\0';
	out = z3.mk_string(CTX, buf);
	if (buf != stackbuf)
		free(buf);
	return out;
}

static Z3_ast clit(struct smt *S, const char *text)
{
	return lit(S, text, strlen(text));
}

static Z3_ast str_var(struct smt *S, const char *name)
{
	return z3.mk_const(CTX, z3.mk_string_symbol(CTX, name), S->s_str);
}

static Z3_ast in_re(struct smt *S, Z3_ast s, Z3_ast re)
{
	return z3.mk_seq_in_re(CTX, s, re);
}

static Z3_ast re_lit(struct smt *S, const char *text, size_t len)
{
	return z3.mk_seq_to_re(CTX, lit(S, text, len));
}

static Z3_ast re_range(struct smt *S, const char *lo, const char *hi)
{
	return z3.mk_re_range(CTX, z3.mk_string(CTX, lo), z3.mk_string(CTX, hi));
}

static Z3_ast re_union(struct smt *S, unsigned n, Z3_ast *xs)
{
	return n == 1 ? xs[0] : z3.mk_re_union(CTX, n, xs);
}

static Z3_ast re_concat(struct smt *S, unsigned n, Z3_ast *xs)
{
	return n == 1 ? xs[0] : z3.mk_re_concat(CTX, n, xs);
}

/* ---- patterns -------------------------------------------------------------- */

/*
 * The regex of a compiled wildcard text (match.h bytes). `colon_free`: a
 * wildcard does not match ':' (the first five ARN parts).
 * Example: "x" STAR "y" ONE -> re("x") . re.all . re("y") . allchar
 */
static Z3_ast re_glob(struct smt *S, const char *t, size_t len, bool colon_free)
{
	Z3_ast parts[64];
	unsigned n = 0;
	size_t i = 0;

	while (i < len) {
		if (n == 63) { /* fold what we have, go on */
			parts[0] = re_concat(S, n, parts);
			n = 1;
		}
		if (t[i] == IAMP_WILD_STAR) {
			parts[n++] = colon_free ? S->re_nocolon_star : S->re_any;
			i++;
		} else if (t[i] == IAMP_WILD_ONE) {
			parts[n++] = colon_free ? S->re_nocolon : S->re_anychar;
			i++;
		} else {
			size_t j = i;

			while (j < len && t[j] != IAMP_WILD_STAR && t[j] != IAMP_WILD_ONE)
				j++;
			parts[n++] = re_lit(S, t + i, j - i);
			i = j;
		}
	}
	if (!n)
		return z3.mk_seq_to_re(CTX, z3.mk_string(CTX, ""));
	return re_concat(S, n, parts);
}

static bool has_wild(const char *t, size_t len)
{
	return memchr(t, IAMP_WILD_STAR, len) || memchr(t, IAMP_WILD_ONE, len);
}

/* Offsets of the first five colons of a compiled text; false with fewer. */
static bool five_colons(const char *t, size_t len, size_t pos[5])
{
	size_t n = 0;

	for (size_t i = 0; i < len && n < 5; i++)
		if (t[i] == ':')
			pos[n++] = i;
	return n == 5;
}

/*
 * Whether subject `s` matches the compiled ARN pattern as arn.c does.
 * `like`: ArnLike/ArnEquals (six parts on both sides); otherwise Resource
 * (a pattern with fewer parts is matched as text).
 *   "*"                  -> true (Resource)
 *   "arn:aws:s3:::b"     -> s = "arn:aws:s3:::b"
 *   "arn:aws:s3:::b/k*"  -> prefixof("arn:aws:s3:::b/k", s)
 *   "arn:aws:iam::*:x"   -> s in "arn:aws:iam::" [^:]* ":x"
 */
static Z3_ast arn_atom(struct smt *S, const char *t, size_t len, Z3_ast s, bool like)
{
	size_t pos[5];
	bool parts = five_colons(t, len, pos);
	Z3_ast re[11];

	if (like && !parts)
		return F(S);
	if (!has_wild(t, len)) {
		Z3_ast e = eq(S, s, lit(S, t, len));

		/* an ArnEquals value must itself have six parts: it has, as it
		 * equals the pattern */
		return e;
	}
	if (!like && len == 1 && t[0] == IAMP_WILD_STAR)
		return T(S);
	/* a single trailing '*' after every colon that matters: a prefix */
	if (t[len - 1] == IAMP_WILD_STAR && !has_wild(t, len - 1) &&
	    (parts ? true : !like)) {
		if (!parts || pos[4] < len - 1)
			return z3.mk_seq_prefix(CTX, lit(S, t, len - 1), s);
	}
	if (!parts)
		return in_re(S, s, re_glob(S, t, len, false));
	{
		size_t start = 0;
		unsigned n = 0;

		for (int i = 0; i < 6; i++) {
			size_t end = i < 5 ? pos[i] : len;

			re[n++] = re_glob(S, t + start, end - start, i < 5);
			if (i < 5)
				re[n++] = z3.mk_seq_to_re(CTX, z3.mk_string(CTX, ":"));
			start = end + 1;
		}
		return in_re(S, s, re_concat(S, n, re));
	}
}

/* A plain wildcard match (StringLike), the whole text. */
static Z3_ast like_atom(struct smt *S, const char *t, size_t len, Z3_ast s)
{
	if (!has_wild(t, len))
		return eq(S, s, lit(S, t, len));
	if (len == 1 && t[0] == IAMP_WILD_STAR)
		return T(S);
	if (t[len - 1] == IAMP_WILD_STAR && !has_wild(t, len - 1))
		return z3.mk_seq_prefix(CTX, lit(S, t, len - 1), s);
	return in_re(S, s, re_glob(S, t, len, false));
}

/*
 * A subject whose six ARN parts are terms of their own (the request's
 * resource, the principal's ARN case by case): parts 0 to 4 hold no
 * colon by construction, so a pattern is matched part by part, each part
 * an atom on a short term, as arn.c matches:
 *   "arn:aws:ec2:*:*:instance/i-*" -> r1 = "aws" && r2 = "ec2" &&
 *                                     prefixof("instance/i-", r5)
 * A wildcard in a part cannot meet a colon there, so it needs no class.
 */
struct sarn {
	Z3_ast part[6];
	Z3_ast whole;
};

/*
 * A subject as segments, literal text or terms: the principal's ARN of
 * one kind, "arn:aws:iam::" acct ":user" path name. A pattern is matched
 * after the literal text it shares with the subject at either end is cut
 * off, so that Z3 sees the short rest:
 *   "arn:aws:iam::*:root" on "arn:aws:iam::" acct ":root"   -> true
 *   "arn:aws:iam::*:role/Admin" on "arn:aws:sts::" ...      -> false
 */
struct seg {
	const char *lit; /* NULL: a term */
	size_t len;
	Z3_ast t;
};

struct segs {
	struct seg s[8];
	unsigned n;
};

static Z3_ast segs_term(struct smt *S, const struct seg *s, unsigned n)
{
	Z3_ast parts[8];

	if (!n)
		return z3.mk_string(CTX, "");
	for (unsigned i = 0; i < n; i++)
		parts[i] = s[i].lit ? lit(S, s[i].lit, s[i].len) : s[i].t;
	return cat(S, n, parts);
}

static size_t lead_lit(const char *t, size_t len)
{
	size_t i = 0;

	while (i < len && t[i] != IAMP_WILD_STAR && t[i] != IAMP_WILD_ONE)
		i++;
	return i;
}

static size_t trail_lit(const char *t, size_t len)
{
	size_t i = 0;

	while (i < len && t[len - 1 - i] != IAMP_WILD_STAR && t[len - 1 - i] != IAMP_WILD_ONE)
		i++;
	return i;
}

/* StringEquals (`like` false: wildcard bytes are text) or StringLike of a
 * compiled text against a segmented subject. */
static Z3_ast segs_atom(struct smt *S, const char *t, size_t len, const struct segs *subj, bool like)
{
	struct seg s[8];
	unsigned first = 0, n = subj->n;

	memcpy(s, subj->s, n * sizeof(s[0]));
	/* the literal beginning */
	while (first < n && s[first].lit) {
		size_t p = like ? lead_lit(t, len) : len, k = p < s[first].len ? p : s[first].len;

		if (memcmp(t, s[first].lit, k) != 0)
			return F(S);
		t += k;
		len -= k;
		s[first].lit += k;
		s[first].len -= k;
		if (s[first].len)
			break; /* the pattern's literal part ended first */
		first++;
	}
	/* the literal end */
	while (n > first && s[n - 1].lit) {
		size_t p = like ? trail_lit(t, len) : len, k = p < s[n - 1].len ? p : s[n - 1].len;

		if (memcmp(t + len - k, s[n - 1].lit + s[n - 1].len - k, k) != 0)
			return F(S);
		len -= k;
		s[n - 1].len -= k;
		if (s[n - 1].len)
			break;
		n--;
	}
	if (!like)
		return eq(S, segs_term(S, s + first, n - first), lit(S, t, len));
	return like_atom(S, t, len, segs_term(S, s + first, n - first));
}

static Z3_ast arn_parts_atom(struct smt *S, const char *t, size_t len, const struct sarn *a,
			     bool like)
{
	size_t pos[5], start = 0;
	Z3_ast out = T(S);

	if (!five_colons(t, len, pos)) {
		if (like)
			return F(S);
		return like_atom(S, t, len, a->whole);
	}
	for (int i = 0; i < 6; i++) {
		size_t end = i < 5 ? pos[i] : len;

		out = and2(S, out, like_atom(S, t + start, end - start, a->part[i]));
		start = end + 1;
	}
	return out;
}

/* StringEqualsIgnoreCase: each ASCII letter either case. */
static Z3_ast icase_atom(struct smt *S, const char *t, size_t len, Z3_ast s)
{
	Z3_ast *parts;
	Z3_ast out;
	size_t n = 0;

	if (!len)
		return eq(S, s, z3.mk_string(CTX, ""));
	if (!(parts = malloc(len * sizeof(*parts)))) {
		S->oom = true;
		return F(S);
	}
	for (size_t i = 0; i < len;) {
		char c = t[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			char lo = (char)(c | 0x20), up = (char)(c & ~0x20);
			Z3_ast u[2] = { re_lit(S, &lo, 1), re_lit(S, &up, 1) };

			parts[n++] = re_union(S, 2, u);
			i++;
		} else {
			size_t j = i;

			while (j < len && !((t[j] >= 'a' && t[j] <= 'z') || (t[j] >= 'A' && t[j] <= 'Z')))
				j++;
			parts[n++] = re_lit(S, t + i, j - i);
			i = j;
		}
	}
	out = in_re(S, s, re_concat(S, (unsigned)n, parts));
	free(parts);
	return out;
}

/* ---- keys --------------------------------------------------------------------- */

static struct skey *key_find(struct smt *S, const char *name, size_t len)
{
	for (size_t i = 0; i < S->nkeys; i++)
		if (strlen(S->keys[i].name) == len && strncasecmp(S->keys[i].name, name, len) == 0)
			return &S->keys[i];
	return NULL;
}

static struct skey *key_get(struct smt *S, const char *name, size_t len)
{
	struct skey *k = key_find(S, name, len);

	if (k)
		return k;
	if (S->nkeys == S->capkeys) {
		size_t cap = S->capkeys ? 2 * S->capkeys : 16;
		struct skey *nk = realloc(S->keys, cap * sizeof(*nk));

		if (!nk) {
			S->oom = true;
			return NULL;
		}
		S->keys = nk;
		S->capkeys = cap;
	}
	k = &S->keys[S->nkeys];
	memset(k, 0, sizeof(*k));
	k->name = malloc(len + 1);
	k->spelling = malloc(len + 1);
	if (!k->name || !k->spelling) {
		free(k->name);
		free(k->spelling);
		S->oom = true;
		return NULL;
	}
	memcpy(k->spelling, name, len);
	k->spelling[len] = '\0';
	iamp_ascii_lower(k->name, name, len);
	k->name[len] = '\0';
	{
		size_t i = known_key(k->name);

		if (i < NKNOWN) {
			k->tie = known_keys[i].tie;
			k->avail = known_keys[i].avail;
		}
	}
	if (k->tie != TIE_NONE)
		k->type = KT_STR;
	{
		const struct iamp_condition_key *ck = iamp_catalog_key(name, len);

		if (ck && (ck->flags & IAMP_KEY_MULTIVALUED))
			k->multi = true;
	}
	S->nkeys++;
	return k;
}

static enum ktype op_ktype(const struct iamp_operator *op)
{
	switch (op->type) {
	case IAMP_COND_STRING:
	case IAMP_COND_ARN:
		return KT_STR;
	case IAMP_COND_NUMERIC:
		return KT_NUM;
	case IAMP_COND_DATE:
		return KT_DATE;
	case IAMP_COND_BOOL:
		return KT_BOOL;
	case IAMP_COND_IP:
		return KT_IP;
	default:
		return KT_NONE;
	}
}

static const char *ktype_name(enum ktype t)
{
	static const char *const n[] = { "none", "String", "Numeric", "Date", "Bool", "IpAddress" };

	return n[t];
}

static void key_use(struct smt *S, const char *name, size_t len, enum ktype t, bool set)
{
	struct skey *k = key_get(S, name, len);

	if (!k)
		return;
	k->uses++;
	if (set)
		k->multi = true;
	if (t == KT_NONE)
		return;
	if (k->type == KT_NONE)
		k->type = t;
	else if (k->type != t)
		unsupported(S, "condition key %s is compared both as %s and as %s", k->spelling,
			    ktype_name(k->type), ktype_name(t));
}

static void pattern_keys(struct smt *S, const struct iamp_pattern *p)
{
	for (uint32_t i = 0; i < p->npieces; i++) {
		struct skey *k;

		if (!p->pieces[i].is_var)
			continue;
		k = key_get(S, p->pieces[i].text, p->pieces[i].len);
		if (!k)
			return;
		if (k->type == KT_NONE)
			k->type = KT_STR;
		else if (k->type != KT_STR)
			unsupported(S, "condition key %s is a policy variable and compared as %s",
				    k->spelling, ktype_name(k->type));
	}
}

/* ---- the action table -------------------------------------------------------- */

static bool made_has(struct smt *S, const char *name)
{
	for (size_t i = 0; i < S->nmade; i++)
		if (strcmp(S->made[i], name) == 0)
			return true;
	return false;
}

static void made_add(struct smt *S, const char *name)
{
	char *copy;

	if (iamp_catalog_action(name, strlen(name)) || made_has(S, name))
		return;
	if (S->nmade == S->capmade) {
		size_t cap = S->capmade ? 2 * S->capmade : 16;
		char **n = realloc(S->made, cap * sizeof(*n));

		if (!n) {
			S->oom = true;
			return;
		}
		S->made = n;
		S->capmade = cap;
	}
	if (!(copy = strdup(name))) {
		S->oom = true;
		return;
	}
	S->made[S->nmade++] = copy;
}

/*
 * The made-up action of a pattern: its wildcards filled with text no
 * published action holds ("s3:get*" -> "s3:getzq", "s?:x" -> "szq:x"),
 * and a service part where the pattern has none ("*" -> "zq:zq").
 * A future action that this pattern matches, and the more specific
 * patterns of the question do not, is then always one of the table.
 */
static void made_for_pattern(struct smt *S, const char *t, size_t len)
{
	char buf[600];
	size_t n = 0;
	bool colon = false;

	if (len > 256)
		len = 256;
	for (size_t i = 0; i < len; i++) {
		if (t[i] == '*' || t[i] == '?') {
			if (!colon && (i + 1 == len || memchr(t + i + 1, ':', len - i - 1) == NULL)) {
				/* the wildcard may stand for the colon too */
				memcpy(buf + n, "zq:zq", 5);
				n += 5;
				colon = true;
			} else {
				memcpy(buf + n, "zq", 2);
				n += 2;
			}
		} else {
			if (t[i] == ':')
				colon = true;
			buf[n++] = t[i];
		}
	}
	buf[n] = '\0';
	made_add(S, buf);
}

static uint32_t nactions(const struct smt *S)
{
	return S->ncat + (uint32_t)S->nmade;
}

/* The action's lower-case name into buf. */
static size_t action_name(const struct smt *S, uint32_t idx, char *buf, size_t cap, bool canonical)
{
	if (idx < S->ncat) {
		size_t n = iamp_catalog_action_format(buf, cap, &iamp_catalog_actions[idx]);

		if (!canonical)
			iamp_ascii_lower(buf, buf, n < cap ? n : cap - 1);
		return n;
	}
	return (size_t)snprintf(buf, cap, "%s", S->made[idx - S->ncat]);
}

/* A set of action indices as a bitmap. */
struct aset {
	uint64_t *bits;
	uint32_t n;
};

static bool aset_init(struct aset *s, uint32_t n)
{
	s->n = n;
	s->bits = calloc((n + 63) / 64, sizeof(uint64_t));
	return s->bits != NULL;
}

static void aset_add(struct aset *s, uint32_t first, uint32_t end)
{
	for (uint32_t i = first; i < end; i++)
		s->bits[i / 64] |= 1ull << (i % 64);
}

static bool aset_has(const struct aset *s, uint32_t i)
{
	return (s->bits[i / 64] >> (i % 64)) & 1;
}

static int aset_cb(void *ctx, uint32_t first, uint32_t end)
{
	aset_add(ctx, first, end);
	return 0;
}

/* Adds the actions a lower-case pattern matches. */
static void aset_pattern(const struct smt *S, struct aset *s, const char *pat, size_t len)
{
	iamp_catalog_match(NULL, pat, len, aset_cb, s);
	for (size_t i = 0; i < S->nmade; i++)
		if (iamp_catalog_glob(pat, len, S->made[i], strlen(S->made[i])))
			aset_add(s, S->ncat + (uint32_t)i, S->ncat + (uint32_t)i + 1);
}

/* The term "a is in the set": one comparison per maximal run. */
static Z3_ast aset_term(struct smt *S, const struct aset *s)
{
	Z3_ast *terms = NULL, out;
	size_t n = 0, cap = 0;
	uint32_t i = 0;
	bool all = true;

	for (uint32_t j = 0; j < s->n && all; j++)
		all = aset_has(s, j);
	if (all)
		return T(S);
	while (i < s->n) {
		uint32_t j;

		if (!aset_has(s, i)) {
			i++;
			continue;
		}
		for (j = i; j < s->n && aset_has(s, j); j++)
			;
		if (n == cap) {
			Z3_ast *nt;

			cap = cap ? 2 * cap : 16;
			if (!(nt = realloc(terms, cap * sizeof(*nt)))) {
				free(terms);
				S->oom = true;
				return F(S);
			}
			terms = nt;
		}
		if (j == i + 1)
			terms[n++] = eq(S, S->a, int_(S, i));
		else
			terms[n++] = z3.mk_and(CTX, 2, (Z3_ast[]){ z3.mk_ge(CTX, S->a, int_(S, i)),
								   z3.mk_lt(CTX, S->a, int_(S, j)) });
		i = j;
	}
	out = n == 0 ? F(S) : n == 1 ? terms[0] : z3.mk_or(CTX, (unsigned)n, terms);
	free(terms);
	return out;
}

/* The actions of a compiled Action/NotAction list. */
static Z3_ast actions_term(struct smt *S, const struct cactions *ca)
{
	struct aset s;
	Z3_ast out;

	if (!aset_init(&s, nactions(S))) {
		S->oom = true;
		return F(S);
	}
	for (size_t i = 0; i < ca->nsvc; i++)
		aset_pattern(S, &s, ca->svc[i].text, ca->svc[i].len);
	for (size_t i = 0; i < ca->nwild; i++)
		aset_pattern(S, &s, ca->wild[i].text, ca->wild[i].len);
	out = aset_term(S, &s);
	free(s.bits);
	return out;
}

/* Actions whose lower-case names satisfy a predicate. */
static Z3_ast actions_where(struct smt *S, bool (*pred)(const char *name, size_t len, const void *arg),
			    const void *arg)
{
	struct aset s;
	char buf[300];
	Z3_ast out;

	if (!aset_init(&s, nactions(S))) {
		S->oom = true;
		return F(S);
	}
	for (uint32_t i = 0; i < nactions(S); i++) {
		size_t n = action_name(S, i, buf, sizeof(buf), false);

		if (n < sizeof(buf) && pred(buf, n, arg))
			aset_add(&s, i, i + 1);
	}
	out = aset_term(S, &s);
	free(s.bits);
	return out;
}

static bool pred_prefix(const char *name, size_t len, const void *arg)
{
	size_t n = strlen(arg);

	return len >= n && memcmp(name, arg, n) == 0;
}

static bool pred_exact(const char *name, size_t len, const void *arg)
{
	return strlen(arg) == len && memcmp(name, arg, len) == 0;
}

static bool pred_rcp_service(const char *name, size_t len, const void *arg)
{
	const char *colon = memchr(name, ':', len);

	(void)arg;
	return iamp_org_rcp_service(name, colon ? (size_t)(colon - name) : len);
}

/* ---- collecting what a question mentions -------------------------------------- */

static void scan_cactions(struct smt *S, const struct cactions *ca)
{
	for (size_t i = 0; i < ca->nsvc; i++)
		made_for_pattern(S, ca->svc[i].text, ca->svc[i].len);
	for (size_t i = 0; i < ca->nwild; i++)
		made_for_pattern(S, ca->wild[i].text, ca->wild[i].len);
}

/*
 * Numbers and dates. A request's numbers are modelled as decimals of six
 * places and its dates as whole milliseconds: one place finer than every
 * policy value allowed (five places, whole seconds), so that between two
 * policy values there is always a request value, and every comparison a
 * policy can make keeps its answers.
 */
static bool decimal_ok(const char *t, size_t len)
{
	const char *dot = memchr(t, '.', len);

	if (memchr(t, 'e', len) || memchr(t, 'E', len))
		return false;
	return !dot || (size_t)(t + len - dot - 1) <= 5;
}

static void scan_evaluator(struct smt *S, const struct iamp_evaluator *ev)
{
	for (size_t i = 0; ev && i < ev->npols; i++) {
		const struct cpolicy *p = &ev->pols[i];

		for (size_t j = 0; j < p->nstmts; j++) {
			const struct cstmt *s = &p->stmts[j];

			if (!s->usable)
				continue;
			scan_cactions(S, &s->act);
			for (size_t r = 0; r < s->nres; r++)
				pattern_keys(S, &s->res[r]);
			for (size_t c = 0; c < s->nconds; c++) {
				const struct ccond *cc = &s->conds[c];

				if (!cc->op)
					continue;
				if (cc->op->type == IAMP_COND_BINARY)
					unsupported(S, "the Binary condition operators");
				key_use(S, cc->key, cc->key_len, op_ktype(cc->op),
					cc->set != IAMP_SET_NONE);
				for (size_t v = 0; v < cc->nvals; v++) {
					const struct cval *cv = &cc->vals[v];

					pattern_keys(S, &cv->pat);
					if (!cv->ok || cv->pat.npieces)
						continue;
					if (cc->op->type == IAMP_COND_NUMERIC && !decimal_ok(cv->pat.text, cv->pat.len))
						unsupported(S, "the number %.*s: more than five decimals or an exponent",
							    (int)cv->pat.len, cv->pat.text);
					if (cc->op->type == IAMP_COND_DATE && cv->u.date % 1000000)
						unsupported(S, "the date %.*s: a fraction of a second",
							    (int)cv->pat.len, cv->pat.text);
				}
			}
		}
	}
}

/* ---- building the request ---------------------------------------------------- */

static Z3_ast fresh_const(struct smt *S, const char *base, Z3_sort sort)
{
	char name[200];

	snprintf(name, sizeof(name), "%.160s!%u", base, S->fresh++);
	return z3.mk_const(CTX, z3.mk_string_symbol(CTX, name), sort);
}


static void setup(struct smt *S, Z3_ast *domain)
{
	Z3_ast ds[64];
	unsigned nd = 0;
	Z3_ast digit = re_range(S, "0", "9");
	Z3_ast iam_prefix = clit(S, "arn:aws:iam::");

	S->re_anychar = re_range(S, "\\u{0}", "\\u{2ffff}");
	S->re_any = z3.mk_re_star(CTX, S->re_anychar);
	S->re_nocolon = re_union(S, 2, (Z3_ast[]){ re_range(S, "\\u{1}", "9"),
						  re_range(S, ";", "\\u{2ffff}") });
	S->re_nocolon_star = z3.mk_re_star(CTX, S->re_nocolon);
	S->re_digits12 = z3.mk_re_loop(CTX, digit, 12, 12);

	S->a = z3.mk_const(CTX, z3.mk_string_symbol(CTX, "action"), S->s_int);
	ds[nd++] = z3.mk_ge(CTX, S->a, int_(S, 0));
	ds[nd++] = z3.mk_lt(CTX, S->a, int_(S, nactions(S)));

	/* the principal */
	S->k = z3.mk_const(CTX, z3.mk_string_symbol(CTX, "kind"), S->s_int);
	S->acct = str_var(S, "account");
	S->path = str_var(S, "path");
	S->name = str_var(S, "name");
	S->sess = str_var(S, "session");
	S->svc = str_var(S, "service");
	ds[nd++] = in_re(S, S->acct, S->re_digits12);
	/*
	 * The alphabets are wider than IAM's where that changes no decision
	 * (every extra string is one more request to consider, so a proof
	 * stays a proof), and exact where parsing depends on them: a name
	 * holds no '/' (the role name of a session ARN ends at the first
	 * one; a ${aws:username} cannot reach another user's path), a
	 * service principal no ':'. Narrow alphabets cost the solver dearly.
	 *   path:    "/" ... "/"        name: [^/]+       session: .+
	 */
	ds[nd++] = z3.mk_seq_prefix(CTX, clit(S, "/"), S->path);
	ds[nd++] = z3.mk_seq_suffix(CTX, clit(S, "/"), S->path);
	ds[nd++] = in_re(S, S->name, z3.mk_re_plus(CTX, re_union(S, 2, (Z3_ast[]){
		re_range(S, "\\u{1}", "."), re_range(S, "0", "\\u{2ffff}") })));
	ds[nd++] = z3.mk_gt(CTX, z3.mk_seq_length(CTX, S->sess), int_(S, 0));
	ds[nd++] = in_re(S, S->svc, z3.mk_re_plus(CTX, S->re_nocolon));
	ds[nd++] = z3.mk_ge(CTX, S->k, int_(S, IAMP_CALLER_ANONYMOUS));
	ds[nd++] = z3.mk_le(CTX, S->k, int_(S, IAMP_CALLER_OTHER));

	{
		/* The six parts of each kind's ARN: arn, partition, service,
		 * region, account, resource. */
		static const char *const svc_of[8] = { NULL, "iam", "iam", "iam", "sts", "sts", NULL, "iam" };
		Z3_ast res5[8], full[8];

		S->prov = str_var(S, "provider");
		res5[IAMP_CALLER_ROOT] = clit(S, "root");
		res5[IAMP_CALLER_USER] = cat(S, 3, (Z3_ast[]){ clit(S, "user"), S->path, S->name });
		res5[IAMP_CALLER_ROLE] = cat(S, 3, (Z3_ast[]){ clit(S, "role"), S->path, S->name });
		res5[IAMP_CALLER_SESSION] = cat(S, 4, (Z3_ast[]){ clit(S, "assumed-role/"), S->name,
								  clit(S, "/"), S->sess });
		res5[IAMP_CALLER_FEDERATED_USER] = cat(S, 2, (Z3_ast[]){ clit(S, "federated-user/"), S->name });
		/* web identity and SAML sign-in: the provider's ARN */
		res5[IAMP_CALLER_OTHER] = S->prov;
		ds[nd++] = or2(S, z3.mk_seq_prefix(CTX, clit(S, "oidc-provider/"), S->prov),
			       z3.mk_seq_prefix(CTX, clit(S, "saml-provider/"), S->prov));

		full[IAMP_CALLER_ANONYMOUS] = clit(S, "*");
		full[IAMP_CALLER_SERVICE] = cat(S, 2, (Z3_ast[]){ S->svc, clit(S, ".amazonaws.com") });
		if (!(S->caseparts = calloc(10, sizeof(struct sarn)))) {
			S->oom = true;
			*domain = F(S);
			return;
		}
		for (int i = IAMP_CALLER_ANONYMOUS; i <= IAMP_CALLER_OTHER; i++) {
			struct sarn *a = &S->caseparts[i];

			if (svc_of[i]) {
				a->part[0] = clit(S, "arn");
				a->part[1] = clit(S, "aws");
				a->part[2] = clit(S, svc_of[i]);
				a->part[3] = clit(S, "");
				a->part[4] = S->acct;
				a->part[5] = res5[i];
				full[i] = cat(S, 4, (Z3_ast[]){ clit(S, svc_of[i][0] == 'i' ? "arn:aws:iam::" : "arn:aws:sts::"),
								S->acct, clit(S, ":"), res5[i] });
				a->whole = full[i];
			}
			S->pguard[S->npcase] = kind_is(S, (enum iamp_caller_kind)i);
			S->pcase[S->npcase] = full[i];
			S->acase[S->npcase] = full[i];
			S->aparts[S->npcase] = svc_of[i] ? a : NULL;
			S->npcase++;
		}
		/* aws:PrincipalArn of a session: its role, without the path
		 * (the session ARN does not carry it), as context.c derives it */
		{
			struct sarn *a = &S->caseparts[8];

			*a = S->caseparts[IAMP_CALLER_SESSION];
			a->part[2] = clit(S, "iam");
			a->part[5] = cat(S, 2, (Z3_ast[]){ clit(S, "role/"), S->name });
			a->whole = cat(S, 4, (Z3_ast[]){ iam_prefix, S->acct, clit(S, ":"), a->part[5] });
			S->acase[IAMP_CALLER_SESSION] = a->whole;
			S->aparts[IAMP_CALLER_SESSION] = a;
		}
		if (!(S->psegs = calloc(16, sizeof(struct segs)))) {
			S->oom = true;
			*domain = F(S);
			return;
		}
		for (int i = IAMP_CALLER_ANONYMOUS; i <= IAMP_CALLER_OTHER; i++) {
			struct segs *g = &S->psegs[i];

#define LIT(x) (g->s[g->n++] = (struct seg){ x, sizeof(x) - 1, NULL })
#define TRM(x) (g->s[g->n++] = (struct seg){ NULL, 0, x })
			switch (i) {
			case IAMP_CALLER_ANONYMOUS:
				LIT("*");
				break;
			case IAMP_CALLER_SERVICE:
				TRM(S->svc);
				LIT(".amazonaws.com");
				break;
			case IAMP_CALLER_ROOT:
				LIT("arn:aws:iam::"), TRM(S->acct), LIT(":root");
				break;
			case IAMP_CALLER_USER:
				LIT("arn:aws:iam::"), TRM(S->acct), LIT(":user"), TRM(S->path), TRM(S->name);
				break;
			case IAMP_CALLER_ROLE:
				LIT("arn:aws:iam::"), TRM(S->acct), LIT(":role"), TRM(S->path), TRM(S->name);
				break;
			case IAMP_CALLER_SESSION:
				LIT("arn:aws:sts::"), TRM(S->acct), LIT(":assumed-role/"), TRM(S->name), LIT("/"),
					TRM(S->sess);
				break;
			case IAMP_CALLER_FEDERATED_USER:
				LIT("arn:aws:sts::"), TRM(S->acct), LIT(":federated-user/"), TRM(S->name);
				break;
			default:
				LIT("arn:aws:iam::"), TRM(S->acct), LIT(":"), TRM(S->prov);
				break;
			}
			S->psegs[8 + i] = *g;
			if (i == IAMP_CALLER_SESSION) {
				g = &S->psegs[8 + i];
				g->n = 0;
				LIT("arn:aws:iam::"), TRM(S->acct), LIT(":role/"), TRM(S->name);
			}
#undef LIT
#undef TRM
		}
		S->p = full[IAMP_CALLER_ANONYMOUS];
		S->parn = full[IAMP_CALLER_ANONYMOUS];
		for (int i = IAMP_CALLER_ROOT; i <= IAMP_CALLER_OTHER; i++) {
			S->p = z3.mk_ite(CTX, kind_is(S, (enum iamp_caller_kind)i), full[i], S->p);
			S->parn = z3.mk_ite(CTX, kind_is(S, (enum iamp_caller_kind)i), S->acase[i], S->parn);
		}
	}
	/* iamp_caller_is_person: the kinds from root to federated user */
	S->person = and2(S, z3.mk_ge(CTX, S->k, int_(S, IAMP_CALLER_ROOT)),
			 z3.mk_le(CTX, S->k, int_(S, IAMP_CALLER_FEDERATED_USER)));
	S->iam = and2(S, not1(S, kind_is(S, IAMP_CALLER_ANONYMOUS)),
		      not1(S, kind_is(S, IAMP_CALLER_SERVICE)));

	/* the resource */
	S->r1 = str_var(S, "r_partition");
	S->r2 = str_var(S, "r_service");
	S->r3 = str_var(S, "r_region");
	S->r4 = str_var(S, "r_account");
	S->r5 = str_var(S, "r_resource");
	S->racct = str_var(S, "resource_account");
	{
		Z3_ast colon = z3.mk_string(CTX, ":");

		S->r = cat(S, 10, (Z3_ast[]){ clit(S, "arn:"), S->r1, colon, S->r2, colon, S->r3,
					      colon, S->r4, colon, S->r5 });
		S->rparts = &S->caseparts[9];
		S->rparts->part[0] = clit(S, "arn");
		S->rparts->part[1] = S->r1;
		S->rparts->part[2] = S->r2;
		S->rparts->part[3] = S->r3;
		S->rparts->part[4] = S->r4;
		S->rparts->part[5] = S->r5;
		S->rparts->whole = S->r;
	}
	ds[nd++] = in_re(S, S->r1, S->re_nocolon_star);
	ds[nd++] = in_re(S, S->r2, S->re_nocolon_star);
	ds[nd++] = in_re(S, S->r3, S->re_nocolon_star);
	ds[nd++] = in_re(S, S->r4, S->re_nocolon_star);
	ds[nd++] = in_re(S, S->racct, S->re_digits12);

	ds[nd++] = z3.mk_implies(CTX, in_re(S, S->r4, S->re_digits12), eq(S, S->racct, S->r4));
	*domain = z3.mk_and(CTX, nd, ds);
}

/* The keys' terms, once every statement has been scanned. */
static Z3_ast setup_keys(struct smt *S)
{
	Z3_ast *ds;
	size_t nd = 0;
	Z3_ast out;

	if (!(ds = malloc((S->nkeys * (MAX_SLOTS * 2 + 4) + 1) * sizeof(*ds)))) {
		S->oom = true;
		return F(S);
	}
	for (size_t i = 0; i < S->nkeys; i++) {
		struct skey *k = &S->keys[i];
		char base[160];

		snprintf(base, sizeof(base), "key:%s", k->name);
		if (k->type == KT_NONE)
			k->type = KT_STR;
		if (k->tie != TIE_NONE) {
			k->multi = false;
			k->k = 1;
			switch (k->tie) {
			case TIE_PRINCIPAL_ARN:
				k->present = S->iam;
				k->val[0] = S->parn;
				k->guard = S->pguard;
				k->cases = S->acase;
				k->parts = S->aparts;
				k->ncase = S->npcase;
				break;
			case TIE_PRINCIPAL_ACCOUNT:
				k->present = S->iam;
				k->val[0] = S->acct;
				break;
			case TIE_RESOURCE_ACCOUNT:
				k->present = T(S);
				k->val[0] = S->racct;
				break;
			default: /* aws:username: IAM users only */
				k->present = kind_is(S, IAMP_CALLER_USER);
				k->val[0] = S->name;
				break;
			}
			continue;
		}
		k->k = k->multi ? (k->uses ? k->uses : 1) : 1;
		if (k->k > MAX_SLOTS) {
			unsupported(S, "condition key %s is read by %u conditions, more than %d values can be modelled",
				    k->spelling, k->uses, MAX_SLOTS);
			k->k = MAX_SLOTS;
		}
		k->present = fresh_const(S, base, S->s_bool);
		if (k->avail == AV_ALWAYS)
			ds[nd++] = k->present;
		else if (k->avail == AV_PRINCIPAL)
			ds[nd++] = eq(S, S->iam, k->present);
		else if (k->avail == AV_PERSON_ONLY)
			ds[nd++] = z3.mk_implies(CTX, k->present, S->iam);
		else if (k->avail == AV_SERVICE)
			ds[nd++] = eq(S, kind_is(S, IAMP_CALLER_SERVICE), k->present);
		if (k->multi) {
			k->count = fresh_const(S, base, S->s_int);
			ds[nd++] = z3.mk_ge(CTX, k->count, int_(S, 1));
			ds[nd++] = z3.mk_le(CTX, k->count, int_(S, k->k));
		}
		for (unsigned j = 0; j < k->k; j++) {
			switch (k->type) {
			case KT_NUM:
				k->val[j] = fresh_const(S, base, S->s_real);
				ds[nd++] = z3.mk_is_int(CTX, z3.mk_mul(CTX, 2, (Z3_ast[]){
					k->val[j], z3.mk_real(CTX, 1000000, 1) }));
				break;
			case KT_DATE:
				k->val[j] = fresh_const(S, base, S->s_int);
				/* 1970 to 9999 */
				ds[nd++] = z3.mk_ge(CTX, k->val[j], int_(S, 0));
				ds[nd++] = z3.mk_le(CTX, k->val[j], int_(S, 253402300799000000L));
				ds[nd++] = eq(S, z3.mk_mod(CTX, k->val[j], int_(S, 1000)), int_(S, 0));
				break;
			case KT_BOOL:
				k->val[j] = fresh_const(S, base, S->s_bool);
				break;
			case KT_IP:
				k->val[j] = fresh_const(S, base, S->s_bv);
				k->is6[j] = fresh_const(S, base, S->s_bool);
				/* an IPv4 address has its upper 96 bits zero */
				ds[nd++] = z3.mk_implies(CTX, not1(S, k->is6[j]),
					eq(S, z3.mk_extract(CTX, 127, 32, k->val[j]),
					   z3.mk_int(CTX, 0, z3.mk_bv_sort(CTX, 96))));
				break;
			default:
				k->val[j] = fresh_const(S, base, S->s_str);
				break;
			}
		}
	}
	out = nd ? z3.mk_and(CTX, (unsigned)nd, ds) : T(S);
	free(ds);
	return out;
}

/* ---- statements ------------------------------------------------------------ */

/*
 * A pattern with variables resolved into a term: literal pieces and the
 * keys' values. *ok: the term is exact here (every wildcard at the very
 * end, none before a variable); *resolvable: the variables have values.
 * *star: the pattern ends in '*' (dropped from the term).
 * Example: "home/${aws:username}/x*" -> "home/" ++ name ++ "/x", star.
 */
static Z3_ast pattern_term(struct smt *S, const struct iamp_pattern *p, Z3_ast *resolvable,
			   bool *star, bool *ok)
{
	Z3_ast parts[64];
	unsigned n = 0;

	*resolvable = T(S);
	*star = false;
	*ok = p->npieces <= 64;
	for (uint32_t i = 0; i < p->npieces && i < 64; i++) {
		const struct iamp_pattern_piece *pc = &p->pieces[i];

		if (!pc->is_var) {
			size_t len = pc->len;

			if (i + 1 == p->npieces && len && pc->text[len - 1] == IAMP_WILD_STAR) {
				*star = true;
				len--;
			}
			if (has_wild(pc->text, len))
				*ok = false;
			parts[n++] = lit(S, pc->text, len);
		} else {
			struct skey *k = key_find(S, pc->text, pc->len);
			Z3_ast v, has;

			if (!k) { /* cannot happen: scanned */
				*ok = false;
				parts[n++] = z3.mk_string(CTX, "");
				continue;
			}
			/* a list value resolves nothing (pattern.c) */
			has = k->multi ? F(S) : k->present;
			v = k->val[0];
			if (pc->has_def) {
				v = z3.mk_ite(CTX, has, v, lit(S, pc->def, pc->def_len));
				has = T(S);
			}
			*resolvable = and2(S, *resolvable, has);
			parts[n++] = v;
		}
	}
	if (!n)
		return z3.mk_string(CTX, "");
	return cat(S, n, parts);
}

/* One Resource/NotResource entry against the request's resource. */
/*
 * A Resource entry with variables whose first five colons are all in its
 * literal text before the first variable: parts 0 to 4 are matched as
 * literal patterns, part 5 is the rest with the variables' values.
 *   "arn:aws:iam::*:user/${aws:username}" -> r1 = "aws" && r2 = "iam" &&
 *                                            r5 = "user/" ++ username
 * Where a variable comes earlier, its value could hold a colon and move
 * the parts: the whole text is compared instead. Returns NULL when the
 * entry does not have this shape.
 */
static Z3_ast resource_parts_var(struct smt *S, const struct iamp_pattern *p)
{
	const struct iamp_pattern_piece *first = &p->pieces[0];
	struct iamp_pattern rest;
	struct iamp_pattern_piece *pieces;
	size_t pos[5], start = 0;
	Z3_ast out = T(S), resolvable, term;
	bool star, ok;

	if (first->is_var || !five_colons(first->text, first->len, pos))
		return NULL;
	for (int i = 0; i < 5; i++) {
		out = and2(S, out, like_atom(S, first->text + start, pos[i] - start, S->rparts->part[i]));
		start = pos[i] + 1;
	}
	if (!(pieces = malloc(p->npieces * sizeof(*pieces)))) {
		S->oom = true;
		return F(S);
	}
	memcpy(pieces, p->pieces, p->npieces * sizeof(*pieces));
	pieces[0].text = first->text + start;
	pieces[0].len = first->len - (uint32_t)start;
	rest.text = NULL;
	rest.len = 0;
	rest.npieces = p->npieces;
	rest.pieces = pieces;
	term = pattern_term(S, &rest, &resolvable, &star, &ok);
	free(pieces);
	if (!ok) {
		unsupported(S, "a policy variable in a Resource with a wildcard before its end");
		return F(S);
	}
	return and2(S, and2(S, out, resolvable),
		    star ? z3.mk_seq_prefix(CTX, term, S->r5) : eq(S, S->r5, term));
}

static Z3_ast resource_entry(struct smt *S, const struct iamp_pattern *p)
{
	Z3_ast resolvable, term;
	bool star, ok;

	if (!p->npieces)
		return arn_parts_atom(S, p->text, p->len, S->rparts, false);
	if ((term = resource_parts_var(S, p)))
		return term;
	term = pattern_term(S, p, &resolvable, &star, &ok);
	if (!ok) {
		unsupported(S, "a policy variable in a pattern with a wildcard before its end");
		return F(S);
	}
	/* exact: see docs/prove.md ("Policy variables") */
	return and2(S, resolvable, star ? z3.mk_seq_prefix(CTX, term, S->r) : eq(S, S->r, term));
}

static Z3_ast resources_term(struct smt *S, const struct cstmt *s)
{
	Z3_ast any = F(S);

	if (!s->has_resource)
		return T(S);
	for (size_t i = 0; i < s->nres; i++)
		any = or2(S, any, resource_entry(S, &s->res[i]));
	return s->not_resource ? not1(S, any) : any;
}

/* The caller's account is `text` (an account id or a root ARN's). */
/* p = text, case by case. */
static Z3_ast p_is(struct smt *S, const char *text, size_t len)
{
	Z3_ast out = F(S);

	for (unsigned i = 0; i < S->npcase; i++)
		out = or2(S, out, and2(S, S->pguard[i], segs_atom(S, text, len, &S->psegs[i], false)));
	return out;
}

static bool account_of_value(const char *text, size_t len, const char **acct, size_t *acct_len)
{
	struct iamp_arn arn;

	if (iamp_is_account_id(text, len)) {
		*acct = text;
		*acct_len = len;
		return true;
	}
	if (iamp_arn_parse(&arn, text, len) && iamp_arn_is(&arn, "iam", "") && arn.resource_len == 4 &&
	    memcmp(arn.resource, "root", 4) == 0) {
		*acct = arn.account;
		*acct_len = arn.account_len;
		return true;
	}
	return false;
}

/* The caller is a session of the role `text` names (account and last
 * name; any path). */
static Z3_ast callers_role(struct smt *S, const char *text, size_t len)
{
	struct iamp_arn arn;
	const char *nm;

	if (!iamp_arn_parse(&arn, text, len) || !iamp_arn_is(&arn, "iam", "role/"))
		return F(S);
	nm = arn.resource + arn.resource_len;
	while (nm > arn.resource && nm[-1] != '/')
		nm--;
	return and2(S, kind_is(S, IAMP_CALLER_SESSION),
		    and2(S, eq(S, S->acct, lit(S, arn.account, arn.account_len)),
			 eq(S, S->name, lit(S, nm, (size_t)(arn.resource + arn.resource_len - nm)))));
}

/* How one Principal value names the caller (principal.c), as four terms. */
struct pm_terms {
	Z3_ast direct, role, wild, account;
};

static void principal_value(struct smt *S, const struct cprin *v, struct pm_terms *out)
{
	const char *acct;
	size_t acct_len;
	Z3_ast is_account = F(S), same;

	memset(out, 0, sizeof(*out));
	out->direct = out->role = out->wild = out->account = F(S);
	if (v->len == 1 && v->text[0] == '*') {
		out->wild = T(S);
		return;
	}
	same = p_is(S, v->text, v->len);
	if (v->kind != IAMP_PRINCIPAL_AWS) {
		out->direct = and2(S, same, not1(S, kind_is(S, IAMP_CALLER_ANONYMOUS)));
		return;
	}
	if (account_of_value(v->text, v->len, &acct, &acct_len))
		is_account = and2(S, S->iam, eq(S, S->acct, lit(S, acct, acct_len)));
	out->account = is_account;
	out->direct = and2(S, S->iam, and2(S, not1(S, is_account),
					   and2(S, same, not1(S, kind_is(S, IAMP_CALLER_ROLE)))));
	out->role = and2(S, S->iam, and2(S, not1(S, is_account),
					 or2(S, and2(S, same, kind_is(S, IAMP_CALLER_ROLE)),
					     callers_role(S, v->text, v->len))));
}

/* What the NotPrincipal values name of the caller (IAMP_NAMES_* terms). */
static Z3_ast not_principal_spared(struct smt *S, const struct cstmt *s, bool has_boundary)
{
	Z3_ast account = F(S), self = F(S), role = F(S), all = s->principal_star ? T(S) : F(S);
	Z3_ast spared;

	for (size_t i = 0; i < s->nprin; i++) {
		const struct cprin *v = &s->prin[i];
		const char *acct;
		size_t acct_len;
		Z3_ast same, is_account = F(S);

		if (v->len == 1 && v->text[0] == '*') {
			all = T(S);
			continue;
		}
		same = p_is(S, v->text, v->len);
		if (v->kind != IAMP_PRINCIPAL_AWS) {
			self = or2(S, self, and2(S, same, not1(S, kind_is(S, IAMP_CALLER_ANONYMOUS))));
			continue;
		}
		if (account_of_value(v->text, v->len, &acct, &acct_len))
			is_account = and2(S, S->iam, eq(S, S->acct, lit(S, acct, acct_len)));
		account = or2(S, account, is_account);
		self = or2(S, self, and2(S, is_account, kind_is(S, IAMP_CALLER_ROOT)));
		self = or2(S, self, and2(S, S->iam, and2(S, not1(S, is_account), same)));
		role = or2(S, role, and2(S, S->iam, and2(S, not1(S, is_account),
							  and2(S, not1(S, same), callers_role(S, v->text, v->len)))));
	}
	/* iamp_principal_spared */
	spared = z3.mk_ite(CTX, kind_is(S, IAMP_CALLER_ROOT), account,
		 z3.mk_ite(CTX, or2(S, kind_is(S, IAMP_CALLER_USER),
				    or2(S, kind_is(S, IAMP_CALLER_ROLE), kind_is(S, IAMP_CALLER_FEDERATED_USER))),
			   and2(S, account, self),
		 z3.mk_ite(CTX, kind_is(S, IAMP_CALLER_SESSION), and2(S, account, or2(S, self, role)),
		 z3.mk_ite(CTX, kind_is(S, IAMP_CALLER_ANONYMOUS), F(S), self))));
	/* "*" spares every caller, an anonymous one too */
	spared = or2(S, all, spared);
	if (has_boundary)
		spared = and2(S, spared, not1(S, or2(S, kind_is(S, IAMP_CALLER_USER),
						     or2(S, kind_is(S, IAMP_CALLER_ROLE),
							 kind_is(S, IAMP_CALLER_SESSION)))));
	return spared;
}

/*
 * Whether the statement's Principal or NotPrincipal names the caller
 * (eval.c principal_match), and, for Principal, how: *best holds the
 * strongest kind of match, each term exclusive of the stronger ones:
 * direct, role (ROLE or WILD), account; a NotPrincipal that applies is
 * WILD, in `wild`. NULL `best` when only "names the caller" matters.
 */
static Z3_ast stmt_principal(struct smt *S, const struct cstmt *s, bool has_boundary,
			     struct pm_terms *best)
{
	struct pm_terms any = { F(S), F(S), s->principal_star ? T(S) : F(S), F(S) };

	if (best)
		*best = (struct pm_terms){ F(S), F(S), F(S), F(S) };
	if (!s->check_principal)
		return T(S);
	if (s->not_principal) {
		Z3_ast t = not1(S, not_principal_spared(S, s, has_boundary));

		if (best)
			best->wild = t; /* IAMP_PM_WILD */
		return t;
	}
	for (size_t v = 0; v < s->nprin; v++) {
		struct pm_terms pm;

		principal_value(S, &s->prin[v], &pm);
		any.direct = or2(S, any.direct, pm.direct);
		any.role = or2(S, any.role, pm.role);
		any.wild = or2(S, any.wild, pm.wild);
		any.account = or2(S, any.account, pm.account);
	}
	if (best) {
		Z3_ast rw = or2(S, any.role, any.wild);

		best->direct = any.direct;
		best->role = and2(S, not1(S, any.direct), rw);
		best->account = and2(S, not1(S, or2(S, any.direct, rw)), any.account);
	}
	return or2(S, or2(S, any.direct, any.role), or2(S, any.wild, any.account));
}

/* ---- conditions -------------------------------------------------------------- */

static Z3_ast real_lit(struct smt *S, double d)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.17g", d);
	if (strchr(buf, 'e') || strchr(buf, 'n') || strchr(buf, 'i')) {
		unsupported(S, "a number Z3 cannot read exactly (%s)", buf);
		return z3.mk_real(CTX, 0, 1);
	}
	return z3.mk_numeral(CTX, buf, S->s_real);
}

static Z3_ast cmp_term(struct smt *S, enum iamp_cond_cmp cmp, Z3_ast x, Z3_ast y)
{
	switch (cmp) {
	case IAMP_CMP_EQUALS:
		return eq(S, x, y);
	case IAMP_CMP_LESS_THAN:
		return z3.mk_lt(CTX, x, y);
	case IAMP_CMP_LESS_THAN_EQUALS:
		return z3.mk_le(CTX, x, y);
	case IAMP_CMP_GREATER_THAN:
		return z3.mk_gt(CTX, x, y);
	case IAMP_CMP_GREATER_THAN_EQUALS:
		return z3.mk_ge(CTX, x, y);
	default:
		return F(S);
	}
}

/* The address (is6, v) lies in the CIDR. */
static Z3_ast ip_in(struct smt *S, const struct iamp_ip *cidr, Z3_ast v, Z3_ast is6)
{
	unsigned width = cidr->family == 4 ? 32 : 128;
	unsigned prefix = cidr->prefix > width ? width : cidr->prefix;
	Z3_ast fam = cidr->family == 4 ? not1(S, is6) : is6;
	char bits[129];
	Z3_ast net;

	if (prefix == 0)
		return fam;
	for (unsigned i = 0; i < 128; i++) {
		unsigned bit = cidr->family == 4 ? (i < 96 ? 0 : (cidr->addr[(i - 96) / 8] >> (7 - (i - 96) % 8)) & 1)
						 : (cidr->addr[i / 8] >> (7 - i % 8)) & 1;
		bits[i] = (char)('0' + bit);
	}
	bits[128] = '\0';
	{
		/* the top `prefix` bits of the address's width */
		unsigned lo = width - prefix, hi = width - 1;
		Z3_ast top = z3.mk_extract(CTX, hi, lo, v);
		bool lsb[128];

		/* Z3_mk_bv_numeral takes the bits least significant first */
		for (unsigned i = 0; i < prefix; i++)
			lsb[i] = bits[128 - lo - 1 - i] == '1';
		net = z3.mk_bv_numeral(CTX, prefix, lsb);
		return and2(S, fam, eq(S, top, net));
	}
}

/* One request value (slot j of key k) against one policy value, in the
 * operator's positive sense (eval.c value_matches). */
static Z3_ast value_match(struct smt *S, const struct ccond *c, const struct cval *pv,
			  const struct skey *k, unsigned j, Z3_ast v, const struct sarn *parts,
			  const struct segs *sg)
{
	const struct iamp_operator *op = c->op;

	switch (op->type) {
	case IAMP_COND_STRING:
	case IAMP_COND_ARN: {
		bool arn = op->type == IAMP_COND_ARN;

		if (pv->pat.npieces) {
			Z3_ast resolvable, term;
			bool star, ok;

			term = pattern_term(S, &pv->pat, &resolvable, &star, &ok);
			if (!ok || (star && op->cmp != IAMP_CMP_LIKE && !arn) ||
			    op->cmp == IAMP_CMP_EQUALS_IGNORE_CASE) {
				unsupported(S, "a policy variable in a %s value with wildcards", op->name);
				return F(S);
			}
			/* ArnEquals/ArnLike: the value has six parts (the
			 * caller checks), so a value equal to the term or
			 * extending it compares part by part as text does */
			if (arn) {
				size_t colons = 0;

				for (uint32_t i = 0; i < pv->pat.npieces; i++)
					if (!pv->pat.pieces[i].is_var)
						for (uint32_t b = 0; b < pv->pat.pieces[i].len; b++)
							colons += pv->pat.pieces[i].text[b] == ':';
				if (colons < 5) {
					unsupported(S, "a policy variable in an ARN value with fewer than five colons of its own");
					return F(S);
				}
			}
			return and2(S, resolvable, star ? z3.mk_seq_prefix(CTX, term, v) : eq(S, v, term));
		}
		if (arn)
			return parts ? arn_parts_atom(S, pv->pat.text, pv->pat.len, parts, true)
				     : arn_atom(S, pv->pat.text, pv->pat.len, v, true);
		if (sg && op->cmp != IAMP_CMP_EQUALS_IGNORE_CASE)
			return segs_atom(S, pv->pat.text, pv->pat.len, sg, op->cmp == IAMP_CMP_LIKE);
		if (op->cmp == IAMP_CMP_EQUALS)
			return eq(S, v, lit(S, pv->pat.text, pv->pat.len));
		if (op->cmp == IAMP_CMP_EQUALS_IGNORE_CASE)
			return icase_atom(S, pv->pat.text, pv->pat.len, v);
		return like_atom(S, pv->pat.text, pv->pat.len, v);
	}
	case IAMP_COND_NUMERIC:
		return cmp_term(S, op->cmp, v, real_lit(S, pv->u.num));
	case IAMP_COND_DATE:
		return cmp_term(S, op->cmp, v, int_(S, (long)pv->u.date));
	case IAMP_COND_BOOL:
		return pv->u.b ? v : not1(S, v);
	case IAMP_COND_IP:
		return ip_in(S, &pv->u.ip, v, k->is6[j]);
	default:
		return F(S);
	}
}

/* eval.c value_satisfies: the slot's value parses for the operator's type
 * (typed keys always do; an ARN operator needs "arn:" and five colons),
 * and some value matches (positive) or none does (negated). */
static Z3_ast value_satisfies_on(struct smt *S, const struct ccond *c, const struct skey *k,
				 unsigned j, Z3_ast v, const struct sarn *parts, const struct segs *sg)
{
	Z3_ast any = F(S), parses = T(S);

	if (c->bad_value)
		return F(S);
	/* the principal's ARN is an ARN by construction */
	if (c->op->type == IAMP_COND_ARN && k->tie != TIE_PRINCIPAL_ARN) {
		Z3_ast nc = S->re_nocolon_star, colon = z3.mk_seq_to_re(CTX, z3.mk_string(CTX, ":"));

		parses = in_re(S, v, re_concat(S, 10, (Z3_ast[]){
			re_lit(S, "arn:", 4), nc, colon, nc, colon, nc, colon, nc, colon, S->re_any }));
	}
	for (size_t i = 0; i < c->nvals; i++)
		any = or2(S, any, value_match(S, c, &c->vals[i], k, j, v, parts, sg));
	return and2(S, parses, c->op->negated ? not1(S, any) : any);
}

static Z3_ast value_satisfies(struct smt *S, const struct ccond *c, const struct skey *k, unsigned j)
{
	Z3_ast out = F(S);

	if (!k->ncase)
		return value_satisfies_on(S, c, k, j, k->val[j], NULL, NULL);
	for (unsigned i = 0; i < k->ncase; i++) {
		if (k->tie == TIE_PRINCIPAL_ARN && !k->parts[i])
			continue; /* anonymous, services: no aws:PrincipalArn */
		out = or2(S, out, and2(S, k->guard[i],
				       value_satisfies_on(S, c, k, j, k->cases[i], k->parts[i],
							  k->tie == TIE_PRINCIPAL_ARN ? &S->psegs[8 + i] : NULL)));
	}
	return out;
}

/* eval.c cond_eval over the key's slots. */
static Z3_ast condition_term(struct smt *S, const struct ccond *c)
{
	struct skey *k;
	Z3_ast absent, when_absent, when_present;

	if (!c->op)
		return F(S);
	k = key_find(S, c->key, c->key_len);
	if (!k) {
		unsupported(S, "condition key %.*s was not scanned", (int)c->key_len, c->key);
		return F(S);
	}
	absent = not1(S, k->present);
	if (c->op->type == IAMP_COND_NULL) {
		Z3_ast out = F(S);

		for (size_t i = 0; i < c->nvals; i++)
			if (c->vals[i].ok)
				out = or2(S, out, c->vals[i].u.b ? absent : k->present);
		return out;
	}
	if ((c->op->type == IAMP_COND_BOOL && k->type != KT_BOOL) ||
	    (c->op->type == IAMP_COND_NUMERIC && k->type != KT_NUM) ||
	    (c->op->type == IAMP_COND_DATE && k->type != KT_DATE) ||
	    (c->op->type == IAMP_COND_IP && k->type != KT_IP) ||
	    ((c->op->type == IAMP_COND_STRING || c->op->type == IAMP_COND_ARN) && k->type != KT_STR)) {
		unsupported(S, "condition key %s compared as another type", k->spelling);
		return F(S);
	}
	if (c->set == IAMP_SET_FOR_ALL_VALUES)
		when_absent = T(S);
	else if (c->set == IAMP_SET_FOR_ANY_VALUE)
		when_absent = c->if_exists ? T(S) : F(S);
	else
		when_absent = (c->if_exists || c->op->negated) ? T(S) : F(S);
	{
		bool all = c->set == IAMP_SET_FOR_ALL_VALUES ||
			   (c->set == IAMP_SET_NONE && c->op->negated);
		Z3_ast acc = all ? T(S) : F(S);

		for (unsigned j = 0; j < k->k; j++) {
			Z3_ast sat = value_satisfies(S, c, k, j);
			Z3_ast in = k->multi ? z3.mk_gt(CTX, k->count, int_(S, j)) : T(S);

			if (all)
				acc = and2(S, acc, z3.mk_implies(CTX, in, sat));
			else
				acc = or2(S, acc, and2(S, in, sat));
		}
		when_present = acc;
	}
	return z3.mk_ite(CTX, absent, when_absent, when_present);
}

/* ---- statements and policies ----------------------------------------------- */

static Z3_ast memo_get(struct smt *S, const void *key)
{
	for (size_t i = S->nmemo; i-- > 0;)
		if (S->memo_key[i] == key)
			return S->memo_val[i];
	return NULL;
}

static void memo_put(struct smt *S, const void *key, Z3_ast v)
{
	if (S->nmemo == S->capmemo) {
		size_t cap = S->capmemo ? 2 * S->capmemo : 64;
		const void **nk = realloc(S->memo_key, cap * sizeof(*nk));
		Z3_ast *nv;

		if (!nk) {
			S->oom = true;
			return;
		}
		S->memo_key = nk;
		if (!(nv = realloc(S->memo_val, cap * sizeof(*nv)))) {
			S->oom = true;
			return;
		}
		S->memo_val = nv;
		S->capmemo = cap;
	}
	S->memo_key[S->nmemo] = key;
	S->memo_val[S->nmemo++] = v;
}

/* Everything of stmt_applies but the principal. */
static Z3_ast stmt_base(struct smt *S, const struct cstmt *s)
{
	Z3_ast t, m;

	if (!s->usable)
		return F(S);
	if ((m = memo_get(S, s)))
		return m;
	t = actions_term(S, &s->act);
	if (s->not_action)
		t = not1(S, t);
	t = and2(S, t, resources_term(S, s));
	for (size_t i = 0; i < s->nconds; i++)
		t = and2(S, t, condition_term(S, &s->conds[i]));
	memo_put(S, s, t);
	return t;
}

/* The facts a target contributes (eval.c iamp_evaluate's loop and place()). */
struct target_terms {
	struct iamp_facts f;
	Z3_ast allowed;
};

/* Every account of the organization, into out (may be NULL to count). */
static size_t org_accounts(const struct iamp_org_node *n, const struct iamp_org_node **out, size_t i)
{
	if (n->kind == IAMP_ORG_ACCOUNT && n->id) {
		if (out)
			out[i] = n;
		i++;
	}
	for (size_t c = 0; c < n->child_count; c++)
		i = org_accounts(n->children[c], out, i);
	return i;
}

/* The Allow/Deny terms of one SCP or RCP node. */
static void node_terms(struct smt *S, const struct iamp_evaluator *ev, enum iamp_policy_type type,
		       const struct iamp_org_node *node, Z3_ast *allow, Z3_ast *deny)
{
	*allow = F(S);
	*deny = F(S);
	for (size_t i = 0; i < ev->npols; i++) {
		const struct cpolicy *p = &ev->pols[i];

		if (p->type != type || p->node != node)
			continue;
		for (size_t j = 0; j < p->nstmts; j++) {
			const struct cstmt *s = &p->stmts[j];
			Z3_ast t = stmt_base(S, s);

			if (s->usable)
				t = and2(S, t, stmt_principal(S, s, ev->has_boundary, NULL));
			if (s->deny)
				*deny = or2(S, *deny, t);
			else
				*allow = or2(S, *allow, t);
		}
	}
}

static Z3_ast acct_is(struct smt *S, Z3_ast acct, const char *id)
{
	return eq(S, acct, clit(S, id));
}

static void target_build(struct smt *S, const struct iamp_evaluator *ev, const struct iamp_scope *sc,
			 struct target_terms *out)
{
	struct iamp_facts *f = &out->f;
	const struct iamp_logic L = { L_and, L_or, L_not, (iamp_term)T(S), (iamp_term)F(S), S };
	struct iamp_verdict verdict;
	Z3_ast caller_mgmt = F(S), resource_mgmt = F(S);

	memset(f, 0, sizeof(*f));
#define TERM(x) ((iamp_term)(x))
	f->anonymous = TERM(kind_is(S, IAMP_CALLER_ANONYMOUS));
	f->service = TERM(kind_is(S, IAMP_CALLER_SERVICE));
	f->root = TERM(kind_is(S, IAMP_CALLER_ROOT));
	f->slr = TERM(or2(S, and2(S, kind_is(S, IAMP_CALLER_ROLE),
				  z3.mk_seq_prefix(CTX, clit(S, "/aws-service-role/"), S->path)),
			  and2(S, kind_is(S, IAMP_CALLER_SESSION),
			       z3.mk_seq_prefix(CTX, clit(S, "AWSServiceRoleFor"), S->name))));
	if (ev->mgmt_len) {
		caller_mgmt = and2(S, S->person, eq(S, S->acct, lit(S, ev->mgmt, ev->mgmt_len)));
		resource_mgmt = eq(S, S->racct, lit(S, ev->mgmt, ev->mgmt_len));
	}
	f->same_account = TERM(or2(S, not1(S, S->iam), eq(S, S->acct, S->racct)));
	f->rcp_service = TERM(actions_where(S, pred_rcp_service, NULL));
	f->no_authz = TERM(S->no_authz);
	{
		/* eval.c owner_policy_rule */
		Z3_ast kms_key = and2(S, eq(S, S->r2, clit(S, "kms")),
				      z3.mk_seq_prefix(CTX, clit(S, "key/"), S->r5));
		Z3_ast iam_role = and2(S, eq(S, S->r2, clit(S, "iam")),
				       z3.mk_seq_prefix(CTX, clit(S, "role/"), S->r5));
		Z3_ast kms = actions_where(S, pred_prefix, "kms:");
		Z3_ast assume = actions_where(S, pred_prefix, "sts:assumerole");

		f->owner_policy = TERM(ev->has_resource ? or2(S, and2(S, kms, kms_key),
							       and2(S, assume, iam_role))
							: F(S));
	}
	f->has_boundary = ev->has_boundary;
	f->has_session = ev->has_session;

	/* identity, boundary, session and resource policies */
	{
		Z3_ast deny = F(S), identity = F(S), boundary = F(S), session = F(S);
		Z3_ast direct = F(S), account = F(S), role = F(S);

		for (size_t i = 0; i < ev->npols; i++) {
			const struct cpolicy *p = &ev->pols[i];

			if (p->type == IAMP_POLICY_SCP || p->type == IAMP_POLICY_RCP)
				continue;
			for (size_t j = 0; j < p->nstmts; j++) {
				const struct cstmt *s = &p->stmts[j];
				Z3_ast t = stmt_base(S, s);

				if (!s->usable)
					continue;
				if (p->type == IAMP_POLICY_IDENTITY || p->type == IAMP_POLICY_BOUNDARY ||
				    p->type == IAMP_POLICY_SESSION)
					t = and2(S, t, S->person);
				if (s->check_principal) {
					struct pm_terms best;

					t = and2(S, t, stmt_principal(S, s, ev->has_boundary, &best));
					if (s->deny) {
						deny = or2(S, deny, t);
					} else {
						direct = or2(S, direct, and2(S, t, best.direct));
						role = or2(S, role, and2(S, t, or2(S, best.role, best.wild)));
						account = or2(S, account, and2(S, t, best.account));
					}
					continue;
				}
				if (s->deny)
					deny = or2(S, deny, t);
				else if (p->type == IAMP_POLICY_IDENTITY)
					identity = or2(S, identity, t);
				else if (p->type == IAMP_POLICY_BOUNDARY)
					boundary = or2(S, boundary, t);
				else if (p->type == IAMP_POLICY_SESSION)
					session = or2(S, session, t);
				else
					role = or2(S, role, t);
			}
		}
		f->deny = TERM(deny);
		f->identity = TERM(identity);
		f->boundary = TERM(boundary);
		f->session = TERM(session);
		f->res_direct = TERM(direct);
		f->res_account = TERM(account);
		f->res_role = TERM(role);
	}

	/* SCPs and RCPs */
	if (!ev->org) {
		Z3_ast scp_deny = F(S), rcp_deny = F(S);

		f->scp_levels = ev->nscp;
		f->rcp_levels = ev->nrcp;
		for (unsigned i = 0; i < ev->nscp; i++)
			f->scp_allow[i] = TERM(ev->scp[i].full ? T(S) : F(S));
		for (unsigned i = 0; i < ev->nrcp; i++)
			f->rcp_allow[i] = TERM(ev->rcp[i].full ? T(S) : F(S));
		/* levels mode: every SCP and RCP is on the path */
		for (size_t i = 0; i < ev->npols; i++) {
			const struct cpolicy *p = &ev->pols[i];

			if (p->type != IAMP_POLICY_SCP && p->type != IAMP_POLICY_RCP)
				continue;
			for (size_t j = 0; j < p->nstmts; j++) {
				const struct cstmt *s = &p->stmts[j];
				Z3_ast t = stmt_base(S, s);

				if (!s->usable)
					continue;
				t = and2(S, t, stmt_principal(S, s, ev->has_boundary, NULL));
				if (p->type == IAMP_POLICY_SCP) {
					if (s->deny)
						scp_deny = or2(S, scp_deny, t);
					else
						f->scp_allow[p->level] = TERM(or2(S, (Z3_ast)f->scp_allow[p->level], t));
				} else {
					if (s->deny)
						rcp_deny = or2(S, rcp_deny, t);
					else
						f->rcp_allow[p->level] = TERM(or2(S, (Z3_ast)f->rcp_allow[p->level], t));
				}
			}
		}
		f->scp_deny = TERM(scp_deny);
		f->rcp_deny = TERM(rcp_deny);
		f->caller_scp = TERM(ev->nscp ? and2(S, S->person, not1(S, caller_mgmt)) : F(S));
		f->resource_rcp = TERM(ev->nrcp ? not1(S, resource_mgmt) : F(S));
	} else {
		/* Organization: the caller's path is that of its account (one of
		 * the scope's accounts, or any), the resource's that of the
		 * resource's account; accounts outside have none. */
		size_t nacc = org_accounts(ev->org->root, NULL, 0);
		const struct iamp_org_node **accs = calloc(nacc + 1, sizeof(*accs));
		Z3_ast scp_deny = F(S), rcp_deny = F(S), caller_in = F(S), resource_in = F(S);
		unsigned maxl = 0;

		if (!accs) {
			S->oom = true;
			return;
		}
		org_accounts(ev->org->root, accs, 0);
		for (unsigned l = 0; l < IAMP_MAX_LEVELS; l++)
			f->scp_allow[l] = TERM(T(S));
		for (size_t i = 0; i < nacc; i++) {
			const struct iamp_org_node *path[IAMP_MAX_LEVELS];
			size_t n = iamp_org_path(accs[i], path, IAMP_MAX_LEVELS);
			Z3_ast here = acct_is(S, S->acct, accs[i]->id);
			Z3_ast there = acct_is(S, S->racct, accs[i]->id);
			bool in_scope = !sc->accounts;

			for (size_t s = 0; sc->accounts && s < sc->naccounts; s++)
				in_scope |= strcmp(sc->accounts[s], accs[i]->id) == 0;
			if (n > IAMP_MAX_LEVELS) {
				unsupported(S, "account %s is more than %d levels deep", accs[i]->id, IAMP_MAX_LEVELS);
				continue;
			}
			resource_in = or2(S, resource_in, there);
			for (size_t l = 0; l < n; l++) {
				Z3_ast allow, deny;

				node_terms(S, ev, IAMP_POLICY_RCP, path[l], &allow, &deny);
				rcp_deny = or2(S, rcp_deny, and2(S, there, deny));
			}
			if (!in_scope)
				continue;
			caller_in = or2(S, caller_in, here);
			if (n > maxl)
				maxl = (unsigned)n;
			for (size_t l = 0; l < n; l++) {
				Z3_ast allow, deny;

				node_terms(S, ev, IAMP_POLICY_SCP, path[l], &allow, &deny);
				if (iamp_org_scp_full(path[l]))
					allow = T(S);
				scp_deny = or2(S, scp_deny, and2(S, here, deny));
				f->scp_allow[l] = TERM(and2(S, (Z3_ast)f->scp_allow[l],
							    z3.mk_implies(CTX, here, allow)));
			}
		}
		free(accs);
		f->scp_levels = maxl;
		/* RCPFullAWSAccess is on every level: only denies count */
		f->rcp_levels = 0;
		f->scp_deny = TERM(scp_deny);
		f->rcp_deny = TERM(rcp_deny);
		f->caller_scp = TERM(and2(S, and2(S, S->person, caller_in), not1(S, caller_mgmt)));
		f->resource_rcp = TERM(and2(S, resource_in, not1(S, resource_mgmt)));
	}
	iamp_decide(&verdict, &L, f, 0);
	out->allowed = (Z3_ast)verdict.allowed;
#undef TERM
}

/* The request-set statement applies (the set's one policy). */
static Z3_ast set_term(struct smt *S, const struct iamp_evaluator *set)
{
	Z3_ast any = F(S);

	for (size_t i = 0; i < set->npols; i++) {
		const struct cpolicy *p = &set->pols[i];

		for (size_t j = 0; j < p->nstmts; j++) {
			const struct cstmt *s = &p->stmts[j];
			Z3_ast t = stmt_base(S, s);

			if (!s->usable || s->deny)
				continue;
			t = and2(S, t, stmt_principal(S, s, set->has_boundary, NULL));
			any = or2(S, any, t);
		}
	}
	return any;
}

static Z3_ast scope_term(struct smt *S, const struct iamp_scope *sc, const struct iamp_evaluator *ev)
{
	Z3_ast t = T(S);

	if (sc->kinds) {
		Z3_ast k = F(S);

		for (int i = IAMP_CALLER_ANONYMOUS; i <= IAMP_CALLER_OTHER; i++)
			if (sc->kinds & IAMP_SCOPE_KIND(i))
				k = or2(S, k, kind_is(S, (enum iamp_caller_kind)i));
		t = and2(S, t, k);
	}
	/* An action that needs no authorization (sts:GetCallerIdentity) is
	 * allowed whatever the policies say: no question is about it. */
	t = and2(S, t, not1(S, S->no_authz));
	if (sc->no_slr)
		t = and2(S, t, not1(S, or2(S, and2(S, kind_is(S, IAMP_CALLER_ROLE),
						     z3.mk_seq_prefix(CTX, clit(S, "/aws-service-role/"), S->path)),
					   and2(S, kind_is(S, IAMP_CALLER_SESSION),
						z3.mk_seq_prefix(CTX, clit(S, "AWSServiceRoleFor"), S->name)))));
	if (sc->accounts) {
		Z3_ast a = F(S);

		for (size_t i = 0; i < sc->naccounts; i++)
			a = or2(S, a, acct_is(S, S->acct, sc->accounts[i]));
		t = and2(S, t, a);
	}
	if (sc->no_owner_root)
		t = and2(S, t, not1(S, and2(S, kind_is(S, IAMP_CALLER_ROOT), eq(S, S->acct, S->racct))));
	if (sc->not_management && ev && ev->mgmt_len)
		t = and2(S, t, not1(S, eq(S, S->acct, lit(S, ev->mgmt, ev->mgmt_len))));
	return t;
}

/*
 * Readable counterexamples: partition "aws", lower-case service and
 * region, printable ASCII elsewhere. Asked first; a question that has no
 * such answer is asked again without it, so it never decides a proof.
 */
static Z3_ast pretty_term(struct smt *S)
{
	Z3_ast lower = z3.mk_re_star(CTX, re_union(S, 3, (Z3_ast[]){ re_range(S, "a", "z"),
								     re_range(S, "0", "9"),
								     re_lit(S, "-", 1) }));
	Z3_ast print = z3.mk_re_star(CTX, re_range(S, " ", "~"));
	Z3_ast t = and2(S, eq(S, S->r1, clit(S, "aws")),
			and2(S, in_re(S, S->r2, lower), in_re(S, S->r3, lower)));

	t = and2(S, t, and2(S, in_re(S, S->r4, print), in_re(S, S->r5, print)));
	t = and2(S, t, and2(S, in_re(S, S->name, print), in_re(S, S->sess, print)));
	t = and2(S, t, and2(S, in_re(S, S->path, print), in_re(S, S->prov, print)));
	for (size_t i = 0; i < S->nkeys; i++) {
		const struct skey *k = &S->keys[i];

		if (k->tie != TIE_NONE || k->type != KT_STR)
			continue;
		for (unsigned j = 0; j < k->k; j++)
			t = and2(S, t, in_re(S, k->val[j], print));
	}
	return t;
}

/*
 * No NUL character: a request's text is C text to the evaluator. Asked
 * only when a model holds one (rare, and costly to state always).
 */
static Z3_ast nonul_term(struct smt *S)
{
	Z3_ast nul = z3.mk_string(CTX, "\\u{0}");
	Z3_ast vars[] = { S->sess, S->path, S->prov, S->r5 };
	Z3_ast t = T(S);

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		t = and2(S, t, not1(S, z3.mk_seq_contains(CTX, vars[i], nul)));
	for (size_t i = 0; i < S->nkeys; i++) {
		const struct skey *k = &S->keys[i];

		if (k->tie != TIE_NONE || k->type != KT_STR)
			continue;
		for (unsigned j = 0; j < k->k; j++)
			t = and2(S, t, not1(S, z3.mk_seq_contains(CTX, k->val[j], nul)));
	}
	return t;
}

/*
 * A concrete caller of kind k: the string solver builds a model far
 * faster when the principal is fixed (a "does any request..." question:
 * 20 s and more unrestricted, 0.2 s with the caller fixed). Used to find
 * witnesses and counterexamples first; never to prove.
 */
static Z3_ast caller_term(struct smt *S, enum iamp_caller_kind k, const char *account)
{
	Z3_ast t = kind_is(S, k);

	t = and2(S, t, eq(S, S->acct, clit(S, account)));
	t = and2(S, t, eq(S, S->path, clit(S, "/")));
	t = and2(S, t, eq(S, S->name, clit(S, "witness")));
	t = and2(S, t, eq(S, S->sess, clit(S, "session")));
	t = and2(S, t, eq(S, S->svc, clit(S, "example")));
	return and2(S, t, eq(S, S->prov, clit(S, "oidc-provider/example")));
}

/* ---- solving ------------------------------------------------------------------ */

/*
 * A two-solver portfolio (DESIGN.md section 5): Z3's simple solver with
 * phase_selection=0, strong on counterexamples, and the default solver,
 * strong where a matching ARN must be built, each in its own context on
 * its own thread. The first definite answer wins and interrupts the
 * other. A timeout or a failure is UNKNOWN, never an answer.
 */
struct run {
	Z3_context ctx;
	Z3_ast phi;
	bool simple;
	unsigned timeout_ms;
	Z3_lbool res;
	Z3_solver solver;
	Z3_model model;
	char why[160];
	_Atomic int finished;
	pthread_mutex_t *mu;
	int *decided;            /* index of the winner + 1, under mu */
	int me;
	struct run *other;       /* NULL when running alone */
};

static void *run_solver(void *arg)
{
	struct run *r = arg;
	Z3_params params;

	z3_failure = Z3_OK;
	r->solver = r->simple ? z3.mk_simple_solver(r->ctx) : z3.mk_solver(r->ctx);
	z3.solver_inc_ref(r->ctx, r->solver);
	params = z3.mk_params(r->ctx);
	z3.params_inc_ref(r->ctx, params);
	z3.params_set_uint(r->ctx, params, z3.mk_string_symbol(r->ctx, "timeout"), r->timeout_ms);
	z3.params_set_uint(r->ctx, params, z3.mk_string_symbol(r->ctx, "phase_selection"), 0);
	z3.solver_set_params(r->ctx, r->solver, params);
	z3.params_dec_ref(r->ctx, params);
	z3.solver_assert(r->ctx, r->solver, r->phi);
	r->res = z3_failure ? Z3_L_UNDEF : z3.solver_check(r->ctx, r->solver);
	if (r->res == Z3_L_TRUE) {
		r->model = z3.solver_get_model(r->ctx, r->solver);
		if (r->model)
			z3.model_inc_ref(r->ctx, r->model);
		else
			r->res = Z3_L_UNDEF;
	}
	if (r->res == Z3_L_UNDEF)
		snprintf(r->why, sizeof(r->why), "%s",
			 z3_failure ? "solver error" : z3.solver_get_reason_unknown(r->ctx, r->solver));
	if (z3_failure && r->res != Z3_L_UNDEF)
		r->res = Z3_L_UNDEF;
	pthread_mutex_lock(r->mu);
	if (!*r->decided && r->res != Z3_L_UNDEF)
		*r->decided = r->me + 1;
	pthread_mutex_unlock(r->mu);
	r->finished = 1;
	/* The winner stops the other. An interrupt that comes before the
	 * other's check has started is lost, so repeat it until it ends. */
	if (r->other && r->res != Z3_L_UNDEF)
		while (!r->other->finished) {
			z3.interrupt(r->other->ctx);
			nanosleep(&(struct timespec){ 0, 200000 }, NULL);
		}
	return NULL;
}

static void run_free(struct run *r)
{
	if (r->model)
		z3.model_dec_ref(r->ctx, r->model);
	if (r->solver)
		z3.solver_dec_ref(r->ctx, r->solver);
	r->model = NULL;
	r->solver = NULL;
}

/*
 * Z3's process-wide state (its memory manager, symbol table and global
 * parameters) is set up by the first context made and is not guarded
 * against two threads making the first contexts at once. So the library
 * is loaded, and its first context made and dropped, once, under
 * pthread_once, before any other: by iamp_smt_init before a command
 * starts its threads, and by smt_open and new_context for any other
 * caller. Nothing here sets a global parameter (Z3_global_param_set):
 * each solver gets its parameters.
 */
static pthread_once_t z3_once = PTHREAD_ONCE_INIT;

static void z3_setup(void)
{
	Z3_config cfg;
	Z3_context ctx;

	if (!z3_load())
		return;
	cfg = z3.mk_config();
	ctx = z3.mk_context(cfg);
	z3.del_config(cfg);
	if (ctx)
		z3.del_context(ctx);
}

int iamp_smt_init(void)
{
	pthread_once(&z3_once, z3_setup);
	if (z3_unavailable[0])
		return iamp_error_set(IAMP_EUNAVAIL, "%s", z3_unavailable);
	return 0;
}

static Z3_context new_context(void)
{
	Z3_config cfg;
	Z3_context ctx;

	if (iamp_smt_init())
		return NULL;
	cfg = z3.mk_config();

	z3.set_param_value(cfg, "model", "true");
	ctx = z3.mk_context(cfg);
	z3.del_config(cfg);
	if (ctx) {
		z3.set_error_handler(ctx, on_z3_error);
		z3.set_ast_print_mode(ctx, Z3_PRINT_SMTLIB2_COMPLIANT);
	}
	return ctx;
}

/*
 * Checks phi. On sat, *model is a model in S->ctx (the caller frees it
 * with Z3_model_dec_ref). On unknown, why says why.
 */
static Z3_lbool solve(struct smt *S, Z3_ast phi, unsigned timeout_ms, Z3_model *model,
		      char *why, size_t whylen)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	int decided = 0;
	struct run r[2];
	pthread_t th[2];
	bool started[2] = { false, false };
	Z3_lbool res = Z3_L_UNDEF;

	/* Both solvers run in contexts of their own: an interrupt that
	 * lands after a check has ended would otherwise cancel the next
	 * question asked in S->ctx. */
	*model = NULL;
	why[0] = '\0';
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 2; i++) {
		r[i].simple = i == 0;
		r[i].timeout_ms = timeout_ms;
		r[i].mu = &mu;
		r[i].decided = &decided;
		r[i].me = i;
		r[i].ctx = new_context();
		if (r[i].ctx)
			r[i].phi = z3.translate(S->ctx, phi, r[i].ctx);
	}
	if (r[0].phi && r[1].phi && !z3_failure) {
		r[0].other = &r[1];
		r[1].other = &r[0];
		for (int i = 0; i < 2; i++)
			started[i] = pthread_create(&th[i], NULL, run_solver, &r[i]) == 0;
		if (started[0] != started[1]) {
			/* one thread only: let it run alone */
			int i = started[0] ? 0 : 1;

			r[i].other = NULL;
			r[1 - i].finished = 1;
		}
		for (int i = 0; i < 2; i++)
			if (started[i])
				pthread_join(th[i], NULL);
		if (decided) {
			struct run *w = &r[decided - 1];

			res = w->res;
			if (res == Z3_L_TRUE) {
				*model = z3.model_translate(w->ctx, w->model, S->ctx);
				if (*model)
					z3.model_inc_ref(S->ctx, *model);
				else
					res = Z3_L_UNDEF;
			}
		}
		if (res == Z3_L_UNDEF)
			snprintf(why, whylen, "%s", r[0].why[0] ? r[0].why : r[1].why);
	}
	if (!why[0] && res == Z3_L_UNDEF)
		snprintf(why, whylen, "the solver could not be started");
	for (int i = 0; i < 2; i++) {
		if (r[i].ctx) {
			run_free(&r[i]);
			z3.del_context(r[i].ctx);
		}
	}
	return res;
}

/* ---- reading a model ----------------------------------------------------------- */

static Z3_ast model_value(struct smt *S, Z3_model m, Z3_ast t)
{
	Z3_ast v = NULL;

	if (!z3.model_eval(CTX, m, t, true, &v))
		return NULL;
	return v;
}

static bool model_long(struct smt *S, Z3_model m, Z3_ast t, long *out)
{
	Z3_ast v = model_value(S, m, t);
	int64_t x;

	if (!v || !z3.get_numeral_int64(CTX, v, &x))
		return false;
	*out = (long)x;
	return true;
}

static bool model_bool(struct smt *S, Z3_model m, Z3_ast t)
{
	Z3_ast v = model_value(S, m, t);

	return v && z3.get_bool_value(CTX, v) == Z3_L_TRUE;
}

/* Appends code point cp as UTF-8. */
static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * A string term's value, as UTF-8. Z3_get_string writes a backslash as
 * itself and other characters as \u{..}, so "\u{41}" could be either:
 * read one character at a time, where a one-character answer is the
 * character and a longer one an escape.
 */
#define CEX_NUL 1 /* cex_read: a string held a NUL character */

static char *model_string(struct smt *S, Z3_model m, Z3_ast t)
{
	long len;
	char *out;
	size_t n = 0;

	if (!model_long(S, m, z3.mk_seq_length(CTX, t), &len) || len < 0 || len > 1 << 20)
		return NULL;
	if (!(out = malloc((size_t)len * 4 + 1)))
		return NULL;
	for (long i = 0; i < len; i++) {
		Z3_ast c = model_value(S, m, z3.mk_seq_at(CTX, t, int_(S, i)));
		const char *txt;
		size_t tl;

		if (!c || !z3.is_string(CTX, c)) {
			free(out);
			return NULL;
		}
		txt = z3.get_string(CTX, c);
		tl = strlen(txt);
		if (tl == 1) {
			out[n++] = txt[0];
		} else if (tl > 4 && strncmp(txt, "\\u{", 3) == 0) {
			unsigned long cp = strtoul(txt + 3, NULL, 16);

			if (cp == 0) {
				S->saw_nul = true;
				free(out);
				return NULL;
			}
			n += put_utf8(out + n, cp);
		} else if (tl == 2 && txt[0] == '\\') {
			out[n++] = txt[1];
		} else {
			free(out);
			return NULL;
		}
	}
	out[n] = '\0';
	return out;
}

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *dupf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;

	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

/* A slot's value as the text a request carries. */
static char *slot_text(struct smt *S, Z3_model m, const struct skey *k, unsigned j)
{
	switch (k->type) {
	case KT_NUM: {
		Z3_ast v = model_value(S, m, k->val[j]);
		const char *d;
		char *out, *q;

		if (!v)
			return NULL;
		d = z3.get_numeral_decimal_string(CTX, v, 6);
		if (!d || !(out = strdup(d)))
			return NULL;
		if ((q = strchr(out, '?')))
			*q = '\0';
		return out;
	}
	case KT_DATE: {
		long us;
		time_t secs;
		struct tm tm;
		char buf[64];

		if (!model_long(S, m, k->val[j], &us))
			return NULL;
		secs = (time_t)(us / 1000000);
		if (!gmtime_r(&secs, &tm))
			return NULL;
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		return dupf("%s.%03ldZ", buf, (us / 1000) % 1000);
	}
	case KT_BOOL:
		return strdup(model_bool(S, m, k->val[j]) ? "true" : "false");
	case KT_IP: {
		Z3_ast v = model_value(S, m, k->val[j]);
		unsigned __int128 x = 0;
		const char *d;

		if (!v || !(d = z3.get_numeral_string(CTX, v)))
			return NULL;
		for (; *d >= '0' && *d <= '9'; d++)
			x = x * 10 + (unsigned)(*d - '0');
		if (!model_bool(S, m, k->is6[j]))
			return dupf("%u.%u.%u.%u", (unsigned)(x >> 24) & 255, (unsigned)(x >> 16) & 255,
				    (unsigned)(x >> 8) & 255, (unsigned)x & 255);
		return dupf("%x:%x:%x:%x:%x:%x:%x:%x", (unsigned)(x >> 112) & 0xffff,
			    (unsigned)(x >> 96) & 0xffff, (unsigned)(x >> 80) & 0xffff,
			    (unsigned)(x >> 64) & 0xffff, (unsigned)(x >> 48) & 0xffff,
			    (unsigned)(x >> 32) & 0xffff, (unsigned)(x >> 16) & 0xffff,
			    (unsigned)x & 0xffff);
	}
	default:
		return model_string(S, m, k->val[j]);
	}
}

static int cex_add_key(struct iamp_cex *c, const char *name, size_t count, bool multi)
{
	struct iamp_cex_key *nk = realloc(c->keys, (c->nkeys + 1) * sizeof(*nk));

	if (!nk)
		return IAMP_ENOMEM;
	c->keys = nk;
	nk = &c->keys[c->nkeys];
	memset(nk, 0, sizeof(*nk));
	nk->name = strdup(name);
	nk->values = calloc(count ? count : 1, sizeof(char *));
	if (!nk->name || !nk->values) {
		free(nk->name);
		free(nk->values);
		return IAMP_ENOMEM;
	}
	nk->multi = multi;
	c->nkeys++;
	return 0;
}

/* The counterexample of a model. */
static int cex_read(struct smt *S, Z3_model m, struct iamp_cex *c)
{
	long a;
	char buf[600];
	bool has_racct = false;

	memset(c, 0, sizeof(*c));
	S->saw_nul = false;
	if (!model_long(S, m, S->a, &a) || a < 0 || (uint32_t)a >= nactions(S))
		return iamp_error_set(IAMP_EINTERNAL, "the solver's model has no action");
	action_name(S, (uint32_t)a, buf, sizeof(buf), true);
	c->action = strdup(buf);
	c->principal = model_string(S, m, S->p);
	c->resource = model_string(S, m, S->r);
	if (!c->action || !c->principal || !c->resource) {
		iamp_cex_free(c);
		if (S->saw_nul)
			return CEX_NUL;
		return iamp_error_set(IAMP_EINTERNAL, "the solver's model could not be read");
	}
	for (size_t i = 0; i < S->nkeys; i++) {
		const struct skey *k = &S->keys[i];
		long count = 1;

		if (k->tie == TIE_RESOURCE_ACCOUNT)
			has_racct = true;
		if (!model_bool(S, m, k->present))
			continue;
		if (k->multi && (!model_long(S, m, k->count, &count) || count < 1 || count > (long)k->k)) {
			iamp_cex_free(c);
			return iamp_error_set(IAMP_EINTERNAL, "the solver's model has no count for %s", k->spelling);
		}
		if (cex_add_key(c, k->spelling, (size_t)count, k->multi)) {
			iamp_cex_free(c);
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		}
		for (long j = 0; j < count; j++) {
			char *t = slot_text(S, m, k, (unsigned)j);

			if (!t) {
				iamp_cex_free(c);
				if (S->saw_nul)
					return CEX_NUL;
				return iamp_error_set(IAMP_EINTERNAL, "the solver's value of %s could not be read",
						      k->spelling);
			}
			c->keys[c->nkeys - 1].values[c->keys[c->nkeys - 1].count++] = t;
		}
	}
	/* The resource's account is part of the request even when no policy
	 * reads the key: it decides same or cross account. */
	if (!has_racct) {
		char *t = model_string(S, m, S->racct);

		if (!t || cex_add_key(c, "aws:ResourceAccount", 1, false)) {
			free(t);
			iamp_cex_free(c);
			return iamp_error_set(IAMP_ENOMEM, "out of memory");
		}
		c->keys[c->nkeys - 1].values[0] = t;
		c->keys[c->nkeys - 1].count = 1;
	}
	return 0;
}

/* ---- replaying ---------------------------------------------------------------- */

struct replay {
	struct iamp_request req;
	struct iamp_ctx_key *keys;
	struct iamp_ctx_value *vals;
};

static int replay_init(struct replay *rp, const struct iamp_cex *c)
{
	size_t nv = 0, v = 0;

	memset(rp, 0, sizeof(*rp));
	for (size_t i = 0; i < c->nkeys; i++)
		nv += c->keys[i].count;
	rp->keys = calloc(c->nkeys + 1, sizeof(*rp->keys));
	rp->vals = calloc(nv + 1, sizeof(*rp->vals));
	if (!rp->keys || !rp->vals) {
		free(rp->keys);
		free(rp->vals);
		return IAMP_ENOMEM;
	}
	for (size_t i = 0; i < c->nkeys; i++) {
		rp->keys[i].name = c->keys[i].name;
		rp->keys[i].name_len = strlen(c->keys[i].name);
		rp->keys[i].values = &rp->vals[v];
		rp->keys[i].count = c->keys[i].count;
		rp->keys[i].multi = c->keys[i].multi;
		for (size_t j = 0; j < c->keys[i].count; j++, v++) {
			rp->vals[v].text = c->keys[i].values[j];
			rp->vals[v].len = strlen(c->keys[i].values[j]);
		}
	}
	rp->req.principal = c->principal;
	rp->req.principal_len = strlen(c->principal);
	rp->req.action = c->action;
	rp->req.action_len = strlen(c->action);
	rp->req.resource = c->resource;
	rp->req.resource_len = strlen(c->resource);
	rp->req.keys = rp->keys;
	rp->req.key_count = c->nkeys;
	return 0;
}

static void replay_free(struct replay *rp)
{
	free(rp->keys);
	free(rp->vals);
}

int iamp_cex_evaluate(struct iamp_result *res, const struct iamp_evaluator *ev,
		      const struct iamp_cex *c)
{
	struct replay rp;
	int rc;

	if ((rc = replay_init(&rp, c)))
		return iamp_error_set(rc, "out of memory");
	rc = iamp_evaluate(res, ev, &rp.req);
	replay_free(&rp);
	return rc;
}

int iamp_cex_with_request(const struct iamp_cex *c,
			  int (*fn)(const struct iamp_request *req, void *arg), void *arg)
{
	struct replay rp;
	int rc;

	if ((rc = replay_init(&rp, c)))
		return iamp_error_set(rc, "out of memory");
	rc = fn(&rp.req, arg);
	replay_free(&rp);
	return rc;
}

/* The concrete decision of `ev` on the counterexample; *in_set: some
 * statement of it applies (for the request-set evaluator). */
static int replay(const struct iamp_evaluator *ev, const struct iamp_cex *c,
		  enum iamp_decision *d, bool *in_set)
{
	struct iamp_match m[1];
	struct iamp_result res;
	int rc;

	memset(&res, 0, sizeof(res));
	res.matches = m;
	res.match_cap = 1;
	if ((rc = iamp_cex_evaluate(&res, ev, c)))
		return rc;
	*d = res.decision;
	if (in_set)
		*in_set = res.match_total > 0;
	return 0;
}

/* ---- questions ---------------------------------------------------------------- */

static void smt_free(struct smt *S)
{
	for (size_t i = 0; i < S->nmade; i++)
		free(S->made[i]);
	free(S->made);
	for (size_t i = 0; i < S->nkeys; i++) {
		free(S->keys[i].name);
		free(S->keys[i].spelling);
	}
	free(S->keys);
	free(S->memo_key);
	free(S->memo_val);
	free(S->caseparts);
	free(S->psegs);
	if (S->ctx)
		z3.del_context(S->ctx);
	memset(S, 0, sizeof(*S));
}

/* Opens a context over the evaluators a question reads (NULLs skipped). */
static int smt_open(struct smt *S, const struct iamp_evaluator *const *evs, size_t n, Z3_ast *base)
{
	Z3_ast dom, keys;
	int rc;

	memset(S, 0, sizeof(*S));
	for (size_t i = 0; i < n; i++)
		if (evs[i] && evs[i]->compat)
			return iamp_error_set(IAMP_EINVAL,
					      "the prover follows AWS's semantics only: no compatibility switches");
	z3_failure = Z3_OK;
	if ((rc = iamp_smt_init()))
		return rc; /* IAMP_EUNAVAIL: Z3 could not be loaded */
	if (!(S->ctx = new_context()))
		return iamp_error_set(IAMP_ENOMEM, "Z3 could not create a context");
	S->s_str = z3.mk_string_sort(CTX);
	S->s_int = z3.mk_int_sort(CTX);
	S->s_real = z3.mk_real_sort(CTX);
	S->s_bool = z3.mk_bool_sort(CTX);
	S->s_re = z3.mk_re_sort(CTX, S->s_str);
	S->s_bv = z3.mk_bv_sort(CTX, 128);
	S->ncat = iamp_catalog_counts.actions;
	made_for_pattern(S, "*", 1); /* an unknown service's unknown action */
	for (size_t i = 0; i < n; i++)
		if (evs[i])
			scan_evaluator(S, evs[i]);
	setup(S, &dom);
	S->no_authz = and2(S, not1(S, kind_is(S, IAMP_CALLER_ANONYMOUS)),
			   actions_where(S, pred_exact, "sts:getcalleridentity"));
	keys = setup_keys(S);
	*base = and2(S, dom, keys);
	if (S->oom)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	return 0;
}

static int z3_check_failure(struct smt *S)
{
	if (S->oom)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	if (z3_failure)
		return iamp_error_set(IAMP_EINTERNAL, "Z3 failed while the question was built (error %d)",
				      (int)z3_failure);
	return 0;
}

/*
 * One solver call of a question: sat gives the counterexample. Returns
 * 0 and *res; the caller owns *cex when sat.
 */
static FILE *smt_trace;
static const char *smt_dump;

void iamp_smt_debug(FILE *trace, const char *dump_path)
{
	smt_trace = trace;
	smt_dump = dump_path;
}

static double trace_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int ask(struct smt *S, Z3_ast phi, unsigned timeout_ms, Z3_lbool *res,
	       struct iamp_cex *cex, char *why, size_t whylen, unsigned *calls)
{
	Z3_model m = NULL;
	int rc = 0;
	double t0 = trace_ms();

	(*calls)++;
	if (smt_dump) {
		FILE *f = fopen(smt_dump, "a");

		if (f) {
			Z3_solver sv = z3.mk_simple_solver(CTX);

			z3.solver_inc_ref(CTX, sv);
			z3.solver_assert(CTX, sv, phi);
			fprintf(f, "; question %u\n(push)\n%s(check-sat)\n(pop)\n", *calls,
				z3.solver_to_string(CTX, sv));
			z3.solver_dec_ref(CTX, sv);
			fclose(f);
		}
	}
	*res = solve(S, phi, timeout_ms, &m, why, whylen);
	if (smt_trace)
		fprintf(smt_trace, "smt: solve %d in %.1f ms%s%s\n", (int)*res, trace_ms() - t0,
			*res == Z3_L_UNDEF ? ": " : "", *res == Z3_L_UNDEF ? why : "");
	if (*res == Z3_L_TRUE) {
		if (cex)
			rc = cex_read(S, m, cex);
		z3.model_dec_ref(CTX, m);
		if (rc == CEX_NUL) {
			/* the same question, without NUL characters */
			(*calls)++;
			rc = 0;
			*res = solve(S, and2(S, phi, nonul_term(S)), timeout_ms, &m, why, whylen);
			if (*res == Z3_L_TRUE) {
				rc = cex_read(S, m, cex);
				z3.model_dec_ref(CTX, m);
				if (rc == CEX_NUL)
					rc = iamp_error_set(IAMP_EINTERNAL, "a model with a NUL character");
			}
		}
	}
	return rc;
}

/*
 * A question whose answer is expected to be sat (is there any such
 * request?): asked first with readable values, where a model is quick to
 * build, for a second; a sat there is an answer, anything else asks the
 * unrestricted question.
 */
static int ask_quick(struct smt *S, Z3_ast phi, const struct iamp_scope *sc, unsigned timeout_ms,
		     Z3_lbool *res, struct iamp_cex *cex, char *why, size_t whylen, unsigned *calls)
{
	static const enum iamp_caller_kind order[] = {
		IAMP_CALLER_USER, IAMP_CALLER_SESSION, IAMP_CALLER_ROOT, IAMP_CALLER_ANONYMOUS,
		IAMP_CALLER_ROLE, IAMP_CALLER_FEDERATED_USER, IAMP_CALLER_SERVICE, IAMP_CALLER_OTHER
	};
	const char *account = sc->accounts && sc->naccounts ? sc->accounts[0] : "111122223333";
	unsigned budget = timeout_ms < 500 ? timeout_ms : 500;
	int rc = 0, tried = 0;

	*res = Z3_L_UNDEF;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && tried < 5; i++) {
		if (sc->kinds && !(sc->kinds & IAMP_SCOPE_KIND(order[i])))
			continue;
		tried++;
		rc = ask(S, and2(S, and2(S, phi, pretty_term(S)), caller_term(S, order[i], account)), budget,
			 res, cex, why, whylen, calls);
		if (rc || *res == Z3_L_TRUE)
			return rc;
	}
	*res = Z3_L_UNDEF;
	return 0;
}

static int ask_witness(struct smt *S, Z3_ast phi, const struct iamp_scope *sc, unsigned timeout_ms,
		       Z3_lbool *res, char *why, size_t whylen, unsigned *calls)
{
	int rc = ask_quick(S, phi, sc, timeout_ms, res, NULL, why, whylen, calls);

	if (rc || *res == Z3_L_TRUE)
		return rc;
	return ask(S, phi, timeout_ms, res, NULL, why, whylen, calls);
}

static int prove_candidate(struct smt *S, const struct iamp_prove_query *q, struct iamp_cex *out);

/* A request of the set (`member`) that the target decides `d` (and the
 * reference `dr`) breaks the expectation. */
static bool breaks(enum iamp_expect e, bool member, enum iamp_decision d, enum iamp_decision dr)
{
	if (!member)
		return false;
	if (e == IAMP_EXPECT_DENIED)
		return d == IAMP_DECISION_ALLOWED;
	if (e == IAMP_EXPECT_ALLOWED)
		return d != IAMP_DECISION_ALLOWED;
	return d == IAMP_DECISION_ALLOWED && dr != IAMP_DECISION_ALLOWED;
}
static int any_candidate(const struct iamp_evaluator *ev, const struct iamp_scope *sc, bool member,
			 const struct iamp_evaluator *const *evs, size_t nevs);

int iamp_prove_concrete(struct iamp_prove_result *out, const struct iamp_prove_query *q)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (q->target->compat || q->set->compat || (q->reference && q->reference->compat))
		return iamp_error_set(IAMP_EINVAL, "the prover follows AWS's semantics only: no compatibility switches");
	rc = prove_candidate(NULL, q, &out->cex);
	if (rc < 0)
		return rc;
	out->proof = rc == 1 ? IAMP_PROOF_VIOLATED : IAMP_PROOF_UNKNOWN;
	if (rc != 1)
		snprintf(out->reason, sizeof(out->reason), "no candidate breaks it");
	return 0;
}

int iamp_prove(struct iamp_prove_result *out, const struct iamp_prove_query *q)
{
	const struct iamp_evaluator *evs[3] = { q->target, q->set, q->reference };
	unsigned tmo = q->timeout_ms ? q->timeout_ms : 10000;
	struct target_terms tt, rt;
	struct smt S;
	Z3_ast base, in_set, phi;
	Z3_lbool res;
	int rc;

	memset(out, 0, sizeof(*out));
	if (q->expect == IAMP_EXPECT_NOT_MORE_THAN && !q->reference)
		return iamp_error_set(IAMP_EINVAL, "not-more-than needs a reference policy");
	if ((rc = smt_open(&S, evs, 3, &base))) {
		smt_free(&S);
		return rc;
	}
	target_build(&S, q->target, &q->scope, &tt);
	if (q->reference)
		target_build(&S, q->reference, &q->scope, &rt);
	in_set = set_term(&S, q->set);
	base = and2(&S, base, scope_term(&S, &q->scope, q->target));
	if ((rc = z3_check_failure(&S))) {
		smt_free(&S);
		return rc;
	}
	if (S.unsupported[0]) {
		out->proof = IAMP_PROOF_UNKNOWN;
		snprintf(out->reason, sizeof(out->reason), "unsupported: %s", S.unsupported);
		smt_free(&S);
		return 0;
	}
	switch (q->expect) {
	case IAMP_EXPECT_DENIED:
		phi = and2(&S, in_set, tt.allowed);
		break;
	case IAMP_EXPECT_ALLOWED:
		phi = and2(&S, in_set, not1(&S, tt.allowed));
		break;
	default:
		phi = and2(&S, in_set, and2(&S, tt.allowed, not1(&S, rt.allowed)));
		break;
	}
	/* concrete candidates, then fixed callers, then readable values:
	 * preferences, with short budgets; a proof only comes from the
	 * unrestricted question */
	rc = prove_candidate(&S, q, &out->cex);
	if (rc == 1) {
		out->proof = IAMP_PROOF_VIOLATED;
		rc = 0;
		goto done;
	}
	if (!rc)
		rc = ask_quick(&S, and2(&S, base, phi), &q->scope, tmo, &res, &out->cex, out->reason,
			       sizeof(out->reason), &out->solver_calls);
	if (!rc && res != Z3_L_TRUE)
		rc = ask(&S, and2(&S, and2(&S, base, phi), pretty_term(&S)), tmo < 1000 ? tmo : 1000, &res,
			 &out->cex, out->reason, sizeof(out->reason), &out->solver_calls);
	if (!rc && res != Z3_L_TRUE)
		rc = ask(&S, and2(&S, base, phi), tmo, &res, &out->cex, out->reason,
			 sizeof(out->reason), &out->solver_calls);
	if (rc)
		goto done;
	if (res == Z3_L_UNDEF) {
		out->proof = IAMP_PROOF_UNKNOWN;
		goto done;
	}
	if (res == Z3_L_TRUE) {
		enum iamp_decision d, dr = IAMP_DECISION_IMPLICIT_DENY;
		bool member = false;

		out->proof = IAMP_PROOF_VIOLATED;
		if ((rc = replay(q->target, &out->cex, &d, NULL)) ||
		    (rc = replay(q->set, &out->cex, &dr, &member)))
			goto done;
		if (q->reference && (rc = replay(q->reference, &out->cex, &dr, NULL)))
			goto done;
		if (!breaks(q->expect, member, d, dr)) {
			rc = iamp_error_set(IAMP_EINTERNAL,
					    "the counterexample does not replay: %s %s on %s is %s by the "
					    "evaluator%s",
					    out->cex.principal, out->cex.action, out->cex.resource,
					    iamp_decision_name(d), member ? "" : ", outside the request set");
		}
		goto done;
	}
	/* Proven, unless there is nothing to prove: candidates first, then
	 * the solver */
	out->proof = IAMP_PROOF_PROVEN;
	rc = any_candidate(q->set, &q->scope, true, evs, 3 - !q->reference);
	if (rc == 1) {
		res = Z3_L_TRUE;
		rc = 0;
	} else if (!rc) {
		rc = ask_witness(&S, and2(&S, base, in_set), &q->scope, tmo, &res, out->reason,
				 sizeof(out->reason), &out->solver_calls);
	}
	if (rc)
		goto done;
	if (res == Z3_L_FALSE) {
		out->proof = IAMP_PROOF_VACUOUS;
		snprintf(out->reason, sizeof(out->reason), "the request set is empty");
		goto done;
	}
	if (res == Z3_L_UNDEF) {
		out->proof = IAMP_PROOF_UNKNOWN;
		goto done;
	}
	if (q->expect != IAMP_EXPECT_ALLOWED) {
		rc = any_candidate(q->target, &q->scope, false, evs, 3 - !q->reference);
		if (rc == 1) {
			res = Z3_L_TRUE;
			rc = 0;
		} else if (!rc) {
			rc = ask_witness(&S, and2(&S, base, tt.allowed), &q->scope, tmo, &res, out->reason,
					 sizeof(out->reason), &out->solver_calls);
		}
		if (rc)
			goto done;
		if (res == Z3_L_FALSE) {
			out->proof = IAMP_PROOF_VACUOUS;
			snprintf(out->reason, sizeof(out->reason), "the target allows no request at all");
		} else if (res == Z3_L_UNDEF) {
			out->proof = IAMP_PROOF_UNKNOWN;
		}
	}
	if (out->proof != IAMP_PROOF_UNKNOWN && out->proof != IAMP_PROOF_VACUOUS)
		out->reason[0] = '\0';
done:
	if (rc)
		iamp_cex_free(&out->cex);
	smt_free(&S);
	return rc;
}

static int diff_candidates(const struct iamp_diff_query *q, int d, struct iamp_cex *w, unsigned want,
			   size_t *nw);

/*
 * The solver's part of a diff: the directions that neither the text nor
 * the candidates decided (no witness in out->witness[d], allocated for
 * `want`). Sets found[d] and out->unknown[d].
 */
static int diff_solve(struct iamp_diff_result *out, const struct iamp_diff_query *q, unsigned want,
		      unsigned tmo, bool found[2])
{
	const struct iamp_evaluator *evs[3] = { q->old_target, q->new_target, q->set };
	unsigned calls = 0;
	char why[256];
	struct target_terms ot, nt;
	struct smt S;
	Z3_ast base;
	double tenc = trace_ms();
	int rc;

	if ((rc = smt_open(&S, evs, 3, &base))) {
		smt_free(&S);
		return rc;
	}
	target_build(&S, q->old_target, &q->scope, &ot);
	target_build(&S, q->new_target, &q->scope, &nt);
	base = and2(&S, base, scope_term(&S, &q->scope, q->new_target));
	if (q->set)
		base = and2(&S, base, set_term(&S, q->set));
	if (smt_trace)
		fprintf(smt_trace, "smt: diff encoded in %.1f ms\n", trace_ms() - tenc);
	if ((rc = z3_check_failure(&S))) {
		smt_free(&S);
		return rc;
	}
	if (S.unsupported[0]) {
		for (int d = 0; d < 2; d++)
			out->unknown[d] = !out->by_text[d] && !found[d];
		snprintf(out->reason, sizeof(out->reason), "unsupported: %s", S.unsupported);
		smt_free(&S);
		return 0;
	}
	for (int d = 0; d < 2 && !rc; d++) {
		Z3_ast phi = d == 0 ? and2(&S, nt.allowed, not1(&S, ot.allowed))
				    : and2(&S, ot.allowed, not1(&S, nt.allowed));

		if (out->by_text[d] || found[d])
			continue;
		while (out->nwitness[d] < want) {
			struct iamp_cex *c = &out->witness[d][out->nwitness[d]];
			enum iamp_decision dn, dold;
			Z3_lbool res;
			long a;

			if ((rc = ask(&S, and2(&S, and2(&S, base, phi), pretty_term(&S)),
				      tmo < 1000 ? tmo : 1000, &res, c,
				      why, sizeof(why), &calls)))
				break;
			if (res != Z3_L_TRUE &&
			    (rc = ask(&S, and2(&S, base, phi), tmo, &res, c, why, sizeof(why), &calls)))
				break;
			if (res == Z3_L_UNDEF) {
				out->unknown[d] = true;
				/* the first direction's reason is kept */
				if (!out->reason[0])
					snprintf(out->reason, sizeof(out->reason), "%s", why);
				break;
			}
			if (res == Z3_L_FALSE)
				break;
			found[d] = true;
			out->nwitness[d]++;
			if ((rc = replay(q->new_target, c, &dn, NULL)) ||
			    (rc = replay(q->old_target, c, &dold, NULL)))
				break;
			if ((d == 0) != (dn == IAMP_DECISION_ALLOWED && dold != IAMP_DECISION_ALLOWED) ||
			    (d == 1) != (dold == IAMP_DECISION_ALLOWED && dn != IAMP_DECISION_ALLOWED)) {
				rc = iamp_error_set(IAMP_EINTERNAL,
						    "a witness does not replay: %s %s on %s is %s by OLD and %s by NEW",
						    c->principal, c->action, c->resource,
						    iamp_decision_name(dold), iamp_decision_name(dn));
				break;
			}
			/* the next witness: another action */
			{
				const struct iamp_catalog_counts *cc = &iamp_catalog_counts;
				char buf[300];

				(void)cc;
				a = -1;
				for (uint32_t i = 0; i < nactions(&S); i++) {
					action_name(&S, i, buf, sizeof(buf), true);
					if (strcmp(buf, c->action) == 0) {
						a = i;
						break;
					}
				}
				if (a < 0)
					break;
				phi = and2(&S, phi, not1(&S, eq(&S, S.a, int_(&S, a))));
			}
		}
	}
	smt_free(&S);
	return rc;
}

int iamp_smt_diff(struct iamp_diff_result *out, const struct iamp_diff_query *q)
{
	unsigned tmo = q->timeout_ms ? q->timeout_ms : 10000;
	unsigned want = q->witnesses ? q->witnesses : 3;
	bool found[2] = { false, false }, open = false;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	/* What the text shows and the candidates find needs no solver:
	 * the encoding is built only for a direction left open. */
	for (int d = 0; d < 2 && !rc; d++) {
		double t0 = trace_ms();

		/* d = 0: allowed by NEW only; 1: by OLD only */
		out->by_text[d] = !q->no_text && (d == 0 ? iamp_evaluator_within(q->new_target, q->old_target)
							 : iamp_evaluator_within(q->old_target, q->new_target));
		if (out->by_text[d])
			continue;
		if (!(out->witness[d] = calloc(want, sizeof(struct iamp_cex)))) {
			rc = iamp_error_set(IAMP_ENOMEM, "out of memory");
			break;
		}
		rc = diff_candidates(q, d, out->witness[d], want, &out->nwitness[d]);
		if (smt_trace)
			fprintf(smt_trace, "smt: diff candidates (%s only): %zu in %.1f ms\n",
				d == 0 ? "NEW" : "OLD", out->nwitness[d], trace_ms() - t0);
		found[d] = out->nwitness[d] > 0;
		open |= !found[d];
	}
	if (smt_trace)
		fprintf(smt_trace, "smt: diff shown from the text: NEW only %s, OLD only %s\n",
			out->by_text[0] ? "none" : "-", out->by_text[1] ? "none" : "-");
	if (!rc && open)
		rc = diff_solve(out, q, want, tmo, found);
	if (!rc) {
		if (out->unknown[0] || out->unknown[1])
			out->verdict = IAMP_DIFF_UNKNOWN;
		else if (found[0] && found[1])
			out->verdict = IAMP_DIFF_INCOMPARABLE;
		else if (found[0])
			out->verdict = IAMP_DIFF_MORE_PERMISSIVE;
		else if (found[1])
			out->verdict = IAMP_DIFF_LESS_PERMISSIVE;
		else
			out->verdict = IAMP_DIFF_EQUIVALENT;
	} else {
		iamp_diff_result_free(out);
	}
	return rc;
}

/* ---- semantic checks of one policy ---------------------------------------------- */

/*
 * What a statement of the policy does, as terms over the request. For a
 * resource or trust policy the Allow terms are split by how the
 * principal matched (decide.h: direct, role, account), because the
 * decision reads them apart; every other statement has one term.
 *
 * Worked example: an identity policy
 *   s0  Allow s3:*        on *
 *   s1  Allow s3:GetObject on arn:aws:s3:::b/x
 * s1 is a REDUNDANT_ALLOW: base ∧ m1 ∧ ¬m0 is unsat (s3:GetObject
 * is one of s3:*); s0 is not: its first witness (say s3:ListBucket on *)
 * matches s0 only, which the concrete evaluator confirms, and no second
 * question is asked.
 */
struct sem_stmt {
	Z3_ast any;   /* the statement applies */
	Z3_ast pm[3]; /* Allow of a resource policy: direct, role, account */
};

static void sem_terms(struct smt *S, const struct cpolicy *p, const struct cstmt *s,
		      struct sem_stmt *out)
{
	Z3_ast t = stmt_base(S, s);

	out->pm[0] = out->pm[1] = out->pm[2] = F(S);
	if (!s->usable) {
		out->any = F(S);
		return;
	}
	if (p->type == IAMP_POLICY_IDENTITY || p->type == IAMP_POLICY_BOUNDARY ||
	    p->type == IAMP_POLICY_SESSION)
		t = and2(S, t, S->person);
	if (p->type != IAMP_POLICY_SCP && p->type != IAMP_POLICY_RCP && s->check_principal) {
		struct pm_terms best;

		t = and2(S, t, stmt_principal(S, s, false, &best));
		if (!s->deny) {
			out->pm[0] = and2(S, t, best.direct);
			out->pm[1] = and2(S, t, or2(S, best.role, best.wild));
			out->pm[2] = and2(S, t, best.account);
		}
	} else if (p->type == IAMP_POLICY_SCP || p->type == IAMP_POLICY_RCP) {
		t = and2(S, t, stmt_principal(S, s, false, NULL));
	}
	out->any = t;
}

/* Raw text (as written) with a wildcard. */
static bool raw_wild(const char *t, size_t len)
{
	return memchr(t, '*', len) || memchr(t, '?', len);
}

/* The services a policy names: the service part of every Action and
 * NotAction entry and of every Resource and NotResource ARN, lower-case;
 * a service part with a wildcard ("*", "*:Get*") names none. */
struct svcnames {
	char **glob;
	size_t n, cap;
	bool oom;
};

static void svc_add(struct svcnames *v, const char *t, size_t len)
{
	char *g;

	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->glob[i]) == len && strncasecmp(v->glob[i], t, len) == 0)
			return;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		char **n = realloc(v->glob, cap * sizeof(*n));

		if (!n) {
			v->oom = true;
			return;
		}
		v->glob = n;
		v->cap = cap;
	}
	if (!(g = malloc(len + 1))) {
		v->oom = true;
		return;
	}
	iamp_ascii_lower(g, t, len);
	g[len] = '\0';
	v->glob[v->n++] = g;
}

static void svc_free(struct svcnames *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->glob[i]);
	free(v->glob);
}

static void svc_collect(struct svcnames *v, const struct iamp_policy *pol)
{
	for (size_t i = 0; i < pol->statement_count; i++) {
		const struct iamp_statement *st = &pol->statements[i];

		for (size_t j = 0; j < st->action.count; j++) {
			const struct iamp_str *a = &st->action.items[j];
			const char *colon = memchr(a->text, ':', a->len);

			size_t n = colon ? (size_t)(colon - a->text) : a->len;

			if (!raw_wild(a->text, n))
				svc_add(v, a->text, n);
		}
		for (size_t j = 0; j < st->resource.count; j++) {
			const struct iamp_str *r = &st->resource.items[j];
			const char *f[6];
			size_t fl[6];

			if (iamp_arn_split(r->text, r->len, f, fl) && fl[2] && !memchr(f[2], '$', fl[2]) &&
			    !raw_wild(f[2], fl[2]))
				svc_add(v, f[2], fl[2]);
		}
	}
}

static bool svc_named(const struct svcnames *v, const char *action, size_t len)
{
	const char *colon = memchr(action, ':', len);
	size_t n = colon ? (size_t)(colon - action) : len;
	char buf[300];

	if (n >= sizeof(buf))
		return false;
	iamp_ascii_lower(buf, action, n);
	for (size_t i = 0; i < v->n; i++)
		if (iamp_match_like(v->glob[i], strlen(v->glob[i]), buf, n))
			return true;
	return false;
}

static bool pred_named(const char *name, size_t len, const void *arg)
{
	return svc_named(arg, name, len);
}

void iamp_semantic_result_free(struct iamp_semantic_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		iamp_cex_free(&r->findings[i].example);
	free(r->findings);
	r->findings = NULL;
	r->nfindings = 0;
}

static int sem_add(struct iamp_semantic_result *out, enum iamp_stmt_issue issue,
		   const struct iamp_statement *st, struct iamp_cex *example)
{
	struct iamp_stmt_finding *n = realloc(out->findings, (out->nfindings + 1) * sizeof(*n));

	if (!n)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	out->findings = n;
	memset(&n[out->nfindings], 0, sizeof(*n));
	n[out->nfindings].issue = issue;
	n[out->nfindings].stmt = st;
	if (example) {
		n[out->nfindings].example = *example;
		memset(example, 0, sizeof(*example));
	}
	out->nfindings++;
	return 0;
}

/* The statements of `pol` that apply to the request, as flags by index. */
static int sem_replay(const struct iamp_evaluator *ev, const struct iamp_policy *pol,
		      const struct iamp_cex *c, bool *applies)
{
	struct iamp_match *m = calloc(pol->statement_count + 1, sizeof(*m));
	struct iamp_result res;
	int rc;

	if (!m)
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	memset(&res, 0, sizeof(res));
	res.matches = m;
	res.match_cap = pol->statement_count + 1;
	rc = iamp_cex_evaluate(&res, ev, c);
	for (size_t i = 0; i < pol->statement_count; i++)
		applies[i] = false;
	for (size_t i = 0; !rc && i < res.match_count; i++)
		if (m[i].stmt && m[i].stmt->index < pol->statement_count &&
		    m[i].stmt == &pol->statements[m[i].stmt->index])
			applies[m[i].stmt->index] = true;
	free(m);
	return rc;
}

/* Another statement decides every request `applies` shows: for an
 * Allow, any other statement; for a Deny, another Deny. */
static bool sem_covered(const struct iamp_policy *pol, size_t si, bool deny, const bool *applies)
{
	for (size_t j = 0; j < pol->statement_count; j++)
		if (j != si && applies[j] && (!deny || pol->statements[j].effect == IAMP_EFFECT_DENY))
			return true;
	return false;
}

/* One question within the budget; with `pretty`, a readable answer is
 * asked for first (a question expected to be unsat skips that). */
static int sem_ask(struct smt *S, Z3_ast phi, bool pretty, double deadline, Z3_lbool *res,
		   struct iamp_cex *cex, struct iamp_semantic_result *out)
{
	double left = deadline - trace_ms();
	char why[256] = "";
	int rc;

	*res = Z3_L_UNDEF;
	if (left < 1) {
		snprintf(why, sizeof(why), "out of time budget");
	} else {
		unsigned tmo = (unsigned)left;

		rc = pretty ? ask(S, and2(S, phi, pretty_term(S)), tmo < 1000 ? tmo : 1000, res, cex, why,
				  sizeof(why), &out->solver_calls)
			    : 0;
		if (rc)
			return rc;
		left = deadline - trace_ms();
		if (*res != Z3_L_TRUE && left >= 1) {
			if (cex)
				iamp_cex_free(cex);
			rc = ask(S, phi, (unsigned)left, res, cex, why, sizeof(why), &out->solver_calls);
			if (rc)
				return rc;
		} else if (*res != Z3_L_TRUE) {
			*res = Z3_L_UNDEF;
			snprintf(why, sizeof(why), "out of time budget");
		}
	}
	if (*res == Z3_L_UNDEF && trace_ms() >= deadline - 5)
		snprintf(why, sizeof(why), "out of time budget");
	if (*res == Z3_L_UNDEF) {
		out->undecided++;
		if (!out->reason[0])
			snprintf(out->reason, sizeof(out->reason), "%s", why[0] ? why : "unknown");
	}
	return 0;
}

/*
 * Concrete candidates: requests built from a statement's own text, tried
 * with the concrete evaluator before the solver is asked. Most
 * statements apply to the request their first action, first resource
 * and first condition values spell out; the solver is asked only when
 * no candidate answers, and a candidate answers only after the
 * evaluator confirmed it. Keys AWS always sends are given values when
 * the policy reads them, and no candidate gives a key to a caller AWS
 * never sends it for (known_keys), so a candidate is a request the
 * solver's model could have produced.
 *
 * Worked example: Allow ec2:* on * with StringEquals aws:RequestedRegion
 * eu-west-1 gives ec2:acceptaddresstransfer (the catalog's first ec2
 * action) on * by arn:aws:iam::111122223333:user/alice with
 * aws:RequestedRegion=eu-west-1.
 */
#define CAND_ACCOUNT "111122223333"
#define CAND_USER "arn:aws:iam::" CAND_ACCOUNT ":user/alice"

/* The candidate being built. */
struct cand {
	struct iamp_cex *c;
	const char *principal;
	const char *account;                /* the caller's, where the text leaves it open */
	bool account_fixed;                 /* the scope's: not taken from the resource */
	unsigned variant;                   /* which value other policies name to take */
	bool *used_other;                   /* set when a value other policies name was taken */
	const struct iamp_str *caller_hint; /* a caller a Deny exempts, where the set leaves it open */
	const struct iamp_evaluator *const *evs; /* whose policies' keys AWS always sends get values */
	size_t nevs;
	bool service;
	bool oom;
};

/* The request's value of a key, or NULL. */
static const char *cand_has(const struct iamp_cex *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if (strlen(c->keys[i].name) == len && strncasecmp(c->keys[i].name, name, len) == 0)
			return c->keys[i].count ? c->keys[i].values[0] : "";
	return NULL;
}

/* Gives the request key=value unless it has the key; its value after. */
static const char *cand_key(struct cand *k, const char *name, size_t len, const char *value, bool multi)
{
	const char *v = cand_has(k->c, name, len);
	char nm[160];

	if (v)
		return v;
	if (len >= sizeof(nm) || k->oom)
		return NULL;
	memcpy(nm, name, len);
	nm[len] = '\0';
	if (cex_add_key(k->c, nm, 1, multi) ||
	    !(k->c->keys[k->c->nkeys - 1].values[0] = strdup(value))) {
		k->oom = true;
		return NULL;
	}
	k->c->keys[k->c->nkeys - 1].count = 1;
	return value;
}

/*
 * Writes text the way a request would satisfy it: a variable ${k} (or
 * ${k, 'd'}) takes the request's value of k, which gets "x" when it has
 * none (aws:username is the caller's name); with `wild`, * and ? become
 * letters, and an ARN part that is all wildcard its usual value
 * (partition aws, region us-east-1, account CAND_ACCOUNT). False when
 * it does not fit or a variable is one the candidate cannot give.
 */
static bool cand_fill(struct cand *k, char *out, size_t cap, const char *t, size_t len, bool wild)
{
	char tmp[600];
	size_t n = 0;
	const char *f[6];
	size_t fl[6];

	for (size_t i = 0; i < len;) {
		if (t[i] == '$' && i + 1 < len && t[i + 1] == '{') {
			const char *end = memchr(t + i, '}', len - i), *v;
			size_t kl, vl;
			const char *key = t + i + 2;

			if (!end || !k || !k->c)
				return false;
			kl = (size_t)(end - key);
			if (memchr(key, ',', kl))
				kl = (size_t)((const char *)memchr(key, ',', kl) - key);
			while (kl && key[kl - 1] == ' ')
				kl--;
			if (kl <= 1 || iamp_equals_ignore_case(key, kl, "aws:principalarn", 16) ||
			    iamp_equals_ignore_case(key, kl, "aws:principalaccount", 20) ||
			    iamp_equals_ignore_case(key, kl, "aws:resourceaccount", 19) ||
			    iamp_equals_ignore_case(key, kl, "aws:userid", 10))
				return false;
			if (iamp_equals_ignore_case(key, kl, "aws:username", 12)) {
				if (!strstr(k->principal, ":user/alice") ||
				    strcmp(strstr(k->principal, ":user/alice"), ":user/alice") != 0)
					return false;
				v = cand_key(k, key, kl, "alice", false);
			} else {
				v = cand_key(k, key, kl, "x", false);
			}
			if (!v || (vl = strlen(v)) + n >= sizeof(tmp))
				return false;
			memcpy(tmp + n, v, vl);
			n += vl;
			i = (size_t)(end - t) + 1;
			continue;
		}
		if (n + 1 >= sizeof(tmp))
			return false;
		tmp[n++] = t[i++];
	}
	tmp[n] = '\0';
	if (n >= cap)
		return false;
	if (!wild) {
		memcpy(out, tmp, n + 1);
		return true;
	}
	if (n > 4 && memcmp(tmp, "arn:", 4) == 0 && iamp_arn_split(tmp, n, f, fl)) {
		const char *const usual[6] = { "arn", "aws", "x", "us-east-1",
					       k && k->account ? k->account : CAND_ACCOUNT, "x" };
		size_t o = 0;

		for (int p = 0; p < 6; p++) {
			bool all = fl[p] > 0;

			for (size_t j = 0; j < fl[p]; j++)
				all = all && (f[p][j] == '*' || f[p][j] == '?');
			if (o + fl[p] + 16 >= cap)
				return false;
			if (p)
				out[o++] = ':';
			if (all && p != 2 && p != 5) {
				o += (size_t)snprintf(out + o, cap - o, "%s", usual[p]);
				continue;
			}
			for (size_t j = 0; j < fl[p]; j++)
				out[o++] = f[p][j] == '*' || f[p][j] == '?' ? 'x' : f[p][j];
		}
		out[o] = '\0';
		return true;
	}
	for (size_t i = 0; i <= n; i++)
		out[i] = tmp[i] == '*' || tmp[i] == '?' ? 'x' : tmp[i];
	return true;
}

/* The first action of the table the statement's Action (or NotAction)
 * admits, and when `named` is given, of a service it does not name. */
static bool cand_action(struct smt *S, const struct iamp_statement *st, size_t entry,
			const struct svcnames *named, char *out, size_t cap)
{
	const struct iamp_list *al = &st->action;

	if (!al->is_not) {
		const struct iamp_str *a = &al->items[entry];

		if (!raw_wild(a->text, a->len) && !named)
			return cand_fill(NULL, out, cap, a->text, a->len, false);
	}
	(void)S;
	for (uint32_t i = 0; i < iamp_catalog_counts.actions; i++) {
		size_t n = iamp_catalog_action_format(out, cap, &iamp_catalog_actions[i]);
		bool hit = false;

		if (n >= cap || (named && svc_named(named, out, n)))
			continue;
		if (al->is_not) {
			for (size_t j = 0; j < al->count && !hit; j++)
				hit = iamp_match_action(al->items[j].text, al->items[j].len, out, n);
			if (!hit)
				return true;
		} else if (iamp_match_action(al->items[entry].text, al->items[entry].len, out, n)) {
			return true;
		}
	}
	return false;
}

/* The caller: one the statement names, in Principal or in a positive
 * aws:PrincipalArn or aws:PrincipalAccount condition, else alice. */
static bool cand_principal(const struct cand *k, const struct iamp_statement *st, char *out, size_t cap,
			   bool *service)
{
	const struct iamp_principal_value *v = NULL;
	struct cand nv = *k;

	nv.c = NULL; /* no variables in a principal */

	*service = false;
	for (size_t i = 0; i < st->condition_count; i++) {
		const struct iamp_condition *cd = &st->conditions[i];

		if (!cd->op || cd->op->negated || !cd->value_count || cd->set != IAMP_SET_NONE ||
		    cd->if_exists || cd->op->cmp == IAMP_CMP_EXISTS)
			continue;
		if (iamp_equals_ignore_case(cd->key.text, cd->key.len, "aws:principalarn", 16))
			return cand_fill(&nv, out, cap, cd->values[0].text.text, cd->values[0].text.len,
					 cd->op->cmp == IAMP_CMP_LIKE || cd->op->type == IAMP_COND_ARN);
		if (iamp_equals_ignore_case(cd->key.text, cd->key.len, "aws:principalaccount", 20)) {
			snprintf(out, cap, "arn:aws:iam::%.*s:user/alice", (int)cd->values[0].text.len,
				 cd->values[0].text.text);
			return true;
		}
	}
	if (st->principal.present && !st->principal.is_not && !st->principal.star && st->principal.count)
		v = &st->principal.items[0];
	if (!v || (v->value.len == 1 && v->value.text[0] == '*')) {
		if (k->caller_hint && cand_fill(&nv, out, cap, k->caller_hint->text, k->caller_hint->len, true))
			return true;
		snprintf(out, cap, "arn:aws:iam::%s:user/alice", k->account);
		return true;
	}
	if (v->kind == IAMP_PRINCIPAL_SERVICE) {
		*service = true;
		return cand_fill(&nv, out, cap, v->value.text, v->value.len, false);
	}
	if (v->kind != IAMP_PRINCIPAL_AWS)
		return false;
	if (iamp_is_account_id(v->value.text, v->value.len)) {
		snprintf(out, cap, "arn:aws:iam::%.*s:user/alice", (int)v->value.len, v->value.text);
		return true;
	}
	if (v->value.len > 5 && memcmp(v->value.text + v->value.len - 5, ":root", 5) == 0 &&
	    v->value.len + 16 < cap) {
		snprintf(out, cap, "%.*s:user/alice", (int)(v->value.len - 5), v->value.text);
		return true;
	}
	return cand_fill(&nv, out, cap, v->value.text, v->value.len, true);
}

/* The availability of a key (known_keys), AV_FREE when unknown. */
static enum kavail key_avail(const char *name, size_t len)
{
	char low[128];
	size_t i;

	if (len >= sizeof(low))
		return AV_FREE;
	iamp_ascii_lower(low, name, len);
	low[len] = '\0';
	i = known_key(low);
	return i < NKNOWN ? known_keys[i].avail : AV_FREE;
}

/* What AWS sends for a key it always sends, or NULL. */
static const char *always_default(const char *name, size_t len, const struct cand *k)
{
	static const struct {
		const char *key, *value;
	} d[] = {
		{ "aws:requestedregion", "us-east-1" },
		{ "aws:securetransport", "true" },
		{ "aws:currenttime", "2026-01-01T00:00:00Z" },
		{ "aws:epochtime", "1767225600" },
		{ "aws:viaawsservice", "false" },
		{ "aws:userid", "AIDAEXAMPLEUSERID" },
	};

	if (iamp_equals_ignore_case(name, len, "aws:principalisawsservice", 25))
		return k->service ? "true" : "false";
	if (iamp_equals_ignore_case(name, len, "aws:principaltype", 17))
		return k->service ? "AWSService" : strstr(k->principal, ":user/") ? "User"
			: strstr(k->principal, ":root") ? "Account" : "AssumedRole";
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (iamp_equals_ignore_case(name, len, d[i].key, strlen(d[i].key)))
			return d[i].value;
	return NULL;
}

/* v satisfies none of the condition's values (as a Like, ignoring case:
 * the strictest reading of every negated operator's values). */
static bool cand_differs(const struct iamp_condition *cd, const char *v)
{
	char lv[600], lp[600];
	size_t n = strlen(v);

	if (n >= sizeof(lv))
		return false;
	iamp_ascii_lower(lv, v, n + 1);
	for (size_t i = 0; i < cd->value_count; i++) {
		const struct iamp_str *t = &cd->values[i].text;

		if (t->len >= sizeof(lp) || memmem(t->text, t->len, "${", 2))
			return false;
		if (cd->op->type == IAMP_COND_IP) {
			struct iamp_ip a, cidr;

			if (!iamp_ip_parse(&a, v, n) || !iamp_ip_parse(&cidr, t->text, t->len) ||
			    iamp_ip_contains(&cidr, &a))
				return false;
			continue;
		}
		if (cd->op->type == IAMP_COND_NUMERIC) {
			double x, y;

			if (!iamp_number_parse(&x, v, n) || !iamp_number_parse(&y, t->text, t->len) || x == y)
				return false;
			continue;
		}
		iamp_ascii_lower(lp, t->text, t->len);
		if (iamp_match_like(lp, t->len, lv, n))
			return false;
	}
	return true;
}

/* A value for a negated condition that must have one: the key's usual
 * value, else one of its type that none of the values matches. */
static const char *cand_other(const struct iamp_condition *cd, const struct cand *k)
{
	static const char *const regions[] = { "us-east-1", "us-west-2", "eu-west-1", "eu-central-1",
					       "ap-southeast-2", "sa-east-1", "af-south-1", "me-central-1" };
	static const char *const strings[] = { "example", "zz-example" };
	static const char *const arns[] = { "arn:aws:iam::999988887777:role/example",
					    "arn:aws:s3:::zz-example" };
	static const char *const numbers[] = { "0", "1", "7" };
	static const char *const dates[] = { "1990-01-01T00:00:00Z", "2001-01-01T00:00:00Z" };
	static const char *const ips[] = { "192.0.2.1", "198.51.100.1", "2001:db8::1" };
	const char *usual = always_default(cd->key.text, cd->key.len, k);
	const char *const *alt = strings;
	size_t nalt = 2;

	if (usual && cand_differs(cd, usual))
		return usual;
	if (iamp_equals_ignore_case(cd->key.text, cd->key.len, "aws:requestedregion", 19))
		alt = regions, nalt = sizeof(regions) / sizeof(regions[0]);
	else if (cd->op->type == IAMP_COND_ARN)
		alt = arns, nalt = 2;
	else if (cd->op->type == IAMP_COND_NUMERIC)
		alt = numbers, nalt = 3;
	else if (cd->op->type == IAMP_COND_DATE)
		alt = dates, nalt = 2;
	else if (cd->op->type == IAMP_COND_IP)
		alt = ips, nalt = 3;
	else if (cd->op->type == IAMP_COND_BOOL || cd->op->type == IAMP_COND_BINARY)
		return NULL;
	for (size_t i = 0; i < nalt; i++)
		if (cand_differs(cd, alt[i]))
			return alt[i];
	return NULL;
}

/* A value the condition holds for, into out; "" for an absent key (when
 * `present` the key cannot be absent). */
static const char *cand_typed(const struct cand *k, const struct iamp_policy *pol, const char *key, size_t len);

static bool cand_well_formed(enum iamp_cond_type type, const char *v);

static bool cand_value(struct cand *k, const struct iamp_policy *pol, const struct iamp_condition *cd,
		       bool present, char *out, size_t cap)
{
	const char *v;
	size_t vl;

	out[0] = '\0';
	if (!cd->op || !cd->value_count)
		return false;
	v = cd->values[0].text.text;
	vl = cd->values[0].text.len;
	if (cd->op->cmp == IAMP_CMP_EXISTS) {
		bool absent;

		if (!iamp_bool_parse(&absent, v, vl) || (absent && present))
			return false;
		if (!absent)
			snprintf(out, cap, "%s", cand_typed(k, pol, cd->key.text, cd->key.len));
		return true;
	}
	if (cd->op->negated) {
		const char *o;

		if (!present && cd->set != IAMP_SET_FOR_ANY_VALUE)
			return true;
		/* a value the question's other policies name for the key (an
		 * approved region of an SCP, say) that this condition does not;
		 * the variant-th such value */
		unsigned skip = k->variant;

		for (size_t e = 0; e < k->nevs; e++) {
			for (size_t pi = 0; pi < k->evs[e]->npols; pi++) {
				const struct iamp_policy *pp = k->evs[e]->pols[pi].src;

				for (size_t i = 0; pp != pol && i < pp->statement_count; i++) {
					for (size_t j = 0; j < pp->statements[i].condition_count; j++) {
						const struct iamp_condition *oc = &pp->statements[i].conditions[j];

						if (!oc->op || !iamp_equals_ignore_case(oc->key.text, oc->key.len,
											cd->key.text, cd->key.len))
							continue;
						for (size_t w = 0; w < oc->value_count; w++) {
							const struct iamp_str *t = &oc->values[w].text;

							if (t->len < cap && !raw_wild(t->text, t->len) &&
							    !memmem(t->text, t->len, "${", 2)) {
								memcpy(out, t->text, t->len);
								out[t->len] = '\0';
								if (cand_well_formed(cd->op->type, out) &&
								    cand_differs(cd, out) && skip-- == 0) {
									if (k->used_other)
										*k->used_other = true;
									return true;
								}
							}
						}
					}
				}
			}
		}
		out[0] = '\0';
		if (!(o = cand_other(cd, k)))
			return false;
		snprintf(out, cap, "%s", o);
		return true;
	}
	if (cd->set == IAMP_SET_FOR_ALL_VALUES && !present)
		return true;
	switch (cd->op->type) {
	case IAMP_COND_NUMERIC: {
		double d;

		if (!iamp_number_parse(&d, v, vl))
			return false;
		if (cd->op->cmp == IAMP_CMP_LESS_THAN)
			d -= 1;
		else if (cd->op->cmp == IAMP_CMP_GREATER_THAN)
			d += 1;
		snprintf(out, cap, "%.17g", d);
		return true;
	}
	case IAMP_COND_DATE:
		if (cd->op->cmp == IAMP_CMP_LESS_THAN)
			snprintf(out, cap, "1990-01-01T00:00:00Z");
		else if (cd->op->cmp == IAMP_CMP_GREATER_THAN)
			snprintf(out, cap, "2100-01-01T00:00:00Z");
		else
			return cand_fill(k, out, cap, v, vl, false);
		return true;
	case IAMP_COND_IP: {
		const char *slash = memchr(v, '/', vl);

		return cand_fill(k, out, cap, v, slash ? (size_t)(slash - v) : vl, false);
	}
	case IAMP_COND_ARN:
		return cand_fill(k, out, cap, v, vl, true);
	default:
		return cand_fill(k, out, cap, v, vl, cd->op->cmp == IAMP_CMP_LIKE);
	}
}

/* Some condition of the policy reads the key. */
static bool cand_reads(const struct iamp_policy *pol, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < pol->statement_count; i++)
		for (size_t k = 0; k < pol->statements[i].condition_count; k++)
			if (iamp_equals_ignore_case(pol->statements[i].conditions[k].key.text,
						    pol->statements[i].conditions[k].key.len, key, n))
				return true;
	return false;
}

/* A value an operator of `type` can read. */
static bool cand_well_formed(enum iamp_cond_type type, const char *v)
{
	size_t n = strlen(v);
	struct iamp_ip ip;
	double d;
	int64_t t;
	bool b;

	switch (type) {
	case IAMP_COND_IP:
		return iamp_ip_parse(&ip, v, n);
	case IAMP_COND_NUMERIC:
		return iamp_number_parse(&d, v, n);
	case IAMP_COND_DATE:
		return iamp_date_parse(&t, v, n);
	case IAMP_COND_BOOL:
		return iamp_bool_parse(&b, v, n);
	default:
		return true;
	}
}

/* A value of the type the policies compare the key as ("x" for text). */
static const char *cand_typed(const struct cand *k, const struct iamp_policy *pol, const char *key, size_t len)
{
	if (!pol)
		return "x";
	for (size_t e = 0; e <= k->nevs; e++) {
		size_t np = e == 0 ? 1 : k->evs[e - 1]->npols;

		for (size_t pi = 0; pi < np; pi++) {
			const struct iamp_policy *pp = e == 0 ? pol : k->evs[e - 1]->pols[pi].src;

			for (size_t i = 0; i < pp->statement_count; i++) {
				for (size_t j = 0; j < pp->statements[i].condition_count; j++) {
					const struct iamp_condition *cd = &pp->statements[i].conditions[j];

					if (!cd->op || !iamp_equals_ignore_case(cd->key.text, cd->key.len, key, len))
						continue;
					switch (cd->op->type) {
					case IAMP_COND_BOOL:
						return "true";
					case IAMP_COND_NUMERIC:
						return "1";
					case IAMP_COND_DATE:
						return "2026-01-01T00:00:00Z";
					case IAMP_COND_IP:
						return "192.0.2.1";
					case IAMP_COND_ARN:
						return "arn:aws:iam::999988887777:role/example";
					default:
						break;
					}
				}
			}
		}
	}
	return "x";
}

/* `pol` or a policy of the question reads the key. */
static bool cand_reads_any(const struct cand *k, const struct iamp_policy *pol, const char *key)
{
	if (cand_reads(pol, key))
		return true;
	for (size_t e = 0; e < k->nevs; e++)
		for (size_t i = 0; i < k->evs[e]->npols; i++)
			if (cand_reads(k->evs[e]->pols[i].src, key))
				return true;
	return false;
}

/*
 * What the conditions of statement `o` give the candidate. pass 0: `o` is
 * the candidate's own statement, and each condition gets a value it
 * holds for (absent where that holds). pass 1 (another statement of the
 * policy) and 2 (of another policy): with `avoid`, a value the
 * condition is false for (pass 2: Deny statements only), where the
 * candidate has none; and a key AWS always sends its usual value.
 * Returns 0, 1 (no candidate) or IAMP_ENOMEM.
 */
static int cand_statement(struct cand *k, const struct iamp_policy *pol, const struct iamp_statement *o,
			  int pass, bool avoid, bool person)
{
	char val[600];

	for (size_t j = 0; j < o->condition_count; j++) {
		const struct iamp_condition *cd = &o->conditions[j];
		enum kavail av = key_avail(cd->key.text, cd->key.len);
		bool present = av == AV_ALWAYS || (av == AV_PRINCIPAL && person) || (av == AV_SERVICE && k->service);
		bool never = ((av == AV_PRINCIPAL || av == AV_PERSON_ONLY) && !person) ||
			     (av == AV_SERVICE && !k->service);
		const char *dv = NULL;

		if (iamp_equals_ignore_case(cd->key.text, cd->key.len, "aws:principalarn", 16) ||
		    iamp_equals_ignore_case(cd->key.text, cd->key.len, "aws:principalaccount", 20) ||
		    iamp_equals_ignore_case(cd->key.text, cd->key.len, "aws:resourceaccount", 19) ||
		    iamp_equals_ignore_case(cd->key.text, cd->key.len, "aws:username", 12))
			continue; /* candidate() sets them from the principal and resource */
		if (pass == 0) {
			if (!cand_value(k, pol, cd, present, val, sizeof(val)))
				return 1;
			if (!val[0])
				continue;
			if (never)
				return 1;
			if (!cand_key(k, cd->key.text, cd->key.len, val, cd->set != IAMP_SET_NONE) && k->oom)
				return IAMP_ENOMEM;
			continue;
		}
		if (avoid && (pass == 1 || o->effect == IAMP_EFFECT_DENY) && !never && cd->op &&
		    cd->value_count && !cand_has(k->c, cd->key.text, cd->key.len)) {
			/* a value the other statement's condition is false for */
			const struct iamp_str *v0 = &cd->values[0].text;
			bool absent;

			if (cd->op->cmp == IAMP_CMP_EXISTS) {
				if (iamp_bool_parse(&absent, v0->text, v0->len) && absent)
					dv = cand_typed(k, pol, cd->key.text, cd->key.len);
			} else if (cd->op->negated) {
				/* a value the negation excludes, well formed for its type */
				const char *slash = memchr(v0->text, '/', v0->len);
				size_t vl = cd->op->type == IAMP_COND_IP && slash ? (size_t)(slash - v0->text)
										   : v0->len;

				if (cand_fill(k, val, sizeof(val), v0->text, vl, cd->op->cmp == IAMP_CMP_LIKE) &&
				    cand_well_formed(cd->op->type, val))
					dv = val;
			} else if (present) {
				dv = cand_other(cd, k);
			}
			if (dv && !cand_key(k, cd->key.text, cd->key.len, dv, cd->set != IAMP_SET_NONE) && k->oom)
				return IAMP_ENOMEM;
		}
		if (present) {
			if (!(dv = always_default(cd->key.text, cd->key.len, k)))
				return 1;
			if (!cand_key(k, cd->key.text, cd->key.len, dv, false) && k->oom)
				return IAMP_ENOMEM;
		}
	}
	return 0;
}

/*
 * Candidate number `n` for statement `st` of `pol`: its Action entry n
 * (or, for NotAction, the first action it admits), its first Resource.
 * `named`: an action of a service the policy does not name. `avoid`:
 * the keys the other statements read get values their conditions are
 * false for, where the candidate has none of its own. Returns 1
 * with *c filled, 0 when there is no such candidate, or an error.
 */
static int candidate(struct smt *S, const struct iamp_policy *pol, const struct iamp_statement *st,
		     size_t n, bool avoid, const struct svcnames *named, const struct cand *opt,
		     struct iamp_cex *c)
{
	char action[300], resource[600], principal[600], racct[64], acct0[16];
	struct cand k;
	bool person;
	int rc;
	const char *f[6];
	size_t fl[6];

	memset(c, 0, sizeof(*c));
	memset(&k, 0, sizeof(k));
	if (opt)
		k = *opt;
	if (!k.account)
		k.account = CAND_ACCOUNT;
	k.c = c;
	/* the caller in the resource's account, where the scope leaves it
	 * open: across accounts a resource policy would be needed too */
	if (!k.account_fixed && st->resource.present && !st->resource.is_not && st->resource.count) {
		const char *rf[6];
		size_t rfl[6];

		if (iamp_arn_split(st->resource.items[0].text, st->resource.items[0].len, rf, rfl) &&
		    iamp_is_account_id(rf[4], rfl[4]) && rfl[4] < sizeof(acct0)) {
			memcpy(acct0, rf[4], rfl[4]);
			acct0[rfl[4]] = '\0';
			k.account = acct0;
		}
	}
	k.principal = principal;
	principal[0] = '\0';
	if (st->action.is_not ? n > 0 : n >= st->action.count)
		return 0;
	if (!cand_action(S, st, n, named, action, sizeof(action)) ||
	    !cand_principal(&k, st, principal, sizeof(principal), &k.service))
		return 0;
	{
		struct iamp_caller cl;

		iamp_caller_parse(&cl, principal, strlen(principal));
		/* keys of IAM principals: S->iam (any caller with an account) */
		person = cl.kind != IAMP_CALLER_ANONYMOUS && cl.kind != IAMP_CALLER_SERVICE;
		k.service = cl.kind == IAMP_CALLER_SERVICE;
	}
	if (!st->resource.present)
		snprintf(resource, sizeof(resource), "arn:aws:iam::%s:role/example", k.account);
	else if (st->resource.is_not)
		snprintf(resource, sizeof(resource), "*");
	else if (!st->resource.count)
		goto none;
	else if (st->resource.items[0].len == 1 && st->resource.items[0].text[0] == '*')
		snprintf(resource, sizeof(resource), "*");
	else if (!cand_fill(&k, resource, sizeof(resource), st->resource.items[0].text,
			    st->resource.items[0].len, true))
		goto none;
	/* the statement's own conditions first, then the keys AWS always
	 * sends that the policy's other statements read, then those that
	 * the other policies of the question read */
	rc = cand_statement(&k, pol, st, 0, avoid, person);
	for (size_t i = 0; i < pol->statement_count && !rc; i++)
		if (&pol->statements[i] != st)
			rc = cand_statement(&k, pol, &pol->statements[i], 1, avoid, person);
	for (size_t e = 0; e < k.nevs && !rc; e++) {
		for (size_t pi = 0; pi < k.evs[e]->npols && !rc; pi++) {
			const struct iamp_policy *pp = k.evs[e]->pols[pi].src;

			for (size_t i = 0; pp != pol && i < pp->statement_count && !rc; i++)
				rc = cand_statement(&k, pol, &pp->statements[i], 2, avoid, person);
		}
	}
	if (rc == IAMP_ENOMEM)
		goto oom;
	if (rc)
		goto none;
	/* the keys tied to the principal and the resource */
	snprintf(racct, sizeof(racct), "%s", k.account);
	if (person && iamp_arn_split(principal, strlen(principal), f, fl) && fl[4] == 12)
		snprintf(racct, sizeof(racct), "%.*s", (int)fl[4], f[4]);
	if (person) {
		const char *user = strstr(principal, ":user/");

		if (cand_reads_any(&k, pol, "aws:PrincipalArn")) {
			/* a session's is its role's ARN */
			struct iamp_caller cl;
			char role[600];

			iamp_caller_parse(&cl, principal, strlen(principal));
			cand_key(&k, "aws:PrincipalArn", 16,
				 iamp_caller_role_arn(role, sizeof(role), &cl) ? role : principal, false);
		}
		if (cand_reads_any(&k, pol, "aws:PrincipalAccount"))
			cand_key(&k, "aws:PrincipalAccount", 20, racct, false);
		if (user && cand_reads_any(&k, pol, "aws:username"))
			cand_key(&k, "aws:username", 12, strrchr(principal, '/') + 1, false);
	}
	if (iamp_arn_split(resource, strlen(resource), f, fl) && fl[4] == 12)
		snprintf(racct, sizeof(racct), "%.*s", (int)fl[4], f[4]);
	cand_key(&k, "aws:ResourceAccount", 19, racct, false);
	if (k.oom || !(c->principal = strdup(principal)) || !(c->action = strdup(action)) ||
	    !(c->resource = strdup(resource)))
		goto oom;
	return 1;
none:
	iamp_cex_free(c);
	return 0;
oom:
	iamp_cex_free(c);
	return iamp_error_set(IAMP_ENOMEM, "out of memory");
}

/* Candidate options for a scope: its first account, and the policies
 * whose keys AWS always sends get values. */
static void cand_opts(struct cand *opt, const struct iamp_scope *sc, const struct iamp_evaluator *const *evs,
		      size_t nevs)
{
	memset(opt, 0, sizeof(*opt));
	opt->account = sc->accounts && sc->naccounts ? sc->accounts[0] : CAND_ACCOUNT;
	opt->account_fixed = sc->accounts != NULL;
	opt->evs = evs;
	opt->nevs = nevs;
}

/* The request is one the question's scope admits (scope_term, concretely). */
static bool cand_in_scope(const struct iamp_scope *sc, const struct iamp_evaluator *ev,
			  const struct iamp_cex *c)
{
	struct iamp_caller cl;
	const char *racct = NULL;

	if (iamp_equals_ignore_case(c->action, strlen(c->action), "sts:getcalleridentity", 21))
		return false;
	iamp_caller_parse(&cl, c->principal, strlen(c->principal));
	if (sc->kinds && !(sc->kinds & IAMP_SCOPE_KIND(cl.kind)))
		return false;
	if (sc->no_slr && cl.slr)
		return false;
	if (sc->accounts) {
		bool in = false;

		for (size_t i = 0; cl.account && i < sc->naccounts; i++)
			in |= strlen(sc->accounts[i]) == cl.account_len &&
			      memcmp(sc->accounts[i], cl.account, cl.account_len) == 0;
		if (!in)
			return false;
	}
	if (sc->not_management && ev && ev->mgmt_len && cl.account && cl.account_len == ev->mgmt_len &&
	    memcmp(cl.account, ev->mgmt, ev->mgmt_len) == 0)
		return false;
	for (size_t i = 0; i < c->nkeys; i++)
		if (strcasecmp(c->keys[i].name, "aws:ResourceAccount") == 0 && c->keys[i].count)
			racct = c->keys[i].values[0];
	if (sc->no_owner_root && cl.kind == IAMP_CALLER_ROOT &&
	    (!racct || !cl.account || (strlen(racct) == cl.account_len &&
				       memcmp(racct, cl.account, cl.account_len) == 0)))
		return false;
	return true;
}

/*
 * A counterexample among the candidates of the request set's statements
 * (the solver is not asked when one is found): a request of the set, in
 * the scope, that the target decides against the expectation; replayed
 * here, so *out is a finding as good as a model's. Returns 1 (found), 0
 * or an error.
 */
/* The candidate in *out, in the scope, breaks the question's
 * expectation (replayed). Returns 1, 0 or an error. */
static int cand_breaks(const struct iamp_prove_query *q, const struct iamp_cex *out)
{
	enum iamp_decision d, dr = IAMP_DECISION_IMPLICIT_DENY;
	bool member = false;
	int rc;

	if (!cand_in_scope(&q->scope, q->target, out))
		return 0;
	if ((rc = replay(q->target, out, &d, NULL)) || (rc = replay(q->set, out, &dr, &member)) ||
	    (q->reference && (rc = replay(q->reference, out, &dr, NULL))))
		return rc;
	return breaks(q->expect, member, d, dr);
}

static int prove_candidate(struct smt *S, const struct iamp_prove_query *q, struct iamp_cex *out)
{
	const struct iamp_evaluator *evs[2] = { q->target, q->reference };
	struct cand opt;
	int rc = 0;

	cand_opts(&opt, &q->scope, evs, q->reference ? 2 : 1);
	for (size_t i = 0; i < q->set->npols && !rc; i++) {
		const struct cpolicy *p = &q->set->pols[i];

		for (size_t j = 0; j < p->nstmts && !rc; j++) {
			const struct cstmt *s = &p->stmts[j];

			if (!s->usable || s->deny)
				continue;
			/* each entry, without and with values that make the
			 * target's Deny conditions false; then the other values
			 * that other policies name for a key, one by one */
			for (unsigned n = 0; n < 32 + 255 && !rc; n++) {
				struct cand o2 = opt;
				bool used = false;
				int got;

				if (n >= 32) {
					o2.variant = n - 31;
					o2.used_other = &used;
				}
				got = n < 32 ? candidate(S, p->src, s->src, n / 2, n % 2, NULL, &o2, out)
					     : candidate(S, p->src, s->src, 0, true, NULL, &o2, out);
				if (got <= 0) {
					if (got < 0)
						return got;
					if (n >= 32)
						break;
					continue;
				}
				if (n >= 32 && !used) {
					iamp_cex_free(out);
					break; /* no further value */
				}
				if ((rc = cand_breaks(q, out)) == 1)
					return 1;
				iamp_cex_free(out);
			}
			/* callers a target's Deny exempts by a negated
			 * aws:PrincipalArn (StringNotLike role/stacksets-exec-*),
			 * where the set leaves the caller open */
			for (size_t e = 0; e < q->target->npols && !rc; e++) {
				const struct iamp_policy *tp = q->target->pols[e].src;

				for (size_t t = 0; t < tp->statement_count && !rc; t++) {
					const struct iamp_statement *ts = &tp->statements[t];

					if (ts->effect != IAMP_EFFECT_DENY)
						continue;
					for (size_t c = 0; c < ts->condition_count && !rc; c++) {
						const struct iamp_condition *cd = &ts->conditions[c];

						if (!cd->op || !cd->op->negated ||
						    !iamp_equals_ignore_case(cd->key.text, cd->key.len,
									     "aws:principalarn", 16))
							continue;
						for (size_t w = 0; w < cd->value_count && w < 16 && !rc; w++) {
							struct cand o3 = opt;
							int got;

							if (memmem(cd->values[w].text.text, cd->values[w].text.len, "${", 2))
								continue;
							o3.caller_hint = &cd->values[w].text;
							got = candidate(S, p->src, s->src, 0, true, NULL, &o3, out);
							if (got < 0)
								return got;
							if (got && (rc = cand_breaks(q, out)) == 1)
								return 1;
							if (got)
								iamp_cex_free(out);
						}
					}
				}
			}
		}
	}
	return rc;
}

/*
 * Witnesses of a comparison among the candidates of the allowing side's
 * Allow statements (d = 0: NEW's, 1: OLD's): allowed by that side, not by
 * the other, in the scope and the set; distinct actions. Replayed here.
 */
static int diff_candidates(const struct iamp_diff_query *q, int d, struct iamp_cex *w, unsigned want,
			   size_t *nw)
{
	const struct iamp_evaluator *yes = d == 0 ? q->new_target : q->old_target;
	const struct iamp_evaluator *no = d == 0 ? q->old_target : q->new_target;
	const struct iamp_evaluator *evs[3] = { yes, no, q->set };
	struct cand opt;
	int rc = 0;

	cand_opts(&opt, &q->scope, evs, q->set ? 3 : 2);
	/* Pass 0: the Denies of `no` that lie within no Deny of the same
	 * policy of `yes` (contain.h): requests they deny and `yes` may
	 * not; pass 1: the Allows of `yes` that lie within no Allow of
	 * `no`, where a witness is likeliest; pass 2: the other Allows,
	 * which a Deny of `no` alone may tell apart. */
	for (int pass = 0; pass < 3 && *nw < want && !rc; pass++)
	for (size_t i = 0; i < (pass ? yes : no)->npols && *nw < want && !rc; i++) {
		const struct cpolicy *p = &(pass ? yes : no)->pols[i];
		const struct cpolicy *other = i < (pass ? no : yes)->npols ? &(pass ? no : yes)->pols[i] : NULL;

		for (size_t j = 0; j < p->nstmts && *nw < want && !rc; j++) {
			const struct cstmt *s = &p->stmts[j];

			if (!s->usable || s->deny != (pass == 0) ||
			    (other && iamp_statement_within_policy(s->src, other->src)) != (pass == 2))
				continue;
			for (size_t n = 0; n < 32 && *nw < want; n++) {
				struct iamp_cex *c = &w[*nw];
				enum iamp_decision dy, dn, ds;
				bool member = true, dup = false;
				int got = candidate(NULL, p->src, s->src, n / 2, n % 2, NULL, &opt, c);

				if (got < 0)
					return got;
				if (!got)
					continue;
				for (size_t k = 0; k < *nw; k++)
					dup |= strcasecmp(w[k].action, c->action) == 0;
				if (dup || !cand_in_scope(&q->scope, q->new_target, c) ||
				    (rc = replay(yes, c, &dy, NULL)) || (rc = replay(no, c, &dn, NULL)) ||
				    (q->set && (rc = replay(q->set, c, &ds, &member))) ||
				    !member || dy != IAMP_DECISION_ALLOWED || dn == IAMP_DECISION_ALLOWED) {
					iamp_cex_free(c);
					if (rc)
						return rc;
					continue;
				}
				(*nw)++;
			}
		}
	}
	return rc;
}

/*
 * Some candidate of `ev`'s Allow statements, in the scope, that `ev`
 * allows (member: that some statement of `ev` applies to, for a request
 * set). Keys AWS always sends that `evs` read get values. Returns 1, 0
 * or an error.
 */
static int any_candidate(const struct iamp_evaluator *ev, const struct iamp_scope *sc, bool member,
			 const struct iamp_evaluator *const *evs, size_t nevs)
{
	struct cand opt;
	int rc = 0;

	cand_opts(&opt, sc, evs, nevs);
	for (size_t i = 0; i < ev->npols && !rc; i++) {
		const struct cpolicy *p = &ev->pols[i];

		for (size_t j = 0; j < p->nstmts && !rc; j++) {
			const struct cstmt *s = &p->stmts[j];

			for (size_t n = 0; n < 8 && s->usable && !s->deny && !rc; n++) {
				struct iamp_cex c;
				enum iamp_decision d;
				bool in = false;
				int got = candidate(NULL, p->src, s->src, n / 2, n % 2, NULL, &opt, &c);

				if (got <= 0) {
					if (got < 0)
						rc = got;
					continue;
				}
				if (cand_in_scope(sc, ev, &c) && !(rc = replay(ev, &c, &d, &in)) &&
				    (member ? in : d == IAMP_DECISION_ALLOWED)) {
					iamp_cex_free(&c);
					return 1;
				}
				iamp_cex_free(&c);
			}
		}
	}
	return rc;
}

int iamp_smt_semantic(struct iamp_semantic_result *out, const struct iamp_semantic_query *q)
{
	const struct iamp_evaluator *ev = q->ev;
	const struct iamp_evaluator *evs[1] = { ev };
	double deadline = trace_ms() + (q->budget_ms ? q->budget_ms : 5000);
	const struct cpolicy *p;
	const struct iamp_policy *pol;
	struct sem_stmt *t = NULL;
	struct svcnames named = { 0 };
	struct iamp_scope sc;
	bool *applies = NULL;
	Z3_ast base, deny_any, in_named;
	struct smt S;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!ev || ev->npols != 1)
		return iamp_error_set(IAMP_EINVAL, "semantic checks read one policy");
	p = &ev->pols[0];
	pol = p->src;
	if ((rc = smt_open(&S, evs, 1, &base))) {
		smt_free(&S);
		return rc;
	}
	memset(&sc, 0, sizeof(sc));
	if (p->type == IAMP_POLICY_SCP)
		iamp_scope_governed(&sc);
	base = and2(&S, base, scope_term(&S, &sc, ev));
	t = calloc(p->nstmts + 1, sizeof(*t));
	applies = calloc(pol->statement_count + 1, sizeof(*applies));
	if (!t || !applies) {
		rc = iamp_error_set(IAMP_ENOMEM, "out of memory");
		goto done;
	}
	deny_any = F(&S);
	for (size_t i = 0; i < p->nstmts; i++) {
		sem_terms(&S, p, &p->stmts[i], &t[i]);
		if (p->stmts[i].deny)
			deny_any = or2(&S, deny_any, t[i].any);
	}
	svc_collect(&named, pol);
	in_named = actions_where(&S, pred_named, &named);
	if (named.oom) {
		rc = iamp_error_set(IAMP_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = z3_check_failure(&S)))
		goto done;
	if (S.unsupported[0]) {
		for (size_t i = 0; i < p->nstmts; i++)
			out->undecided += p->stmts[i].usable;
		snprintf(out->reason, sizeof(out->reason), "unsupported: %s", S.unsupported);
		goto done;
	}
	for (size_t i = 0; i < p->nstmts && !rc; i++) {
		const struct cstmt *s = &p->stmts[i];
		struct iamp_cex w;
		Z3_lbool res;
		bool covered = false, resource_allow;
		size_t si = s->src->index;

		if (!s->usable || si >= pol->statement_count)
			continue;
		resource_allow = !s->deny && p->type != IAMP_POLICY_SCP && p->type != IAMP_POLICY_RCP &&
				 s->check_principal;
		/* 1. does it apply to anything? Candidates first, then the
		 * solver. The statement may be redundant only if every request
		 * seen that it applies to is covered by another statement. */
		{
			bool seen = false;

			covered = true;
			for (size_t n = 0; n < 16 && !rc; n++) {
				int got = candidate(&S, pol, s->src, n / 2, n % 2, NULL, NULL, &w);

				if (got < 0)
					rc = got;
				if (got <= 0)
					continue;
				rc = sem_replay(ev, pol, &w, applies);
				iamp_cex_free(&w);
				if (!rc && applies[si]) {
					seen = true;
					covered = covered && sem_covered(pol, si, s->deny, applies);
					if (!covered)
						break;
				}
			}
			if (rc)
				break;
			if (!seen) {
				memset(&w, 0, sizeof(w));
				if ((rc = sem_ask(&S, and2(&S, base, t[i].any), false, deadline, &res, &w, out)))
					break;
				if (res == Z3_L_UNDEF)
					continue;
				if (res == Z3_L_FALSE) {
					rc = sem_add(out, IAMP_STMT_NEVER_APPLIES, s->src, NULL);
					continue;
				}
				rc = sem_replay(ev, pol, &w, applies);
				if (!rc && !applies[si])
					rc = iamp_error_set(IAMP_EINTERNAL,
							    "a witness does not replay: statement %zu does not "
							    "apply to %s %s on %s",
							    si + 1, w.principal, w.action, w.resource);
				covered = !rc && sem_covered(pol, si, s->deny, applies);
				iamp_cex_free(&w);
				if (rc)
					break;
			}
		}
		/* 2. does removing it change a decision? Only asked when the
		 * witness did not already show that it does. */
		if (covered) {
			Z3_ast rest = F(&S), phi;

			if (s->deny) {
				for (size_t j = 0; j < p->nstmts; j++)
					if (j != i && p->stmts[j].deny)
						rest = or2(&S, rest, t[j].any);
				phi = and2(&S, t[i].any, not1(&S, rest));
			} else if (resource_allow) {
				phi = F(&S);
				for (int k = 0; k < 3; k++) {
					Z3_ast other = F(&S);

					for (size_t j = 0; j < p->nstmts; j++)
						if (j != i && !p->stmts[j].deny)
							other = or2(&S, other, t[j].pm[k]);
					phi = or2(&S, phi, and2(&S, t[i].pm[k], not1(&S, other)));
				}
				phi = and2(&S, phi, not1(&S, deny_any));
			} else {
				for (size_t j = 0; j < p->nstmts; j++)
					if (j != i)
						rest = or2(&S, rest, t[j].any);
				phi = and2(&S, t[i].any, not1(&S, rest));
			}
			if ((rc = sem_ask(&S, and2(&S, base, phi), false, deadline, &res, NULL, out)))
				break;
			if (res == Z3_L_FALSE) {
				rc = sem_add(out, s->deny ? IAMP_STMT_INEFFECTIVE_DENY : IAMP_STMT_REDUNDANT_ALLOW,
					     s->src, NULL);
				continue;
			}
		}
		/* 3. an Allow with NotAction or NotResource: what else it grants */
		if (!s->deny && (s->not_action || s->not_resource)) {
			Z3_ast phi = and2(&S, and2(&S, t[i].any, not1(&S, deny_any)), not1(&S, in_named));

			int got = 0;

			for (size_t n = 0; n < 16 && !got && !rc; n++) {
				bool denied = false;

				if ((got = candidate(&S, pol, s->src, n, true, &named, NULL, &w)) < 0)
					rc = got;
				if (got <= 0)
					continue;
				if ((rc = sem_replay(ev, pol, &w, applies)))
					break;
				for (size_t j = 0; j < pol->statement_count; j++)
					denied |= applies[j] && pol->statements[j].effect == IAMP_EFFECT_DENY;
				if (!applies[si] || denied) {
					iamp_cex_free(&w);
					got = 0;
				}
			}
			if (rc) {
				iamp_cex_free(&w);
				break;
			}
			if (!got) {
				memset(&w, 0, sizeof(w));
				if ((rc = sem_ask(&S, and2(&S, base, phi), true, deadline, &res, &w, out)))
					break;
				if (res != Z3_L_TRUE)
					continue;
			}
			rc = sem_replay(ev, pol, &w, applies);
			if (!rc) {
				bool denied = false;

				for (size_t j = 0; j < pol->statement_count; j++)
					denied |= applies[j] && pol->statements[j].effect == IAMP_EFFECT_DENY;
				if (!applies[si] || denied || svc_named(&named, w.action, strlen(w.action)))
					rc = iamp_error_set(IAMP_EINTERNAL,
							    "an example does not replay: %s %s on %s",
							    w.principal, w.action, w.resource);
			}
			if (!rc)
				rc = sem_add(out, IAMP_STMT_NOT_GRANTS_MORE, s->src, &w);
			iamp_cex_free(&w);
		}
	}
done:
	if (rc)
		iamp_semantic_result_free(out);
	svc_free(&named);
	free(t);
	free(applies);
	smt_free(&S);
	return rc;
}

/* ---- does a target allow anything ---------------------------------------------- */

int iamp_smt_allows_any(int *answer, char *reason, size_t cap, const struct iamp_evaluator *target,
			const struct iamp_scope *sc, unsigned timeout_ms)
{
	const struct iamp_evaluator *evs[1] = { target };
	struct target_terms tt;
	struct smt S;
	Z3_ast base;
	Z3_lbool res;
	unsigned calls = 0;
	int rc;

	*answer = -1;
	if (cap)
		reason[0] = '\0';
	if ((rc = smt_open(&S, evs, 1, &base))) {
		smt_free(&S);
		return rc;
	}
	/* candidates first: the target's own Allow statements spell out
	 * requests it may allow */
	rc = any_candidate(target, sc, false, evs, 1);
	if (rc == 1) {
		*answer = 1;
		rc = 0;
	}
	if (!rc && *answer < 0) {
		target_build(&S, target, sc, &tt);
		base = and2(&S, base, scope_term(&S, sc, target));
		if (!(rc = z3_check_failure(&S))) {
			if (S.unsupported[0]) {
				snprintf(reason, cap, "unsupported: %s", S.unsupported);
			} else if (!(rc = ask_witness(&S, and2(&S, base, tt.allowed), sc, timeout_ms ? timeout_ms : 10000,
						      &res, reason, cap, &calls))) {
				if (res == Z3_L_TRUE)
					*answer = 1;
				else if (res == Z3_L_FALSE)
					*answer = 0;
			}
		}
	}
	smt_free(&S);
	return rc;
}
