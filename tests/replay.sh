#!/bin/sh
# replay.sh - `iamproof replay` on the CloudTrail records of
# fixtures/cloudtrail (written from AWS's record-contents reference: every
# userIdentity type, data and management events, with and without
# resources, plain and gzip'ed, failed calls, a sign-in, unmappable
# events, truncated and malformed files) and on a generated log of 50
# accounts (scripts/cloudtrail-gen.js, which works out the expected
# events itself). Independent check: every decided event, decided again
# by `simulate` from the request `--trace` wrote, gets the same decision.
# Usage: sh tests/replay.sh path/to/iamproof
set -u
name=replay
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$root/tests/lib.sh"
cd "$root/fixtures/cloudtrail" || exit 2

# ids EXPR: the event ids of the trace lines jq's EXPR selects, sorted, one line
ids() {
	jq -r "select($1) | .event" "$tmp/trace" | sort | tr '\n' ' '
}
same() { # same GOT WANT WHAT
	if [ "$1" = "$2" ]; then ok; else no "$3: got '$1', expected '$2'"; fi
}
newly_denied='.before == "allowed" and .after != "allowed"'

# --- the region restriction on OU Workloads -------------------------------
expect_exit 1 "regions: events newly denied" -- "$bin" replay --org org.yaml --cloudtrail logs \
	--change scp/deny-regions.json --at Workloads --trace "$tmp/trace"
has "newly denied: 5 events in 4 groups" "regions"
has "account 333333333333, arn:aws:iam::333333333333:role/app, ec2:RunInstances: 2 events, 2026-11-30T09:00:03Z to 2026-11-30T09:05:03Z, e.g. event ev-0003" "regions: a group with its count, times and example"
has "denied by scp/deny-regions.json:4: the Deny of an SCP (Sid DenyOutsideApprovedRegions)" "regions: the statement"
has "lambda:CreateFunction" "regions: Lambda's versioned event name"
has "identity and resource policies are taken as allowing them" "regions: the assumption of the identity side"
hasnt "BreakGlass" "regions: the exempt role"
hasnt "ev-0018" "regions: an approved region"
same "$(ids "$newly_denied")" "ev-0003 ev-0012 ev-0013 ev-0016 ev-0017 " "regions: exactly the events outside the approved regions"
has "SCPs do not apply to service-linked roles" "regions: the service-linked role set aside"
has "SCPs do not apply to the management account" "regions: the management account set aside"
has "Client.UnauthorizedOperation" "regions: the failed call set aside"
has "AwsConsoleSignIn" "regions: the sign-in set aside"
has "a SAML or web identity caller" "regions: unmapped SAML"
has "an IAM Identity Center user" "regions: unmapped Identity Center"
has "an eventSource that names no service prefix" "regions: unmapped source"

# the same change as a whole org.yaml
expect_exit 1 "org-after" -- "$bin" replay --org org.yaml --org-after org-after.yaml --cloudtrail logs -f json
jq -c '[.newlyDeniedGroups[] | [.principal, .action, .count]]' "$tmp/out" > "$tmp/after.json"
"$bin" replay --org org.yaml --cloudtrail logs --change scp/deny-regions.json --at Workloads -f json |
	jq -c '[.newlyDeniedGroups[] | [.principal, .action, .count]]' > "$tmp/change.json"
if cmp -s "$tmp/after.json" "$tmp/change.json" && [ -s "$tmp/after.json" ]; then ok; else no "--org-after and --change differ"; fi
jq -e '.summary.failed.count == 1 and .summary.notApiCalls.count == 1 and .summary.unmapped.count == 3 and
	.summary.notGoverned.count == 2 and .summary.events == 24 and .summary.decided == 17' "$tmp/out" >/dev/null &&
	ok || no "org-after: the counts set aside: $(jq -c .summary "$tmp/out")"

# --- an allow list in place of FullAWSAccess: denied for want of an Allow -------
expect_exit 1 "allow list" -- "$bin" replay --org org.yaml --org-after org-allowlist.yaml --cloudtrail logs -f json
same "$(jq -r '[.newlyDeniedGroups[] | .action] | join(" ")' "$tmp/out")" \
	"s3:GetObject s3:ListBucket iam:CreateUser kms:Decrypt lambda:CreateFunction" "allow list: every call but EC2 in Workloads"
