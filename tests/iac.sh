#!/bin/sh
# Policies in CloudFormation templates and Terraform plans (docs/iac.md):
#  1. each template of fixtures/iac gives exactly its .expected output
#     (findings at template positions, labelled with the logical id or
#     address);
#  2. each embedded policy gives the same findings (severity, rule and
#     message, line numbers aside) as the same policy written as a plain
#     file (fixtures/iac/equivalents.tsv), and every policy that has
#     findings is listed there;
#  3. intrinsics cause no finding, Fn::If and Fn::ImportValue are said;
#  4. bad templates get diagnostics at their position, never a crash;
#  5. a directory walk picks templates up by content.
# Usage: sh tests/iac.sh path/to/iamproof    (UPDATE=1 rewrites the .expected files)
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/../fixtures/iac" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
no() { echo "iac: FAIL: $*"; fail=$((fail + 1)); }
check() { "$bin" check --no-config --no-color --quiet "$@" 2>&1; }

# "severity|RULE|message" with line and column numbers in messages blanked
norm() {
	sed -E 's/^[^:]+:[0-9]+:[0-9]+: ([a-z-]+): (.*) \[([A-Z0-9_]+)\]$/\1|\3|\2/' |
		sed -E 's/line [0-9]+/line _/g; s/at [0-9]+:[0-9]+/at _/g'
}

# 1. golden outputs
for t in cfn.yaml cfn.json tf-plan.json tf-state.json symbolic.yaml bad/*; do
	case "$t" in *.expected) continue ;; esac
	out=$(check "$t")
	code=$?
	[ "${UPDATE:-}" = 1 ] && printf '%s\n' "$out" > "$t.expected"
	if [ "$code" -gt 1 ]; then
		no "$t: exit $code (crash or internal error)"
	elif [ "$(printf '%s\n' "$out")" != "$(cat "$t.expected" 2>/dev/null)" ]; then
		no "$t: output differs from $t.expected"
		printf '%s\n' "$out" | diff "$t.expected" - | sed 's/^/    /' | head -20
	else
		ok
	fi
done

# 2. the same findings as the plain policy files
grep -v '^#' equivalents.tsv | while IFS='	' read -r t label type plain; do
	check "$t" | norm | grep -v '|SYMBOLIC_VALUE|' |
		awk -v l="$label: " '{ i = index($0, "|"); j = i + index(substr($0, i + 1), "|");
			m = substr($0, j + 1); if (index(m, l) == 1) print substr($0, 1, j) substr(m, length(l) + 1) }' |
		sort > "$tmp/a"
	check -t "$type" "$plain" | norm | sort > "$tmp/b"
	if cmp -s "$tmp/a" "$tmp/b"; then
		echo ok
	else
		echo "no $t $label: differs from $plain (< template, > plain file)"
		diff "$tmp/a" "$tmp/b" | sed 's/^/    /'
	fi
done > "$tmp/eq"
pass=$((pass + $(grep -c '^ok' "$tmp/eq")))
if grep -q '^no' "$tmp/eq"; then
	grep -v '^ok' "$tmp/eq" | sed 's/^no /iac: FAIL: /'
	fail=$((fail + $(grep -c '^no' "$tmp/eq")))
fi
[ "$(grep -c '^ok' "$tmp/eq")" -ge 20 ] && ok || no "fewer than 20 equivalent policies compared"
for t in cfn.yaml cfn.json tf-plan.json tf-state.json; do
	check "$t" | norm | grep -v '|SYMBOLIC_VALUE|' | cut -d'|' -f3 | sed 's/: .*//' | sort -u |
		while read -r label; do
			grep -qF "$t	$label	" equivalents.tsv || echo "$label"
		done > "$tmp/missing"
	[ -s "$tmp/missing" ] && no "$t: policies with findings not in equivalents.tsv: $(tr '\n' ' ' < "$tmp/missing")" || ok
done

# 3. symbolic values
out=$(check symbolic.yaml)
[ -z "$out" ] && ok || no "symbolic.yaml: intrinsics caused findings: $out"
out=$(check cfn.yaml)
printf '%s\n' "$out" | grep -q 'cfn.yaml:56:17: suggestion: AppRole.Policies\[1\].PolicyDocument: part of Statement is chosen at deploy by Fn::If on condition "IsProd"' &&
	ok || no "cfn.yaml: no SYMBOLIC_VALUE for the Fn::If statement"
printf '%s\n' "$out" | grep -q 'BucketPolicy.PolicyDocument: part of Principal is imported from another stack (Fn::ImportValue)' &&
	ok || no "cfn.yaml: no SYMBOLIC_VALUE for Fn::ImportValue"
printf '%s\n' "$out" | grep -Eq 'INVALID_ARN|INVALID_PRINCIPAL|RESOURCE_MISMATCH|WILDCARD_ONLY' &&
	no "cfn.yaml: a finding from an intrinsic" || ok
check tf-plan.json | grep -q 'tf-plan.json:42:22: suggestion: aws_s3_bucket_policy.data: policy is known only after apply' &&
	ok || no "tf-plan.json: no SYMBOLIC_VALUE for after_unknown"
# --semantic proves the policies read completely, and leaves the others
"$bin" check --no-config --semantic cfn.json > /dev/null 2> "$tmp/err"
grep -q 'semantic checks: [1-9][0-9]* file' "$tmp/err" && ok || no "--semantic on a template: $(cat "$tmp/err")"
"$bin" check --no-config --semantic symbolic.yaml > /dev/null 2> "$tmp/err"
grep -q 'semantic checks: 0 files, .* 3 files with errors not checked' "$tmp/err" && ok ||
	no "--semantic on symbolic policies: $(cat "$tmp/err")"

# 4. bad input: every file a diagnostic, exit 1, no crash
for t in bad/*; do
	case "$t" in *.expected) continue ;; esac
	check "$t" > "$tmp/out"
	code=$?
	[ "$code" = 1 ] && grep -q 'error: .*\[\(WRONG_TYPE\|SYNTAX_ERROR\)\]' "$tmp/out" && ok ||
		no "$t: exit $code, expected 1 with an error diagnostic"
done
check bad/tf-broken.json | grep -q '^bad/tf-broken.json:7:78: error: aws_iam_policy.broken.policy: expected a value' &&
	ok || no "bad/tf-broken.json: the syntax error is not at its place in the plan file"

# 5. a directory walk picks templates up by content, with their types
mkdir -p "$tmp/repo/infra"
cp cfn.json "$tmp/repo/infra/stack.json"
cp tf-plan.json "$tmp/repo/plan.json"
(cd "$tmp/repo" && "$bin" check --no-config --quiet --no-color . > "$tmp/out" 2>&1)
grep -q '^infra/stack.json:78:73: error: Scp.Content: Sid' "$tmp/out" && grep -q '^plan.json:.*aws_iam_policy.app.policy' "$tmp/out" &&
	ok || no "directory walk: $(head -3 "$tmp/out")"
"$bin" check --no-config --format sarif cfn.yaml > "$tmp/sarif" 2>/dev/null
grep -q '"startLine": 56' "$tmp/sarif" && grep -q 'AppRole.Policies\[1\].PolicyDocument' "$tmp/sarif" &&
	ok || no "SARIF: no template position or label"

echo "iac: $pass passed, $fail failed"
[ "$fail" = 0 ]
