#!/bin/sh
# review.sh - `iamproof review` on real git repositories (tests/review-fixture.sh
# describes the change and what review must say of it): new, unchanged
# and fixed findings by fingerprint, the access each changed policy gains
# or loses with witnesses, the properties whose verdict changed (--org),
# every format, the exit codes, and the Markdown cap.
# Usage: sh tests/review.sh path/to/iamproof
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=review
. "$root/tests/lib.sh"

repo=$tmp/repo
sh "$root/tests/review-fixture.sh" "$repo" || { echo "review: cannot build the fixture repository"; exit 1; }
cd "$repo" || exit 2

# --- text: findings by fingerprint, access with witnesses -------------------
expect_exit 1 "a new error fails" -- "$bin" review --base base --head head
has "6 policy files changed (1 added, 3 modified, 1 renamed, 1 deleted)" "the files touched"
has "findings: 2 new, 1 fixed, 3 unchanged" "findings matched by fingerprint (moved, re-indented, renamed)"
has 'new: policies/dev.json:7:36: warning: unknown action "s3:GetObjectz"' "the new warning, at HEAD's position"
has 'new: policies/new.json:4:17: error: Effect "Alow"' "the new error of the added file"
has 'fixed: policies/gone.json' "the deleted file's finding is fixed"
hasnt "PASS_ROLE_WITH_STAR_IN_RESOURCE" "a moved, re-indented statement's finding is not new"
hasnt "renamed.json:" "a renamed file's finding is not new"
hasnt "README" "a file that is not a policy is not reviewed"
hasnt ".github" "a hidden directory is not reviewed, as check's walk skips it"
has "policies/dev.json (identity, modified): more-permissive" "dev.json allows more"
has "newly allows s3:DeleteBucket on arn:aws:s3:::prod-" "the witness of the new statement"
has "policies/renamed.json (identity, renamed): equivalent" "a rename changes no access"
has "policies/gone.json (identity, deleted): less-permissive" "a deleted policy allows less"
has "no longer allows sns:Publish" "the witness of the deleted policy"
has "policies/new.json (identity, added): not compared: the policy has errors at HEAD" "a policy with errors is not compared"
has "scps/guard.json (scp, modified): more-permissive" "the SCP lets more through"
has "newly allows cloudtrail:StopLogging on * to arn:aws:iam::111122223333:user/alice" "the SCP's witness, spelled from the Deny it lost"
has "stack.yaml ReportsPolicy.PolicyDocument (identity, modified): more-permissive" "a template's policy compared by its label"
has "newly allows s3:PutObject on arn:aws:s3:::reports/" "the template policy's witness"
has "stack.yaml AppRole.AssumeRolePolicyDocument (trust, modified): equivalent" "an unchanged trust policy in the template"
has "stack.yaml BucketPolicy.PolicyDocument (resource, modified): not compared: a part is known only at deploy" "a symbolic part is said, never guessed"
hasnt "stack.yaml:" "a template's findings: none new (read as a template, not as a policy)"

# --all lists the unchanged findings; --fail-on decides the exit code
expect_exit 1 "--all" -- "$bin" review --base base --head head --all
has "unchanged: policies/dev.json" "--all lists the re-indented finding"
has "unchanged: policies/renamed.json" "--all lists the renamed file's finding under its new name"
git checkout -q -b warn base
sed 's/"s3:GetObject"/["s3:GetObject", "s3:GetObjectz"]/' policies/dev.json > dev.tmp && mv dev.tmp policies/dev.json
git commit -q -am "a warning only"
expect_exit 0 "a new warning below --fail-on error" -- "$bin" review --base base --head warn
has "findings: 1 new, 0 fixed, 2 unchanged" "the warning is new"
expect_exit 1 "a new warning at --fail-on warning" -- "$bin" review --base base --head warn --fail-on warning
expect_exit 1 "--fail-on-access: a policy allows more" -- "$bin" review --base base --head warn --fail-on-access
expect_exit 0 "--fail-on-access: nothing more allowed" -- "$bin" review --base warn --head base --fail-on-access
has "less-permissive" "the way back allows less"
git checkout -q head