same "$(jq -r '[.newlyDeniedGroups[].decidedBy | .file + ":" + (.line | tostring) + " " + .text] | unique | join(";")' "$tmp/out")" \
	"org-allowlist.yaml:8 no SCP attached at OU Workloads allows it" "allow list: the level without an Allow, at its node"

# --- deny the root user: exactly the root events ----------------------------
expect_exit 1 "root" -- "$bin" replay --org org.yaml --cloudtrail logs \
	--change scp/deny-root.json --at Root --trace "$tmp/trace"
same "$(ids "$newly_denied")" "ev-0001 ev-0015 " "root: exactly the root events"
same "$(ids '.request.principal | test(":root$")')" "ev-0001 ev-0015 " "root: the root events of the log"

# --- a replaced policy: the region SCP replaced by the root one -------------
expect_exit 1 "replace" -- "$bin" replay --org org-after.yaml --cloudtrail logs \
	--replace scp/deny-regions.json --with scp/deny-root.json -f json
same "$(jq -r '[.newlyAllowedGroups[].action] | join(" ")' "$tmp/out")" \
	"ec2:CreateVpc ec2:RunInstances kms:Decrypt lambda:CreateFunction" "replace: newly allowed"
same "$(jq -r '[.newlyAllowedGroups[].decidedBy.file] | unique | join(" ")' "$tmp/out")" \
	"scp/deny-regions.json" "replace: what denied before"
same "$(jq -r '[.newlyDeniedGroups[].principal] | join(" ")' "$tmp/out")" \
	"arn:aws:iam::222222222222:root" "replace: the root of a Workloads account newly denied"

# --- an RCP: anonymous, outside and insecure callers ------------------------
expect_exit 1 "rcp" -- "$bin" replay --org org.yaml --cloudtrail logs \
	--change-rcp rcp/deny-insecure.json --at Root --trace "$tmp/trace" -f json
same "$(ids "$newly_denied")" "ev-0103 ev-0104 ev-0106 " "rcp: the calls the RCP denies"
same "$(jq -r '[.newlyDeniedGroups[] | .principal + "=" + .decidedBy.text] | join(";")' "$tmp/out")" \
	"*=the Deny of an RCP (Sid DenyOutsideCallers);arn:aws:iam::222222222222:role/app=the Deny of an RCP (Sid DenyInsecureTransport)" \
	"rcp: anonymous and insecure groups"
same "$(jq -r '[.assumedGroups[] | .principal + " " + .after + " " + .assumptions[0]] | join(";")' "$tmp/out")" \
	"555555555555 denied the caller is known by its account only (userIdentity AWSAccount): taken as the account's root" \
	"rcp: the AWSAccount caller, listed apart with its assumption"
same "$(ids '.event == "ev-0105"')" "ev-0105 " "rcp: the service principal is decided (RCPs govern it)"

# --- unknowns: a resource the record does not name, a key it does not carry --
expect_exit 1 "unknowns" -- "$bin" replay --org org.yaml --cloudtrail logs \
	--change scp/deny-secret-reads.json --at Root --change scp/deny-untagged.json --at Workloads -f json
same "$(jq -r '[.newlyDeniedGroups[] | .action + "@" + .exampleEventId] | join(" ")' "$tmp/out")" \
	"s3:GetObject@ev-0101" "unknowns: HeadObject is s3:GetObject on the named object"
same "$(jq -r '[.assumedGroups[] | select(.action == "kms:Decrypt") | .assumptions[0]] | join(";")' "$tmp/out")" \
	'the record names no resource: statements with a Resource other than "*" taken as not applying' \
	"unknowns: Decrypt without a resource"
same "$(jq -r '[.assumedGroups[] | select(.action == "ec2:RunInstances") | .assumptions[0]] | unique | join(";")' "$tmp/out")" \
	"the record does not carry the condition key aws:PrincipalTag/team: taken as absent" \
	"unknowns: a principal tag"
hasnt '"action":"s3:ListBucket"' "unknowns: ListObjects is s3:ListBucket, which the Deny does not name"

