#!/bin/sh
# sarif.sh - checks `iamproof check --format sarif` and `iamproof prove
# --format sarif` against the SARIF 2.1.0 schema and the rules of
# Microsoft's SARIF Multitool.
#
#   sh tests/sarif.sh build/iamproof
#
# The multitool comes from the npm package @microsoft/sarif-multitool-linux
# (a self-contained .NET executable that also carries sarif-2.1.0.json),
# pinned below and installed once into .cache/npm (git-ignored). Set
# SARIF_MULTITOOL to an executable to use that one instead.
#
# The logs come from the repository's fixtures/ and policies/ and from
# inputs made here to be awkward: a syntax error, an empty file, bytes that
# are not UTF-8, tabs, YAML, paths with spaces, '#', '%' and non-ASCII
# names, relative and absolute paths; the prove logs from a violation at
# a statement, one with no statement involved (at the property), a timeout
# (unknown) and a built-in pack (IAMPROOFSRC); the review log from a git
# change with new, unchanged and fixed findings. Each log is validated with
#
#   Sarif.Multitool validate LOG -o OUT --json-schema sarif-2.1.0.json
#       --rule-kind "Sarif;Gh" --level "Error;Warning;Note" -c CONFIG
#
# ("Gh" adds the rules of GitHub code scanning's ingestion; CONFIG turns off
# SARIF2006, which fetches every URI of the log: the test stays offline)
# and fails on any error or warning in OUT: schema violations (JSON*),
# SARIF and GitHub rule errors. Two checks guard the validator itself:
#  - it silently reports nothing for a log it cannot deserialize (an
#    unknown enum value, for one), so OUT must hold at least one SARIF2009
#    note, which every iamproof log draws (rule ids are not like "CS2001");
#  - it does not compare ruleIndex with ruleId, nor artifactLocation.index
#    with the artifact's uri (in locations and relatedLocations), so this
#    script does.
#
# .NET needs ICU; where libicu is missing the multitool aborts with
# "Couldn't find a valid ICU package", and the script reruns it with
# DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 (validation needs no culture data).
set -u

MULTITOOL_VERSION=5.7.0
PKG=@microsoft/sarif-multitool-linux

