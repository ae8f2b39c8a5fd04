#!/usr/bin/env node
// cloudtrail-gen.js OUT EVENTS ACCOUNTS [PER_FILE] - a synthetic
// organization and a week of CloudTrail logs for `iamproof replay`
// (tests/replay.sh, scripts/bench-replay.sh; docs/replay.md).
//
// Writes OUT/org.yaml (a management account and ACCOUNTS member accounts
// under OU Workloads), OUT/deny-regions.json (a region restriction with
// the global services exempt) and OUT/deny-root.json (deny the root
// user), OUT/logs/ACCOUNT/... gzip'ed log files of PER_FILE records
// (default 1000), and OUT/expected.json: the event ids that each SCP
// must newly deny, worked out here from what was generated, not by
// iamproof. Deterministic: a fixed seed.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [out, nEvents, nAccounts, perFileArg] = process.argv.slice(2);
if (!out || !nEvents || !nAccounts) {
	console.error('usage: node scripts/cloudtrail-gen.js OUT EVENTS ACCOUNTS [PER_FILE]');
	process.exit(2);
}
const EVENTS = Number(nEvents), ACCOUNTS = Number(nAccounts), PER_FILE = Number(perFileArg || 1000);

let seed = 12345;
function rnd(n) {
	seed = (seed * 1103515245 + 12345) % 2147483648;
	return Math.floor((seed / 2147483648) * n);
}
const pick = (a) => a[rnd(a.length)];

const APPROVED = ['us-east-1', 'eu-west-1'];
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'us-west-2'];
// the region SCP's NotAction: these services are exempt
const GLOBAL = ['iam', 'organizations', 'sts', 'cloudfront', 'route53', 'support'];
const CALLS = [
	['ec2.amazonaws.com', 'RunInstances', 'ec2'], ['ec2.amazonaws.com', 'DescribeInstances', 'ec2'],
	['s3.amazonaws.com', 'GetObject', 's3'], ['s3.amazonaws.com', 'HeadObject', 's3'],
	['s3.amazonaws.com', 'ListObjects', 's3'], ['s3.amazonaws.com', 'PutObject', 's3'],
	['lambda.amazonaws.com', 'Invoke', 'lambda'], ['kms.amazonaws.com', 'Decrypt', 'kms'],
	['dynamodb.amazonaws.com', 'GetItem', 'dynamodb'], ['logs.amazonaws.com', 'PutLogEvents', 'logs'],
	['iam.amazonaws.com', 'GetRole', 'iam'], ['iam.amazonaws.com', 'CreateUser', 'iam'],
	['sts.amazonaws.com', 'AssumeRole', 'sts'], ['organizations.amazonaws.com', 'DescribeOrganization', 'organizations'],
	['cloudfront.amazonaws.com', 'CreateInvalidation', 'cloudfront'], ['route53.amazonaws.com', 'ChangeResourceRecordSets', 'route53'],
];
const MGMT = '100000000000';
const accounts = [];
for (let i = 0; i < ACCOUNTS; i++) accounts.push(String(200000000000 + i * 1111));

function identity(acct, kind) {
	if (kind === 'root')
		return { type: 'Root', principalId: acct, arn: `arn:aws:iam::${acct}:root`, accountId: acct, accessKeyId: 'ASIAEXAMPLE' };
	if (kind === 'user')
		return { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${acct}:user/dev${rnd(5)}`, accountId: acct, accessKeyId: 'AKIAEXAMPLE', userName: 'dev' };
	const slr = kind === 'slr';
	const role = slr ? 'AWSServiceRoleForAutoScaling' : `app${rnd(8)}`;
	const rpath = slr ? 'aws-service-role/autoscaling.amazonaws.com/' : '';
	return {
		type: 'AssumedRole', principalId: `AROAEXAMPLE:s${rnd(100)}`,
		arn: `arn:aws:sts::${acct}:assumed-role/${role}/s${rnd(100)}`, accountId: acct, accessKeyId: 'ASIAEXAMPLE',
		sessionContext: {
			sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${acct}:role/${rpath}${role}`, accountId: acct, userName: role },
			attributes: { mfaAuthenticated: 'false', creationDate: '2026-11-23T00:00:00Z' },
		},
	};
}

