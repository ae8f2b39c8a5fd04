#!/bin/sh
# Runs the libFuzzer targets of tests/fuzz one after the other (make fuzz).
#
#   sh tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# Seeds are built at run time into .cache/fuzz/seeds/TARGET from fixtures/,
# policies/, properties/, scp-templates/, docs/simulate.md's requests and,
# when it is there, ../shared/corpus/scp (never copied into the
# repository); what a run finds stays in .cache/fuzz/corpus/TARGET for the
# next. A crash is kept as .cache/fuzz/crashes/TARGET/crash-*; the run goes
# on with the other targets and exits 1. To keep a crash as a regression
# fixture: copy it to tests/fuzz/regressions/TARGET/ under a name that
# says what it caught (`make asan` replays every file there).
# Environment: FUZZ_JOBS (unused: one target at a time, two shared cores),
# FUZZ_RUNS (a number of runs per target instead of SECONDS: -runs),
# FUZZ_ARGS (more libFuzzer flags).
set -u
build=$1
seconds=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
targets=${*:-json yaml lint config eval explain smt}
cache=$root/.cache/fuzz
shared=$root/../shared/corpus/scp
cd "$root" || exit 2

# ---- seeds ----------------------------------------------------------------
seeds() {
	rm -rf "$cache/seeds"
	rm -f "$cache"/smt.*
	mkdir -p "$cache/seeds"
	for t in json yaml lint config eval explain smt; do mkdir -p "$cache/seeds/$t"; done
	n=0
	# policies: JSON from fixtures/ and the shared SCP/RCP corpus
	{ find fixtures policies -name '*.json' -type f; [ -d "$shared" ] && find "$shared" -name '*.json' -type f; } |
		sort > "$cache/json.list"
	find fixtures policies properties scp-templates -name '*.yaml' -type f 2>/dev/null | sort > "$cache/yaml.list"
	while read -r f; do
		n=$((n + 1))
		cp "$f" "$cache/seeds/json/$n"
		case $f in
		*rcp*|*RCP*) ty=6 ;;
		*scp*|*SCP*) ty=5 ;;
		*bucket*|*resource*|*kms*) ty=1 ;;
		*trust*) ty=2 ;;
		*boundary*) ty=3 ;;
		*session*) ty=4 ;;
		*) ty=0 ;;
		esac
		{ printf '%s' "$ty"; cat "$f"; } > "$cache/seeds/lint/$n"
		# the solver's seeds: small policies only, at most 3 of each
		# folder and 40 in all (each costs up to a second to load; taken
		# in name order alone, one folder of 148 fixtures filled them)
		if [ "$(wc -c < "$f")" -le 1500 ] && [ "$(ls "$cache/seeds/smt" | wc -l)" -lt 40 ]; then
			d=$(dirname "$f" | tr / _)
			k=$(cat "$cache/smt.$d" 2>/dev/null || echo 0)
			[ "$k" -lt 3 ] && { printf '%s' "$ty"; cat "$f"; } > "$cache/seeds/smt/$n"
			echo $((k + 1)) > "$cache/smt.$d"
		fi
	done < "$cache/json.list"
	while read -r f; do
		n=$((n + 1))
		cp "$f" "$cache/seeds/yaml/$n"
		cp "$f" "$cache/seeds/lint/$n"
	done < "$cache/yaml.list"
	# requests: docs/simulate.md's, and a few that use context keys
	grep -ohE "\{\"principal\":[^']*\}" docs/simulate.md tests/simulate.sh tests/cli.sh 2>/dev/null |
		sort -u > "$cache/requests.list"
	cat >> "$cache/requests.list" <<'R'
{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/home/alice/x","context":{"aws:username":"alice","aws:SourceIp":"10.1.2.3","aws:MultiFactorAuthAge":30}}
{"principal":"arn:aws:sts::111122223333:assumed-role/app/s1","action":"ec2:RunInstances","resource":"*","context":{"aws:RequestedRegion":"us-east-1","aws:TagKeys":["env","team"],"aws:RequestTag/env":"prod","aws:PrincipalTag/team":"blue"}}
{"principal":"lambda.amazonaws.com","action":"sts:AssumeRole","resource":"arn:aws:iam::111122223333:role/r","context":{"aws:SecureTransport":true,"aws:CurrentTime":"2026-01-01T00:00:00Z"}}
{"principal":"*","action":"s3:PutObject","resource":"arn:aws:s3:::public/x"}
R
	nreq=$(wc -l < "$cache/requests.list")
	i=0
	while read -r f; do
		i=$((i + 1))
		mode=$((i % 6))
		case $f in *scp*|*SCP*) mode=1 ;; *rcp*|*RCP*) mode=4 ;; esac
		req=$(sed -n "$((i % nreq + 1))p" "$cache/requests.list")
		{ printf '%s' "$mode"; cat "$f"; printf '\000%s' "$req"; } > "$cache/seeds/eval/$i"
	done < "$cache/json.list"
	# configurations and organizations, with paths to match
	i=0
	for c in fixtures/rules/.iamproof.yaml policies/.iamproof.yaml; do
		for o in policies/org.yaml fixtures/eval/org/org.yaml; do
			i=$((i + 1))
			{ cat "$c"; printf '\000'; cat "$o"; printf '\000scps/deny.json\nidentity/a/b.json\nbuckets/x.yaml\n'; } \
				> "$cache/seeds/config/$i"
		done
	done
	# patterns: every action and pattern the policies name, a few more
	{ grep -ohE '"[a-zA-Z0-9*?-]+:[A-Za-z0-9*?]+"' $(cat "$cache/json.list") 2>/dev/null | tr -d '"' | sort -u | head -400
	  printf '%s\n' '*' 's3:Get*' '*:Describe*' 's3:*Object?' 'iam:Pass*' 'ec2:*' 'kms:?' '?3:*'; } |
	while read -r p; do
		i=$((i + 1))
		printf '%s' "$p" > "$cache/seeds/explain/$i"
	done
}

seeds
total=0
status=0
for t in $targets; do
	bin=$build/fuzz/$t
	dict=tests/fuzz/$t.dict
	mkdir -p "$cache/corpus/$t" "$cache/crashes/$t"
	if [ -n "${FUZZ_RUNS:-}" ]; then limit="-runs=$FUZZ_RUNS"; else limit="-max_total_time=$seconds"; fi
	# -timeout: one input may take at most 10 s (the SMT target's guards
	# keep it far below); -rss_limit_mb: Z3 and ASan together
	"$bin" $limit -timeout=10 -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 \
		-dict="$dict" -artifact_prefix="$cache/crashes/$t/" ${FUZZ_ARGS:-} \
		"$cache/corpus/$t" "$cache/seeds/$t" > "$cache/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$cache/$t.log" | tail -1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$cache/$t.log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$cache/$t.log" | tail -1)
	total=$((total + ${execs:-0}))
	if [ "$rc" = 0 ]; then
		echo "fuzz: $t: ${execs:-?} runs in ${secs:-?} s, $cov, no crash"
	else
		echo "fuzz: $t: FAILED (exit $rc) after ${execs:-?} runs; log $cache/$t.log, input in $cache/crashes/$t/"
		grep -E 'ERROR|invariant broken|SUMMARY' "$cache/$t.log" | head -5 | sed 's/^/    /'
		status=1
	fi
done
echo "fuzz: $total runs in all"
exit $status
