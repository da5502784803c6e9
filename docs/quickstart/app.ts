import { Scheduler, taskModule } from 'forkline';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
const scheduler = Scheduler.withProcesses(2).start(); // open until close()
const fib = scheduler.task(jobs.fib);

// Await calls from anywhere: request handlers, timers, loops.
console.log(await Promise.all([fib.call(25), fib.call(30)]));
try {
  await fib.call(-1);
} catch (error) {
  console.log(String(error)); // this caller's error: the pool goes on
}
console.log(await fib.call(32));
await scheduler.close(); // drains; `await using` does it too
