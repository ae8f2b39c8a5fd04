// Runs the behaviour cases of tests/rules/*.json against `iamproof simulate`.
// Usage: node tests/rules/run.mjs path/to/iamproof [case files...]
//
// A case file holds one case or an array of cases:
//   {"rule": "...", "cite": {"page", "url", "quote"},
//    "policies": {"identity": [P...], "resource": P, "boundary": P, "session": P,
//                 "scp": [[P|"FullAWSAccess"...] per level, root first], "rcp": [[P...]],
//                 "org": {org.yaml as JSON; policies inlined as objects or "FullAWSAccess"}},
//    "flags": ["--resource-account", "444455556666"],
//    "requests": [{"request": {...}, "expect": "allowed|explicitDeny|implicitDeny",
//                  "assumption"?: substring that must appear in "assumptions",
//                  "noAssumption"?: substring that must appear in none of them,
//                  "scpExempt"?/"rcpExempt"?/"reason"?: substring of that field,
//                  "why": "..."}]}
// Substrings compare case-insensitively. One line per failed request, then
// exactly `rules: N passed, M failed`; the exit code is 1 when M > 0.
// RULES_VERBOSE=1 also prints every output line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DECISIONS = new Set(['allowed', 'explicitDeny', 'implicitDeny']);
const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }]
};

