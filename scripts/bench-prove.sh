#!/bin/sh
# bench-prove.sh BIN - the prover benchmark (`make bench-prove`; docs/bench.md).
#
#   1. the stage6 pack over SCPs of ../shared/corpus/scp, each as one level
#      next to FullAWSAccess (`--scp FullAWSAccess,FILE`);
#   2. the stage6 pack over synthetic organizations, one account in ten
#      with an SCP of its own (a different one each);
#   3. `iamproof diff --type identity` over synthetic identity policies
#      (scripts/bench-gen.js diff): OLD against NEW with one action added
#      and with one resource widened (a witness exists), and against OLD
#      with its statements shuffled (equivalent: the proof direction);
#   4. `prove -j 1` against `-j 2` on each organization, alternately
#      (issue 13), the verdicts compared;
#   5. per result: the time `prove` reports; per run: wall time and peak
#      RSS (/usr/bin/time) and, for diff, the solver calls
#      (IAMPROOF_SMT_TRACE). Baseline, measured in the same run: `check` of
#      the same SCP files, so that the figures read as ratios on a shared,
#      noisy machine. Last, the figures against issue 8's targets.
#
# Sizes (the defaults took 9.5 minutes on the shared 2-core machine under
# load, about 2 when it is quiet; issue 8's full sizes in brackets, well
# over an hour under load: docs/bench.md):
#
#   BENCH_PROVE_SCPS=N|all   corpus files, N spread evenly over the sorted
#                            list (6) [all]; 0 skips them
#   BENCH_PROVE_ORGS="..."   organization sizes in accounts ("10")
#                            ["10 100 1000"]; "" skips them
#   BENCH_PROVE_DIFF="..."   diff policy sizes in statements ("1 10 100")
#                            ["1 10 50 100 250 500"]; "" skips diff
#   BENCH_PROVE_DIFF_RUNS=N  runs of each diff case, the median shown (3)
#   BENCH_PROVE_JOBS_RUNS=N  runs of `prove -j 1` and of `-j 2` on each
#                            organization, alternately, best shown (2);
#                            0 skips them
#   BENCH_PROVE_TIMEOUT=S    seconds per solver call (10)
#   BENCH_PROVE_CORPUS=DIR   the SCP corpus (../shared/corpus/scp)
#
# It reports and does not assert: a missed target exits 0. It exits 1 when
# prove or diff crashes or reports an internal error (exit 3) on any input,
# or when diff gives a definite verdict other than the one the change
# implies (an unknown is reported, not counted).
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${BENCH_PROVE_CORPUS:-$ROOT/../shared/corpus/scp}
NSCP=${BENCH_PROVE_SCPS:-6}
ORGS=${BENCH_PROVE_ORGS-10}
DIFFS=${BENCH_PROVE_DIFF-1 10 100}
RUNS=${BENCH_PROVE_DIFF_RUNS:-3}
TIMEOUT=${BENCH_PROVE_TIMEOUT:-10}
JRUNS=${BENCH_PROVE_JOBS_RUNS:-2}
GEN="node $ROOT/scripts/bench-gen.js"
OUT=$ROOT/.cache/bench-prove
mkdir -p "$OUT"
rm -f "$OUT"/results.tsv "$OUT"/runs.tsv "$OUT"/diff.tsv "$OUT"/inputerr.txt
touch "$OUT"/results.tsv "$OUT"/runs.tsv "$OUT"/diff.tsv
status=0

[ -d "$CORPUS" ] || { echo "bench-prove: no corpus at $CORPUS" >&2; exit 2; }
command -v node > /dev/null || { echo "bench-prove: node is needed (scripts/bench-gen.js)" >&2; exit 2; }
find "$CORPUS" -name '*.json' | sort > "$OUT/all.txt"
total=$(wc -l < "$OUT/all.txt")
if [ "$NSCP" = all ] || [ "$NSCP" -ge "$total" ]; then
	cp "$OUT/all.txt" "$OUT/files.txt"
else
	awk -v n="$NSCP" -v t="$total" 'c < n && NR > c * t / n { print; c++ }' "$OUT/all.txt" > "$OUT/files.txt"
fi

# timed NAME CMD...: runs CMD under /usr/bin/time, its output to out.json
# and err.txt; sets rc; appends "NAME rc wall-s peak-KB" to runs.tsv
timed() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$@" > "$OUT/out.json" 2> "$OUT/err.txt"
	rc=$?
	if [ $rc -ge 3 ]; then
		echo "bench-prove: $name: exit $rc: $(head -c 300 "$OUT/err.txt") ($(head -1 "$OUT/time.txt"))" >&2
		status=1
	fi
	printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$(tail -1 "$OUT/time.txt")" "$(load)" >> "$OUT/runs.tsv"
}

