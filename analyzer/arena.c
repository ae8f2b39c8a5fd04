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

/* n bytes, not zeroed: for callers that write every byte at once. */
static void *take(struct iamp_arena *arena, size_t n)
{
	struct chunk *c;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
#ifdef IAMP_DEBUG_ARENA
	c = chunk_new(n);
	if (!c)
		return NULL;
	c->next = arena->head;
	arena->head = c;
#else
	c = arena->head;
	if (!c || c->size - c->used < n) {
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
	}
#endif
	p = (char *)c->data + c->used;
	c->used += n;
	arena->total += n;
	return p;
}

void *iamp_arena_alloc(struct iamp_arena *arena, size_t n)
{
	void *p = take(arena, n);

	if (p)
		memset(p, 0, n);
	return p;
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