# --- JSON: every state, counts, access -------------------------------------
expect_exit 1 "json" -- "$bin" review --base base --head head --format json --all
if node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const st = r.findings.diagnostics.map((d) => d.baselineState).sort().join(",");
const want = "absent,new,new,unchanged,unchanged,unchanged";
if (st !== want) throw new Error(`states ${st}, want ${want}`);
if (r.counts.new !== 2 || r.counts.unchanged !== 3 || r.counts.absent !== 1) throw new Error("counts");
const dev = r.access.find((f) => f.path === "policies/dev.json");
if (dev.verdict !== "more-permissive" || !dev.newlyAllows.some((w) => w.action === "s3:DeleteBucket"))
  throw new Error("dev.json access");
const bp = r.access.find((f) => f.label === "BucketPolicy.PolicyDocument");
if (bp.verdict !== null || !/deploy/.test(bp.reason)) throw new Error("a symbolic template policy");
const ren = r.files.find((f) => f.path === "policies/renamed.json");
if (ren.oldPath !== "policies/old.json" || ren.status !== "renamed") throw new Error("rename");
' "$tmp/out"; then ok; else no "the JSON report"; fi

# --- GitHub annotations --------------------------------------------------------
expect_exit 1 "github" -- "$bin" review --base base --head head --format github
has '::error file=policies/new.json,line=4,col=17,endLine=4,endColumn=23,title=INVALID_EFFECT::Effect "Alow"' "an error annotation"
has '::warning file=policies/dev.json,line=7,col=36' "a warning annotation"
has '::notice file=scps/guard.json,title=newly allows::cloudtrail:StopLogging' "new access as a notice"
hasnt "gone.json" "a fixed finding has no annotation (the file is gone)"

# --- SARIF: baselineState -----------------------------------------------------
expect_exit 1 "sarif" -- "$bin" review --base base --head head --format sarif --all
if node -e '
const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const st = log.runs[0].results.map((x) => x.baselineState).sort().join(",");
if (st !== "absent,new,new,unchanged,unchanged,unchanged") throw new Error(st);
' "$tmp/out"; then ok; else no "SARIF baselineState"; fi

# --- --org: the properties whose verdict changed -------------------------------
expect_exit 1 "--org: a property no longer proven" -- "$bin" review --base base --head head --org org.yaml \
	--properties props.yaml --fail-on suggestion
has "no-stop-logging on account 111122223333 (app): proven -> violated" "the verdict that changed"
# only the access and properties parts: findings below --fail-on, no access failure
expect_exit 0 "--org with nothing relevant changed" -- "$bin" review --base head --head head --org org.yaml \
	--properties props.yaml
has "no SCP, RCP or org.yaml changed" "properties not asked when nothing they read changed"
has "0 policy files changed" "an empty change"

# --- --cloudtrail: the recorded calls the SCP change allows or denies -----------
# ops stopped logging once and was denied (a failed call, set aside) and
# once through; head drops StopLogging from the Guard SCP
cat > "$tmp/trail.json" <<'EOF'
{"Records": [
 {"eventVersion": "1.11", "userIdentity": {"type": "AssumedRole", "principalId": "AROAX:alice",
   "arn": "arn:aws:sts::111122223333:assumed-role/ops/alice", "accountId": "111122223333",
   "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/ops"}}},
  "eventTime": "2026-11-30T09:00:00Z", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
  "awsRegion": "us-east-1", "eventID": "ev-denied", "eventType": "AwsApiCall", "errorCode": "AccessDenied"},
 {"eventVersion": "1.11", "userIdentity": {"type": "AssumedRole", "principalId": "AROAX:alice",
   "arn": "arn:aws:sts::111122223333:assumed-role/ops/alice", "accountId": "111122223333",
   "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/ops"}}},
  "eventTime": "2026-11-30T09:01:00Z", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
  "awsRegion": "us-east-1", "eventID": "ev-stop", "eventType": "AwsApiCall"},
 {"eventVersion": "1.11", "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/bob",
   "accountId": "111122223333"},
  "eventTime": "2026-11-30T09:02:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances",
  "awsRegion": "us-east-1", "eventID": "ev-describe", "eventType": "AwsApiCall"}
]}
EOF
"$bin" review --base base --head head --org org.yaml --properties props.yaml > /dev/null 2>&1
without=$?
expect_exit $without "--cloudtrail: a relaxation fails nothing more" -- "$bin" review --base base --head head --org org.yaml \
	--properties props.yaml --cloudtrail "$tmp/trail.json"
