/**
 * First-task latency from a cold scheduler: from `Scheduler.withProcesses(1)` and `run()` to the
 * first result, for a JS task module and for the same module in TypeScript, with the transpile
 * cache warm (the steady state) and cold (a fresh FORKLINE_CACHE_DIR: the first run on a machine).
 * Baseline: fork a plain JS child that imports the JS module and time its first message.
 *
 * And the first result after `scheduler.warm()`, awaited as an app or a CLI would at boot: from
 * `run()` to the first result, on a child that is already up. Baselines: the cold cases above, a
 * plain child already up that imports the module on its first message, and amltk's 9 ms (its
 * first task, measured in issue 15: it forks an interpreter that has its modules loaded already).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scheduler, taskRef } from 'forkline';
import { firstResult } from './session.mjs';
import { exited, format, makeCase, median, note } from './stats.mjs';

const JS = taskRef(new URL('./tasks/startup.mjs', import.meta.url), 'greet');
const TS = taskRef(new URL('./tasks/startup.ts', import.meta.url), 'greet');
const RAW_CHILD = fileURLToPath(new URL('./tasks/raw-startup.mjs', import.meta.url));
const RAW_WARM_CHILD = fileURLToPath(new URL('./tasks/raw-warm.mjs', import.meta.url));
/** amltk's first task on this machine (issue 15), a reference: it does not run here. */
const AMLTK_FIRST_TASK_MS = 9;

/** ms from a new scheduler to the first result of `ref`. */
async function firstTask(ref, cacheDirectory) {
  const started = performance.now();
  const scheduler = Scheduler.withProcesses(1, cacheDirectory === undefined ? {} : { env: { ...process.env, FORKLINE_CACHE_DIR: cacheDirectory } });
  return (await firstResult(scheduler, ref, started)).ms;
}

/** ms from `run()` to the first result of `ref` on a pool warmed first; and how long warm() took. */
async function firstAfterWarm(ref) {
  const scheduler = Scheduler.withProcesses(1);
  const warming = performance.now();
  await scheduler.warm();
  const started = performance.now();
  const { ms } = await firstResult(scheduler, ref, started);
  return { ms, warmMs: started - warming };
}

/** ms from the first message to a child that is already up to its answer. */
async function rawFirstOnWarm() {
  const child = fork(RAW_WARM_CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
  const started = performance.now();
  const answered = new Promise((resolve) => child.once('message', resolve));
  child.send('bench');
  await answered;
  const ms = performance.now() - started;
  await exited(child);
  return ms;
}

/** ms from fork() to the child's first message. */
async function rawFirstMessage() {
  const started = performance.now();
  const child = fork(RAW_CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
  const ms = performance.now() - started;
  await exited(child);
  return ms;
}

export default async function startup({ quick }) {
  const reps = quick ? 5 : 15;
  const coldReps = quick ? 2 : 5;
  const warmCache = mkdtempSync(join(tmpdir(), 'forkline-bench-cache-'));
  const coldCaches = [];
  try {
    note('first task from a cold scheduler: warming up…');
    await rawFirstMessage();
    await firstTask(JS);
    await firstTask(TS, warmCache);
    await firstAfterWarm(JS);
    await rawFirstOnWarm();
    const times = { raw: [], js: [], ts: [], tsCold: [], warm: [], warmBoot: [], rawWarm: [] };
    for (let rep = 0; rep < reps; rep++) {
      times.raw.push(await rawFirstMessage());
      times.js.push(await firstTask(JS));
      const { ms, warmMs } = await firstAfterWarm(JS);
      times.warm.push(ms);
      times.warmBoot.push(warmMs);
      times.rawWarm.push(await rawFirstOnWarm());
      times.ts.push(await firstTask(TS, warmCache));
      if (rep < coldReps) {
        const cold = mkdtempSync(join(tmpdir(), 'forkline-bench-cold-'));
        coldCaches.push(cold);
        times.tsCold.push(await firstTask(TS, cold));
      }
    }
    const raw = median(times.raw);
    const js = median(times.js);
    const ts = median(times.ts);
    const tsCold = median(times.tsCold);
    const warm = median(times.warm);
    const rawWarm = median(times.rawWarm);
    return [
      makeCase({ group: 'startup', name: 'first task, JS module', unit: 'ms', better: 'lower', forkline: js, baselines: { raw } }),
      makeCase({
        group: 'startup',
        name: 'first result after warm(), JS module',
        unit: 'ms',
        better: 'lower',
        forkline: warm,
        baselines: { raw, raw_warm_child: rawWarm, forkline_cold: js, amltk: AMLTK_FIRST_TASK_MS },
        target: `≤ amltk's ${AMLTK_FIRST_TASK_MS} ms first task (reference from issue 15, not run here): ${format(warm)} ms, ${(warm / rawWarm).toFixed(2)}× a plain child already up`,
        met: warm <= AMLTK_FIRST_TASK_MS,
        notes: `warm() itself took ${format(median(times.warmBoot))} ms (the boot it moves off the first result); range ${format(Math.min(...times.warm))}–${format(Math.max(...times.warm))} ms`,
      }),
      makeCase({
        group: 'startup',
        name: 'first task, TS module (transpile cache warm)',
        unit: 'ms',
        better: 'lower',
        forkline: ts,
        baselines: { raw, forkline_js: js },
        target: `≤1.3× the JS module (${(ts / js).toFixed(2)}×)`,
        met: ts / js <= 1.3,
      }),
      makeCase({
        group: 'startup',
        name: 'first task, TS module (transpile cache cold)',
        unit: 'ms',
        better: 'lower',
        forkline: tsCold,
        baselines: { raw, forkline_js: js },
        notes: `${(tsCold / js).toFixed(2)}× the JS module: the first run on a machine loads typescript once`,
      }),
    ];
  } finally {
    for (const directory of [warmCache, ...coldCaches]) rmSync(directory, { recursive: true, force: true });
  }
}
