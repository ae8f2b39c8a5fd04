// difftest.mjs - the differential test of `iamproof simulate` against an
// independent simulator (docs/semantics.md).
//
//   node difftest.mjs gen OUT            scenarios + random requests -> OUT/
//   node difftest.mjs compare OUT        OUT/*/ours.jsonl vs OUT/*/oracle.jsonl
//
// Scenarios: every policy of fixtures/eval (identity, boundary, resource)
// and every SCP/RCP of ../shared/corpus/scp (attached under an allow-all
// level, as AWS's FullAWSAccess is). Requests are drawn, with a fixed
// seed, from the policies' own vocabulary: their actions, resources,
// condition keys and values (wildcards filled in, values mutated), over a
// pool of principals in three accounts. Every global key the decision
// relies on is given explicitly, to both simulators.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const [mode, outDir, ...rest] = process.argv.slice(2);
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const PER_SCENARIO = Number(process.env.DIFFTEST_PER_SCENARIO || 200);

// ---- deterministic randomness ------------------------------------------
let seed = Number(process.env.DIFFTEST_SEED || 20250101) >>> 0;
function rnd() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;

// ---- principals ---------------------------------------------------------
const HOME = '111122223333', PARTNER = '444455556666', READER = '777788889999';
const PRINCIPALS = [
  { arn: `arn:aws:iam::${HOME}:user/alice`, user: 'alice', org: true },
  { arn: `arn:aws:iam::${HOME}:user/bob`, user: 'bob', org: true },
  { arn: `arn:aws:iam::${HOME}:user/admin1`, user: 'admin1', org: true },
  { arn: `arn:aws:iam::${HOME}:role/app`, org: true },
  { arn: `arn:aws:sts::${HOME}:assumed-role/app/session1`, role: `arn:aws:iam::${HOME}:role/app`, org: true },
  { arn: `arn:aws:sts::${HOME}:assumed-role/kms-admin/s`, role: `arn:aws:iam::${HOME}:role/kms-admin`, org: true },
  { arn: `arn:aws:iam::${HOME}:root`, org: true },
  { arn: `arn:aws:iam::${PARTNER}:user/carol`, user: 'carol', org: false },
  { arn: `arn:aws:iam::${READER}:role/reader`, org: false },
  { arn: `arn:aws:sts::${READER}:assumed-role/reader/r1`, role: `arn:aws:iam::${READER}:role/reader`, org: false },
];
const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteBucket', 'ec2:RunInstances',
  'ec2:DescribeInstances', 'iam:CreateUser', 'iam:CreateAccessKey', 'sts:AssumeRole', 'kms:Decrypt',
  'kms:ScheduleKeyDeletion', 'organizations:LeaveOrganization', 'dynamodb:GetItem', 'sqs:SendMessage',
  'lambda:InvokeFunction', 'cloudtrail:StopLogging', 'guardduty:DeleteDetector', 'secretsmanager:GetSecretValue'];
const RESOURCES = ['arn:aws:s3:::corp-data/app/x', 'arn:aws:s3:::corp-data', 'arn:aws:s3:::other/k',
  `arn:aws:ec2:us-east-1:${HOME}:instance/i-0abc`, `arn:aws:iam::${HOME}:user/alice`,
  `arn:aws:kms:us-east-1:${HOME}:key/1234`, `arn:aws:sqs:us-east-1:${HOME}:orders`,
  `arn:aws:dynamodb:eu-west-1:${HOME}:table/orders`];
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2', 'eu-central-1'];
const FILL = ['', 'a', 'Object', 'x/y', 'prod', '1'];
const MULTI = /^(aws:TagKeys|aws:CalledVia|kms:EncryptionContextKeys|aws:PrincipalOrgPaths|s3:x-amz-grant.*|.*:TagKeys)$/i;

function fill(pattern) {
  let s = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i);
      if (end > 0) { s += pick(['alice', 'bob', 'team-a', 'shared']); i = end; continue; }
    }
    if (c === '*') s += pick(FILL);
    else if (c === '?') s += pick(['a', '1', 'z']);
    else s += c;
  }
  return s;
}

