#!/bin/sh
# ci-examples.sh - runs the review commands of docs/ci.md's examples
# (docs/examples/github-actions.yml and gitlab-ci.yml) exactly as written,
# on the git repository of tests/review-fixture.sh, with the variables
# each CI sets. The lines between "# >>> iamproof review" and
# "# <<< iamproof review" are taken from the files; docs/ci.md must show
# each file whole. Not run: the install steps (root and network) and the
# actions that upload; curl, which posts GitLab's note, is a stand-in
# that records its arguments.
# Usage: sh tests/ci-examples.sh path/to/iamproof
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=ci-examples
. "$root/tests/lib.sh"

gh=$root/docs/examples/github-actions.yml
gl=$root/docs/examples/gitlab-ci.yml

# docs/ci.md shows each example whole
for f in "$gh" "$gl"; do
	if node -e '
const fs = require("fs");
const doc = fs.readFileSync(process.argv[1], "utf8"), ex = fs.readFileSync(process.argv[2], "utf8");
process.exit(doc.includes(ex) ? 0 : 1);' "$root/docs/ci.md" "$f"; then ok; else no "docs/ci.md does not show $(basename "$f") as it is"; fi
done

# the marked lines: GitHub's `run: |` block without its indentation;
# GitLab's script items without "- " (a single-quoted item unquoted)
extract() {
	awk '/# >>> iamproof review/ { on = 1; next } /# <<< iamproof review/ { on = 0 } on' "$1"
}
extract "$gh" | sed 's/^          //' > "$tmp/github.sh"
extract "$gl" | sed -n "s/^    - //p" | sed "s/^'\\(.*\\)'\$/\\1/; s/''/'/g" > "$tmp/gitlab.sh"
[ "$(wc -l < "$tmp/github.sh")" -ge 5 ] && ok || no "no review lines in $gh"
[ "$(wc -l < "$tmp/gitlab.sh")" -ge 3 ] && ok || no "no review lines in $gl"

# iamproof on PATH, as `make install` puts it
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/iamproof"
cat > "$tmp/bin/curl" <<'EOF'
#!/bin/sh
# a stand-in for curl: records the arguments, and the body file it names
printf '%s\n' "$@" > "$CURL_RECORD"
for a in "$@"; do
	case $a in body@*) cp "${a#body@}" "$CURL_RECORD.body" ;; esac
done
EOF
chmod +x "$tmp/bin/curl"

repo=$tmp/repo
sh "$root/tests/review-fixture.sh" "$repo" > /dev/null || { echo "ci-examples: no fixture"; exit 1; }
cd "$repo" || exit 2
git update-ref refs/remotes/origin/main base
git checkout -q head

# --- GitHub Actions: bash -eo pipefail, as a `run:` step ---------------------
: > "$tmp/summary"
: > "$tmp/output"
PATH=$tmp/bin:$PATH GITHUB_BASE_REF=main GITHUB_STEP_SUMMARY=$tmp/summary GITHUB_OUTPUT=$tmp/output \
	bash --noprofile --norc -eo pipefail "$tmp/github.sh" > "$tmp/gh.out" 2> "$tmp/gh.err"
rc=$?
[ $rc = 0 ] && ok || { no "the GitHub step failed: exit $rc"; cat "$tmp/gh.err"; }
grep -q '^::error file=policies/new.json,line=4' "$tmp/gh.out" && ok || no "GitHub: no error annotation"
grep -q '^status=1$' "$tmp/output" && ok || no "GitHub: the status output is not 1"
grep -q '^## iamproof review' "$tmp/summary" && ok || no "GitHub: no summary in GITHUB_STEP_SUMMARY"
node -e '
const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (!log.runs[0].results.some((r) => r.baselineState === "new")) process.exit(1);' iamproof.sarif && ok ||
	no "GitHub: iamproof.sarif has no new result"
rm -f iamproof.sarif iamproof.md

# --- GitLab CI: the script items in one shell --------------------------------
PATH=$tmp/bin:$PATH CI_MERGE_REQUEST_DIFF_BASE_SHA=$(git rev-parse base) CI_API_V4_URL=https://gitlab.example/api/v4 \
	CI_PROJECT_ID=7 CI_MERGE_REQUEST_IID=3 IAMPROOF_BOT_TOKEN=token CURL_RECORD=$tmp/curl \
	sh -e "$tmp/gitlab.sh" > "$tmp/gl.out" 2> "$tmp/gl.err"
rc=$?
[ $rc = 1 ] && ok || { no "the GitLab job: exit $rc, expected 1 (a new error)"; cat "$tmp/gl.err"; }
grep -q 'new: policies/new.json:4:17: error' "$tmp/gl.out" && ok || no "GitLab: no findings in the job log"
grep -qx 'https://gitlab.example/api/v4/projects/7/merge_requests/3/notes' "$tmp/curl" && ok ||
	no "GitLab: the note is not posted to the merge request"
grep -qx 'PRIVATE-TOKEN: token' "$tmp/curl" && ok || no "GitLab: no token header"
grep -q '^## iamproof review' "$tmp/curl.body" 2>/dev/null && ok || no "GitLab: the note is not the summary"
[ -s iamproof.sarif ] && ok || no "GitLab: no iamproof.sarif artifact"

finish
