#!/bin/sh
# caps.sh - every input cap is a diagnostic at its position, in bounded
# time and memory (issue 12). Each input is made here, well over its cap,
# and run with a memory ceiling (ulimit -v, 2 GiB of address space) and a
# hang guard (timeout 60 s: a guard, not a speed check; the bench measures
# speed). The caps themselves are documented in docs/configuration.md and
# load.h (struct iamp_limits). ASan reserves far more address space than
# the ceiling allows, so `make asan-slow` runs this with CAPS_CEILING=
# unlimited: memory errors are then ASan's to find, and the ceiling is the
# plain build's.
# Usage: [CAPS_CEILING=KIB|unlimited] sh tests/caps.sh path/to/iamproof
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=caps
. "$root/tests/lib.sh"
cd "$tmp" || exit 2

# guarded CODE WHAT -- COMMAND...: expect_exit under the ceilings
guarded() {
	want=$1 what=$2
	shift 3
	expect_exit "$want" "$what" -- sh -c 'ulimit -v "$0"; exec timeout 60 "$@"' "${CAPS_CEILING:-2097152}" "$@"
}
# gen FILE PYTHON-EXPRESSION-PRINTING-THE-CONTENT: inputs made with awk
# would be slow; node is already needed by the suite
gen() {
	node -e "require('fs').writeFileSync(process.argv[1], (() => { $2 })())" "$1"
}

gen big.json 'const s = "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/k\"}"; return "{\"Version\":\"2012-10-17\",\"Statement\":[" + Array(1900000).fill(s).join(",") + "]}"'
guarded 1 "a file of 100 MB" -- "$bin" check --no-config big.json
has "big.json:1:1: error: input is" "the file cap, at 1:1"
has "over the limit of 4194304 bytes [INPUT_LIMIT]" "the file cap names its limit"

gen deep.json 'return "[".repeat(10000) + "]".repeat(10000)'
guarded 1 "10,000-deep JSON" -- "$bin" check --no-config deep.json
has "deep.json:1:65: error: nesting deeper than the limit of 64 levels [INPUT_LIMIT]" "JSON nesting, at the 65th bracket"
gen deep.yaml 'return "a: " + "[".repeat(10000) + "]".repeat(10000) + "\n"'
guarded 1 "10,000-deep YAML" -- "$bin" check --no-config deep.yaml
has "nesting deeper than the limit of 64 levels [INPUT_LIMIT]" "YAML nesting"

gen long.json 'return "{\"Version\":\"2012-10-17\",\"Id\":\"" + "a".repeat(1 << 20) + "\",\"Statement\":[]}"'
guarded 1 "a 1 MB string" -- "$bin" check --no-config long.json
has "long.json:1:30: error: string of 1048576 bytes is over the limit of 65536 bytes [INPUT_LIMIT]" "the string cap, at the string"

gen stmts.json 'const s = "{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"; return "{\"Version\":\"2012-10-17\",\"Statement\":[" + Array(60000).fill(s).join(",") + "]}"'
guarded 1 "60,000 statements (under the file cap)" -- "$bin" check --no-config stmts.json
has "error: more than 10000 statements; the rest are not checked [INPUT_LIMIT]" "the statement cap"
# the caps are configurable (issue 13): by option, else by .iamproof.yaml
guarded 1 "60,000 statements, --max-statements 59999" -- "$bin" check --no-config --max-statements 59999 stmts.json
has "error: more than 59999 statements; the rest are not checked [INPUT_LIMIT]" "--max-statements"
# an identity policy over its quota is a warning (AWS's finding type), so exit 0
guarded 0 "60,000 statements, --max-statements 60000 (POLICY_SIZE)" -- "$bin" check --no-config --max-statements 60000 -f json stmts.json
hasnt "INPUT_LIMIT" "60,000 statements under a cap of 60,000"
has "POLICY_SIZE" "60,000 statements: the policy is over its size quota"
guarded 1 "a file of 100 MB, --max-file-bytes 1000" -- "$bin" check --no-config --max-file-bytes 1000 stmts.json
has "over the limit of 1000 bytes [INPUT_LIMIT]" "--max-file-bytes"
printf 'limits: {max-statements: 100}\n' > limits.yaml
guarded 1 "60,000 statements, limits: max-statements 100" -- "$bin" check -c limits.yaml stmts.json
has "error: more than 100 statements; the rest are not checked [INPUT_LIMIT]" "limits: in .iamproof.yaml"
guarded 1 "the option over the configuration" -- "$bin" check -c limits.yaml --max-statements 200 stmts.json
has "error: more than 200 statements" "--max-statements over limits:"
guarded 2 "--max-statements 0" -- "$bin" check --no-config --max-statements 0 stmts.json
guarded 2 "--max-file-bytes x" -- "$bin" check --no-config --max-file-bytes x stmts.json

