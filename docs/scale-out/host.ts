import { fileURLToPath } from 'node:url';
import { Comm, taskModule } from 'forkline';
import { withQueue } from 'forkline/queue';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
const scheduler = withQueue({
  connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  queue: 'experiments',
  // The repository's root: a worker finds docs/scale-out/jobs.ts in its own checkout (--root).
  moduleRoot: fileURLToPath(new URL('../..', import.meta.url)),
  host: 'nightly', // names its jobs, so a later process can read what its calls returned
}).start();

const fib = scheduler.task(jobs.fib);
console.log(await Promise.all([fib.call(25), fib.call(30)]));
try {
  await fib.call(-1);
} catch (error) {
  console.log(String(error)); // the class and message the task threw, on its worker machine
}

const train = scheduler.task(jobs.train, { plugins: [Comm.Plugin()] });
train.on('comm-request', (msg) => msg.respond(msg.data < 3)); // go on for three epochs
train.on('comm-message', (msg) => console.log(`epoch ${msg.data.epoch}: loss ${msg.data.loss.toFixed(2)}`));
console.log(`trained ${await train.call(10)} epochs`);
await scheduler.close();
