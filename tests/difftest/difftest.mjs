// difftest.mjs - the differential test of `iamproof simulate` against an
// independent simulator (docs/semantics.md, "Differential test").
//
//   node difftest.mjs gen OUT BIN NPM     scenarios + requests -> OUT/
//   node difftest.mjs key OUT NPM         the oracle cache key of OUT
//   node difftest.mjs compare OUT BIN     the switch rule -> OUT/report.json
//
// gen: scenarios from fixtures/eval (identity policies, the boundary, the
// bucket, NotPrincipal, trust and key policies, session policies, the
// organization of fixtures/eval/org/org.yaml) and every SCP and RCP of
// ../shared/corpus/scp; requests drawn with a fixed seed from each
// scenario's own vocabulary, with resources that fit the action's resource
// types, over users, roles, sessions, root users, federated users, service
// principals and anonymous callers in and out of the organization.
//
// compare: a disagreement counts as explained by switch S only when
// `simulate --compat S` alone makes iamproof decide as the other simulator;
// anything else fails the run (docs/semantics.md, "The switch rule").
//
// Paths in OUT/manifest.json and in each scenario's `args` are relative to
// the repository root (policies) or to OUT (scenario directories), so that
// the same generation in another OUT has the same cache key.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { loadOrg, orgPath } from './org.mjs';
import { fixedBy, parseLine, switchList } from './switches.mjs';

const [mode, outArg, ...rest] = process.argv.slice(2);
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const OUT = outArg ? resolve(outArg) : null;
const PER_SCENARIO = Number(process.env.DIFFTEST_PER_SCENARIO || 200);
// The floor catches a generator that silently produces less. Without
// ../shared/corpus/scp (a clone not laid out beside shared/), the corpus
// scenarios are not run: the run says so, and the floor is the generated
// scenarios' own (11,300 requests at the default 200 a scenario).
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'scp');
const MIN_REQUESTS = existsSync(CORPUS) ? 30000 : 10000;

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
const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const readJson = (f) => { try { return JSON.parse(readFileSync(f, 'utf8')); } catch { return null; } };
const rel = (f) => relative(ROOT, f) || '.';

// ---- accounts and principals --------------------------------------------
// fixtures/eval/org/org.yaml: MGMT is the management account, HOME (prod)
// and DEV are in OU Workloads, SANDBOX in OU Sandbox; PARTNER and READER
// are outside the organization. Scenarios without org.yaml use HOME,
// PARTNER and READER only.
const MGMT = '111111111111', HOME = '111122223333', DEV = '222233334444', SANDBOX = '333344445555';
const PARTNER = '444455556666', READER = '777788889999';
const ORG_ID = 'o-abc123';

const iam = (acct, res) => `arn:aws:iam::${acct}:${res}`;
const P = {
  user: (acct, name) => ({ kind: 'user', arn: iam(acct, `user/${name}`), acct, user: name }),
  role: (acct, name) => ({ kind: 'role', arn: iam(acct, `role/${name}`), acct }),
  session: (acct, role, s) => ({ kind: 'session', arn: `arn:aws:sts::${acct}:assumed-role/${role}/${s}`, acct, role: iam(acct, `role/${role}`) }),
  root: (acct) => ({ kind: 'root', arn: iam(acct, 'root'), acct }),
  federated: (acct, name) => ({ kind: 'federated', arn: `arn:aws:sts::${acct}:federated-user/${name}`, acct, fed: name }),
  service: (name) => ({ kind: 'service', arn: name, acct: null }),
  anonymous: () => ({ kind: 'anonymous', arn: '*', acct: null }),
};
const IDENTITIES = [
  P.user(HOME, 'alice'), P.user(HOME, 'bob'), P.user(HOME, 'admin1'), P.role(HOME, 'app'),
  P.session(HOME, 'app', 'session1'), P.session(HOME, 'kms-admin', 's'), P.root(HOME),
  P.user(PARTNER, 'carol'), P.role(READER, 'reader'), P.session(READER, 'reader', 'r1'),
  P.federated(HOME, 'dana'), P.federated(HOME, 'alice'), P.federated(PARTNER, 'carol'), P.root(PARTNER),
];
const ORG_IDENTITIES = [
  P.user(MGMT, 'ops'), P.root(MGMT), P.session(MGMT, 'OrganizationAccountAccessRole', 'o'),
  P.user(DEV, 'erin'), P.session(DEV, 'deploy', 'ci'), P.root(DEV),
  P.user(SANDBOX, 'sam'), P.role(SANDBOX, 'builder'), P.root(SANDBOX),
  P.session(HOME, 'security-audit', 'a'),
  // A service-linked role's session: SCPs and RCPs do not govern it.
  { ...P.session(HOME, 'AWSServiceRoleForConfig', 'config'), role: iam(HOME, 'role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig') },
];
const SESSIONS = [
  P.session(HOME, 'app', 'session1'), P.session(HOME, 'kms-admin', 's'), P.session(HOME, 'app', 'other'),
  P.session(READER, 'reader', 'r1'), P.federated(HOME, 'dana'), P.federated(HOME, 'alice'), P.federated(PARTNER, 'carol'),
];
const SERVICES = ['cloudtrail.amazonaws.com', 'logging.s3.amazonaws.com', 'config.amazonaws.com', 'ec2.amazonaws.com',
  'lambda.amazonaws.com'].map(P.service);
const TRUST_CALLERS = [P.service('cognito-identity.amazonaws.com')];

