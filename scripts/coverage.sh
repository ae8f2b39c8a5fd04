#!/bin/sh
# coverage.sh [CORPUS_DIR] [GENERATED_DIR] - which Stage 6 controls each
# public example SCP provides (issue 9; `make coverage`; docs/generate.md).
#
# Each *.json under CORPUS_DIR (../shared/corpus/scp) is proven with the
# stage6 pack (its default parameters) as one SCP level beside
# FullAWSAccess, as AWS attaches it:
#   iamproof prove --scp FullAWSAccess,FILE --properties stage6 --format json --timeout 10
# GENERATED_DIR, when given, is a first row: every policy (*.json with a
# Statement) of that directory at that one level.
#
# A control is provided when all its properties are proven. Cells: ✓ all,
# k/n some, — none, ? any unknown (a solver timeout). A file with a
# Principal in a statement is an RCP: it gets a row saying so and is not
# proven as an SCP. Prints a Markdown table on stdout, the runtime on
# stderr; exits 1 when prove fails internally (exit 3) on some file.
# IAMPROOF=path picks the binary, COVERAGE_TIMEOUT the seconds per call.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${1:-$ROOT/../shared/corpus/scp}
GENERATED=${2:-}
BIN=${IAMPROOF:-$ROOT/build/iamproof}
TIMEOUT=${COVERAGE_TIMEOUT:-10}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0

# The controls, in DESIGN.md's order, and the stage6 properties that make
# each. scp-templates/<control>.yaml replaces this table once it exists.
CONTROLS='deny-root root-denied
approved-regions only-approved-regions
approved-services only-approved-services
deny-access-keys no-access-key-creation
require-imdsv2 imdsv2-run-instances imdsv2-role-delivery imdsv2-no-downgrade
deny-leave-organization no-leave-organization
deny-internet-paths no-internet-paths
protect-security-services guardduty-protected access-analyzer-protected cloudtrail-protected s3-account-public-access-block-protected config-protected securityhub-protected
protect-monitoring eventbridge-monitoring-protected
protect-iam-roles protected-roles-unmodifiable'

[ -x "$BIN" ] || { echo "coverage: no $BIN (make first)" >&2; exit 2; }
[ -d "$CORPUS" ] || { echo "coverage: no corpus at $CORPUS" >&2; exit 2; }

# controls.txt: "control property..." per line, from the templates'
# `control: ID` and `properties:` (a flow or block list), else from CONTROLS
if [ -d "$ROOT/scp-templates" ]; then
	for t in "$ROOT"/scp-templates/*.yaml; do
		# properties: as a flow list on its line, or a block list after it
		awk '/^control:/ { c = $2; gsub(/"/, "", c) }
			/^[a-z_]+:/ { inprops = 0 }
			/^properties:/ { p = $0; sub(/^properties:/, "", p); gsub(/[^A-Za-z0-9._-]+/, " ", p); inprops = 1; next }
			inprops && /^ *- / { q = $0; sub(/^ *- */, "", q); gsub(/[^A-Za-z0-9._-]+/, "", q); p = p " " q }
			END { if (c == "" || p ~ /^ *$/) exit 1; print c p }' "$t" ||
			{ echo "coverage: $t: no control: or properties: line" >&2; exit 2; }
	done > "$TMP/controls.txt"
else
	echo "$CONTROLS" > "$TMP/controls.txt"
fi

# json MODE FILE: results (property, result, reason as TSV), valid (exit
# status), policy (exit status: has a Statement); jq, else python3
json() {
	if command -v jq > /dev/null; then
		case $1 in
		results) jq -r '.results[] | [.property, .result, (.reason // "")] | @tsv' "$2" ;;
		valid) jq empty "$2" > /dev/null 2>&1 ;;
		policy) jq -e 'has("Statement")' "$2" > /dev/null 2>&1 ;;
		esac
	else
		python3 - "$@" << 'EOF'
import json, sys
mode, path = sys.argv[1:3]
try:
    doc = json.load(open(path))
except ValueError:
    sys.exit(1)
if mode == "results":
    for r in doc["results"]:
        print(r["property"], r["result"], r.get("reason") or "", sep="\t")
elif mode == "policy":
    sys.exit(0 if isinstance(doc, dict) and "Statement" in doc else 1)
EOF
	fi
}

