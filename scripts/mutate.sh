#!/bin/sh
# Mutation testing (docs/testing.md; SQLite's "Mutation testing"): change
# one site of the code, rebuild, and some test must fail.
#   sh scripts/mutate.sh              every mutant (`make mutate`)
#   MUTATE_LIMIT=25 MUTATE_MIN=90 sh scripts/mutate.sh     (`make mutate-short`)
# Knobs (environment):
#   MUTATE_FILES    files to mutate (default below; missing ones skipped)
#   MUTATE_LIMIT    run a sample of this many mutants (0: all)
#   MUTATE_SEED     which sample (default 1); the same seed, the same sample
#   MUTATE_ONLY     extended regex over "Mnnnnn file:line:op.k": run only those
#   MUTATE_JOBS     mutants run at once, each in its own tree (default: cores)
#   MUTATE_TESTS    kill commands, in order (default: unit cli simulate rules difftest golden)
#   MUTATE_TIMEOUT  seconds per command (default: 3 times its baseline time
#                   plus 10; a hang counts as killed)
#   MUTATE_MIN      fail when the kill rate (%) is below this (default: never)
#   MUTATE_CFLAGS   CFLAGS for the trees' builds (default: the Makefile's);
#                   e.g. make asan's, to kill mutants that only corrupt memory
#   MUTATE_LIST=1   print the mutants and stop
#   MUTATE_WORK     work area (default .cache/mutate): src/ the snapshot,
#                   tree-N/ the scratch trees, logs/, report.txt with every
#                   survivor and its diff. One run at a time in each.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${MUTATE_WORK:-$ROOT/.cache/mutate}
case $WORK in /*) ;; *) WORK=$(pwd)/$WORK ;; esac
FILES=${MUTATE_FILES:-analyzer/eval.c analyzer/match.c analyzer/decide.c analyzer/principal.c analyzer/arn.c analyzer/pattern.c}
LIMIT=${MUTATE_LIMIT:-0}
SEED=${MUTATE_SEED:-1}
ONLY=${MUTATE_ONLY:-}
JOBS=${MUTATE_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
TESTS=${MUTATE_TESTS:-unit cli simulate rules difftest golden}
TIMEOUT=${MUTATE_TIMEOUT:-}
MIN=${MUTATE_MIN:-}
# What a scratch tree needs to build and run every kill command.
COPY="Makefile analyzer tests scripts fixtures docs policies"
BUILD=build-mut
US=$(printf '\037')

die() { echo "mutate: $*" >&2; exit 2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---- the mutants ----------------------------------------------------------
# One record per mutant, fields separated by \037:
#   id file line op.k before-fragment after-fragment original-line mutated-line
# Sites are found on a masked copy of each line in which comments, string
# and character literals are blanked, so that only code is mutated;
# preprocessor lines (and their continuations) are skipped.
GEN='
function mask(s,    out, i, n, c, c2) {
	out = ""; n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1); c2 = substr(s, i, 2)
		if (incomment) {
			if (c2 == "*/") { incomment = 0; out = out "  "; i++ } else out = out " "
		} else if (instr != "") {
			if (c == "\\") { out = out "SS"; i++ }
			else if (c == instr) { out = out c; instr = "" }
			else out = out "S"
		} else if (c2 == "/*") { incomment = 1; out = out "  "; i++ }
		else if (c2 == "//") { while (i <= n) { out = out " "; i++ } }
		else if (c == "\"" || c == Q) { instr = c; out = out c }
		else out = out c
	}
	instr = ""
	return out
}
function isid(c) { return c ~ /^[A-Za-z0-9_]$/ }
# The mutants of a line are kept, then printed in operator order (flush).
function emit(op, before, after, newline) {
	k[op]++
	buf[op] = buf[op] sprintf("%s%s%s%d%s%s.%d%s%s%s%s%s%s%s%s\n", US, FILENAME, US, FNR, US, op, k[op], US, \
		before, US, after, US, $0, US, newline)
}
function flush(    i, n, o) {
	n = split("cmp neg andor bool drop off", o, " ")
	for (i = 1; i <= n; i++) { printf "%s", buf[o[i]]; buf[o[i]] = ""; k[o[i]] = 0 }
}
# Replace len characters at column i of the line.
function at(i, len, rep) { return substr($0, 1, i - 1) rep substr($0, i + len) }
function sites(m,    i, n, c, c2, p, q, d, j, t, cond, lead, L) {
	n = length(m)
	for (i = 1; i <= n; i++) {
		c = substr(m, i, 1); c2 = substr(m, i, 2)
		# comparisons; shifts and -> are not comparisons
		if (c2 == "<<" || c2 == ">>") { i += (substr(m, i + 2, 1) == "=") ? 2 : 1; continue }
		if (c2 == "->") { i++; continue }
		if (c2 == "==") { emit("cmp", "==", "!=", at(i, 2, "!=")); i++; continue }
		if (c2 == "!=") { emit("cmp", "!=", "==", at(i, 2, "==")); i++; continue }
		if (c2 == "<=") { emit("cmp", "<=", ">", at(i, 2, ">")); i++; continue }
		if (c2 == ">=") { emit("cmp", ">=", "<", at(i, 2, "<")); i++; continue }
		if (c == "<") { emit("cmp", "<", ">=", at(i, 1, ">=")); continue }
		if (c == ">") { emit("cmp", ">", "<=", at(i, 1, "<=")); continue }
		if (c2 == "&&") { emit("andor", "&&", "||", at(i, 2, "||")); i++; continue }
		if (c2 == "||") { emit("andor", "||", "&&", at(i, 2, "&&")); i++; continue }
		# the same in decide.c, whose logic is AND(a, b), OR(a, b), NOT(a)
		if (!isid(substr(m, i - 1, 1))) {
			if (substr(m, i, 4) == "AND(") { emit("andor", "AND(", "OR(", at(i, 4, "OR(")); i += 3; continue }
			if (substr(m, i, 3) == "OR(") { emit("andor", "OR(", "AND(", at(i, 3, "AND(")); i += 2; continue }
			if (substr(m, i, 4) == "NOT(") { emit("neg", "NOT(", "(", at(i, 4, "(")); i += 3; continue }
		}
		# offsets: a binary "+ 1" or "- 1"
		if ((c2 == "+ " || c2 == "- ") && substr(m, i + 2, 1) == "1" && !isid(substr(m, i + 3, 1)) \
		    && substr(m, i + 3, 1) != "." && substr(m, i - 1, 1) == " " && substr(m, i - 2, 1) ~ /[A-Za-z0-9_)\]]/) {
			if (c == "+") {
				emit("off", "+ 1", "+ 0", at(i, 3, "+ 0"))
				emit("off", "+ 1", "- 1", at(i, 3, "- 1"))
			} else {
				emit("off", "- 1", "- 0", at(i, 3, "- 0"))
				emit("off", "- 1", "+ 1", at(i, 3, "+ 1"))
			}
			i += 2; continue
		}
		# if (X) and while (X) -> !(X), when X closes on this line
		if (!isid(substr(m, i - 1, 1)) && (substr(m, i, 2) == "if" || substr(m, i, 5) == "while")) {
			j = i + (substr(m, i, 2) == "if" ? 2 : 5)
			while (substr(m, j, 1) == " ") j++
			if (substr(m, j, 1) != "(" || isid(substr(m, j - 1, 1))) continue
			p = j; d = 0
			for (q = p; q <= n; q++) {
				t = substr(m, q, 1)
				if (t == "(") d++
				else if (t == ")" && --d == 0) break
			}
			if (q > n) continue
			cond = substr($0, p + 1, q - p - 1)
			emit("neg", substr($0, i, q - i + 1), substr($0, i, p - i + 1) "!(" cond "))", \
				substr($0, 1, p) "!(" cond ")" substr($0, q))
		}
	}
	for (i = index(m, "return true;"); i > 0; i = (j = index(substr(m, i + 1), "return true;")) ? i + j : 0)
		emit("bool", "return true;", "return false;", at(i, 12, "return false;"))
	for (i = index(m, "return false;"); i > 0; i = (j = index(substr(m, i + 1), "return false;")) ? i + j : 0)
		emit("bool", "return false;", "return true;", at(i, 13, "return true;"))
	# drop a simple statement: one whole statement on this line, begun
	# where the previous code line ended one. Not a free(): a leak fails
	# no kill command (the mutants are built without a leak checker).
	t = m; sub(/^[ \t]+/, "", t); sub(/[ \t]+$/, "", t)
	lead = substr($0, 1, index(m, t) - 1)
	if (t ~ /;$/ && gsub(/;/, ";", t) == 1 && t !~ /[{}]/ && gsub(/\(/, "(", t) == gsub(/\)/, ")", t) \
	    && (prevend ~ /[;{}:)]$/ || prevend ~ /(^|[^A-Za-z0-9_])else$/) \
	    && t !~ /^(return|goto|case|default|else|do|if|for|while|switch|sizeof|typedef|assert|ALWAYS|NEVER)[^A-Za-z0-9_]/ \
	    && t !~ /^([A-Za-z0-9_]*_)?free\(/ \
	    && t !~ /^[A-Za-z_][A-Za-z0-9_]*[ \t*]+[A-Za-z_(]/) {
		L = "[*]*[A-Za-z_][A-Za-z0-9_]*((->|[.])[A-Za-z_][A-Za-z0-9_]*|[[][^]]*[]])*"
		if (t ~ /^(continue|break);$/ || t ~ /^(\+\+|--)[*]*[A-Za-z_]/ \
		    || t ~ ("^" L "[ \t]*([-+*/%&|^]|<<|>>)?=[^=]") || t ~ ("^" L "[ \t]*(\\+\\+|--);$") \
		    || t ~ /^(\(void\)[ \t]*)?[A-Za-z_][A-Za-z0-9_]*((->|[.])[A-Za-z_][A-Za-z0-9_]*)*[ \t]*\(/)
			emit("drop", substr($0, length(lead) + 1), ";", lead ";")
	}
}
BEGIN { Q = sprintf("%c", 39) }
FNR == 1 { incomment = 0; inpp = 0; prevend = ";" }
{
	if (inpp) { inpp = ($0 ~ /\\$/); next }
	if (!incomment && $0 ~ /^[ \t]*#/) { inpp = ($0 ~ /\\$/); next }
	m = mask($0)
	sites(m)
	flush()
	t = m; sub(/[ \t]+$/, "", t)
	if (t ~ /[^ \t]/) prevend = t
}'

# generate FILE...: every mutant, numbered in file, line, operator,
# occurrence order (the full list, so that a mutant keeps its id in a
# sample).
generate() {
	awk -v US="$US" "$GEN" "$@" | awk -F "$US" -v OFS="$US" '{ $1 = sprintf("M%05d", NR); print }'
}

# sample < all > run: MUTATE_ONLY's mutants, then MUTATE_LIMIT of them: a
# Park-Miller sequence from the seed gives each mutant a key, the LIMIT
# smallest keys are run, in id order.
sample() {
	awk -F "$US" -v only="$ONLY" 'only == "" || ($1 " " $2 ":" $3 ":" $4) ~ only' |
	awk -F "$US" -v seed="$SEED" '
		BEGIN { x = (seed % 2147483646) + 1 }
		{ for (r = 0; r < 3; r++) x = (x * 16807) % 2147483647; printf "%010d%s%s\n", x, FS, $0 }' |
	sort -t "$US" -k1,1 |
	awk -v limit="$LIMIT" 'limit == 0 || NR <= limit { print substr($0, 12) }' |
	sort -t "$US" -k1,1
}

# ---- the trees ------------------------------------------------------------
# Copies the repository once into src/ (the snapshot every mutant is made
# from, untouched by later edits), then src/ into each tree-N. A tree's
# build directory is rebuilt from scratch each run: cp sets new mtimes,
# and an object left by a mutant of a previous run must not survive.
setup() {
	rm -rf "$WORK/src" "$WORK"/tree-* "$WORK/logs" "$WORK/results" "$WORK/claimed"
	mkdir -p "$WORK/src" "$WORK/logs" "$WORK/results" "$WORK/claimed" || die "cannot create $WORK"
	for f in $COPY; do
		[ -e "$ROOT/$f" ] && cp -R "$ROOT/$f" "$WORK/src/"
	done
	# difftest.mjs reads ../shared next to the repository, and the oracle
	# lives in the repository's .cache/npm.
	[ -e "$ROOT/../shared" ] && ln -sfn "$ROOT/../shared" "$WORK/shared"
	mkdir -p "$ROOT/.cache/npm"
	n=1
	while [ "$n" -le "$JOBS" ]; do
		cp -R "$WORK/src" "$WORK/tree-$n"
		mkdir -p "$WORK/tree-$n/.cache"
		ln -sfn "$ROOT/.cache/npm" "$WORK/tree-$n/.cache/npm"
		n=$((n + 1))
	done
}

# run_test TREE NAME [SECONDS]: one kill command in a tree, under a
# timeout (none for the baseline run); its status.
run_test() {
	tree=$1
	tmo=${3:-0}
	case $2 in
	# The prover's suite (smt) is left out: it takes a minute, its
	# answers depend on Z3's time limits under the load of parallel
	# mutants, and the mutated files have suites of their own.
	unit) (cd "$tree/tests" && CK_FORK=no IAMP_TEST_SKIP=smt IAMP_BIN=../$BUILD/iamproof \
		timeout -k 5 "$tmo" ../$BUILD/test_runner) ;;
	cli) timeout -k 5 "$tmo" sh "$tree/tests/cli.sh" "$tree/$BUILD/iamproof" ;;
	golden) timeout -k 5 "$tmo" sh "$tree/tests/golden.sh" "$tree/$BUILD/iamproof" ;;
	simulate) timeout -k 5 "$tmo" sh "$tree/tests/simulate.sh" "$tree/$BUILD/iamproof" ;;
	rules)
		[ -f "$tree/tests/rules.sh" ] || { echo "no tests/rules.sh"; return 0; }
		timeout -k 5 "$tmo" sh "$tree/tests/rules.sh" "$tree/$BUILD/iamproof" ;;
	difftest)
		# The oracle's answers do not depend on the mutant: one cache
		# for every tree and run, the repository's.
		DIFFTEST_OUT=$tree/.cache/difftest DIFFTEST_SHOW=3 DIFFTEST_FAIL_FAST=1 \
		DIFFTEST_ORACLE_CACHE=${DIFFTEST_ORACLE_CACHE:-$ROOT/.cache/difftest-oracle} \
			timeout -k 5 "$tmo" sh "$tree/scripts/difftest.sh" "$tree/$BUILD/iamproof" ;;
	*) echo "mutate: unknown test '$2'" ; return 2 ;;
	esac
}

