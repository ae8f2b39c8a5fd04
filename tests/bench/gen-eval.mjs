// gen-eval.mjs - the workload of scripts/bench-eval.sh: ten AWS managed
// policies as identity policies (the most a role can have attached), two
// SCP levels, a permission boundary, and 10,000 requests drawn from the
// policies' own actions.
//   node gen-eval.mjs MANAGED_POLICIES_JSON OUT
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src, out] = process.argv.slice(2);
const NAMES = ['ReadOnlyAccess', 'AmazonS3FullAccess', 'AmazonEC2FullAccess', 'AWSLambda_FullAccess',
  'AmazonDynamoDBFullAccess', 'CloudWatchLogsFullAccess', 'AmazonSQSFullAccess', 'IAMReadOnlyAccess',
  'AWSCloudTrail_FullAccess', 'AmazonSNSFullAccess'];
const all = JSON.parse(readFileSync(src, 'utf8'));
mkdirSync(out, { recursive: true });
const actions = new Set();
const files = [];
for (const name of NAMES) {
  const p = all[name];
  if (!p) throw new Error(`managed policy ${name} not found`);
  const doc = p.versions[p.latestVersionId].document;
  const f = join(out, `${name}.json`);
  writeFileSync(f, JSON.stringify(doc, null, 1));
  files.push(f);
  for (const st of [].concat(doc.Statement)) for (const a of [].concat(st.Action || st.NotAction || [])) actions.add(a);
}
writeFileSync(join(out, 'identity.list'), files.join('\n') + '\n');
writeFileSync(join(out, 'scp-root.json'), JSON.stringify({ Version: '2012-10-17', Statement: [
  { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' },
  { Sid: 'DenyLeaveOrg', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] }, null, 1));
writeFileSync(join(out, 'scp-ou.json'), JSON.stringify({ Version: '2012-10-17', Statement: [
  { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' },
  { Sid: 'Regions', Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 'cloudfront:*', 'route53:*', 'support:*', 'organizations:*'],
    Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] },
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' } } },
  { Sid: 'ProtectTrail', Effect: 'Deny', Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'], Resource: '*' }] }, null, 1));
writeFileSync(join(out, 'boundary.json'), JSON.stringify({ Version: '2012-10-17', Statement: [
  { Sid: 'Ceiling', Effect: 'Allow', NotAction: ['iam:Create*', 'iam:Put*', 'iam:Attach*'], Resource: '*' },
  { Sid: 'OwnPrefix', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::secret-*' }] }, null, 1));

let seed = 42;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const acts = [...actions];
const fill = (a) => a.replace(/\*/g, () => pick(['', 'Object', 'Bucket', 'Instances', 'Function'])).replace(/\?/g, 'a');
const resources = ['arn:aws:s3:::data/k', 'arn:aws:s3:::secret-x/y', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1',
  'arn:aws:lambda:eu-west-1:111122223333:function:f', 'arn:aws:dynamodb:us-east-1:111122223333:table/t',
  'arn:aws:iam::111122223333:role/r', 'arn:aws:sqs:us-east-1:111122223333:q', 'arn:aws:logs:us-east-1:111122223333:log-group:g'];
const lines = [];
for (let i = 0; i < 10000; i++) {
  let action = fill(pick(acts));
  if (!action.includes(':') || action.endsWith(':')) action = 's3:GetObject';
  lines.push(JSON.stringify({
    principal: pick(['arn:aws:iam::111122223333:user/alice', 'arn:aws:sts::111122223333:assumed-role/app/s',
      'arn:aws:iam::111122223333:role/break-glass']),
    action, resource: pick(resources),
    context: { 'aws:RequestedRegion': pick(['us-east-1', 'eu-west-1', 'ap-south-1']), 'aws:SecureTransport': true },
  }));
}
writeFileSync(join(out, 'requests.jsonl'), lines.join('\n') + '\n');