const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

// Collects actions, resources and condition keys with their values.
function vocabulary(policies) {
  const v = { actions: new Set(), resources: new Set(), keys: new Map() };
  for (const p of policies) {
    for (const st of asList(p.Statement)) {
      for (const a of asList(st.Action).concat(asList(st.NotAction))) if (typeof a === 'string') v.actions.add(a);
      for (const r of asList(st.Resource).concat(asList(st.NotResource))) if (typeof r === 'string') v.resources.add(r);
      for (const [op, block] of Object.entries(st.Condition || {})) {
        if (!block || typeof block !== 'object') continue;
        for (const [key, vals] of Object.entries(block)) {
          const e = v.keys.get(key) || { ops: new Set(), values: [] };
          e.ops.add(op);
          for (const x of asList(vals)) e.values.push(String(x));
          v.keys.set(key, e);
        }
      }
    }
  }
  return v;
}

function mutate(value, ops) {
  const op = [...ops].join(' ');
  if (/Date/.test(op)) return pick(['2019-06-01T00:00:00Z', '2031-01-01T00:00:00Z', '1700000000', value]);
  if (/Numeric/.test(op)) return String(Number(value) + pick([-1, 0, 1, 1000]));
  if (/Bool|Null/.test(op)) return pick(['true', 'false']);
  if (/IpAddress/.test(op)) return pick(['203.0.113.9', '198.51.100.7', '2001:db8:1234::1', '10.1.2.3']);
  if (/Arn/.test(op)) return fill(value);
  return pick([fill(value), fill(value).toUpperCase(), value + 'x', 'other']);
}

// Keys compare case-insensitively: one spelling per key in a request.
function setKey(ctx, key, value) {
  for (const k of Object.keys(ctx)) if (k.toLowerCase() === key.toLowerCase()) delete ctx[k];
  ctx[key] = value;
}
const hasKey = (ctx, key) => Object.keys(ctx).some((k) => k.toLowerCase() === key.toLowerCase());
function delKey(ctx, key) {
  for (const k of Object.keys(ctx)) if (k.toLowerCase() === key.toLowerCase()) delete ctx[k];
}

function contextFor(principal, resourceArn, vocab) {
  const ctx = {};
  for (const [key, e] of vocab.keys) {
    if (!chance(0.6) || hasKey(ctx, key)) continue;
    const gen = () => (e.values.length && chance(0.7) ? mutate(pick(e.values), e.ops) : mutate('v', e.ops));
    const multi = MULTI.test(key) || [...e.ops].some((o) => /^For(All|Any)Value/i.test(o));
    if (/^Null$/i.test([...e.ops][0]) && !multi) ctx[key] = fill(pick(e.values.concat(['x'])));
    else if (multi) ctx[key] = Array.from({ length: Math.floor(rnd() * 3) + (chance(0.8) ? 1 : 0) }, gen);
    else ctx[key] = gen();
  }
  // Global keys AWS always supplies, given explicitly to both simulators.
  const acct = principal.arn.split(':')[4];
  setKey(ctx, 'aws:PrincipalArn', principal.role || principal.arn);
  setKey(ctx, 'aws:PrincipalAccount', acct);
  const racct = resourceArn.split(':')[4];
  setKey(ctx, 'aws:ResourceAccount', racct && /^\d{12}$/.test(racct) ? racct : (chance(0.85) ? HOME : PARTNER));
  if (!hasKey(ctx, 'aws:RequestedRegion') || chance(0.3)) setKey(ctx, 'aws:RequestedRegion', pick(REGIONS));
  setKey(ctx, 'aws:PrincipalIsAWSService', 'false');
  if (principal.user) setKey(ctx, 'aws:username', principal.user);
  else delKey(ctx, 'aws:username');
  if (!hasKey(ctx, 'aws:SecureTransport')) setKey(ctx, 'aws:SecureTransport', chance(0.8) ? 'true' : 'false');
  if (principal.org && !hasKey(ctx, 'aws:PrincipalOrgID') && chance(0.7)) setKey(ctx, 'aws:PrincipalOrgID', 'o-abc123');
  return ctx;
}

