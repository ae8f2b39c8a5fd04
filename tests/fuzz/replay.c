/*
 * replay.c - the main() of a fuzz target built without libFuzzer: feeds
 * each file named on the command line to LLVMFuzzerTestOneInput once,
 * so that `make asan` replays the regression fixtures of
 * tests/fuzz/regressions/TARGET/ with gcc's sanitizers.
 *
 *   replay-TARGET FILE...     exit 0 when every file ran; a broken
 *                             invariant aborts, a sanitizer report exits
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (len == cap) {
				unsigned char *nb = realloc(buf, cap = cap ? cap * 2 : 4096);

				if (!nb) {
					fprintf(stderr, "%s: out of memory\n", argv[i]);
					return 2;
				}
				buf = nb;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		if (ferror(f)) {
			perror(argv[i]);
			return 2;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 0;
}
