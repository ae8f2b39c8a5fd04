#!/bin/sh
# prove and diff on the command line: usage, input errors at their
# position, results and exit codes in every format. Kept apart from
# cli.sh, which mutation runs repeat for every mutant: these call Z3.
# Usage: sh tests/prove-cli.sh path/to/iamproof
# PROVE_CLI_RECORD=DIR (tests/prove-oracle.sh): work in DIR and keep it,
# with runN.args (the command, one argument a line, run from DIR) and
# runN.json (its output) for every prove or diff run whose output is JSON, so that the
# independent simulator can decide their counterexamples and witnesses.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if [ -n "${PROVE_CLI_RECORD:-}" ]; then
	tmp=$PROVE_CLI_RECORD
	mkdir -p "$tmp"
else
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
fi
pass=0
fail=0
runs=0
ok() { pass=$((pass + 1)); }
no() { echo "prove-cli: FAIL: $*"; fail=$((fail + 1)); }
# expect_exit CODE DESCRIPTION -- command...
expect_exit() {
	want=$1 what=$2
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	# prove and diff runs only: the simulate runs that check an exemption
	# are not counterexamples
	if [ -n "${PROVE_CLI_RECORD:-}" ] && [ "$(head -c 1 "$tmp/out")" = "{" ] &&
	   { [ "$2" = prove ] || [ "$2" = diff ]; }; then
		runs=$((runs + 1))
		cp "$tmp/out" "$tmp/run$runs.json"
		printf '%s\n' "$@" > "$tmp/run$runs.args"
	fi
	if [ "$got" = "$want" ]; then ok; else no "$what: exit $got, expected $want"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -5; fi
}

cd "$tmp" || exit 2
cat > good.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
J
printf '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}' > broken.json

# prove and diff: usage, input errors at their position, exit codes
cat > scp-leave.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}
J
cat > props.yaml <<'J'
parameters:
  who: "arn:aws:iam::*:role/BreakGlass"
properties:
  - id: no-leave
    title: No leaving
    expect: denied
    requests:
      Action: organizations:LeaveOrganization
      Condition:
        ArnNotLike: {aws:PrincipalArn: "{{who}}"}
  - id: no-keys
    title: No access keys
    expect: denied
    requests:
      Action: iam:CreateAccessKey
J
cat > props-bad.yaml <<'J'
properties:
  - id: p
    title: t
    expect: sometimes
    requests:
      Action: "{{nobody}}"
J
expect_exit 0 "prove --help" -- "$bin" prove --help
expect_exit 2 "prove without properties" -- "$bin" prove --scp scp-leave.json
expect_exit 2 "prove without a target" -- "$bin" prove --properties props.yaml
expect_exit 2 "prove with an unknown pack" -- "$bin" prove --scp scp-leave.json --properties nosuchpack
expect_exit 2 "prove with a bad property file" -- "$bin" prove --scp scp-leave.json --properties props-bad.yaml
grep -q "props-bad.yaml:4:13: error: .*expect must be" "$tmp/err" && ok || no "a bad expect is not reported at its position"
grep -q "props-bad.yaml:6:15: error: no value for parameter {{nobody}}.*UNKNOWN_ELEMENT" "$tmp/err" && ok || no "an unknown parameter is not reported at its position"
# An RCP given as an SCP has no meaning as one: refused at its Principal,
# by prove and by simulate (which decide what a policy means), not answered.
cat > rcp-tls.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
J
expect_exit 2 "prove with an RCP as an SCP" -- "$bin" prove --scp FullAWSAccess,rcp-tls.json --properties props.yaml
grep -q "rcp-tls.json:1:60: error: Principal is not allowed in a service control policy (SCP) \[PRINCIPAL_NOT_ALLOWED\]" "$tmp/err" && ok || no "prove names the RCP's Principal at its position"
expect_exit 2 "simulate with an RCP as an SCP" -- "$bin" simulate --scp rcp-tls.json --request '{"principal": "arn:aws:iam::111122223333:role/x", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}'
grep -q "PRINCIPAL_NOT_ALLOWED" "$tmp/err" && ok || no "simulate names the RCP's Principal"
expect_exit 0 "the same RCP as an RCP" -- "$bin" simulate --format text --rcp rcp-tls.json --request '{"principal": "arn:aws:iam::111122223333:role/x", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}'
expect_exit 2 "prove with --param without =" -- "$bin" prove --scp scp-leave.json --properties props.yaml --param who
expect_exit 2 "prove with a --param no property uses" -- "$bin" prove --scp scp-leave.json --properties props.yaml --param wh0=x
grep -q -- "--param wh0: no property file declares or uses it" "$tmp/err" && ok || no "a misspelt --param is not named"
expect_exit 2 "prove --format with an unknown format" -- "$bin" prove --scp scp-leave.json --properties props.yaml --format xml
cat > props-extra.yaml <<'J'
properties:
  - id: p
    title: t
    expect: denied
    parameters: {who: x}
    requests:
      Action: s3:GetObject