function requests(vocab, n) {
  const out = [];
  const actions = [...vocab.actions];
  const resources = [...vocab.resources];
  for (let i = 0; i < n; i++) {
    const principal = pick(PRINCIPALS);
    let action = actions.length && chance(0.7) ? fill(pick(actions)) : pick(ACTIONS);
    if (!action.includes(':') || action.endsWith(':')) action = pick(ACTIONS);
    if (chance(0.15)) action = chance(0.5) ? action.toLowerCase() : action.toUpperCase();
    let resource = resources.length && chance(0.6) ? fill(pick(resources)) : pick(RESOURCES);
    // A request names one resource: "*" means something else to the other
    // simulator (a wildcard request), so requests always carry an ARN.
    if (!resource.startsWith('arn:') || resource.split(':').length < 6) resource = pick(RESOURCES);
    out.push({ principal: principal.arn, action, resource, context: contextFor(principal, resource, vocab) });
  }
  return out;
}

function readJson(f) {
  try { return JSON.parse(readFileSync(f, 'utf8')); } catch { return null; }
}

function walk(dir) {
  const files = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files.push(...walk(p));
    else if (e.endsWith('.json')) files.push(p);
  }
  return files;
}

function gen() {
  mkdirSync(outDir, { recursive: true });
  const fx = (f) => join(ROOT, 'fixtures/eval', f);
  const allowAll = fx('allow-all.json');
  const scenarios = [];
  const add = (name, s) => scenarios.push({ name, identity: [], resource: null, boundary: null, scps: [], rcps: [], ...s });

  const identities = readdirSync(join(ROOT, 'fixtures/eval')).filter((f) => f.startsWith('identity-')).sort();
  for (const f of identities) {
    add(`fixture:${f}`, { identity: [fx(f)] });
    add(`fixture:${f}+boundary`, { identity: [fx(f)], boundary: fx('boundary.json') });
    add(`fixture:${f}+bucket`, { identity: [fx(f)], resource: fx('bucket-policy.json') });
    add(`fixture:${f}+scp`, { identity: [fx(f)], scps: [[allowAll], [fx('identity-notaction.json')]] });
  }
  add('fixture:bucket-only', { resource: fx('bucket-policy.json') });
  add('fixture:bucket+boundary', { resource: fx('bucket-policy.json'), boundary: fx('boundary.json') });

  const corpus = resolve(ROOT, '..', 'shared', 'corpus', 'scp');
  let skipped = 0;
  if (existsSync(corpus)) {
    for (const f of walk(corpus)) {
      const p = readJson(f);
      if (!p || typeof p !== 'object' || !p.Statement) { skipped++; continue; }
      const short = f.slice(corpus.length + 1);
      const isRcp = /rcp/i.test(short);
      const hasAllow = asList(p.Statement).some((s) => s && s.Effect === 'Allow');
      if (isRcp) {
        add(`rcp:${short}`, { identity: [allowAll], resource: fx('bucket-policy.json'), rcps: [[f]] });
      } else {
        add(`scp:${short}`, { identity: [allowAll], scps: [[allowAll], [allowAll, f]] });
        if (hasAllow) add(`scp-alone:${short}`, { identity: [allowAll], scps: [[allowAll], [f]] });
      }
    }
  }
  const manifest = { scenarios: [] };
  scenarios.forEach((s, i) => {
    const dir = join(outDir, String(i).padStart(3, '0'));
    mkdirSync(dir, { recursive: true });
    const files = [...s.identity, ...(s.resource ? [s.resource] : []), ...(s.boundary ? [s.boundary] : []), ...s.scps.flat(), ...s.rcps.flat()];
    const vocab = vocabulary(files.map(readJson).filter(Boolean));
    const reqs = requests(vocab, PER_SCENARIO);
    writeFileSync(join(dir, 'requests.jsonl'), reqs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const args = [];
    for (const f of s.identity) args.push('--identity', f);
    if (s.resource) args.push('--resource-policy', s.resource);
    if (s.boundary) args.push('--boundary', s.boundary);
    for (const l of s.scps) args.push('--scp', l.join(','));
    for (const l of s.rcps) args.push('--rcp', l.join(','));
    writeFileSync(join(dir, 'args'), args.join('\n') + '\n');
    manifest.scenarios.push({ ...s, dir, requests: join(dir, 'requests.jsonl') });
  });
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  process.stderr.write(`difftest: ${scenarios.length} scenarios, ${scenarios.length * PER_SCENARIO} requests` +
    (skipped ? ` (${skipped} corpus files are not valid JSON policies and were left out)` : '') + '\n');
}

// Disagreements that docs/semantics.md explains: a predicate over the
// request, its scenario and the two answers, and the section that says why.
const known = JSON.parse(readFileSync(join(ROOT, 'tests/difftest/known.json'), 'utf8'));

function explain(sc, req, ours, theirs) {
  for (const k of known) {
    if (k.ours && k.ours !== ours) continue;
    if (k.oracle && k.oracle !== theirs) continue;
    if (k.scenario && !new RegExp(k.scenario).test(sc.name)) continue;
    if (k.principal && !new RegExp(k.principal).test(req.principal)) continue;
    if (k.action && !new RegExp(k.action, 'i').test(req.action)) continue;
    if (k.resource && !new RegExp(k.resource).test(req.resource)) continue;
    if (k.context && !Object.entries(k.context).every(([key, re]) => new RegExp(re).test(JSON.stringify(req.context[key] ?? null)))) continue;
    return k.id;
  }
  return null;
}

function compare() {
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
  let total = 0, agree = 0, explained = 0;
  const byId = new Map();
  const unexplained = [];
  const tally = {};
  for (const sc of manifest.scenarios) {
    const reqs = readFileSync(sc.requests, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const ours = readFileSync(join(sc.dir, 'ours.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const theirs = readFileSync(join(sc.dir, 'oracle.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    reqs.forEach((r, i) => {
      total++;
      const a = ours[i] ? (ours[i].decision || 'error') : 'missing';
      const b = theirs[i] ? theirs[i].decision : 'missing';
      tally[a] = (tally[a] || 0) + 1;
      if (a === b) { agree++; return; }
      const id = explain(sc, r, a, b);
      if (id) {
        explained++;
        byId.set(id, (byId.get(id) || 0) + 1);
      } else {
        unexplained.push({ scenario: sc.name, dir: basename(sc.dir), line: i + 1, ours: a, oracle: b, request: r });
      }
    });
  }
  const report = { total, agree, explained, unexplained: unexplained.length, decisions: tally, explainedBy: Object.fromEntries(byId) };
  writeFileSync(join(outDir, 'report.json'), JSON.stringify({ ...report, unexplainedCases: unexplained }, null, 1));
  console.log(`difftest: ${total} requests, ${agree} agree (${(100 * agree / total).toFixed(2)}%), ` +
    `${explained} explained disagreements, ${unexplained.length} unexplained`);
  console.log(`difftest: our decisions: ${JSON.stringify(tally)}`);
  for (const [id, n] of byId) console.log(`  explained ${id}: ${n}`);
  for (const u of unexplained.slice(0, Number(rest[0] || 10)))
    console.log(`  UNEXPLAINED ${u.scenario} [${u.dir}:${u.line}] ours=${u.ours} oracle=${u.oracle} ${JSON.stringify(u.request)}`);
  if (total < 20000) { console.log(`difftest: FAIL: fewer than 20,000 requests`); process.exit(1); }
  process.exit(unexplained.length ? 1 : 0);
}

if (mode === 'gen') gen();
else if (mode === 'compare') compare();
else { console.error('usage: difftest.mjs gen|compare OUT'); process.exit(2); }
