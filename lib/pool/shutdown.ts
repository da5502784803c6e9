/**
 * What a pool's shutdown does with the calls it holds, and how it waits for its workers' exits.
 *
 * The pool keeps the shutdown's state (held, killing, the shutdown in progress) and sequences it;
 * the rules of which call is cancelled, withdrawn or left to run are here, over the structures
 * they touch.
 */
import { CancelledError } from '../errors/index.js';
import { cancelHeld, withdraw } from './cancel.js';
import { takeJobs, takeLine } from './holdings.js';
import type { Line } from './line.js';
import type { PoolJob as Job } from './pool-job.js';
import type { PoolWorker } from './pool-worker.js';

/** The error of a job cancelled by a shutdown. */
function cancelledError(job: Job, reason: string): CancelledError {
  return new CancelledError(job.call.request.task, reason);
}

/**
 * Stop means stop: what has not started is cancelled now, including the calls sent ahead to a
 * child (only the first a child holds is running; the child drops the rest). With `wait`, a call
 * the child may have started meanwhile (the previous one's result is on its way) is withdrawn
 * rather than cancelled: it runs on if it began, as running calls do.
 */
export function cancelUnstarted(line: Line<Job>, workers: Iterable<PoolWorker>, wait: boolean, reason: string, grace: number): void {
  for (const job of takeLine(line)) job.call.settle({ state: 'cancelled', error: cancelledError(job, reason) });
  for (const worker of workers) {
    for (const job of [...worker.jobs.values()].slice(1)) {
      if (!wait) cancelHeld(job, cancelledError(job, reason), grace);
      else withdraw(worker, job, cancelledError(job, reason));
    }
  }
}

/** `wait: false`: every call the workers hold is cancelled now (their workers are killed after). */
export function cancelAllHeld(workers: Iterable<PoolWorker>, reason: string): void {
  for (const worker of workers) for (const job of takeJobs(worker)) job.call.settle({ state: 'cancelled', error: cancelledError(job, reason) });
}

/** Promises of workers' exits, kept by the pool and resolved from its exit handler. */
export class ExitWaiters {
  readonly #waiters = new Map<PoolWorker, () => void>();

  /** Resolves once `worker` has exited (exited() was called for it). */
  wait(worker: PoolWorker): Promise<void> {
    return new Promise((resolve) =>
      this.#waiters.set(worker, () => {
        this.#waiters.delete(worker);
        resolve();
      }),
    );
  }

  exited(worker: PoolWorker): void {
    this.#waiters.get(worker)?.();
  }
}
