#!/bin/sh
# Installs the independent simulator of the differential tests into
# .cache/npm (ignored), unless that version is there already:
#   sh scripts/oracle-install.sh
# scripts/difftest.sh and tests/prove-oracle.sh call it; the version is
# pinned here only (docs/semantics.md, "Differential test").
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NPM=$ROOT/.cache/npm
ORACLE_VERSION=0.1.173
command -v node >/dev/null || { echo "oracle-install: node is required" >&2; exit 2; }
if [ "$(node -p "try{require('$NPM/node_modules/@cloud-copilot/iam-simulate/package.json').version}catch(e){''}" 2>/dev/null)" != "$ORACLE_VERSION" ]; then
	echo "oracle-install: installing @cloud-copilot/iam-simulate@$ORACLE_VERSION into .cache/npm" >&2
	mkdir -p "$NPM"
	npm install --prefix "$NPM" --no-audit --no-fund "@cloud-copilot/iam-simulate@$ORACLE_VERSION" >&2
fi