const expected = { regions: [], root: [], events: EVENTS };
const start = Date.parse('2026-11-23T00:00:00Z');
let n = 0, fileNo = 0;
fs.mkdirSync(path.join(out, 'logs'), { recursive: true });
while (n < EVENTS) {
	const records = [];
	for (let k = 0; k < PER_FILE && n < EVENTS; k++, n++) {
		const mgmt = rnd(50) === 0;
		const acct = mgmt ? MGMT : pick(accounts);
		const r = rnd(100);
		const kind = r < 2 ? 'root' : r < 5 ? 'slr' : r < 25 ? 'user' : 'role';
		const [source, name, svc] = pick(CALLS);
		const region = pick(REGIONS);
		const failed = rnd(40) === 0;
		const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
		const rec = {
			eventVersion: '1.11', userIdentity: identity(acct, kind),
			eventTime: new Date(start + Math.floor((n * 7 * 86400000) / EVENTS)).toISOString().replace(/\.\d+Z$/, 'Z'),
			eventSource: source, eventName: name, awsRegion: region, sourceIPAddress: `198.51.100.${rnd(250)}`,
			userAgent: 'aws-sdk-go/1.0', requestParameters: null, responseElements: null,
			requestID: `r${n}`, eventID: id, readOnly: true, eventType: 'AwsApiCall', managementEvent: svc !== 's3',
			recipientAccountId: acct, eventCategory: svc === 's3' ? 'Data' : 'Management',
			tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: source },
		};
		if (svc === 's3') {
			const b = `bucket-${acct}`;
			rec.requestParameters = name === 'ListObjects' ? { bucketName: b } : { bucketName: b, key: `k${rnd(1000)}` };
			rec.resources = name === 'ListObjects' ? [{ accountId: acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` }]
				: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${b}/${rec.requestParameters.key}` }, { accountId: acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` }];
		}
		if (failed) {
			rec.errorCode = 'AccessDenied';
			rec.errorMessage = 'not authorized';
		}
		// SCPs govern neither the management account nor service-linked roles
		const governed = !failed && !mgmt && kind !== 'slr';
		if (governed && !APPROVED.includes(region) && !GLOBAL.includes(svc))
			expected.regions.push(id);
		if (governed && kind === 'root')
			expected.root.push(id);
		records.push(rec);
	}
	const acctDir = path.join(out, 'logs', String(fileNo % 7));
	fs.mkdirSync(acctDir, { recursive: true });
	fs.writeFileSync(path.join(acctDir, `f${String(fileNo).padStart(6, '0')}.json.gz`),
		zlib.gzipSync(JSON.stringify({ Records: records }), { level: 6 }));
	fileNo++;
}
fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify(expected));

let org = `management_account: "${MGMT}"\nroot:\n  scps: [FullAWSAccess]\n  accounts:\n    - id: "${MGMT}"\n      name: management\n  ous:\n    - name: Workloads\n      accounts:\n`;
for (const a of accounts) org += `        - id: "${a}"\n`;
fs.writeFileSync(path.join(out, 'org.yaml'), org);
fs.writeFileSync(path.join(out, 'deny-regions.json'), JSON.stringify({
	Version: '2012-10-17',
	Statement: [{ Sid: 'DenyOutsideApprovedRegions', Effect: 'Deny', NotAction: GLOBAL.map((s) => `${s}:*`), Resource: '*',
		Condition: { StringNotEquals: { 'aws:RequestedRegion': APPROVED } } }],
}, null, 2) + '\n');
fs.writeFileSync(path.join(out, 'deny-root.json'), JSON.stringify({
	Version: '2012-10-17',
	Statement: [{ Sid: 'DenyRoot', Effect: 'Deny', Action: '*', Resource: '*',
		Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } } }],
}, null, 2) + '\n');