J
expect_exit 2 "prove: per-property parameters are not read" -- "$bin" prove --scp scp-leave.json --properties props-extra.yaml
grep -q "props-extra.yaml:5:5: error: unknown property element parameters" "$tmp/err" && ok || no "an unread element is not reported"
# a level without FullAWSAccess allows nothing: vacuous; with it, one
# property holds and one is violated (exit 1), in every format
expect_exit 0 "prove: vacuous is not a failure" -- "$bin" prove --scp scp-leave.json --properties props.yaml
grep -q "^vacuous" "$tmp/out" && ok || no "a level without an Allow is not vacuous"
expect_exit 1 "prove: a violation" -- "$bin" prove --scp FullAWSAccess,scp-leave.json --properties props.yaml --format json
grep -q '"property":"no-leave".*"result":"proven"' "$tmp/out" && ok || no "no-leave is not proven"
grep -q '"property":"no-keys".*"result":"violated".*"counterexample":{"principal"' "$tmp/out" && ok || no "no-keys is not violated with a counterexample"
grep -q '"assumptions":"identity and resource policies taken as allowing everything' "$tmp/out" && ok || no "JSON results do not carry their assumptions"
expect_exit 1 "prove: markdown" -- "$bin" prove --scp FullAWSAccess,scp-leave.json --properties props.yaml --format markdown
grep -q '^| \*\*violated\*\* | `no-keys`' "$tmp/out" && ok || no "markdown has no violated row"
# the break-glass parameter: a --param that exempts every role breaks no-leave
expect_exit 1 "prove --param" -- "$bin" prove --scp FullAWSAccess,scp-leave.json --properties props.yaml --param 'who=arn:aws:iam::*:role/*'
grep -q "^proven    no-leave" "$tmp/out" && ok || no "no-leave must stay proven when the set excludes every role"

# params: of .iamproof.yaml are defaults of --param, which overrides them.
mkdir -p pcfg
cat > pcfg/scp-bg.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*",
 "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}]}
J
printf 'params:\n  who: "arn:aws:iam::*:role/Other"\n' > pcfg/.iamproof.yaml
expect_exit 1 "prove: params from .iamproof.yaml" -- sh -c "cd pcfg && \"$bin\" prove --scp FullAWSAccess,scp-bg.json --properties ../props.yaml"
grep -q "^violated  no-leave" "$tmp/out" && ok || no "the configuration's who is not used: $(cat "$tmp/out")"
expect_exit 1 "prove: --param over params" -- sh -c "cd pcfg && \"$bin\" prove --scp FullAWSAccess,scp-bg.json --properties ../props.yaml --param 'who=arn:aws:iam::*:role/BreakGlass'"
grep -q "^proven    no-leave" "$tmp/out" && ok || no "--param does not override the configuration: $(cat "$tmp/out")"
expect_exit 1 "prove --no-config" -- sh -c "cd pcfg && \"$bin\" prove --no-config --scp FullAWSAccess,scp-bg.json --properties ../props.yaml"
grep -q "^proven    no-leave" "$tmp/out" && ok || no "--no-config still reads params: $(cat "$tmp/out")"
printf 'params:\n  unrelated: x\n  who: "arn:aws:iam::*:role/Other"\n' > pcfg/other.yaml
expect_exit 1 "prove --config, a param no property uses" -- sh -c "cd pcfg && \"$bin\" prove --config other.yaml --scp FullAWSAccess,scp-bg.json --properties ../props.yaml"
grep -q "^violated  no-leave" "$tmp/out" && ok || no "--config is not read: $(cat "$tmp/out")"
printf 'params:\n  who: {a: b}\n' > pcfg/bad.yaml
expect_exit 2 "prove: a bad params" -- sh -c "cd pcfg && \"$bin\" prove --config bad.yaml --scp FullAWSAccess,scp-bg.json --properties ../props.yaml"
grep -q "bad.yaml:2:8: error: .*\[WRONG_TYPE\]" "$tmp/err" && ok || no "a bad params is not reported at its position: $(cat "$tmp/err")"

