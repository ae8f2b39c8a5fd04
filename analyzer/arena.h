/*
 * arena.h - one bump allocator per loaded document.
 *
 * A document's source text, line map, value tree, AST and strings all live
 * in one arena; iamp_arena_free() releases everything at once, so no node
 * has an owner of its own and nothing is freed piecemeal.
 *
 *   arena ─▶ chunk ─▶ chunk ─▶ chunk      (each chunk: [used ...... free])
 *
 * Allocations are 16-byte aligned. A chunk is 64 KiB or, for a larger
 * request, exactly that request. Building with -DIAMP_DEBUG_ARENA passes
 * every allocation to malloc (kept on a list) so that AddressSanitizer and
 * valgrind see overruns, as libgit2's GIT_DEBUG_POOL does.
 *
 * Allocation failure returns NULL; callers report IAMP_ENOMEM.
 */
#ifndef IAMP_ARENA_H
#define IAMP_ARENA_H

#include <stddef.h>
#include <string.h>

struct iamp_arena;

struct iamp_arena *iamp_arena_new(void);
void iamp_arena_free(struct iamp_arena *arena);

/* n bytes, not zeroed, or NULL: for callers that write every byte. */
void *iamp_arena_take(struct iamp_arena *arena, size_t n);

/* Zero-filled memory of n bytes, or NULL. Inline, so that clearing a
 * node of a size known where it is called is a few stores, not a call
 * to memset (which cost more than the small nodes it cleared). */
static inline void *iamp_arena_alloc(struct iamp_arena *arena, size_t n)
{
	void *p = iamp_arena_take(arena, n);

	if (p)
		memset(p, 0, n);
	return p;
}

/* A NUL-terminated copy of s[0..n), or NULL. */
char *iamp_arena_strndup(struct iamp_arena *arena, const char *s, size_t n);
/* Total bytes handed out (for benchmarks and caps). */
size_t iamp_arena_used(const struct iamp_arena *arena);

/* Forgets every allocation, keeping one chunk for the next ones: an
 * arena reused per request (simulate) costs no malloc once warm. */
void iamp_arena_reset(struct iamp_arena *arena);

/* Frees the malloc'ed chunks kept for reuse (arena.c's pool; the
 * caller's own chunks first go to it). The commands never call it: what
 * the pool keeps at exit is still reachable, not a leak; the tests call
 * it to empty the pool between cases. Arenas made afterwards work as
 * before. */
void iamp_arena_pool_release(void);

#endif
