#!/bin/sh
# Source checks (after curl's checksrc): the library never prints, never
# exits, and uses none of the unsafe C calls; every header compiles alone
# under strict flags (after libgit2's headertest).
set -u
cd "$(dirname "$0")/.." || exit 2
fail=0
pass=0
for f in analyzer/*.c; do
	case "$f" in analyzer/catalog_data.c) continue ;; esac
	hits=$(sed 's://.*$::' "$f" | grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atof)\(|(^|[^a-z_])(printf|puts|putchar|exit|abort)\(|\b(stdout|stderr)\b' || true)
	if [ -n "$hits" ]; then
		echo "checksrc: $f:"
		echo "$hits" | sed 's/^/    /'
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
# No package flags: a third-party library stays behind its module's .c
# file (STYLE.md), so no header may need one.
for h in analyzer/*.h; do
	if printf '#include "%s"\nint iamp_headertest;\n' "$(basename "$h")" | ${CC:-cc} -std=c17 -Wall -Wextra -Wpedantic -Werror -Ianalyzer -fsyntax-only -x c - 2> /tmp/checksrc.$$; then
		pass=$((pass + 1))
	else
		echo "checksrc: $h does not compile alone:"
		sed 's/^/    /' /tmp/checksrc.$$ | head -5
		fail=$((fail + 1))
	fi
done
rm -f /tmp/checksrc.$$
echo "checksrc: $pass passed, $fail failed"
[ "$fail" = 0 ]
