/*
 * test_arena.c - the bump allocator (arena.c): iamp_arena_alloc's memory
 * is zero-filled and iamp_arena_strndup's is a NUL-terminated copy, even
 * in a chunk that iamp_arena_reset() hands out again with old bytes in it
 * (strndup does not zero first: it writes every byte itself). Chunks go
 * back to a pool that every arena of every thread takes from (arena.c):
 * arenas alive at once, and on several threads, never share a byte.
 */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Fills a first allocation with 0xAA and resets, so that the next ones
 * land on dirty memory (when the arena keeps its chunk, as a release
 * build does). */
static struct iamp_arena *dirty_arena(void)
{
	struct iamp_arena *arena = iamp_arena_new();
	char *p;

	ck_assert_ptr_nonnull(arena);
	p = iamp_arena_alloc(arena, 4096);
	ck_assert_ptr_nonnull(p);
	memset(p, 0xAA, 4096);
	iamp_arena_reset(arena);
	return arena;
}

static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 4095 };

START_TEST(alloc_zeroed)
{
	struct iamp_arena *arena = dirty_arena();
	size_t n = sizes[_i];
	unsigned char *p = iamp_arena_alloc(arena, n);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(p[i] == 0, "byte %zu of %zu is 0x%02X", i, n, p[i]);
	iamp_arena_free(arena);
}
END_TEST

START_TEST(strndup_copy)
{
	struct iamp_arena *arena = dirty_arena();
	size_t n = sizes[_i];
	char src[4096];
	char *p;

	for (size_t i = 0; i < n; i++)
		src[i] = (char)('a' + i % 26);
	p = iamp_arena_strndup(arena, src, n);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(memcmp(p, src, n), 0);
	ck_assert_msg(p[n] == '\0', "not NUL-terminated at %zu", n);
	/* the next allocation is zeroed all the same */
	{
		unsigned char *q = iamp_arena_alloc(arena, 64);

		ck_assert_ptr_nonnull(q);
		for (size_t i = 0; i < 64; i++)
			ck_assert_uint_eq(q[i], 0);
	}
	iamp_arena_free(arena);
}
END_TEST

/* Allocations of every size, small ones bumped in a chunk, big ones
 * (over a quarter of a chunk) in chunks of their own, several chunks
 * over: each is 16-byte aligned and none overlaps another (each keeps
 * the pattern written into it), and iamp_arena_used() counts them. */
START_TEST(distinct)
{
	struct iamp_arena *arena = iamp_arena_new();
	static const size_t each[] = { 1, 16, 33, 500, 20000, 7, 70000, 3 };
	unsigned char *p[400];
	size_t len[400], total = 0;

	ck_assert_ptr_nonnull(arena);
	for (size_t i = 0; i < N(p); i++) {
		len[i] = each[i % N(each)];
		p[i] = i % 2 ? iamp_arena_take(arena, len[i]) : iamp_arena_alloc(arena, len[i]);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_uint_eq((uintptr_t)p[i] % 16, 0);
		memset(p[i], (int)(i & 0xFF), len[i]);
		total += (len[i] + 15) / 16 * 16;
	}
	for (size_t i = 0; i < N(p); i++) {
		size_t k = 0;

		while (k < len[i] && p[i][k] == (i & 0xFF))
			k++;
		ck_assert_msg(k == len[i], "allocation %zu overwritten at %zu", i, k);
	}
	ck_assert_uint_eq(iamp_arena_used(arena), total);
	iamp_arena_free(arena);
}
END_TEST

/* Sizes that take every path of take_chunk: bumps, blocks over a
 * quarter of a chunk that fit one (a pooled chunk), over a chunk (one of
 * their own), and a chunk's size exactly. */
static const size_t mix[] = { 24, 20000, 3, 40000, 512, 65536, 70000, 9, 16384, 16385, 1000 };

struct live {
	struct iamp_arena *arena;
	unsigned char *p[64];
	size_t len[64];
	unsigned char mark;
};