# --- formats -------------------------------------------------------------------
expect_exit 1 "markdown" -- "$bin" replay --org org.yaml --cloudtrail logs --change scp/deny-regions.json --at Workloads -f markdown
has "| 333333333333 | arn:aws:iam::333333333333:role/app | ec2:RunInstances | 2 |" "markdown: a row"
has "#### newly denied" "markdown: the section"
# a record written to break the table: '|', '<' and a backtick in the caller's ARN and the event id
cat > "$tmp/evil.json" <<'J'
{"Records": [{"eventVersion": "1.11", "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE9", "arn": "arn:aws:iam::222222222222:user/a|b<img src=x>`c", "accountId": "222222222222", "userName": "a"}, "eventTime": "2026-11-30T09:00:02Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances", "awsRegion": "eu-north-1", "sourceIPAddress": "198.51.100.7", "requestParameters": null, "responseElements": null, "eventID": "ev|<b>", "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": "222222222222"}]}
J
expect_exit 1 "markdown: hostile values" -- "$bin" replay --org org.yaml --cloudtrail "$tmp/evil.json" --change scp/deny-regions.json --at Workloads -f markdown
has "| 222222222222 | arn:aws:iam::222222222222:user/a\\|b&lt;img src=x>'c | ec2:RunInstances | 1 |" "markdown: '|', '<' and '\`' of a caller escaped"
has "| ev\\|&lt;b> |" "markdown: an event id escaped"
expect_exit 1 "sarif" -- "$bin" replay --org org.yaml --cloudtrail logs --change scp/deny-regions.json --at Workloads -f sarif
same "$(jq -r '[.runs[0].results[] | .ruleId + "@" + .locations[0].physicalLocation.artifactLocation.uri + ":" + (.locations[0].physicalLocation.region.startLine | tostring)] | unique | join(" ")' "$tmp/out")" \
	"REPLAY_NEWLY_DENIED@scp/deny-regions.json:4" "sarif: results at the denying statement"

