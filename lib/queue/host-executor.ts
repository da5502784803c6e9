/**
 * The host side of the queue executor: each call becomes a BullMQ job; a worker machine takes it
 * and reports to this host's inbox stream (taken, started, comm, outcome: in order, per call);
 * host → child comm, cancels and terminates go to the inbox of the worker that took the call.
 *
 * Faults, host-side: a worker that dies is BullMQ's to notice (its lock lapses; another worker
 * fails or reruns the call, lib/queue/worker.ts). Redis restarting empty: on the reconnect every
 * call whose job is gone fails with QueueJobLostError, running ones too (their worker is told to
 * stop them: without the job nothing would notice that worker die, nor keep the outcome). Redis
 * unreachable past `outageTimeout`: every call in flight fails with QueueUnavailableError.
 */
import { randomUUID } from 'node:crypto';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deserializeError, serializeError, type ErrorClass } from '../wire/error-codec.js';
import type { Executor, ExecutorCall, HostCommEnvelope, ShutdownOptions } from './contract.js';
import { withCall } from './contract.js';
import { connect, type RedisConnection } from './connection.js';
import { QueueJobLostError, QueueUnavailableError } from './errors.js';
import { CancelledError } from '../errors/index.js';
import { Inbox, post } from './inbox.js';
import { UsageAsks } from './usage.js';
import { upEntryProblem } from './validate.js';
import { encode, keys, WIRE_VERSION, type CallJobData, type DownEntry, type UpEntry } from './wire.js';

export interface QueueExecutorOptions {
  readonly connection: RedisConnection;
  readonly queue: string;
  readonly prefix: string | undefined;
  readonly errorClasses: ReadonlyMap<string, ErrorClass>;
  readonly moduleRoot: string | undefined;
  readonly crashRetries: number;
  /** A stable name for this host's jobs, so a later host can read their outcomes (lib/queue/outcomes.ts). */
  readonly host: string | undefined;
  /** Milliseconds Redis may be unreachable before the calls in flight fail with QueueUnavailableError. */
  readonly outageTimeout: number;
}

/** The executor's bookkeeping per call in flight. */
interface InFlight {
  readonly call: ExecutorCall;
  readonly job: string;
  /** The inbox of the worker that took it, once one did. */
  worker: string | undefined;
  /** Redis has the job (queue.add resolved): only then can a reconnect tell it was lost. */
  added: boolean;
}

export class QueueExecutor implements Executor {
  readonly #options: QueueExecutorOptions;
  readonly #id = randomUUID();
  readonly #calls = new Map<number, InFlight>();
  readonly #usage = new UsageAsks();
  #writer: Redis | undefined;
  #queue: Queue | undefined;
  #inbox: Inbox | undefined;
  #idle: (() => void) | undefined;
  /** Running while the writer is disconnected: at `outageTimeout` the calls in flight fail. */
  #outage: NodeJS.Timeout | undefined;
  /** Redis has been unreachable past `outageTimeout`: a submit fails at once until it is back. */
  #unavailable = false;

