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
# reports as a failure (tests/valgrind.supp: only Z3's global tables). VALGRIND_LOG=DIR keeps valgrind's reports there
# (one file per process); by default they go to standard error, where
# tests/cli.sh shows the first lines of a failing run.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind > /dev/null || { echo "valgrind: not installed (make deps)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=
if [ -n "${VALGRIND_LOG:-}" ]; then
	mkdir -p "$VALGRIND_LOG"
	log="--log-file=$(cd "$VALGRIND_LOG" && pwd)/vg.%p"
fi
cat > "$tmp/iamproof" <<W
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --suppressions=$root/tests/valgrind.supp $log "$bin" "\$@"
W
chmod +x "$tmp/iamproof"
sh "$root/tests/cli.sh" "$tmp/iamproof"
