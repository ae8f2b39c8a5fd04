// prove-oracle.mjs - every counterexample of the prover's tests decided by
// the independent simulator (docs/testing.md, "The prover's
// counterexamples"; tests/prove-oracle.sh runs it).
//
//   node prove-oracle.mjs OUT BIN NPM [RECORD]
//
// PROVE_ORACLE_CASES (space-separated) runs only those cases of fixtures/prove.
//
// Runs `prove --format json` over every case of fixtures/prove (the target
// as tests/prove.sh gives it) and reads the JSON runs that tests/prove-cli.sh
// kept in RECORD (PROVE_CLI_RECORD): prove's counterexamples and diff's
// witnesses. Each one is a claim about requests and targets:
//  - prove, violated: the target decides the counterexample as its
//    "decision" says (allowed for expect: denied and not-more-than, a deny
//    for expect: allowed); for not-more-than, the reference does not allow it;
//  - diff: a witness allowed by NEW only is allowed by NEW and not by OLD;
//    one allowed by OLD only, the other way round.
// Each target is rebuilt as prove and diff build it (analyzer/cli/cmd_prove.c:
// the policies given, and what is not given taken as allowing, from that
// file's own text) and written to OUT as difftest.mjs writes its scenarios,
// one per claim. Then:
//  1. `iamproof simulate` on the rebuilt target must decide as claimed
//     (else the target is not rebuilt faithfully, and nothing is compared);
//  2. the independent simulator decides it, as a separate process
//     (oracle.mjs, over OUT/manifest.json, exactly as in the difftest);
//  3. a claim it does not confirm is explained by switch S only when
//     `simulate --compat S` alone makes iamproof decide as it did (the
//     switch rule, docs/semantics.md), else it is unexplained.
// A counterexample is confirmed when all its claims are, explained by S when
// S explains each claim that is not; the run fails on any unexplained one,
// on a violated result without a counterexample, on a prove run that exits
// neither 0 nor 1, and when there is no counterexample at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fixedBy, JOBS, parseLine, pool, run, switchList } from './switches.mjs';

const [outArg, binArg, npmArg, record] = process.argv.slice(2);
if (!npmArg) { console.error('usage: prove-oracle.mjs OUT BIN NPM [RECORD]'); process.exit(2); }
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const OUT = resolve(outArg), BIN = resolve(binArg), NPM = resolve(npmArg);
const TIMEOUT = process.env.PROVE_TIMEOUT || '20';
const rel = (f) => relative(ROOT, f) || '.';
const shq = (s) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const problems = [];

// ---- what prove and diff take as allowing --------------------------------
// The three policies cmd_prove.c loads for what a target does not give,
// read from its source so that the two cannot drift apart.
function assumedPolicies() {
  const src = readFileSync(join(ROOT, 'analyzer/cli/cmd_prove.c'), 'utf8');
  const dir = join(OUT, 'assumed');
  mkdirSync(dir, { recursive: true });
  const out = {};
  for (const name of ['allow_all', 'allow_all_resource', 'allow_other_accounts']) {
    const m = src.match(new RegExp(`static const char ${name}\\[\\] =\\s*((?:"(?:[^"\\\\]|\\\\.)*"\\s*)+);`));
    if (!m) throw new Error(`analyzer/cli/cmd_prove.c: no string ${name}[]`);
    const text = [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => JSON.parse(`"${x[1]}"`)).join('');
    JSON.parse(text);
    out[name] = join(dir, `${name.replace(/_/g, '-')}.json`);
    writeFileSync(out[name], text + '\n');
  }
  return out;
}
const ASSUMED = (mkdirSync(OUT, { recursive: true }), assumedPolicies());

// ---- targets ----------------------------------------------------------------
// A target in the form of difftest's manifest (oracle.mjs reads it): files
// absolute, a null in an SCP level for FullAWSAccess.
const emptyTarget = () => ({ identity: [], resource: null, trust: false, boundary: null, session: null, scps: [], rcps: [], org: null });
const level = (value, cwd) => value.split(',').map((f) => (f === 'FullAWSAccess' ? null : resolve(cwd, f)));

