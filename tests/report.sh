#!/bin/sh
# report.sh - `--format html` of prove, check and review, opened in a real
# browser: Debian's chromium (make deps), driven headless by puppeteer-core
# (tests/report-browser.js says what is checked).
#
#   sh tests/report.sh build/iamproof
#
# puppeteer-core is pinned below and installed once into .cache/npm/puppeteer
# (git-ignored), as tests/sarif.sh installs its tool; it downloads no
# browser. The run needs no network once it is there. The screenshot of the
# example organization's report is kept as build/report.png (REPORT_PNG=FILE
# elsewhere). When /usr/bin/chromium is absent the browser part is skipped,
# saying so; the checks without a browser still run. CHROMIUM=PATH uses
# another build.
set -u

PUPPETEER_VERSION=24.43.1
PKG=puppeteer-core

die() {
	echo "report: FAIL: $*" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: sh tests/report.sh path/to/iamproof" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
case $1 in
/*) bin=$1 ;;
*) bin=$(pwd)/$1 ;;
esac
[ -x "$bin" ] || die "no executable $1"
png=${REPORT_PNG:-$root/build/report.png}
chromium=${CHROMIUM:-/usr/bin/chromium}

work=$(mktemp -d "${TMPDIR:-/tmp}/iamproof-report.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 2' HUP INT TERM
export SOURCE_DATE_EPOCH=1700000000
fails=0
pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; fails=$((fails + 1)); }

# --- the reports ----------------------------------------------------------

cd "$root/policies" || exit 2
set -- --org org.yaml --properties stage6 --param 'break_glass=arn:aws:iam::*:role/break-glass'
"$bin" prove "$@" --format html --output "$work/prove.html"
[ $? -eq 1 ] || die "prove --format html of the example org: exit 1 expected"
"$bin" prove "$@" --format json --output "$work/prove.json" || [ $? -eq 1 ] || die "prove --format json"
"$bin" check --format html . > "$work/check.html" 2>/dev/null
[ $? -eq 1 ] || die "check --format html policies/: exit 1 expected"
"$bin" check --format json . > "$work/check.json" 2>/dev/null
sh "$root/tests/review-fixture.sh" "$work/repo" > /dev/null 2>&1 || die "tests/review-fixture.sh"
(cd "$work/repo" && "$bin" review --base base --head head --format html > "$work/review.html" \
	--also json="$work/review.json" 2>/dev/null)
[ $? -eq 1 ] || die "review --format html of the fixture: exit 1 expected"
cd "$work" || exit 2
# input made to break out of the page: an action, a Sid and a file name
mkdir -p 'x<b>'
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get<script>window.pwned=1</script>","Resource":"*"}]}\n' \
	> 'x<b>/p.json'
"$bin" check --format html 'x<b>/p.json' > hostile-check.html 2>/dev/null
printf '{"Version":"2012-10-17","Statement":[{"Sid":"</script><script>window.pwned=1</script>","Effect":"Allow","Action":"*","Resource":"*"}]}\n' \
	> 'x<b>/scp.json'
cat > props.yaml <<'YAML'
properties:
  - id: no-delete
    title: "Nobody deletes buckets <script>window.pwned=1</script>"
    expect: denied
    requests:
      Action: s3:DeleteBucket
YAML
"$bin" prove --scp 'x<b>/scp.json' --properties props.yaml --format html --output hostile-prove.html 2>/dev/null
[ $? -eq 1 ] || die "prove of the hostile SCP: a violation expected"

# --- without a browser -----------------------------------------------------

for f in prove.html check.html review.html hostile-check.html hostile-prove.html; do
	if grep -Eiq '<(link|img|iframe|object|embed)[ >]|src=|url\(|@import' "$f"; then
		fail "$f loads nothing from outside"
	else
		pass "$f loads nothing from outside"
	fi
done
n=$(grep -c '<script' hostile-prove.html)
[ "$n" -eq 2 ] && pass "hostile-prove.html: only the page's two script elements" ||
	fail "hostile-prove.html: $n script elements, 2 expected"
grep -q 'window.pwned=1</script>' hostile-check.html hostile-prove.html &&
	fail "a </script> from input reached the page as it is" || pass "no </script> from input in the page"
a=$(SOURCE_DATE_EPOCH=1700000000 "$bin" check --format html 'x<b>/p.json' 2>/dev/null | md5sum)
b=$(SOURCE_DATE_EPOCH=1700000000 "$bin" check --format html 'x<b>/p.json' 2>/dev/null | md5sum)
[ "$a" = "$b" ] && pass "the same run, the same page" || fail "the page differs from run to run"

# --- in the browser ---------------------------------------------------------

if [ ! -x "$chromium" ]; then
	echo "report: SKIP the browser checks: $chromium is absent (make deps installs Debian's chromium)"
	[ $fails -eq 0 ] || die "$fails checks failed"
	exit 0
fi
command -v node >/dev/null 2>&1 || die "node is needed to drive chromium (make deps)"
cache=$root/.cache/npm/puppeteer
pkgdir=$cache/node_modules/$PKG
installed=$(node -e 'try { console.log(require(process.argv[1]).version) } catch (e) {}' "$pkgdir/package.json" 2>/dev/null)
if [ "$installed" != "$PUPPETEER_VERSION" ]; then
	command -v npm >/dev/null 2>&1 || die "npm is needed to install $PKG (make deps)"
	echo "report: installing $PKG@$PUPPETEER_VERSION into .cache/npm/puppeteer" >&2
	mkdir -p "$cache"
	if command -v flock >/dev/null 2>&1; then
		set -- flock "$cache/.lock"
	else
		set --
	fi
	PUPPETEER_SKIP_DOWNLOAD=1 "$@" npm install --prefix "$cache" --no-audit --no-fund --no-save \
		"$PKG@$PUPPETEER_VERSION" >&2 || die "npm could not install $PKG@$PUPPETEER_VERSION"
fi
mkdir -p "$(dirname "$png")"
REPORT_VERSION=$("$bin" --version | sed -n 's/^iamproof //p') CHROMIUM=$chromium NODE_PATH=$cache/node_modules \
	node "$root/tests/report-browser.js" "$work" "$png"
rc=$?
[ $rc -eq 0 ] || fails=$((fails + rc))
[ $fails -eq 0 ] || die "$fails checks failed"
echo "report: all passed; screenshot: $png"
