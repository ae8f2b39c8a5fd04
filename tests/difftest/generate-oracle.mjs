// generate-oracle.mjs - the generated Stage 6 guardrails (`iamproof generate
// scp`) against sample requests whose decision is stated by hand
// (docs/testing.md, "The generated guardrails against the simulator";
// tests/generate-oracle.sh runs it):
//
//   node generate-oracle.mjs SET OUT BIN NPM
//
// SET is the output of `generate scp --format json` (its attachments.json
// and the SCP files it names); OUT a work directory. Every request of the
// table below is decided three ways, and all three must agree:
//  1. the intent: allowed or denied, stated here with a one-line reason;
//  2. the independent simulator, as a separate process: the table is
//     written as one scenario in the difftest's manifest format and
//     oracle.mjs decides it, exactly as in the difftest;
//  3. `iamproof simulate` on the same target.
// The simulator and iamproof must give the same decision (allowed,
// explicitDeny, implicitDeny), and that decision must be the intent.
//
// The target: one SCP level, FullAWSAccess (unless attachments.json
// detaches it at the root) and every SCP attached at "root"; an identity
// policy that allows everything, so that only the SCPs decide. SCPs the
// set attaches below the root are not decided here (the example baseline
// attaches everything at the root): the run fails when there are any, so
// that a change of baseline is noticed rather than silently untested.
//
// GENERATE_ORACLE_MUTATE=1 first removes one action (MUTANT_ACTION) from
// the set's Deny statements, writing the changed copies to OUT: the rows
// that deny that action must then disagree with their intent (the run
// exits 1), which tests/generate-oracle.sh checks.
//
// Exit: 0 all agree, 1 a disagreement (each one printed with its request
// and the two command lines that decide it again), 2 an error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const [setArg, outArg, binArg, npmArg] = process.argv.slice(2);
if (!npmArg) { console.error('usage: generate-oracle.mjs SET OUT BIN NPM'); process.exit(2); }
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const SET = resolve(setArg), OUT = resolve(outArg), BIN = resolve(binArg), NPM = resolve(npmArg);
const MUTATE = process.env.GENERATE_ORACLE_MUTATE === '1';
const MUTANT_ACTION = 'guardduty:DeleteDetector';
const fail = (msg) => { console.error(`generate-oracle: ${msg}`); process.exit(2); };
const rel = (f) => relative(process.cwd(), f) || '.';
const shq = (s) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

// ---- the requests ---------------------------------------------------------------
// The example baseline's parameters (policies/baseline.yaml, and the
// defaults of properties/stage6.yaml): break_glass
// arn:aws:iam::*:role/BreakGlass, approved_regions us-east-1 and eu-west-1,
// internet_accounts 000000000000, protected_role_pattern
// OrganizationAccountAccessRole, protected_rule_pattern security-*.
// Callers are in the member account 222233334444 (one in 000000000000).
const ACCT = '222233334444', NET = '000000000000';
const APP = `arn:aws:iam::${ACCT}:role/app`;
const ROOT_USER = `arn:aws:iam::${ACCT}:root`;
const BREAK_GLASS = `arn:aws:iam::${ACCT}:role/BreakGlass`;
const session = (role, name, account = ACCT) => ({ principal: `arn:aws:sts::${account}:assumed-role/${role}/${name}`, arn: `arn:aws:iam::${account}:role/${role}` });
const DEV = session('app', 'dev');
const BG = session('BreakGlass', 'alice');

