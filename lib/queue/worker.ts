/**
 * The worker machine's side: a BullMQ worker that runs each job in forkline's own warm pool of
 * children on this machine (the same Pool as `Scheduler.withProcesses`, so TypeScript modules,
 * load timeouts, crash handling and no-orphans hold as locally), relaying what the call does to
 * the host that submitted it, and the host's comm answers and cancels back to the call.
 */
import { randomUUID } from 'node:crypto';
import { Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { knownErrors } from '../scheduler/known-errors.js';
import { CancelledError, WorkerCrashedError } from '../errors/index.js';
import { childWorkerFactory } from '../pool/child-worker.js';
import { Pool } from '../pool/pool.js';
import { processSettings } from '../scheduler/options.js';
import type { WorkerFactory } from '../pool/worker-handle.js';
import { withCall } from './contract.js';
import { connect, warnWhenUnreachable } from './connection.js';
import { Inbox } from './inbox.js';
import { RelayCall } from './relay-call.js';
import { answerUsage } from './usage.js';
import { downEntryProblem, readCallJob } from './validate.js';
import { checkWorkerOptions, type QueueWorkerOptions } from './options.js';
import { encode, keys, WIRE_VERSION, type CallJobData, type CallPayload, type CallReturnValue, type DownEntry, type WireOutcome } from './wire.js';

/** A running worker: `close()` finishes the calls it holds and stops its children. */
export class QueueWorker {
  readonly #worker: Worker;
  readonly #pool: Pool;
  readonly #writer: Redis;
  readonly #inbox: Inbox;
  readonly #running = new Map<string, RelayCall>();
  readonly #rawErrors = new Map<number, unknown>();
  readonly #root: string;
  readonly #lockDuration: number;
  readonly #hostCheck: NodeJS.Timeout;
  #nextId = 0;

  /** Starts a worker and resolves once it is connected and taking jobs. */
  static async start(options: QueueWorkerOptions): Promise<QueueWorker> {
    const worker = new QueueWorker(options);
    await worker.#worker.waitUntilReady();
    return worker;
  }

  private constructor(options: QueueWorkerOptions) {
    const settings = checkWorkerOptions(options);
    this.#root = settings.moduleRoot;
    this.#lockDuration = settings.lockDuration;
    const pool = processSettings(settings.concurrency, settings.pool);
    this.#pool = new Pool({
      maxWorkers: pool.maxWorkers,
      prefetch: 0,
      errorClasses: knownErrors(pool.errorClasses),
      killGracePeriod: pool.killGracePeriod,
      maxTasksPerWorker: pool.maxTasksPerWorker,
      idleTimeout: pool.idleTimeout,
      loadTimeout: pool.loadTimeout,
      serialization: 'advanced',
      // What a call writes goes to the host that submitted it, as it would locally.
      factory: this.#keepRawErrors(childWorkerFactory({ ...pool, serialization: 'advanced', forwardOutput: true })),
    });
    this.#pool.start();
    this.#writer = connect(settings.connection);
    this.#writer.on('error', () => undefined);
    warnWhenUnreachable(this.#writer, `forkline worker ${process.pid}`);
    const reader = connect(settings.connection);
    reader.on('error', () => undefined);
    this.#inbox = new Inbox(keys.worker(settings.queue, randomUUID()), reader, this.#writer, (entry) => this.#receive(entry));
    this.#worker = new Worker(settings.queue, (job, _token, signal) => this.#process(job, signal), {
      connection: this.#writer,
      concurrency: settings.concurrency,
      lockDuration: settings.lockDuration,
      stalledInterval: settings.stalledInterval,
      // forkline decides what a crashed call does (the host's `crashRetries`, job.stalledCounter):
      // BullMQ's own limit must never fail a job behind the host's back.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      ...(settings.prefix === undefined ? {} : { prefix: settings.prefix }),
    });
    this.#worker.on('error', () => undefined);
    this.#hostCheck = setInterval(() => void this.#cancelOrphans(), HOST_CHECK_MS);
    this.#hostCheck.unref();
  }

  /**
   * A call that talks to its host (a comm) cannot finish once that host is gone: its requests
   * would wait forever and hold this worker's slot. A host's inbox lives while the host does (it
   * refreshes its expiry; lib/queue/inbox.ts), so a call whose host's inbox has expired is
   * cancelled. Calls without a comm run on: their outcome waits in BullMQ for a later host.
   */
  async #cancelOrphans(): Promise<void> {
    const talking = [...this.#running.values()].filter((relay) => Object.values(relay.request.inject).some((spec) => spec.kind === 'comm'));
    for (const inbox of new Set(talking.map((relay) => relay.data.inbox))) {
      if ((await this.#writer.exists(inbox).catch(() => 1)) !== 0) continue;
      for (const relay of talking) {
        if (relay.data.inbox !== inbox) continue;
        const reason = 'the host that submitted it is gone (its inbox expired), and nobody is left to answer its comm';
        this.#pool.cancel(relay, new CancelledError(relay.request.task, reason));
      }
    }
  }

  async #process(job: BullJob, signal: AbortSignal | undefined): Promise<CallReturnValue> {
    const id = job.id ?? '';
    // Anybody who can write to Redis can add a job: its data is checked before it is used.
    const { data, module, payload: { args, inject } } = readCallJob(id, job.data, this.#root);
    const relay = new RelayCall(++this.#nextId, { task: { module, export: data.task.export }, args, inject: hostCommIds(inject, data.call) }, data, this.#writer, this.#rawErrors);
    if (job.stalledCounter > data.crashRetries) {
      // A worker died holding this call, more often than the host allows: it fails, not runs.
      relay.settle({ state: 'rejected', error: crashed(data, job) });
      return await finish(relay, await relay.finished);
    }
    relay.post({ k: 'taken', call: data.call, worker: this.#inbox.key, job: id });
    this.#running.set(id, relay);
    signal?.addEventListener('abort', () => this.#pool.cancel(relay, new CancelledError(data.task, 'the BullMQ job was cancelled')), { once: true });
    this.#pool.submit(relay);
    try {
      return await finish(relay, await relay.finished);
    } finally {
      this.#running.delete(id);
    }
  }

  /** One entry of this worker's inbox, checked first (anybody who can write to Redis can add one): what is wrong with it, or undefined. */
  #receive(value: unknown): string | undefined {
    const problem = downEntryProblem(value);
    if (problem === undefined) this.#deliver(value as DownEntry);
    return problem;
  }

  #deliver(entry: DownEntry): void {
    const relay = this.#running.get(entry.job);
    if (!relay) return;
    switch (entry.k) {
      case 'cancel':
        this.#pool.cancel(relay, new CancelledError(relay.request.task, entry.reason));
        return;
      case 'terminate':
        // The outcome kept in BullMQ is the host's error as it flattened it (its class), not a bare Error.
        this.#rawErrors.set(relay.id, entry.error);
        this.#pool.terminate(relay, new Error(entry.reason));
        return;
      case 'comm':
        this.#pool.sendComm(relay, withCall(entry.envelope, relay.id));
        return;
      case 'usage':
        void answerUsage(relay.data.call, entry, relay.usage).then((answer) => relay.post(answer));
        return;
      default:
        entry satisfies never;
    }
  }

  /** The children's errors as they flattened them: rebuilt and flattened again, a user's class would arrive as Error. */
  #keepRawErrors(factory: WorkerFactory): WorkerFactory {
    return (listener) =>
      factory({
        ...listener,
        frame: (envelopes) => {
          if (Array.isArray(envelopes)) {
            // Unchecked yet (the pool validates the frame next): anything may be in it, null too.
            for (const envelope of envelopes as ({ t?: unknown; id?: unknown; error?: unknown } | null)[]) {
              if (typeof envelope === 'object' && envelope !== null && envelope.t === 'error' && typeof envelope.id === 'number') this.#rawErrors.set(envelope.id, envelope.error);
            }
          }
          listener.frame(envelopes);
        },
      });
  }

  /** Stops taking jobs, lets the running calls finish (`force`: cancels them), and stops the children. */
  async close({ force = false }: { force?: boolean } = {}): Promise<void> {
    clearInterval(this.#hostCheck);
    // Redis unreachable: BullMQ's graceful close would QUIT its connections, which waits for Redis forever.
    const closing = this.#worker.close(force || this.#writer.status !== 'ready');
    closing.catch(() => undefined);
    if (force) for (const relay of this.#running.values()) this.#pool.cancel(relay, new CancelledError(relay.request.task, 'the worker is closing'));
    // The calls finish in the children whatever Redis does; then their outcomes go to Redis.
    await this.#pool.shutdown({ wait: !force, drain: false, reason: 'the worker is closing' });
    // With Redis unreachable that never happens (commands wait for it), and BullMQ's close waits
    // for the processors. Past a lock's duration waiting is pointless: the jobs' locks have lapsed,
    // and another worker retries or fails them (crashRetries).
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, this.#lockDuration).unref())]);
    await this.#inbox.close();
    this.#writer.disconnect();
  }
}

/** How often a worker looks for comm calls whose host has gone (#cancelOrphans). */
const HOST_CHECK_MS = 5000;

/** The job's return value: the outcome, encoded, kept by BullMQ for a host that restarts (`removeOnComplete`; lib/queue/outcomes.ts). */
async function finish(relay: RelayCall, outcome: WireOutcome): Promise<CallReturnValue> {
  await relay.flushed();
  return { v: WIRE_VERSION, outcome: encode(outcome) };
}

/**
 * The comms injected into the call, named for the host's call id: the child's `comm.id` is then
 * the host's `msg.comm.id` (`"<host call>:<name>"`), not the worker pool's own number.
 */
function hostCommIds(inject: CallPayload['inject'], call: number): CallPayload['inject'] {
  const entries = Object.entries(inject);
  if (!entries.some(([, spec]) => spec.kind === 'comm')) return inject;
  return Object.fromEntries(entries.map(([name, spec]) => [name, spec.kind === 'comm' ? { kind: 'comm', call } : spec]));
}

function crashed(data: CallJobData, job: BullJob): WorkerCrashedError {
  const error = new WorkerCrashedError(data.task, null, null, undefined);
  error.message =
    `The worker running ${data.task.export} (${data.task.module}) stopped holding BullMQ job ${job.id} (its process or machine died, or lost Redis) ` +
    `${job.stalledCounter} time(s); the call allows ${data.crashRetries} retr${data.crashRetries === 1 ? 'y' : 'ies'} (the queue's crashRetries option). ` +
    'If the task may run twice, raise crashRetries; if it crashes its worker, fix that.';
  return error;
}

