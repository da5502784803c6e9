/**
 * The host side of the queue executor: each call becomes a BullMQ job; a worker machine takes it
 * and reports to this host's inbox stream (taken, started, comm, outcome: in order, per call);
 * host → child comm and cancels go to the inbox of the worker that took the call.
 */
import { randomUUID } from 'node:crypto';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deserializeError, type ErrorClass } from '../wire/error-codec.js';
import type { Executor, ExecutorCall, HostCommEnvelope, ShutdownOptions } from './contract.js';
import { withCall } from './contract.js';
import { connect, type RedisConnection } from './connection.js';
import { QueueJobLostError } from './errors.js';
import { CancelledError } from '../errors/index.js';
import { Inbox, post } from './inbox.js';
import { UsageAsks } from './usage.js';
import { encode, keys, WIRE_VERSION, type CallJobData, type DownEntry, type UpEntry } from './wire.js';

export interface QueueExecutorOptions {
  readonly connection: RedisConnection;
  readonly queue: string;
  readonly prefix: string | undefined;
  readonly errorClasses: ReadonlyMap<string, ErrorClass>;
  readonly moduleRoot: string | undefined;
  readonly crashRetries: number;
}

/** The executor's bookkeeping per call in flight. */
interface InFlight {
  readonly call: ExecutorCall;
  readonly job: string;
  /** The inbox of the worker that took it, once one did. */
  worker: string | undefined;
}

export class QueueExecutor implements Executor {
  readonly #options: QueueExecutorOptions;
  readonly #id = randomUUID();
  readonly #calls = new Map<number, InFlight>();
  readonly #usage = new UsageAsks();
  #writer: Redis | undefined;
  #queue: Queue | undefined;
  #inbox: Inbox<UpEntry> | undefined;
  #idle: (() => void) | undefined;

  constructor(options: QueueExecutorOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#writer) return;
    const writer = (this.#writer = connect(this.#options.connection));
    writer.on('error', () => undefined); // ioredis reconnects by itself; calls fail through #verify.
    let connected = 0;
    // A reconnect may be to a Redis that restarted empty: calls whose job it lost would hang.
    writer.on('ready', () => void (++connected > 1 && this.#verify()));
    this.#queue = new Queue(this.#options.queue, { connection: writer, ...(this.#options.prefix === undefined ? {} : { prefix: this.#options.prefix }) });
    this.#queue.on('error', () => undefined);
    const reader = connect(this.#options.connection);
    reader.on('error', () => undefined);
    this.#inbox = new Inbox(keys.host(this.#options.queue, this.#id), reader, writer, (entry) => this.#receive(entry));
  }

  hold(): void {
    // BullMQ's workers take what was added; a stop cancels what was not taken (shutdown).
  }

  submit(call: ExecutorCall): void {
    this.start();
    const [queue, inbox] = [this.#queue, this.#inbox];
    if (!queue || !inbox) return;
    const job = `${this.#id}.${call.id}`;
    this.#calls.set(call.id, { call, job, worker: undefined });
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
    };
    // Kept a while after they end: a host that restarts can still read what its calls returned.
    queue.add(call.request.task.export, data, { jobId: job, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 86_400 } }).catch((error: unknown) => {
      this.#settled(call.id);
      call.settle({ state: 'rejected', error });
    });
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
    if (flight.worker) this.#post(flight.worker, { k: 'cancel', job: flight.job, reason: error.message });
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
    await inbox?.close();
    await queue?.close();
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

  /** After a reconnect: a call whose job Redis no longer has fails now instead of waiting forever. */
  async #verify(): Promise<void> {
    for (const flight of [...this.#calls.values()]) {
      const exists = await this.#writer?.exists(`${this.#options.prefix ?? 'bull'}:${this.#options.queue}:${flight.job}`).catch(() => 1);
      if (exists === 0 && this.#calls.get(flight.call.id) === flight) {
        this.#settled(flight.call.id);
        flight.call.settle({ state: 'rejected', error: new QueueJobLostError(this.#options.queue, flight.job) });
      }
    }
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
