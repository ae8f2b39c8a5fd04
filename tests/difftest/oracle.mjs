// oracle.mjs - runs the independent simulator over the scenarios that
// difftest.mjs wrote, as a separate process: it reads OUT/manifest.json and
// writes OUT/<scenario>/oracle.jsonl, one {"decision": ...} line per
// request ("error: ..." when the simulator refused or threw).
//
//   node oracle.mjs OUT NPM                     every scenario
//   node oracle.mjs OUT NPM --one DIR LINE      one request: what the simulator
//                                               is given, and its answer
//
// The simulator (AGPL) is installed by scripts/difftest.sh into NPM
// (.cache/npm) and only called here through its public entry points;
// nothing of it is copied. What it is given (docs/semantics.md):
//  - runUnsafeSimulation (takes any action, resource and context as they
//    are) for every scenario without a session policy; that entry point
//    ignores session policies, so
//  - runSimulation, the checked entry point, for scenarios with one; the
//    generator gives those scenarios only catalog actions on resources of
//    their resource types, and only the context keys (and list shapes)
//    that entry point keeps, so both simulators get the same request.
//  - Principal-side policies (identity, boundary, session, SCPs) only for
//    callers that have them: IAM users, roles, role sessions, federated
//    users and root users; none for service principals and anonymous
//    callers ("*" is the simulator's anonymous principal).
//  - With org.yaml: per request, the SCP levels of the caller's account
//    path and the RCP levels of the resource owner's (aws:ResourceAccount)
//    path; none outside the organization, none for its management account.
//  - RCPFullAWSAccess on every RCP level, as AWS attaches it (the unsafe
//    entry point does not add it; the checked one does itself).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { FULL_RCP, FULL_SCP, loadOrg, orgPath } from './org.mjs';

const args = process.argv.slice(2);
const [outDir, npmPrefix] = args;
const one = args[2] === '--one' ? { dir: args[3], line: Number(args[4]) } : null;
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const OUT = resolve(outDir);
const require = createRequire(join(resolve(npmPrefix), 'node_modules', 'x.js'));
const sim = require('@cloud-copilot/iam-simulate');
// The unsafe entry point loads the resource policy without a name, which
// the simulator then needs: hand it one through its own wrapper type.
const { createValidatedPolicy } = require('@cloud-copilot/iam-policy');

const names = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' };
const manifest = JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8'));
const cache = new Map();
const policy = (f) => {
  const p = resolve(ROOT, f);
  if (!cache.has(p)) cache.set(p, JSON.parse(readFileSync(p, 'utf8')));
  return cache.get(p);
};
const orgs = new Map();

const accountOf = (principal) => {
  const parts = principal.split(':');
  return parts[0] === 'arn' && parts.length >= 6 && /^\d{12}$/.test(parts[4]) ? parts[4] : null;
};
const hasIdentity = (principal) => /^arn:[^:]+:(iam|sts)::\d{12}:(user\/|role\/|root$|assumed-role\/|federated-user\/)/.test(principal);

function levels(kind, lv) {
  return lv.map((files, i) => ({
    orgIdentifier: `${kind}-level-${i}`,
    policies: files.map((f, j) => ({ name: `${kind}${i}-${j}`, policy: f === null ? (kind === 'scp' ? FULL_SCP : FULL_RCP) : policy(f) })),
  }));
}

// Per request: what the simulator is given.
function inputs(sc, r, checked) {
  const caller = hasIdentity(r.principal);
  let scps = sc.scps.map((l) => l.slice()), rcps = sc.rcps.map((l) => l.slice());
  if (sc.org) {
    if (!orgs.has(sc.org)) orgs.set(sc.org, loadOrg(resolve(ROOT, sc.org)));
    const org = orgs.get(sc.org);
    const refs = (list) => list.map((x) => x.file);
    scps = orgPath(org, accountOf(r.principal)).map((n) => refs(n.scps));
    rcps = orgPath(org, r.context['aws:ResourceAccount']).map((n) => refs(n.rcps));
  }
  scps = caller ? levels('scp', scps) : [];
  rcps = levels('rcp', rcps);
  // AWS attaches RCPFullAWSAccess to every node; the unsafe entry point
  // does not add it, so the driver does (the checked one adds it itself).
  if (!checked) for (const level of rcps) level.policies.unshift({ name: 'RCPFullAWSAccess', policy: FULL_RCP });
  return {
    request: {
      principal: r.principal === '*' ? sim.anonymousPrincipal : r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.context['aws:ResourceAccount'] },
      contextVariables: r.context,
    },
    identityPolicies: caller ? sc.identity.map((f, i) => ({ name: `identity${i}`, policy: policy(f) })) : [],
    serviceControlPolicies: scps,
    resourceControlPolicies: rcps,
    resourcePolicy: sc.resource ? createValidatedPolicy(policy(sc.resource), () => [], { name: 'resource' }) : undefined,
    permissionBoundaryPolicies: caller && sc.boundary ? [{ name: 'boundary', policy: policy(sc.boundary) }] : undefined,
    sessionPolicy: caller && sc.session ? policy(sc.session) : undefined,
  };
}

async function decide(sc, r) {
  const checked = !!sc.session;
  try {
    const simulation = inputs(sc, r, checked);
    if (!checked) {
      const result = sim.runUnsafeSimulation(simulation, {});
      return { decision: names[result] ?? `unknown:${result}` };
    }
    const result = await sim.runSimulation(simulation, {});
    if (result.resultType === 'error') return { decision: `error:${JSON.stringify(result.errors).slice(0, 200)}`, detail: result };
    if (result.resultType !== 'single') return { decision: `error:${result.resultType} result`, detail: result };
    return { decision: names[result.overallResult] ?? `unknown:${result.overallResult}`, detail: result };
  } catch (e) {
    return { decision: `error:${String(e.message).slice(0, 120)}` };
  }
}

if (one) {
  const sc = manifest.scenarios.find((s) => s.dir === one.dir);
  const line = readFileSync(join(OUT, sc.dir, 'requests.jsonl'), 'utf8').split('\n')[one.line - 1];
  const r = JSON.parse(line);
  const simulation = inputs(sc, r, !!sc.session);
  console.log(JSON.stringify({ scenario: sc.name, request: r, scps: simulation.serviceControlPolicies.map((l) => l.policies.map((p) => p.name)),
    rcps: simulation.resourceControlPolicies.map((l) => l.policies.map((p) => p.name)) }, null, 1));
  const d = await decide(sc, r);
  console.log(JSON.stringify(d.detail ?? d, null, 1));
  process.exit(0);
}

let count = 0;
const start = Date.now();
for (const sc of manifest.scenarios) {
  const out = [];
  for (const line of readFileSync(join(OUT, sc.dir, 'requests.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { decision } = await decide(sc, JSON.parse(line));
    out.push(JSON.stringify({ decision }));
    count++;
  }
  writeFileSync(join(OUT, sc.dir, 'oracle.jsonl'), out.join('\n') + '\n');
}
const secs = (Date.now() - start) / 1000;
process.stderr.write(`oracle: ${count} requests in ${secs.toFixed(1)} s (${Math.round(count / secs)} requests/s)\n`);
