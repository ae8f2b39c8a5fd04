#!/bin/sh
# review-fixture.sh DIR - a git repository in DIR (made, or emptied first)
# with a base and a head commit, tagged `base` and `head`, for
# tests/review.sh and tests/sarif.sh. What the head commit does, and what
# `iamproof review --base base --head head` must say of it:
#
#   policies/dev.json    its PassRole statement moved to the end of the list
#                        and re-indented, its comma gone (its two findings
#                        unchanged), an action
#                        that does not exist added (a new UNKNOWN_ACTION),
#                        s3:DeleteBucket on prod-* allowed: more-permissive
#   policies/old.json    renamed to policies/renamed.json: its finding
#                        (RESOURCE_STAR) unchanged, access equivalent
#   policies/gone.json   deleted: its finding (RESOURCE_STAR) absent (fixed),
#                        access less-permissive
#   policies/new.json    added with Effect "Alow": a new error; not compared
#   scps/guard.json      cloudtrail:StopLogging no longer denied:
#                        more-permissive (an SCP beside FullAWSAccess)
#   stack.yaml           a CloudFormation template: ReportsPolicy allows
#                        s3:PutObject too (more-permissive), AppRole's
#                        trust policy is unchanged (equivalent), and
#                        BucketPolicy names a !Sub ARN (not compared:
#                        known only at deploy)
#   README.md            not a policy: not reviewed
#   .github/workflows/   YAML in a hidden directory: not reviewed, as a
#                        walk of `check .` skips it
#
# org.yaml attaches scps/guard.json at the root; props.yaml asks that
# StopLogging be denied: proven at base, violated at head.
set -eu
dir=$1
rm -rf "$dir"
mkdir -p "$dir/policies" "$dir/scps"
cd "$dir"
git init -q
git config user.email review@example.com
git config user.name review
git config commit.gpgsign false

# The typo s3:GetObjectz is the change's warning: an unknown action is an
# error (issue 10), lowered here so that the policy is still compared
cat > .iamproof.yaml <<'YAML'
types:
  scp: ["scps/**"]
exclude: ["org.yaml", "props.yaml"]
severity: {UNKNOWN_ACTION: warning}
YAML
cat > policies/dev.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prod-data/*" },
    { "Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" },
    { "Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::scratch" }
  ]
}
JSON
cat > policies/old.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*" }
  ]
}
JSON
cat > policies/gone.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "sns:Publish", "Resource": "*" }
  ]
}
JSON
cat > scps/guard.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Guard",
      "Effect": "Deny",
      "Action": ["organizations:LeaveOrganization", "cloudtrail:StopLogging"],
      "Resource": "*"
    }
  ]
}
JSON
cat > org.yaml <<'YAML'
management_account: "999999999999"
root:
  scps: [FullAWSAccess, scps/guard.json]
  accounts:
    - id: "111122223333"
      name: app
YAML
cat > props.yaml <<'YAML'
properties:
  - id: no-stop-logging
    title: CloudTrail logging cannot be stopped
    expect: denied
    requests:
      Action: cloudtrail:StopLogging
      Resource: "*"
YAML
stack() {
	cat > stack.yaml <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ReportsPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [$1]
            Resource: "arn:aws:s3:::reports/*"
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: reports
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource: !Sub "arn:aws:s3:::\${$2}/*"
            Condition: {Bool: {aws:SecureTransport: "false"}}
YAML
}
stack "s3:GetObject" "Reports"
echo "# policies" > README.md
git add -A
git commit -q -m base
git tag base

cat > policies/dev.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
      {
        "Sid": "Read",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:GetObjectz"],
        "Resource": "arn:aws:s3:::prod-data/*"
      },
    { "Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::scratch" },
    { "Sid": "Clean", "Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::prod-*" },
        { "Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }
  ]
}
JSON
git mv policies/old.json policies/renamed.json
git rm -q policies/gone.json
cat > policies/new.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Alow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" }
  ]
}
JSON
cat > scps/guard.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Guard",
      "Effect": "Deny",
      "Action": ["organizations:LeaveOrganization"],
      "Resource": "*"
    }
  ]
}
JSON
stack "s3:GetObject, s3:PutObject" "ReportsBucket"
mkdir -p .github/workflows
printf 'on: push\njobs: {}\n' > .github/workflows/ci.yml
echo "more" >> README.md
git add -A
git commit -q -m head
git tag head