const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteBucket', 's3:DeleteObject', 'ec2:RunInstances',
  'ec2:DescribeInstances', 'ec2:StartInstances', 'iam:CreateUser', 'iam:CreateAccessKey', 'iam:GetUser', 'sts:AssumeRole',
  'sts:TagSession', 'kms:Decrypt', 'kms:ScheduleKeyDeletion', 'kms:GenerateDataKey', 'organizations:LeaveOrganization',
  'dynamodb:GetItem', 'dynamodb:PutItem', 'sqs:SendMessage', 'lambda:InvokeFunction', 'cloudtrail:StopLogging',
  'guardduty:DeleteDetector', 'secretsmanager:GetSecretValue', 'logs:PutLogEvents', 'ecr:BatchGetImage', 'sns:Publish',
  'cognito-idp:AdminGetUser', 'aoss:APIAccessAll'];
const RESOURCES = ['arn:aws:s3:::corp-data/app/x', 'arn:aws:s3:::corp-data', 'arn:aws:s3:::other/k',
  `arn:aws:ec2:us-east-1:${HOME}:instance/i-0abc`, `arn:aws:iam::${HOME}:user/alice`, `arn:aws:iam::${HOME}:role/app`,
  `arn:aws:kms:us-east-1:${HOME}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, `arn:aws:sqs:us-east-1:${HOME}:orders`,
  `arn:aws:dynamodb:eu-west-1:${HOME}:table/orders`, `arn:aws:sns:us-east-1:${PARTNER}:alerts`];
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2', 'eu-central-1'];
const FILL = ['', 'a', 'Object', 'x/y', 'prod', '1'];
const BUCKETS = ['corp-data', 'corp-vault', 'corp-sessions', 'corp-home', 'corp-team', 'app-logs', 'other'];
const OBJECTS = ['app/x', 'uploads/f.txt', 'shared/r', 'logs/l', 'home/alice/a', 'home/bob/b', 'data/x', 'incoming/y',
  'public/p', `AWSLogs/${HOME}/z`, 'partner/q', 'team-a/t', 'shared/s'];
const MULTI = /^(aws:TagKeys|aws:CalledVia|kms:EncryptionContextKeys|aws:PrincipalOrgPaths|aws:ResourceOrgPaths|s3:x-amz-grant.*|.*:TagKeys)$/i;

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

function glob(pattern) {
  let re = '';
  for (const c of pattern) re += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`, 'i');
}
const hasWild = (s) => /[*?]|\$\{/.test(s);

// ---- the action catalog (iamproof explain) -------------------------------
// Every action with its resource types' ARN formats, from `iamproof
// explain`. Kept next to the oracle's answers, keyed by the catalog's
// source, so that a build whose explain is broken (a mutant) still
// generates the same requests.
let CATALOG = null, ALL_ACTIONS = [];
function loadCatalog(bin) {
  const cacheDir = process.env.DIFFTEST_ORACLE_CACHE;
  const src = join(ROOT, 'analyzer/catalog_data.c');
  const file = cacheDir && cacheDir !== 'off' && existsSync(src)
    ? join(cacheDir, `catalog-${createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 32)}.json`) : null;
  let entries = file && existsSync(file) ? readJson(file) : null;
  if (!entries) {
    const all = JSON.parse(execFileSync(bin, ['explain', '--format', 'json', '*'], { maxBuffer: 1 << 28 }))
      .patterns[0].actions.map((a) => a.action);
    entries = [];
    for (let i = 0; i < all.length; i += 4000) {
      const out = JSON.parse(execFileSync(bin, ['explain', '--format', 'json', ...all.slice(i, i + 4000)], { maxBuffer: 1 << 28 }));
      for (const p of out.patterns) for (const a of p.actions)
        entries.push({ name: a.action, wildcardOnly: !!a.wildcardOnly, arns: (a.resourceTypes || []).map((r) => r.arn) });
    }
    if (file) {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify(entries));
      renameSync(tmp, file);
    }
  }
  CATALOG = new Map(entries.map((e) => [e.name.toLowerCase(), e]));
  ALL_ACTIONS = entries.map((e) => e.name);
}
const globCache = new Map();
function catalogMatches(pattern) {
  if (!globCache.has(pattern)) {
    const re = glob(pattern);
    globCache.set(pattern, ALL_ACTIONS.filter((a) => re.test(a)));
  }
  return globCache.get(pattern);
}

// ---- resources ------------------------------------------------------------
function placeholder(name, accts) {
  const n = name.toLowerCase();
  if (n === 'partition') return 'aws';
  if (n === 'region') return pick(REGIONS);
  if (n === 'account') return pick(accts);
  if (n.includes('bucket')) return pick(BUCKETS);
  if (n.includes('object')) return pick(OBJECTS);
  if (n.includes('role')) return pick(['app', 'reader', 'kms-admin', 'ops/deploy', 'security-audit']);
  if (n.includes('user')) return pick(['alice', 'bob', 'carol', 'dana']);
  if (n === 'keyid') return pick(['1234abcd-12ab-34cd-56ef-1234567890ab', 'mrk-0a1b2c']);
  if (n.includes('queue') || n.includes('table')) return pick(['orders', 'orders-2024', 'users']);
  return pick(['orders', 'prod', 'team-a', 'x1']);
}

// An ARN of one of the action's resource types, filled in.
function catalogResource(tpl, accts) {
  const parts = tpl.replace(/\$\{([^}]*)\}/g, (_, name) => placeholder(name, accts)).split(':');
  // The account field is 12 digits or empty ("aws" for AWS-owned
  // resources), whatever the format calls it (${AccountId}, ...).
  if (parts.length >= 6 && !/^(\d{12}|aws|)$/.test(parts[4])) parts[4] = pick(accts);
  return parts.join(':');
}

