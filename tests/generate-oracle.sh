#!/bin/sh
# The generated Stage 6 guardrails against the independent simulator
# (docs/testing.md, "The generated guardrails against the simulator"):
#   sh tests/generate-oracle.sh build/iamproof
#
# Generates the example baseline (policies/baseline.yaml on
# policies/org.yaml, --no-proof: the proof is make test's business) into
# OUT/set, then tests/difftest/generate-oracle.mjs decides its table of
# sample requests with the simulator (installed into .cache/npm by
# scripts/oracle-install.sh, run as a separate process by
# tests/difftest/oracle.mjs) and with `iamproof simulate`, and fails
# (exit 1) unless both decide every request as its stated intent.
#
# Then it shows that it can fail: GENERATE_ORACLE_MUTATE=1 removes
# guardduty:DeleteDetector from the set's Deny statements, and that run must
# exit 1 with the rows that deny it, and only those, disagreeing.
#
# Environment:
#   GENERATE_ORACLE_OUT   work directory (default .cache/generate-oracle),
#                         emptied first
set -eu
BIN=${1:-build/iamproof}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${GENERATE_ORACLE_OUT:-$ROOT/.cache/generate-oracle}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
[ -x "$BIN" ] || { echo "generate-oracle: $BIN not built" >&2; exit 2; }

sh "$ROOT/scripts/oracle-install.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
"$BIN" generate scp --config "$ROOT/policies/baseline.yaml" --org "$ROOT/policies/org.yaml" \
	--out "$OUT/set" --no-proof >"$OUT/generate.log" 2>&1 ||
	{ cat "$OUT/generate.log" >&2; echo "generate-oracle: generate scp failed" >&2; exit 1; }

node "$ROOT/tests/difftest/generate-oracle.mjs" "$OUT/set" "$OUT/run" "$BIN" "$ROOT/.cache/npm"

# The mutant: the same table over the set without one action.
status=0
GENERATE_ORACLE_MUTATE=1 node "$ROOT/tests/difftest/generate-oracle.mjs" "$OUT/set" "$OUT/mutant" "$BIN" \
	"$ROOT/.cache/npm" >"$OUT/mutant.log" 2>&1 || status=$?
hit=$(grep -c '^DISAGREE .* guardduty:DeleteDetector ' "$OUT/mutant.log" || true)
other=$(grep '^DISAGREE ' "$OUT/mutant.log" | grep -vc ' guardduty:DeleteDetector ' || true)
if [ "$status" -ne 1 ] || [ "$hit" -eq 0 ] || [ "$other" -ne 0 ]; then
	cat "$OUT/mutant.log"
	echo "generate-oracle: FAIL: the mutant (guardduty:DeleteDetector removed) should fail on the rows that deny it" \
		"and only those: exit $status, $hit such rows, $other others (log: $OUT/mutant.log)" >&2
	exit 1
fi
echo "generate-oracle: the mutant without guardduty:DeleteDetector fails as it should ($hit rows disagree; $OUT/mutant.log)"
