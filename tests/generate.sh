#!/bin/sh
# `iamproof generate scp`: the example baseline generates, passes check,
# fits the quotas and is proven; packing under tight limits; a set that
# cannot fit names what overflows; bad baselines get a diagnostic at their
# position; the same config gives the same bytes; the CloudFormation and
# Terraform outputs hold the JSON output's policies; a proof that fails
# fails the generation.
# Usage: sh tests/generate.sh path/to/iamproof
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
no() { echo "generate: FAIL: $*"; fail=$((fail + 1)); }
# expect_exit CODE DESCRIPTION -- command...
expect_exit() {
	want=$1 what=$2
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else no "$what: exit $got, expected $want"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -8; fi
}
# expect_in FILE TEXT DESCRIPTION
expect_in() {
	if grep -qF -- "$2" "$1"; then ok; else no "$3: '$2' not in $(basename "$1")"; sed 's/^/    /' "$1" | head -8; fi
}
cd "$tmp" || exit 2
org=$root/policies/org.yaml
base=$root/policies/baseline.yaml

# The example baseline: generated, checked, proven on every account path.
expect_exit 0 "the example baseline" -- "$bin" generate scp --config "$base" --org "$org" --out ex
expect_in out "proof: 36 of 36 proven on 2 account paths" "the example's proof"
for f in ex/stage6-*.json; do
	expect_exit 0 "check --type scp $f" -- "$bin" check --no-config --type scp --fail-on suggestion "$f"
	n=$(wc -m < "$f")
	[ "$n" -le 10240 ] && ok || no "$f is $n characters, over 10,240"
done
expect_in ex/proof.md "| root-denied | deny-root |" "proof.md names each property's control"
expect_in ex/proof.md "| ordinary-work-allowed | ordinary work |" "proof.md has the ordinary-work proof"
python3 - ex/proof.json <<'P' && ok || no "proof.json: 36 results, each proven"
import json, sys
r = json.load(open(sys.argv[1]))["results"]
sys.exit(0 if len(r) == 36 and all(x["result"] == "proven" for x in r) else 1)
P

# Names from input reach proof.md escaped: an account named with an
# escape sequence and a pipe.
cp -r "$root/policies" evil-policies
sed 's/name: prod$/name: "pr\\e[31m|od"/' "$org" > evil-policies/org.yaml
expect_exit 0 "an account name with an escape sequence" -- "$bin" generate scp --config "$base" --org evil-policies/org.yaml --out evil
if grep -q "$(printf '\033')" out evil/proof.md; then no "an escape character reached generate's output"; else ok; fi
expect_in evil/proof.md '(pr?[31m\|od)' "proof.md shows the escape as '?' and escapes the pipe"

# Deterministic: the same config gives the same bytes, in every format.
for fmt in json cloudformation terraform; do
	"$bin" generate scp --config "$base" --org "$org" --out "a-$fmt" --format "$fmt" --no-proof > /dev/null
	"$bin" generate scp --config "$base" --org "$org" --out "b-$fmt" --format "$fmt" --no-proof > /dev/null
	diff -r "a-$fmt" "b-$fmt" > /dev/null && ok || no "$fmt output differs between two runs"
done

# CloudFormation and Terraform, parsed back: their policies are the JSON output's.
python3 - a-json a-cloudformation/stage6.template.json a-terraform/stage6.tf <<'P' && ok || no "CloudFormation/Terraform policies differ from the JSON output"
import json, re, sys
jdir, cfn, tf = sys.argv[1:4]
plan = json.load(open(jdir + "/attachments.json"))
want = {p["name"]: open(jdir + "/" + p["file"]).read() for p in plan["policies"]}
targets = {p["name"]: p["target"] for p in plan["policies"]}
t = json.load(open(cfn))
got = {}
for res in t["Resources"].values():
    assert res["Type"] == "AWS::Organizations::Policy"
    p = res["Properties"]
    assert p["Type"] == "SERVICE_CONTROL_POLICY"
    got[p["Name"]] = p["Content"]
    tid = p["TargetIds"][0]
    assert (tid == {"Ref": "RootId"}) if targets[p["Name"]] == "root" else True, tid