# the size quotas are configurable (issue 10): an SCP of about 7,000
# characters is under AWS's 10,240 and over the old 5,120
gen scp7k.json 'const a = []; for (let i = 0; i < 500; i++) a.push("\"s3:Act" + String(i).padStart(4, "0") + "\""); return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[" + a.join(", ") + "],\"Resource\":\"*\"}]}"'
guarded 1 "a 7,000-character SCP" -- "$bin" check --no-config -t scp scp7k.json
hasnt "POLICY_SIZE" "an SCP of 7,000 characters is under AWS's 10,240"
guarded 1 "a 7,000-character SCP, --max-scp-chars 5120" -- "$bin" check --no-config -t scp --max-scp-chars 5120 scp7k.json
has "error: the policy is 7081 characters;" "--max-scp-chars: over the quota, counted with white space"
has "a service control policy (SCP) holds 5120 [POLICY_SIZE]" "--max-scp-chars: the quota named"
printf 'limits: {max-scp-chars: 5120, max-trust-chars: 4096}\n' > quotas.yaml
guarded 1 "limits: max-scp-chars 5120" -- "$bin" check -c quotas.yaml -t scp scp7k.json
has "holds 5120 [POLICY_SIZE]" "limits: max-scp-chars"
guarded 1 "--max-scp-chars over limits:" -- "$bin" check -c quotas.yaml -t scp --max-scp-chars 8000 scp7k.json
hasnt "POLICY_SIZE" "--max-scp-chars 8000 over limits: 5120"
guarded 1 "an RCP of 7,000 characters" -- "$bin" check --no-config -t rcp scp7k.json
has "holds 5120 [POLICY_SIZE]" "AWS's RCP quota"
guarded 1 "--max-rcp-chars 8000" -- "$bin" check --no-config -t rcp --max-rcp-chars 8000 scp7k.json
hasnt "POLICY_SIZE" "--max-rcp-chars"
gen trust3k.json 'const a = []; for (let i = 0; i < 100; i++) a.push("\"arn:aws:iam::1111222233" + String(i).padStart(2, "0") + ":root\""); return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[" + a.join(",") + "]},\"Action\":\"sts:AssumeRole\"}]}"'
guarded 0 "a 3,000-character trust policy" -- "$bin" check --no-config -t trust trust3k.json
has "holds 2048 [POLICY_SIZE]" "AWS's trust quota"
guarded 0 "limits: max-trust-chars 4096" -- "$bin" check -c quotas.yaml -t trust trust3k.json
hasnt "POLICY_SIZE" "limits: max-trust-chars"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}' > id.json
guarded 0 "--max-identity-chars 60" -- "$bin" check --no-config --max-identity-chars 60 id.json
has "without white space; an identity policy holds 60 [POLICY_SIZE]" "--max-identity-chars"
guarded 2 "--max-scp-chars 0" -- "$bin" check --no-config --max-scp-chars 0 scp7k.json
printf 'limits: {max-scp-chars: lots, max-scp-bytes: 1}\n' > badquota.yaml
guarded 1 "limits: with a bad quota" -- "$bin" check -c badquota.yaml -t scp scp7k.json
has "max-scp-chars must be a whole number" "a bad quota in limits:"
has "unknown limit \"max-scp-bytes\"" "an unknown limit"

gen conds.json 'const v = []; for (let i = 0; i < 30000; i++) v.push("\"u" + i + "\""); return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":[" + v.join(",") + "]}}}]}"'
guarded 1 "30,000 condition values" -- "$bin" check --no-config conds.json
has "error: more than 20000 condition values in the policy; the rest are not read [INPUT_LIMIT]" "the condition-value cap"
guarded 2 "30,000 condition values in simulate" -- "$bin" simulate --identity conds.json \
	--request '{"principal":"arn:aws:iam::111122223333:user/u1","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}'
grep -q "INPUT_LIMIT" "$tmp/err" && ok || no "simulate names the condition-value cap"

cat > bomb.yaml <<'EOF'
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]
EOF
guarded 1 "a YAML alias bomb" -- "$bin" check --no-config bomb.yaml
has "bomb.yaml:1:4: error: YAML anchors and aliases are not supported (anchor 'a') [SYNTAX_ERROR]" "aliases refused at the first anchor"

# the organization: 20 nested OUs
{
	echo 'management_account: "111111111111"'
	echo 'root:'
	echo '  scps: [FullAWSAccess]'
	ind="  "
	i=0
	while [ $i -lt 20 ]; do
		echo "${ind}ous:"
		echo "${ind}  - name: ou$i"
		echo "${ind}    scps: [FullAWSAccess]"
		ind="$ind    "
		i=$((i + 1))
	done
} > org.yaml
guarded 2 "an organization 20 OUs deep" -- "$bin" prove --org org.yaml --properties stage6
grep -q "organization deeper than 16 levels \[INPUT_LIMIT\]" "$tmp/err" && ok || no "the org depth cap"

# levels: 17 SCP levels
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' > all.json
set --
i=0
while [ $i -lt 17 ]; do set -- "$@" --scp all.json; i=$((i + 1)); done
guarded 2 "17 SCP levels" -- "$bin" simulate "$@" --identity all.json \
	--request '{"principal":"arn:aws:iam::111122223333:user/u","action":"s3:GetObject","resource":"*"}'
grep -q "more than 16 levels" "$tmp/err" && ok || no "the level cap is named"

# a request line of 2 MiB
gen line.jsonl 'return "{\"principal\":\"" + "a".repeat(2 << 20) + "\"}\n"'
guarded 2 "a 2 MiB request line" -- "$bin" simulate --identity all.json --requests line.jsonl
grep -qi "line" "$tmp/err" && ok || no "the request line cap is named"

# globs: one over 1,024 bytes, and one that backtracking matchers take
# exponential time on
gen .iamproof.yaml 'return "exclude:\n  - \"" + "a".repeat(2000) + "\"\n"'
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' > p.json
guarded 1 "a glob of 2,000 bytes" -- "$bin" check -c .iamproof.yaml p.json
has "a glob of 2000 bytes is over the limit" "the glob cap"
printf 'exclude:\n  - "**/*a*a*a*a*a*a*a*a*a*a*a*a*b"\n' > .iamproof.yaml
mkdir -p d && cp p.json "d/$(printf 'a%.0s' $(seq 60)).json"
guarded 0 "an exponential glob" -- "$bin" check -c .iamproof.yaml d
has "RESOURCE_STAR" "the file is checked (the glob does not match it)"

finish
