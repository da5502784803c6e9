/**
 * The options of `withQueue()` (the host) and of a queue worker, with their checks.
 */
import { InvalidOptionError } from '../errors/index.js';
import { checkOptions, integer, millisecondsOrNever } from '../options.js';
import type { ProcessSchedulerOptions, SchedulerOptions } from '../scheduler/options.js';
import { CONNECTION_EXPECTED, isConnection, type RedisConnection } from './connection.js';

export interface QueueOptions extends Omit<SchedulerOptions, 'serialization'> {
  /** Where Redis is: a URL (`redis://`, `rediss://`, `unix:///path`), ioredis options (auth, TLS), or an ioredis client. */
  readonly connection: RedisConnection;
  /** The BullMQ queue's name; workers started with the same name take its calls. */
  readonly queue: string;
  /** BullMQ's key prefix (default `bull`); the workers must use the same. */
  readonly prefix?: string;
  /**
   * The directory task modules are named relative to, so a worker machine resolves them against
   * its own checkout (its `--root`): same repository, same commit. Default: modules travel as
   * absolute file URLs, for workers on this machine or with the same paths.
   */
  readonly moduleRoot?: string;
  /**
   * How many more times a call may run when the worker running it dies (a job BullMQ finds
   * stalled). Default 0: the call fails with WorkerCrashedError. Delivery is at-least-once
   * beyond 0: a task that must not run twice keeps this at 0.
   */
  readonly crashRetries?: number;
  /**
   * A stable name for this host (a batch, an app), kept with each job it adds: after a restart,
   * `queueOutcomes({ connection, queue, host })` reads what the calls it submitted returned.
   * Default: none (the jobs are still kept, but nothing names them for a later host).
   */
  readonly host?: string;
  /**
   * Milliseconds Redis may be unreachable before the calls in flight fail with
   * QueueUnavailableError (and new ones at once, until it is back). Default 15000: longer than a
   * Redis restart or a failover, short enough that a Redis gone for good is an error, not a hang.
   * `Infinity` waits for Redis forever, as BullMQ itself does.
   */
  readonly outageTimeout?: number;
}

export interface QueueWorkerOptions extends Pick<ProcessSchedulerOptions, 'execArgv' | 'env' | 'cwd' | 'prefixOutput' | 'killGracePeriod' | 'loadTimeout' | 'maxTasksPerWorker' | 'errorClasses' | 'maxPayloadBytes'> {
  readonly connection: RedisConnection;
  readonly queue: string;
  /** Calls run at once: the size of this machine's warm pool. Default 1. */
  readonly concurrency?: number;
  readonly prefix?: string;
  /** Where relative task modules resolve. Default the working directory. */
  readonly moduleRoot?: string;
  /**
   * Milliseconds a job's lock lasts without renewal (renewed every half of it): how soon another
   * worker may take the call of a worker that died. Default 4000 (BullMQ's own default is 30 s).
   */
  readonly lockDuration?: number;
  /** Milliseconds between stalled-job checks; every worker of a queue must use the same. Default 2000. */
  readonly stalledInterval?: number;
}

const HOST_OPTIONS = ['connection', 'queue', 'prefix', 'moduleRoot', 'crashRetries', 'host', 'outageTimeout', 'errorClasses', 'maxPayloadBytes'] as const;
/** Passed on to the worker's local pool, as `Scheduler.withProcesses` takes them. */
const POOL_OPTIONS = ['execArgv', 'env', 'cwd', 'prefixOutput', 'killGracePeriod', 'loadTimeout', 'maxTasksPerWorker', 'errorClasses', 'maxPayloadBytes'] as const;
const WORKER_OPTIONS = ['connection', 'queue', 'concurrency', 'prefix', 'moduleRoot', 'lockDuration', 'stalledInterval', ...POOL_OPTIONS] as const;

function common(options: { connection?: unknown; queue?: unknown; prefix?: unknown; moduleRoot?: unknown }) {
  if (!isConnection(options.connection)) throw new InvalidOptionError('connection', CONNECTION_EXPECTED, options.connection);
  if (typeof options.queue !== 'string' || options.queue === '' || options.queue.includes(':')) {
    throw new InvalidOptionError('queue', 'a non-empty queue name without ":"', options.queue);
  }
  if (options.prefix !== undefined && typeof options.prefix !== 'string') throw new InvalidOptionError('prefix', 'a string', options.prefix);
  if (options.moduleRoot !== undefined && typeof options.moduleRoot !== 'string') throw new InvalidOptionError('moduleRoot', 'a directory path', options.moduleRoot);
  return { connection: options.connection, queue: options.queue, prefix: options.prefix };
}

export function checkQueueOptions(options: QueueOptions) {
  checkOptions(options, 'withQueue()', HOST_OPTIONS);
  return {
    ...common(options),
    moduleRoot: options.moduleRoot,
    crashRetries: integer(options.crashRetries ?? 0, 'crashRetries', 0),
    host: hostName(options.host),
    outageTimeout: millisecondsOrNever(options.outageTimeout ?? 15_000, 'outageTimeout', 100),
    scheduler: { errorClasses: options.errorClasses, maxPayloadBytes: options.maxPayloadBytes } as SchedulerOptions,
  };
}

/** A host name is part of BullMQ job ids, which may not contain ':'. */
export function hostName(host: unknown): string | undefined {
  if (host !== undefined && (typeof host !== 'string' || host === '' || host.includes(':'))) throw new InvalidOptionError('host', 'a non-empty name without ":"', host);
  return host;
}

export function checkWorkerOptions(options: QueueWorkerOptions) {
  checkOptions(options, 'QueueWorker.start()', WORKER_OPTIONS);
  const { concurrency, moduleRoot, lockDuration, stalledInterval } = options;
  const pool: ProcessSchedulerOptions = {};
  for (const key of POOL_OPTIONS) if (options[key] !== undefined) Object.assign(pool, { [key]: options[key] });
  return {
    ...common(options),
    concurrency: integer(concurrency ?? 1, 'concurrency', 1),
    moduleRoot: moduleRoot ?? process.cwd(),
    lockDuration: integer(lockDuration ?? 4000, 'lockDuration', 100),
    stalledInterval: integer(stalledInterval ?? 2000, 'stalledInterval', 100),
    pool,
  };
}