die() {
	echo "sarif: FAIL: $*" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: sh tests/sarif.sh path/to/iamproof" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
case $1 in
/*) bin=$1 ;;
*) bin=$(pwd)/$1 ;;
esac
[ -x "$bin" ] || die "no executable $1"
command -v node >/dev/null 2>&1 || die "node is needed to read the multitool's log (make deps)"

# --- the multitool ------------------------------------------------------

cache=$root/.cache/npm
pkgdir=$cache/node_modules/$PKG
installed_version() {
	node -e 'try { console.log(require(process.argv[1]).version) } catch (e) {}' \
		"$pkgdir/package.json" 2>/dev/null
}
if [ -n "${SARIF_MULTITOOL:-}" ]; then
	mt=$SARIF_MULTITOOL
	schema=${SARIF_SCHEMA:-$(dirname "$mt")/sarif-2.1.0.json}
else
	if [ "$(installed_version)" != "$MULTITOOL_VERSION" ]; then
		command -v npm >/dev/null 2>&1 || die "npm is needed to install $PKG (make deps)"
		echo "sarif: installing $PKG@$MULTITOOL_VERSION into .cache/npm" >&2
		mkdir -p "$cache"
		# One install at a time: parallel `make test` runs share the cache.
		if command -v flock >/dev/null 2>&1; then
			set -- flock "$cache/.lock"
		else
			set --
		fi
		"$@" npm install --prefix "$cache" --no-audit --no-fund --no-save \
			"$PKG@$MULTITOOL_VERSION" >&2 ||
			die "npm could not install $PKG@$MULTITOOL_VERSION"
		[ "$(installed_version)" = "$MULTITOOL_VERSION" ] ||
			die "$PKG@$MULTITOOL_VERSION is not in $pkgdir after npm install"
	fi
	mt=$pkgdir/Sarif.Multitool
	schema=$pkgdir/sarif-2.1.0.json
	# The package's postinstall makes the binary executable; npm may
	# not have run it (install scripts not approved).
	[ -x "$mt" ] || chmod u+x "$mt" 2>/dev/null
fi
[ -x "$mt" ] || die "$mt is not an executable"
[ -f "$schema" ] || die "no SARIF schema at $schema"

work=$(mktemp -d "${TMPDIR:-/tmp}/iamproof-sarif.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 2' HUP INT TERM

# A single-file .NET program unpacks into $HOME/.net unless told where.
export DOTNET_BUNDLE_EXTRACT_BASE_DIR="${DOTNET_BUNDLE_EXTRACT_BASE_DIR:-$root/.cache/dotnet}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
if ! "$mt" --version >"$work/version.txt" 2>&1; then
	if grep -q "ICU" "$work/version.txt"; then
		echo "sarif: libicu not found; running the multitool in invariant globalization mode" >&2
		export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
		"$mt" --version >"$work/version.txt" 2>&1 || {
			cat "$work/version.txt" >&2
			die "the multitool does not run, even without ICU"
		}
	else
		cat "$work/version.txt" >&2
		die "the multitool does not run on this machine (see above)"
	fi
fi
mt_version=$(head -n 1 "$work/version.txt" | sed 's/^SARIF Multitool //; s/+.*//')

cat >"$work/config.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" Type="Driver.RuleEnabledState" />
  </Properties>
</Properties>
EOF

# --- inputs -------------------------------------------------------------

in=$work/in
mkdir -p "$in/with space" "$in/h#sh%pct" "$in/$(printf '\346\227\245\346\234\254')" || exit 2
cat >"$in/with space/syntax error.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow",, "Action": "s3:GetObject", "Resource": "*" }
  ]
}
EOF
cat >"$in/h#sh%pct/$(printf 'p\303\251\303\274.json')" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "Tout", "Effect": "Alow", "Action": "s3:GetObject", "Resource": "*" },
    { "Effect": "Allow", "Action": "*", "Resource": "*" },
    { "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*" },
    { "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject", "s3"], "Resource": "arn:aws:s3:::b/${aws:username}" }
  ]
}
EOF
printf '{\n\t"Version": "2012-10-17",\n\t"Statement": [{\n\t\t"Effect": "Allow",\n\t\t"Acti\303\266n": "s3:*",\n\t\t"Resource": "*",\n\t\t"Condition": {"ForAllValues:StringEquals": {"aws:username": "a"}}\n\t}]\n}\n' \
	>"$in/tabs.json"
printf '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:\377x", "Resource": "*"}]}\n' \
	>"$in/not utf8.json"
: >"$in/empty.json"
cat >"$in/$(printf '\346\227\245\346\234\254')/trust.yaml" <<'EOF'
Version: "2012-10-17"
Statement:
  - Effect: Allow
    Principal:
      Service: ec2.amazonaws.com
    Action: sts:AssumeRole
    Resource: "*"
  - Effect: Deny
    Effect: Allow
