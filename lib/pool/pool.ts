/**
 * A pool of warm workers. Each runs one call at a time; while a worker's calls are short, the
 * pool also sends it the next few, so it never idles for a round trip between calls.
 *
 * The waiting line is our own (line.ts) rather than p-queue: a job here needs no promise of its
 * own, and p-queue's per-job promises measured ~4 µs a job against ~0.2 µs
 * (scripts/bench/queue-overhead.mjs), a sixth of a tiny task's whole budget.
 *
 * Split by concern: this file is the Executor. It keeps the pool's state and sequences what
 * happens to it, and has the hot path (submit, dispatch, an answer, the refill) in full, with no
 * layer between. The rules it applies are beside it, as plain functions over the structures
 * they touch, so none is handed the pool: which worker takes a call dispatch.ts; reading a
 * child's frame receive.ts, and what the pool does with it frame-sink.ts; the record of the
 * calls it holds holdings.ts; taking one call back cancel.ts; a worker's exit and its blame
 * worker-exit.ts; what a shutdown cancels shutdown.ts; a refused envelope undeliverable.ts; a
 * worker's own state and timers pool-worker.ts; one call's record pool-job.ts.
 */
import { log } from '../debug.js';
import { WorkerCrashedError, WorkerStartError } from '../errors/index.js';
import type { Executor, ExecutorCall, HostCommEnvelope, ShutdownOptions } from '../executor.js';
import type { HostEnvelope } from '../wire/protocol.js';
import { cancelJob, terminateJob } from './cancel.js';
import { dispatch, pick, roomOf } from './dispatch.js';
import { poolSink } from './frame-sink.js';
import { jobOf, keepJob, release, takeLine } from './holdings.js';
import { Line } from './line.js';
import type { PoolOptions } from './pool-options.js';
import { PoolJob as Job } from './pool-job.js';
import { PoolWorker, TaskNumbers } from './pool-worker.js';
import { receiveFrame, type FrameSink } from './receive.js';
import { cancelAllHeld, cancelUnstarted, ExitWaiters } from './shutdown.js';
import { undeliverable } from './undeliverable.js';
import { Warming } from './warming.js';
import { blameExit, failHead, failWaiting, MAX_START_FAILURES } from './worker-exit.js';
import type { WorkerExit } from './worker-handle.js';

export type { PoolOptions } from './pool-options.js';

export class Pool implements Executor {
  readonly #options: PoolOptions;
  readonly #workers = new Set<PoolWorker>();
  readonly #tasks = new TaskNumbers();
  readonly #line = new Line<Job>();
  readonly #sink: FrameSink;
  readonly #exitWaiters = new ExitWaiters();
  #startFailures = 0;
  /** Set once shutdown closes the workers: exits are no longer replaced. */
  #stopping = true;
  #idle: (() => void) | undefined;
  #pumpScheduled = false;
  /** Nothing more is dispatched: see Executor.hold(). */
  #held = false;
  /** The shutdown in progress, which a second call with `wait: false` escalates. */
  #shuttingDown: Promise<void> | undefined;
  /** The shutdown stops workers now instead of closing them. */
  #killing = false;
  /** Children started before a run (warm()), and the promise that they are ready (warming.ts). */
  readonly #warming = new Warming();