# SARIF (tests/sarif.sh validates these logs against the schema): one
# result per violated or unknown answer, at the statements involved,
# else at the property's entry; none for a proven or vacuous answer.
# facts LOG: one line per result, "RULEID LEVEL URI:LINE:COL... related=URI:LINE
# index=ok|bad fp=FP", then "summary P V U Va".
command -v node >/dev/null 2>&1 || { echo "prove-cli: FAIL: node is needed to read SARIF (make deps)"; exit 1; }
cat > facts.js <<'J'
const log = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const run = log.runs[0];
const where = l => { const p = l.physicalLocation, r = p.region;
	return `${p.artifactLocation.uri}:${r.startLine}:${r.startColumn}`; };
for (const r of run.results) {
	const rule = run.tool.driver.rules[r.ruleIndex];
	console.log([r.ruleId, r.level, ...r.locations.map(where),
		`related=${(r.relatedLocations || []).map(where).join(',')}`,
		`index=${rule && rule.id === r.ruleId ? 'ok' : 'bad'}`,
		`fp=${r.partialFingerprints['iamproofProof/v1']}`].join(' '));
}
const s = run.properties.summary;
console.log(`summary ${s.proven} ${s.violated} ${s.unknown} ${s.vacuous}`);
J
cat > id.json <<'J'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {
      "Sid": "Keys",
      "Effect": "Allow",
      "Action": "iam:*AccessKey*",
      "Resource": "*"
    }
  ]
}
J
facts() { node facts.js "$tmp/out" > "$tmp/facts" 2>&1 || { no "$1: unreadable SARIF"; sed 's/^/    /' "$tmp/facts" | head -5; }; }
expect_exit 1 "prove --format sarif: a violation" -- "$bin" prove --identity id.json --properties props.yaml --format sarif
facts "a violation"
grep -q '^no-keys error id.json:5:5 related=props.yaml:11:5 index=ok fp=' "$tmp/facts" && ok ||
	{ no "no-keys is not an error at id.json:5:5 (statement Keys) with props.yaml:11 related"; sed 's/^/    /' "$tmp/facts"; }
grep -q '^no-leave ' "$tmp/facts" && no "the proven no-leave is a result" || ok
grep -qx 'summary 1 1 0 0' "$tmp/facts" && ok || no "the summary does not count 1 proven, 1 violated"
grep -q '"text": "Property no-keys (No access keys) is violated for identity id.json: .*counterexample: {\\"principal\\":.*is allowed; statements it meets: Allow id.json:5:5 (Keys). Assumptions: callers: IAM users' "$tmp/out" &&
	ok || no "the message lacks the counterexample, the statement or the assumptions"
fp1=$(sed -n 's/.* fp=//p' "$tmp/facts")
expect_exit 1 "prove --format sarif: the same run again" -- "$bin" prove --identity ./id.json --properties props.yaml --format sarif
facts "the same run again"
[ -n "$fp1" ] && grep -q " fp=$fp1\$" "$tmp/facts" && ok || no "the fingerprint changes from one run to the next"
# SCP levels: no statement of a file allows, so the property's entry
expect_exit 1 "prove --format sarif: SCP levels" -- "$bin" prove --scp FullAWSAccess,scp-leave.json --properties props.yaml --format sarif
facts "SCP levels"
grep -qx 'no-keys error props.yaml:11:5 related= index=ok fp=.*' "$tmp/facts" && ok ||
	{ no "no statement involved: no-keys is not at its entry props.yaml:11:5"; sed 's/^/    /' "$tmp/facts"; }