// prove's target options, and what prove adds for what is not given.
function proveTarget(args, cwd) {
  const t = emptyTarget();
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    if (a === '--identity') t.identity.push(resolve(cwd, v));
    else if (a === '--resource-policy') t.resource = resolve(cwd, v);
    else if (a === '--trust-policy') { t.resource = resolve(cwd, v); t.trust = true; }
    else if (a === '--boundary') t.boundary = resolve(cwd, v);
    else if (a === '--session-policy') t.session = resolve(cwd, v);
    else if (a === '--scp') t.scps.push(level(v, cwd));
    else if (a === '--rcp') t.rcps.push(level(v, cwd));
    else if (a === '--org') t.org = resolve(cwd, v);
    else if (['--properties', '--param', '--timeout', '--format'].includes(a)) ;
    else throw new Error(`prove: option ${a} not known to prove-oracle.mjs`);
    i++;
  }
  const given = { identity: t.identity.length > 0, resource: !!t.resource && !t.trust, trust: t.trust,
    session: !!t.session, boundary: !!t.boundary };
  t.guardrails = !Object.values(given).some(Boolean);
  if (t.guardrails) { t.identity = [ASSUMED.allow_all]; t.resource = ASSUMED.allow_all_resource; }
  else if (!given.identity) t.identity = [ASSUMED.allow_other_accounts];
  // A not-more-than reference is read as the first of these the target has.
  t.refType = ['identity', 'resource', 'trust', 'session', 'boundary'].find((k) => given[k]) || 'scp';
  return t;
}

// The reference of a not-more-than property, as prove builds it: one SCP
// level with identity and resource policies taken as allowing everything,
// else the reference alone as the target's kind of policy.
function referenceTarget(refType, file) {
  const t = emptyTarget();
  if (refType === 'scp') { t.identity = [ASSUMED.allow_all]; t.resource = ASSUMED.allow_all_resource; t.scps = [[file]]; }
  else if (refType === 'identity') t.identity = [file];
  else if (refType === 'resource' || refType === 'trust') { t.resource = file; t.trust = refType === 'trust'; }
  else if (refType === 'session') t.session = file;
  else t.boundary = file;
  return t;
}

// One side of `diff OLD NEW --type T`, as diff_side() builds it.
function diffSide(file, type, cwd) {
  const t = emptyTarget();
  if (type === 'scp') { t.identity = [ASSUMED.allow_all]; t.resource = ASSUMED.allow_all_resource; t.scps = [level(file, cwd)]; return t; }
  if (type === 'identity') { t.identity = [resolve(cwd, file)]; return t; }
  t.resource = resolve(cwd, file);
  t.trust = type === 'trust';
  t.identity = [ASSUMED.allow_other_accounts];
  return t;
}

// `simulate`'s options for a target (difftest.mjs's argsOf, absolute paths).
function simulateArgs(t) {
  const args = [];
  for (const f of t.identity) args.push('--identity', f);
  if (t.resource) args.push(t.trust ? '--trust-policy' : '--resource-policy', t.resource);
  if (t.boundary) args.push('--boundary', t.boundary);
  if (t.session) args.push('--session-policy', t.session);
  for (const l of t.scps) args.push('--scp', l.map((f) => f ?? 'FullAWSAccess').join(','));
  for (const l of t.rcps) args.push('--rcp', l.join(','));
  if (t.org) args.push('--org', t.org);
  return args;
}

