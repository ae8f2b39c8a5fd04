#!/bin/sh
# Every counterexample of the prover's tests confirmed by the independent
# simulator (docs/testing.md, "The prover's counterexamples"):
#   sh tests/prove-oracle.sh build/iamproof [CASE...]
#
# With CASEs (directories of fixtures/prove), only those cases, and not
# tests/prove-cli.sh: for iterating.
#
# Runs every case of fixtures/prove and tests/prove-cli.sh (which keeps its
# JSON runs for this: PROVE_CLI_RECORD), then asks the simulator of the
# differential test (installed into .cache/npm by scripts/oracle-install.sh,
# run as a separate process by tests/difftest/oracle.mjs) to decide every
# counterexample and diff witness against the target the prover used (and
# the reference, for not-more-than). Fails (exit 1) on a counterexample it
# decides otherwise unless exactly one compatibility switch explains it
# (`simulate --compat NAME`, the difftest's switch rule), and when there is
# no counterexample at all.
#
# Environment:
#   PROVE_ORACLE_OUT   work directory (default .cache/prove-oracle), emptied
#                      first; OUT/report.json is the report
#   PROVE_TIMEOUT      seconds per solver call of the fixtures (default 20,
#                      as tests/prove.sh)
#   DIFFTEST_COMPAT    comma-separated switch names to try instead of
#                      `iamproof simulate --list-compat`
set -e
BIN=${1:-build/iamproof}
[ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${PROVE_ORACLE_OUT:-$ROOT/.cache/prove-oracle}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
[ -x "$BIN" ] || { echo "prove-oracle: $BIN not built" >&2; exit 2; }

sh "$ROOT/scripts/oracle-install.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
if [ $# -gt 0 ]; then
	PROVE_ORACLE_CASES="$*" exec node "$ROOT/tests/difftest/prove-oracle.mjs" "$OUT/oracle" "$BIN" "$ROOT/.cache/npm"
fi
# prove-cli's own verdict is tests/prove-cli.sh's business (make test):
# here only its runs are wanted.
PROVE_CLI_RECORD="$OUT/prove-cli" sh "$ROOT/tests/prove-cli.sh" "$BIN" >"$OUT/prove-cli.log" 2>&1 ||
	echo "prove-oracle: tests/prove-cli.sh failed (see $OUT/prove-cli.log); its runs are used all the same" >&2
exec node "$ROOT/tests/difftest/prove-oracle.mjs" "$OUT/oracle" "$BIN" "$ROOT/.cache/npm" "$OUT/prove-cli"
