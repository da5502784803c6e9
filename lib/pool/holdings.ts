/**
 * The pool's record of the calls it holds: `jobs` (by id, queued or sent) and the waiting line.
 *
 * Plain functions over the two structures rather than methods: the pool keeps the state, and the
 * modules that take calls out of its hands (a cancel, a crash, a shutdown) share these without
 * being handed the pool. `release` is on the hot path (every answer): no allocation there.
 */
import type { Line } from './line.js';
import type { PoolJob as Job } from './pool-job.js';
import type { PoolWorker } from './pool-worker.js';

/** The pool's calls by id: how cancel, terminate and comm traffic find its record of a call. */
export type Jobs = Map<number, Job>;

/** `worker` no longer holds `job`, and the pool no longer does either, unless `requeue` puts it back. */
export function release(jobs: Jobs, worker: PoolWorker, job: Job): void {
  worker.jobs.delete(job.id);
  if (worker.cancelledAhead.size > 0) worker.cancelledAhead.delete(job);
  job.holder = undefined;
  // Out of the pool's hands, unless requeue() puts it back.
  jobs.delete(job.id);
}

/** Everything `worker` holds, in the order sent, released. */
export function takeJobs(jobs: Jobs, worker: PoolWorker): Job[] {
  const taken = [...worker.jobs.values()];
  for (const job of taken) release(jobs, worker, job);
  return taken;
}

/** Empties the line: its calls leave the pool. */
export function takeLine(jobs: Jobs, line: Line<Job>): Job[] {
  const taken = line.takeAll();
  for (const job of taken) jobs.delete(job.id);
  return taken;
}

/**
 * Puts calls that provably never started back at the front of the line; calls settled meanwhile
 * (cancelled while they waited in a child) never go back.
 */
export function requeue(jobs: Jobs, line: Line<Job>, taken: readonly Job[]): void {
  // Withdrawn by a stop: never run elsewhere, cancelled as the stop asked.
  for (const job of taken) if (job.withdrawn && !job.call.done) job.call.settle({ state: 'cancelled', error: job.withdrawn });
  const back = taken.filter((job) => !job.call.done);
  for (const job of back) jobs.set(job.id, job);
  line.unshift(back);
}