assert got == want, "cloudformation"
# HCL strings: JSON's escapes, with $${ and %%{ for literal ${ and %{.
def hcl(s):
    return json.loads(s.replace("$${", "${").replace("%%{", "%{"))
text = open(tf).read()
names = re.findall(r'resource "aws_organizations_policy" "([^"]+)" \{\n  name +  = ("(?:[^"\\]|\\.)*")', text)
contents = re.findall(r'\n  content +  = ("(?:[^"\\]|\\.)*")\n', text)
got = {hcl(n): hcl(c) for (_, n), c in zip(names, contents)}
assert got == want, "terraform"
assert len(re.findall(r'resource "aws_organizations_policy_attachment"', text)) == len(want)
P
expect_in a-terraform/stage6.tf "target_id = var.root_id" "Terraform attaches to the root"

# Packing: with 3,000 characters per SCP the set is split, each part under
# the limit, every control still there, within the free slots.
sed 's/characters: 10240/characters: 3000/' "$base" > small.yaml
expect_exit 0 "3,000 characters per SCP" -- "$bin" generate scp --config small.yaml --org "$org" --out small --no-proof
parts=$(ls small/stage6-root-*.json 2>/dev/null | wc -l)
[ "$parts" -ge 2 ] && [ "$parts" -le 9 ] && ok || no "3,000 characters: $parts SCPs at the root, expected 2 to 9"
for f in small/stage6-root-*.json; do
	n=$(wc -m < "$f")
	[ "$n" -le 3000 ] && ok || no "$f is $n characters, over 3,000"
	expect_exit 0 "check $f" -- "$bin" check --no-config --type scp --fail-on suggestion "$f"
done
python3 - small a-json <<'P' && ok || no "the split set holds the same statements' actions as the whole"
import json, sys, glob
def actions(d):
    out = set()
    for f in glob.glob(d + "/stage6-*.json"):
        for s in json.load(open(f))["Statement"]:
            for k in ("Action", "NotAction"):
                v = s.get(k)
                if v is not None:
                    out |= {(k, s["Effect"], a) for a in ([v] if isinstance(v, str) else v)}
    return out
sys.exit(0 if actions(sys.argv[1]) == actions(sys.argv[2]) and actions(sys.argv[1]) else 1)
P

# A set that cannot fit: the error names the controls that overflow.
sed 's/characters: 10240/characters: 3000/; s/scps_per_target: 10/scps_per_target: 3/' "$base" > full.yaml
expect_exit 1 "3 SCPs of 3,000 characters" -- "$bin" generate scp --config full.yaml --org "$org" --out full --no-proof
expect_in err "does not fit the quotas" "overflow"
expect_in err "root: " "overflow names the target"
expect_in err "over by" "overflow says by how much"
grep -q "protect-\|deny-\|approved-\|require-" err && ok || no "overflow names no control"
[ ! -e full ] && ok || no "a set that does not fit is not written"

# Slots taken: FullAWSAccess, the org's own SCPs and the reserved slots
# count. The example root has FullAWSAccess and scp-guardrails.json.
sed 's/scps_per_target: 10/scps_per_target: 3/' "$base" > slots.yaml
expect_exit 0 "three slots at the root, two taken" -- "$bin" generate scp --config slots.yaml --org "$org" --out slots --no-proof
sed 's/scps_per_target: 10/scps_per_target: 3/; s/{target: Workloads, slots: 2}/{target: root, slots: 1}/' "$base" > slots2.yaml
expect_exit 1 "three slots, two taken, one reserved" -- "$bin" generate scp --config slots2.yaml --org "$org" --out slots2 --no-proof
expect_in err "0 slots free" "the reserved slot counts"

