/**
 * What a pool is built with (scheduler.ts and the queue's worker build one from their checked
 * options). Apart from pool.ts so the modules beside it can name what they read.
 */
import type { ErrorClass } from '../wire/error-codec.js';
import type { Serialization } from '../wire/serializable.js';
import type { WorkerFactory } from './worker-handle.js';

export interface PoolOptions {
  readonly maxWorkers: number;
  /** Calls sent ahead to a busy worker whose recent calls were short. */
  readonly prefetch: number;
  readonly factory: WorkerFactory;
  readonly errorClasses: ReadonlyMap<string, ErrorClass>;
  /** Milliseconds a cancelled running call may take to end before its worker is stopped. */
  readonly killGracePeriod: number;
  /** Replace a worker after it ran this many calls. */
  readonly maxTasksPerWorker: number;
  /** Close a worker idle this long (ms); a new one starts when work comes. */
  readonly idleTimeout: number;
  /** For the errors of values the channel refuses. */
  readonly serialization: Serialization;
  /** Milliseconds a child may take to load a task's module before the call fails and the child is replaced. */
  readonly loadTimeout: number;
}
