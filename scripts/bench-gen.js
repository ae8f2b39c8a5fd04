#!/usr/bin/env node
// bench-gen.js - the data side of scripts/bench.sh and scripts/bench-prove.sh
// (docs/bench.md).
//
//   node bench-gen.js synth OUT_DIR N...
//       Writes OUT_DIR/synth-<N>.json, an identity policy of N statements,
//       for each N (2-space indentation, to stay under the loader's 4 MiB
//       file cap at 10,000 statements). The statements vary (Allow and Deny, Action and
//       NotAction, literal and wildcard actions, ARNs of ten services,
//       policy variables, eight kinds of condition) and are the same on
//       every run: the generator is seeded.
//   node bench-gen.js deny OUT_DIR N...
//       Writes OUT_DIR/deny-<N>.json, an identity policy of N statements
//       made by the same generator, every one an Allow with Action but the
//       first, an unconditional Deny: the case of one Deny among many
//       Allows, for the cost per statement at 1k, 10k and 100k statements
//       (100k is about 36 MB: bench.sh raises the caps for it).
//   node bench-gen.js diff OUT_DIR N...
//       Writes, for each N, four identity policies of N statements for
//       `iamproof diff` (scripts/bench-prove.sh), made by the same statement
//       generator with a seed of their own (and at most 12 conditions on the
//       multivalued aws:TagKeys, within what the prover models):
//         diff-<N>-old.json       the base;
//         diff-<N>-action.json    one action of the same service added to
//                                 the first Allow statement (an action no
//                                 statement grants, so NEW allows more);
//         diff-<N>-resource.json  the first resource of the last Allow
//                                 statement widened to its resource type
//                                 (`table/orders-5` to `table/*`);
//         diff-<N>-reorder.json   the base with its statements shuffled
//                                 (equivalent: the proof direction);
//         diff-<N>-split.json     the first Allow of several actions split
//                                 into one statement per action
//                                 (equivalent, and the text does not show
//                                 it: the solver's proof).
//       It prints one line per N: "N sid-of-action-change sid-of-resource-change".
//   node bench-gen.js results NAME PROVE.json
//       Reads `iamproof prove --format json` output and prints one line per
//       result: "NAME<TAB>property<TAB>result<TAB>ms<TAB>reason" (nothing
//       when the file is not such output: an input error).
//   node bench-gen.js verdict DIFF.json
//       Reads `iamproof diff --format json` output and prints "verdict
//       witnesses-new witnesses-old reason" ("none 0 0" when it is not).
//   node bench-gen.js stats PATH...
//       Prints "files bytes statements" over every .json file under PATH.
//   node bench-gen.js findings REPORT.json [--known FILE.tsv] [EXEMPT_RULE...]
//       Reads `iamproof check --format json` output and prints one
//       "count severity RULE" line per rule, most frequent first, then
//       "total N", "errors N", "excused N", "gone N", then "at PATH:LINE:COL:
//       MESSAGE [RULE]" for each error-severity finding of a rule not
//       listed as exempt and not excused by FILE.tsv (tests/corpus-known.tsv:
//       rule, file name, line and column, tab-separated, then why), and
//       "unreported KEY" for each line of FILE.tsv no error matches (gone).
//       tests/corpus.sh and scripts/bench.sh both read it.
//
// The managed-policy corpus itself is made by scripts/managed-corpus.sh.
//
// Only node's standard library is used.
'use strict';

const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`bench-gen: ${msg}\n`);
  process.exit(2);
}

// A small deterministic generator (mulberry32), so that every run of the
// bench measures the same input.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];

