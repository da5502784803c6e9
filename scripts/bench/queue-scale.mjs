/**
 * Scale-out over BullMQ and Redis: the raw baselines every forkline/queue figure is a ratio of,
 * measured in the same run over the unix socket of a redis-server the bench starts itself.
 *
 * - raw BullMQ: no-op jobs/s, add → completed (QueueEvents), a worker in another process
 *   at the concurrency of the pool (2).
 * - raw Redis stream round trip: XADD, then XREAD BLOCK for the other process's answer; median
 *   and p99.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { startRedis } from './queue-redis.mjs';
import { makeCase, median, note, percentile } from './stats.mjs';

const CONCURRENCY = 2;
const CHILD = fileURLToPath(new URL('./queue-raw-child.mjs', import.meta.url));

async function child(...args) {
  const process_ = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(process_.stdout, 'data');
  if (!String(line).startsWith('ready')) throw new Error(`raw child said ${line}`);
  return {
    async stop() {
      const exited = once(process_, 'exit');
      process_.kill('SIGTERM');
      await exited;
    },
  };
}

/** Jobs/s of `count` no-op jobs, all added at once and awaited to completion. */
async function rawBullmq(socket, count) {
  const connection = { path: socket, maxRetriesPerRequest: null };
  const name = `raw-${Date.now()}`;
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  await events.waitUntilReady();
  const worker = await child(socket, 'bullmq', name, String(CONCURRENCY));
  try {
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
      return n / ((performance.now() - started) / 1000);
    };
    await run(100);
    return await run(count);
  } finally {
    await worker.stop();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** Round-trip latencies (ms) of `count` XADD → XREAD BLOCK exchanges with another process. */
async function rawStream(socket, count) {
  const writer = new Redis({ path: socket });
  const reader = new Redis({ path: socket });
  const echo = await child(socket, 'echo');
  try {
    let last = '0';
    const latencies = [];
    for (let i = 0; i < count + 50; i++) {
      const started = performance.now();
      await writer.xadd('raw:ping', '*', 'i', String(i));
      let got = false;
      while (!got) {
        const reply = await reader.xread('BLOCK', 1000, 'STREAMS', 'raw:pong', last);
        for (const [, entries] of reply ?? []) {
          for (const [id] of entries) {
            last = id;
            got = true;
          }
        }
      }
      if (i >= 50) latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    await echo.stop();
    writer.disconnect();
    reader.disconnect();
  }
}

export default async function scale({ quick }) {
  const redis = await startRedis();
  try {
    note('raw BullMQ no-op jobs…');
    const jobsPerSecond = await rawBullmq(redis.socket, quick ? 500 : 2000);
    note('raw Redis stream round trip…');
    const latencies = await rawStream(redis.socket, quick ? 500 : 2000);
    return [
      makeCase({ group: 'scale', name: 'raw BullMQ no-op jobs (concurrency 2)', unit: 'jobs/s', better: 'higher', forkline: null, baselines: { raw: jobsPerSecond }, ratio: null, notes: 'baseline for forkline/queue tiny calls/s (target ≥0.8×)' }),
      makeCase({ group: 'scale', name: 'raw Redis stream round trip median', unit: 'µs', better: 'lower', forkline: null, baselines: { raw: median(latencies) * 1000 }, ratio: null, notes: 'baseline for the comm round trip over Redis (target ≤1.2×)' }),
      makeCase({ group: 'scale', name: 'raw Redis stream round trip p99', unit: 'µs', better: 'lower', forkline: null, baselines: { raw: percentile(latencies, 99) * 1000 }, ratio: null }),
    ];
  } finally {
    await redis.stop();
  }
}
