/*
 * pattern.c - compiling and resolving policy strings; see pattern.h.
 */
#include "pattern.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "context.h"
#include "error.h"
#include "match.h"
#include "variables.h"

#define MAX_VARS 32 /* on the stack; more are scanned again into the arena */

static char *copy_text(struct iamp_arena *a, const char *s, size_t len, bool wild)
{
	char *out = iamp_arena_alloc(a, len + 1);

	if (!out)
		return NULL;
	if (wild)
		iamp_wild_compile(out, s, len);
	else
		memcpy(out, s, len);
	return out;
}

int iamp_pattern_compile(struct iamp_pattern *out, struct iamp_arena *a, const char *s,
			 size_t len, bool vars, bool wild)
{
	struct iamp_var stack[MAX_VARS], *v = stack;
	size_t nv = 0, err_off;
	const char *err;
	bool keys = false;

	memset(out, 0, sizeof(*out));
	if (vars && iamp_vars_present(s, len) &&
	    iamp_vars_scan(s, len, v, MAX_VARS, &nv, &err_off, &err) == 0) {
		if (nv > MAX_VARS) {
			v = iamp_arena_alloc(a, nv * sizeof(*v));
			if (!v || iamp_vars_scan(s, len, v, nv, &nv, &err_off, &err) != 0)
				return IAMP_ENOMEM;
		}
		for (size_t i = 0; i < nv; i++)
			keys |= v[i].kind == IAMP_VAR_KEY;
	} else {
		nv = 0;
	}
	if (nv == 0) {
		out->text = copy_text(a, s, len, wild);
		out->len = (uint32_t)len;
		return out->text ? 0 : IAMP_ENOMEM;
	}
	if (!keys) {
		/* Only ${*} ${?} ${$}: one literal string. */
		char *t = iamp_arena_alloc(a, len + 1);
		size_t n = 0, pos = 0;

		if (!t)
			return IAMP_ENOMEM;
		for (size_t i = 0; i < nv; i++) {
			if (wild)
				iamp_wild_compile(t + n, s + pos, v[i].start - pos);
			else
				memcpy(t + n, s + pos, v[i].start - pos);
			n += v[i].start - pos;
			t[n++] = v[i].kind == IAMP_VAR_STAR ? '*' : v[i].kind == IAMP_VAR_QUESTION ? '?' : '$';
			pos = v[i].end;
		}
		if (wild)
			iamp_wild_compile(t + n, s + pos, len - pos);
		else
			memcpy(t + n, s + pos, len - pos);
		n += len - pos;
		out->text = t;
		out->len = (uint32_t)n;
		return 0;
	}
	struct iamp_pattern_piece *p = iamp_arena_alloc(a, (2 * nv + 1) * sizeof(*p));
	char *lit = iamp_arena_alloc(a, len + 1);
	size_t np = 0, n = 0, pos = 0, lit_start = 0;

	if (!p || !lit)
		return IAMP_ENOMEM;
	for (size_t i = 0; i <= nv; i++) {
		size_t end = i < nv ? v[i].start : len;

		if (wild)
			iamp_wild_compile(lit + n, s + pos, end - pos);
		else
			memcpy(lit + n, s + pos, end - pos);
		n += end - pos;
		if (i == nv)
			break;
		pos = v[i].end;
		if (v[i].kind != IAMP_VAR_KEY) {
			lit[n++] = v[i].kind == IAMP_VAR_STAR ? '*' : v[i].kind == IAMP_VAR_QUESTION ? '?' : '$';
			continue;
		}
		if (n > lit_start) {
			p[np].text = lit + lit_start;
			p[np++].len = (uint32_t)(n - lit_start);
		}
		lit_start = n;
		p[np].is_var = true;
		p[np].text = v[i].key;
		p[np].len = (uint32_t)v[i].key_len;
		p[np].has_def = v[i].has_default;
		p[np].def = v[i].def;
		p[np++].def_len = (uint32_t)v[i].def_len;
	}
	if (n > lit_start) {
		p[np].text = lit + lit_start;
		p[np++].len = (uint32_t)(n - lit_start);
	}
	out->pieces = p;
	out->npieces = (uint32_t)np;
	return 0;
}

/* The single value of a key, for a policy variable; NULL when absent or
 * multi-valued. */
static const struct iamp_ctx_value *var_value(const struct iamp_request *req, const char *key,
					      size_t len, bool empty_unresolved)
{
	const struct iamp_ctx_key *k = iamp_request_key(req, key, len);

	if (!k || k->multi || k->count != 1 || (empty_unresolved && k->values[0].len == 0))
		return NULL;
	return &k->values[0];
}

void iamp_scratch_init(struct iamp_scratch *sc)
{
	sc->buf = sc->stack;
	sc->cap = sizeof(sc->stack);
	sc->oom = false;
}

void iamp_scratch_free(struct iamp_scratch *sc)
{
	if (sc->buf != sc->stack)
		free(sc->buf);
	iamp_scratch_init(sc);
}

static bool scratch_reserve(struct iamp_scratch *sc, size_t need)
{
	if (need <= sc->cap)
		return true;
	if (sc->buf != sc->stack)
		free(sc->buf);
	sc->buf = malloc(need);
	if (!sc->buf) {
		sc->buf = sc->stack;
		sc->cap = sizeof(sc->stack);
		sc->oom = true;
		return false;
	}
	sc->cap = need;
	return true;
}

bool iamp_pattern_resolve(const struct iamp_pattern *p, const struct iamp_request *req,
			  bool strict, struct iamp_scratch *sc, const char **out, size_t *out_len)
{
	size_t n = 0;

	if (!p->npieces) {
		*out = p->text;
		*out_len = p->len;
		return true;
	}
	for (int pass = 0; pass < 2; pass++) {
		n = 0;
		for (uint32_t i = 0; i < p->npieces; i++) {
			const struct iamp_pattern_piece *pc = &p->pieces[i];
			const char *t = pc->text;
			size_t len = pc->len;

			if (pc->is_var) {
				const struct iamp_ctx_value *v = var_value(req, pc->text, pc->len, strict);

				if (v) {
					t = v->text;
					len = v->len;
				} else if (pc->has_def && !(strict && pc->def_len == 0)) {
					t = pc->def;
					len = pc->def_len;
				} else {
					return false;
				}
			}
			if (pass == 1)
				memcpy(sc->buf + n, t, len);
			n += len;
		}
		if (pass == 0 && !scratch_reserve(sc, n + 1))
			return false;
	}
	*out = sc->buf;
	*out_len = n;
	return true;
}
