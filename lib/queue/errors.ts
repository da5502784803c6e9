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
