# lib.sh - what the shell tests share; sourced after `tmp` and `name` are
# set (`name` prefixes failures: "review: FAIL: ...").
#
#   ok                    one more check passed
#   no MESSAGE            one more failed, with why
#   expect_exit CODE WHAT -- COMMAND...
#                         runs COMMAND, its output in $tmp/out and $tmp/err;
#                         passes when it exits CODE
#   has TEXT WHAT         $tmp/out holds TEXT (a fixed string)
#   hasnt TEXT WHAT       it does not
#   finish                the count; the exit status of the script
pass=0
fail=0
ok() { pass=$((pass + 1)); }
no() { echo "$name: FAIL: $*"; fail=$((fail + 1)); }
expect_exit() {
	want=$1 what=$2
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else no "$what: exit $got, expected $want"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -8; fi
}
has() {
	if grep -qF -- "$1" "$tmp/out"; then ok; else no "$2: no '$1' in the output"; sed 's/^/    /' "$tmp/out" | head -20; fi
}
hasnt() {
	if grep -qF -- "$1" "$tmp/out"; then no "$2: '$1' in the output"; else ok; fi
}
finish() {
	echo "$name: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}