# an unknown (here: an operator the encoding does not state; a timeout
# is not deterministic, and candidates find violations without one) is a
# warning, never a pass
cat > props-unk.yaml <<'J'
properties:
  - id: bin-key
    title: Binary
    expect: denied
    requests:
      Action: organizations:LeaveOrganization
      Condition:
        BinaryEquals: {aws:SomeKey: "QmluYXJ5"}
J
expect_exit 1 "prove --format sarif: unknown" -- "$bin" prove --identity id.json --properties props-unk.yaml --format sarif
facts "unknown"
grep -q '^bin-key warning props-unk.yaml:2:5 ' "$tmp/facts" && ok || { no "an unknown is not a warning at the property"; sed 's/^/    /' "$tmp/facts"; }
grep -q 'is unknown for identity id.json: .*An unknown answer is not a pass' "$tmp/out" && ok || no "an unknown's message does not say why"
expect_exit 0 "prove --format sarif: all proven" -- "$bin" prove --identity good.json --properties props.yaml --format sarif
facts "all proven"
grep -qx 'summary 2 0 0 0' "$tmp/facts" && [ "$(wc -l < "$tmp/facts")" -eq 1 ] && ok || no "an all-proven log has results"
expect_exit 0 "diff: equivalent" -- "$bin" diff good.json good.json
cat > wider.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}]}
J
expect_exit 1 "diff: more permissive" -- "$bin" diff good.json wider.json --witnesses 1 --format json
grep -q '"verdict":"more-permissive","newOnly":\[{"principal"' "$tmp/out" && ok || no "diff gives no witness"
expect_exit 0 "diff: less permissive" -- "$bin" diff wider.json good.json
grep -q "less-permissive" "$tmp/out" && ok || no "diff does not say less-permissive"
expect_exit 2 "diff with one file" -- "$bin" diff good.json
expect_exit 2 "diff with a broken file" -- "$bin" diff good.json broken.json

# Z3 is loaded on first use (docs/z3.md): check never maps it, prove does
# (the loader's own account, LD_DEBUG=files, which also names what
# dlopen loads: so the absence below is not a blind probe).
LD_DEBUG=files "$bin" check --no-config --quiet good.json > "$tmp/ld" 2>&1
grep -q 'file=libjson-c' "$tmp/ld" && ok || no "LD_DEBUG=files lists no library: the probe is blind"
grep -q 'file=libz3' "$tmp/ld" && no "check loads Z3: $(grep 'file=libz3' "$tmp/ld" | head -1)" || ok
LD_DEBUG=files "$bin" prove --scp FullAWSAccess,scp-leave.json --properties props.yaml > "$tmp/ld" 2>&1
grep -q 'file=libz3.*dynamically loaded' "$tmp/ld" && ok || no "prove does not dlopen Z3"
# ... and a command that needs it says why it cannot load it, and exits 2
# (IAMPROOF_Z3_LIBRARY: the library to open instead of the built-in soname)
nolib() {
	grep -q "^iamproof $1: cannot load Z3 ($2): .*$3" "$tmp/err" && ok || no "$1: no reason for the missing Z3: $(cat "$tmp/err")"
	grep -q "^iamproof $1: .*asks the solver, Z3" "$tmp/err" && ok || no "$1: does not say it needs Z3"
	[ -s "$tmp/out" ] && no "$1 without Z3 wrote output" || ok
}
expect_exit 2 "prove without Z3" -- \
	env IAMPROOF_Z3_LIBRARY=/nonexistent/libz3.so "$bin" prove --scp FullAWSAccess,scp-leave.json --properties props.yaml --output nolib.out
