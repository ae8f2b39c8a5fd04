#!/bin/sh
# demo.sh BIN OUT - `make demo`: iamproof over the example repository in
# policies/, as a short guided tour that fits on one screen:
#   1. check: the findings by rule and file, compared with
#      policies/expected-findings.txt (the mistakes planted on purpose);
#   2. prove: the stage6 pack over policies/org.yaml, per account path;
#   3. generate: the Stage 6 SCP set of policies/baseline.yaml, proven.
# Each part names the command that shows everything. The full outputs are
# kept in OUT. Exits 0 when the findings are the planted ones, 1 when
# they differ (the difference is printed), 2 when a command cannot run.
# DEMO_DIR=DIR tours another copy of the repository; DEMO_PARTS=check
# stops after the first part (tests/cli.sh).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
out=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
cd "${DEMO_DIR:-$root/policies}" || exit 2
status=0
rel() { echo "${1#"$root"/}"; }

cat <<'TXT'
iamproof demo. policies/ is the policy repository of a made-up AWS
organization: identity, trust, bucket, boundary, SCP and RCP policies, with
nine realistic mistakes planted on purpose (policies/README.md says which
and why), an organization tree (org.yaml) and a baseline for its Stage 6
guardrails (baseline.yaml).

TXT
echo "1. check: every policy file, linted offline"
"$bin" check . > "$out/check.txt" 2> "$out/check.err"
rc=$?
[ $rc -le 1 ] || { cat "$out/check.err" >&2; echo "demo: check exited $rc" >&2; exit 2; }
sed 's/^/   /' "$out/check.err"
awk 'match($0, /^[^ ]+:[0-9]+:[0-9]+: [a-z-]+: .*\[[A-Z0-9_]+\]$/) {
	split($0, p, ":"); r = $0; sub(/.*\[/, "", r); sub(/\]$/, "", r); n[p[1] " " r]++ }
	END { for (k in n) print k, n[k] }' "$out/check.txt" | sort > "$out/found.txt"
grep -v '^#' expected-findings.txt | grep . | sort > "$out/expected.txt"
# by rule: count, severity, files
awk 'match($0, /^[^ ]+:[0-9]+:[0-9]+: [a-z-]+: .*\[[A-Z0-9_]+\]$/) {
	split($0, p, ":"); r = $0; sub(/.*\[/, "", r); sub(/\]$/, "", r); sev = p[4]; sub(/^ /, "", sev)
	n[r]++; s[r] = sev; if (index(f[r], p[1]) == 0) f[r] = f[r] (f[r] ? ", " : "") p[1] }
	END { for (r in n) printf "   %3d  %-16s %-32s %s\n", n[r], s[r], r, f[r] }' "$out/check.txt" |
	sort -k1,1nr -k3 | cut -c1-120
if cmp -s "$out/found.txt" "$out/expected.txt"; then
	echo "   These are the findings planted on purpose (policies/expected-findings.txt); the run"
	echo "   exits 1 because some are errors, as a CI gate would."
else
	echo "   NOT the expected findings (policies/expected-findings.txt): < found, > expected"
	diff "$out/found.txt" "$out/expected.txt" | grep '^[<>]' | sed 's/^/     /'
	status=1
fi
echo "   all of them, with positions: cd policies && ../$(rel "$bin") check ."
echo
[ "${DEMO_PARTS:-all}" = check ] && exit $status

echo "2. prove: do the organization's SCPs enforce the Stage 6 guardrails? (org.yaml, stage6 pack)"
"$bin" prove --org org.yaml --properties stage6 --param 'break_glass=arn:aws:iam::*:role/break-glass' \
	> "$out/prove.txt" 2> "$out/prove.err"
rc=$?
[ $rc -le 1 ] || { cat "$out/prove.err" >&2; echo "demo: prove exited $rc" >&2; exit 2; }
awk '/^target: / { t = $0; sub(/^target: /, "", t); order[++nt] = t; next }
	/^(proven|violated|unknown|vacuous) / { c[t, $1]++; if ($1 != "proven" && $1 != "vacuous") v[t] = v[t] (v[t] ? ", " : "") $2 }
	/^summary: / { sum = $0 }
	END { for (i = 1; i <= nt; i++) { t = order[i]
		printf "   %s: %d proven, %d violated%s\n", t, c[t, "proven"], c[t, "violated"], c[t, "unknown"] ? sprintf(", %d unknown", c[t, "unknown"]) : ""
		if (v[t] != "") printf "     not enforced: %s\n", v[t] }
	      print "   " sum }' "$out/prove.txt" | fold -s -w 100 | sed '2,$s/^\([^ ]\)/       \1/'
# one violation in full: the first counterexample of the run
awk '/^target: / { t = $0; sub(/^target: /, "", t) }
	/^violated / && !shown { p = $2; want = 1; next }
	want && /^ +counterexample: / { c = $0; sub(/^ +counterexample: /, "", c); next }
	want && /^ +allowed by: / { a = $0; sub(/^ +allowed by: /, "", a)
		printf "   for example, %s on %s is violated by this request:\n     %s\n     allowed by %s\n", p, t, c, a
		want = 0; shown = 1 }' "$out/prove.txt" | cut -c1-150
echo "   every violation comes with such a request, replayed through the evaluator:"
echo "   cd policies && ../$(rel "$bin") prove --org org.yaml --properties stage6 --param 'break_glass=arn:aws:iam::*:role/break-glass'"
"$bin" prove --org org.yaml --properties stage6 --param 'break_glass=arn:aws:iam::*:role/break-glass' --format html --output "$out/../report.html" 2>/dev/null; echo "   the same as one page, to open in a browser: $(rel "$(cd "$out/.." && pwd)")/report.html"
echo

echo "3. generate: the Stage 6 SCPs this organization should have (baseline.yaml), packed and proven"
"$bin" generate scp --config baseline.yaml --org org.yaml --out "$out/stage6" > "$out/generate.txt" 2>&1
rc=$?
sed 's/^/   /' "$out/generate.txt" | cut -c1-120
[ $rc = 0 ] || { echo "demo: generate exited $rc" >&2; status=2; }
echo "   the SCPs and the proof: $(rel "$out")/stage6/ (proof.md)"
exit $status
