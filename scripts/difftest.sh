#!/bin/sh
# The differential test of `iamproof simulate` (docs/semantics.md,
# "Differential test"):
#   sh scripts/difftest.sh build/iamproof
#
# Installs the independent simulator into .cache/npm (ignored; by
# scripts/oracle-install.sh), generates
# at least 30,000 requests over fixtures/eval and ../shared/corpus/scp,
# decides them with both, and fails (exit 1) unless every disagreement is
# removed by exactly one of iamproof's compatibility switches alone
# (`simulate --compat NAME`), and unless at least 30,000 were compared.
#
# Environment:
#   DIFFTEST_OUT           work directory (default .cache/difftest); it is
#                          emptied first. OUT/report.json is the report,
#                          OUT/unexplained.txt a command line per
#                          unexplained disagreement.
#   DIFFTEST_SEED          the generator's seed (default 20250101)
#   DIFFTEST_PER_SCENARIO  requests per scenario (default 200; some
#                          scenarios take a multiple)
#   DIFFTEST_SHOW          unexplained cases printed (default 20)
#   DIFFTEST_ORACLE_CACHE  where the simulator's answers are kept, one
#                          directory per cache key (default
#                          .cache/difftest-oracle); "off" runs it always.
#                          The key hashes the manifest, every request file,
#                          every policy file named, the driver and the
#                          simulator's version: generation is deterministic,
#                          so a run over another build of iamproof (a
#                          mutant) reuses the answers. The action catalog
#                          the generator reads from `iamproof explain` is
#                          kept there too, keyed by analyzer/catalog_data.c.
#   DIFFTEST_COMPAT        comma-separated switch names to try instead of
#                          `iamproof simulate --list-compat`
#   DIFFTEST_FAIL_FAST     1: stop comparing at the first scenario with an
#                          unexplained disagreement (mutation testing only
#                          needs the verdict; the report then covers less)
set -e
BIN=${1:-build/iamproof}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${DIFFTEST_OUT:-$ROOT/.cache/difftest}
NPM=$ROOT/.cache/npm
CACHE=${DIFFTEST_ORACLE_CACHE:-$ROOT/.cache/difftest-oracle}
T=$ROOT/tests/difftest

case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
case $CACHE in /* | off) ;; *) CACHE=$(pwd)/$CACHE ;; esac
[ -x "$BIN" ] || { echo "difftest: $BIN not built" >&2; exit 2; }
command -v node >/dev/null || { echo "difftest: node is required" >&2; exit 2; }

sh "$ROOT/scripts/oracle-install.sh"

export DIFFTEST_ORACLE_CACHE="$CACHE"   # gen keeps the action catalog there too

now() { date +%s.%N; }
t0=$(now)
rm -rf "$OUT"
mkdir -p "$OUT"
node "$T/difftest.mjs" gen "$OUT" "$BIN" "$NPM"

# Ours: one simulate run per scenario, from the repository root (the
# manifest's paths are relative to it). A failing run is not fatal here:
# its missing or error lines are unexplained disagreements.
t1=$(now)
cd "$ROOT"
for dir in "$OUT"/[0-9]*; do
	# shellcheck disable=SC2046
	set -- $(cat "$dir/args")
	"$BIN" simulate "$@" --requests "$dir/requests.jsonl" >"$dir/ours.jsonl" 2>"$dir/ours.err" ||
		echo "$?" >"$dir/ours.rc"
done
t2=$(now)
failed=$(find "$OUT" -name ours.rc | wc -l)
echo "difftest: iamproof decided all requests in $(echo "$t2 - $t1" | bc) s (process start-up included)" \
	"$([ "$failed" -gt 0 ] && echo "; $failed scenario runs exited non-zero")" >&2

# The oracle, or its cached answers.
key=$(node "$T/difftest.mjs" key "$OUT" "$NPM")
if [ "$CACHE" != off ] && [ -f "$CACHE/$key/complete" ]; then
	for dir in "$OUT"/[0-9]*; do
		cp "$CACHE/$key/$(basename "$dir").jsonl" "$dir/oracle.jsonl"
	done
	echo "difftest: oracle answers from $CACHE/$key" >&2
else
	node "$T/oracle.mjs" "$OUT" "$NPM"
	if [ "$CACHE" != off ]; then
		mkdir -p "$CACHE"
		tmp=$(mktemp -d "$CACHE/.tmp.XXXXXX")
		for dir in "$OUT"/[0-9]*; do
			cp "$dir/oracle.jsonl" "$tmp/$(basename "$dir").jsonl"
		done
		touch "$tmp/complete"
		# Concurrent runs may store the same key: the first rename wins.
		mv -T "$tmp" "$CACHE/$key" 2>/dev/null || rm -rf "$tmp"
	fi
fi
t3=$(now)

set +e
node "$T/difftest.mjs" compare "$OUT" "$BIN"
rc=$?
t4=$(now)
echo "difftest: $(echo "$t4 - $t0" | bc) s in all (generate $(echo "$t1 - $t0" | bc), iamproof $(echo "$t2 - $t1" | bc)," \
	"oracle $(echo "$t3 - $t2" | bc), compare with switches $(echo "$t4 - $t3" | bc))" >&2
exit $rc
