#!/bin/sh
# The 1,594 AWS managed policies: AWS accepted every one, so `check` must
# report no error-severity finding on them, and must not crash. The known
# exceptions are listed one by one, at their place, in
# tests/corpus-known.tsv, each with its reason: what the catalog lacks
# (unknown services, actions and condition keys are errors as Access
# Analyzer reports them, issue 10, and the corpus names retired services
# such as deepracer and iot1click, and actions and keys the reference
# lacks at the catalog's date), and the true findings of AWS's own
# policies (misspelled ARN resource types, keys a literal action never
# takes). Any other error fails the test, and so does a listed one that is
# no longer reported. POLICY_SIZE is disabled: AWS managed policies are not
# bound by the 6,144-character quota of customer managed policies (many
# are larger).
# Usage: sh tests/corpus.sh path/to/iamproof
set -u
bin=$1
dir=$(sh "$(dirname "$0")/../scripts/managed-corpus.sh") || { echo "corpus: cannot make the managed-policy corpus"; exit 1; }
pass=0
fail=0
n=$(ls "$dir" | grep -c '\.json$')
[ "$n" = 1594 ] && pass=$((pass + 1)) || { echo "corpus: FAIL: $n policies, expected 1594"; fail=$((fail + 1)); }
out=${TMPDIR:-/tmp}/iamp-corpus.$$
"$bin" check --no-config --quiet --type identity --disable POLICY_SIZE --format json "$dir" > "$out.json"
rc=$?
if [ "$rc" -le 1 ]; then pass=$((pass + 1)); else echo "corpus: FAIL: check exited $rc"; fail=$((fail + 1)); fi
# the key of each error is its rule, file, line and column, the first four
# fields of tests/corpus-known.tsv (scripts/bench-gen.js findings, which
# make bench reads too)
if node "$(dirname "$0")/../scripts/bench-gen.js" findings "$out.json" --known "$(dirname "$0")/corpus-known.tsv" \
	> "$out.txt"; then
	errors=$(awk '$1 == "errors" { print $2 }' "$out.txt")
	gone=$(awk '$1 == "gone" { print $2 }' "$out.txt")
	echo "corpus: $(awk '$1 == "excused" { print $2 }' "$out.txt") errors listed in tests/corpus-known.tsv (known exceptions); findings per severity and rule:" \
		"$(awk 'NF == 3 && $1 ~ /^[0-9]+$/ { printf "%s%s %s %s", sep, $1, $2, $3; sep = ", " }' "$out.txt")" >&2
	sed -n 's/^at /  /p' "$out.txt" | head -n 20 >&2
	sed -n 's/^unreported /corpus: FAIL: listed in tests\/corpus-known.tsv but not reported: /p' "$out.txt" >&2
else
	errors=unknown gone=unknown
fi
rm -f "$out.json" "$out.txt"
if [ "$errors" = 0 ] && [ "$gone" = 0 ]; then pass=$((pass + 1)); else echo "corpus: FAIL: $errors error findings on AWS managed policies not listed in tests/corpus-known.tsv, $gone listed there and no longer reported"; fail=$((fail + 1)); fi
echo "corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
