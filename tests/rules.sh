#!/bin/sh
# Behaviour tests of the concrete evaluator written from AWS's documentation:
# every case in tests/rules/*.json names the AWS page it follows and quotes
# it, gives the policies and the requests, and the decision each must get.
# tests/rules/run.mjs writes the policies to temporary files, runs
# `iamproof simulate` once per case and compares; it prints one line per
# failed request and ends with `rules: N passed, M failed`.
# Usage: sh tests/rules.sh path/to/iamproof [tests/rules/case.json...]
set -u
if [ $# -lt 1 ]; then
	echo "usage: sh tests/rules.sh path/to/iamproof [case.json...]" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$1" ] || [ ! -x "$1" ]; then
	echo "rules: FAIL: $1 is not an executable"
	echo "rules: 0 passed, 1 failed"
	exit 1
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
if ! command -v node >/dev/null 2>&1; then
	echo "rules: FAIL: node is needed to run tests/rules/run.mjs"
	echo "rules: 0 passed, 1 failed"
	exit 1
fi
exec node "$root/tests/rules/run.mjs" "$bin" "$@"
