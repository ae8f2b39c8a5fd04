// switches.mjs - the switch rule's machinery, shared by difftest.mjs (the
// evaluator against the independent simulator) and prove-oracle.mjs (the
// prover's counterexamples against it): which compatibility switches the
// binary knows, and which of them alone make `iamproof simulate` decide a
// request as the other simulator did (docs/semantics.md, "The switch rule").
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const JOBS = Math.max(2, cpus().length);

export const parseLine = (l) => { try { return JSON.parse(l); } catch { return { error: `unparsable line: ${l.slice(0, 80)}` }; } };

// The switches the binary knows: `simulate --list-compat`, else the names
// in analyzer/compat.def (the binary then rejects them: "not available"),
// else none. DIFFTEST_COMPAT (comma-separated) overrides both.
export function switchList(bin) {
  if (process.env.DIFFTEST_COMPAT !== undefined)
    return { names: process.env.DIFFTEST_COMPAT.split(',').map((s) => s.trim()).filter(Boolean), source: 'DIFFTEST_COMPAT' };
  const r = spawnSync(bin, ['simulate', '--list-compat'], { encoding: 'utf8' });
  // One switch a line: its name, optionally followed by a tab and what it does.
  if (r.status === 0 && r.stdout.trim()) return { names: r.stdout.split('\n').map((s) => s.trim().split(/\s/)[0]).filter(Boolean), source: '--list-compat' };
  const def = join(ROOT, 'analyzer/compat.def');
  if (existsSync(def)) {
    const names = [...readFileSync(def, 'utf8').matchAll(/^\s*COMPAT\(\s*\w+\s*,\s*"([^"]+)"/gm)].map((m) => m[1]);
    return { names, source: 'analyzer/compat.def (the binary has no --list-compat)' };
  }
  return { names: [], source: 'none (no --list-compat, no analyzer/compat.def)' };
}

// Runs jobs (functions returning promises) at most `n` at a time.
export async function pool(jobs, n) {
  let next = 0;
  const worker = async () => { while (next < jobs.length) await jobs[next++](); };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
}

export function run(bin, args, cwd = ROOT) {
  return new Promise((done) => {
    const p = spawn(bin, args, { cwd });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => done({ status, stdout: out, stderr: err }));
  });
}

// `simulate ARGS --compat S --requests FILE` once per switch S (`switches`
// may hold pairs "a,b"): per request of FILE, the set of S under which
// iamproof's decision is wanted[k]. A switch the binary refuses goes into
// `unavailable` with the reason.
export async function fixedBy(bin, args, file, wanted, switches, unavailable) {
  const fixed = wanted.map(() => new Set());
  await pool(switches.map((s) => async () => {
    const r = await run(bin, ['simulate', ...args, '--compat', s, '--requests', file]);
    const out = r.stdout.split('\n').filter(Boolean).map(parseLine);
    if (r.status !== 0 && out.length !== wanted.length) {
      unavailable[s] = unavailable[s] || r.stderr.trim().split('\n')[0] || `exit ${r.status}`;
      return;
    }
    wanted.forEach((w, k) => { if (out[k] && out[k].decision === w) fixed[k].add(s); });
  }), JOBS);
  return fixed;
}