// A policy's resource pattern filled in part by part, so that a real
// request comes out: partition aws, a region, a 12-digit account (or the
// empty account the pattern has), the resource part filled freely.
function fillArn(pattern, accts, service) {
  const parts = pattern.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) {
    const s = fill(pattern);
    return s.startsWith('arn:') && s.split(':').length >= 6 ? fillArn(s, accts, service) : null;
  }
  const [, part, svc, region, acct] = parts;
  const res = parts.slice(5).join(':');
  const partition = hasWild(part) ? 'aws' : part;
  let service2 = hasWild(svc) ? fill(svc) : svc;
  if (!/^[a-z0-9-]+$/.test(service2)) service2 = service;
  let region2 = region;
  if (hasWild(region)) {
    const ok = REGIONS.filter((r) => glob(region).test(r));
    region2 = ok.length ? pick(ok) : pick(REGIONS);
  }
  let acct2 = acct;
  if (hasWild(acct)) {
    const ok = accts.filter((a) => glob(acct).test(a));
    acct2 = ok.length ? pick(ok) : pick(accts);
  } else if (acct !== '' && acct !== 'aws' && !/^\d{12}$/.test(acct)) acct2 = pick(accts);
  return ['arn', partition, service2, region2, acct2, fill(res)].join(':');
}

// Deliberately malformed: the account part is not 12 digits.
function malformArn(arn) {
  const parts = arn.split(':');
  parts[4] = pick(['a', 'Object', 'x/y', '1', '12345', 'prod']);
  return parts.join(':');
}

