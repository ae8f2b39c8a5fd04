#!/bin/sh
# Golden fixtures: for every rule, fixtures/rules/<RULE_ID>/ holds inputs
# named fires*.<ext> (must report [RULE_ID]) and passes*.<ext> (must not),
# each next to <input>.expected, the exact text output of
#   iamproof check --no-color --quiet [ARGS] RULE_ID/<input>
# (ARGS: the one line of RULE_ID/args, for rules that need an option:
# the semantic rules need --semantic)
# run from fixtures/rules (whose .iamproof.yaml sets the policy type from
# the file name: x.scp.json is an SCP, x.trust.json a trust policy, ...).
# Every rule of `iamproof rules` must have at least one of each.
# UPDATE=1 rewrites the .expected files (review the diff before committing).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/../fixtures/rules" || exit 2
pass=0
fail=0
report() { echo "golden: FAIL: $*"; fail=$((fail + 1)); }

for id in $("$bin" rules | awk 'NR > 1 && $1 ~ /^[A-Z0-9_]+$/ { print $1 }'); do
	[ -d "$id" ] || { report "$id: no fixture directory"; continue; }
	ls "$id" | grep -q '^fires' || report "$id: no fires* fixture"
	ls "$id" | grep -q '^passes' || report "$id: no passes* fixture"
done

for input in */fires* */passes*; do
	case "$input" in *.expected) continue ;; esac
	[ -f "$input" ] || continue
	id=${input%%/*}
	# <RULE_ID>/args: options the rule needs (--semantic), one line
	args=$(cat "$id/args" 2>/dev/null || true)
	# shellcheck disable=SC2086
	out=$("$bin" check --no-color --quiet $args "$input" 2>&1)
	if [ "${UPDATE:-}" = 1 ]; then
		printf '%s\n' "$out" > "$input.expected"
	fi
	if [ ! -f "$input.expected" ]; then
		report "$input: no $input.expected"
		continue
	fi
	if [ "$(printf '%s\n' "$out")" != "$(cat "$input.expected")" ]; then
		report "$input: output differs from $input.expected"
		printf '%s\n' "$out" | diff "$input.expected" - | sed 's/^/    /'
		continue
	fi
	case "$(basename "$input")" in
	fires*)
		printf '%s\n' "$out" | grep -q "\[$id\]" || { report "$input: does not report [$id]"; continue; } ;;
	passes*)
		printf '%s\n' "$out" | grep -q "\[$id\]" && { report "$input: reports [$id] but must not"; continue; } ;;
	esac
	pass=$((pass + 1))
done

# docs/rules.md is generated from `iamproof rules` and these fixtures:
# regenerate it into a temporary file and compare (UPDATE=1 rewrites it).
doc=$(mktemp)
if ! sh ../../scripts/gen-rules-doc.sh "$bin" "$doc"; then
	report "scripts/gen-rules-doc.sh failed"
elif cmp -s "$doc" ../../docs/rules.md; then
	pass=$((pass + 1))
elif [ "${UPDATE:-}" = 1 ]; then
	cp "$doc" ../../docs/rules.md
	pass=$((pass + 1))
else
	report "docs/rules.md is stale: run sh scripts/gen-rules-doc.sh"
	diff ../../docs/rules.md "$doc" | head -20 | sed 's/^/    /'
fi
rm -f "$doc"

echo "golden: $pass passed, $fail failed"
[ "$fail" = 0 ]
