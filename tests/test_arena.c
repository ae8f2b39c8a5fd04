/*
 * test_arena.c - the bump allocator (arena.c): iamp_arena_alloc's memory
 * is zero-filled and iamp_arena_strndup's is a NUL-terminated copy, even
 * in a chunk that iamp_arena_reset() hands out again with old bytes in it
 * (strndup does not zero first: it writes every byte itself).
 */
#include <check.h>
#include <stdint.h>
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

Suite *suite_arena(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, alloc_zeroed, 0, N(sizes));
	tcase_add_loop_test(tc, strndup_copy, 0, N(sizes));
	tcase_add_test(tc, distinct);
	suite_add_tcase(s, tc);
	return s;
}
