#!/bin/sh
# Installs the Debian packages iamproof builds and tests with, when missing.
# As root it runs apt-get; otherwise it prints the exact line to run.
set -e
# Only what the build and tests use today, one line per user; the
# Makefile's *_PKGS groups name the pkg-config side of each. A module
# that starts using a library adds its package here and its group there
# (libpcre2-dev comes with the pattern compiler).
pkgs="build-essential pkg-config"
pkgs="$pkgs libyaml-dev"   # analyzer/load_yaml.c
pkgs="$pkgs check"         # tests/*.c, the unit-test runner
pkgs="$pkgs libjson-c-dev" # tests/test_report.c reads our JSON output back
pkgs="$pkgs libz3-dev"     # analyzer/smt.c, the prover
pkgs="$pkgs nodejs npm"    # oracles and generators under scripts/ and tests/
pkgs="$pkgs git"           # review (analyzer/cli/git.c) and its tests
pkgs="$pkgs pre-commit"    # tests/precommit.sh runs the real framework on .pre-commit-hooks.yaml
pkgs="$pkgs chromium"      # tests/report.sh opens the HTML report in it, headless
pkgs="$pkgs clang"         # make fuzz: libFuzzer targets (tests/fuzz)
pkgs="$pkgs valgrind"      # make valgrind: the CLI tests under memcheck
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# nodejs/npm may come from outside Debian's packages (as on the CI image):
# a working `npm` on PATH is enough.
if command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq $missing >/dev/null
else
	echo "deps: missing Debian packages; run:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
