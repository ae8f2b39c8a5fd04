#!/bin/sh
# The CLI tests under valgrind memcheck (make valgrind; docs/testing.md).
#
#   sh tests/valgrind.sh path/to/iamproof
#
# Writes a wrapper (in a temporary directory) that runs the binary as
#   valgrind -q --error-exitcode=99 --leak-check=full
#            --suppressions=tests/valgrind.supp BIN ARGS
# and runs tests/cli.sh with the wrapper as its binary: a memory error or
# a leak in any run makes that run exit 99, which the check that runs it
# reports as a failure (tests/valgrind.supp: Z3's global tables and
# glibc's cached thread vectors). Valgrind's reports go to one file per
# process, in VALGRIND_LOG=DIR if given, else in a temporary directory;
# when any run failed, every non-empty report is printed in full after
# the tests (tests/cli.sh shows only a failing run's first lines).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind > /dev/null || { echo "valgrind: not installed (make deps)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
logs=${VALGRIND_LOG:-$tmp/logs}
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)
log="--log-file=$logs/vg.%p"
cat > "$tmp/iamproof" <<W
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --suppressions=$root/tests/valgrind.supp $log "$bin" "\$@"
W
chmod +x "$tmp/iamproof"
sh "$root/tests/cli.sh" "$tmp/iamproof"
rc=$?
if [ "$rc" != 0 ]; then
	for f in "$logs"/vg.*; do
		[ -s "$f" ] || continue
		echo "valgrind: report $f:"
		sed 's/^/    /' "$f"
	done
fi
exit "$rc"