nolib prove /nonexistent/libz3.so "cannot open shared object file"
[ -e nolib.out ] && no "prove without Z3 made its --output file" || ok
# a library that loads but is not Z3: its first missing function is named
expect_exit 2 "prove with a library that is not Z3" -- \
	env IAMPROOF_Z3_LIBRARY=libz.so.1 "$bin" prove --scp FullAWSAccess,scp-leave.json --properties props.yaml
nolib prove libz.so.1 "undefined symbol: Z3_mk_config"
expect_exit 2 "diff without Z3" -- env IAMPROOF_Z3_LIBRARY=/nonexistent/libz3.so "$bin" diff good.json wider.json
nolib diff /nonexistent/libz3.so "cannot open"
expect_exit 2 "check --semantic without Z3" -- \
	env IAMPROOF_Z3_LIBRARY=/nonexistent/libz3.so "$bin" check --no-config --semantic good.json
nolib check /nonexistent/libz3.so "cannot open"
expect_exit 2 "generate without Z3" -- \
	env IAMPROOF_Z3_LIBRARY=/nonexistent/libz3.so "$bin" generate scp --config baseline.yaml --out gen-nolib
nolib generate /nonexistent/libz3.so "cannot open"
[ -e gen-nolib ] && no "generate without Z3 made its directory" || ok
expect_exit 0 "check without Z3" -- env IAMPROOF_Z3_LIBRARY=/nonexistent/libz3.so "$bin" check --no-config good.json

# an organization: one target per distinct SCP path, the management
# account skipped, results per account
org=$(cd "$(dirname "$bin")/.." && pwd)/policies/org.yaml
expect_exit 1 "prove --org" -- "$bin" prove --org "$org" --properties stage6 \
	--param 'break_glass=arn:aws:iam::*:role/break-glass' --format json --timeout 30
grep -c '"target":"account 222233334444 (prod)"' "$tmp/out" | grep -qx 17 && ok || no "prod is not one target of 17 results"
grep -c '"target":"account 333344445555 (sandbox)"' "$tmp/out" | grep -qx 17 && ok || no "sandbox is not one target of 17 results"
grep -q '111111111111' "$tmp/out" && no "the management account is a target" || ok
grep -q '"property":"root-denied".*"target":"account 222233334444 (prod)","result":"proven"' "$tmp/out" && ok || no "root-denied is not proven in prod"
# the sandbox's allow-list admits no GuardDuty change; prod's guardrails do not stop one
grep -q '"property":"guardduty-protected".*sandbox)","result":"proven"' "$tmp/out" && ok || no "guardduty-protected is not proven in sandbox"
grep -q '"property":"guardduty-protected".*prod)","result":"violated",.*"counterexample":{"principal":"arn:aws:[a-z]*::222233334444:' "$tmp/out" && ok || no "guardduty-protected has no counterexample in prod's account"
grep -q '"result":"unknown"' "$tmp/out" && no "an organization result is unknown" || ok

# text output: a title with an escape sequence reaches the terminal as '?'
cat > evil-props.yaml <<'J'
properties:
  - id: evil
    title: "Red \e[31m title"
    expect: denied
    requests:
      Action: organizations:LeaveOrganization
J
expect_exit 0 "prove: a title with an escape sequence" -- "$bin" prove --scp FullAWSAccess,scp-leave.json --properties evil-props.yaml
grep -q 'Red ?\[31m title' "$tmp/out" && ok || no "the escape is not shown as '?': $(cat "$tmp/out")"
if grep -q "$(printf '\033')" "$tmp/out"; then no "an escape character reached prove's text output"; else ok; fi

