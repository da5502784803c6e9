/**
 * Reading back what a host's calls returned after that host is gone (it crashed, or a batch
 * script restarts to resume): BullMQ keeps each finished job (`removeOnComplete`: an hour, at
 * most 10,000 per queue; failed ones a day) with the call's encoded outcome as its return value.
 * A host that set `withQueue({ host })` names its jobs; this lists them.
 */
import { Queue, type Job } from 'bullmq';
import { checkOptions } from '../options.js';
import type { TaskIdentity } from '../wire/protocol.js';
import { deserializeError, type ErrorClass } from '../wire/error-codec.js';
import { knownErrors } from '../scheduler/known-errors.js';
import { connect, CONNECTION_EXPECTED, isConnection, type RedisConnection } from './connection.js';
import { InvalidOptionError } from '../errors/index.js';
import { hostName } from './options.js';
import { decode, WIRE_VERSION, type CallJobData, type CallPayload, type CallReturnValue, type WireOutcome } from './wire.js';

export interface QueueOutcomesOptions {
  readonly connection: RedisConnection;
  readonly queue: string;
  /** The `host` name the submitting host gave withQueue(). */
  readonly host: string;
  readonly prefix?: string;
  /** Your error classes, so rejected calls come back as them (as withQueue's `errorClasses`). */
  readonly errorClasses?: readonly ErrorClass[];
}

/** One call a host submitted, as Redis still has it. */
export type QueueOutcome = {
  /** The BullMQ job id. */
  readonly job: string;
  readonly task: TaskIdentity;
  /** The call's arguments, as submitted: what a resuming batch matches its work items by. */
  readonly args: readonly unknown[];
  /** When the job was added (ms since the epoch). */
  readonly submittedAt: number;
} & (
  | { readonly state: 'fulfilled'; readonly value: unknown }
  | { readonly state: 'rejected' | 'cancelled'; readonly error: unknown }
  /** Not finished yet (queued or running on a worker): read again later. */
  | { readonly state: 'pending' }
);

const OPTIONS = ['connection', 'queue', 'host', 'prefix', 'errorClasses'] as const;

/**
 * The calls that a host named `host` submitted to `queue`, in the order submitted, with their outcomes:
 * finished ones with their value or rebuilt error, the rest `pending`.
 *
 * @example
 * ```ts
 * const done = await queueOutcomes({ connection, queue: 'experiments', host: 'nightly' });
 * const finished = new Set(done.filter((o) => o.state === 'fulfilled').map((o) => o.args[0]));
 * for (const config of configs) if (!finished.has(config.name)) train.submit(config.name);
 * ```
 */
export async function queueOutcomes(options: QueueOutcomesOptions): Promise<QueueOutcome[]> {
  checkOptions(options, 'queueOutcomes()', OPTIONS);
  if (!isConnection(options.connection)) throw new InvalidOptionError('connection', CONNECTION_EXPECTED, options.connection);
  const host = hostName(options.host);
  if (host === undefined) throw new InvalidOptionError('host', "the withQueue({ host }) name of the host whose calls to read", options.host);
  const classes = knownErrors(options.errorClasses ?? []);
  const connection = connect(options.connection);
  const queue = new Queue(options.queue, { connection, ...(options.prefix === undefined ? {} : { prefix: options.prefix }) });
  try {
    const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized']);
    return jobs
      .filter((job): job is Job<CallJobData> & { id: string } => (job.data as Partial<CallJobData> | undefined)?.host === host && job.id !== undefined)
      .sort((a, b) => a.timestamp - b.timestamp || a.data.call - b.data.call)
      .map((job) => ({ job: job.id, task: job.data.task, args: (decode(job.data.payload) as CallPayload).args, submittedAt: job.timestamp, ...outcomeOf(job, classes) }));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

function outcomeOf(job: Job<CallJobData>, classes: ReadonlyMap<string, ErrorClass>) {
  const returned = job.returnvalue as CallReturnValue | null | undefined;
  if (job.finishedOn !== undefined && returned?.v === WIRE_VERSION && typeof returned.outcome === 'string') {
    const outcome = decode(returned.outcome) as WireOutcome;
    return outcome.state === 'fulfilled' ? outcome : { state: outcome.state, error: deserializeError(outcome.error, classes) };
  }
  // Failed by BullMQ itself (a worker of another wire version refused it): its reason is all there is.
  if (job.failedReason) return { state: 'rejected' as const, error: new Error(job.failedReason) };
  return { state: 'pending' as const };
}
