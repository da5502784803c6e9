/**
 * The pool's record of the calls it holds, queued or sent: each call carries its pool job in its
 * `executorState` while the pool holds it, which is how cancel, terminate and comm traffic find
 * it, with nothing hashed per call (a Map by id was an eighth of the host's work per tiny call once
 * a batch held 100,000). The waiting line is line.ts.
 *
 * Plain functions over the structures they touch rather than methods: the pool keeps the state,
 * and the modules that take calls out of its hands (a cancel, a crash, a shutdown) share these
 * without being handed the pool. `release` is on the hot path (every answer): no allocation there.
 */
import type { ExecutorCall } from '../executor.js';
import type { Line } from './line.js';
import { PoolJob as Job } from './pool-job.js';
import type { PoolWorker } from './pool-worker.js';

/** The pool's job of `call`, while the pool holds it. */
export function jobOf(call: ExecutorCall): Job | undefined {
  const state = call.executorState;
  return state instanceof Job ? state : undefined;
}

/** The pool holds `job` (queued, or back from a child). */
export function keepJob(job: Job): void {
  job.call.executorState = job;
}

/** The pool no longer holds `job`. */
export function forgetJob(job: Job): void {
  if (job.call.executorState === job) job.call.executorState = undefined;
}

/** `worker` no longer holds `job`, and the pool no longer does either, unless `requeue` puts it back. */
export function release(worker: PoolWorker, job: Job): void {
  worker.jobs.delete(job.id);
  if (worker.cancelledAhead.size > 0) worker.cancelledAhead.delete(job);
  job.holder = undefined;
  // Out of the pool's hands, unless requeue() puts it back.
  forgetJob(job);
}

/** Everything `worker` holds, in the order sent, released. */
export function takeJobs(worker: PoolWorker): Job[] {
  const taken = [...worker.jobs.values()];
  for (const job of taken) release(worker, job);
  return taken;
}

/** Empties the line: its calls leave the pool. */
export function takeLine(line: Line<Job>): Job[] {
  const taken = line.takeAll();
  for (const job of taken) forgetJob(job);
  return taken;
}

/**
 * Puts calls that provably never started back at the front of the line; calls settled meanwhile
 * (cancelled while they waited in a child) never go back.
 */
export function requeue(line: Line<Job>, taken: readonly Job[]): void {
  // Withdrawn by a stop: never run elsewhere, cancelled as the stop asked.
  for (const job of taken) if (job.withdrawn && !job.call.done) job.call.settle({ state: 'cancelled', error: job.withdrawn });
  const back = taken.filter((job) => !job.call.done);
  for (const job of back) keepJob(job);
  line.unshift(back);
}
