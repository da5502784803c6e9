/**
 * The pool's own bookkeeping of one call it took: kept here, typed, rather than on the call, so
 * the call record knows nothing of pools and another executor keeps its own.
 */
import type { ExecutorCall } from '../executor.js';
import type { PoolWorker } from './pool-worker.js';

export class PoolJob {
  /** The worker it was sent to, until that worker answers it, drops it, or dies. */
  holder: PoolWorker | undefined = undefined;
  /** Its index in the waiting line, or -1 (line.ts). */
  position = -1;
  /**
   * Set when a stop withdrew the call from the child it was sent ahead to: it is cancelled with
   * this error if the child drops it, and settles as usual if it had started.
   */
  withdrawn: Error | undefined = undefined;

  constructor(readonly call: ExecutorCall) {}

  get id(): number {
    return this.call.id;
  }
}