# load: the 1-minute load average (other people build on this machine)
load() {
	cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?'
}

# prove NAME ARGS...: one prove run of the stage6 pack; results to results.tsv
prove() {
	name=$1
	shift
	# -j 1: the figures per result are those of one question at a time
	timed "$name" "$BIN" prove "$@" --properties stage6 --format json --timeout "$TIMEOUT" -j 1
	# a file that is not a usable SCP (invalid JSON) is an input error
	# (exit 2): listed, not timed
	[ $rc -eq 2 ] && printf '%s: %s\n' "$name" "$(grep -m1 'error' "$OUT/err.txt" | cut -c1-200)" >> "$OUT/inputerr.txt"
	$GEN results "$name" "$OUT/out.json" >> "$OUT/results.tsv"
}

base_start=$(date +%s.%N)
while read -r f; do
	"$BIN" check --type scp --quiet --format json "$f" > /dev/null 2>&1
done < "$OUT/files.txt"
base=$(awk -v a="$base_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')

while read -r f; do
	prove "scp:$(basename "$(dirname "$f")")/$(basename "$f")" --scp "FullAWSAccess,$f"
done < "$OUT/files.txt"

for size in $ORGS; do
	dir=$OUT/org-$size
	rm -rf "$dir"
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
	# one account in ten, each SCP different from every other
	own=$(find "$dir" -name 'own-*.json' | wc -l)
	distinct=$(cat "$dir"/own-*.json 2> /dev/null | grep eu-west- | sort -u | wc -l)
	echo "$size $own" > "$dir/own.txt"
	if [ "$own" -ne $((size / 10)) ] || [ "$distinct" -ne "$own" ]; then
		echo "bench-prove: org-$size: $own accounts with an SCP of their own ($distinct distinct), not $((size / 10))" >&2
		status=1
	fi
	prove "org:$size" --org "$dir/org.yaml"
	# -j 1 against -j 2 on the same organization, alternately, so that
	# both meet the same load (issue 13)
	k=1
	while [ $k -le "$JRUNS" ]; do
		for j in 1 2; do
			timed "jobs:$size:j$j" "$BIN" prove --org "$dir/org.yaml" --properties stage6 --format json \
				--timeout "$TIMEOUT" -j $j
			cp "$OUT/out.json" "$OUT/jobs-$size-j$j.json"
		done
		# the same answers at both (the times and solver-chosen requests aside)
		for j in 1 2; do
			sed -n 's/.*"target":\("[^"]*"\),"result":\("[a-z]*"\).*/\1 \2/p' "$OUT/jobs-$size-j$j.json" > "$OUT/jobs-$size-j$j.txt"
		done
		cmp -s "$OUT/jobs-$size-j1.txt" "$OUT/jobs-$size-j2.txt" ||
			echo "bench-prove: org:$size: -j 1 and -j 2 give different verdicts (a question near its budget?)" >&2
		k=$((k + 1))
	done
done

if [ -n "$DIFFS" ]; then
	ddir=$OUT/diff
	rm -rf "$ddir"
	# shellcheck disable=SC2086
	$GEN diff "$ddir" $DIFFS > "$ddir.sids" || exit 2
fi
# diffrun N CHANGE WITNESSES EXPECT: RUNS runs of one diff case to diff.tsv
diffrun() {
	name="diff:$1:$2:w$3"
	w=
	# 3 is diff's default: no option
	[ "$3" = 3 ] || w="--witnesses $3"
	k=1
	while [ $k -le "$RUNS" ]; do
		# shellcheck disable=SC2086
		timed "$name" env IAMPROOF_SMT_TRACE=1 "$BIN" diff "$ddir/diff-$1-old.json" \
			"$ddir/diff-$1-$2.json" --type identity --format json --timeout "$TIMEOUT" $w
		v=$($GEN verdict "$OUT/out.json")
		verdict=$(echo "$v" | cut -d' ' -f1)
		if [ "$verdict" != "$4" ] && [ "$verdict" != unknown ] && [ $rc -lt 3 ]; then
			echo "bench-prove: $name: verdict $verdict, expected $4" >&2
			status=1
		fi
		# N change witnesses verdict new-witnesses wall-s peak-KB calls
		# unknown-calls solver-s reason
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$verdict" \
			"$(echo "$v" | cut -d' ' -f2)" "$(tail -1 "$OUT/time.txt" | cut -d' ' -f1)" \
			"$(tail -1 "$OUT/time.txt" | cut -d' ' -f2)" "$(grep -c '^smt: solve' "$OUT/err.txt")" \
			"$(grep -c '^smt: solve 0' "$OUT/err.txt")" \
			"$(awk '/^smt: solve/ { s += $5 } END { printf "%.2f", s / 1000 }' "$OUT/err.txt")" \
			"$(echo "$v" | cut -d' ' -f4-)" >> "$OUT/diff.tsv"
		k=$((k + 1))
	done
}
for n in $DIFFS; do
	diffrun "$n" action 1 more-permissive
	diffrun "$n" action 3 more-permissive
	diffrun "$n" resource 1 more-permissive
	diffrun "$n" reorder 3 equivalent
	diffrun "$n" split 3 equivalent
done

# The report. pct FILE P: the P-th percentile (nearest rank) of a sorted file
pct() {
	awk -v p="$2" '{ v[NR] = $1 } END { if (NR) { i = int((NR * p + 99) / 100); print v[i < 1 ? 1 : i] } }' "$1"
}
echo "== prove: the stage6 pack (${TIMEOUT}s per solver call; 2 solver threads per call; $(nproc 2> /dev/null || echo '?') CPUs)"
echo "baseline: check of the $(wc -l < "$OUT/files.txt") SCP files: ${base}s"
for scope in scp org; do
	grep "^$scope:" "$OUT/results.tsv" | cut -f4 | sort -n > "$OUT/ms-$scope.txt"
	m=$(wc -l < "$OUT/ms-$scope.txt")
	[ "$m" -gt 0 ] || continue
	printf '%s results: %s (%s)\n' "$scope" "$m" \
		"$(grep "^$scope:" "$OUT/results.tsv" | cut -f3 | sort | uniq -c | awk '{ printf "%s %s ", $2, $1 }')"
	echo "  ms per property and target: median $(pct "$OUT/ms-$scope.txt" 50), p90 $(pct "$OUT/ms-$scope.txt" 90), max $(tail -1 "$OUT/ms-$scope.txt")"
done
cut -f4 "$OUT/results.tsv" | sort -n > "$OUT/ms.txt"
awk -F'\t' '$3 == "unknown" { printf "  unknown: %s %s: %s (%s ms)\n", $1, $2, $5, $4 }' "$OUT/results.tsv"
nerr=0
if [ -s "$OUT/inputerr.txt" ]; then
	nerr=$(wc -l < "$OUT/inputerr.txt")
	echo "input errors (exit 2): $nerr"
	sed 's/^/  /' "$OUT/inputerr.txt"
fi
awk -F'\t' '$1 !~ /^diff:/ && $1 !~ /^jobs:/ { split($3, t, " "); printf "%-70s exit %s  %6.1f s  %6.1f MB  load %s\n", $1, $2, t[1], t[2] / 1024, $4 }' "$OUT/runs.tsv"
for size in $ORGS; do
	read -r size own < "$OUT/org-$size/own.txt"
	echo "org:$size: $own of $size accounts with an SCP of their own, $((own + 1)) distinct paths"
done

if grep -q '^jobs:' "$OUT/runs.tsv"; then
	echo "== prove -j 1 against -j 2, stage6 over each organization ($JRUNS runs each, alternately; best wall)"
	for size in $ORGS; do
		awk -F'\t' -v n="jobs:$size:" 'index($1, n) == 1 { split($3, t, " "); j = substr($1, length(n) + 1)
			if (!(j in best) || t[1] < best[j]) best[j] = t[1]; loads[j] = loads[j] (loads[j] ? "," : "") $4 }
			END { if (best["j1"] && best["j2"]) printf "  org:%s: -j 1 %.2f s, -j 2 %.2f s: %.2fx (load %s; %s)\n",
				substr(n, 6, length(n) - 6), best["j1"], best["j2"], best["j1"] / best["j2"], loads["j1"], loads["j2"] }' "$OUT/runs.tsv"
	done
