/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz share.
 *
 * Each fuzz_*.c defines LLVMFuzzerTestOneInput() over one stage of the
 * pipeline. Built with clang -fsanitize=fuzzer,address,undefined it is a
 * fuzzer (make fuzz); linked with replay.c instead, by any compiler, it is
 * a program that feeds each file named on its command line to the same
 * function once (make asan replays tests/fuzz/regressions/TARGET/ so).
 *
 * A target never prints; a broken invariant is FUZZ_ASSERT, which aborts
 * with the condition, so that libFuzzer keeps the input as a crash.
 */
#ifndef IAMP_FUZZ_H
#define IAMP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
				#cond);                                                    \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* An out-of-memory return is no bug in a target (the fault-injection
 * test covers those paths); anything else unexpected is. */
#define FUZZ_OK(rc) FUZZ_ASSERT((rc) == 0 || (rc) == IAMP_ENOMEM)

/* Splits data[0..size) at the first NUL byte: the part before it in
 * (*a, *alen), the part after it in (*b, *blen), empty when there is none. */
static inline void fuzz_split(const uint8_t *data, size_t size, const char **a, size_t *alen,
			      const char **b, size_t *blen)
{
	size_t i = 0;

	while (i < size && data[i])
		i++;
	*a = (const char *)data;
	*alen = i;
	*b = i < size ? (const char *)data + i + 1 : (const char *)data + size;
	*blen = i < size ? size - i - 1 : 0;
}

#endif