const [bin, ...given] = process.argv.slice(2);
if (!bin) {
  console.error('usage: node tests/rules/run.mjs path/to/iamproof [case.json...]');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const files = given.length
  ? given.map((f) => resolve(f))
  : readdirSync(here).filter((f) => f.endsWith('.json')).sort().map((f) => join(here, f));

let passed = 0;
let failed = 0;
const fail = (where, msg) => {
  failed++;
  console.log(`rules: FAIL ${where}: ${msg}`);
};

const tmp = mkdtempSync(join(tmpdir(), 'iamproof-rules-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

let caseNo = 0;
for (const file of files) {
  let cases;
  try {
    cases = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(basename(file), `cannot read: ${e.message}`);
    continue;
  }
  if (!Array.isArray(cases)) cases = [cases];
  cases.forEach((c, i) => runCase(c, `${basename(file)}#${i + 1}`));
}
console.log(`rules: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;

function checkShape(c, where) {
  const problems = [];
  if (typeof c.rule !== 'string' || !c.rule) problems.push('no "rule"');
  const cite = c.cite || {};
  for (const k of ['page', 'url', 'quote'])
    if (typeof cite[k] !== 'string' || !cite[k]) problems.push(`no "cite.${k}"`);
  if (!Array.isArray(c.requests) || c.requests.length === 0) problems.push('no "requests"');
  else
    c.requests.forEach((r, j) => {
      if (!r || typeof r.request !== 'object') problems.push(`request ${j + 1}: no "request"`);
      if (!DECISIONS.has(r && r.expect)) problems.push(`request ${j + 1}: bad "expect"`);
      if (typeof (r && r.why) !== 'string' || !r.why) problems.push(`request ${j + 1}: no "why"`);
    });
  for (const p of problems) fail(where, `malformed case: ${p}`);
  return problems.length === 0;
}

function writePolicy(dir, name, policy) {
  if (policy === 'FullAWSAccess') policy = ALLOW_ALL;
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(policy, null, 2) + '\n');
  return path;
}

// org.yaml with its inline policies written next to it; FullAWSAccess stays a name.
function writeOrg(dir, org) {
  let n = 0;
  const ref = (p, kind) => (typeof p === 'string' ? p : basename(writePolicy(dir, `org-${kind}-${++n}.json`, p)));
  const refs = (list, kind) => (Array.isArray(list) ? list.map((p) => ref(p, kind)) : ref(list, kind));
  const node = (nd) => {
    const out = { ...nd };
    if (nd.scps !== undefined) out.scps = refs(nd.scps, 'scp');
    if (nd.rcps !== undefined) out.rcps = refs(nd.rcps, 'rcp');
    if (nd.ous) out.ous = nd.ous.map(node);
    if (nd.accounts) out.accounts = nd.accounts.map(node);
    return out;
  };
  const out = { ...org };
  if (org.root) out.root = node(org.root);
  if (org.principals)
    out.principals = org.principals.map((p) => {
      const q = { ...p };
      if (p.identity !== undefined) q.identity = refs(p.identity, 'identity');
      if (p.boundary !== undefined) q.boundary = ref(p.boundary, 'boundary');
      return q;
    });
  const path = join(dir, 'org.yaml');
  writeFileSync(path, JSON.stringify(out, null, 2) + '\n'); // JSON is YAML
  return path;
}

function runCase(c, where) {
  caseNo++;
  if (!checkShape(c, where)) return;
  where = `${where} [${c.rule}]`;
  const dir = join(tmp, `case-${caseNo}`);
  mkdirSync(dir);
  const pol = c.policies || {};
  const args = ['simulate'];
  (pol.identity || []).forEach((p, i) => args.push('--identity', writePolicy(dir, `identity-${i + 1}.json`, p)));
  if (pol.resource) args.push('--resource-policy', writePolicy(dir, 'resource.json', pol.resource));
  if (pol.boundary) args.push('--boundary', writePolicy(dir, 'boundary.json', pol.boundary));
  if (pol.session) args.push('--session-policy', writePolicy(dir, 'session.json', pol.session));
  for (const [kind, flag] of [['scp', '--scp'], ['rcp', '--rcp']])
    (pol[kind] || []).forEach((level, l) =>
      args.push(flag, level.map((p, i) => writePolicy(dir, `${kind}-${l}-${i + 1}.json`, p)).join(',')));
  if (pol.org) args.push('--org', writeOrg(dir, pol.org));
  args.push(...(c.flags || []));
  const reqFile = join(dir, 'requests.jsonl');
  writeFileSync(reqFile, c.requests.map((r) => JSON.stringify(r.request)).join('\n') + '\n');
  args.push('--requests', reqFile, '--format', 'json');

  const run = spawnSync(bin, args, { encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20 });
  const stderr = (run.stderr || '').trim().split('\n')[0] || '';
  const lines = (run.stdout || '').split('\n').filter((l) => l.trim() !== '');
  let whole = null;
  if (run.error) whole = `could not run: ${run.error.message}`;
  else if (run.signal) whole = `killed by ${run.signal}${stderr ? ` (${stderr})` : ''}`;
  else if (run.status !== 0 && lines.length !== c.requests.length)
    whole = `exit ${run.status}${stderr ? `: ${stderr}` : ''}`;

  c.requests.forEach((r, j) => {
    const at = `${where} request ${j + 1}`;
    if (whole) return fail(at, whole);
    let out;
    try {
      out = JSON.parse(lines[j]);
    } catch {
      return fail(at, `no JSON output line${stderr ? ` (${stderr})` : ''}`);
    }
    if (out.error) return fail(at, `${out.error}${stderr ? ` (${stderr})` : ''}`);
    const problems = [];
    if (out.decision !== r.expect) problems.push(`expected ${r.expect}, got ${out.decision}`);
    const has = (text, sub) => typeof text === 'string' && text.toLowerCase().includes(sub.toLowerCase());
    const assumptions = Array.isArray(out.assumptions) ? out.assumptions : [];
    if (r.assumption && !assumptions.some((a) => has(a, r.assumption)))
      problems.push(`no assumption containing "${r.assumption}" (got ${JSON.stringify(assumptions)})`);
    if (r.noAssumption && assumptions.some((a) => has(a, r.noAssumption)))
      problems.push(`unexpected assumption containing "${r.noAssumption}"`);
    for (const field of ['scpExempt', 'rcpExempt', 'reason'])
      if (r[field] && !has(out[field], r[field]))
        problems.push(`${field} lacks "${r[field]}" (got ${JSON.stringify(out[field] ?? null)})`);
    if (process.env.RULES_VERBOSE) console.log(`rules: ${at}: ${lines[j]}`);
    if (problems.length) fail(at, `${problems.join('; ')} -- ${r.why}`);
    else passed++;
  });
  if (!whole && run.status !== 0)
    fail(`${where}`, `exit ${run.status} although every request was decided${stderr ? `: ${stderr}` : ''}`);
}
