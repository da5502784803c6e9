/**
 * Tiny calls/s over the queue: forkline/queue (`withQueue()` and two `forkline worker`
 * processes, one child each) against raw BullMQ (two worker processes whose processor does
 * nothing, concurrency 1 each): the same two-process, concurrency-2 layout, the same Redis, the
 * same run; and raw BullMQ with its sandboxed processor (each job in a child process of the
 * worker, as forkline runs a call), for reference. The sides stay up and take turns, batch by batch, so that load from elsewhere on the
 * machine drifts both alike; each figure is the median of the batches.
 */
import { Queue, QueueEvents } from 'bullmq';
import { withQueue } from 'forkline/queue';
import { tasks } from './session.mjs';
import { cpuBetween, cpuSnapshot, startRawChild, startWorker } from './queue-processes.mjs';
import { median } from './stats.mjs';

/** Worker processes on each side, and calls at once in each. */
export const WORKERS = 2;
export const CONCURRENCY = 1;

/** Raw BullMQ: `run(n)` adds n no-op jobs at once and resolves to the ms taken, add → completed (QueueEvents). */
async function rawSide(redis, mode = 'bullmq') {
  const connection = { path: redis.socket, maxRetriesPerRequest: null };
  const name = `${mode}-${Date.now()}`;
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  await events.waitUntilReady();
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startRawChild(redis.socket, mode, name, String(CONCURRENCY))));
  // Completions counted from QueueEvents, as a host awaiting many jobs does (waitUntilFinished
  // per job adds a listener each, and races removeOnComplete).
  const run = async (n) => {
    const started = performance.now();
    let left = n;
    const finished = new Promise((resolve) => {
      const onCompleted = () => {
        if (--left === 0) {
          events.off('completed', onCompleted);
          resolve();
        }
      };
      events.on('completed', onCompleted);
    });
    await Promise.all(Array.from({ length: n }, (_, i) => queue.add('noop', { i }, { removeOnComplete: true })));
    await finished;
    return performance.now() - started;
  };
  const close = async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  };
  return { run, close, pids: workers.map((worker) => worker.pid) };
}

/** forkline/queue: `run(n)` submits n calls of a no-op task at once and resolves to the ms taken, submit → every future settled. */
async function forklineSide(redis) {
  const name = `forkline-${Date.now()}`;
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(redis.url, name, CONCURRENCY)));
  const scheduler = withQueue({ connection: redis.url, queue: name }).start();
  const noop = scheduler.task(tasks.noop);
  const run = async (n) => {
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => noop.submit(i)));
    return performance.now() - started;
  };
  const close = async () => {
    await scheduler.close();
    await Promise.all(workers.map((worker) => worker.stop()));
  };
  return { run, close, pids: workers.map((worker) => worker.pid) };
}

/**
 * One timed batch: calls/s, and the CPU each call cost (µs) in this host, in the worker
 * processes with their children, and in redis-server. The sides take turns, so what the idle
 * side's processes use meanwhile is noise of a few ms.
 */
async function timed(side, redis, n) {
  const host = process.cpuUsage();
  const before = { workers: cpuSnapshot(side.pids), redis: cpuSnapshot([redis.pid]) };
  const ms = await side.run(n);
  const after = { workers: cpuSnapshot(side.pids), redis: cpuSnapshot([redis.pid]) };
  const { user, system } = process.cpuUsage(host);
  const perCall = (key) => (cpuBetween(before[key], after[key]) * 1000) / n;
  return { perSecond: n / (ms / 1000), cpu: { host: (user + system) / n, workers: perCall('workers'), redis: perCall('redis') } };
}

/**
 * Medians (and every batch) of calls/s on each side, and the median CPU µs per call by process:
 * `{ raw, sandboxed, forkline }`, each `{ median, runs, cpu: { host, workers, redis } }`.
 */
export async function measureCalls(redis, { batch, batches }) {
  const sides = { raw: await rawSide(redis), sandboxed: await rawSide(redis, 'bullmq-sandboxed'), forkline: await forklineSide(redis) };
  try {
    const runs = { raw: [], sandboxed: [], forkline: [] };
    // Warm-up: JIT, the workers' children loading the task module, BullMQ's scripts loaded.
    for (const side of Object.values(sides)) await side.run(Math.min(100, batch));
    for (let i = 0; i < batches; i++) for (const [name, side] of Object.entries(sides)) runs[name].push(await timed(side, redis, batch));
    const cpu = (values) => Object.fromEntries(['host', 'workers', 'redis'].map((key) => [key, median(values.map((value) => value.cpu[key]))]));
    return Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, { median: median(values.map((value) => value.perSecond)), runs: values.map((value) => value.perSecond), cpu: cpu(values) }]));
  } finally {
    for (const side of Object.values(sides)) await side.close();
  }
}