fi
if [ -s "$OUT/diff.tsv" ]; then
	echo "== diff --type identity (${TIMEOUT}s per solver call, $RUNS runs each, median wall;" \
		"load $(awk -F'\t' '$1 ~ /^diff:/ { if (!n++ || $4 < lo) lo = $4; if ($4 > hi) hi = $4 } END { print lo " to " hi }' "$OUT/runs.tsv"))"
	printf '%10s  %-8s %-9s %-16s %4s %8s %8s %8s %7s %6s\n' statements change witnesses verdict new \
		'median s' 'max s' 'solver s' calls 'MB'
	# one row per case: the median run (by wall time), the max wall and RSS
	awk -F'\t' '{ k = $1 "\t" $2 "\t" $3; n[k]++; w[k, n[k]] = $6; row[k, n[k]] = $0
		if (!(k in seen)) { seen[k] = 1; order[++no] = k } }
		END { for (o = 1; o <= no; o++) { k = order[o]; c = n[k]
			for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (w[k, j] < w[k, i]) {
				t = w[k, i]; w[k, i] = w[k, j]; w[k, j] = t; t = row[k, i]; row[k, i] = row[k, j]; row[k, j] = t }
			mid = int((c + 1) / 2); split(row[k, mid], r, "\t"); mx = 0; verdicts = ""
			for (i = 1; i <= c; i++) { split(row[k, i], q, "\t"); if (q[7] > mx) mx = q[7]
				if (index(" " verdicts " ", " " q[4] " ") == 0) verdicts = verdicts (verdicts ? "," : "") q[4] }
			printf "%10s  %-8s %-9s %-16s %4s %8.2f %8.2f %8.2f %7s %6.1f\n", r[1], r[2], r[3] == 3 ? "3 (dflt)" : r[3],
				verdicts, r[5], w[k, mid], w[k, c], r[10], r[8] (r[9] ? "/" r[9] "?" : ""), mx / 1024 } }' "$OUT/diff.tsv"
	awk -F'\t' '$4 == "unknown" || $4 == "none" { printf "  %s %s w%s: %s %s\n", $1, $2, $3, $4, $11 }' "$OUT/diff.tsv"
	echo "  (calls: solver calls of the median run, N? of them unknown: a 1 s readable-values pass that timed out)"
