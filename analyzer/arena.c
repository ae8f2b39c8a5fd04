/*
 * arena.c - chunked bump allocator; see arena.h.
 */
#include "arena.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

#ifndef IAMP_DEBUG_ARENA
/*
 * Where chunks of CHUNK_SIZE come from, for every arena of every thread.
 *
 *   region: REGION_SIZE of address space, aligned to and advised for
 *           transparent huge pages, handed out chunk by chunk (bump)
 *   pool:   the chunks arenas gave back, taken first; a region chunk
 *           always comes back here, a malloc'ed one while POOL_MAX allows
 *   malloc: when both are spent
 *
 * Each is about page faults, which the virtual machines measured make
 * dear (about 13 us each, docs/bench.md): a document's arena is fresh
 * memory, and glibc gives each thread a heap of its own, so under -j N
 * every thread faulted in its own copy of the largest document's
 * memory. From the region, the first touch of each 2 MiB costs one
 * fault (about 110 us there, where 512 small pages cost 6 ms); from the
 * pool, a chunk another thread touched costs none. Where the kernel
 * gives no huge pages (or mmap fails) the region is small pages, or
 * none: the same answers either way.
 */
enum { POOL_MAX = 64 };
#define HUGE_PAGE ((size_t)2 << 20)
#define REGION_SIZE ((size_t)8 << 20)
#define CHUNK_BYTES (sizeof(struct chunk) + CHUNK_SIZE)

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct chunk *pool;    /* under pool_lock, as all below */
static unsigned pooled;       /* malloc'ed chunks in the pool */
static char *region_next, *region_start, *region_end;
static bool region_tried;

static bool in_region(const struct chunk *c)
{
	return region_start && (const char *)c >= region_start && (const char *)c < region_end;
}

static void region_map(void)
{
	char *m, *start;

	region_tried = true;
	m = mmap(NULL, REGION_SIZE + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return;
	start = (char *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
#ifdef MADV_HUGEPAGE
	(void)madvise(start, REGION_SIZE, MADV_HUGEPAGE); /* advice only */
#endif
	region_start = region_next = start;
	region_end = start + REGION_SIZE;
}

/* A thread's own few chunks, in front of the pool: a document takes and
 * gives back a chunk or two, which then costs no lock (the pool's lock
 * was taken 3,324 times a run of check -j 2 over the managed corpus, now
 * 42). A thread's chunks go to the pool when it ends (the key's
 * destructor) or calls iamp_arena_pool_release; without the key, a
 * thread keeps none. */
enum { LOCAL_MAX = 4 };
static _Thread_local struct chunk *local;
static _Thread_local unsigned nlocal;
static pthread_key_t local_key;
static pthread_once_t local_once = PTHREAD_ONCE_INIT;
static bool local_keyed;

static void pool_put(struct chunk *list);

static void local_flush(void *unused)
{
	struct chunk *c = local;

	(void)unused;
	local = NULL;
	nlocal = 0;
	if (c)
		pool_put(c);
}

static void local_key_make(void)
{
	local_keyed = pthread_key_create(&local_key, local_flush) == 0;
}

/* Keeps c (of CHUNK_SIZE) in the thread's own list, if there is room. */
static bool local_keep(struct chunk *c)
{
	if (nlocal == LOCAL_MAX)
		return false;
	if (!local) {
		(void)pthread_once(&local_once, local_key_make);
		/* the destructor runs only for a key with a value set */
		if (!local_keyed || pthread_setspecific(local_key, &local_key) != 0)
			return false;
	}
	c->next = local;
	local = c;
	nlocal++;
	return true;
}

static struct chunk *pool_take(void)
{
	struct chunk *c = local;

	if (c) {
		local = c->next;
		nlocal--;
		return c;
	}
	pthread_mutex_lock(&pool_lock);
	if (pool) {
		c = pool;
		pool = c->next;
		if (!in_region(c))
			pooled--;
	} else {
		if (!region_tried)
			region_map();
		if (region_next && (size_t)(region_end - region_next) >= CHUNK_BYTES) {
			c = (struct chunk *)(void *)region_next;
			region_next += (CHUNK_BYTES + 63) & ~(size_t)63;
		}
	}
	pthread_mutex_unlock(&pool_lock);
	return c;
}

/* Puts a list of chunks of CHUNK_SIZE in the pool: a malloc'ed one
 * while the pool has room, else to free(). */
static void pool_put(struct chunk *list)
{
	struct chunk *c, *next;

	pthread_mutex_lock(&pool_lock);
	for (c = list; c; c = next) {
		next = c->next;
		if (!in_region(c)) {
			if (pooled == POOL_MAX) {
				free(c); /* under the lock: rare, and short */
				continue;
			}
			pooled++;
		}
		c->next = pool;
		pool = c;
	}
	pthread_mutex_unlock(&pool_lock);
}

/* Gives a list of chunks back: those of CHUNK_SIZE to the thread's own
 * list while it has room, then to the pool; the others to free(). */
static void chunks_free(struct chunk *c)
{
	struct chunk *next, *back = NULL;

	for (; c; c = next) {
		next = c->next;
		if (c->size != CHUNK_SIZE)
			free(c);
		else if (!local_keep(c)) {
			c->next = back;
			back = c;
		}
	}
	if (back)
		pool_put(back);
}

void iamp_arena_pool_release(void)
{
	struct chunk *c, *next, *keep = NULL;

	local_flush(NULL);
	pthread_mutex_lock(&pool_lock);
	for (c = pool; c; c = next) {
		next = c->next;
		if (in_region(c)) {
			c->next = keep;
			keep = c;
		} else {
			free(c);
		}
	}
	pool = keep; /* the region stays mapped: an arena may still use it */
	pooled = 0;
	pthread_mutex_unlock(&pool_lock);
}
#else
/* The debug build passes every allocation to malloc, where sanitizers
 * see it: no pool. */
static struct chunk *pool_take(void)
{
	return NULL;
}

static void chunks_free(struct chunk *c)
{
	struct chunk *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
}

void iamp_arena_pool_release(void)
{
}
#endif

struct iamp_arena *iamp_arena_new(void)
{
	return calloc(1, sizeof(struct iamp_arena));
}

void iamp_arena_free(struct iamp_arena *arena)
{
	if (!arena)
		return;
	chunks_free(arena->head);
	free(arena);
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = size == CHUNK_SIZE ? pool_take() : NULL;

	if (!c)
		c = malloc(sizeof(*c) + size);
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
		/* A big block gets a chunk of its own: a pooled one when it
		 * fits (a file's text up to 64 KiB, read into memory already
		 * touched), else one of its size. The chunk with more room
		 * left stays current, the other goes behind it, so that
		 * neither's free space is lost. */
		struct chunk *big = chunk_new(n <= CHUNK_SIZE ? CHUNK_SIZE : n);

		if (!big)
			return NULL;
		if (c && c->size - c->used >= big->size - n) {
			big->next = c->next;
			c->next = big;
		} else {
			big->next = c;
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
	struct chunk *c, *next, *keep = NULL, *drop = NULL;

	for (c = arena->head; c; c = next) {
		next = c->next;
#ifndef IAMP_DEBUG_ARENA
		if (!keep && c->size == CHUNK_SIZE) {
			keep = c;
			continue;
		}
#endif
		c->next = drop;
		drop = c;
	}
	chunks_free(drop);
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	arena->head = keep;
	arena->total = 0;
}
