/**
 * The queue executor's own failures.
 */
import { ForklineError } from '../errors/index.js';

/** Redis no longer has a call's job (it restarted without persistence, or the job was removed): the call cannot finish. */
export class QueueJobLostError extends ForklineError {
  override readonly code = 'ERR_QUEUE_JOB_LOST';
  constructor(
    readonly queue: string,
    readonly jobId: string,
  ) {
    super(
      `Redis lost job ${jobId} of queue '${queue}' while its call was in flight (Redis restarted without persistence, or the job was removed). ` +
        'The call did not settle; submit it again, or run Redis with appendonly persistence.',
    );
  }
}
QueueJobLostError.prototype.name = 'QueueJobLostError';

/** The host could not reach Redis for longer than `outageTimeout`: its calls in flight cannot be followed. */
export class QueueUnavailableError extends ForklineError {
  override readonly code = 'ERR_QUEUE_UNAVAILABLE';
  constructor(
    readonly queue: string,
    readonly outageTimeout: number,
  ) {
    super(
      `Redis for queue '${queue}' has been unreachable for ${outageTimeout} ms, so this call's outcome cannot reach the host. ` +
        'Check that Redis is running and reachable with the connection given to withQueue(); if outages this long are expected (a failover), raise withQueue({ outageTimeout }). ' +
        'The call may still run on a worker: a task that must not run twice should check before it is submitted again.',
    );
  }
}
QueueUnavailableError.prototype.name = 'QueueUnavailableError';

/**
 * A BullMQ job on a forkline worker's queue that is no forkline call (its data has the wrong
 * shape, its payload does not decode, its module escapes the worker's module root): the job fails.
 */
export class QueueJobInvalidError extends ForklineError {
  override readonly code = 'ERR_QUEUE_JOB_INVALID';
  constructor(
    readonly jobId: string,
    readonly problem: string,
  ) {
    super(
      `forkline worker refused BullMQ job ${jobId}: ${problem}. ` +
        "Only withQueue() hosts of the same forkline version may add jobs to a forkline worker's queue; give other producers a queue of their own.",
    );
  }
}
QueueJobInvalidError.prototype.name = 'QueueJobInvalidError';
