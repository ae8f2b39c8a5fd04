#!/bin/sh
# The hand-worked fixtures of fixtures/prove/ (README there): `prove` must
# give each property the verdict its expected.tsv gives (prove itself
# replays every counterexample through the concrete evaluator, and exits
# 3 when one does not replay). A fourth column "limit: WHY" names a known
# limit of the solver for that property: there `unknown` is accepted (and
# counted apart), never a wrong verdict.
# Usage: tests/prove.sh path/to/iamproof [CASE...]
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
limits=0
cases=${*:-$(ls "$root/fixtures/prove")}
for c in $cases; do
	dir=$root/fixtures/prove/$c
	[ -f "$dir/expected.tsv" ] || continue
	if [ -f "$dir/target" ]; then
		target=$(cat "$dir/target")
	else
		target=""
		for l in $(ls "$dir" | grep '^level[0-9]*\.json$' | sort -t l -k2 -n); do
			target="$target --scp $l"
		done
	fi
	# a generous budget per solver call: the answers, not the speed, are
	# under test here (make bench-prove measures the speed); one question
	# at a time, as the budgets were set (tests/jobs.sh tests -j)
	out=$(cd "$dir" && $bin prove $target --properties properties.yaml --format json \
		--timeout "${PROVE_TIMEOUT:-20}" -j 1 2>/tmp/prove-err.$$)
	rc=$?
	if [ $rc -ge 2 ]; then
		echo "FAIL $c: exit $rc: $(cat /tmp/prove-err.$$)"
		fail=$((fail + 1))
		continue
	fi
	while IFS="$(printf '\t')" read -r id want why limit; do
		[ -n "$id" ] || continue
		got=$(printf '%s\n' "$out" | grep "\"property\":\"$id\"" | sed 's/.*"result":"\([a-z]*\)".*/\1/')
		if [ "$got" = "$want" ]; then
			pass=$((pass + 1))
		elif [ "$got" = unknown ] && [ "${limit#limit: }" != "${limit:-}" ]; then
			echo "limit $c/$id: unknown (${limit#limit: })"
			limits=$((limits + 1))
		else
			echo "FAIL $c/$id: got '${got:-nothing}', want $want ($why)"
			printf '%s\n' "$out" | grep "\"property\":\"$id\"" | head -c 1500
			echo
			fail=$((fail + 1))
		fi
	done < "$dir/expected.tsv"
done
rm -f /tmp/prove-err.$$
echo "prove: $pass passed, $fail failed, $limits at a known limit"
[ $fail -eq 0 ]
