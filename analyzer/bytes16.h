/*
 * bytes16.h - 16 bytes of a text at a time, for the loops that skip long
 * runs of ordinary bytes to the few that matter: the secrets scan (to a
 * marker), the JSON reader (to the end of a string) and the JSON writer
 * (to a byte to escape).
 *
 * GCC's vector extension, which clang has too: x86-64 compiles it to
 * SSE2 (every x86-64 has it), other targets to their own vector
 * instructions or to plain code. Comparing two vectors gives a vector of
 * 0x00 (false) and 0xFF (true) bytes; `|` joins such masks, and
 * iamp_bytes16_first() says where the first true byte is:
 *
 *   iamp_bytes16 x = iamp_bytes16_load(s + i);
 *   size_t k = iamp_bytes16_first((iamp_bytes16)((x == IAMP_SPLAT16('"')) |
 *                                                (x < IAMP_SPLAT16(0x20))));
 *   (k < 16: s[i + k] is the first quote or control byte; 16: none)
 *
 * The caller reads s[i..i+16) only when i + 16 <= its length, and reads
 * the last bytes one by one.
 */
#ifndef IAMP_BYTES16_H
#define IAMP_BYTES16_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef unsigned char iamp_bytes16 __attribute__((vector_size(16)));

/* The vector whose 16 bytes are all c. */
#define IAMP_SPLAT16(c) \
	((iamp_bytes16){ c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c })

static inline iamp_bytes16 iamp_bytes16_load(const void *p)
{
	iamp_bytes16 x;

	memcpy(&x, p, sizeof(x)); /* any alignment */
	return x;
}

/* The index of the first 0xFF byte (in memory order) of a mask of 0x00
 * and 0xFF bytes, or 16 when it has none. */
static inline size_t iamp_bytes16_first(iamp_bytes16 mask)
{
	uint64_t half[2];

	memcpy(half, &mask, sizeof(half));
	for (size_t h = 0; h < 2; h++) {
		if (!half[h])
			continue;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		return 8 * h + (size_t)__builtin_clzll(half[h]) / 8;
#else
		return 8 * h + (size_t)__builtin_ctzll(half[h]) / 8;
#endif
	}
	return 16;
}

#endif
