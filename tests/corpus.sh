#!/bin/sh
# The 1,594 AWS managed policies: AWS accepted every one, so `check` must
# report no error-severity finding on them, and must not crash. The known
# exceptions are listed one by one, at their place, in
# tests/corpus-known.tsv, each with its reason: what the catalog lacks
# (unknown services, actions and condition keys are errors as Access
# Analyzer reports them, issue 10, and the corpus names retired services
# such as deepracer and iot1click, and actions and keys the reference
# lacks at the catalog's date), and the true findings of AWS's own
# policies (misspelled ARN resource types, keys a literal action never
# takes). Any other error fails the test, and so does a listed one that is
# no longer reported. POLICY_SIZE is disabled: AWS managed policies are not
# bound by the 6,144-character quota of customer managed policies (many
# are larger).
# Usage: sh tests/corpus.sh path/to/iamproof
set -u
bin=$1
dir=$(sh "$(dirname "$0")/../scripts/managed-corpus.sh") || { echo "corpus: cannot make the managed-policy corpus"; exit 1; }
pass=0
fail=0
n=$(ls "$dir" | grep -c '\.json$')
[ "$n" = 1594 ] && pass=$((pass + 1)) || { echo "corpus: FAIL: $n policies, expected 1594"; fail=$((fail + 1)); }
"$bin" check --no-config --quiet --type identity --disable POLICY_SIZE --format json "$dir" > "${TMPDIR:-/tmp}/iamp-corpus.$$.json"
rc=$?
if [ "$rc" -le 1 ]; then pass=$((pass + 1)); else echo "corpus: FAIL: check exited $rc"; fail=$((fail + 1)); fi
errors=$(node -e '
const fs = require("fs"), path = require("path");
const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const all = r.diagnostics.filter(d => d.severity === "error");
// rule, file, line, column: the key; the fifth field is the reason
const listed = new Set(fs.readFileSync(process.argv[2], "utf8").split("\n")
	.filter(l => l && !l.startsWith("#")).map(l => l.split("\t").slice(0, 4).join("\t")));
const key = d => [d.rule, path.basename(d.path), d.line, d.column].join("\t");
const seen = new Set(all.map(key));
const gone = [...listed].filter(k => !seen.has(k));
const known = all.filter(d => listed.has(key(d)));
const perRule = {};
for (const d of known) perRule[d.rule] = (perRule[d.rule] || 0) + 1;
console.error(`corpus: ${known.length} errors listed in tests/corpus-known.tsv (known exceptions): ${JSON.stringify(perRule)}`);
const errs = all.filter(d => !listed.has(key(d)));
for (const d of errs.slice(0, 20)) console.error(`  ${d.path}:${d.line}:${d.column}: ${d.message} [${d.rule}]`);
for (const k of gone) console.error(`corpus: FAIL: listed in tests/corpus-known.tsv but not reported: ${k}`);
const by = {};
for (const d of r.diagnostics) by[d.rule] = (by[d.rule] || 0) + 1;
console.error("corpus: findings per rule: " + JSON.stringify(by));
console.log(errs.length + gone.length);
' "${TMPDIR:-/tmp}/iamp-corpus.$$.json" "$(dirname "$0")/corpus-known.tsv")
rm -f "${TMPDIR:-/tmp}/iamp-corpus.$$.json"
if [ "$errors" = 0 ]; then pass=$((pass + 1)); else echo "corpus: FAIL: $errors error findings on AWS managed policies not listed in tests/corpus-known.tsv, or listed there and no longer reported"; fail=$((fail + 1)); fi
echo "corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
