/**
 * Host memory per 1,000 queued calls: what a batch script pays for submitting everything up front.
 * Each sample is a fresh host process (this file with `--host`, under --expose-gc) so nothing
 * from the other cases is in its heap:
 * - forkline: one child, held busy by a task that waits for the host's answer to a comm request;
 *   the host submits 100,000 calls of a tiny task (keeping every future, as `Promise.all` would),
 *   and samples heapUsed and RSS after a full gc before and after; then it releases the child
 *   and checks that every call returns;
 * - raw: the least a hand-written pool holds for the same calls, a Map of 100,000 call records
 *   `{ id, op, args, resolve, reject }` and their promises, sampled the same way.
 * A few calls are already sent to the held child (prefetch) and sit in its memory, not the host's.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Comm } from 'forkline';
import { tasks, withScheduler } from './session.mjs';
import { makeCase, median, note, serializationLabel } from './stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const CALLS = 100_000;
const KB = 1024;

/** heapUsed and RSS (bytes) after a full gc. */
function sample() {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

/** Gives the event loop one turn (what the pool does on a submit that it defers runs then). */
function turn() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** In the fresh host: forkline's figures for `n` queued calls. */
async function forklineHost(n) {
  return withScheduler(1, {}, async (scheduler) => {
    const noop = scheduler.task(tasks.noop);
    // Warm-up: the child loads the module, both sides compile the submit and result paths.
    await Promise.all(Array.from({ length: 2000 }, (_, i) => noop.submit(i)));
    const hold = scheduler.task(tasks.hold, { plugins: [Comm.Plugin()] });
    const holding = new Promise((resolve) => {
      hold.on('comm-request', (msg) => resolve(() => msg.respond(true)));
    });
    const held = hold.submit();
    const release = await holding;
    const before = sample();
    const futures = new Array(n);
    for (let i = 0; i < n; i++) futures[i] = noop.submit(i);
    await turn();
    const queued = sample();
    const started = performance.now();
    release();
    const results = await Promise.all(futures);
    const drainMs = performance.now() - started;
    await held;
    if (results.length !== n || results[n - 1] !== n - 1) throw new Error(`forkline: ${results.length} of ${n} results`);
    futures.length = 0;
    return { before, queued, drainMs };
  });
}

/** In the fresh host: the raw baseline's figures for `n` call records and promises. */
async function rawHost(n) {
  const pending = new Map();
  const promises = new Array(n);
  await turn();
  const before = sample();
  for (let i = 0; i < n; i++) {
    promises[i] = new Promise((resolve, reject) => {
      pending.set(i, { id: i, op: 'noop', args: [i], resolve, reject });
    });
  }
  await turn();
  const queued = sample();
  for (const [id, record] of pending) record.resolve(id);
  await Promise.all(promises);
  return { before, queued };
}

function spawnHost(kind) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', SELF, '--host', kind, String(CALLS)], { maxBuffer: KB * KB }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout));
    });
  });
}

export default async function memoryQueue({ quick }) {
  const reps = quick ? 2 : 5;
  note(`host memory of ${CALLS.toLocaleString('en')} queued calls: ${reps} fresh hosts each, forkline and a raw Map of promises, in turns…`);
  const samples = { forkline: [], raw: [] };
  for (let rep = 0; rep < reps; rep++) {
    samples.raw.push(await spawnHost('raw'));
    samples.forkline.push(await spawnHost('forkline'));
  }
  const perThousand = (key) => (runs) => runs.map((run) => (run.queued[key] - run.before[key]) / (CALLS / 1000) / KB);
  const range = (values) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} KB`;
  const drain = median(samples.forkline.map((run) => run.drainMs));
  return [
    ['heapUsed', 'heap', `then ${CALLS.toLocaleString('en')} results in ${(drain / 1000).toFixed(2)} s (median)`],
    ['rss', 'RSS', 'RSS includes what V8 keeps of the heap it grew'],
  ].map(([key, label, extra]) => {
    const forkline = perThousand(key)(samples.forkline);
    const raw = perThousand(key)(samples.raw);
    return makeCase({
      group: 'memory',
      name: `host ${label} per 1,000 queued calls (${CALLS.toLocaleString('en')} queued, child busy)`,
      unit: 'KB',
      better: 'lower',
      serialization: serializationLabel(undefined),
      forkline: median(forkline),
      baselines: { raw: median(raw) },
      notes: `raw: a Map of call records and promises; ${((median(forkline) * KB) / 1000).toFixed(0)} bytes a call; medians of ${forkline.length} fresh hosts, forkline ${range(forkline)}, raw ${range(raw)}; ${extra}`,
    });
  });
}

if (process.argv[2] === '--host') {
  const n = Number(process.argv[4]);
  const samples = process.argv[3] === 'forkline' ? await forklineHost(n) : await rawHost(n);
  process.stdout.write(JSON.stringify(samples));
}
