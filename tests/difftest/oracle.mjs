// oracle.mjs - runs the independent simulator over the scenarios that
// difftest.mjs wrote, as a separate process: it reads manifest.json and
// writes <scenario>/oracle.jsonl, one {"decision": ...} line per request.
// The simulator (AGPL) is installed by scripts/difftest.sh into .cache/npm
// and only called here through its public API; nothing of it is copied.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [manifestPath, npmPrefix] = process.argv.slice(2);
const require = createRequire(join(resolve(npmPrefix), 'node_modules', 'x.js'));
const { runUnsafeSimulation } = require('@cloud-copilot/iam-simulate');
// The unsafe entry point loads the resource policy without a name, which
// the simulator then needs: hand it one through its own wrapper type.
const { createValidatedPolicy } = require('@cloud-copilot/iam-policy');

const RCP_FULL_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
};
const names = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' };
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const readPolicy = (f) => JSON.parse(readFileSync(f, 'utf8'));
let count = 0;
const start = Date.now();

for (const sc of manifest.scenarios) {
  const identityPolicies = sc.identity.map((f, i) => ({ name: `identity${i}`, policy: readPolicy(f) }));
  const levels = (lv, kind) => lv.map((files, i) => ({
    orgIdentifier: `${kind}-level-${i}`,
    policies: files.map((f, j) => ({ name: `${kind}${i}-${j}`, policy: readPolicy(f) })),
  }));
  const scps = levels(sc.scps, 'scp');
  const rcps = levels(sc.rcps, 'rcp');
  // AWS attaches RCPFullAWSAccess to every node; the simulator's unsafe
  // entry point does not add it, so the driver does.
  for (const level of rcps) level.policies.unshift({ name: 'RCPFullAWSAccess', policy: RCP_FULL_ACCESS });
  const resourcePolicy = sc.resource
    ? createValidatedPolicy(readPolicy(sc.resource), () => [], { name: 'resource' })
    : undefined;
  const boundaries = sc.boundary ? [{ name: 'boundary', policy: readPolicy(sc.boundary) }] : undefined;
  const out = [];
  for (const line of readFileSync(sc.requests, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    let decision;
    try {
      const result = runUnsafeSimulation({
        request: {
          principal: r.principal,
          action: r.action,
          resource: { resource: r.resource, accountId: r.context['aws:ResourceAccount'] },
          contextVariables: r.context,
        },
        identityPolicies,
        serviceControlPolicies: scps,
        resourceControlPolicies: rcps,
        resourcePolicy,
        permissionBoundaryPolicies: boundaries,
      }, {});
      decision = names[result] ?? `unknown:${result}`;
    } catch (e) {
      decision = `error:${String(e.message).slice(0, 80)}`;
    }
    out.push(JSON.stringify({ decision }));
    count++;
  }
  writeFileSync(join(sc.dir, 'oracle.jsonl'), out.join('\n') + '\n');
}
const secs = (Date.now() - start) / 1000;
process.stderr.write(`oracle: ${count} requests in ${secs.toFixed(1)} s (${Math.round(count / secs)} requests/s)\n`);
