#!/bin/sh
# Parity with AWS IAM Access Analyzer's policy checks (docs/aa-parity.md).
#
# fixtures/aa/<ISSUE_CODE>.json is one minimal policy per check of AWS's
# "IAM policy validation check reference", as that page describes it.
# fixtures/aa/parity.tsv says, per issue code, AWS's finding type, the
# policy type to check the fixture as (TYPE@RESOURCE_TYPE adds
# --resource-type RESOURCE_TYPE), the line of the element AWS points
# to, and what iamproof does today:
#   found        a finding of a rule that reports the code (`iamproof rules`
#                lists each rule's codes) on that line, at AWS's type
#   wrong-type   such a finding on that line, at another severity
#   wrong-place  such a finding on another line only
#   missing      no finding of a rule that reports the code
# and, for all but found, why. The test fails when any code does other
# than the file says: a check that breaks, and a missing one that starts
# working (then move it to found). It also fails when parity.tsv and
# aa_codes.def (through `iamproof rules`) disagree on which codes exist,
# and when docs/aa-parity.md's table is not the one this script prints
# with --markdown.
#
#   sh tests/aa-parity.sh build/iamproof             the test
#   sh tests/aa-parity.sh --markdown build/iamproof  the table of docs/aa-parity.md
set -u
markdown=0
if [ "${1:-}" = --markdown ]; then
	markdown=1
	shift
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fixtures/aa" || exit 2
name=aa-parity
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$root/tests/lib.sh"

# rule -> issue codes, from the rule listing ("  AWS: A, B" under a rule)
"$bin" rules | awk '
	/^[A-Z0-9_]+ / { rule = $1; next }
	/^  AWS: / { sub(/^  AWS: /, ""); n = split($0, c, ", "); for (i = 1; i <= n; i++) print c[i], rule }
' > "$tmp/codes"
[ -s "$tmp/codes" ] || no "iamproof rules lists no AWS issue codes"

sev_of() { # AWS finding type -> iamproof severity name
	case $1 in
	ERROR) echo error ;; SECURITY_WARNING) echo security-warning ;;
	WARNING) echo warning ;; SUGGESTION) echo suggestion ;; *) echo "?" ;;
	esac
}

found=0 wrongtype=0 wrongplace=0 missing=0 total=0
: > "$tmp/table"
tab=$(printf '\t')
while IFS="$tab" read -r code type ptype line want why; do
	case $code in '#'* | '') continue ;; esac
	total=$((total + 1))
	[ -f "$code.json" ] || { no "$code: no fixture $code.json"; continue; }
	rules=$(awk -v c="$code" '$1 == c { print $2 }' "$tmp/codes")
	sev=$(sev_of "$type")
	# TYPE or TYPE@RESOURCE_TYPE (check --resource-type)
	rtype=
	case $ptype in *@*) rtype=${ptype#*@} ptype=${ptype%%@*} ;; esac
	"$bin" check --no-config --no-color --quiet -t "$ptype" ${rtype:+--resource-type "$rtype"} "$code.json" > "$tmp/out" 2>&1
	got=missing
	hit=
	for r in $rules; do
		# path:line:col: severity: message [RULE]
		here=$(grep -E "^$code\.json:$line:[0-9]+: [a-z-]+: .*\[$r\]\$" "$tmp/out")
		if printf '%s\n' "$here" | grep -qE "^[^:]+:[0-9]+:[0-9]+: $sev: "; then
			got=found hit=$r
			break
		elif [ -n "$here" ]; then
			got=wrong-type hit=$r
		elif [ "$got" = missing ] && grep -qE "\[$r\]\$" "$tmp/out"; then
			got=wrong-place hit=$r
		fi
	done
	case $got in
	found) found=$((found + 1)) ;; wrong-type) wrongtype=$((wrongtype + 1)) ;;
	wrong-place) wrongplace=$((wrongplace + 1)) ;; *) missing=$((missing + 1)) ;;
	esac
	if [ "$got" != "$want" ]; then
		no "$code: $got${hit:+ ($hit)}, parity.tsv says $want"
		sed 's/^/    /' "$tmp/out" | head -5
	else
		ok
	fi
	[ "$want" = found ] || [ -n "$why" ] || no "$code: $want without a reason in parity.tsv"
	printf '| %s | %s | %s | %s | [%s.json](../fixtures/aa/%s.json):%s | %s |\n' "$code" "$type" \
		"$(echo $rules | sed 's/ /, /g')" "$got" "$code" "$code" "$line" "$why" >> "$tmp/table"
done < parity.tsv

# every issue code of aa_codes.def has a row, and no row names another
awk '{ print $1 }' "$tmp/codes" | sort -u > "$tmp/mapped"
grep -v '^#' parity.tsv | cut -f1 | sort > "$tmp/rows"
comm -23 "$tmp/mapped" "$tmp/rows" | while read -r c; do echo "$name: FAIL: $c: reported by a rule, no row in parity.tsv"; done
[ -z "$(comm -23 "$tmp/mapped" "$tmp/rows")" ] && ok || fail=$((fail + 1))

if [ "$markdown" = 1 ]; then
	echo "| Issue code | AWS type | iamproof rule | iamproof today | Fixture:line | Why not found |"
	echo "|---|---|---|---|---|---|"
	cat "$tmp/table"
	echo
	echo "Of $total checks: $found found at AWS's type and element, $wrongtype at another type, $wrongplace at another element, $missing missing."
	exit 0
fi

# docs/aa-parity.md carries this table, as --markdown prints it
if awk '/^\| Issue code \|/,/^$/' "$root/docs/aa-parity.md" 2>/dev/null | grep '^| [A-Z]' | grep -v '^| Issue code |' | diff - "$tmp/table" > "$tmp/diff"; then
	ok
else
	no "docs/aa-parity.md's table is not the current one: sh tests/aa-parity.sh --markdown $1"
	head -6 "$tmp/diff" | sed 's/^/    /'
fi
echo "$name: of $total checks: $found found, $wrongtype wrong type, $wrongplace wrong place, $missing missing"
finish