// service -> [actions, resource ARN makers]
const SERVICES = {
  s3: [['GetObject', 'PutObject', 'DeleteObject', 'ListBucket', 'GetBucketPolicy', 'Get*', 'List*', 'PutObjectTagging'],
    (r, i) => r() < 0.5 ? `arn:aws:s3:::app-data-${i % 97}/*` : `arn:aws:s3:::app-data-${i % 97}/home/\${aws:username}/*`],
  dynamodb: [['GetItem', 'PutItem', 'Query', 'Scan', 'UpdateItem', 'BatchGetItem', 'Describe*'],
    (r, i, reg, acct) => `arn:aws:dynamodb:${reg}:${acct}:table/orders-${i % 53}`],
  lambda: [['InvokeFunction', 'GetFunction', 'UpdateFunctionCode', 'List*'],
    (r, i, reg, acct) => `arn:aws:lambda:${reg}:${acct}:function:worker-${i % 41}`],
  sqs: [['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'],
    (r, i, reg, acct) => `arn:aws:sqs:${reg}:${acct}:queue-${i % 37}`],
  sns: [['Publish', 'Subscribe', 'ListTopics'],
    (r, i, reg, acct) => `arn:aws:sns:${reg}:${acct}:alerts-${i % 29}`],
  kms: [['Decrypt', 'Encrypt', 'GenerateDataKey*', 'DescribeKey'],
    (r, i, reg, acct) => `arn:aws:kms:${reg}:${acct}:key/${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`],
  ec2: [['DescribeInstances', 'StartInstances', 'StopInstances', 'RunInstances', 'Describe*'],
    (r, i, reg, acct) => `arn:aws:ec2:${reg}:${acct}:instance/i-${hex(r, 17)}`],
  iam: [['GetRole', 'PassRole', 'ListRoles', 'GetUser', 'ChangePassword'],
    (r, i, reg, acct) => `arn:aws:iam::${acct}:role/service-role/app-${i % 31}`],
  logs: [['CreateLogStream', 'PutLogEvents', 'GetLogEvents'],
    (r, i, reg, acct) => `arn:aws:logs:${reg}:${acct}:log-group:/app/svc-${i % 23}:*`],
  secretsmanager: [['GetSecretValue', 'DescribeSecret'],
    (r, i, reg, acct) => `arn:aws:secretsmanager:${reg}:${acct}:secret:db/cred-${i % 19}-??????`],
};
const SERVICE_NAMES = Object.keys(SERVICES);

function hex(r, n) {
  let s = '';
  for (let i = 0; i < n; i++)
    s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
}

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}