# --- input: gzip'ed and plain, a stream on stdin, bad files -------------------
"$bin" replay --org org.yaml --cloudtrail logs --change scp/deny-root.json --at Root -f json | jq -c .summary > "$tmp/dir.json"
gzip -c logs/2026/11/30/*mgmt.json > "$tmp/mgmt.json.gz"
cat "$tmp/mgmt.json.gz" logs/2026/11/30/*data.json.gz |
	"$bin" replay --org org.yaml --cloudtrail - --change scp/deny-root.json --at Root -f json | jq -c .summary > "$tmp/stdin.json"
if cmp -s "$tmp/dir.json" "$tmp/stdin.json"; then ok; else no "a stream of gzip'ed files on stdin: $(cat "$tmp/stdin.json")"; fi
expect_exit 2 "bad files" -- "$bin" replay --org org.yaml --cloudtrail bad --change scp/deny-root.json --at Root -f json
grep -q "bad/malformed.json: record 1: line 1, column 39 of the record: expected a value" "$tmp/err" && ok || no "malformed record: $(cat "$tmp/err")"
grep -q "bad/truncated.json.gz: record 2: the file ends inside this record (truncated)" "$tmp/err" && ok || no "truncated file: $(cat "$tmp/err")"
grep -q "bad/digest.json: no \"Records\" array" "$tmp/err" && ok || no "digest file: $(cat "$tmp/err")"
grep -q "bad/not-gzip.json.gz: " "$tmp/err" && ok || no "not gzip: $(cat "$tmp/err")"
jq -e '.summary.events == 5 and .summary.unreadable.count == 1 and .newlyDeniedGroups[0].count == 2' "$tmp/out" >/dev/null &&
	ok || no "bad files: the rest is replayed: $(jq -c '.summary, .newlyDeniedGroups' "$tmp/out")"

# --- usage ------------------------------------------------------------------
expect_exit 2 "no change" -- "$bin" replay --org org.yaml --cloudtrail logs
expect_exit 2 "unknown node" -- "$bin" replay --org org.yaml --cloudtrail logs --change scp/deny-root.json --at Nowhere
grep -q "no such node" "$tmp/err" && ok || no "unknown node: $(cat "$tmp/err")"
expect_exit 2 "replace what is not attached" -- "$bin" replay --org org.yaml --cloudtrail logs --replace scp/deny-root.json --with scp/deny-regions.json
expect_exit 2 "missing log" -- "$bin" replay --org org.yaml --cloudtrail nonexistent --change scp/deny-root.json --at Root

# --- the independent check: simulate decides the same requests ---------------
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}\n' > "$tmp/allow.json"
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}\n' > "$tmp/allow-res.json"
cat > "$tmp/org-rcp.yaml" <<EOF
management_account: "111111111111"
root:
  scps: [FullAWSAccess, $root/fixtures/cloudtrail/scp/deny-root.json]
  rcps: [$root/fixtures/cloudtrail/rcp/deny-insecure.json]
  ous:
    - name: Workloads
      scps: [FullAWSAccess, $root/fixtures/cloudtrail/scp/deny-regions.json]
      accounts:
        - id: "222222222222"
        - id: "333333333333"
  accounts:
    - id: "111111111111"
    - id: "444444444444"
EOF
"$bin" replay --org org.yaml --org-after "$tmp/org-rcp.yaml" --cloudtrail logs --trace "$tmp/trace" > /dev/null 2>&1
jq -c .request "$tmp/trace" > "$tmp/requests.jsonl"
"$bin" simulate --org "$tmp/org-rcp.yaml" --identity "$tmp/allow.json" --resource-policy "$tmp/allow-res.json" \
	--requests "$tmp/requests.jsonl" | jq -r .decision > "$tmp/simulate.txt"
jq -r .after "$tmp/trace" > "$tmp/replay.txt"
if [ "$(wc -l < "$tmp/replay.txt")" -ge 15 ] && cmp -s "$tmp/replay.txt" "$tmp/simulate.txt"; then ok; else
	no "simulate decides the replayed requests otherwise:"; paste "$tmp/replay.txt" "$tmp/simulate.txt" | head; fi
grep -q explicitDeny "$tmp/replay.txt" && grep -q allowed "$tmp/replay.txt" && ok || no "the independent check has both outcomes"

# --- a generated log: 50 accounts -----------------------------------------------
node "$root/scripts/cloudtrail-gen.js" "$tmp/gen" 5000 50 500 || no "the generator failed"
(cd "$tmp/gen" && "$bin" replay --org org.yaml --cloudtrail logs --change deny-regions.json --at Root \
	--trace "$tmp/trace" > /dev/null)
same "$(ids "$newly_denied")" "$(jq -r '.regions[]' "$tmp/gen/expected.json" | sort | tr '\n' ' ')" \
	"generated: exactly the events outside the approved regions, less the global services"
(cd "$tmp/gen" && "$bin" replay --org org.yaml --cloudtrail logs --change deny-root.json --at Workloads \
	--trace "$tmp/trace" > /dev/null)
same "$(ids "$newly_denied")" "$(jq -r '.root[]' "$tmp/gen/expected.json" | sort | tr '\n' ' ')" \
	"generated: exactly the root events"
# -j: the same report whatever the number of threads
(cd "$tmp/gen" && "$bin" replay --org org.yaml --cloudtrail logs --change deny-regions.json --at Root -f json > "$tmp/j1.json"
 "$bin" replay --org org.yaml --cloudtrail logs --change deny-regions.json --at Root -f json -j 3 > "$tmp/j3.json")
if cmp -s "$tmp/j1.json" "$tmp/j3.json" && [ -s "$tmp/j1.json" ]; then ok; else no "-j 3 reports otherwise than -j 1"; fi
"$bin" replay --org org.yaml --cloudtrail bad --cloudtrail logs --change scp/deny-regions.json --at Workloads -j 2 > "$tmp/j2.txt" 2>/dev/null
"$bin" replay --org org.yaml --cloudtrail bad --cloudtrail logs --change scp/deny-regions.json --at Workloads > "$tmp/j1.txt" 2>/dev/null
if cmp -s "$tmp/j1.txt" "$tmp/j2.txt" && [ -s "$tmp/j1.txt" ]; then ok; else no "-j 2 on the fixtures reports otherwise than -j 1"; fi
expect_exit 2 "-j 0" -- "$bin" replay --org org.yaml --cloudtrail logs --change scp/deny-root.json --at Root -j 0
finish
