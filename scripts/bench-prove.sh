#!/bin/sh
# bench-prove.sh BIN - the prover benchmark (`make bench-prove`; docs/bench.md).
#
#   1. the stage6 pack over SCPs of ../shared/corpus/scp, each as one level
#      next to FullAWSAccess (`--scp FullAWSAccess,FILE`): every file with
#      BENCH_PROVE_SCPS=all, else that many, spread evenly over the sorted
#      list (default 6);
#   2. the stage6 pack over synthetic organizations of BENCH_PROVE_ORGS
#      accounts (default "10"; issue 8 names 10, 100 and 1,000), one account
#      in ten with an SCP of its own;
#   3. per result: the time `prove` reports; per run: wall time and peak
#      RSS (/usr/bin/time). Baseline, measured in the same run: `check` of
#      the same files, so that the figures read as ratios on a shared,
#      noisy machine.
#
# It reports and does not assert: a missed target exits 0. It exits 1 when
# prove crashes or reports an internal error (exit 3) on any input.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${BENCH_PROVE_CORPUS:-$ROOT/../shared/corpus/scp}
NSCP=${BENCH_PROVE_SCPS:-6}
ORGS=${BENCH_PROVE_ORGS:-10}
TIMEOUT=${BENCH_PROVE_TIMEOUT:-10}
OUT=$ROOT/.cache/bench-prove
mkdir -p "$OUT"
rm -f "$OUT"/results.tsv "$OUT"/runs.tsv
status=0

[ -d "$CORPUS" ] || { echo "bench-prove: no corpus at $CORPUS" >&2; exit 2; }
find "$CORPUS" -name '*.json' | sort > "$OUT/all.txt"
total=$(wc -l < "$OUT/all.txt")
if [ "$NSCP" = all ] || [ "$NSCP" -ge "$total" ]; then
	cp "$OUT/all.txt" "$OUT/files.txt"
else
	awk -v n="$NSCP" -v t="$total" 'NR % int(t / n) == 1 && c < n { print; c++ }' "$OUT/all.txt" > "$OUT/files.txt"
fi

# run NAME ARGS...: one prove run; results to results.tsv, the run to runs.tsv
run() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$BIN" prove "$@" --properties stage6 \
		--format json --timeout "$TIMEOUT" > "$OUT/out.json" 2> "$OUT/err.txt"
	rc=$?
	if [ $rc -ge 3 ]; then
		echo "bench-prove: $name: exit $rc: $(head -c 300 "$OUT/err.txt")" >&2
		status=1
	fi
	grep '"result"' "$OUT/out.json" | sed 's/.*"result":"\([a-z]*\)".*"ms":\([0-9.]*\).*/\1	\2/' |
		sed "s|^|$name	|" >> "$OUT/results.tsv"
	printf '%s\t%s\t%s\n' "$name" "$rc" "$(cat "$OUT/time.txt" | tail -1)" >> "$OUT/runs.tsv"
}

base_start=$(date +%s.%N)
while read -r f; do
	"$BIN" check --type scp --quiet --format json "$f" > /dev/null 2>&1
done < "$OUT/files.txt"
base=$(awk -v a="$base_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')

n=0
while read -r f; do
	n=$((n + 1))
	# a file that is not a usable SCP (an RCP, invalid JSON) is an input
	# error (exit 2): counted, not timed
	run "scp:$(basename "$(dirname "$f")")/$(basename "$f")" --scp "FullAWSAccess,$f"
done < "$OUT/files.txt"

for size in $ORGS; do
	dir=$OUT/org-$size
	mkdir -p "$dir"
	cp "$ROOT/policies/org-example/scp-guardrails.json" "$dir/guardrails.json"
	cp "$ROOT/policies/org-example/scp-regions.json" "$dir/regions.json"
	{
		echo 'management_account: "100000000000"'
		echo 'root:'
		echo '  scps: [FullAWSAccess, guardrails.json]'
		echo '  ous:'
		echo '    - name: Workloads'
		echo '      scps: [FullAWSAccess]'
		echo '      accounts:'
		i=1
		while [ $i -le "$size" ]; do
			printf '        - id: "%012d"\n' $((200000000000 + i))
			printf '          name: a%d\n' $i
			if [ $((i % 10)) -eq 0 ]; then
				# an SCP of its own, different in every such account
				sed "s/eu-west-1/eu-west-$i/" "$dir/regions.json" > "$dir/own-$i.json"
				echo "          scps: [FullAWSAccess, own-$i.json]"
			fi
			i=$((i + 1))
		done
	} > "$dir/org.yaml"
	run "org:$size" --org "$dir/org.yaml"
done

echo "== prove: the stage6 pack (${TIMEOUT}s per solver call)"
echo "baseline: check of the $(wc -l < "$OUT/files.txt") SCP files: ${base}s"
cut -f3 "$OUT/results.tsv" | sort -n > "$OUT/ms.txt"
m=$(wc -l < "$OUT/ms.txt")
printf 'results: %s (%s)\n' "$m" "$(cut -f2 "$OUT/results.tsv" | sort | uniq -c | awk '{ printf "%s %s ", $2, $1 }')"
if [ "$m" -gt 0 ]; then
	med=$(sed -n "$(( (m + 1) / 2 ))p" "$OUT/ms.txt")
	p90=$(sed -n "$(( m * 9 / 10 > 0 ? m * 9 / 10 : 1 ))p" "$OUT/ms.txt")
	max=$(tail -1 "$OUT/ms.txt")
	echo "ms per property and target: median $med, p90 $p90, max $max"
fi
awk -F'\t' '{ split($3, t, " "); printf "%-70s exit %s  %6.1f s  %6.1f MB\n", $1, $2, t[1], t[2] / 1024 }' "$OUT/runs.tsv"
exit $status
