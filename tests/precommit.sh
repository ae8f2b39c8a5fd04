#!/bin/sh
# The pre-commit hooks of .pre-commit-hooks.yaml under the real pre-commit
# framework, offline: a throwaway hook repository holding this tree's
# .pre-commit-hooks.yaml at a commit (pre-commit clones a repository given
# by path, at the rev named, as it would a remote one), and a throwaway
# policy repository whose .pre-commit-config.yaml points at it, with the
# iamproof under test first on PATH (the hooks are language: system).
#
#   a commit of a policy with an error      refused, the finding shown
#   a clean commit                          goes through
#   .iamproof.yaml decides types            a trust policy under roles/ goes through
#   staged files a walk would skip          hidden files, exclude globs, templates
#   credentials                             refused, never shown
#   the templates hook                      a template's policy error refused, at its
#                                           line, labelled; fixed, it goes through
#   20 policy files                         timed (printed, not asserted)
#
# Usage: sh tests/precommit.sh path/to/iamproof
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
no() { echo "precommit: FAIL: $*"; fail=$((fail + 1)); }

if ! command -v pre-commit > /dev/null 2>&1; then
	echo "precommit: FAIL: pre-commit is not installed (make deps)"
	echo "precommit: 0 passed, 1 failed"
	exit 1
fi
# Nothing of the user's: no global git configuration, no pre-commit cache,
# no network (every repository is a local path).
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/cache" GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$HOME" "$tmp/bin"
ln -s "$bin" "$tmp/bin/iamproof"
PATH="$tmp/bin:$PATH"
export PATH

# The hook repository: this tree's hooks file, committed.
git init -q "$tmp/hooks"
cp "$root/.pre-commit-hooks.yaml" "$tmp/hooks/"
(cd "$tmp/hooks" && git add .pre-commit-hooks.yaml && git commit -q -m hooks) || exit 2
rev=$(git -C "$tmp/hooks" rev-parse HEAD)

# The policy repository.
repo="$tmp/policies"
git init -q "$repo"
cd "$repo" || exit 2
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: $tmp/hooks
    rev: $rev
    hooks:
      - id: iamproof
EOF
cat > .iamproof.yaml <<'EOF'
types:
  trust: ["roles/**"]
exclude: ["drafts/**"]
EOF
git add .pre-commit-config.yaml .iamproof.yaml
git commit -q -m config --no-verify
pre-commit install > "$tmp/install.out" 2>&1 && ok || { no "pre-commit install: $(cat "$tmp/install.out")"; }

# commit: git commit -m MSG, its output in $tmp/out and its status in $st
commit() {
	git commit -q -m "$1" > "$tmp/out" 2>&1
	st=$?
}
good='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}'

cat > bad.json <<'J'
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
J
git add bad.json
commit "a policy with an error"
[ "$st" != 0 ] && ok || no "a policy with an error was committed"
grep -q '^bad.json:2:27: error: Effect "Alow" is neither "Allow" nor "Deny" \[INVALID_EFFECT\]$' "$tmp/out" && ok ||
	no "the finding is not shown: $(cat "$tmp/out")"
grep -q 'iamproof check (IAM policies, SCPs, RCPs).*Failed' "$tmp/out" && ok || no "no failed hook line: $(cat "$tmp/out")"

printf '%s\n' "$good" > bad.json
git add bad.json
commit "fixed"
[ "$st" = 0 ] && ok || no "a clean commit was refused: $(cat "$tmp/out")"
[ "$(git log --format=%s -1)" = fixed ] && ok || no "the clean commit is not in the log"

# The configuration decides types: under roles/ a trust policy, whose
# Principal and missing Resource are errors in an identity policy.
mkdir -p roles
printf '%s\n' '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}' > roles/app.json
git add roles/app.json
commit "a trust policy"
[ "$st" = 0 ] && ok || no "a trust policy under roles/ was refused (type not from .iamproof.yaml): $(cat "$tmp/out")"

