/**
 * Taking one call back: cancelling it (in the line, or held by a worker), withdrawing one sent
 * ahead, terminating one with its worker.
 *
 * Apart from the pool because the rules are subtle (a call sent ahead may have started by the time
 * the cancel arrives) and need only the call, its worker and the pool's record of its calls
 * (holdings.ts), never the pool itself.
 */
import type { ExecutorCall } from '../executor.js';
import { forgetJob, release, requeue, takeJobs } from './holdings.js';
import type { Line } from './line.js';
import type { PoolJob as Job } from './pool-job.js';
import type { PoolWorker } from './pool-worker.js';

/** Cancels `job` if a worker holds it; `grace`: ms a running call may take to return. */
export function cancelHeld(job: Job, error: Error, grace: number): void {
  const worker = job.holder;
  if (!worker?.jobs.has(job.id)) return;
  // Settled now; the worker's own answer, if any, is ignored. A call waiting in the child is
  // dropped there. The call running gets its comms closed and a grace period to return, then
  // its worker is stopped; never a worker whose running call is another one.
  job.call.settle({ state: 'cancelled', error });
  worker.handle.send({ t: 'cancel', id: job.id, reason: error.message });
  // Not running yet as far as the host knows; but it may be by the time the cancel arrives
  // (the previous call's result is on its way): it gets its timer once it is the head.
  if (worker.head === job) worker.stopAfterGrace(job, grace);
  else worker.cancelledAhead.add(job);
}

/**
 * Asks `worker` to drop `job` if it has not started it: cancelled with `error` when the child
 * drops it (receive.ts), settled as usual if it had begun.
 */
export function withdraw(worker: PoolWorker, job: Job, error: Error): void {
  job.withdrawn = error;
  worker.handle.send({ t: 'cancel', id: job.id, reason: error.message, ifQueued: true });
}

/**
 * Cancels `call` (the pool's `job`): a call still in the line leaves it and settles (true: the pool may
 * be idle now); one a worker holds is cancelled there (cancelHeld).
 */
export function cancelJob(line: Line<Job>, call: ExecutorCall, job: Job, error: Error, grace: number): boolean {
  if (line.remove(job)) {
    forgetJob(job);
    call.settle({ state: 'cancelled', error });
    return true;
  }
  cancelHeld(job, error, grace);
  return false;
}

/**
 * Fails `call` (the pool's `job`) with `error` and stops its worker (it is replaced); false if no worker
 * holds it. What else that worker holds never started: it goes back to the line, for the others.
 */
export function terminateJob(line: Line<Job>, call: ExecutorCall, job: Job, error: Error): boolean {
  const worker = job.holder;
  if (!worker?.jobs.has(job.id)) return false;
  release(worker, job);
  call.settle({ state: 'rejected', error });
  requeue(line, takeJobs(worker));
  worker.kill(true);
  return true;
}
