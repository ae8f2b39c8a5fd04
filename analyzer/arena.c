/*
 * arena.c - chunked bump allocator; see arena.h.
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (64u * 1024u)
#define ALIGN 16u

struct chunk {
	struct chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

struct iamp_arena {
	struct chunk *head;
	size_t total;
};

struct iamp_arena *iamp_arena_new(void)
{
	return calloc(1, sizeof(struct iamp_arena));
}

void iamp_arena_free(struct iamp_arena *arena)
{
	struct chunk *c, *next;

	if (!arena)
		return;
	for (c = arena->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(arena);
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = malloc(sizeof(*c) + size);

	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

/* take() when the current chunk has no room (or in the debug build). */
static __attribute__((noinline)) void *take_chunk(struct iamp_arena *arena, size_t n)
{
	struct chunk *c = arena->head;

#ifdef IAMP_DEBUG_ARENA
	c = chunk_new(n);
	if (!c)
		return NULL;
	c->next = arena->head;
	arena->head = c;
#else
	if (n > CHUNK_SIZE / 4) {
		/* A big block gets a chunk of its own, kept behind the
		 * current one so that its free space is not lost. */
		struct chunk *big = chunk_new(n);

		if (!big)
			return NULL;
		if (c) {
			big->next = c->next;
			c->next = big;
		} else {
			arena->head = big;
		}
		c = big;
	} else {
		c = chunk_new(CHUNK_SIZE);
		if (!c)
			return NULL;
		c->next = arena->head;
		arena->head = c;
	}
#endif
	c->used = n;
	arena->total += n;
	return c->data;
}

/* n bytes, not zeroed, 16-byte aligned. The common case, a bump of the
 * current chunk, is inlined into its callers here. */
static inline void *take(struct iamp_arena *arena, size_t n)
{
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
#ifndef IAMP_DEBUG_ARENA
	{
		struct chunk *c = arena->head;

		if (c && c->size - c->used >= n) {
			void *p = (char *)c->data + c->used;

			c->used += n;
			arena->total += n;
			return p;
		}
	}
#endif
	return take_chunk(arena, n);
}

void *iamp_arena_take(struct iamp_arena *arena, size_t n)
{
	return take(arena, n);
}

char *iamp_arena_strndup(struct iamp_arena *arena, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = take(arena, n + 1); /* every byte is written below */
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t iamp_arena_used(const struct iamp_arena *arena)
{
	return arena->total;
}

void iamp_arena_reset(struct iamp_arena *arena)
{
	struct chunk *c, *next, *keep = NULL;

	for (c = arena->head; c; c = next) {
		next = c->next;
#ifndef IAMP_DEBUG_ARENA
		if (!keep && c->size == CHUNK_SIZE) {
			keep = c;
			continue;
		}
#endif
		free(c);
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	arena->head = keep;
	arena->total = 0;
}
