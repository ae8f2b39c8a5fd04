#!/bin/sh
# The 1,594 AWS managed policies: AWS accepted every one, so `check` must
# report no error-severity finding on them, and must not crash. The known
# exceptions are what the catalog lacks: unknown services, actions and
# condition keys are errors as Access Analyzer reports them (issue 10),
# and the corpus names retired services (deepracer, iot1click, ...) and
# keys the reference no longer lists; they are counted, not failed, and
# may not grow past what was measured (154). So are the conditions that
# never hold for some literal action of their statement
# (UNSUPPORTED_ACTION_FOR_CONDITION_KEY) and the misspelled ARN resource
# types (INVALID_ARN_RESOURCE) of AWS's own policies are true findings,
# each excused at its place by tests/corpus-known.tsv. POLICY_SIZE
# is disabled: AWS managed policies are not bound by the 6,144-character
# quota of customer managed policies (many are larger).
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
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const gap = new Set(["UNKNOWN_SERVICE", "UNKNOWN_ACTION", "ACTION_MATCHES_NOTHING", "UNKNOWN_CONDITION_KEY"]);
const all = r.diagnostics.filter(d => d.severity === "error");
const known = all.filter(d => gap.has(d.rule)).length;
console.error(`corpus: ${known} errors on what the catalog lacks (known exceptions)`);
if (known > 154) console.error("corpus: FAIL: more catalog-gap errors than the 154 measured");
// True findings on the policies of AWS itself (misspelled ARN resource types,
// keys a literal action never takes), each excused at its place by
// tests/corpus-known.tsv, never by a count: any other fails, and so does
// a listed one that is gone.
const fs = require("fs"), path = require("path");
const listed = new Set(fs.readFileSync(process.argv[2], "utf8").split("\n")
	.filter(l => l && !l.startsWith("#")));
const key = d => [d.rule, path.basename(d.path), d.line, d.column].join("\t");
const seen = new Set(all.map(key));
const gone = [...listed].filter(k => !seen.has(k));
console.error(`corpus: ${all.filter(d => listed.has(key(d))).length} errors listed in tests/corpus-known.tsv (known exceptions)`);
for (const k of gone) console.error(`corpus: FAIL: listed in tests/corpus-known.tsv but not reported: ${k}`);
const errs = all.filter(d => (!gap.has(d.rule) || known > 154) && !listed.has(key(d)));
if (gone.length) errs.push(...gone);
for (const d of errs.slice(0, 20)) console.error(`  ${d.path}:${d.line}:${d.column}: ${d.message} [${d.rule}]`);
const by = {};
for (const d of r.diagnostics) by[d.rule] = (by[d.rule] || 0) + 1;
console.error("corpus: findings per rule: " + JSON.stringify(by));
console.log(errs.length);
' "${TMPDIR:-/tmp}/iamp-corpus.$$.json" "$(dirname "$0")/corpus-known.tsv")
rm -f "${TMPDIR:-/tmp}/iamp-corpus.$$.json"
if [ "$errors" = 0 ]; then pass=$((pass + 1)); else echo "corpus: FAIL: $errors error-severity findings on AWS managed policies"; fail=$((fail + 1)); fi
echo "corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