has "replay (--cloudtrail $tmp/trail.json): 3 events, 2 decided: 0 newly denied, 1 newly allowed" "the replay's counts"
has "newly allowed: account 111122223333, arn:aws:iam::111122223333:role/ops, cloudtrail:StopLogging: 1 events, e.g. event ev-stop; scps/guard.json:4: the Deny of an SCP (Sid Guard)" "the group, at the statement in the repository"
"$bin" review --base head --head base --org org.yaml --properties props.yaml > /dev/null 2>&1
if [ $? = 0 ]; then
	expect_exit 1 "--cloudtrail: newly denied calls fail" -- "$bin" review --base head --head base \
		--org org.yaml --properties props.yaml --cloudtrail "$tmp/trail.json"
	has "1 newly denied" "the tightening"
else
	no "review --base head --head base fails without --cloudtrail: the exit code of a newly denied call is not tested"
fi
expect_exit $without "--cloudtrail json" -- "$bin" review --base base --head head --org org.yaml --properties props.yaml \
	--cloudtrail "$tmp/trail.json" --format json
jq -e '.replay.replayed and .replay.report.newlyAllowedGroups[0].decidedBy.file == "scps/guard.json" and
	.replay.report.summary.failed.count == 1' "$tmp/out" > /dev/null && ok || no "--cloudtrail json: $(jq -c .replay "$tmp/out")"
expect_exit $without "--cloudtrail markdown" -- "$bin" review --base base --head head --org org.yaml --properties props.yaml \
	--cloudtrail "$tmp/trail.json" --format markdown
has '| | `111122223333` | `arn:aws:iam::111122223333:role/ops` | `cloudtrail:StopLogging` | 1 | `ev-stop` | `scps/guard.json:4` the Deny of an SCP (Sid Guard) |' "the markdown row"
expect_exit $without "--cloudtrail github" -- "$bin" review --base base --head head --org org.yaml --properties props.yaml \
	--cloudtrail "$tmp/trail.json" --format github
grep -q '^::notice file=scps/guard.json,line=4,title=replay: newly allowed::account 111122223333, arn:aws:iam::111122223333:role/ops, cloudtrail:StopLogging: 1 events, e.g. event ev-stop; scps/guard.json:4: the Deny of an SCP (Sid Guard)$' "$tmp/out" &&
	ok || no "github: the replay's group as an annotation at its statement: $(grep replay "$tmp/out")"
if [ $without = 0 ]; then
	expect_exit 1 "--cloudtrail github, newly denied" -- "$bin" review --base head --head base --org org.yaml \
		--properties props.yaml --cloudtrail "$tmp/trail.json" --format github
	grep -q '^::error file=scps/guard.json,line=4,title=replay: newly denied::account 111122223333, ' "$tmp/out" &&
		ok || no "github: a newly denied group is no error: $(grep replay "$tmp/out")"
fi
expect_exit 0 "--cloudtrail with nothing relevant changed" -- "$bin" review --base head --head head --org org.yaml \
	--properties props.yaml --cloudtrail "$tmp/trail.json"
has "no SCP, RCP or org.yaml changed: the log was not replayed" "not replayed when no guardrail changed"
expect_exit 2 "--cloudtrail without --org" -- "$bin" review --base base --head head --cloudtrail "$tmp/trail.json"