build() {
	if [ -n "${MUTATE_CFLAGS:-}" ]; then
		(cd "$1" && timeout -k 5 600 make --no-print-directory BUILD=$BUILD CFLAGS="$MUTATE_CFLAGS" \
			all $BUILD/test_runner)
	else
		(cd "$1" && timeout -k 5 600 make --no-print-directory BUILD=$BUILD all $BUILD/test_runner)
	fi
}

# run_job N: in tree-N, every mutant no other job has claimed yet (mkdir
# is atomic), so that a job that meets slow survivors takes fewer.
run_job() {
	job=$1
	tree=$WORK/tree-$job
	# fd 3: the commands of the loop must not read the list
	while IFS="$US" read -r id file line op before after orig mutated <&3; do
		mkdir "$WORK/claimed/$id" 2>/dev/null || continue
		log=$WORK/logs/$id.log
		start=$(now)
		MUT_LINE=$mutated awk -v n="$line" 'NR == n { print ENVIRON["MUT_LINE"]; next } { print }' \
			"$WORK/src/$file" > "$tree/$file.mut"
		cat "$tree/$file.mut" > "$tree/$file" && rm -f "$tree/$file.mut"
		status=survived
		by=-
		if ! build "$tree" > "$log" 2>&1; then
			status=invalid
			by=build
		else
			for t in $TESTS; do
				echo "==> $t" >> "$log"
				eval "tmo=\$tmo_$t"
				run_test "$tree" "$t" "$tmo" >> "$log" 2>&1
				rc=$?
				if [ "$rc" != 0 ]; then
					status=killed
					by=$t
					[ "$rc" = 124 ] || [ "$rc" = 137 ] && by="$t(timeout)"
					break
				fi
			done
		fi
		# The original back, with a new mtime so that make rebuilds it.
		cat "$WORK/src/$file" > "$tree/$file"
		touch "$WORK/lock/beat"
		took=$(secs "$start" "$(now)")
		printf '%s\n' "$id$US$file$US$line$US$op$US$before$US$after$US$status$US$by$US$took" > "$WORK/results/$id"
		printf '%s %s:%s %s  %s -> %s  %s%s (%ss)\n' "$id" "$file" "$line" "$op" "$before" "$after" \
			"$status" "$([ "$by" = - ] || echo " by $by")" "$took"
	done 3< "$WORK/mutants" < /dev/null
}