// One row: kind (what the issue names, or the control), intent, reason, and
// the request. `as` is the caller: an ARN, or a session from session().
// Context keys as AWS sends them: aws:PrincipalArn (a session's role),
// aws:PrincipalAccount, aws:PrincipalType, aws:RequestedRegion (us-east-1
// for global services), aws:SecureTransport, aws:ResourceAccount.
const ec2 = (region, what) => `arn:aws:ec2:${region}:${ACCT}:${what}`;
const TABLE = [
  // root user
  ['root-user', 'denied', 'the root user of a member account is denied everything', ROOT_USER, 's3:GetObject', 'arn:aws:s3:::app-data/report.csv', 'us-east-1'],
  ['root-user', 'denied', 'even reading its own account in an approved region', ROOT_USER, 'iam:GetAccountSummary', '*', 'us-east-1'],
  ['root-user', 'allowed', 'near miss: a role of the same account, same request', APP, 's3:GetObject', 'arn:aws:s3:::app-data/report.csv', 'us-east-1'],
  // unapproved region
  ['region', 'allowed', 'eu-west-1 is approved', DEV, 'ec2:DescribeInstances', '*', 'eu-west-1'],
  ['region', 'denied', 'ap-south-1 is not approved and EC2 is regional', DEV, 'ec2:DescribeInstances', '*', 'ap-south-1'],
  ['region', 'allowed', 'ec2:DescribeRegions is exempt from the region control (global_services)', DEV, 'ec2:DescribeRegions', '*', 'ap-south-1'],
  ['region', 'allowed', 'sts is global: exempt in any region', DEV, 'sts:GetCallerIdentity', '*', 'ap-south-1'],
  ['region', 'denied', 'S3 object reads are regional', DEV, 's3:GetObject', 'arn:aws:s3:::app-data/report.csv', 'ap-south-1'],
  // GuardDuty deletion, and the other security services
  ['guardduty', 'denied', 'deleting the detector disables threat detection', DEV, 'guardduty:DeleteDetector', `arn:aws:guardduty:us-east-1:${ACCT}:detector/12abc34d567e8fa901bc2d34e56789f0`, 'us-east-1'],
  ['guardduty', 'allowed', 'near miss: reading the detector stays allowed', DEV, 'guardduty:GetDetector', `arn:aws:guardduty:us-east-1:${ACCT}:detector/12abc34d567e8fa901bc2d34e56789f0`, 'us-east-1'],
  ['cloudtrail', 'denied', 'StopLogging turns off the audit trail', DEV, 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/org-trail`, 'us-east-1'],
  ['cloudtrail', 'allowed', 'near miss: StartLogging only restores it', DEV, 'cloudtrail:StartLogging', `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/org-trail`, 'us-east-1'],
  ['cloudtrail', 'allowed', 'near miss: LookupEvents reads the trail', DEV, 'cloudtrail:LookupEvents', '*', 'eu-west-1'],
  ['security', 'denied', 'stopping the Config recorder', DEV, 'config:StopConfigurationRecorder', '*', 'us-east-1'],
  ['security', 'denied', 'disabling Security Hub', DEV, 'securityhub:DisableSecurityHub', `arn:aws:securityhub:us-east-1:${ACCT}:hub/default`, 'us-east-1'],
  ['security', 'denied', 'deleting the IAM Access Analyzer analyzer', DEV, 'access-analyzer:DeleteAnalyzer', `arn:aws:access-analyzer:us-east-1:${ACCT}:analyzer/org`, 'us-east-1'],
  ['security', 'denied', 'changing the account-level S3 Block Public Access', DEV, 's3:PutAccountPublicAccessBlock', '*', 'us-east-1'],
  ['security', 'allowed', 'near miss: reading the account-level S3 Block Public Access', DEV, 's3:GetAccountPublicAccessBlock', '*', 'us-east-1'],
  // access-key creation
  ['access-key', 'denied', 'long-term credentials are not created in member accounts', DEV, 'iam:CreateAccessKey', `arn:aws:iam::${ACCT}:user/ci`, 'us-east-1'],
  ['access-key', 'allowed', 'near miss: listing access keys', DEV, 'iam:ListAccessKeys', `arn:aws:iam::${ACCT}:user/ci`, 'us-east-1'],
  // leaving the Organization
  ['leave-org', 'denied', 'an account does not remove itself from the organization', DEV, 'organizations:LeaveOrganization', '*', 'us-east-1'],
  ['leave-org', 'allowed', 'near miss: describing the organization', DEV, 'organizations:DescribeOrganization', '*', 'us-east-1'],
  // internet gateway in a non-exempt account
  ['internet', 'denied', `${ACCT} is not in internet_accounts`, session('network', 'ops'), 'ec2:CreateInternetGateway', ec2('us-east-1', 'internet-gateway/*'), 'us-east-1'],
  ['internet', 'allowed', `near miss: ${NET} is in internet_accounts`, session('network', 'ops', NET), 'ec2:CreateInternetGateway', `arn:aws:ec2:us-east-1:${NET}:internet-gateway/*`, 'us-east-1'],
  ['internet', 'denied', 'attaching an internet gateway, non-exempt account', DEV, 'ec2:AttachInternetGateway', ec2('eu-west-1', 'internet-gateway/igw-0123456789abcdef0'), 'eu-west-1'],
  ['internet', 'denied', 'an egress-only internet gateway, non-exempt account', DEV, 'ec2:CreateEgressOnlyInternetGateway', ec2('us-east-1', 'egress-only-internet-gateway/*'), 'us-east-1'],
  ['internet', 'allowed', 'near miss: describing internet gateways', DEV, 'ec2:DescribeInternetGateways', '*', 'us-east-1'],
  // IMDSv2
  ['imdsv2', 'allowed', 'launching with ec2:MetadataHttpTokens required', DEV, 'ec2:RunInstances', ec2('us-east-1', 'instance/*'), 'us-east-1', { 'ec2:MetadataHttpTokens': 'required' }],
  ['imdsv2', 'denied', 'launching with ec2:MetadataHttpTokens optional', DEV, 'ec2:RunInstances', ec2('us-east-1', 'instance/*'), 'us-east-1', { 'ec2:MetadataHttpTokens': 'optional' }],
  ['imdsv2', 'denied', 'launching an instance without the key (StringNotEquals on an absent key)', DEV, 'ec2:RunInstances', ec2('us-east-1', 'instance/*'), 'us-east-1'],
  ['imdsv2', 'allowed', 'near miss: RunInstances on the image, which carries no metadata key', DEV, 'ec2:RunInstances', 'arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0', 'us-east-1'],
  ['imdsv2', 'denied', 'switching an instance back to optional tokens', DEV, 'ec2:ModifyInstanceMetadataOptions', ec2('us-east-1', 'instance/i-0123456789abcdef0'), 'us-east-1', { 'ec2:MetadataHttpTokens': 'optional' }],
  ['imdsv2', 'allowed', 'near miss: setting tokens to required', DEV, 'ec2:ModifyInstanceMetadataOptions', ec2('us-east-1', 'instance/i-0123456789abcdef0'), 'us-east-1', { 'ec2:MetadataHttpTokens': 'required' }],
  ['imdsv2', 'denied', 'role credentials delivered by IMDSv1 (ec2:RoleDelivery 1.0)', session('app', 'i-0123456789abcdef0'), 's3:GetObject', 'arn:aws:s3:::app-data/report.csv', 'us-east-1', { 'ec2:RoleDelivery': '1.0' }],
  ['imdsv2', 'allowed', 'near miss: delivered by IMDSv2 (ec2:RoleDelivery 2.0)', session('app', 'i-0123456789abcdef0'), 's3:GetObject', 'arn:aws:s3:::app-data/report.csv', 'us-east-1', { 'ec2:RoleDelivery': '2.0' }],
  // protected roles
  ['protected-role', 'denied', 'the organization\'s access role keeps its trust policy', DEV, 'iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCT}:role/OrganizationAccountAccessRole`, 'us-east-1'],
  ['protected-role', 'denied', 'nor may it be deleted', DEV, 'iam:DeleteRole', `arn:aws:iam::${ACCT}:role/OrganizationAccountAccessRole`, 'us-east-1'],
  ['protected-role', 'allowed', 'near miss: another role\'s trust policy is the account\'s own', DEV, 'iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCT}:role/app`, 'us-east-1'],
  // EventBridge monitoring
  ['monitoring', 'denied', 'a security-* rule carries the alerts', DEV, 'events:DeleteRule', `arn:aws:events:us-east-1:${ACCT}:rule/security-guardduty-findings`, 'us-east-1'],
  ['monitoring', 'allowed', 'near miss: the team\'s own rule', DEV, 'events:DeleteRule', `arn:aws:events:us-east-1:${ACCT}:rule/app-nightly`, 'us-east-1'],
  // unapproved service
  ['service', 'denied', 'SageMaker is not an approved service', DEV, 'sagemaker:CreateNotebookInstance', `arn:aws:sagemaker:us-east-1:${ACCT}:notebook-instance/nb`, 'us-east-1'],
  ['service', 'allowed', 'near miss: Lambda is approved', DEV, 'lambda:InvokeFunction', `arn:aws:lambda:us-east-1:${ACCT}:function:report`, 'us-east-1'],
  // break-glass
  ['break-glass', 'allowed', 'break-glass may delete the detector in an approved region', BG, 'guardduty:DeleteDetector', `arn:aws:guardduty:us-east-1:${ACCT}:detector/12abc34d567e8fa901bc2d34e56789f0`, 'us-east-1'],
  ['break-glass', 'allowed', 'and in an unapproved one', BG, 'guardduty:DeleteDetector', `arn:aws:guardduty:ap-south-1:${ACCT}:detector/12abc34d567e8fa901bc2d34e56789f0`, 'ap-south-1'],
  ['break-glass', 'allowed', 'the role itself, not a session, stopping the trail', BREAK_GLASS, 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/org-trail`, 'us-east-1'],
  ['break-glass', 'allowed', 'break-glass may change a protected role', BG, 'iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCT}:role/OrganizationAccountAccessRole`, 'us-east-1'],
  ['break-glass', 'allowed', 'break-glass may create an internet gateway', BG, 'ec2:CreateInternetGateway', ec2('us-east-1', 'internet-gateway/*'), 'us-east-1'],
  ['break-glass', 'allowed', 'break-glass may use an unapproved service', BG, 'sagemaker:CreateNotebookInstance', `arn:aws:sagemaker:us-east-1:${ACCT}:notebook-instance/nb`, 'us-east-1'],
  ['break-glass', 'denied', 'near miss: a role with a path is not role/BreakGlass', { principal: `arn:aws:sts::${ACCT}:assumed-role/BreakGlass/alice`, arn: `arn:aws:iam::${ACCT}:role/team/BreakGlass` }, 'guardduty:DeleteDetector', `arn:aws:guardduty:us-east-1:${ACCT}:detector/12abc34d567e8fa901bc2d34e56789f0`, 'us-east-1'],
  ['break-glass', 'denied', 'near miss: role/BreakGlass-old is another role', session('BreakGlass-old', 'alice'), 'guardduty:DeleteDetector', `arn:aws:guardduty:us-east-1:${ACCT}:detector/12abc34d567e8fa901bc2d34e56789f0`, 'us-east-1'],
  // ordinary work
  ['ordinary', 'allowed', 'a session reading S3 in an approved region', DEV, 's3:GetObject', 'arn:aws:s3:::app-data/report.csv', 'eu-west-1'],
  ['ordinary', 'allowed', 'writing to DynamoDB', DEV, 'dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders`, 'us-east-1'],
  ['ordinary', 'allowed', 'creating a role (IAM is approved and global)', DEV, 'iam:CreateRole', `arn:aws:iam::${ACCT}:role/worker`, 'us-east-1'],
  ['ordinary', 'allowed', 'an IAM user sending to SQS', `arn:aws:iam::${ACCT}:user/ci`, 'sqs:SendMessage', `arn:aws:sqs:eu-west-1:${ACCT}:jobs`, 'eu-west-1'],
];

function request([, , , as, action, resource, region, extra]) {
  const caller = typeof as === 'string' ? { principal: as, arn: as } : as;
  const account = caller.arn.split(':')[4];
  const type = /:root$/.test(caller.arn) ? 'Account' : /:user\//.test(caller.arn) ? 'User' : caller.principal.includes(':assumed-role/') ? 'AssumedRole' : 'Role';
  const m = resource.match(/^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/);
  return {
    principal: caller.principal,
    action,
    resource,
    context: {
      'aws:PrincipalArn': caller.arn,
      'aws:PrincipalAccount': account,
      'aws:PrincipalType': type,
      'aws:RequestedRegion': region,
      'aws:SecureTransport': 'true',
      'aws:ResourceAccount': m ? m[1] : account,
      ...(extra ?? {}),
    },
  };
}
const rows = TABLE.map((t) => ({ kind: t[0], intent: t[1], reason: t[2], request: request(t) }));
for (const r of rows) if (r.intent !== 'allowed' && r.intent !== 'denied') fail(`${r.kind}: intent must be allowed or denied, not ${r.intent}`);

// ---- the target -----------------------------------------------------------------
rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, '0'), { recursive: true });
const attachments = JSON.parse(readFileSync(join(SET, 'attachments.json'), 'utf8'));
const elsewhere = attachments.policies.filter((p) => p.target !== 'root');
if (elsewhere.length) fail(`${elsewhere.map((p) => `${p.name} (${p.target})`).join(', ')}: attached below the root; this test decides the root's level only`);
let files = attachments.policies.map((p) => join(SET, p.file));
if (!files.length) fail(`${rel(SET)}/attachments.json attaches nothing at the root`);
const full = !(attachments.detach_full_aws_access ?? []).includes('root');

let mutated = null;
if (MUTATE) {
  files = files.map((f) => {
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    let hit = false;
    for (const s of doc.Statement) {
      if (s.Effect !== 'Deny' || s.Action === undefined) continue;
      const list = [].concat(s.Action);
      const kept = list.filter((a) => a.toLowerCase() !== MUTANT_ACTION.toLowerCase());
      if (kept.length === list.length || !kept.length) continue;
      s.Action = kept;
      hit = true;
      mutated = `${MUTANT_ACTION} removed from statement ${s.Sid ?? '(no Sid)'} of ${rel(f)}`;
    }
    if (!hit) return f;
    const copy = join(OUT, `mutant-${f.split('/').pop()}`);
    writeFileSync(copy, JSON.stringify(doc) + '\n');
    return copy;
  });
  if (!mutated) fail(`GENERATE_ORACLE_MUTATE: no Deny statement of the set lists ${MUTANT_ACTION} among others`);
  console.log(`generate-oracle: mutant: ${mutated}`);
}

const allowAll = join(ROOT, 'fixtures/eval/allow-all.json');
const reqFile = join(OUT, '0', 'requests.jsonl');
writeFileSync(reqFile, rows.map((r) => JSON.stringify(r.request)).join('\n') + '\n');

// ---- 1. the independent simulator, as a separate process ----------------------------
// oracle.mjs's manifest: files absolute, null for FullAWSAccess in an SCP level.
const level = [...(full ? [null] : []), ...files];
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({
  scenarios: [{ name: 'generated set at the root', dir: '0', identity: [allowAll], resource: null, boundary: null, session: null,
    scps: [level], rcps: [], org: null, requests: rows.length }],
}, null, 1) + '\n');
const t0 = Date.now();
const o = spawnSync(process.execPath, [join(ROOT, 'tests/difftest/oracle.mjs'), OUT, NPM], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
if (o.status !== 0) fail(`oracle.mjs exited ${o.status}: ${(o.stderr || '').trim().split('\n').slice(-1)[0]}`);
const oracle = readFileSync(join(OUT, '0', 'oracle.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).decision);
const oracleSecs = (Date.now() - t0) / 1000;

// ---- 2. iamproof simulate ---------------------------------------------------------------
const args = ['--identity', allowAll, '--scp', [...(full ? ['FullAWSAccess'] : []), ...files].join(',')];
const s = spawnSync(BIN, ['simulate', ...args, '--requests', reqFile], { encoding: 'utf8' });
if (s.status !== 0) fail(`iamproof simulate exited ${s.status}: ${(s.stderr || '').trim().split('\n')[0]}`);
const ours = s.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).decision);
if (oracle.length !== rows.length || ours.length !== rows.length)
  fail(`${rows.length} requests, ${oracle.length} answers from the simulator, ${ours.length} from iamproof`);

// ---- 3. the verdict ----------------------------------------------------------------------
const is = (intent, d) => (intent === 'denied' ? d === 'explicitDeny' || d === 'implicitDeny' : d === 'allowed');
const pad = (x, n) => String(x).padEnd(n);
const bad = [];
rows.forEach((r, i) => {
  r.oracle = oracle[i];
  r.ours = ours[i];
  r.ok = r.oracle === r.ours && is(r.intent, r.oracle);
  if (!r.ok) bad.push(i);
  const who = r.request.context['aws:PrincipalArn'].replace(/^arn:aws:(iam|sts)::/, '');
  console.log(`${r.ok ? 'ok      ' : 'DISAGREE'} ${pad(r.kind, 15)} ${pad(r.intent, 8)} simulator=${pad(r.oracle, 13)} iamproof=${pad(r.ours, 13)}` +
    ` ${r.request.action} by ${who} in ${r.request.context['aws:RequestedRegion']}: ${r.reason}`);
});

for (const i of bad) {
  const r = rows[i];
  console.log(`\nrequest ${i + 1} (${r.kind}, ${r.request.action}): intent ${r.intent}, simulator ${r.oracle}, iamproof ${r.ours} (${r.reason})`);
  console.log(`  request: ${JSON.stringify(r.request)}`);
  console.log(`  simulator: node tests/difftest/oracle.mjs ${shq(rel(OUT))} ${shq(rel(NPM))} --one 0 ${i + 1}`);
  console.log(`  iamproof:  ${shq(rel(BIN))} simulate ${args.map((a) => shq(a.split(',').map((f) => (existsSync(f) ? rel(f) : f)).join(','))).join(' ')}` +
    ` --format text --request ${shq(JSON.stringify(r.request))}`);
}
const denied = rows.filter((r) => r.intent === 'denied').length;
const kinds = new Set(rows.map((r) => r.kind)).size;
console.log(`\ngenerate-oracle: ${rows.length} requests of ${kinds} kinds (${denied} denied, ${rows.length - denied} allowed by intent) over ${files.map(rel).join(', ')}` +
  `${full ? ' with FullAWSAccess' : ''}; simulator ${oracleSecs.toFixed(1)} s`);
console.log(`generate-oracle: ${rows.length - bad.length} agree (intent = simulator = iamproof), ${bad.length} disagree`);
process.exit(bad.length ? 1 : 0);