# cells RESULTS: one cell per control, then the note, as "| a | b |"
cells() {
	awk -F'\t' 'NR == FNR { r[$1] = $2; why[$1] = $3; next }
		{ n = split($0, p, " ") - 1; k = u = 0
		for (i = 2; i <= n + 1; i++) {
			x = r[p[i]]
			if (x == "proven" || x == "vacuous") k++
			else if (x == "unknown" || x == "") u++
			if (x == "vacuous") note = note "; " p[i] " vacuous"
			else if (x == "unknown") note = note "; ? " p[i] " (" why[p[i]] ")"
			else if (x == "") note = note "; ? " p[i] ": no result"
		}
		printf "| %s ", u ? "?" : k == n ? "✓" : k ? k "/" n : "—" }
		END { sub(/^; /, "", note); print note == "" ? "| |" : "| " note " |" }' "$1" "$TMP/controls.txt"
}

# row NAME SCPS: prove SCPS (comma-separated) at one level, print the row
row() {
	rc=0
	"$BIN" prove --scp "FullAWSAccess,$2" --properties stage6 --format json \
		--timeout "$TIMEOUT" > "$TMP/out.json" 2> "$TMP/err.txt" || rc=$?
	case $rc in
	0 | 1)
		json results "$TMP/out.json" > "$TMP/results.tsv"
		printf '| %s ' "$1"
		cells "$TMP/results.tsv"
		;;
	*)
		# the first diagnostic, its file name cut ("line 11:13: error: ...")
		diag=$(head -n 1 "$TMP/err.txt" | sed -e 's|^[^ ]*\.json:|line |' -e 's/|/\\|/g')
		what="input error"
		[ $rc -eq 2 ] || { what="internal error (exit $rc)"; status=1; }
		case $rc$diag in 2*SYNTAX_ERROR*) what="not valid JSON" ;; esac
		blank "$1" "$what: $diag"
		;;
	esac
}

# blank NAME NOTE: a row without results
blank() {
	printf '| %s |%s %s |\n' "$1" "$(awk '{ printf " |" }' "$TMP/controls.txt")" "$2"
}

start=$(date +%s)
printf '| example |'
awk '{ printf " %s |", $1 }' "$TMP/controls.txt"
printf ' note |\n|---|'
awk '{ printf ":-:|" }' "$TMP/controls.txt"
echo '---|'

if [ -n "$GENERATED" ]; then
	for f in "$GENERATED"/*.json; do
		# policies only: attachments.json and reports are not SCPs
		if json policy "$f"; then printf '%s\n' "$f"; fi
	done > "$TMP/generated.txt"
	[ -s "$TMP/generated.txt" ] || { echo "coverage: no policy in $GENERATED" >&2; exit 2; }
	row "**generated set** ($(wc -l < "$TMP/generated.txt") SCPs)" "$(paste -sd, "$TMP/generated.txt")"
fi

# the examples' rows, kept apart for the totals
find "$CORPUS" -name '*.json' | sort > "$TMP/files.txt"
while read -r f; do
	name=${f#"$CORPUS"/}
	if grep -Eq '"(Not)?Principal"[[:space:]]*:' "$f"; then
		note="RCP (a statement names a Principal): not an SCP"
		json valid "$f" || note="$note; not valid JSON"
		blank "$name" "$note"
	else
		row "$name" "$f"
	fi
done < "$TMP/files.txt" > "$TMP/rows.md"
cat "$TMP/rows.md"

# totals: examples with ✓ per control; examples proven with no ✓ at all
awk -F'|' -v c="$(wc -l < "$TMP/controls.txt")" '
	{ for (i = 3; i <= c + 2; i++) gsub(/^ +| +$/, "", $i) }
	$3 != "" { n++; any = 0
		for (i = 3; i <= c + 2; i++) if ($i == "✓") { t[i]++; any = 1 }
		if (!any) none++ }
	END { printf "| **examples providing it** (of %d SCPs proven) |", n
		for (i = 3; i <= c + 2; i++) printf " %d |", t[i]
		printf " %d of %d provide none |\n", none, n }' "$TMP/rows.md"
echo "coverage: $(wc -l < "$TMP/files.txt") files in $(($(date +%s) - start)) s (timeout ${TIMEOUT} s per solver call)" >&2
exit $status
