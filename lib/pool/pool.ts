/**
 * A pool of warm workers. Each runs one call at a time; while a worker's calls are short, the
 * pool also sends it the next few, so it never idles for a round trip between calls.
 *
 * The waiting line is a plain array with a moving head rather than p-queue: a job here needs no
 * promise of its own, and p-queue's per-job promises measured ~4 µs a job against ~0.2 µs
 * (scripts/bench/queue-overhead.mjs), a sixth of a tiny task's whole budget.
 */
import { CancelledError, WorkerCrashedError } from '../errors.js';
import { log } from '../debug.js';
import { deserializeError, type ErrorClass } from '../wire/error-codec.js';
import type { ChildEnvelope, CommEnvelope } from '../wire/protocol.js';
import type { Executor, Job, ShutdownOptions } from './executor.js';
import type { WorkerExit, WorkerFactory, WorkerHandle } from './worker-handle.js';

export interface PoolOptions {
  readonly size: number;
  /** Calls sent ahead to a busy worker whose recent calls were short. */
  readonly prefetch: number;
  readonly factory: WorkerFactory;
  readonly errorClasses: ReadonlyMap<string, ErrorClass>;
  /** Milliseconds a cancelled running call may take to end before its worker is stopped. */
  readonly cancelGracePeriod: number;
}

/** Calls averaging less than this (ms) count as short, and their worker gets calls ahead. */
const SHORT_CALL_MS = 2;
/** Workers that die before they are ready this many times in a row mean the pool cannot start. */
const MAX_START_FAILURES = 3;

interface PoolWorker {
  readonly handle: WorkerHandle;
  ready: boolean;
  closing: boolean;
  /** Sent and unsettled, in the order sent: the first one is the one running. */
  readonly jobs: Map<number, Job>;
  /** Moving average of the time per call, from the gaps between results; unknown until one. */
  averageMs: number | undefined;
  lastSettle: number;
}

export class Pool implements Executor {
  readonly #options: PoolOptions;
  readonly #workers = new Set<PoolWorker>();
  readonly #owner = new Map<number, PoolWorker>();
  #queue: (Job | undefined)[] = [];
  #head = 0;
  #queued = new Map<number, number>();
  #startFailures = 0;
  /** Set once shutdown closes the workers: exits are no longer replaced. */
  #stopping = true;
  #idle: (() => void) | undefined;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  start(): void {
    this.#stopping = false;
    this.#startFailures = 0;
    while (this.#workers.size < this.#options.size) this.#spawn();
  }

  execute(job: Job): void {
    // Replaces workers given up on after start failures, so a later call gets its own attempt.
    if (this.#workers.size < this.#options.size && !this.#stopping) this.#spawn();
    this.#queued.set(job.id, this.#queue.length);
    this.#queue.push(job);
    this.#pump();
  }

  cancel(id: number, error: Error): void {
    const position = this.#queued.get(id);
    if (position !== undefined) {
      const job = this.#queue[position];
      this.#queue[position] = undefined;
      this.#queued.delete(id);
      job?.report.settled({ state: 'cancelled', error });
      this.#checkIdle();
      return;
    }
    const worker = this.#owner.get(id);
    const job = worker?.jobs.get(id);
    if (!worker || !job) return;
    // Settle now; the worker's own answer, if any, is ignored. A call that started gets its comms
    // closed by the child and a grace period to return before its worker is stopped.
    job.report.settled({ state: 'cancelled', error });
    worker.handle.send({ t: 'cancel', id, reason: error.message });
    setTimeout(() => {
      if (worker.jobs.has(id)) this.#stopWorker(worker);
    }, this.#options.cancelGracePeriod).unref();
  }

  sendComm(id: number, envelope: CommEnvelope): void {
    this.#owner.get(id)?.handle.send(envelope);
  }

  async shutdown({ wait, reason }: ShutdownOptions): Promise<void> {
    if (wait) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        this.#checkIdle();
      });
    } else {
      const cancelled = (job: Job) => job.report.settled({ state: 'cancelled', error: new CancelledError(job.call.task, reason) });
      for (const job of this.#takeQueue()) cancelled(job);
      for (const worker of this.#workers) {
        const jobs = [...worker.jobs.values()];
        worker.jobs.clear();
        for (const job of jobs) {
          this.#owner.delete(job.id);
          cancelled(job);
        }
      }
    }
    this.#stopping = true;
    const exits = [...this.#workers].map((worker) => this.#exited(worker));
    for (const worker of this.#workers) {
      if (wait) {
        worker.closing = true;
        worker.handle.close();
      } else this.#stopWorker(worker);
    }
    await Promise.all(exits);
  }

  /** Empties the waiting line and returns the jobs that were in it, in order. */
  #takeQueue(): Job[] {
    const jobs = this.#queue.slice(this.#head).filter((job): job is Job => job !== undefined);
    this.#queue = [];
    this.#head = 0;
    this.#queued.clear();
    return jobs;
  }