# Escapes and exemptions (exempt.h): each claim checked with simulate on
# the policy changed as the claim says.
cat > allow-all.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
J
cat > scp-ct.json <<'J'
{"Version": "2012-10-17", "Statement": [
  {"Sid": "ProtectTrail", "Effect": "Deny", "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "Resource": "*",
   "Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/BreakGlass", "arn:aws:iam::*:role/Admin*"]}}},
  {"Sid": "RootOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
   "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]}
J
cat > props-ct.yaml <<'J'
properties:
  - id: trail-protected
    title: Only BreakGlass stops the trail
    expect: denied
    requests:
      Action: cloudtrail:StopLogging
      Condition:
        ArnNotLike: {aws:PrincipalArn: "arn:aws:iam::*:role/BreakGlass"}
  - id: ops-can-delete
    title: Ops can delete a trail
    expect: allowed
    requests:
      Action: cloudtrail:DeleteTrail
      Condition:
        ArnLike: {aws:PrincipalArn: "arn:aws:iam::*:role/Ops"}
J
cat > props-ct-describe.yaml <<'J'
properties:
  - id: ops-can-describe
    title: Ops can describe trails
    expect: allowed
    requests:
      Action: cloudtrail:DescribeTrails
      Condition:
        ArnLike: {aws:PrincipalArn: "arn:aws:iam::*:role/Ops"}
J
expect_exit 1 "prove: escapes and exemptions" -- "$bin" prove --scp FullAWSAccess,scp-ct.json --properties props-ct.yaml --format json
sed -n '/"property":"trail-protected"/p' "$tmp/out" > ct-escape.json
# the Admin* exemption lets a caller through; DenyRoot's condition (over
# every action, not an exemption of callers) is not named
grep -q '"exemption":{"kind":"escapes","items":\[{"policy":"scp-ct.json","line":2,"column":3,"sid":"ProtectTrail","operator":"ArnNotLike","key":"aws:PrincipalArn","value":"arn:aws:iam::[0-9]*:role/Admin[^"]*"}\]}' ct-escape.json && ok || no "trail-protected: no escape through the Admin* exemption: $(cat ct-escape.json)"
grep -q 'RootOnly' ct-escape.json && no "trail-protected: RootOnly named as an escape" || ok
req=$(sed 's/.*"counterexample":\({[^}]*}}\).*/\1/' ct-escape.json)
sed 's/"arn:aws:iam::\*:role\/BreakGlass", "arn:aws:iam::\*:role\/Admin\*"/"arn:aws:iam::*:role\/BreakGlass"/' scp-ct.json > scp-ct-narrow.json
expect_exit 0 "simulate: the escape's counterexample as found" -- "$bin" simulate --identity allow-all.json --scp FullAWSAccess,scp-ct.json --request "$req"
grep -q '"decision":"allowed"' "$tmp/out" && ok || no "the escape's counterexample is not allowed: $(cat "$tmp/out")"
cat > scp-ct-nocond.json <<'J'
{"Version": "2012-10-17", "Statement": [
  {"Sid": "ProtectTrail", "Effect": "Deny", "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "Resource": "*"}]}
J
expect_exit 0 "simulate: the Deny without the escape's condition" -- "$bin" simulate --identity allow-all.json --scp FullAWSAccess,scp-ct-nocond.json --request "$req"
grep -q '"decision":"explicitDeny"' "$tmp/out" && ok || no "without its condition the Deny does not deny: $(cat "$tmp/out")"
"$bin" prove --scp FullAWSAccess,scp-ct.json --properties props-ct.yaml --format json > ct.json 2>/dev/null
sed -n '/"property":"ops-can-delete"/p' ct.json > ct-need.json
grep -q '"exemption":{"kind":"needed","items":\[{"policy":"scp-ct.json","line":2,"column":3,"sid":"ProtectTrail","operator":"ArnNotLike","key":"aws:PrincipalArn","value":"arn:aws:iam::[0-9]*:role/Ops"}\],"after":"allowed"}' ct-need.json && ok || no "ops-can-delete: no exemption in ProtectTrail's ArnNotLike: $(cat ct-need.json)"
ops=$(sed 's/.*"needed","items":\[{[^]]*"value":"\([^"]*\)".*/\1/' ct-need.json)
req=$(sed 's/.*"counterexample":\({[^}]*}}\).*/\1/' ct-need.json)
sed "s|\"arn:aws:iam::\\*:role/Admin\\*\"\\]|\"arn:aws:iam::*:role/Admin*\", \"$ops\"]|" scp-ct.json > scp-ct-ops.json
grep -q "$ops" scp-ct-ops.json && ok || no "the test could not add the exemption"
expect_exit 0 "simulate: the Deny with the exemption added" -- "$bin" simulate --identity allow-all.json --scp FullAWSAccess,scp-ct-ops.json --request "$req"
grep -q '"decision":"allowed"' "$tmp/out" && ok || no "with the exemption the request is not allowed: $(cat "$tmp/out")"
# denied implicitly (no SCP Allow): no Deny to exempt from, and it says
# so; an exemption that leaves the request denied implicitly says so
expect_exit 1 "prove: exemptions under a level without an Allow" -- "$bin" prove --scp scp-ct.json --properties props-ct.yaml --properties props-ct-describe.yaml --format json
sed -n '/"property":"ops-can-describe"/p' "$tmp/out" | grep -q '"exemption":{"kind":"needed","items":\[\],"none":"the request is denied implicitly' && ok || no "ops-can-describe: $(sed -n '/ops-can-describe/p' "$tmp/out")"
sed -n '/"property":"ops-can-delete"/p' "$tmp/out" | grep -q '"sid":"ProtectTrail".*"after":"implicitDeny"}' && ok || no "ops-can-delete without an Allow: $(sed -n '/ops-can-delete/p' "$tmp/out")"
# more Deny statements than the answer holds: it shows 8 and says that
# there may be more (exempt.c's caps), never a silently short list
python3 - > scp-ct10.json <<'P'
import json
st = [{"Sid": "Protect%d" % i, "Effect": "Deny", "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "Resource": "*",
       "Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/BreakGlass", "arn:aws:iam::*:role/Admin*"]}}} for i in range(10)]
print(json.dumps({"Version": "2012-10-17", "Statement": st}))
P
expect_exit 1 "prove: more escapes than shown" -- "$bin" prove --scp FullAWSAccess,scp-ct10.json --properties props-ct.yaml --format json
sed -n '/"property":"trail-protected"/p' "$tmp/out" > ct10.json
[ "$(grep -o '"sid":"Protect[0-9]"' ct10.json | wc -l)" = 8 ] && ok || no "trail-protected, 10 escapes: not 8 shown: $(cat ct10.json)"
grep -q '"none":"more escapes may exist than are shown' ct10.json && ok || no "trail-protected, 10 escapes: no note of the cap: $(cat ct10.json)"
sed -n '/"property":"ops-can-delete"/p' "$tmp/out" > ct10.json
grep -q '"none":"more Deny statements apply than are shown (at most 8)"' ct10.json && ok || no "ops-can-delete, 10 Denies: no note of the cap: $(cat ct10.json)"
expect_exit 1 "prove: more escapes than shown, text" -- "$bin" prove --scp FullAWSAccess,scp-ct10.json --properties props-ct.yaml
grep -q 'more escapes may exist than are shown: iamproof examines at most 16 Deny statements and shows at most 8 escapes' "$tmp/out" && ok || no "text: no note of the cap: $(cat "$tmp/out")"
# a Deny without an exemption condition gets one added
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:DeleteTrail","Resource":"*"}]}' > scp-ct-plain.json
expect_exit 1 "prove: an exemption condition to add" -- "$bin" prove --scp FullAWSAccess,scp-ct-plain.json --properties props-ct.yaml --format text
grep -q "exemption: in Deny scp-ct-plain.json:1:38, add the condition ArnNotLike aws:PrincipalArn \[arn:aws:iam::[0-9]*:role/Ops\]" "$tmp/out" && ok || no "no condition to add: $(cat "$tmp/out")"
grep -q "with the exemption, the request is allowed" "$tmp/out" && ok || no "no decision after the exemption: $(cat "$tmp/out")"
expect_exit 1 "prove: exemptions in Markdown" -- "$bin" prove --scp FullAWSAccess,scp-ct.json --properties props-ct.yaml --format markdown
grep -q '^| | | escapes Deny scp-ct.json:2:3 (ProtectTrail) through its condition ArnNotLike aws:PrincipalArn \[arn:aws:iam::\*:role/BreakGlass, arn:aws:iam::\*:role/Admin\*\]' "$tmp/out" && ok || no "no escape row in Markdown: $(cat "$tmp/out")"

echo "prove-cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
