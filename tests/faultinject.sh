#!/bin/sh
# Allocation-failure injection (make faultinject; docs/testing.md).
#
#   sh tests/faultinject.sh build-asan/iamproof-fault [RUN...]
#
# Two runs, `check` (a configuration, JSON and YAML policies, one with
# errors, SARIF out: load, check, report) and `simulate` (identity,
# resource, SCP and boundary policies, three requests, text out), are
# first run as they are, counting their allocations (tests/fault/fault.c).
# Then each runs again once for every N from 1 to that count, with the
# Nth allocation failing. Each of those runs must
#  - exit 2 or 3 with a message on standard error, or else give exactly
#    the output and exit code of the first run (a failure the program
#    may absorb, e.g. a buffer it can do without): never a different
#    answer;
#  - not crash, and leak nothing: ASan and LSan report with exit 99.
# FAULT_STRIDE=K tries every Kth N only (and always the first 50), for
# CI; FAULT_FROM=N starts later. Exit 1 on any failure.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
runs=${*:-check simulate}
stride=${FAULT_STRIDE:-1}
from=${FAULT_FROM:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:exitcode=99:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:exitcode=99
export LSAN_OPTIONS=exitcode=99

mkdir -p "$tmp/repo/scps" "$tmp/repo/.git"
cd "$tmp/repo" || exit 2
cat > .iamproof.yaml <<'Y'
# the configuration: types by glob, a rule off
types:
  scp: scps/**
  resource: ["buckets/*.json"]
disable: [MISSING_SID]
fail-on: warning
Y
cat > id.json <<'J'
{"Version": "2012-10-17", "Statement": [
 {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"], "Resource": "arn:aws:s3:::data/${aws:username}/*"},
 {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
 {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}, "IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}}]}
J
cat > scps/regions.yaml <<'Y'
Version: "2012-10-17"
Statement:
  - Sid: Regions
    Effect: Deny
    NotAction: ["iam:*", "sts:*"]
    Resource: "*"
    Condition:
      StringNotEquals:
        aws:RequestedRegion: [eu-west-1, us-east-1]
Y
cp scps/regions.yaml scp.yaml
mkdir -p buckets
cat > buckets/data.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Sid": "Cross", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/r*"}}}]}
J
cat > bad.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3::bad", "Condition": {"StringEqualz": {"a": 1}}}]}
J
cat > boundary.json <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "iam:PassRole"], "Resource": "*"}]}
J
cat > requests.jsonl <<'R'
{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::data/alice/x", "context": {"aws:RequestedRegion": "eu-west-1", "aws:MultiFactorAuthPresent": true}}
{"principal": "arn:aws:sts::444455556666:assumed-role/reader/s", "action": "s3:GetObject", "resource": "arn:aws:s3:::data/k", "context": {"aws:RequestedRegion": "ap-south-1", "aws:SourceIp": "10.1.2.3"}}
{"principal": "arn:aws:iam::111122223333:user/bob", "action": "iam:PassRole", "resource": "arn:aws:iam::111122223333:role/x", "context": {"iam:PassedToService": "ec2.amazonaws.com", "aws:TagKeys": ["a", "b"]}}
R

run() {
	case $1 in
	check) "$bin" check --format sarif . ;;
	simulate) "$bin" simulate --identity id.json --resource-policy buckets/data.json \
		--scp FullAWSAccess,scp.yaml --boundary boundary.json --requests requests.jsonl --format text ;;
	esac
}

fail=0
for r in $runs; do
	IAMP_FAULT_COUNT=$tmp/count run "$r" > "$tmp/base.out" 2> "$tmp/base.err"
	base_rc=$?
	total=$(cat "$tmp/count")
	if [ "$base_rc" -gt 1 ]; then
		echo "faultinject: $r: the run without a failure exits $base_rc"; sed 's/^/    /' "$tmp/base.err" | head; fail=$((fail + 1)); continue
	fi
	tried=0 absorbed=0 errors=0 bad=0
	n=$from
	start=$(date +%s)
	while [ "$n" -le "$total" ]; do
		IAMP_FAULT_N=$n run "$r" > "$tmp/out" 2> "$tmp/err"
		rc=$?
		tried=$((tried + 1))
		if { [ "$rc" = 2 ] || [ "$rc" = 3 ]; } && [ -s "$tmp/err" ] && ! grep -q "Sanitizer" "$tmp/err"; then
			errors=$((errors + 1))
		elif [ "$rc" = "$base_rc" ] && cmp -s "$tmp/out" "$tmp/base.out"; then
			absorbed=$((absorbed + 1))
		else
			bad=$((bad + 1))
			if [ "$bad" -le 10 ]; then
				echo "faultinject: FAIL: $r with allocation $n failing: exit $rc (base $base_rc)"
				grep -E "ERROR|SUMMARY|runtime error|#[0-9] " "$tmp/err" | head -8 | sed 's/^/    /'
				[ -s "$tmp/err" ] || echo "    (nothing on standard error)"
				cmp -s "$tmp/out" "$tmp/base.out" || echo "    (the output differs from the run without a failure)"
			fi
		fi
		if [ "$n" -lt 50 ]; then n=$((n + 1)); else n=$((n + stride)); fi
	done
	echo "faultinject: $r: $total allocations; $tried runs ($errors exit 2 or 3, $absorbed with the same output), $bad failed, $(( $(date +%s) - start )) s"
	fail=$((fail + bad))
done
[ "$fail" = 0 ]