  #spawn(): void {
    const worker: PoolWorker = {
      handle: undefined as unknown as WorkerHandle,
      ready: false,
      closing: false,
      jobs: new Map(),
      averageMs: undefined,
      lastSettle: 0,
    };
    (worker as { handle: WorkerHandle }).handle = this.#options.factory({
      envelope: (envelope) => this.#receive(worker, envelope),
      exit: (exit) => this.#onExit(worker, exit),
    });
    this.#workers.add(worker);
  }

  /** Sends queued jobs to workers with room, least loaded first. */
  #pump(): void {
    while (this.#head < this.#queue.length) {
      const job = this.#queue[this.#head];
      if (!job) {
        this.#head++;
        continue;
      }
      const worker = this.#pick();
      if (!worker) return;
      this.#queue[this.#head++] = undefined;
      this.#queued.delete(job.id);
      this.#dispatch(worker, job);
    }
    // Everything was sent: reclaim the array.
    this.#queue = [];
    this.#head = 0;
  }

  #pick(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const worker of this.#workers) {
      if (!worker.ready || worker.closing) continue;
      const room = worker.averageMs !== undefined && worker.averageMs < SHORT_CALL_MS ? 1 + this.#options.prefetch : 1;
      if (worker.jobs.size >= room) continue;
      if (!best || worker.jobs.size < best.jobs.size) best = worker;
      if (worker.jobs.size === 0) break;
    }
    return best;
  }

  #dispatch(worker: PoolWorker, job: Job): void {
    if (worker.jobs.size === 0) worker.lastSettle = performance.now();
    worker.jobs.set(job.id, job);
    this.#owner.set(job.id, worker);
    job.report.dispatched();
    worker.handle.send({
      t: 'run',
      id: job.id,
      task: job.call.task,
      args: job.call.args,
      ...(Object.keys(job.call.inject).length > 0 ? { inject: job.call.inject } : {}),
      ...(job.label === undefined ? {} : { label: job.label }),
    });
  }

  #receive(worker: PoolWorker, envelope: ChildEnvelope): void {
    switch (envelope.t) {
      case 'ready':
        worker.ready = true;
        this.#startFailures = 0;
        this.#pump();
        return;
      case 'started':
        return;
      case 'comm':
        worker.jobs.get(Number.parseInt(envelope.comm, 10))?.report.comm(envelope);
        return;
      case 'result':
        this.#settle(worker, envelope.id)?.report.settled({ state: 'fulfilled', value: envelope.value });
        return;
      case 'error':
        this.#settle(worker, envelope.id)?.report.settled({
          state: 'rejected',
          error: deserializeError(envelope.error, this.#options.errorClasses),
        });
        return;
      case 'dropped':
        this.#settle(worker, envelope.id);
        return;
      default:
        envelope satisfies never;
    }
  }

  /** Frees the job's place in its worker; the caller reports the outcome. */
  #settle(worker: PoolWorker, id: number): Job | undefined {
    const job = worker.jobs.get(id);
    if (!job) return undefined;
    worker.jobs.delete(id);
    this.#owner.delete(id);
    const now = performance.now();
    const took = now - worker.lastSettle;
    worker.averageMs = worker.averageMs === undefined ? took : worker.averageMs * 0.8 + took * 0.2;
    worker.lastSettle = now;
    // Report first, then refill: handlers that submit more get their calls into this frame.
    queueMicrotask(() => {
      this.#pump();
      this.#checkIdle();
    });
    return job;
  }

  #onExit(worker: PoolWorker, exit: WorkerExit): void {
    this.#workers.delete(worker);
    const wasReady = worker.ready;
    const orphans = [...worker.jobs.values()];
    worker.jobs.clear();
    for (const job of orphans) this.#owner.delete(job.id);
    if (orphans.length > 0 || !worker.closing) {
      log.pool('worker %s exited unexpectedly %o with %d jobs', worker.handle.pid, exit, orphans.length);
    }
    // The child runs its jobs in order, so only the first had started: it failed with the child.
    // The others never ran and go back to the front of the line, in order.
    const [running, ...waiting] = orphans;
    if (running) {
      running.report.settled({
        state: 'rejected',
        error: new WorkerCrashedError(running.call.task, exit.exitCode, exit.signal, worker.handle.pid),
      });
    }
    this.#requeue(waiting);

    if (!wasReady && !worker.closing) this.#startFailures++;
    if (!this.#stopping && !worker.closing) {
      if (this.#startFailures >= MAX_START_FAILURES) this.#failQueued(exit, worker.handle.pid);
      else this.#spawn();
    }
    this.#pump();
    this.#checkIdle();
    this.#exitWaiters.get(worker)?.();
  }

  /** Children cannot start (bad execArgv, missing runtime): fail what waits instead of looping. */
  #failQueued(exit: WorkerExit, pid: number | undefined): void {
    log.pool('%d children in a row died before they were ready; failing queued jobs', this.#startFailures);
    for (const job of this.#takeQueue()) {
      const error = new WorkerCrashedError(undefined, exit.exitCode, exit.signal, pid);
      if (exit.error) error.cause = exit.error;
      job.report.settled({ state: 'rejected', error });
    }
    // Try again for jobs submitted later.
    this.#startFailures = 0;
  }

  #requeue(jobs: Job[]): void {
    if (jobs.length === 0) return;
    this.#queue = [...jobs, ...this.#takeQueue()];
    this.#queue.forEach((job, index) => job && this.#queued.set(job.id, index));
  }

  #stopWorker(worker: PoolWorker): void {
    worker.closing = true;
    worker.handle.kill();
  }

  readonly #exitWaiters = new Map<PoolWorker, () => void>();

  #exited(worker: PoolWorker): Promise<void> {
    return new Promise((resolve) =>
      this.#exitWaiters.set(worker, () => {
        this.#exitWaiters.delete(worker);
        resolve();
      }),
    );
  }

  #checkIdle(): void {
    if (!this.#idle) return;
    if (this.#queued.size > 0) return;
    for (const worker of this.#workers) if (worker.jobs.size > 0) return;
    const idle = this.#idle;
    this.#idle = undefined;
    idle();
  }
}
