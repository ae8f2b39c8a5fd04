#!/bin/sh
# The tools `make bench` measures with (tests/bench/): their figures are
# only as good as these checks.
#   1. bench-time (timer.c): a run's time includes the whole child (a
#      sleep of 0.1 s is timed at 0.1 s or more), the peak RSS is the
#      child's (64 MiB allocated: 64 MiB or more), the status is the
#      highest seen (128 + N for signal N), a status above 2 ends the
#      rounds with that run's stderr kept, -o takes stdout, --and times
#      each command, --together runs two copies at once and two in turn;
#      wrong calls exit 2.
#   2. bench-parse (parse.c): counts the documents of a directory and of
#      a file of lines, and exits 1 on one that does not parse.
# Usage: sh tests/bench-tools.sh path/to/iamproof (its directory holds
# bench-time and bench-parse).
set -u
dir=$(cd "$(dirname "$1")" && pwd)
timer=$dir/bench-time
parse=$dir/bench-parse
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=bench-tools
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

for b in "$timer" "$parse"; do
	[ -x "$b" ] || { no "$b is not built"; finish; exit 1; }
done

# field N OF LINE: the Nth word of line LINE of $tmp/out
field() {
	sed -n "$2p" "$tmp/out" | awk -v n="$1" '{ print $n }'
}
# at_least WHAT A B: A >= B, numbers
at_least() {
	if [ -n "$2" ] && [ "$2" -ge "$3" ] 2>/dev/null; then ok; else no "$1: $2, expected at least $3"; fi
}
equals() {
	if [ "$2" = "$3" ]; then ok; else no "$1: '$2', expected '$3'"; fi
}

# --- 1. bench-time ---------------------------------------------------------
expect_exit 0 "a sleep" -- "$timer" -n 2 sleep 0.1
at_least "a 0.1 s sleep's time (ns)" "$(field 1 1)" 100000000
equals "a sleep's status" "$(field 3 1)" 0
[ "$(wc -l < "$tmp/out")" = 1 ] && ok || no "one command: one line"

expect_exit 0 "dd's 64 MiB buffer" -- "$timer" -n 1 dd if=/dev/zero of=/dev/null bs=64M count=1
at_least "64 MiB allocated: peak RSS (KiB)" "$(field 2 1)" 65536

expect_exit 0 "three commands" -- "$timer" -n 3 sh -c 'exit 1' --and sh -c 'exit 0' --and sleep 0.05
equals "three commands, three lines" "$(wc -l < "$tmp/out" | tr -d ' ')" 3
equals "the first's status" "$(field 3 1)" 1
equals "the second's status" "$(field 3 2)" 0
at_least "the third timed as itself (ns)" "$(field 1 3)" 50000000

: > "$tmp/runs"
expect_exit 0 "a crash" -- "$timer" -n 5 -e "$tmp/crash.err" sh -c "echo run >> '$tmp/runs'; echo gone wrong >&2; exit 3"
equals "a status of 3" "$(field 3 1)" 3
equals "runs after a crash" "$(wc -l < "$tmp/runs" | tr -d ' ')" 1
grep -q "gone wrong" "$tmp/crash.err" && ok || no "the crashing run's stderr is not kept"

expect_exit 0 "a signal" -- "$timer" -n 2 sh -c 'kill -SEGV $$'
equals "killed by SIGSEGV" "$(field 3 1)" 139

expect_exit 0 "-o" -- "$timer" -n 2 -o "$tmp/stdout" echo hello
equals "-o: the command's stdout" "$(cat "$tmp/stdout")" hello

expect_exit 0 "--together" -- "$timer" -n 1 --together sleep 0.1
equals "--together, two lines" "$(wc -l < "$tmp/out" | tr -d ' ')" 2
at_least "two at once (ns)" "$(field 1 1)" 100000000
at_least "two in turn (ns)" "$(field 1 2)" 200000000

expect_exit 2 "no command" -- "$timer" -n 3
expect_exit 2 "an unknown option" -- "$timer" -x true
expect_exit 2 "a bad -n" -- "$timer" -n 0 true
expect_exit 2 "--and at the end" -- "$timer" true --and
expect_exit 2 "a command that is not there" -- "$timer" "$tmp/nothing-here"

# --- 2. bench-parse --------------------------------------------------------
mkdir "$tmp/docs"
echo '{"a": 1}' > "$tmp/docs/one.json"
echo '[1, 2]' > "$tmp/docs/two.json"
printf '{"x": 1}\n{"y": [2]}\n{"z": null}\n' > "$tmp/lines.jsonl"
expect_exit 0 "a directory" -- "$parse" "$tmp/docs"
equals "documents in the directory" "$(cat "$tmp/out")" 2
expect_exit 0 "lines" -- "$parse" --lines "$tmp/lines.jsonl"
equals "documents, one a line" "$(cat "$tmp/out")" 3
echo '{"a": ' > "$tmp/docs/bad.json"
expect_exit 1 "a document that does not parse" -- "$parse" "$tmp/docs"

finish