# --- Markdown --------------------------------------------------------------------
expect_exit 1 "markdown" -- "$bin" review --base base --head head --format markdown --org org.yaml --properties props.yaml
head -1 "$tmp/out" | grep -q '^## iamproof review' && ok || no "markdown heading"
has "| new findings | **2** |" "the summary table first"
has "<details open><summary>New findings (2)</summary>" "new findings open"
has "<details><summary>Fixed findings (1)</summary>" "fixed findings folded"
has "| no-stop-logging | account 111122223333 (app) | proven | **violated** |" "the property row"
# a change large enough to be cut
git checkout -q -b big head
mkdir -p many
i=0
while [ $i -lt 400 ]; do
	printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-%s/*"}]}\n' "$i" > "many/p$i.json"
	i=$((i + 1))
done
git add many && git commit -q -m many
expect_exit 1 "a long markdown summary" -- "$bin" review --base head --head big --format markdown
n=$(wc -c < "$tmp/out")
[ "$n" -le 65000 ] && ok || no "markdown of $n characters, over 65,000"
has "**Cut here:**" "the note where the summary is cut"
has "| new findings | **400** |" "the summary table survives the cut"

# --- --also: one run, several formats; files named from where review is called
git checkout -q head
mkdir -p sub
(cd sub && "$bin" review --base base --format github --also sarif=out.sarif --also markdown=out.md \
	--also json=out.json > "$tmp/out" 2> "$tmp/err")
[ $? = 1 ] && ok || no "--also: exit code"
has "::error file=policies/new.json" "--also: the main format on standard output"
[ -s sub/out.sarif ] && [ -s sub/out.md ] && [ -s sub/out.json ] && ok || no "--also files next to the caller"
head -1 sub/out.md | grep -q '^## iamproof review' && ok || no "--also markdown"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' sub/out.json && ok || no "--also json"
expect_exit 2 "--also without a file" -- "$bin" review --base base --also sarif
rm -rf sub

# --- .iamproof.yaml: severity, ignore and baseline apply as in check;
# credentials in a change are new errors, masked
git checkout -q -b cfg head
sed 's/severity: {UNKNOWN_ACTION: warning}/severity: {UNKNOWN_ACTION: suggestion}/' .iamproof.yaml > cfg.tmp && mv cfg.tmp .iamproof.yaml
cat >> .iamproof.yaml <<'Y'
ignore:
  - rule: INVALID_EFFECT
    path: policies/new.json
    reason: fixed in the next change
Y
git commit -q -am "configuration"
expect_exit 0 "ignore and severity from .iamproof.yaml" -- "$bin" review --base base --head cfg
has 'new: policies/dev.json:7:36: suggestion: unknown action "s3:GetObjectz"' "the severity override"
hasnt "INVALID_EFFECT" "the ignored finding"
has "suppressed by .iamproof.yaml at BASE and HEAD: 1 by ignore entries, 0 by the baseline" "the suppression is said"
printf '{"Version": "2012-10-17", "Statement": [{"Sid": "AKIAIOSFODNN7EXAMPLE", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n' \
	> policies/key.json
git add policies/key.json && git commit -q -m "a key"
expect_exit 1 "a credential committed" -- "$bin" review --base HEAD~1 --head HEAD --format json
has '"rule": "ACCESS_KEY_ID"' "the credential is a new finding"
hasnt "AKIAIOSFODNN7EXAMPLE" "the credential is never shown"
git checkout -q head

# --- terminal safety: a file name with an escape sequence
git checkout -q -b evil head
esc=$(printf '\033')
printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::e/*"}]}\n' \
	> "policies/ev${esc}[31mil.json"
git add policies && git commit -q -m evil
expect_exit 0 "a file name with an escape sequence" -- "$bin" review --base head --head evil
has "policies/ev?[31mil.json (identity, added)" "the escape shown as '?'"
if grep -q "$esc" "$tmp/out"; then no "an escape character reached the text output"; else ok; fi
git checkout -q head

# --- usage and input errors -------------------------------------------------------
expect_exit 2 "no --base" -- "$bin" review
expect_exit 2 "an unknown revision" -- "$bin" review --base no-such-rev
grep -q "not a commit" "$tmp/err" && ok || no "an unknown revision is named"
expect_exit 2 "an option as a revision" -- "$bin" review --base --all
expect_exit 2 "an unknown format" -- "$bin" review --base base --format xml
(cd "$tmp" && "$bin" review --base HEAD > out 2> err)
[ $? = 2 ] && grep -q "not in a git work tree" "$tmp/err" && ok || no "outside a work tree: exit 2 with a reason"

finish