EOF
cat >"$in/ok.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
EOF
# prove's inputs live apart: check reads every file of $in.
pin=$work/prove
jp=$(printf '\346\227\245\346\234\254')
mkdir -p "$pin/with space" "$pin/$jp" || exit 2
cat >"$pin/$jp/id #1.json" <<'EOF'
{
	"Version": "2012-10-17",
	"Statement": [
		{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
		{"Sid": "Cl\u00e9s", "Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "*"}
	]
}
EOF
cat >"$pin/scp.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}
EOF
cat >"$pin/with space/props 100%.yaml" <<'EOF'
properties:
  - id: no-leave
    title: No leaving the organization
    expect: denied
    requests:
      Action: organizations:LeaveOrganization
  - id: no-keys
    title: No access keys
    description: Nobody creates access keys; "ça" se voit.
    expect: denied
    requests:
      Action: iam:CreateAccessKey
EOF

# --- logs ---------------------------------------------------------------

# run NAME DIR ARGS...: iamproof check --format sarif ARGS in DIR.
logs=
run() {
	name=$1 dir=$2
	shift 2
	(cd "$dir" && "$bin" check --no-config --quiet --format sarif "$@") \
		>"$work/$name.sarif" 2>"$work/$name.stderr"
	rc=$?
	# 0 clean, 1 findings; 2 and 3 (usage, input or internal errors)
	# mean the log may not be the one meant to be tested.
	if [ $rc -gt 1 ]; then
		cat "$work/$name.stderr" >&2
		die "iamproof check exited $rc for the '$name' log"
	fi
	logs="$logs $name"
}

# run_prove NAME DIR ARGS...: iamproof prove --format sarif ARGS in DIR.
run_prove() {
	name=$1 dir=$2
	shift 2
	(cd "$dir" && "$bin" prove --format sarif "$@") >"$work/$name.sarif" 2>"$work/$name.stderr"
	rc=$?
	if [ $rc -gt 1 ]; then
		cat "$work/$name.stderr" >&2
		die "iamproof prove exited $rc for the '$name' log"
	fi
	logs="$logs $name"
}

run relative "$in" .
props="with space/props 100%.yaml"
run_prove prove-statement "$pin" --identity "$jp/id #1.json" --properties "$props"
run_prove prove-no-statement "$pin" --scp FullAWSAccess,scp.json --properties "$props"
run_prove prove-unknown "$pin" --identity "$pin/$jp/id #1.json" --properties "$pin/$props" \
	--timeout 0.001
run_prove prove-pack "$pin" --identity "$jp/id #1.json" --properties least-privilege
run absolute "$in" "$in"
# review: findings new, unchanged and absent (baselineState) on the
# repository of tests/review-fixture.sh
sh "$root/tests/review-fixture.sh" "$work/review-repo" || die "cannot build the review fixture"
(cd "$work/review-repo" && "$bin" review --base base --head head --all --format sarif) \
	>"$work/review.sarif" 2>"$work/review.stderr"
rc=$?
[ $rc -le 1 ] || { cat "$work/review.stderr" >&2; die "iamproof review exited $rc for the 'review' log"; }
logs="$logs review"
# replay: newly denied (error) and newly allowed (note) results at the
# statements that decide, one file relative and one absolute
(cd "$root/fixtures/cloudtrail" && "$bin" replay --org org-after.yaml --cloudtrail logs \
	--replace scp/deny-regions.json --with "$root/fixtures/cloudtrail/scp/deny-root.json" --format sarif) \
	>"$work/replay.sarif" 2>"$work/replay.stderr"
rc=$?
[ $rc -le 1 ] || { cat "$work/replay.stderr" >&2; die "iamproof replay exited $rc for the 'replay' log"; }
logs="$logs replay"
run trust "$in" --type trust "$(printf '\346\227\245\346\234\254')/trust.yaml" "with space"
for d in fixtures policies; do
	[ -d "$root/$d" ] && run "$d" "$root" "$d"
done

# --- validation ---------------------------------------------------------

# check.js LOG OUT: reads iamproof's log and the multitool's findings on
# it; prints "results errors warnings notes" and lists the problems.
cat >"$work/check.js" <<'EOF'
const fs = require('fs');
const [logPath, outPath] = process.argv.slice(2);
const problems = [];
const log = JSON.parse(fs.readFileSync(logPath, 'utf8'));
const out = JSON.parse(fs.readFileSync(outPath, 'utf8').replace(/^\uFEFF/, ''));
const count = { error: 0, warning: 0, note: 0 };
let canary = 0;
for (const run of out.runs || []) {
	for (const r of run.results || []) {
		const level = r.level || 'warning';
		count[level] = (count[level] || 0) + 1;
		if (r.ruleId === 'SARIF2009') canary++;
		if (level === 'error' || level === 'warning') {
			const where = (r.locations || []).map(l => {
				const reg = (l.physicalLocation || {}).region || {};
				return `(${reg.startLine},${reg.startColumn})`;
			}).join('');
			const args = r.message && r.message.arguments ? r.message.arguments.join(' | ') : '';
			problems.push(`${level} ${r.ruleId}${where}: ${(r.message && r.message.text) || args}`);
		}
	}
	for (const inv of run.invocations || [])
		for (const n of inv.toolExecutionNotifications || [])
			if (n.level === 'error' || (n.exception && n.level !== 'note'))
				problems.push(`multitool execution error: ${n.message && n.message.text}`);
}
if (!canary)
	problems.push('the multitool reported no SARIF2009 note: it did not analyze the log');
let results = 0;
for (const run of log.runs) {
	const rules = run.tool.driver.rules || [];
	const artifacts = run.artifacts || [];
	(run.results || []).forEach((r, i) => {
		results++;
		if (!rules[r.ruleIndex] || rules[r.ruleIndex].id !== r.ruleId)
			problems.push(`results[${i}]: ruleIndex ${r.ruleIndex} is not rule ${r.ruleId}`);
		for (const l of (r.locations || []).concat(r.relatedLocations || [])) {
			const a = l.physicalLocation.artifactLocation;
			const art = artifacts[a.index];
			if (!art || art.location.uri !== a.uri || art.location.uriBaseId !== a.uriBaseId)
				problems.push(`results[${i}]: artifact index ${a.index} is not ${a.uri}`);
		}
	});
}
console.log(`${results} ${count.error} ${count.warning} ${count.note}`);
for (const p of problems) console.log(p);
EOF

total_logs=0 total_results=0 total_notes=0 failed=0
for name in $logs; do
	log=$work/$name.sarif
	out=$work/$name.validation.sarif
	"$mt" validate "$log" -o "$out" --log ForceOverwrite --json-schema "$schema" \
		--rule-kind "Sarif;Gh" --level "Error;Warning;Note" -c "$work/config.xml" \
		>"$work/$name.multitool.txt" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
		cat "$work/$name.multitool.txt" >&2
		echo "sarif: '$name': the multitool failed (exit $rc)" >&2
		failed=$((failed + 1))
		continue
	fi
	node "$work/check.js" "$log" "$out" >"$work/$name.check.txt" 2>&1 || {
		cat "$work/$name.check.txt" >&2
		echo "sarif: '$name': cannot read the logs" >&2
		failed=$((failed + 1))
		continue
	}
	set -- $(head -n 1 "$work/$name.check.txt")
	total_logs=$((total_logs + 1))
	total_results=$((total_results + $1))
	total_notes=$((total_notes + $4))
	if [ "$(wc -l <"$work/$name.check.txt")" -gt 1 ]; then
		echo "sarif: '$name' log ($1 results): $2 errors, $3 warnings:" >&2
		grep -E ': (error|warning) [A-Z]+[0-9]+: ' "$work/$name.multitool.txt" |
			sed "s|^$work/||; s/^/  /" >&2
		tail -n +2 "$work/$name.check.txt" | grep -v '^error \|^warning ' | sed 's/^/  /' >&2
		failed=$((failed + 1))
		if [ -n "${SARIF_KEEP:-}" ]; then
			cp "$log" "$out" "$SARIF_KEEP"/ 2>/dev/null &&
				echo "  (logs copied to $SARIF_KEEP)" >&2
		fi
	fi
done

if [ $failed -ne 0 ]; then
	echo "sarif: FAIL: $failed of $(echo $logs | wc -w) logs rejected by Sarif.Multitool $mt_version"
	exit 1
fi
echo "sarif: ok: $total_logs logs, $total_results results valid against SARIF 2.1.0" \
	"(Sarif.Multitool $mt_version: 0 errors, 0 warnings, $total_notes notes)"
