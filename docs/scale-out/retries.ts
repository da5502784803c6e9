import { fileURLToPath } from 'node:url';
import { taskModule } from 'forkline';
import { withQueue } from 'forkline/queue';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
// fib() may run twice: if its worker dies, run it again elsewhere, up to two more times.
const scheduler = withQueue({
  connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  queue: 'experiments',
  moduleRoot: fileURLToPath(new URL('../..', import.meta.url)),
  crashRetries: 2,
}).start();
console.log(await scheduler.task(jobs.fib).call(20));
await scheduler.close();