# ---- main -----------------------------------------------------------------
command -v timeout >/dev/null || die "timeout (coreutils) is required"
mkdir -p "$WORK"
existing=""
for f in $FILES; do
	[ -f "$ROOT/$f" ] && existing="$existing $f"
done
[ -n "$existing" ] || die "none of the files exist: $FILES"

if [ "${MUTATE_LIST:-}" = 1 ]; then
	# shellcheck disable=SC2086
	(cd "$ROOT" && generate $existing) | sample |
		awk -F "$US" '{ printf "%s %s:%s %s  %s -> %s\n", $1, $2, $3, $4, $5, $6 }'
	exit 0
fi

# One run at a time in a work area. A run touches lock/beat after each
# mutant; a lock whose process is gone and whose beat is older than 15
# minutes is stale (the process may live in another PID namespace).
lock=$WORK/lock
if ! mkdir "$lock" 2>/dev/null; then
	other=$(cat "$lock/pid" 2>/dev/null)
	if { [ -n "$other" ] && kill -0 "$other" 2>/dev/null; } ||
	   [ -z "$(find "$lock/beat" -mmin +15 2>/dev/null)" ]; then
		die "another run (pid ${other:-?}) is using ${WORK#"$ROOT"/}; MUTATE_WORK=dir runs elsewhere"
	fi
	rm -rf "$lock" && mkdir "$lock" || die "cannot lock $WORK"
