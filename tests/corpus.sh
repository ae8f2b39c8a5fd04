#!/bin/sh
# The 1,594 AWS managed policies: AWS accepted every one, so `check` must
# report no error-severity finding on them, and must not crash. The known
# exceptions are what the catalog lacks: unknown services, actions and
# condition keys are errors as Access Analyzer reports them (issue 10),
# and the corpus names retired services (deepracer, iot1click, ...) and
# keys the reference no longer lists; they are counted, not failed, and
# may not grow past what was measured (154). So are the conditions that
# never hold for some literal action of their statement, because the
# catalog lists the key for none of them
# (UNSUPPORTED_ACTION_FOR_CONDITION_KEY, an ERROR as AWS reports it, on
# AWS's own policies: docs/aa-parity.md), at most the 27 measured. POLICY_SIZE
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
// ARN typos of AWS itself: resource types that exist in no ARN format of
// their service (endpointconfig for endpoint-config, statemachine for
// stateMachine, ...), 5 measured (docs/aa-parity.md)
const typos = all.filter(d => d.rule === "INVALID_ARN_RESOURCE").length;
console.error(`corpus: ${typos} errors on misspelled ARN resource types of AWS itself (known exceptions)`);
if (typos > 5) console.error("corpus: FAIL: more misspelled ARN resource types than the 5 measured");
const keys = all.filter(d => d.rule === "UNSUPPORTED_ACTION_FOR_CONDITION_KEY").length;
console.error(`corpus: ${keys} errors on keys that some literal actions of their statement do not take (known exceptions)`);
if (keys > 27) console.error("corpus: FAIL: more UNSUPPORTED_ACTION_FOR_CONDITION_KEY errors than the 27 measured");
const errs = all.filter(d => (!gap.has(d.rule) || known > 154) &&
	(d.rule !== "INVALID_ARN_RESOURCE" || typos > 5) &&
	(d.rule !== "UNSUPPORTED_ACTION_FOR_CONDITION_KEY" || keys > 27));
for (const d of errs.slice(0, 20)) console.error(`  ${d.path}:${d.line}:${d.column}: ${d.message} [${d.rule}]`);
const by = {};
for (const d of r.diagnostics) by[d.rule] = (by[d.rule] || 0) + 1;
console.error("corpus: findings per rule: " + JSON.stringify(by));
console.log(errs.length);
' "${TMPDIR:-/tmp}/iamp-corpus.$$.json")
rm -f "${TMPDIR:-/tmp}/iamp-corpus.$$.json"
if [ "$errors" = 0 ]; then pass=$((pass + 1)); else echo "corpus: FAIL: $errors error-severity findings on AWS managed policies"; fail=$((fail + 1)); fi
echo "corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