// The reference file of property `id` in a property file: the `reference:`
// of its list item (the property format of docs/prove.md).
function referenceOf(propFile, id) {
  const text = readFileSync(propFile, 'utf8');
  const items = text.split(/^\s*- id:\s*/m).slice(1);
  const item = items.find((s) => s.split('\n')[0].trim().replace(/^["']|["']$/g, '') === id);
  const m = item && item.match(/^\s*reference:\s*["']?([^"'\s#]+)/m);
  if (!m) throw new Error(`${propFile}: no reference for property ${id}`);
  return resolve(dirname(propFile), m[1]);
}

// ---- the claims ---------------------------------------------------------------
// cexes: { source, what, request, claims: [{ side, target, want }] }, want
// a decision, or 'denied' for implicitDeny or explicitDeny.
const cexes = [];

function fromProve(source, cwd, args, out) {
  const t = proveTarget(args, cwd);
  const propFiles = [];
  for (let i = 0; i < args.length; i++) if (args[i] === '--properties') propFiles.push(args[i + 1]);
  for (const r of out.results) {
    if (r.result !== 'violated') continue;
    if (!r.counterexample || !r.decision) {
      problems.push(`${source}: ${r.property} (${r.target}) is violated without a counterexample and its decision`);
      continue;
    }
    const claims = [{ side: 'target', target: t, want: r.decision }];
    if (r.expect === 'not-more-than') {
      const pf = existsSync(resolve(cwd, r.file)) ? resolve(cwd, r.file) : join(ROOT, 'properties', r.file);
      claims.push({ side: 'reference', target: referenceTarget(t.refType, referenceOf(pf, r.property)), want: 'denied' });
    }
    cexes.push({ source, what: `${r.property} [${r.target}] expect ${r.expect}`, request: r.counterexample, claims });
  }
}

function fromDiff(source, cwd, args, out) {
  const paths = [];
  let type = 'identity';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--type') type = args[++i];
    else if (['--witnesses', '--timeout', '--format'].includes(args[i])) i++;
    else if (args[i].startsWith('--')) throw new Error(`diff: option ${args[i]} not known to prove-oracle.mjs`);
    else paths.push(args[i]);
  }
  const [oldT, newT] = paths.map((p) => diffSide(p, type, cwd));
  for (const [key, allows, denies, label] of [['newOnly', newT, oldT, 'NEW'], ['oldOnly', oldT, newT, 'OLD']])
    for (const w of out[key] || [])
      cexes.push({ source, what: `diff ${paths.join(' ')} --type ${type}: allowed by ${label} only`, request: w,
        claims: [{ side: label, target: allows, want: 'allowed' }, { side: label === 'NEW' ? 'OLD' : 'NEW', target: denies, want: 'denied' }] });
}

function fromRun(source, cwd, args, stdout) {
  let out;
  try { out = JSON.parse(stdout); } catch (e) { problems.push(`${source}: the output is not JSON: ${e.message}`); return; }
  // a SARIF log (--format sarif) repeats what the JSON runs give
  if (args.includes('sarif')) return;
  if (args[0] === 'prove') fromProve(source, cwd, args.slice(1), out);
  else if (args[0] === 'diff') fromDiff(source, cwd, args.slice(1), out);
  else problems.push(`${source}: not a prove or diff run: ${args[0]}`);
}

// The cases of fixtures/prove, with tests/prove.sh's target.
const fixtures = join(ROOT, 'fixtures/prove');
const only = (process.env.PROVE_ORACLE_CASES || '').split(/\s+/).filter(Boolean);
const cases = readdirSync(fixtures).filter((c) => existsSync(join(fixtures, c, 'expected.tsv')) && (!only.length || only.includes(c))).sort();
for (const c of only) if (!cases.includes(c)) problems.push(`fixtures/prove/${c}: no such case`);
await pool(cases.map((c) => async () => {
  const dir = join(fixtures, c);
  const target = existsSync(join(dir, 'target')) ? readFileSync(join(dir, 'target'), 'utf8').trim().split(/\s+/)
    : readdirSync(dir).filter((f) => /^level\d+\.json$/.test(f)).sort((a, b) => parseInt(a.slice(5)) - parseInt(b.slice(5)))
      .flatMap((f) => ['--scp', f]);
  const args = ['prove', ...target, '--properties', 'properties.yaml', '--format', 'json', '--timeout', TIMEOUT];
  const r = await run(BIN, args, dir);
  if (r.status !== 0 && r.status !== 1) { problems.push(`fixtures/prove/${c}: prove exited ${r.status}: ${r.stderr.trim().split('\n')[0]}`); return; }
  fromRun(`fixtures/prove/${c}`, dir, args, r.stdout);
}), JOBS);
const fromFixtures = cexes.length;

// The JSON runs tests/prove-cli.sh kept.
if (record) {
  const runs = readdirSync(record).filter((f) => /^run\d+\.args$/.test(f)).sort((a, b) => parseInt(a.slice(3)) - parseInt(b.slice(3)));
  if (!runs.length) problems.push(`${record}: tests/prove-cli.sh kept no JSON run`);
  for (const f of runs) {
    const args = readFileSync(join(record, f), 'utf8').split('\n').filter((s, i, all) => i < all.length - 1 || s);
    fromRun(`tests/prove-cli.sh ${f.replace('.args', '')}: ${args.slice(1).join(' ')}`, record, args.slice(1),
      readFileSync(join(record, f.replace('.args', '.json')), 'utf8'));
  }
}
cexes.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));

// ---- the scenarios: one per claim, as difftest writes them ----------------------
const manifest = { scenarios: [] };
const checks = [];
cexes.forEach((c, i) => c.claims.forEach((cl, j) => {
  const dir = `${String(i).padStart(3, '0')}-${j}`;
  mkdirSync(join(OUT, dir), { recursive: true });
  writeFileSync(join(OUT, dir, 'requests.jsonl'), JSON.stringify(c.request) + '\n');
  const t = cl.target, args = simulateArgs(t);
  writeFileSync(join(OUT, dir, 'args'), args.join('\n') + '\n');
  manifest.scenarios.push({ name: `${c.source}: ${c.what} (${cl.side})`, dir, args, identity: t.identity, resource: t.resource,
    boundary: t.boundary, session: t.session, scps: t.scps, rcps: t.rcps, org: t.org, requests: 1 });
  checks.push({ cex: c, claim: cl, dir, args });
}));
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');

const satisfies = (want, d) => (want === 'denied' ? d === 'implicitDeny' || d === 'explicitDeny' : d === want);

// 1. iamproof simulate on the rebuilt targets.
await pool(checks.map((k) => async () => {
  const r = await run(BIN, ['simulate', ...k.args, '--requests', join(OUT, k.dir, 'requests.jsonl')]);
  const line = r.stdout.split('\n').filter(Boolean).map(parseLine)[0];
  k.ours = line && line.decision ? line.decision : `error:${(r.stderr.trim() || JSON.stringify(line)).split('\n')[0]}`;
}), JOBS);

// 2. The independent simulator, as a separate process.
const t0 = Date.now();
const o = spawnSync(process.execPath, [join(ROOT, 'tests/difftest/oracle.mjs'), OUT, NPM], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
if (o.status !== 0) problems.push(`oracle.mjs exited ${o.status}: ${(o.stderr || '').trim().split('\n').slice(-1)[0]}`);
for (const k of checks) {
  const f = join(OUT, k.dir, 'oracle.jsonl');
  const line = existsSync(f) ? parseLine(readFileSync(f, 'utf8').split('\n')[0]) : { decision: 'error:no answer' };
  k.oracle = String(line.decision ?? `error:${line.error}`);
}
const oracleSecs = (Date.now() - t0) / 1000;

// 3. The switch rule for what the oracle does not confirm.
const { names: switches, source } = switchList(BIN);
const unavailable = {};
await pool(checks.map((k) => async () => {
  k.fixed = [];
  if (!satisfies(k.claim.want, k.ours)) k.why = `iamproof simulate decides ${k.ours} on the rebuilt target, not ${k.claim.want} as claimed: the target is not rebuilt as prove built it`;
  else if (satisfies(k.claim.want, k.oracle)) k.confirmed = true;
  else if (!/^(allowed|implicitDeny|explicitDeny)$/.test(k.oracle)) k.why = `the oracle gave no decision: ${k.oracle}`;
  else {
    const fixed = await fixedBy(BIN, k.args, join(OUT, k.dir, 'requests.jsonl'), [k.oracle], switches, unavailable);
    k.fixed = switches.filter((s) => fixed[0].has(s));
    if (!k.fixed.length) k.why = 'no single switch makes iamproof decide as the oracle';
  }
}), 1);

// Per counterexample: confirmed, explained by one switch, or unexplained.
let confirmed = 0;
const explained = {}, unexplained = [];
for (const c of cexes) {
  const ks = checks.filter((k) => k.cex === c);
  if (ks.every((k) => k.confirmed)) { confirmed++; continue; }
  const open = ks.filter((k) => !k.confirmed);
  const common = switches.find((s) => open.every((k) => k.fixed.includes(s)));
  if (common) { explained[common] = (explained[common] || 0) + 1; c.explainedBy = common; continue; }
  c.open = open;
  unexplained.push(c);
}
const nExplained = Object.values(explained).reduce((a, b) => a + b, 0);

const report = {
  counterexamples: cexes.length, fromFixtures, fromProveCli: cexes.length - fromFixtures, confirmed, explained: nExplained,
  explainedBySwitch: explained, unexplained: unexplained.length, problems, switches: { source, names: switches, unavailable },
  cases: cexes.map((c) => ({ source: c.source, what: c.what, request: c.request, explainedBy: c.explainedBy,
    claims: checks.filter((k) => k.cex === c).map((k) => ({ side: k.claim.side, want: k.claim.want, ours: k.ours, oracle: k.oracle,
      fixedBy: k.fixed, dir: k.dir, why: k.why })) })),
};
writeFileSync(join(OUT, 'report.json'), JSON.stringify(report, null, 1) + '\n');

const binShown = rel(BIN).startsWith('..') ? BIN : rel(BIN);
const outShown = rel(OUT).startsWith('..') ? OUT : rel(OUT);
console.log(`prove-oracle: ${cexes.length} counterexamples and witnesses (${fromFixtures} from fixtures/prove, ` +
  `${cexes.length - fromFixtures} from tests/prove-cli.sh), ${checks.length} decisions asked of the oracle in ${oracleSecs.toFixed(1)} s`);
for (const [s, why] of Object.entries(unavailable)) console.log(`  switch ${s} not available: ${why}`);
for (const c of unexplained) {
  console.log(`  UNEXPLAINED ${c.source}: ${c.what}\n    request: ${JSON.stringify(c.request)}`);
  for (const k of c.open) {
    console.log(`    ${k.claim.side}: claimed ${k.claim.want}, iamproof ${k.ours}, oracle ${k.oracle}: ${k.why ?? `only ${k.fixed.join(', ')} explains it`}`);
    console.log(`      ${shq(binShown)} simulate ${k.args.map((a) => shq(rel(a).startsWith('..') ? a : rel(a))).join(' ')} --request ${shq(JSON.stringify(c.request))}`);
    console.log(`      node tests/difftest/oracle.mjs ${shq(outShown)} .cache/npm --one ${k.dir} 1`);
  }
}
for (const p of problems) console.log(`  FAIL: ${p}`);
if (!cexes.length) console.log('  FAIL: no counterexample to confirm: the step would pass whatever the prover does');
const by = Object.entries(explained).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${n} explained by ${s}`);
console.log(`prove-oracle: ${confirmed} counterexamples confirmed, ${by.length ? by.join(', ') : '0 explained by a switch'}, ` +
  `${unexplained.length} unexplained; report in ${outShown}/report.json`);
process.exit(unexplained.length || problems.length || !cexes.length || !confirmed ? 1 : 0);