# Staged files that are not policies: hidden, excluded, templates (the
# other hook's). Each holds an error a policy check would report.
mkdir -p .github/workflows drafts
printf 'on: push\njobs: {}\n' > .github/workflows/ci.yml
cp "$root/fixtures/rules/INVALID_EFFECT/fires.json" drafts/wip.json
printf '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}\n' > stack.template.json
printf 'fail-on: error\ntypes:\n  trust: ["roles/**"]\nexclude: ["drafts/**"]\n' > .iamproof.yaml
git add .github drafts stack.template.json .iamproof.yaml
commit "not policies"
[ "$st" = 0 ] && ok || no "files a walk skips were checked: $(cat "$tmp/out")"

# Credentials: refused, and never shown.
cat > creds.json <<'J'
{"Version": "2012-10-17",
 "Statement": [{"Sid": "AKIAIOSFODNN7EXAMPLE", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
J
git add creds.json
commit "credentials"
[ "$st" != 0 ] && ok || no "a file with a key id was committed"
grep -q '^creds.json:2:.*\[ACCESS_KEY_ID\]$' "$tmp/out" && ok || no "the key id is not reported: $(cat "$tmp/out")"
grep -q 'IOSFODNN7EXAMPLE' "$tmp/out" && no "the key id is shown: $(cat "$tmp/out")" || ok
git rm -q --cached creds.json
rm creds.json

# The templates hook: a CloudFormation template whose policy has an
# error is refused, the finding at its line in the template and labelled
# with the resource; fixed, it goes through.
printf '      - id: iamproof-templates\n' >> .pre-commit-config.yaml
git add .pre-commit-config.yaml
git commit -q -m "the templates hook" --no-verify
cat > app.template.yaml <<'Y'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AppPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Alow
            Action: s3:GetObject
            Resource: !Sub "arn:aws:s3:::${Bucket}/*"
Y
git add app.template.yaml
commit "a template with an error"
[ "$st" != 0 ] && ok || no "a template whose policy has an error was committed"
grep -q '^app.template.yaml:9:.*AppPolicy.PolicyDocument: Effect "Alow"' "$tmp/out" && ok ||
	no "the template's finding is not shown at its line, labelled: $(cat "$tmp/out")"
grep -q 'iamproof check (CloudFormation templates, Terraform plans).*Failed' "$tmp/out" && ok ||
	no "the templates hook did not fail: $(cat "$tmp/out")"
sed 's/Effect: Alow/Effect: Allow/' app.template.yaml > t.yaml && mv t.yaml app.template.yaml
git add app.template.yaml
commit "the template fixed"
[ "$st" = 0 ] && ok || no "a clean template was refused (its !Sub read as a finding?): $(cat "$tmp/out")"

# 20 policy files in one commit, timed (the figure is for the report;
# benchmarks are elsewhere).
mkdir -p many
i=1
while [ $i -le 20 ]; do
	printf '{"Version": "2012-10-17", "Statement": [{"Sid": "S%d", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::bucket-%d/*"}]}\n' $i $i > many/p$i.json
	i=$((i + 1))
done
git add many
t0=$(date +%s%N)
pre-commit run > "$tmp/run.out" 2>&1
rst=$?
t1=$(date +%s%N)
[ "$rst" = 0 ] && ok || no "pre-commit run on 20 files: $(cat "$tmp/run.out")"
t2=$(date +%s%N)
commit "20 policies"
t3=$(date +%s%N)
[ "$st" = 0 ] && ok || no "20 clean policies refused: $(cat "$tmp/out")"
[ "$(git show --name-only --format= HEAD | grep -c '^many/')" = 20 ] && ok || no "the commit does not hold the 20 files"
t4=$(date +%s%N)
iamproof check many/*.json > /dev/null 2>&1
t5=$(date +%s%N)
echo "precommit: 20 files: pre-commit run $(( (t1 - t0) / 1000000 )) ms, git commit with the hook $(( (t3 - t2) / 1000000 )) ms, iamproof check alone $(( (t5 - t4) / 1000000 )) ms"

echo "precommit: $pass passed, $fail failed"
[ "$fail" = 0 ]
