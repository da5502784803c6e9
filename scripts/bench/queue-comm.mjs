/**
 * The comm round trip over Redis: a task on a `forkline worker` awaiting `comm.request(i)` in a
 * loop, answered by the host's 'comm-request' handler (child → worker → host inbox → worker
 * inbox → child), against the raw Redis stream round trip between two processes (XADD, then
 * XREAD BLOCK for the other's answer on a stream of its own). forkline's latencies are timed in
 * the child, the raw ones in the asking process; the sides take turns in chunks.
 *
 * A third side, forkline's local round trip over the child's pipe (`Scheduler.withProcesses(1)`),
 * is what the queue's path adds to the raw stream's besides Redis: a round trip over Redis from
 * a child can cost no less than raw stream + local pipe.
 */
import { Comm, Scheduler } from 'forkline';
import { Redis } from 'ioredis';
import { withQueue } from 'forkline/queue';
import { tasks } from './session.mjs';
import { startRawChild, startWorker } from './queue-processes.mjs';

/** Raw: `run(n)` resolves to n round-trip latencies (ms) with the echo process. */
async function rawSide(redis) {
  const writer = new Redis({ path: redis.socket });
  const reader = new Redis({ path: redis.socket });
  const echo = await startRawChild(redis.socket, 'echo');
  let last = '0';
  let i = 0;
  const run = async (n) => {
    const latencies = [];
    for (let k = 0; k < n; k++) {
      const started = performance.now();
      await writer.xadd('raw:ping', '*', 'i', String(i++));
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
      latencies.push(performance.now() - started);
    }
    return latencies;
  };
  const close = async () => {
    await echo.stop();
    writer.disconnect();
    reader.disconnect();
  };
  return { run, close };
}

/** forkline/queue: `run(n)` is one call doing n requests; resolves to their latencies (ms). */
async function forklineSide(redis) {
  const name = `comm-${Date.now()}`;
  const worker = await startWorker(redis.url, name, 1);
  const scheduler = withQueue({ connection: redis.url, queue: name }).start();
  const task = scheduler.task(tasks.roundtrip, { plugins: [Comm.Plugin()] });
  task.on('comm-request', (msg) => {
    msg.respond(msg.data);
  });
  const close = async () => {
    await scheduler.close();
    await worker.stop();
  };
  return { run: (n) => task.submit(n), close };
}

/** forkline over the child's pipe on this machine: the same task, `Scheduler.withProcesses(1)`. */
function localSide() {
  const scheduler = Scheduler.withProcesses(1).start();
  const task = scheduler.task(tasks.roundtrip, { plugins: [Comm.Plugin()] });
  task.on('comm-request', (msg) => {
    msg.respond(msg.data);
  });
  return { run: (n) => task.submit(n), close: () => scheduler.close() };
}

/** Round-trip latencies (ms) of each side, `chunks` × `n` each, after a warm-up chunk: `{ raw, forkline, local }`. */
export async function measureRoundTrips(redis, { n, chunks }) {
  const sides = { raw: await rawSide(redis), forkline: await forklineSide(redis), local: localSide() };
  try {
    for (const side of Object.values(sides)) await side.run(n);
    const latencies = { raw: [], forkline: [], local: [] };
    for (let chunk = 0; chunk < chunks; chunk++) for (const [name, side] of Object.entries(sides)) latencies[name].push(...(await side.run(n)));
    return latencies;
  } finally {
    for (const side of Object.values(sides)) await side.close();
  }
}
