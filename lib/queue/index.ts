/**
 * `forkline/queue`: the same tasks and Comm on many machines, over BullMQ and Redis.
 *
 * Its own entry point, so that `forkline` alone never loads bullmq or ioredis (optional peer
 * dependencies: `npm i bullmq ioredis` to use this one).
 *
 * @example
 * ```ts
 * import { withQueue } from 'forkline/queue';
 * const scheduler = withQueue({ connection: 'redis://127.0.0.1:6379', queue: 'experiments' });
 * // on each machine: npx forkline worker --redis redis://… --queue experiments --concurrency 8
 * ```
 */
import { Scheduler } from '../scheduler/scheduler.js';
import { commonSettings } from '../scheduler/options.js';
import { QueueExecutor } from './host-executor.js';
import { checkQueueOptions, type QueueOptions } from './options.js';
import { knownErrors } from '../scheduler/known-errors.js';

export type { RedisConnection } from './connection.js';
export { QueueJobInvalidError, QueueJobLostError, QueueUnavailableError } from './errors.js';
export { queueOutcomes, type QueueOutcome, type QueueOutcomesOptions } from './outcomes.js';
export type { QueueOptions, QueueWorkerOptions } from './options.js';
export { QueueWorker } from './worker.js';

/**
 * A scheduler whose calls run on the workers of a BullMQ queue (`forkline worker`), with the
 * same API as `Scheduler.withProcesses`: events in the same order, futures, errors with their
 * class, code and cause, cancellation, and Comm over Redis streams.
 */
export function withQueue(options: QueueOptions): Scheduler {
  const settings = checkQueueOptions(options);
  const format = commonSettings(settings.scheduler);
  const executor = new QueueExecutor({
    connection: settings.connection,
    queue: settings.queue,
    prefix: settings.prefix,
    moduleRoot: settings.moduleRoot,
    crashRetries: settings.crashRetries,
    host: settings.host,
    outageTimeout: settings.outageTimeout,
    errorClasses: knownErrors(format.errorClasses),
  });
  return Scheduler.withExecutor(executor, format);
}
