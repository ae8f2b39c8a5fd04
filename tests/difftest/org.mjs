// org.mjs - the organization of an org.yaml for the differential test's
// oracle driver: which SCP levels govern a caller's account and which RCP
// levels a resource owner's account (analyzer/org.h describes the file).
//
// org.yaml is read with a reader for the subset of YAML that the test's
// org files use (block mappings and lists, flow lists of scalars, quoted
// and plain scalars, comments); a file that is JSON (a flow mapping) is
// read as JSON. Anything else is an error, never a guess.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function scalar(text, where) {
  const s = text.trim();
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new Error(`${where}: unterminated string`);
    return JSON.parse(s);
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new Error(`${where}: unterminated string`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new Error(`${where}: unterminated flow list`);
    const inner = s.slice(1, -1).trim();
    if (!inner) return [];
    const items = [];
    let cur = '', quote = null;
    for (const c of inner) {
      if (quote) { cur += c; if (c === quote) quote = null; continue; }
      if (c === '"' || c === "'") { quote = c; cur += c; continue; }
      if (c === '[' || c === '{') throw new Error(`${where}: nested flow collections are not supported`);
      if (c === ',') { items.push(scalar(cur, where)); cur = ''; continue; }
      cur += c;
    }
    items.push(scalar(cur, where));
    return items;
  }
  if (s.startsWith('{')) throw new Error(`${where}: flow mappings are not supported`);
  return s;
}

// Strips a comment that starts outside quotes.
function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

export function parseYamlSubset(text, file = 'org.yaml') {
  const lines = [];
  text.split('\n').forEach((raw, i) => {
    const line = stripComment(raw.replace(/\r$/, ''));
    if (!line.trim()) return;
    if (/\t/.test(line.match(/^\s*/)[0])) throw new Error(`${file}:${i + 1}: tab indentation`);
    lines.push({ indent: line.match(/^ */)[0].length, text: line.trim(), no: i + 1 });
  });
  let pos = 0;
  const where = () => `${file}:${lines[Math.min(pos, lines.length - 1)]?.no ?? 0}`;

  function keyValue(text) {
    const m = text.match(/^("[^"]*"|'[^']*'|[^:]+?)\s*:(\s+(.*))?$/);
    if (!m) return null;
    return { key: scalar(m[1], where()), rest: m[3] === undefined ? '' : m[3] };
  }

  // A block at `indent`: a mapping or a list, decided by its first line.
  function block(indent) {
    if (pos >= lines.length || lines[pos].indent < indent) return null;
    indent = lines[pos].indent;
    if (lines[pos].text.startsWith('- ') || lines[pos].text === '-') return list(indent);
    return mapping(indent);
  }

  function mapping(indent, first) {
    const out = {};
    let pending = first;
    for (;;) {
      let text;
      if (pending !== undefined) { text = pending; pending = undefined; }
      else {
        if (pos >= lines.length || lines[pos].indent < indent) break;
        if (lines[pos].indent > indent) throw new Error(`${where()}: unexpected indentation`);
        text = lines[pos].text;
        if (text.startsWith('- ')) break;
        pos++;
      }
      const kv = keyValue(text);
      if (!kv) throw new Error(`${where()}: expected "key: value"`);
      if (Object.hasOwn(out, kv.key)) throw new Error(`${where()}: duplicate key ${kv.key}`);
      if (kv.rest !== '') out[kv.key] = scalar(kv.rest, where());
      else if (pos < lines.length && (lines[pos].indent > indent ||
               (lines[pos].indent === indent && lines[pos].text.startsWith('- '))))
        out[kv.key] = block(lines[pos].indent);
      else out[kv.key] = null;
    }
    return out;
  }

  function list(indent) {
    const out = [];
    while (pos < lines.length && lines[pos].indent === indent && (lines[pos].text.startsWith('- ') || lines[pos].text === '-')) {
      const item = lines[pos].text.slice(1).trim();
      pos++;
      if (item === '') { out.push(block(indent + 1)); continue; }
      if (keyValue(item) && !/^["'[]/.test(item)) {
        // "- key: value" opens a mapping whose keys are indented to the key.
        out.push(mapping(indent + 2, item));
      } else out.push(scalar(item, where()));
    }
    return out;
  }

  const root = block(0);
  if (pos < lines.length) throw new Error(`${where()}: unexpected content`);
  return root;
}

export const FULL_SCP = { Version: '2012-10-17', Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }] };
export const FULL_RCP = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] };

// Loads org.yaml: { management, accounts: Map(id -> [nodes root..account]) }.
// Each node: { name, scps: [{name, file|null}], rcps: [...] } with files
// resolved against org.yaml's directory; a node without "scps" has
// FullAWSAccess only (AWS's default attachment).
export function loadOrg(file) {
  const text = readFileSync(file, 'utf8');
  const doc = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYamlSubset(text, file);
  const dir = dirname(resolve(file));
  const refs = (list, full) => (list ?? []).map((r) => {
    r = String(r);
    if (r === full || r === 'FullAWSAccess' || r === 'RCPFullAWSAccess') return { name: r, file: null };
    return { name: r, file: resolve(dir, r) };
  });
  const accounts = new Map();
  function walk(v, path, kind) {
    const node = {
      kind,
      name: kind === 'root' ? 'root' : String(v.name ?? v.id),
      id: kind === 'account' ? String(v.id) : null,
      scps: v.scps === undefined || v.scps === null ? [{ name: 'FullAWSAccess', file: null }] : refs(v.scps, 'FullAWSAccess'),
      rcps: refs(v.rcps, 'RCPFullAWSAccess'),
    };
    const here = [...path, node];
    if (kind === 'account') {
      if (accounts.has(node.id)) throw new Error(`${file}: account ${node.id} appears twice`);
      accounts.set(node.id, here);
      return;
    }
    for (const ou of v.ous ?? []) walk(ou, here, 'ou');
    for (const a of v.accounts ?? []) walk(a, here, 'account');
  }
  if (!doc || !doc.root) throw new Error(`${file}: no root`);
  walk(doc.root, [], 'root');
  return { file, management: doc.management_account ? String(doc.management_account) : null, accounts };
}

// The nodes whose SCPs govern a caller of `account` (root first), or []
// when the account is outside the organization or is its management account.
export function orgPath(org, account) {
  if (!account || account === org.management) return [];
  return org.accounts.get(account) ?? [];
}