function condition(r, i) {
  switch (Math.floor(r() * 8)) {
  case 0: return { StringEquals: { 'aws:RequestedRegion': [pick(r, REGIONS), pick(r, REGIONS)].filter((v, k, a) => a.indexOf(v) === k) } };
  case 1: return { IpAddress: { 'aws:SourceIp': [`10.${i % 256}.0.0/16`, `192.0.2.${i % 256}/32`] } };
  case 2: return { Bool: { 'aws:SecureTransport': 'true' } };
  case 3: return { DateLessThan: { 'aws:CurrentTime': `2027-0${1 + (i % 9)}-01T00:00:00Z` } };
  case 4: return { NumericLessThan: { 'aws:MultiFactorAuthAge': `${300 * (1 + (i % 12))}` } };
  case 5: return { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${pick(r, ACCOUNTS)}:role/team-${i % 13}-*` } };
  case 6: return { StringLike: { 's3:prefix': ['home/${aws:username}/*', ''] } };
  default: return { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['project', 'cost-center'] }, StringEqualsIfExists: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } };
  }
}

function statement(r, i) {
  const svc = pick(r, SERVICE_NAMES);
  const [actions, arn] = SERVICES[svc];
  const nact = 1 + Math.floor(r() * 4);
  const acts = [];
  for (let k = 0; k < nact; k++) {
    const a = `${svc}:${pick(r, actions)}`;
    if (!acts.includes(a))
      acts.push(a);
  }
  const nres = 1 + Math.floor(r() * 3);
  const res = [];
  for (let k = 0; k < nres; k++) {
    const a = arn(r, i + k, pick(r, REGIONS), pick(r, ACCOUNTS));
    if (!res.includes(a))
      res.push(a);
  }
  const s = { Sid: `Stmt${String(i).padStart(5, '0')}`, Effect: r() < 0.8 ? 'Allow' : 'Deny' };
  if (s.Effect === 'Deny' && r() < 0.3)
    s.NotAction = acts;
  else
    s.Action = acts.length === 1 ? acts[0] : acts;
  s.Resource = res.length === 1 ? res[0] : res;
  if (r() < 0.4)
    s.Condition = condition(r, i);
  return s;
}

function synth(outDir, sizes) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const n of sizes) {
    if (!(n > 0))
      die(`bad size ${n}`);
    const r = rng(0x1a3b00f + n);
    const doc = { Version: '2012-10-17', Statement: [] };
    for (let i = 0; i < n; i++)
      doc.Statement.push(statement(r, i));
    fs.writeFileSync(path.join(outDir, `synth-${n}.json`), JSON.stringify(doc, null, 2) + '\n');
  }
}

function denyOne(outDir, sizes) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const n of sizes) {
    if (!(n > 0))
      die(`bad size ${n}`);
    const r = rng(0xde7 + n);
    const doc = { Version: '2012-10-17', Statement: [] };
    for (let i = 0; i < n; i++) {
      const s = statement(r, i);
      if (s.NotAction) {
        s.Action = s.NotAction.length === 1 ? s.NotAction[0] : s.NotAction;
        delete s.NotAction;
      }
      s.Effect = i === 0 ? 'Deny' : 'Allow';
      if (i === 0)
        delete s.Condition;
      doc.Statement.push({ Sid: s.Sid, Effect: s.Effect, ...s });
    }
    fs.writeFileSync(path.join(outDir, `deny-${n}.json`), JSON.stringify(doc, null, 2) + '\n');
  }
}

// Per service, an action none of SERVICES' patterns matches: the action
// change of `diff` grants something new.
const EXTRA_ACTION = {
  s3: 'PutBucketPolicy', dynamodb: 'DeleteTable', lambda: 'DeleteFunction', sqs: 'PurgeQueue',
  sns: 'DeleteTopic', kms: 'ScheduleKeyDeletion', ec2: 'TerminateInstances',
  iam: 'UpdateAssumeRolePolicy', logs: 'DeleteLogGroup', secretsmanager: 'DeleteSecret',
};

// arn:aws:dynamodb:R:A:table/orders-5 -> arn:aws:dynamodb:R:A:table/*; a
// resource part without a type (an SQS queue, an S3 object) becomes `*`.
function widen(arn) {
  const f = arn.split(':');
  const res = f.slice(5).join(':');
  const m = /^[^/:]*[/:]/.exec(res);
  let w = m ? `${m[0]}*` : '*';
  if (w === res)
    w = '*';
  return [...f.slice(0, 5), w].join(':');
}

// The lint generator's mix has 28 conditions on aws:TagKeys at 500
// statements, 56 over a pair: `diff` answers "unknown: unsupported".
const MAX_TAG_CONDITIONS = 12;

function diffPolicies(outDir, sizes) {
  fs.mkdirSync(outDir, { recursive: true });
  const write = (name, doc) => fs.writeFileSync(path.join(outDir, name), JSON.stringify(doc, null, 2) + '\n');
  const copy = (doc) => JSON.parse(JSON.stringify(doc));
  for (const n of sizes) {
    if (!(n > 0))
      die(`bad size ${n}`);
    const r = rng(0xd1ff + n);
    const old = { Version: '2012-10-17', Statement: [] };
    let tags = 0;
    for (let i = 0; i < n; i++) {
      const s = statement(r, i);
      // the prover models up to 32 values of a multivalued key, one per
      // condition that reads it over OLD and NEW together (docs/prove.md):
      // at most MAX_TAG_CONDITIONS per policy, other conditions after that
      while (s.Condition && s.Condition['ForAnyValue:StringEquals'] && ++tags > MAX_TAG_CONDITIONS)
        s.Condition = condition(r, i);
      old.Statement.push(s);
    }
    const allows = old.Statement.map((s, i) => s.Effect === 'Allow' && s.Action ? i : -1).filter((i) => i >= 0);
    if (!allows.length)
      die(`no Allow statement at size ${n}`);
    write(`diff-${n}-old.json`, old);

    const act = copy(old), ia = allows[0], sa = act.Statement[ia];
    const svc = [].concat(sa.Action)[0].split(':')[0];
    sa.Action = [].concat(sa.Action, `${svc}:${EXTRA_ACTION[svc]}`);
    write(`diff-${n}-action.json`, act);

    const wide = copy(old), ir = allows[allows.length - 1], sr = wide.Statement[ir];
    const res = [].concat(sr.Resource);
    res[0] = widen(res[0]);
    sr.Resource = res.length === 1 ? res[0] : res;
    write(`diff-${n}-resource.json`, wide);

    const re = copy(old);
    for (let i = re.Statement.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [re.Statement[i], re.Statement[j]] = [re.Statement[j], re.Statement[i]];
    }
    write(`diff-${n}-reorder.json`, re);

    // the first Allow of several actions, one statement per action:
    // equivalent, and no statement of OLD lies within one of NEW, so the
    // solver shows that OLD allows nothing NEW does not (docs/bench.md)
    const sp = copy(old), is = allows.find((i) => Array.isArray(old.Statement[i].Action) && old.Statement[i].Action.length > 1);
    if (is === undefined)
      die(`no Allow statement of several actions at size ${n}`);
    const parts = sp.Statement[is].Action.map((a, k) => Object.assign(copy(sp.Statement[is]), { Sid: `${sp.Statement[is].Sid}Part${k}`, Action: a }));
    sp.Statement.splice(is, 1, ...parts);
    write(`diff-${n}-split.json`, sp);
    process.stdout.write(`${n} ${sa.Sid} ${sr.Sid}\n`);
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return null;
  }
}

function results(name, file) {
  const rep = readJson(file);
  for (const r of (rep && rep.results) || [])
    process.stdout.write(`${name}\t${r.property}\t${r.result}\t${r.ms}\t${(r.reason || '').replace(/\s+/g, ' ')}\n`);
}

function verdict(file) {
  const d = readJson(file);
  if (!d || !d.verdict)
    process.stdout.write('none 0 0\n');
  else
    process.stdout.write(`${d.verdict} ${d.newOnly.length} ${d.oldOnly.length} ${(d.reason || '').replace(/\s+/g, ' ')}`.trim() + '\n');
}

function walk(p, out) {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(p).sort())
      walk(path.join(p, e), out);
  } else if (p.endsWith('.json')) {
    out.push([p, st.size]);
  }
}

function stats(paths) {
  const files = [];
  for (const p of paths)
    walk(p, files);
  let bytes = 0, stmts = 0;
  for (const [f, size] of files) {
    bytes += size;
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    const s = doc && doc.Statement;
    stmts += Array.isArray(s) ? s.length : (s ? 1 : 0);
  }
  process.stdout.write(`${files.length} ${bytes} ${stmts}\n`);
}

function findings(report, args) {
  const rep = JSON.parse(fs.readFileSync(report, 'utf8'));
  const known = new Set();
  let exempt = args;
  if (args[0] === '--known') {
    if (args.length < 2)
      die('findings: --known needs a file');
    for (const line of fs.readFileSync(args[1], 'utf8').split('\n')) {
      const f = line.split('\t');
      if (!line.startsWith('#') && f.length >= 4)
        known.add(f.slice(0, 4).join('\t'));
    }
    exempt = args.slice(2);
  }
  const by = new Map();
  const errors = [];
  const seen = new Set();
  let excused = 0;
  for (const d of rep.diagnostics) {
    const k = `${d.severity} ${d.rule}`;
    by.set(k, (by.get(k) || 0) + 1);
    if (d.severity !== 'error')
      continue;
    const key = [d.rule, path.basename(d.path), d.line, d.column].join('\t');
    seen.add(key);
    if (exempt.includes(d.rule))
      continue;
    if (known.has(key))
      excused++;
    else
      errors.push(d);
  }
  const gone = [...known].filter(k => !seen.has(k));
  const rows = [...by.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [k, n] of rows)
    process.stdout.write(`${n} ${k}\n`);
  process.stdout.write(`total ${rep.diagnostics.length}\nerrors ${errors.length}\nexcused ${excused}\n` +
    `gone ${gone.length}\n`);
  for (const d of errors)
    process.stdout.write(`at ${d.path}:${d.line}:${d.column}: ${d.message} [${d.rule}]\n`);
  for (const k of gone)
    process.stdout.write(`unreported ${k}\n`);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'synth' && args.length >= 2)
  synth(args[0], args.slice(1).map(Number));
else if (cmd === 'deny' && args.length >= 2)
  denyOne(args[0], args.slice(1).map(Number));
else if (cmd === 'diff' && args.length >= 2)
  diffPolicies(args[0], args.slice(1).map(Number));
else if (cmd === 'results' && args.length === 2)
  results(args[0], args[1]);
else if (cmd === 'verdict' && args.length === 1)
  verdict(args[0]);
else if (cmd === 'stats' && args.length >= 1)
  stats(args);
else if (cmd === 'findings' && args.length >= 1)
  findings(args[0], args.slice(1));
else
  die('usage: bench-gen.js synth OUT N... | deny OUT N... | diff OUT N... | results NAME PROVE.json | verdict DIFF.json | stats PATH... | findings REPORT.json [--known FILE.tsv] [EXEMPT_RULE...]');