fi
echo $$ > "$lock/pid"
touch "$lock/beat"
jobpids=""
trap 'rm -rf "$lock"' EXIT
# Background jobs of a script ignore SIGINT: stop them by their ids (the
# command each is running ends within its timeout).
trap '[ -z "$jobpids" ] || kill $jobpids 2>/dev/null; exit 130' INT TERM

t0=$(now)
setup
# shellcheck disable=SC2086
(cd "$WORK/src" && generate $existing) > "$WORK/all"
sample < "$WORK/all" > "$WORK/mutants"
total=$(wc -l < "$WORK/all")
count=$(wc -l < "$WORK/mutants")
echo "mutate: $count of $total mutants of$existing; $JOBS jobs; tests: $TESTS"
[ "$count" -gt 0 ] || die "no mutants"
[ "$JOBS" -gt "$count" ] && JOBS=$count

# Build every tree, then check that the unmutated code passes every kill
# command: otherwise every mutant would count as killed.
n=1
pids=""
while [ "$n" -le "$JOBS" ]; do
	build "$WORK/tree-$n" > "$WORK/logs/build-$n.log" 2>&1 &
	pids="$pids $!"
	n=$((n + 1))
done
fail=0
for pid in $pids; do wait "$pid" || fail=1; done
[ "$fail" = 0 ] || die "the unmutated tree does not build; see $WORK/logs/build-*.log"
echo "mutate: $JOBS trees copied and built ($(secs "$t0" "$(now)")s)"
for t in $TESTS; do
	case $t in *[!a-z]*) die "unknown test '$t'" ;; esac
	s=$(now)
	run_test "$WORK/tree-1" "$t" > "$WORK/logs/baseline-$t.log" 2>&1 ||
		die "the unmutated code fails '$t'; see $WORK/logs/baseline-$t.log"
	took=$(secs "$s" "$(now)")
	tmo=${TIMEOUT:-$(awk -v t="$took" 'BEGIN { printf "%d", 3 * t + 10.5 }')}
	eval "tmo_$t=\$tmo"
	echo "mutate: baseline $t passes (${took}s; timeout ${tmo}s)"
