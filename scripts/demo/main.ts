/**
 * `npm run demo`: counts the primes below 12 million in 24 CPU-bound jobs on a warm pool, with
 * live progress streamed from the jobs over their comms and drawn by forkline/progress, then
 * runs the same batch on one child and prints the speed-up.
 */
import { availableParallelism } from 'node:os';
import { inspect } from 'node:util';
import { Comm, Scheduler, taskModule } from 'forkline';
import { showProgress } from 'forkline/progress';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
const LIMIT = 12_000_000;
const JOBS = 24;

interface Outcome {
  readonly primes: number;
  readonly seconds: number;
}

async function countOn(children: number, withProgress: boolean, limit = LIMIT): Promise<Outcome> {
  const scheduler = Scheduler.withProcesses(children);
  const task = scheduler.task(jobs.countPrimes, { plugins: [Comm.Plugin()] });
  const size = Math.ceil(limit / JOBS);
  let primes = 0;
  if (withProgress) {
    const title = `${children} child${children === 1 ? '' : 'ren'}`;
    showProgress(scheduler, { tasks: [task], total: JOBS, stream: process.stdout, title, label: (future) => `job ${(future.call.args[0] as number) / size + 1}` });
  }

  scheduler.on('start', () => {
    for (let start = 0; start < limit; start += size) task.submit(start, Math.min(start + size, limit));
  });
  task.on('result', (_future, count) => {
    primes += count;
  });

  const started = performance.now();
  await scheduler.run();
  const seconds = (performance.now() - started) / 1000;
  if (withProgress && children > 1) console.log(`\n${inspect(task)}\n`);
  return { primes, seconds };
}

const children = Math.max(2, availableParallelism());
console.log(`Counting the primes below ${LIMIT.toLocaleString('en')} in ${JOBS} jobs.\n`);
// A small batch first, so a cold TypeScript cache (the first run on a machine) is not timed.
await countOn(children, false, JOBS * 10);
const pool = await countOn(children, true);
const single = await countOn(1, true);

console.log(`
  primes found      ${pool.primes.toLocaleString('en')} (one child agrees: ${pool.primes === single.primes ? 'yes' : 'NO'})
  ${children} children        ${pool.seconds.toFixed(2)} s
  1 child           ${single.seconds.toFixed(2)} s
  speed-up          ${(single.seconds / pool.seconds).toFixed(2)}× on ${availableParallelism()} CPUs`);
if (pool.primes !== single.primes) process.exit(1);