fi

# The figures against issue 8's targets
echo "== issue 8's targets"
target() { printf '  %-52s %-24s %s\n' "$1" "$2" "$3"; }
med=$(pct "$OUT/ms.txt" 50)
if [ -n "$med" ]; then
	target "median <= 10 ms per property and target" "median $med ms" \
		"$(awk -v m="$med" 'BEGIN { print m <= 10 ? "met" : "missed" }')"
fi
if grep -q '^500	action	1	' "$OUT/diff.tsv"; then
	c500=$(awk -F'\t' '$1 == 500 && $2 == "action" && $3 == 1 { print $6 }' "$OUT/diff.tsv" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	target "a counterexample at 500 statements <= 0.3 s" "median ${c500} s" \
		"$(awk -v m="$c500" 'BEGIN { print m <= 0.3 ? "met" : "missed" }')"
else
	target "a counterexample at 500 statements <= 0.3 s" "not run" "(BENCH_PROVE_DIFF=\"... 500\")"
fi
if grep -q '^org:1000	' "$OUT/runs.tsv"; then
	o1000=$(awk -F'\t' '$1 == "org:1000" { split($3, t, " "); print t[1] }' "$OUT/runs.tsv")
	target "stage6 over 1,000 accounts <= 10 s" "${o1000} s" \
		"$(awk -v m="$o1000" 'BEGIN { print m <= 10 ? "met" : "missed" }')"
else
	target "stage6 over 1,000 accounts <= 10 s" "not run" "(BENCH_PROVE_ORGS=\"... 1000\")"
fi
if [ -s "$OUT/files.txt" ]; then
	tmo=$(awk -F'\t' '$1 ~ /^scp:/ && $3 == "unknown" && $5 ~ /timeout|canceled/' "$OUT/results.tsv" | wc -l)
	target "no timeout at ${TIMEOUT} s on a corpus case" "$tmo timeouts, $(wc -l < "$OUT/files.txt") files" \
		"$([ "$tmo" -eq 0 ] && echo met || echo missed)"
else
	target "no timeout at ${TIMEOUT} s on a corpus case" "not run" "(BENCH_PROVE_SCPS=all)"
fi
rss=$(awk -F'\t' '{ split($3, t, " "); if (t[2] > m) m = t[2] } END { printf "%.1f", m / 1024 }' "$OUT/runs.tsv")
target "peak RSS <= 200 MB" "${rss} MB" "$(awk -v m="$rss" 'BEGIN { print m <= 200 ? "met" : "missed" }')"
exit $status