done

n=1
while [ "$n" -le "$JOBS" ]; do
	run_job "$n" &
	jobpids="$jobpids $!"
	n=$((n + 1))
done
wait
jobpids=""

# ---- summary and report ---------------------------------------------------
report=$WORK/report.txt
cat "$WORK"/results/M* 2>/dev/null | sort -t "$US" -k1,1 > "$WORK/results.txt"
summary=$(awk -F "$US" '
	{ n++; c[$7]++ }
	END {
		k = c["killed"] + 0; s = c["survived"] + 0; i = c["invalid"] + 0
		rate = (k + s) ? sprintf("%.1f", 100 * k / (k + s)) : "n/a"
		printf "mutate: %d mutants, %d killed, %d survived, %d invalid, kill rate %s%%\n", n, k, s, i, rate
	}' "$WORK/results.txt")
{
	echo "# iamproof mutation testing report"
	echo "# files:$existing"
	echo "# tests: $TESTS; limit $LIMIT, seed $SEED; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "$summary"
	echo
	echo "## Survivors (no test failed on these mutants)"
	awk -F "$US" '
		FILENAME == ARGV[1] { if ($7 == "survived") s[$1] = 1; next }
		$1 in s {
			printf "\n%s %s:%s %s  %s -> %s\n", $1, $2, $3, $4, $5, $6
			printf "--- a/%s\n+++ b/%s\n@@ -%d +%d @@\n-%s\n+%s\n", $2, $2, $3, $3, $7, $8
		}' "$WORK/results.txt" "$WORK/mutants"
	echo
	echo "## Invalid (did not compile)"
	awk -F "$US" '$7 == "invalid" { printf "%s %s:%s %s  %s -> %s\n", $1, $2, $3, $4, $5, $6 }' "$WORK/results.txt"
	echo
	echo "## Every mutant"
	awk -F "$US" '{ printf "%s %s:%s %s  %s%s (%ss)\n", $1, $2, $3, $4, $7, ($8 == "-" ? "" : " by " $8), $9 }' "$WORK/results.txt"
} > "$report"
echo "$summary"
echo "mutate: $(secs "$t0" "$(now)")s in all; survivors and their diffs in ${report#"$ROOT"/}"
if [ -n "$MIN" ]; then
	awk -F "$US" -v min="$MIN" '
		{ c[$7]++ }
		END { k = c["killed"] + 0; s = c["survived"] + 0
		      if (k + s == 0 || 100 * k / (k + s) < min) { printf "mutate: kill rate below %s%%\n", min; exit 1 } }' \
		"$WORK/results.txt" || exit 1
fi
exit 0
