#!/bin/sh
# -j N (issue 13): `check` gives the same bytes on standard output and
# standard error, and the same exit code, with -j 1 and -j 4, in every
# format, over the public SCP corpus (../shared/corpus/scp, when there),
# the fixtures (every rule firing, load errors, templates and plans), a
# directory with unreadable and broken files (stderr in file order), and
# the AWS managed-policy corpus when .cache/managed holds it
# (scripts/managed-corpus.sh makes it; it is not fetched here).
# Usage: sh tests/jobs.sh path/to/iamproof
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
export SOURCE_DATE_EPOCH=1700000000

# A directory of files that go wrong in several ways, so that what each
# file says on standard error must come out in order.
mkdir -p "$tmp/mixed/sub"
i=0
while [ $i -lt 24 ]; do
	printf '{"Version": "2012-10-17", "Statement": [{"Sid": "S%d", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}\n' $i > "$tmp/mixed/p$i.json"
	i=$((i + 1))
done
printf '{"Version": "2012-10-17", "Statement": [' > "$tmp/mixed/broken.json"
ln -s nowhere.json "$tmp/mixed/dangling.json"
# /proc/self/mem reads as an I/O error: a file the worker cannot read,
# said on standard error from its thread.
if [ -r /proc/self/mem ]; then
	ln -s /proc/self/mem "$tmp/mixed/m3.json"
	ln -s /proc/self/mem "$tmp/mixed/sub/eio.json"
fi
printf 'Version: "2012-10-17"\nStatement:\n  - Effect: Deny\n    Action: "*"\n    Resource: "*"\n' > "$tmp/mixed/sub/deny.yaml"

# same NAME ARGS...: check ARGS with -j 1 and -j 4, in each format.
same() {
	name=$1
	shift
	for fmt in text json sarif html; do
		"$bin" check --no-config -f $fmt -j 1 "$@" > "$tmp/o1" 2> "$tmp/e1"
		r1=$?
		"$bin" check --no-config -f $fmt -j 4 "$@" > "$tmp/o4" 2> "$tmp/e4"
		r4=$?
		if [ $fmt = html ]; then
			# the report's header shows the arguments, -j among them
			sed 's/ -j [14] / /' "$tmp/o1" > "$tmp/h" && mv "$tmp/h" "$tmp/o1"
			sed 's/ -j [14] / /' "$tmp/o4" > "$tmp/h" && mv "$tmp/h" "$tmp/o4"
		fi
		if [ $r1 -ne $r4 ]; then
			echo "jobs: FAIL: $name, $fmt: exit $r1 with -j 1, $r4 with -j 4"
			fail=$((fail + 1))
		elif ! cmp -s "$tmp/o1" "$tmp/o4"; then
			echo "jobs: FAIL: $name, $fmt: standard output differs between -j 1 and -j 4"
			diff "$tmp/o1" "$tmp/o4" | head -n 6 | sed 's/^/    /'
			fail=$((fail + 1))
		elif ! cmp -s "$tmp/e1" "$tmp/e4"; then
			echo "jobs: FAIL: $name, $fmt: standard error differs between -j 1 and -j 4"
			diff "$tmp/e1" "$tmp/e4" | head -n 6 | sed 's/^/    /'
			fail=$((fail + 1))
		elif [ $r1 -ge 3 ] || [ ! -s "$tmp/o1" ]; then
			echo "jobs: FAIL: $name, $fmt: exit $r1, or no output"
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
	done
}

same mixed "$tmp/mixed"
grep -q 'dangling.json' "$tmp/e1" && grep -q 'broken.json' "$tmp/o1" && pass=$((pass + 1)) ||
	{ echo "jobs: FAIL: the mixed directory's errors are not reported"; fail=$((fail + 1)); }
if [ -r /proc/self/mem ]; then
	[ "$(grep -c 'Input/output error' "$tmp/e1")" = 2 ] && pass=$((pass + 1)) ||
		{ echo "jobs: FAIL: the unreadable files are not said in order"; fail=$((fail + 1)); }
fi
same semantic --semantic "$tmp/mixed"
# the configuration's judging in the threads: ignore entries by Sid
# counted in the summary, a severity changed, a rule disabled
cat > "$tmp/config.yaml" <<'Y'
ignore:
  - rule: SERVICE_WILDCARD
    sid: S3
    reason: test
  - rule: SERVICE_WILDCARD
    sid: S17
    reason: test
severity:
  RESOURCE_STAR: warning