// ---- vocabulary -----------------------------------------------------------
function vocabulary(policies) {
  const v = { actions: new Set(), resources: new Set(), keys: new Map() };
  for (const p of policies) {
    for (const st of asList(p.Statement)) {
      if (!st || typeof st !== 'object') continue;
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
  delKey(ctx, key);
  ctx[key] = value;
}
const hasKey = (ctx, key) => Object.keys(ctx).some((k) => k.toLowerCase() === key.toLowerCase());
function delKey(ctx, key) {
  for (const k of Object.keys(ctx)) if (k.toLowerCase() === key.toLowerCase()) delete ctx[k];
}
const PRINCIPAL_KEYS = /^aws:(PrincipalArn|PrincipalAccount|PrincipalOrgID|PrincipalOrgPaths|PrincipalTag\/.*|PrincipalType|username|userid|MultiFactorAuth.*|TokenIssueTime|SourceIdentity|FederatedProvider)$/i;

function contextFor(sc, principal, resourceArn, vocab) {
  const ctx = {};
  for (const [key, e] of vocab.keys) {
    if (!chance(0.6) || hasKey(ctx, key)) continue;
    const gen = () => (e.values.length && chance(0.7) ? mutate(pick(e.values), e.ops) : mutate('v', e.ops));
    const multi = MULTI.test(key) || [...e.ops].some((o) => /^For(All|Any)Value/i.test(o));
    if (/^Null$/i.test([...e.ops][0]) && !multi) ctx[key] = fill(pick(e.values.concat(['x'])));
    else if (multi) ctx[key] = Array.from({ length: Math.floor(rnd() * 3) + (chance(0.8) ? 1 : 0) }, gen);
    else ctx[key] = gen();
  }
  // The keys AWS always supplies, given explicitly to both simulators.
  const inOrg = (a) => (sc.org ? [MGMT, HOME, DEV, SANDBOX].includes(a) : a === HOME);
  if (principal.acct) {
    setKey(ctx, 'aws:PrincipalArn', principal.role || principal.arn);
    setKey(ctx, 'aws:PrincipalAccount', principal.acct);
    setKey(ctx, 'aws:PrincipalIsAWSService', 'false');
    if (principal.user) setKey(ctx, 'aws:username', principal.user);
    else delKey(ctx, 'aws:username');
    if (principal.fed) setKey(ctx, 'aws:userid', `${principal.acct}:${principal.fed}`);
    if (inOrg(principal.acct) && !hasKey(ctx, 'aws:PrincipalOrgID') && (sc.org || chance(0.7))) setKey(ctx, 'aws:PrincipalOrgID', ORG_ID);
    if (sc.org && !inOrg(principal.acct)) delKey(ctx, 'aws:PrincipalOrgID');
  } else {
    // Service principals and anonymous callers have no identity.
    for (const k of Object.keys(ctx)) if (PRINCIPAL_KEYS.test(k)) delete ctx[k];
    if (principal.kind === 'service') {
      setKey(ctx, 'aws:PrincipalIsAWSService', 'true');
      setKey(ctx, 'aws:PrincipalServiceName', principal.arn);
      if (!hasKey(ctx, 'aws:SourceAccount') || chance(0.5)) setKey(ctx, 'aws:SourceAccount', pick([HOME, HOME, PARTNER]));
    } else if (chance(0.5)) setKey(ctx, 'aws:PrincipalIsAWSService', 'false');
    else delKey(ctx, 'aws:PrincipalIsAWSService');
  }
  const racct = resourceArn.split(':')[4];
  const accts = sc.accounts;
  const bucket = resourceArn.startsWith('arn:aws:s3:::') ? resourceArn.slice(13).split('/')[0] : null;
  const owned = bucket && sc.buckets.includes(bucket);
  setKey(ctx, 'aws:ResourceAccount', racct && /^\d{12}$/.test(racct) ? racct : owned ? HOME : (chance(0.7) ? HOME : pick(accts)));
  if (sc.org) {
    if (inOrg(ctx['aws:ResourceAccount'])) setKey(ctx, 'aws:ResourceOrgID', ORG_ID);
    else delKey(ctx, 'aws:ResourceOrgID');
  }
  if (!hasKey(ctx, 'aws:RequestedRegion') || chance(0.3)) setKey(ctx, 'aws:RequestedRegion', pick(REGIONS));
  if (!hasKey(ctx, 'aws:SecureTransport')) setKey(ctx, 'aws:SecureTransport', chance(0.8) ? 'true' : 'false');
  return ctx;
}

// ---- requests -------------------------------------------------------------
function pickPrincipal(sc) {
  const r = rnd();
  if (sc.principals) return pick(sc.principals);
  if (r < sc.serviceShare / 2) return pick(sc.trust ? SERVICES.concat(TRUST_CALLERS) : SERVICES);
  if (r < sc.serviceShare) return P.anonymous();
  return pick(sc.org && chance(0.5) ? ORG_IDENTITIES : IDENTITIES);
}

function pickAction(sc, vocab) {
  const actions = [...vocab.actions];
  let action;
  if (sc.preferredActions && chance(sc.session ? 0.75 : 0.5)) action = pick(sc.preferredActions);
  else if (actions.length && chance(0.7)) {
    const pattern = pick(actions);
    const known = hasWild(pattern) ? catalogMatches(pattern) : [];
    action = known.length && chance(0.6) ? pick(known) : fill(pattern);
  } else action = pick(ACTIONS);
  if (!/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) action = pick(ACTIONS);
  if (sc.session) {
    // The checked entry point only takes actions of the catalog that name
    // a resource type (docs/semantics.md): draw until one does.
    for (let i = 0; i < 50; i++) {
      const e = CATALOG.get(action.toLowerCase());
      if (e && !e.wildcardOnly && e.arns.length) return e.name;
      action = chance(0.5) && actions.length ? fill(pick(actions)) : pick(ACTIONS);
    }
    return 's3:GetObject';
  }
  if (chance(0.15)) action = chance(0.5) ? action.toLowerCase() : action.toUpperCase();
  return action;
}

// The resource owner of the scenario's resource policy (its bucket, role
// trust policy or key policy) is HOME.
const ROLE_NAMES = ['app', 'reader', 'kms-admin', 'ops/deploy', 'security-audit', 'aws-service-role/x.amazonaws.com/AWSServiceRoleForX'];
const KEY_IDS = ['1234abcd-12ab-34cd-56ef-1234567890ab', 'mrk-0a1b2c'];
function pickResource(sc, action, vocab) {
  const service = action.split(':')[0].toLowerCase();
  const e = CATALOG.get(action.toLowerCase());
  if (sc.target === 'role' && chance(0.9)) return `arn:aws:iam::${HOME}:role/${pick(ROLE_NAMES)}`;
  if (sc.target === 'key' && chance(0.9)) return `arn:aws:kms:${pick(REGIONS)}:${HOME}:key/${pick(KEY_IDS)}`;
  if (sc.target === 'bucket' && sc.bucketPatterns.length && chance(sc.session ? 0.5 : 0.7)) {
    const out = fillArn(pick(sc.bucketPatterns), sc.accounts, 's3');
    if (out && !/[*?]/.test(out) && (!sc.session || fitsOne(out, e.arns))) return out;
  }
  if (sc.session) {
    // The checked entry point needs exactly one resource type to fit;
    // mostly the resources the session and resource policies name.
    for (let i = 0; i < 6 && sc.sessionPatterns.length; i++) {
      const out = fillArn(pick(sc.sessionPatterns), sc.accounts, service);
      if (out && !/[*?]/.test(out) && fitsOne(out, e.arns) && chance(0.8)) return out;
    }
    for (let i = 0; i < 20; i++) {
      const out = catalogResource(pick(e.arns), sc.accounts);
      if (fitsOne(out, e.arns)) return out;
    }
    return null;
  }
  const resources = [...vocab.resources];
  const r = rnd();
  let out = null;
  if (e && e.arns.length && r < 0.45) out = catalogResource(pick(e.arns), sc.accounts);
  else if (resources.length && r < 0.85) {
    const same = resources.filter((x) => { const s = x.split(':')[2]; return s !== undefined && glob(s).test(service); });
    out = fillArn(pick(same.length && chance(0.8) ? same : resources), sc.accounts, service);
  }
  // A request names one resource: "*" means something else to the other
  // simulator (a wildcard request), so requests always carry an ARN.
  if (!out || !out.startsWith('arn:') || out.split(':').length < 6 || /[*?]/.test(out)) out = pick(RESOURCES);
  if (sc.malformed) out = malformArn(out);
  return out;
}

// The checked entry point passes on only the context keys its catalog has
// for the request (and a list only for list-typed keys): session
// scenarios give both simulators exactly those.
async function shapeForCheckedEntry(req, sim) {
  const [service, name] = req.action.split(':');
  const allowed = new Set(await sim.allowedContextKeysForRequest(service, name, req.resource, false));
  const prefixes = [...allowed].filter((k) => k.includes('/')).map((k) => k.slice(0, k.indexOf('/') + 1));
  const ctx = {};
  for (const [k, v] of Object.entries(req.context)) {
    const lk = k.toLowerCase();
    if (!allowed.has(lk) && !(lk.includes('/') && prefixes.includes(lk.slice(0, lk.indexOf('/') + 1)))) continue;
    const list = sim.isConditionKeyArray(await sim.typeForContextKey(lk));
    if (list) ctx[k] = asList(v);
    else if (Array.isArray(v)) { if (v.length) ctx[k] = v[0]; }
    else ctx[k] = v;
  }
  req.context = ctx;
}

// ---- scenarios ------------------------------------------------------------
function walk(dir) {
  const files = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files.push(...walk(p));
    else if (e.endsWith('.json')) files.push(p);
  }
  return files;
}

function scenarios() {
  const fx = (f) => join(ROOT, 'fixtures/eval', f);
  const allowAll = fx('allow-all.json');
  const list = [];
  const base = { identity: [], resource: null, boundary: null, session: null, scps: [], rcps: [], org: null,
    accounts: [HOME, HOME, HOME, PARTNER, READER], serviceShare: 0.06, weight: 1 };
  const add = (name, s) => list.push({ ...base, name, ...s });
  // A resource policy belongs to one resource: most requests name it.
  const RES = { serviceShare: 0.2, target: 'bucket' };

  const identities = readdirSync(join(ROOT, 'fixtures/eval')).filter((f) => f.startsWith('identity-')).sort();
  for (const f of identities) {
    add(`fixture:${f}`, { identity: [fx(f)] });
    add(`fixture:${f}+boundary`, { identity: [fx(f)], boundary: fx('boundary.json') });
    add(`fixture:${f}+bucket`, { identity: [fx(f)], resource: fx('bucket-policy.json'), ...RES });
    add(`fixture:${f}+scp`, { identity: [fx(f)], scps: [[allowAll], [fx('identity-notaction.json')]] });
  }
  add('fixture:bucket-only', { resource: fx('bucket-policy.json'), ...RES });
  add('fixture:bucket+boundary', { resource: fx('bucket-policy.json'), boundary: fx('boundary.json'), ...RES });

  // NotPrincipal, a role trust policy, a KMS key policy.
  const np = fx('resource-notprincipal.json');
  add('notprincipal:alone', { resource: np, ...RES });
  add('notprincipal:allow-all', { identity: [allowAll], resource: np, ...RES });
  add('notprincipal:conditions+boundary', { identity: [fx('identity-conditions.json')], resource: np, boundary: fx('boundary.json'), ...RES });
  const trustActions = ['sts:AssumeRole', 'sts:TagSession', 'sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity',
    'sts:AssumeRoleWithSAML'];
  const TRUST = { ...RES, target: 'role', trust: true, preferredActions: trustActions, serviceShare: 0.3 };
  add('trust:alone', { resource: fx('trust-policy.json'), ...TRUST });
  add('trust:allow-all', { identity: [allowAll], resource: fx('trust-policy.json'), ...TRUST });
  add('trust:notaction+boundary', { identity: [fx('identity-notaction.json')], resource: fx('trust-policy.json'), boundary: fx('boundary.json'), ...TRUST });
  const kmsActions = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:ScheduleKeyDeletion',
    'kms:DisableKey', 'kms:CreateGrant', 'kms:PutKeyPolicy'];
  const KMS = { ...RES, target: 'key', preferredActions: kmsActions };
  add('kms-key:alone', { resource: fx('kms-key-policy.json'), ...KMS });
  add('kms-key:conditions', { identity: [fx('identity-conditions.json')], resource: fx('kms-key-policy.json'), ...KMS });
  add('kms-key:allow-all+boundary', { identity: [allowAll], resource: fx('kms-key-policy.json'), boundary: fx('boundary.json'), ...KMS });

  // Session policies: role sessions and federated users only.
  const S = { principals: SESSIONS, serviceShare: 0, target: 'bucket', preferredActions: ['s3:GetObject', 's3:PutObject',
    's3:ListBucket', 's3:DeleteObject', 'sqs:SendMessage', 'dynamodb:GetItem', 'dynamodb:PutItem', 'ec2:StartInstances', 'kms:Decrypt'] };
  const s3r = fx('session-s3-read.json'), nar = fx('session-narrow.json'), rs = fx('resource-sessions.json');
  add('session:s3-read', { identity: [allowAll], session: s3r, ...S });
  add('session:s3-read+resource', { identity: [allowAll], session: s3r, resource: rs, ...S });
  add('session:s3-read+resource+boundary', { identity: [allowAll], session: s3r, resource: rs, boundary: fx('boundary.json'), ...S });
  add('session:narrow+boundary', { identity: [allowAll], session: nar, boundary: fx('boundary.json'), ...S });
  add('session:narrow+conditions', { identity: [fx('identity-conditions.json')], session: nar, ...S });
  add('session:narrow+bucket', { identity: [allowAll], session: nar, resource: fx('bucket-policy.json'), ...S });
  add('session:s3-home+s3-read+resource', { identity: [fx('identity-s3-home.json')], session: s3r, resource: rs, ...S });

  // An organization: SCPs of the caller's account path, RCPs of the
  // resource owner's, across member, management and outside accounts.
  const org = join(ROOT, 'fixtures/eval/org/org.yaml');
  const O = { org, accounts: [MGMT, HOME, DEV, SANDBOX, PARTNER, READER], serviceShare: 0.12, weight: 3 };
  add('org:allow-all', { identity: [allowAll], ...O });
  add('org:allow-all+bucket', { identity: [allowAll], resource: fx('bucket-policy.json'), ...O, serviceShare: 0.2, target: 'bucket' });
  add('org:conditions+boundary', { identity: [fx('identity-conditions.json')], boundary: fx('boundary.json'), ...O });
  add('org:allow-all+kms-key', { identity: [allowAll], resource: fx('kms-key-policy.json'), ...O, target: 'key', preferredActions: kmsActions });
  add('org:allow-all+trust', { identity: [allowAll], resource: fx('trust-policy.json'), ...O, target: 'role', trust: true, preferredActions: trustActions });
  add('org:notaction+notprincipal', { identity: [fx('identity-notaction.json')], resource: np, ...O, serviceShare: 0.2, target: 'bucket' });

  // Malformed resource ARNs, on purpose (the only scenario with them).
  add('malformed-arn:notaction', { identity: [fx('identity-notaction.json')], malformed: true, weight: 0.5 });

  const corpus = CORPUS;
  let skipped = 0;
  if (!existsSync(corpus))
    console.log(`difftest: NOTE: ${corpus} is absent: its SCP and RCP scenarios are not run (only the generated ones)`);
  if (existsSync(corpus)) {
    for (const f of walk(corpus)) {
      const p = readJson(f);
      if (!p || typeof p !== 'object' || !p.Statement) { skipped++; continue; }
      const short = f.slice(corpus.length + 1);
      const hasAllow = asList(p.Statement).some((s) => s && s.Effect === 'Allow');
      if (/rcp/i.test(short)) {
        add(`rcp:${short}`, { identity: [allowAll], resource: fx('bucket-policy.json'), rcps: [[f]], ...RES, serviceShare: 0.12 });
      } else {
        add(`scp:${short}`, { identity: [allowAll], scps: [[allowAll], [allowAll, f]] });
        if (hasAllow) add(`scp-alone:${short}`, { identity: [allowAll], scps: [[allowAll], [f]] });
      }
    }
  }
  return { list, skipped };
}

