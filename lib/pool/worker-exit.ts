/**
 * A worker's end, and who is blamed for it: the call it was running fails, the calls it held
 * behind that one never started and go back to the line.
 *
 * The blame rests on one guarantee: a child runs its calls in order and writes out what each
 * produced before it starts the next (workers/runtime.ts), so only the first call it held may
 * have started. The pool keeps the state and decides on a replacement; these rules need only the
 * worker and the pool's record of its calls (holdings.ts).
 */
import { WorkerCrashedError } from '../errors/index.js';
import { inline, log } from '../debug.js';
import { requeue, takeJobs } from './holdings.js';
import type { Line } from './line.js';
import type { PoolJob as Job } from './pool-job.js';
import type { PoolWorker } from './pool-worker.js';
import type { WorkerExit } from './worker-handle.js';

/** Workers that die before they are ready this many times in a row mean the pool cannot start. */
export const MAX_START_FAILURES = 3;

/**
 * Fails the call `worker` may be running with `error` and stops the worker (it is replaced);
 * the calls it held behind that one never started and go back to the line.
 */
export function failHead(line: Line<Job>, worker: PoolWorker, error: Error): void {
  // Closing first: handlers of the failure may submit, and nothing more goes to this worker.
  worker.close();
  const [head, ...waiting] = takeJobs(worker);
  if (head) head.call.settle({ state: 'rejected', error });
  requeue(line, waiting);
  worker.kill(true);
}

/** `worker` exited: fails the call that may have run on it, and puts the others back in the line. */
export function blameExit(line: Line<Job>, worker: PoolWorker, exit: WorkerExit): void {
  const orphans = takeJobs(worker);
  if (orphans.length > 0 || !worker.closing) log.pool('child %s exited %s holding %d jobs', worker.handle.pid, inline(exit), orphans.length);
  // Only the first it held may have started: that one failed with the child, and never runs
  // again, unless the child's runtime proved it never started (PoolWorker.headUnstarted).
  // A claim by envelope alone proves nothing: a task can send one, and would run forever.
  const running = worker.headUnstarted ? undefined : orphans.shift();
  if (running && !running.call.done) {
    running.call.settle({
      state: 'rejected',
      error: new WorkerCrashedError(running.call.request.task, exit.exitCode, exit.signal, worker.handle.pid),
    });
  }
  requeue(line, orphans);
}

/** Children cannot start (bad execArgv, missing runtime): fail what waits instead of looping. */
export function failWaiting(waiting: readonly Job[], exit: WorkerExit, pid: number | undefined, failures: number): void {
  log.pool('%d children in a row died before they were ready; failing waiting jobs', failures);
  for (const job of waiting) {
    const error = new WorkerCrashedError(undefined, exit.exitCode, exit.signal, pid);
    if (exit.error) error.cause = exit.error;
    job.call.settle({ state: 'rejected', error });
  }
}