static void live_fill(struct live *l, unsigned char mark, size_t n)
{
	l->arena = iamp_arena_new();
	l->mark = mark;
	ck_assert_ptr_nonnull(l->arena);
	for (size_t i = 0; i < n; i++) {
		l->len[i] = mix[(i + mark) % N(mix)];
		l->p[i] = iamp_arena_take(l->arena, l->len[i]);
		ck_assert_ptr_nonnull(l->p[i]);
		memset(l->p[i], mark, l->len[i]);
	}
}

/* Whether every byte of l's allocations still holds its mark. */
static bool live_intact(const struct live *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < l->len[i]; k++)
			if (l->p[i][k] != l->mark)
				return false;
	return true;
}

/* Eight arenas alive at once, half freed and made again (on chunks the
 * freed ones gave back), the pool emptied between: each keeps its own
 * bytes. A chunk handed to two arenas breaks a mark. */
START_TEST(live_arenas)
{
	struct live l[8];

	for (size_t a = 0; a < N(l); a++)
		live_fill(&l[a], (unsigned char)(a + 1), 40);
	for (size_t a = 0; a < N(l); a += 2)
		iamp_arena_free(l[a].arena);
	for (size_t a = 0; a < N(l); a += 2)
		live_fill(&l[a], (unsigned char)(0x80 + a), 40);
	iamp_arena_pool_release();
	for (size_t a = 1; a < N(l); a += 2) {
		iamp_arena_reset(l[a].arena);
		iamp_arena_free(l[a].arena);
		live_fill(&l[a], (unsigned char)(0x40 + a), 40);
	}
	for (size_t a = 0; a < N(l); a++) {
		ck_assert_msg(live_intact(&l[a], 40), "arena %zu overwritten", a);
		iamp_arena_free(l[a].arena);
	}
}
END_TEST

static void *churn(void *arg)
{
	unsigned char mark = (unsigned char)(uintptr_t)arg;
	struct live *l = malloc(sizeof(*l));

	if (!l)
		return (void *)"out of memory";
	for (int round = 0; round < 60; round++) {
		live_fill(l, mark, 24);
		if (!live_intact(l, 24)) {
			iamp_arena_free(l->arena);
			free(l);
			return (void *)"overwritten";
		}
		iamp_arena_free(l->arena);
	}
	free(l);
	return NULL;
}

/* Four threads making and freeing arenas over the one pool (check -j's
 * way): no thread's bytes are another's. */
START_TEST(threads_share_pool)
{
	pthread_t th[4];
	void *why;

	for (uintptr_t t = 0; t < N(th); t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL, churn, (void *)(t + 0x11)), 0);
	for (size_t t = 0; t < N(th); t++) {
		ck_assert_int_eq(pthread_join(th[t], &why), 0);
		ck_assert_msg(why == NULL, "thread %zu: %s", t, why ? (const char *)why : "");
	}
	iamp_arena_pool_release();
}
END_TEST

#ifndef IAMP_DEBUG_ARENA
/* A freed arena's chunk is the next arena's: memory touched already
 * (the debug build, which passes everything to malloc, has no pool). */
START_TEST(pool_reuses)
{
	struct iamp_arena *a = iamp_arena_new(), *b;
	void *p, *q;

	ck_assert_ptr_nonnull(a);
	p = iamp_arena_take(a, 100);
	ck_assert_ptr_nonnull(p);
	iamp_arena_free(a);
	b = iamp_arena_new();
	ck_assert_ptr_nonnull(b);
	q = iamp_arena_take(b, 100);
	ck_assert_ptr_eq(p, q);
	iamp_arena_free(b);
}
END_TEST
#endif

Suite *suite_arena(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, alloc_zeroed, 0, N(sizes));
	tcase_add_loop_test(tc, strndup_copy, 0, N(sizes));
	tcase_add_test(tc, distinct);
	tcase_add_test(tc, live_arenas);
	tcase_add_test(tc, threads_share_pool);
#ifndef IAMP_DEBUG_ARENA
	tcase_add_test(tc, pool_reuses);
#endif
	suite_add_tcase(s, tc);
	return s;
}
