#!/bin/sh
# The differential test of `iamproof simulate` (docs/semantics.md):
#   sh scripts/difftest.sh build/iamproof
# Installs the independent simulator into .cache/npm (ignored), generates
# at least 20,000 requests over fixtures/eval and ../shared/corpus/scp,
# decides them with both, and fails on any disagreement that
# tests/difftest/known.json does not explain.
set -e
BIN=${1:-build/iamproof}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${DIFFTEST_OUT:-$ROOT/.cache/difftest}
NPM=$ROOT/.cache/npm
ORACLE_VERSION=0.1.173

case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || { echo "difftest: $BIN not built" >&2; exit 2; }
command -v node >/dev/null || { echo "difftest: node is required" >&2; exit 2; }

if [ "$(node -p "try{require('$NPM/node_modules/@cloud-copilot/iam-simulate/package.json').version}catch(e){''}" 2>/dev/null)" != "$ORACLE_VERSION" ]; then
	echo "difftest: installing @cloud-copilot/iam-simulate@$ORACLE_VERSION into .cache/npm" >&2
	mkdir -p "$NPM"
	npm install --prefix "$NPM" --no-audit --no-fund "@cloud-copilot/iam-simulate@$ORACLE_VERSION" >&2
fi

rm -rf "$OUT"
node "$ROOT/tests/difftest/difftest.mjs" gen "$OUT"

# Ours: one simulate run per scenario.
start=$(date +%s.%N)
for dir in "$OUT"/[0-9]*; do
	# shellcheck disable=SC2046
	set -- $(cat "$dir/args")
	if ! "$BIN" simulate "$@" --requests "$dir/requests.jsonl" >"$dir/ours.jsonl" 2>"$dir/ours.err"; then
		echo "difftest: iamproof failed on $dir:" >&2
		cat "$dir/ours.err" >&2
		exit 1
	fi
done
end=$(date +%s.%N)
echo "difftest: iamproof decided all requests in $(echo "$end - $start" | bc) s (process start-up included)" >&2

node "$ROOT/tests/difftest/oracle.mjs" "$OUT/manifest.json" "$NPM"
node "$ROOT/tests/difftest/difftest.mjs" compare "$OUT" "${DIFFTEST_SHOW:-10}"
