/**
 * The raw baselines' other process: `node queue-raw-child.mjs SOCKET bullmq QUEUE CONCURRENCY`
 * runs a BullMQ worker whose processor does nothing; `… bullmq-sandboxed QUEUE CONCURRENCY` the
 * same with BullMQ's sandboxed processor (the job runs in a child process of the worker, as a
 * forkline call does); `… SOCKET echo` answers each entry of the
 * stream `raw:ping` with one on `raw:pong` (XREAD BLOCK, XADD). Prints "ready" once listening.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';

const [socket, mode, queue, concurrency] = process.argv.slice(2);
if (mode === 'bullmq' || mode === 'bullmq-sandboxed') {
  const processor = mode === 'bullmq' ? async () => null : fileURLToPath(new URL('./tasks/queue-noop-processor.mjs', import.meta.url));
  const worker = new Worker(queue, processor, { connection: { path: socket, maxRetriesPerRequest: null }, concurrency: Number(concurrency) });
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
} else {
  const redis = new Redis({ path: socket });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => process.exit(0));
  let last = '0'; // from the start: the host may write before this first XREAD
  for (;;) {
    const reply = await redis.xread('BLOCK', 0, 'STREAMS', 'raw:ping', last);
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        last = id;
        await redis.xadd('raw:pong', '*', ...fields);
      }
    }
  }
}