  constructor(options: QueueExecutorOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#writer) return;
    const writer = (this.#writer = connect(this.#options.connection));
    writer.on('error', () => undefined); // ioredis reconnects by itself; calls fail through #verify or the outage timer.
    let connected = 0;
    writer.on('ready', () => {
      clearTimeout(this.#outage);
      this.#outage = undefined;
      this.#unavailable = false;
      // A reconnect may be to a Redis that restarted empty: calls whose job it lost would hang.
      if (++connected > 1) void this.#verify();
    });
    // ioredis retries forever (commands wait: maxRetriesPerRequest null), so without a bound a
    // Redis that is gone for good would leave every call pending.
    // Armed now too: a Redis that is not there from the start is the same outage.
    writer.on('close', () => this.#armOutage());
    this.#armOutage();
    this.#queue = new Queue(this.#options.queue, { connection: writer, ...(this.#options.prefix === undefined ? {} : { prefix: this.#options.prefix }) });
    this.#queue.on('error', () => undefined);
    const reader = connect(this.#options.connection);
    reader.on('error', () => undefined);
    // Checked before it is read: anybody who can write to Redis can add to this inbox.
    this.#inbox = new Inbox(keys.host(this.#options.queue, this.#id), reader, writer, (entry) => {
      const problem = upEntryProblem(entry);
      if (problem === undefined) this.#receive(entry as UpEntry);
      return problem;
    });
  }

  hold(): void {
    // BullMQ's workers take what was added; a stop cancels what was not taken (shutdown).
  }

  submit(call: ExecutorCall): void {
    this.start();
    const [queue, inbox] = [this.#queue, this.#inbox];
    if (!queue || !inbox) return;
    if (this.#unavailable) {
      call.settle({ state: 'rejected', error: new QueueUnavailableError(this.#options.queue, this.#options.outageTimeout) });
      return;
    }
    const job = `${this.#options.host === undefined ? '' : `${this.#options.host}.`}${this.#id}.${call.id}`;
    const flight: InFlight = { call, job, worker: undefined, added: false };
    this.#calls.set(call.id, flight);
    const { module, relative } = this.#module(call.request.task.module);
    const data: CallJobData = {
      v: WIRE_VERSION,
      inbox: inbox.key,
      call: call.id,
      task: { module, export: call.request.task.export },
      relative,
      payload: encode({ args: call.request.args, inject: call.request.inject }),
      ...(call.label === undefined ? {} : { label: call.label }),
      ...(call.notify ? { notify: true } : {}),
      crashRetries: this.#options.crashRetries,
      ...(this.#options.host === undefined ? {} : { host: this.#options.host }),
    };
    // Kept a while after they end: a host that restarts can still read what its calls returned.
    queue.add(call.request.task.export, data, { jobId: job, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 86_400 } }).then(
      () => {
        flight.added = true;
        // Failed by the outage timer while the add waited for Redis: it must not run now.
        if (call.done && !this.#calls.has(call.id)) queue.remove(job).catch(() => undefined);
      },
      (error: unknown) => {
        this.#settled(call.id);
        call.settle({ state: 'rejected', error });
      },
    );
  }

  cancel(call: ExecutorCall, error: Error): void {
    const flight = this.#calls.get(call.id);
    if (!flight) return;
    call.settle({ state: 'cancelled', error });
    if (flight.worker) this.#post(flight.worker, { k: 'cancel', job: flight.job, reason: error.message });
    // Not taken yet: removed from the queue (a worker that takes it meanwhile is told on 'taken').
    else this.#queue?.remove(flight.job).catch(() => undefined);
    this.#checkIdle();
  }

  terminate(call: ExecutorCall, error: Error): void {
    const flight = this.#calls.get(call.id);
    if (!flight) return;
    call.settle({ state: 'rejected', error });
    // The worker stops the call's child at once (its pool's terminate), as locally.
    if (flight.worker) this.#post(flight.worker, { k: 'terminate', job: flight.job, reason: error.message, error: serializeError(error, 'advanced') });
    else this.#queue?.remove(flight.job).catch(() => undefined);
    this.#checkIdle();
  }

  sendComm(call: ExecutorCall, envelope: HostCommEnvelope): void {
    const flight = this.#calls.get(call.id);
    if (flight?.worker) this.#post(flight.worker, { k: 'comm', job: flight.job, envelope });
  }

  async shutdown({ wait, drain, reason }: ShutdownOptions): Promise<void> {
    for (const flight of [...this.#calls.values()]) {
      if ((!drain && !flight.worker) || !wait) this.cancel(flight.call, new CancelledError(flight.call.request.task, reason));
    }
    if (wait) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        this.#checkIdle();
      });
    }
    // Settled calls kept only to forward a late 'taken' a cancel: nobody waits for them now.
    this.#calls.clear();
    this.#usage.settled();
    const [inbox, queue, writer] = [this.#inbox, this.#queue, this.#writer];
    this.#inbox = this.#queue = this.#writer = undefined;
    clearTimeout(this.#outage);
    await inbox?.close();
    // With Redis gone, BullMQ's close waits for it: the connection is ours, so disconnecting ends that.
    await Promise.race([queue?.close(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    writer?.disconnect();
  }

  #receive(entry: UpEntry): void {
    const flight = this.#calls.get(entry.call);
    if (!flight) return;
    const { call } = flight;
    switch (entry.k) {
      case 'taken':
        flight.worker = entry.worker;
        if (call.done) this.#post(entry.worker, { k: 'cancel', job: flight.job, reason: 'cancelled before a worker took it' });
        else call.dispatched();
        return;
      case 'started':
        // The pid is a process on the worker's machine: a host-side watcher must not take it for
        // one of its own. Its usage is asked of the worker that runs it (lib/queue/usage.ts).
        call.started(undefined, this.#usage.probe(call.id, flight.job, (ask) => {
          if (flight.worker) this.#post(flight.worker, ask);
        }));
        return;
      case 'usage':
        this.#usage.answered(entry);
        return;
      case 'output':
        call.output(entry.fd, entry.data);
        return;
      case 'comm':
        call.receiveComm(withCall(entry.envelope, call.id));
        return;
      case 'undeliverable':
        call.undeliverable(withCall(entry.envelope, call.id), new Error(entry.error));
        return;
      case 'outcome': {
        this.#settled(call.id);
        const { outcome } = entry;
        call.settle(outcome.state === 'fulfilled' ? outcome : { state: outcome.state, error: deserializeError(outcome.error, this.#options.errorClasses) });
        return;
      }
      default:
        entry satisfies never;
    }
  }

  #settled(id: number): void {
    this.#calls.delete(id);
    this.#usage.settled(id);
    this.#checkIdle();
  }

  /**
   * Resolves a waiting shutdown once every call has settled. A cancelled call stays in #calls
   * until its worker answers, so that a 'taken' for it still gets the cancel forwarded.
   */
  #checkIdle(): void {
    if (this.#idle && [...this.#calls.values()].every((flight) => flight.call.done)) {
      this.#idle();
      this.#idle = undefined;
    }
  }

  #post(worker: string, entry: DownEntry): void {
    if (this.#writer) post(this.#writer, worker, entry).catch(() => undefined);
  }

  /**
   * After a reconnect: a call whose job Redis no longer has fails now instead of waiting forever,
   * running ones too (without its job, BullMQ no longer notices if their worker dies, and no
   * later host could read the outcome): their worker is told to stop them.
   */
  async #verify(): Promise<void> {
    for (const flight of [...this.#calls.values()]) {
      if (!flight.added) continue; // still being added (the add waited out the outage): Redis gets it now.
      const exists = await this.#writer?.exists(`${this.#options.prefix ?? 'bull'}:${this.#options.queue}:${flight.job}`).catch(() => 1);
      if (exists === 0 && this.#calls.get(flight.call.id) === flight) this.#fail(flight, new QueueJobLostError(this.#options.queue, flight.job));
    }
  }

  #armOutage(): void {
    if (this.#outage || this.#options.outageTimeout === Infinity) return;
    this.#outage = setTimeout(() => this.#outageOver(), this.#options.outageTimeout);
    this.#outage.unref();
  }

  /** Redis unreachable past `outageTimeout`: every call in flight fails, and new ones at once until it is back. */
  #outageOver(): void {
    this.#outage = undefined;
    this.#unavailable = true;
    for (const flight of [...this.#calls.values()]) this.#fail(flight, new QueueUnavailableError(this.#options.queue, this.#options.outageTimeout));
  }

  #fail(flight: InFlight, error: Error): void {
    this.#settled(flight.call.id);
    flight.call.settle({ state: 'rejected', error });
    if (flight.worker) this.#post(flight.worker, { k: 'cancel', job: flight.job, reason: error.message });
  }

  /** A module under the module root travels as a path relative to it, resolved by the worker against its own checkout. */
  #module(url: string): { module: string; relative: boolean } {
    const root = this.#options.moduleRoot;
    if (root === undefined || !url.startsWith('file:')) return { module: url, relative: false };
    const path = relative(root, fileURLToPath(url));
    if (path.startsWith('..') || path.startsWith(sep)) return { module: url, relative: false };
    return { module: path.split(sep).join('/'), relative: true };
  }
}
