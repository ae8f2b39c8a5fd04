#!/bin/sh
# Events per second of `iamproof replay` from gzip'ed CloudTrail files
# (issue 15, item 4), against a baseline measured in the same run: merely
# gunzipping and JSON-parsing the same files with node (zlib.gunzipSync
# and JSON.parse, V8's parser), so that the figure is a ratio that holds
# on a loaded or a slower machine (docs/bench.md, docs/replay.md).
#   sh scripts/bench-replay.sh build/iamproof
# Workload: scripts/cloudtrail-gen.js, $BENCH_REPLAY_EVENTS events
# (default 1,000,000) over 50 member accounts in files of 1,000 records,
# replayed against the region restriction attached at the root. Reports
# events/s, the ratio and the peak RSS; checks (and fails on) a wrong
# answer: exactly the events the generator expects must be newly denied.
set -eu
BIN=${1:-build/iamproof}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVENTS=${BENCH_REPLAY_EVENTS:-1000000}
RUNS=${BENCH_RUNS:-3}
OUT=$ROOT/.cache/bench-replay
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || { echo "bench-replay: $BIN not built" >&2; exit 2; }

stamp="$(cksum < "$ROOT/scripts/cloudtrail-gen.js") $EVENTS"
if [ "$(cat "$OUT/.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "bench-replay: generating $EVENTS events into $OUT" >&2
	rm -rf "$OUT"
	node "$ROOT/scripts/cloudtrail-gen.js" "$OUT" "$EVENTS" 50 1000
	echo "$stamp" > "$OUT/.stamp"
fi
cd "$OUT"
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=

cat > parse.js <<'EOF'
const fs = require('fs'), zlib = require('zlib'), path = require('path');
let n = 0;
function walk(d) {
	for (const f of fs.readdirSync(d).sort()) {
		const p = path.join(d, f);
		if (fs.statSync(p).isDirectory()) walk(p);
		else if (f.endsWith('.json.gz')) n += JSON.parse(zlib.gunzipSync(fs.readFileSync(p))).Records.length;
	}
}
walk(process.argv[2]);
console.log(n);
EOF

best_replay="" best_base="" rss=0
i=0
while [ $i -lt "$RUNS" ]; do
	start=$(date +%s%N)
	if [ -n "$TIME" ]; then
		"$TIME" -f '%M' -o rss.txt "$BIN" replay --org org.yaml --cloudtrail logs --change deny-regions.json \
			--at Root -f json > report.json || [ $? = 1 ]
	else
		"$BIN" replay --org org.yaml --cloudtrail logs --change deny-regions.json --at Root \
			-f json > report.json || [ $? = 1 ]
	fi
	end=$(date +%s%N)
	ns=$((end - start))
	[ -z "$best_replay" ] || [ $ns -lt "$best_replay" ] && best_replay=$ns
	[ -n "$TIME" ] && r=$(tail -n 1 rss.txt) && [ "$r" -gt "$rss" ] && rss=$r
	start=$(date +%s%N)
	n=$(node parse.js logs)
	end=$(date +%s%N)
	ns=$((end - start))
	[ -z "$best_base" ] || [ $ns -lt "$best_base" ] && best_base=$ns
	i=$((i + 1))
done
[ "$n" = "$EVENTS" ] || { echo "bench-replay: the baseline read $n events, not $EVENTS" >&2; exit 1; }
# the answer must be right, or the speed means nothing (one more run, traced)
"$BIN" replay --org org.yaml --cloudtrail logs --change deny-regions.json --at Root \
	--trace trace.jsonl -f json > /dev/null || [ $? = 1 ]
jq -r 'select(.before == "allowed" and .after != "allowed") | .event' trace.jsonl | sort > got.txt
jq -r '.regions[]' expected.json | sort > want.txt
if ! cmp -s got.txt want.txt; then
	echo "bench-replay: the newly denied events are not the expected ones" >&2
	exit 1
fi
awk -v n="$EVENTS" -v r="$best_replay" -v b="$best_base" -v rss="$rss" -v d="$(wc -l < got.txt)" 'BEGIN {
	rs = n / (r / 1e9); bs = n / (b / 1e9)
	printf "replay: %d events (gzip, 50 accounts, %d newly denied, as expected)\n", n, d
	printf "  iamproof replay (one core):             %.2f s   %.0f events/s   target 50,000: %s\n", r / 1e9, rs, (rs >= 50000 ? "met" : "MISSED")
	printf "  baseline, node gunzip + JSON.parse:      %.2f s   %.0f events/s\n", b / 1e9, bs
	printf "  ratio replay / baseline:                 %.2f\n", rs / bs
	if (rss > 0) printf "  peak RSS of replay:                      %.1f MiB\n", rss / 1024
}'
