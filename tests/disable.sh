#!/bin/sh
# A disabled rule does no work (issue 13): `--disable RULE` skips the
# rule's computation rather than dropping its findings afterwards.
#
# Every costly computation of a rule sits behind a guard
# (iamp_diags_wants) and marks itself once past it (iamp_diags_work);
# a mark made while its rule is off is counted as wasted work, and
# IAMPROOF_CHECK_TRACE=1 makes check print the count on standard error.
# So a guard that is missing, or a rule group that asks for the wrong
# rules, shows up here as wasted work:
#   1. every fires* fixture of fixtures/rules/RULE, checked with
#      --disable RULE (and the fixture's args: --semantic), must not
#      report [RULE] and must waste nothing (tests/golden.sh shows that
#      each reports [RULE] when it is on: the rule does work there);
#   2. the fixtures (rules, Access Analyzer codes, templates and plans)
#      and the managed corpus when .cache/managed holds it, with every
#      rule disabled: no finding, nothing wasted, exit 0;
#   3. --disable RULE gives the output of the full run without RULE's
#      lines, over the fixtures of the rules that share work (the
#      catalog and Access Analyzer groups).
# Usage: sh tests/disable.sh path/to/iamproof
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=disable
. "$root/tests/lib.sh"
export IAMPROOF_CHECK_TRACE=1

# wasted FILE: the count the trace line of FILE (stderr) gives, or "none".
wasted() {
	sed -n 's/^iamproof: trace: work for disabled rules: \([0-9]*\).*/\1/p' "$1" | head -n 1 | grep . || echo none
}

rules=$("$bin" rules | awk 'NR > 1 && $1 ~ /^[A-Z0-9_]+$/ { print $1 }')
[ -n "$rules" ] || { no "iamproof rules lists no rule"; finish; exit 1; }

# --- 1. each rule, disabled on the fixtures that make it fire -------------
cd "$root/fixtures/rules" || exit 2
for id in $rules; do
	args=$(cat "$id/args" 2>/dev/null || true)
	for input in "$id"/fires*; do
		case "$input" in *.expected) continue ;; esac
		[ -f "$input" ] || continue
		# shellcheck disable=SC2086
		"$bin" check --no-color --quiet $args --disable "$id" "$input" > "$tmp/out" 2> "$tmp/err"
		w=$(wasted "$tmp/err")
		if grep -q "\[$id\]" "$tmp/out"; then
			no "$input: --disable $id still reports it"
		elif [ "$w" != 0 ]; then
			no "$input: --disable $id: work for disabled rules: $w ($(sed -n 's/.*(first: \(.*\))/\1/p' "$tmp/err"))"
		else
			ok
		fi
	done
done

# --- 2. every rule disabled -------------------------------------------------
all=""
for id in $rules; do
	all="$all --disable $id"
done
set -- "$root/fixtures/rules" "$root/fixtures/aa" "$root/fixtures/iac"
[ -d "$root/.cache/managed" ] && set -- "$@" "$root/.cache/managed"
for dir in "$@"; do
	[ -d "$dir" ] || continue
	# shellcheck disable=SC2086
	"$bin" check --no-config --no-color --quiet --format json $all "$dir" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	w=$(wasted "$tmp/err")
	n=$(grep -c '"ruleId"' "$tmp/out")
	if [ "$w" != 0 ]; then
		no "$dir: every rule disabled: work for disabled rules: $w ($(sed -n 's/.*(first: \(.*\))/\1/p' "$tmp/err"))"
	elif [ "$n" != 0 ]; then
		no "$dir: every rule disabled: $n findings"
	elif [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
		no "$dir: every rule disabled: exit $rc"
	else
		ok
	fi
done

# --- 3. disabling one rule of a group leaves the others' findings ----------
# The output without RULE's lines, from a run with every rule on, must be
# the output of the run with --disable RULE: the rules that share work
# (catalog lookups, the expansion, ARN formats) still get it.
for id in UNKNOWN_ACTION RESOURCE_MISMATCH CONDITION_KEY_NOT_APPLICABLE RESOURCE_STAR \
	PERMISSIONS_MANAGEMENT_STAR PRIVILEGE_ESCALATION ARN_REGION_NOT_ALLOWED MISSING_ARN_REGION \
	UNKNOWN_CONDITION_KEY SECRET_ACCESS_KEY; do
	"$bin" check --no-color --quiet . > "$tmp/on" 2> /dev/null
	"$bin" check --no-color --quiet --disable "$id" . > "$tmp/off" 2> "$tmp/err"
	grep -v "\[$id\]" "$tmp/on" > "$tmp/want"
	if [ "$(wasted "$tmp/err")" != 0 ]; then
		no "fixtures/rules: --disable $id: work for disabled rules: $(wasted "$tmp/err")"
	elif ! cmp -s "$tmp/want" "$tmp/off"; then
		no "fixtures/rules: --disable $id changes other rules' findings:"
		diff "$tmp/want" "$tmp/off" | head -n 10 | sed 's/^/    /'
	else
		ok
	fi
done

# The one exception, by design: RESOURCE_MISMATCH leaves an ARN whose
# resource type is misspelled to INVALID_ARN_RESOURCE (one finding per
# mistake), and reports it again when that rule is off.
"$bin" check --no-color --quiet --disable INVALID_ARN_RESOURCE INVALID_ARN_RESOURCE/fires.json > "$tmp/off" 2> /dev/null
if grep -q '^INVALID_ARN_RESOURCE/fires.json:8:9: warning: .*\[RESOURCE_MISMATCH\]$' "$tmp/off"; then
	ok
else
	no "--disable INVALID_ARN_RESOURCE: RESOURCE_MISMATCH does not report the misspelled ARN it left to it"
fi

finish