  constructor(options: PoolOptions) {
    this.#options = options;
    // Built once: the sink's closures are the pool's, none is made per call.
    this.#sink = poolSink({
      errorClasses: options.errorClasses,
      options,
      readied: (worker) => {
        this.#startFailures = 0;
        if (this.#warming.only) worker.handle.keepAlive(false);
        this.#warming.check(this.#workers, this.#options.maxWorkers);
        this.#pump();
      },
      finished: (worker, job) => this.#finished(worker, job),
      failWorker: (worker, error) => this.#failWorker(worker, error),
    });
  }

  /** Takes the children warm() started, if any (they keep the host alive again), and starts the rest. */
  start(): void {
    this.#stopping = false;
    this.#held = false;
    this.#startFailures = 0;
    if (this.#warming.only) {
      this.#warming.only = false;
      for (const worker of this.#workers) worker.handle.keepAlive(true);
    }
    while (this.#workers.size < this.#options.maxWorkers) this.#spawn();
  }

  /**
   * Starts the workers before any call and resolves once `maxWorkers` are ready. Outside a run
   * the pool is only warm: ready children do not keep the host alive, and children that keep
   * dying at boot are not retried until the next warm() or start().
   */
  warm(): Promise<void> {
    const ready = this.#warming.wait();
    if (this.#stopping && !this.#shuttingDown) {
      this.#stopping = false;
      this.#startFailures = 0;
      this.#warming.only = true;
    }
    this.#topUp();
    return ready;
  }

  /** A warm() waits: start what is missing (a child closed or lost), or resolve it. */
  #topUp(): void {
    if (!this.#warming.pending) return;
    if (this.#stopping) {
      this.#warming.fail(new WorkerStartError('closed'));
      return;
    }
    while (this.#workers.size < this.#options.maxWorkers) this.#spawn();
    this.#warming.check(this.#workers, this.#options.maxWorkers);
  }

  hold(): void {
    this.#held = true;
  }

  submit(call: ExecutorCall): void {
    // Replaces workers closed when idle or given up on, so a later call gets its own attempt.
    if (this.#workers.size < this.#options.maxWorkers && !this.#stopping) this.#spawn();
    const job = new Job(call);
    keepJob(job);
    this.#line.push(job);
    this.#pump();
  }

  cancel(call: ExecutorCall, error: Error): void {
    const job = jobOf(call);
    if (job && cancelJob(this.#line, call, job, error, this.#options.killGracePeriod)) this.#checkIdle();
  }

  terminate(call: ExecutorCall, error: Error): void {
    const job = jobOf(call);
    if (job && terminateJob(this.#line, call, job, error)) this.#pump();
  }

  /**
   * Fails the call `worker` may be running with `error` and replaces the worker; the calls it held
   * behind that one never started and go to the others.
   */
  #failWorker(worker: PoolWorker, error: Error): void {
    failHead(this.#line, worker, error);
    this.#pump();
    this.#checkIdle();
  }

  sendComm(call: ExecutorCall, envelope: HostCommEnvelope): void {
    jobOf(call)?.holder?.handle.send(envelope);
  }

  shutdown({ wait, drain, reason }: ShutdownOptions): Promise<void> {
    if (wait && drain && this.#held) {
      this.#held = false;
      this.#pump();
    }
    // Stop means stop: what has not started is cancelled (shutdown.ts).
    if (!wait || !drain) cancelUnstarted(this.#line, this.#workers, wait, reason, this.#options.killGracePeriod);
    if (!wait) {
      cancelAllHeld(this.#workers, reason);
      this.#killing = true;
      this.#checkIdle();
    }
    if (this.#shuttingDown) {
      // A shutdown is waiting for running calls: escalated, it kills their workers now.
      if (!wait) for (const worker of this.#workers) worker.kill();
      return this.#shuttingDown;
    }
    this.#shuttingDown = this.#closeAll(wait).finally(() => {
      this.#shuttingDown = undefined;
      this.#killing = false;
    });
    return this.#shuttingDown;
  }

  async #closeAll(wait: boolean): Promise<void> {
    if (wait) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        this.#checkIdle();
      });
    }
    this.#stopping = true;
    if (this.#warming.only) {
      this.#warming.only = false;
      // Whoever awaits the close waits for these exits: without the children holding the host
      // again, a script's `await scheduler.close()` ran out of work first and exited with code 13.
      for (const worker of this.#workers) worker.handle.keepAlive(true);
    }
    this.#warming.fail(new WorkerStartError('closed'));
    const exits = [...this.#workers].map((worker) => this.#exitWaiters.wait(worker));
    for (const worker of this.#workers) {
      if (this.#killing) worker.kill();
      else worker.closeGracefully();
    }
    await Promise.all(exits);
  }

  #spawn(): void {
    const worker: PoolWorker = new PoolWorker(this.#options.factory, {
      frame: (envelopes) => receiveFrame(this.#sink, worker, envelopes),
      corrupt: (problem) => this.#sink.violation(worker, problem),
      exit: (exit) => this.#onExit(worker, exit),
      undeliverable: (envelope, error) => this.#undeliverable(worker, envelope, error),
    });
    this.#workers.add(worker);
  }

  /** Sends waiting calls to workers with room, least loaded first (dispatch.ts). */
  #pump(): void {
    if (this.#held) return;
    while (this.#line.size > 0) {
      const worker = pick(this.#workers, this.#options);
      if (!worker) return;
      const room = roomOf(worker, this.#options);
      do dispatch(worker, this.#line.shift() as Job, this.#tasks);
      while (this.#line.size > 0 && worker.jobs.size < room);
    }
  }

  /** The channel refused an envelope (undeliverable.ts). */
  #undeliverable(worker: PoolWorker, envelope: HostEnvelope, error: Error): void {
    if (!undeliverable(worker, envelope, error, this.#options.serialization)) return;
    this.#pump();
    this.#checkIdle();
  }

  /** A job's worker answered it: free its place; the caller reports the outcome. */
  #finished(worker: PoolWorker, job: Job): void {
    release(worker, job);
    if (worker.loadTimer !== undefined) clearTimeout(worker.loadTimer);
    // A call cancelled while the one before it ran is now the one running, if it started.
    if (worker.cancelledAhead.size > 0) {
      const head = worker.head;
      if (head && worker.cancelledAhead.delete(head)) worker.stopAfterGrace(head, this.#options.killGracePeriod);
    }
    worker.finished(performance.now());
    if (worker.ran >= this.#options.maxTasksPerWorker) {
      worker.close();
      worker.replace = true;
    }
    // Report first, then refill: handlers that submit more get their calls into the same frame.
    if (!this.#pumpScheduled) {
      this.#pumpScheduled = true;
      queueMicrotask(this.#afterSettle);
    }
  }

  readonly #afterSettle = (): void => {
    this.#pumpScheduled = false;
    this.#pump();
    for (const worker of this.#workers) {
      if (worker.jobs.size > 0) continue;
      if (worker.replace && worker.closing) worker.closeGracefully();
      else worker.watchIdle(this.#options.idleTimeout, () => this.#closeIdle(worker));
    }
    this.#checkIdle();
  };

  #closeIdle(worker: PoolWorker): void {
    if (worker.jobs.size > 0 || worker.closing || this.#stopping) return;
    log.pool('closing idle child %s', worker.handle.pid);
    worker.closeGracefully();
  }

  #onExit(worker: PoolWorker, exit: WorkerExit): void {
    this.#workers.delete(worker);
    worker.clearTimers();
    // The call it ran fails with it; those it held behind that one go back (worker-exit.ts).
    blameExit(this.#line, worker, exit);

    if (worker.state === 'starting') this.#startFailures++;
    const unexpected = !worker.closing || worker.state === 'exiting';
    // Also when calls wait: one may have come while this worker was closing for being idle.
    const needed = this.#line.size > 0 && this.#workers.size < this.#options.maxWorkers;
    if (!this.#stopping && (unexpected || worker.replace || needed)) {
      if (this.#startFailures >= MAX_START_FAILURES) {
        failWaiting(takeLine(this.#line), exit, worker.handle.pid, this.#startFailures);
        this.#warmFailed(exit, worker.handle.pid);
        // Jobs submitted later get new attempts.
        this.#startFailures = 0;
      } else this.#spawn();
    }
    this.#topUp();
    this.#pump();
    this.#checkIdle();
    this.#exitWaiters.exited(worker);
  }

  /**
   * Children keep dying at boot: a warm() waiting fails, and a pool only warm stops trying (no
   * run wants its children); a run's calls fail as they would without warm() (failWaiting).
   */
  #warmFailed(exit: WorkerExit, pid: number | undefined): void {
    if (!this.#warming.pending && !this.#warming.only) return;
    const cause = new WorkerCrashedError(undefined, exit.exitCode, exit.signal, pid);
    if (exit.error) cause.cause = exit.error;
    this.#warming.fail(new WorkerStartError('crashed', { failures: this.#startFailures, cause }));
    if (this.#warming.only) this.#stopping = true;
  }

  #checkIdle(): void {
    if (!this.#idle || this.#line.size > 0) return;
    for (const worker of this.#workers) if (worker.jobs.size > 0) return;
    const idle = this.#idle;
    this.#idle = undefined;
    idle();
  }
}