# replace: the allow list takes FullAWSAccess's place, and the plan says to detach it.
sed 's/^full_aws_access: keep/full_aws_access: replace/' "$base" > replace.yaml
expect_exit 0 "full_aws_access: replace" -- "$bin" generate scp --config replace.yaml --org "$org" --out replace
expect_in replace/attachments.json '"detach_full_aws_access": ["root"]' "replace detaches FullAWSAccess at the root"
expect_in replace/stage6-root.json '"Effect":"Allow"' "replace writes the allow list"
expect_in out "proof: 36 of 36 proven" "the replaced set is proven"

# Without --org: the root and one member account.
grep -v "{target: Workloads" "$base" > rootonly.yaml
expect_exit 0 "no organization" -- "$bin" generate scp --config rootonly.yaml --out noorg --no-proof
expect_exit 2 "no organization, a reserved OU" -- "$bin" generate scp --config "$base" --out noorg1 --no-proof
expect_in err "baseline.yaml:26:5: error: reserved: no target Workloads" "an unknown reserved target at its position"
sed 's/attach: \[root\]}/attach: [Workloads]}/' "$base" > ou.yaml
expect_exit 2 "an OU without --org" -- "$bin" generate scp --config ou.yaml --out noorg2 --no-proof
expect_in err "no target Workloads" "an unknown target is named"
expect_in err "ou.yaml:" "the unknown target's position"
expect_exit 0 "an OU with --org" -- "$bin" generate scp --config ou.yaml --org "$org" --out ou --no-proof
[ -f ou/stage6-ou-workloads.json ] && ok || no "an OU's SCP is named after it"

# Bad baselines: a diagnostic at the position, exit 2, nothing written.
cat > bad.yaml <<'Y'
parameters:
  approved_region: [eu-west-1]
full_aws_access: sometimes
controls:
  - {control: deny-root, attach: [root]}
  - {control: deny-everything, attach: [root]}
Y
expect_exit 2 "a bad baseline" -- "$bin" generate scp --config bad.yaml --out bad
expect_in err "bad.yaml:2:3: error: no template or property reads parameter approved_region" "an unknown parameter"
expect_in err "bad.yaml:3:18:" "a bad full_aws_access"
expect_in err "no template for control deny-everything" "an unknown control"
[ ! -e bad ] && ok || no "a bad baseline writes nothing"
printf 'controls: [' > broken.yaml
expect_exit 2 "broken YAML" -- "$bin" generate scp --config broken.yaml --out bad
expect_exit 2 "a missing config" -- "$bin" generate scp --config missing.yaml --out bad
expect_exit 2 "no --out" -- "$bin" generate scp --config "$base"
expect_exit 2 "generate what?" -- "$bin" generate rcp --config "$base" --out bad
expect_exit 2 "a bad format" -- "$bin" generate scp --config "$base" --out bad --format xml

# A proof that fails fails the generation (exit 1), and says which.
sed 's/^parameters:$/parameters:\n  ordinary_actions: ["s3:GetObject", "glacier:ListVaults"]/' "$base" > unapproved.yaml
expect_exit 1 "ordinary work outside the approved services" -- "$bin" generate scp --config unapproved.yaml --org "$org" --out unapproved
expect_in out "violated  ordinary-work-allowed" "the failing property is named"
expect_in out "generation failed" "the failure is said"
expect_in unapproved/proof.md "| ordinary-work-allowed | ordinary work |" "proof.md is written all the same"

# The two packs share break_glass and approved_regions: equal defaults.
for p in break_glass approved_regions; do
	a=$(grep -A2 "^  $p:" "$root/properties/stage6.yaml" | head -1)
	b=$(grep -A2 "^  $p:" "$root/properties/stage6-allows.yaml" | head -1)
	[ -n "$a" ] && [ "$a" = "$b" ] && ok || no "$p: stage6 '$a', stage6-allows '$b'"
done

echo "generate: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