disable: [SYNTAX_ERROR]
Y
for fmt in text json; do
	"$bin" check -c "$tmp/config.yaml" -f $fmt -j 1 "$tmp/mixed" > "$tmp/o1" 2> "$tmp/e1"
	"$bin" check -c "$tmp/config.yaml" -f $fmt -j 4 "$tmp/mixed" > "$tmp/o4" 2> "$tmp/e4"
	if cmp -s "$tmp/o1" "$tmp/o4" && cmp -s "$tmp/e1" "$tmp/e4" && grep -q 'suppressed by .*: 2 findings' "$tmp/e4"; then
		pass=$((pass + 1))
	else
		echo "jobs: FAIL: with a configuration, $fmt: -j 4 differs from -j 1 (or the 2 ignored are not counted)"
		diff "$tmp/e1" "$tmp/e4" | head -n 6 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
same fixtures "$root/fixtures"
if [ -d "$root/../shared/corpus/scp" ]; then
	same scp-corpus -t scp "$root/../shared/corpus/scp"
else
	echo "jobs: SKIP: no ../shared/corpus/scp"
fi
if [ -d "$root/.cache/managed" ]; then
	same managed -t identity "$root/.cache/managed"
else
	echo "jobs: SKIP: no .cache/managed (scripts/managed-corpus.sh makes it)"
fi
# simulate: chunks of requests on threads, written out in order. 9,000
# lines (several chunks of 2,048 on each of 4 threads), with bad requests,
# blank lines and CRLF among them, so that an error or a request number
# out of place shows.
cat > "$tmp/id.json" <<'J'
{"Version": "2012-10-17", "Statement": [
 {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
 {"Sid": "NoSecret", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"},
 {"Sid": "Tagged", "Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*",
  "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]}
J
awk 'BEGIN {
	split("s3:GetObject s3:PutObject ec2:StartInstances s3:ListBucket", act, " ")
	for (i = 1; i <= 9000; i++) {
		if (i % 997 == 0) { print "{\"principal\": \"arn:aws:iam::111122223333:user/u\", \"action\": "; continue }
		if (i % 1013 == 0) { print ""; continue }
		if (i % 1500 == 0) { print "{\"principal\": \"arn:aws:iam::111122223333:user/u\"}"; continue }
		res = (i % 3 == 0) ? "arn:aws:s3:::secret/k" i : "arn:aws:s3:::b/k" i
		if (act[i % 4 + 1] == "ec2:StartInstances") res = "arn:aws:ec2:us-east-1:111122223333:instance/i-" i
		printf "{\"principal\": \"arn:aws:iam::111122223333:user/u%d\", \"action\": \"%s\", \"resource\": \"%s\", \"context\": {\"aws:ResourceTag/team\": \"t%d\", \"aws:PrincipalTag/team\": \"t%d\"}}%s\n", i, act[i % 4 + 1], res, i % 2, i % 3, (i % 7 == 0) ? "\r" : ""
	}
}' > "$tmp/requests.jsonl"
for fmt in json text; do
	"$bin" simulate --identity "$tmp/id.json" --format $fmt -j 1 --requests "$tmp/requests.jsonl" > "$tmp/o1" 2> "$tmp/e1"
	r1=$?
	"$bin" simulate --identity "$tmp/id.json" --format $fmt -j 4 --requests "$tmp/requests.jsonl" > "$tmp/o4" 2> "$tmp/e4"
	r4=$?
	if [ $fmt = json ]; then denied='"decision":"explicitDeny"'; else denied='EXPLICITLY DENIED'; fi
	if [ $r1 -eq 2 ] && [ $r4 -eq 2 ] && cmp -s "$tmp/o1" "$tmp/o4" && cmp -s "$tmp/e1" "$tmp/e4" &&
	   [ "$(grep -c . "$tmp/e1")" -ge 15 ] && grep -q "$denied" "$tmp/o4"; then
		pass=$((pass + 1))
	else
		echo "jobs: FAIL: simulate --format $fmt: -j 4 differs from -j 1 (exit $r1 and $r4)"
		diff "$tmp/o1" "$tmp/o4" | head -n 4 | sed 's/^/    /'
		diff "$tmp/e1" "$tmp/e4" | head -n 4 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
# -j takes 1 to 256 threads.
for bad in 0 -1 x 257; do
	"$bin" check --no-config -j "$bad" "$tmp/mixed/p0.json" > /dev/null 2>&1
	[ $? -eq 2 ] && pass=$((pass + 1)) || { echo "jobs: FAIL: check -j $bad is not a usage error"; fail=$((fail + 1)); }
	"$bin" simulate --identity "$tmp/id.json" -j "$bad" --requests "$tmp/requests.jsonl" > /dev/null 2>&1
	[ $? -eq 2 ] && pass=$((pass + 1)) || { echo "jobs: FAIL: simulate -j $bad is not a usage error"; fail=$((fail + 1)); }
done
echo "jobs: $pass passed, $fail failed"
[ $fail -eq 0 ]
