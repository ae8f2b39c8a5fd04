#!/bin/sh
# The examples of docs/simulate.md run as documented: each `# DECISION:`
# comment in a ```sh block is followed by one command (continued with
# backslashes) whose output must state that decision. Run from policies/.
# Usage: sh tests/simulate.sh path/to/iamproof
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Split the examples into one file per command: DECISION<TAB>command.
awk '
/^```sh/ { insh = 1; next }
/^```/ { insh = 0; next }
insh && /^# (allowed|explicitDeny|implicitDeny):/ { want = substr($2, 1, length($2) - 1); cmd = ""; next }
insh && want != "" {
	line = $0; cont = sub(/\\$/, "", line); cmd = cmd line
	if (!cont) { n++; print want > (dir "/" n ".want"); print cmd > (dir "/" n ".cmd"); want = "" }
}' dir="$tmp" "$root/docs/simulate.md"
for c in "$tmp"/*.cmd; do
	[ -f "$c" ] || { echo "simulate: FAIL: no examples found in docs/simulate.md"; fail=$((fail + 1)); break; }
	want=$(cat "${c%.cmd}.want")
	cmd=$(sed 's/^iamproof /"$bin" /' "$c")
	out=$(cd "$root/policies" && eval "$cmd" 2>&1)
	if printf '%s\n' "$out" | grep -qi "$want"; then
		pass=$((pass + 1))
	else
		echo "simulate: FAIL: $(cat "$c")"
		echo "    expected $want, got: $out" | head -5
		fail=$((fail + 1))
	fi
done
echo "simulate: $pass passed, $fail failed"
[ "$fail" = 0 ]
