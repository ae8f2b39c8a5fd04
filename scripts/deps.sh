#!/bin/sh
# Installs the Debian packages iamproof builds and tests with, when missing.
# As root it runs apt-get; otherwise it prints the exact line to run.
set -e
pkgs="build-essential pkg-config libjson-c-dev libyaml-dev libpcre2-dev libz3-dev check nodejs npm"
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