function argsOf(s) {
  const args = [];
  for (const f of s.identity) args.push('--identity', rel(f));
  if (s.resource) args.push(s.trust ? '--trust-policy' : '--resource-policy', rel(s.resource));
  if (s.boundary) args.push('--boundary', rel(s.boundary));
  if (s.session) args.push('--session-policy', rel(s.session));
  for (const l of s.scps) args.push('--scp', l.map(rel).join(','));
  for (const l of s.rcps) args.push('--rcp', l.map(rel).join(','));
  if (s.org) args.push('--org', rel(s.org));
  return args;
}

let fitsOne = null;
async function gen() {
  const [bin, npm] = rest;
  loadCatalog(resolve(bin));
  const require = createRequire(join(resolve(npm), 'node_modules', 'x.js'));
  const sim = require('@cloud-copilot/iam-simulate');
  // Which of an action's resource types a resource fits, as the checked
  // entry point decides it (its utility package's public function).
  const { mostSpecificMatchingResourceTypePatterns } = require('@cloud-copilot/iam-utils');
  fitsOne = (arn, patterns) => mostSpecificMatchingResourceTypePatterns(arn, patterns).length === 1;
  mkdirSync(OUT, { recursive: true });
  const { list, skipped } = scenarios();
  const manifest = { seed: Number(process.env.DIFFTEST_SEED || 20250101), perScenario: PER_SCENARIO, scenarios: [] };
  let total = 0;
  for (const [i, s] of list.entries()) {
    const dir = String(i).padStart(3, '0');
    mkdirSync(join(OUT, dir), { recursive: true });
    const files = [...s.identity, s.resource, s.boundary, s.session, ...s.scps.flat(), ...s.rcps.flat()].filter(Boolean);
    if (s.org) {
      const org = loadOrg(s.org);
      for (const path of org.accounts.values()) for (const n of path) for (const r of [...n.scps, ...n.rcps]) if (r.file) files.push(r.file);
    }
    const vocab = vocabulary([...new Set(files)].map(readJson).filter(Boolean));
    if (s.session) {
      // Mostly the actions the session and resource policies name.
      const named = vocabulary([s.session, s.resource].filter(Boolean).map(readJson).filter(Boolean)).actions;
      s.preferredActions = [...new Set([...named].flatMap((a) => (hasWild(a) ? catalogMatches(a).slice(0, 8) : [a]))
        .concat(s.preferredActions))];
      s.sessionPatterns = [...vocabulary([s.session, s.resource].filter(Boolean).map(readJson).filter(Boolean)).resources]
        .filter((r) => r.startsWith('arn:'));
    }
    const own = s.resource ? [...vocabulary([readJson(s.resource)].filter(Boolean)).resources] : [];
    s.bucketPatterns = own.filter((r) => r.startsWith('arn:aws:s3:::'));
    s.buckets = [...new Set(s.bucketPatterns.map((r) => r.slice(13).split('/')[0]).filter((b) => !/[*?$]/.test(b)))];
    const n = Math.round(PER_SCENARIO * s.weight);
    const reqs = [];
    for (let k = 0; k < n; k++) {
      const principal = pickPrincipal(s);
      let action = pickAction(s, vocab);
      let resource = pickResource(s, action, vocab);
      if (!resource) { action = 's3:GetObject'; resource = `arn:aws:s3:::corp-sessions/${pick(OBJECTS)}`; }
      const req = { principal: principal.arn, action, resource, context: contextFor(s, principal, resource, vocab) };
      if (s.session) await shapeForCheckedEntry(req, sim);
      reqs.push(req);
    }
    total += reqs.length;
    writeFileSync(join(OUT, dir, 'requests.jsonl'), reqs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const args = argsOf(s);
    writeFileSync(join(OUT, dir, 'args'), args.join('\n') + '\n');
    const entry = { name: s.name, dir, args, identity: s.identity.map(rel), resource: s.resource && rel(s.resource),
      boundary: s.boundary && rel(s.boundary), session: s.session && rel(s.session), scps: s.scps.map((l) => l.map(rel)),
      rcps: s.rcps.map((l) => l.map(rel)), org: s.org && rel(s.org), requests: reqs.length };
    manifest.scenarios.push(entry);
  }
  writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  process.stderr.write(`difftest: ${list.length} scenarios, ${total} requests` +
    (skipped ? ` (${skipped} corpus files are not valid JSON policies and were left out)` : '') + '\n');
}

// ---- the oracle cache key -------------------------------------------------
// Everything the oracle's answers depend on: the manifest, every request
// file, every policy file a scenario names (org.yaml's too), the driver and
// the simulator's version.
function key() {
  const [npm] = rest;
  const h = createHash('sha256');
  const add = (label, data) => { h.update(`${label}\0${data.length}\0`); h.update(data); };
  const manifest = readFileSync(join(OUT, 'manifest.json'));
  add('manifest', manifest);
  const m = JSON.parse(manifest);
  const files = new Set();
  for (const s of m.scenarios) {
    add(`requests ${s.dir}`, readFileSync(join(OUT, s.dir, 'requests.jsonl')));
    for (const f of [...s.identity, s.resource, s.boundary, s.session, ...s.scps.flat(), ...s.rcps.flat()]) if (f) files.add(f);
    if (s.org) {
      files.add(s.org);
      const org = loadOrg(join(ROOT, s.org));
      for (const path of org.accounts.values()) for (const n of path) for (const r of [...n.scps, ...n.rcps]) if (r.file) files.add(rel(r.file));
    }
  }
  for (const f of [...files].sort()) add(`policy ${f}`, readFileSync(join(ROOT, f)));
  for (const f of ['oracle.mjs', 'org.mjs']) add(`driver ${f}`, readFileSync(join(ROOT, 'tests/difftest', f)));
  for (const p of ['iam-simulate', 'iam-policy', 'iam-data', 'iam-utils']) {
    const pj = join(resolve(npm), 'node_modules/@cloud-copilot', p, 'package.json');
    add(`package ${p}`, existsSync(pj) ? JSON.parse(readFileSync(pj, 'utf8')).version : 'absent');
  }
  process.stdout.write(h.digest('hex').slice(0, 32) + '\n');
}

// ---- compare: the switch rule ---------------------------------------------
const DECISIONS = new Set(['allowed', 'explicitDeny', 'implicitDeny']);
const readLines = (f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);
const shq = (s) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

async function compare() {
  const bin = resolve(rest[0]);
  const show = Number(process.env.DIFFTEST_SHOW || 20);
  const manifest = JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8'));
  const { names: switches, source } = switchList(bin);
  let total = 0, agree = 0;
  const tally = {}, explained = Object.fromEntries(switches.map((s) => [s, 0]));
  const alsoFixedBy = {}, explainedByPair = {}, unavailable = {}, unexplained = [], byCause = {};
  const binShown = rel(bin).startsWith('..') ? bin : rel(bin);
  const pending = [];

  for (const sc of manifest.scenarios) {
    const dir = join(OUT, sc.dir);
    const reqLines = readLines(join(dir, 'requests.jsonl'));
    const ours = readLines(join(dir, 'ours.jsonl')).map(parseLine);
    const theirs = readLines(join(dir, 'oracle.jsonl')).map(parseLine);
    const oursErr = existsSync(join(dir, 'ours.err')) ? readFileSync(join(dir, 'ours.err'), 'utf8').trim() : '';
    const diff = [];
    reqLines.forEach((line, i) => {
      total++;
      const a = ours[i] ? (DECISIONS.has(ours[i].decision) ? ours[i].decision : `error:${ours[i].error ?? JSON.stringify(ours[i]).slice(0, 80)}`) : 'missing';
      const b = theirs[i] ? (DECISIONS.has(theirs[i].decision) ? theirs[i].decision
        : String(theirs[i].decision ?? `error:${theirs[i].error}`).replace(/^(?!error:)/, 'error:')) : 'missing';
      tally[a] = (tally[a] || 0) + 1;
      if (a === b && DECISIONS.has(a)) { agree++; return; }
      const item = { scenario: sc.name, dir: sc.dir, line: i + 1, ours: a, oracle: b, request: JSON.parse(line) };
      if (!DECISIONS.has(a) || !DECISIONS.has(b)) {
        item.why = !DECISIONS.has(a) ? (a === 'missing' && oursErr ? `no answer from iamproof: ${oursErr.split('\n')[0]}` : 'iamproof gave no decision')
          : 'the oracle gave no decision';
        unexplained.push(item);
        return;
      }
      diff.push(item);
    });
    if (!diff.length) continue;
    // The disagreements are decided again with exactly one switch on,
    // once per switch: one run per switch and scenario.
    const file = join(dir, 'disagree.jsonl');
    writeFileSync(file, diff.map((d) => JSON.stringify(d.request)).join('\n') + '\n');
    pending.push({ sc, diff, fixedBy: null, file });
  }

  // DIFFTEST_FAIL_FAST=1 (mutation testing): stop at the first scenario
  // with an unexplained disagreement; the report then covers less.
  const failFast = process.env.DIFFTEST_FAIL_FAST === '1';
  let stopped = failFast && unexplained.length > 0;
  for (const p of pending) {
    if (stopped) break;
    p.fixedBy = await fixedBy(bin, p.sc.args, p.file, p.diff.map((d) => d.oracle), switches, unavailable);
    // A request can meet two documented differences at once (a Deny the
    // other simulator drops for one reason, on an action it denies for
    // another). Such a disagreement is explained by a pair of switches
    // only when no single switch removes it and the pair does: each
    // switch of the pair is then necessary, and each is tied to its cause.
    const rest = p.diff.map((d, k) => k).filter((k) => !p.fixedBy[k].size);
    const pairFix = new Map();
    if (rest.length && switches.length > 1) {
      const restFile = join(OUT, p.sc.dir, 'disagree-pairs.jsonl');
      writeFileSync(restFile, rest.map((k) => JSON.stringify(p.diff[k].request)).join('\n') + '\n');
      const pairs = [];
      for (let a = 0; a < switches.length; a++)
        for (let b = a + 1; b < switches.length; b++) pairs.push([switches[a], switches[b]]);
      const byPair = await fixedBy(bin, p.sc.args, restFile, rest.map((k) => p.diff[k].oracle), pairs.map((pair) => pair.join(',')), {});
      rest.forEach((k, j) => {
        const pair = pairs.find((x) => byPair[j].has(x.join(',')));
        if (pair) pairFix.set(k, pair.join(' + '));
      });
    }
    p.diff.forEach((d, k) => {
      const fixed = switches.filter((s) => p.fixedBy[k].has(s));
      if (fixed.length) {
        explained[fixed[0]]++;
        if (fixed.length > 1) {
          const label = fixed.join(' + ');
          alsoFixedBy[label] = (alsoFixedBy[label] || 0) + 1;
        }
      } else if (pairFix.has(k)) {
        const label = pairFix.get(k);
        explainedByPair[label] = (explainedByPair[label] || 0) + 1;
      } else {
        d.why = 'no single switch, nor any pair of switches, makes iamproof decide as the oracle';
        unexplained.push(d);
      }
    });
    stopped = failFast && unexplained.length > 0;
  }
  if (stopped) console.log('difftest: DIFFTEST_FAIL_FAST: stopped at the first unexplained disagreement');
  unexplained.sort((x, y) => x.dir.localeCompare(y.dir) || x.line - y.line);

  for (const u of unexplained) {
    const sc = manifest.scenarios.find((s) => s.dir === u.dir);
    u.args = sc.args;
    u.ours_command = `${shq(binShown)} simulate ${sc.args.map(shq).join(' ')} --request ${shq(JSON.stringify(u.request))}`;
    u.oracle_command = `node tests/difftest/oracle.mjs ${shq(rel(OUT).startsWith('..') ? OUT : rel(OUT))} .cache/npm --one ${u.dir} ${u.line}`;
    const kind = u.scenario.split(':')[0];
    byCause[kind] = byCause[kind] || {};
    byCause[kind][`ours=${u.ours} oracle=${u.oracle}`] = (byCause[kind][`ours=${u.ours} oracle=${u.oracle}`] || 0) + 1;
  }
  const explainedSingle = Object.values(explained).reduce((a, b) => a + b, 0);
  const explainedPairs = Object.values(explainedByPair).reduce((a, b) => a + b, 0);
  const explainedTotal = explainedSingle + explainedPairs;
  const report = {
    total, agree, agreePercent: Number((100 * agree / Math.max(total, 1)).toFixed(2)),
    explained: explainedTotal, explainedBySwitch: explained, explainedByPair, fixedByMoreThanOne: alsoFixedBy,
    unexplained: unexplained.length, switches: { source, names: switches, unavailable },
    decisions: tally, minimumRequests: MIN_REQUESTS, stoppedEarly: stopped, unexplainedByScenarioKind: byCause,
    unexplainedCases: unexplained,
  };
  writeFileSync(join(OUT, 'report.json'), JSON.stringify(report, null, 1) + '\n');
  writeFileSync(join(OUT, 'unexplained.txt'), `# ${unexplained.length} unexplained disagreements; run the commands from ${ROOT}\n` + unexplained.map((u) =>
    `# ${u.scenario} [${u.dir}:${u.line}] ours=${u.ours} oracle=${u.oracle}: ${u.why}\n${u.ours_command}\n${u.oracle_command}\n`).join(''));

  console.log(`difftest: ${total} requests, ${agree} agree (${report.agreePercent}%), ` +
    `${explainedTotal} disagreements explained (${explainedSingle} by one switch, ${explainedPairs} by a pair), ${unexplained.length} unexplained`);
  console.log(`difftest: our decisions: ${JSON.stringify(tally)}`);
  console.log(`difftest: switches from ${source}: ${switches.length ? switches.join(', ') : '(none)'}`);
  for (const [s, why] of Object.entries(unavailable)) console.log(`  switch ${s} not available: ${why}`);
  for (const [s, n] of Object.entries(explained).sort((x, y) => y[1] - x[1])) if (n) console.log(`  explained by ${s}: ${n}`);
  for (const [s, n] of Object.entries(explainedByPair).sort((x, y) => y[1] - x[1])) console.log(`  explained by the pair ${s}: ${n}`);
  for (const [s, n] of Object.entries(alsoFixedBy)) console.log(`  fixed by more than one switch (${s}), counted under the first: ${n}`);
  if (unexplained.length) {
    const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
    console.log(`difftest: unexplained by scenario kind: ${Object.entries(byCause).sort((a, b) => sum(b[1]) - sum(a[1]))
      .map(([k, v]) => `${k} ${sum(v)}`).join(', ')}`);
    for (const u of unexplained.slice(0, show))
      console.log(`  UNEXPLAINED ${u.scenario} [${u.dir}:${u.line}] ours=${u.ours} oracle=${u.oracle}: ${u.why}\n    ${u.ours_command}`);
    if (unexplained.length > show) console.log(`  ... ${unexplained.length - show} more: every command line is in ${join(OUT, 'unexplained.txt')}`);
  }
  let fail = unexplained.length > 0;
  if (total < MIN_REQUESTS) { console.log(`difftest: FAIL: ${total} requests compared, fewer than ${MIN_REQUESTS}`); fail = true; }
  console.log(`difftest: report in ${join(OUT, 'report.json')}`);
  process.exit(fail ? 1 : 0);
}

if (mode === 'gen') await gen();
else if (mode === 'key') key();
else if (mode === 'compare') await compare();
else { console.error('usage: difftest.mjs gen OUT BIN NPM | key OUT NPM | compare OUT BIN'); process.exit(2); }
