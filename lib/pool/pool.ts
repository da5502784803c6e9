/**
 * A pool of warm workers. Each runs one call at a time; while a worker's calls are short, the
 * pool also sends it the next few, so it never idles for a round trip between calls.
 *
 * The waiting line is our own (line.ts) rather than p-queue: a job here needs no promise of its
 * own, and p-queue's per-job promises measured ~4 µs a job against ~0.2 µs
 * (scripts/bench/queue-overhead.mjs), a sixth of a tiny task's whole budget.
 */
import { CancelledError, ProtocolError, SerializationError, TaskLoadError, WorkerCrashedError } from '../errors/index.js';
import { inline, log } from '../debug.js';
import type { Executor, ExecutorCall, HostCommEnvelope, ShutdownOptions } from '../executor.js';
import type { ErrorClass } from '../wire/error-codec.js';
import type { HostEnvelope } from '../wire/protocol.js';
import type { Serialization } from '../wire/serializable.js';
import { dispatch, pick, roomOf } from './dispatch.js';
import { Line } from './line.js';
import { PoolJob as Job } from './pool-job.js';
import { PoolWorker, TaskNumbers } from './pool-worker.js';
import { receiveFrame, type FrameSink } from './receive.js';
import type { WorkerExit, WorkerFactory } from './worker-handle.js';

export interface PoolOptions {
  readonly maxWorkers: number;
  /** Calls sent ahead to a busy worker whose recent calls were short. */
  readonly prefetch: number;
  readonly factory: WorkerFactory;
  readonly errorClasses: ReadonlyMap<string, ErrorClass>;
  /** Milliseconds a cancelled running call may take to end before its worker is stopped. */
  readonly killGracePeriod: number;
  /** Replace a worker after it ran this many calls. */
  readonly maxTasksPerWorker: number;
  /** Close a worker idle this long (ms); a new one starts when work comes. */
  readonly idleTimeout: number;
  /** For the errors of values the channel refuses. */
  readonly serialization: Serialization;
  /** Milliseconds a child may take to load a task's module before the call fails and the child is replaced. */
  readonly loadTimeout: number;
}

/** The error of a job cancelled by a shutdown. */
function cancelledError(job: Job, reason: string): CancelledError {
  return new CancelledError(job.call.request.task, reason);
}

/** Workers that die before they are ready this many times in a row mean the pool cannot start. */
const MAX_START_FAILURES = 3;

/** The least time (ms) a child that announced its exit gets to make it. */
const EXIT_FLOOR_MS = 1000;

export class Pool implements Executor {
  readonly #options: PoolOptions;
  readonly #workers = new Set<PoolWorker>();
  readonly #tasks = new TaskNumbers();
  readonly #line = new Line<Job>();
  /**
   * The calls it holds, queued or sent to a worker, by id: how cancel, terminate and comm
   * traffic find the pool's record of a call.
   */
  readonly #jobs = new Map<number, Job>();
  readonly #sink: FrameSink;
  readonly #exitWaiters = new Map<PoolWorker, () => void>();
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

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#sink = {
      errorClasses: options.errorClasses,
      ready: (worker) => {
        if (worker.state === 'starting') worker.state = 'ready';
        this.#startFailures = 0;
        this.#pump();
      },
      loading: (worker, job) => this.#loading(worker, job),
      started: (worker, job) => {
        clearTimeout(worker.loadTimer);
        if (job.call.notify) job.call.started(worker.handle.pid);
      },
      finished: (worker, job) => this.#finished(worker, job),
      exiting: (worker, reason, headUnstarted) => {
        log.pool('child %s is exiting: %s', worker.handle.pid, reason);
        worker.state = 'exiting';
        worker.headUnstarted = headUnstarted;
        this.#boundExit(worker);
      },
      violation: (worker, problem) => this.#violation(worker, problem),
    };
  }

  start(): void {
    this.#stopping = false;
    this.#held = false;
    this.#startFailures = 0;
    while (this.#workers.size < this.#options.maxWorkers) this.#spawn();
  }

  hold(): void {
    this.#held = true;
  }

  submit(call: ExecutorCall): void {
    // Replaces workers closed when idle or given up on, so a later call gets its own attempt.
    if (this.#workers.size < this.#options.maxWorkers && !this.#stopping) this.#spawn();
    const job = new Job(call);
    this.#jobs.set(call.id, job);
    this.#line.push(job);
    this.#pump();
  }

  cancel(call: ExecutorCall, error: Error): void {
    const job = this.#jobs.get(call.id);
    if (!job) return;
    if (this.#line.remove(job)) {
      this.#jobs.delete(job.id);
      call.settle({ state: 'cancelled', error });
      this.#checkIdle();
      return;
    }
    this.#cancelHeld(job, error);
  }

  #cancelHeld(job: Job, error: Error): void {
    const worker = job.holder;
    if (!worker?.jobs.has(job.id)) return;
    // Settled now; the worker's own answer, if any, is ignored. A call waiting in the child is
    // dropped there. The call running gets its comms closed and a grace period to return, then
    // its worker is stopped; never a worker whose running call is another one.
    job.call.settle({ state: 'cancelled', error });
    worker.handle.send({ t: 'cancel', id: job.id, reason: error.message });
    // Not running yet as far as the host knows; but it may be by the time the cancel arrives
    // (the previous call's result is on its way): it gets its timer once it is the head.
    if (worker.head === job) this.#stopAfterGrace(worker, job);
    else worker.cancelledAhead.add(job);
  }

  #withdraw(worker: PoolWorker, job: Job, error: Error): void {
    job.withdrawn = error;
    worker.handle.send({ t: 'cancel', id: job.id, reason: error.message, ifQueued: true });
  }

  /** The cancelled `job` is its worker's running call: stop the worker unless it returns in time. */
  #stopAfterGrace(worker: PoolWorker, job: Job): void {
    setTimeout(() => {
      if (worker.jobs.get(job.id) === job) this.#kill(worker, { replace: true });
    }, this.#options.killGracePeriod).unref();
  }

  terminate(call: ExecutorCall, error: Error): void {
    const job = this.#jobs.get(call.id);
    const worker = job?.holder;
    if (!job || !worker?.jobs.has(job.id)) return;
    this.#release(worker, job);
    call.settle({ state: 'rejected', error });
    // What else it holds never started: it goes to the other workers.
    this.#requeue(this.#takeJobs(worker));
    this.#kill(worker, { replace: true });
    this.#pump();
  }

  /**
   * Fails the call `worker` may be running with `error` and replaces the worker; the calls it held
   * behind that one never started and go to the others.
   */
  #failWorker(worker: PoolWorker, error: Error): void {
    // Closing first: handlers of the failure may submit, and nothing more goes to this worker.
    worker.close();
    const [head, ...waiting] = this.#takeJobs(worker);
    if (head) head.call.settle({ state: 'rejected', error });
    this.#requeue(waiting);
    this.#kill(worker, { replace: true });
    this.#pump();
    this.#checkIdle();
  }

  /**
   * Puts calls that provably never started back at the front of the line; calls settled meanwhile
   * (cancelled while they waited in a child) never go back.
   */
  #requeue(jobs: readonly Job[]): void {
    // Withdrawn by a stop: never run elsewhere, cancelled as the stop asked.
    for (const job of jobs) if (job.withdrawn && !job.call.done) job.call.settle({ state: 'cancelled', error: job.withdrawn });
    const back = jobs.filter((job) => !job.call.done);
    for (const job of back) this.#jobs.set(job.id, job);
    this.#line.unshift(back);
  }

  sendComm(call: ExecutorCall, envelope: HostCommEnvelope): void {
    this.#jobs.get(call.id)?.holder?.handle.send(envelope);
  }

  shutdown({ wait, drain, reason }: ShutdownOptions): Promise<void> {
    if (wait && drain && this.#held) {
      this.#held = false;
      this.#pump();
    }
    if (!wait || !drain) {
      // Stop means stop: what has not started is cancelled now, including the calls sent ahead
      // to a child (only the first a child holds is running; the child drops the rest).
      for (const job of this.#takeLine()) job.call.settle({ state: 'cancelled', error: cancelledError(job, reason) });
      // With `wait`, a call the child may have started meanwhile (the previous one's result is on
      // its way) is withdrawn rather than cancelled: it runs on if it began, as running calls do.
      for (const worker of this.#workers) {
        for (const job of [...worker.jobs.values()].slice(1)) {
          if (!wait) this.#cancelHeld(job, cancelledError(job, reason));
          else this.#withdraw(worker, job, cancelledError(job, reason));
        }
      }
    }
    if (!wait) {
      for (const worker of this.#workers) for (const job of this.#takeJobs(worker)) job.call.settle({ state: 'cancelled', error: cancelledError(job, reason) });
      this.#killing = true;
      this.#checkIdle();
    }
    if (this.#shuttingDown) {
      // A shutdown is waiting for running calls: escalated, it kills their workers now.
      if (!wait) for (const worker of this.#workers) this.#kill(worker);
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
    const exits = [...this.#workers].map((worker) => this.#exited(worker));
    for (const worker of this.#workers) {
      if (this.#killing) this.#kill(worker);
      else this.#close(worker);
    }
    await Promise.all(exits);
  }

  #spawn(): void {
    const worker: PoolWorker = new PoolWorker(this.#options.factory, {
      frame: (envelopes) => receiveFrame(this.#sink, worker, envelopes),
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

  /** A child broke the protocol: its call fails with a ProtocolError, and it is replaced. */
  #violation(worker: PoolWorker, problem: string): void {
    log.pool('child %s broke the protocol: %s', worker.handle.pid, problem);
    worker.state = 'violated';
    this.#failWorker(worker, ProtocolError.badFrame(worker.handle.pid, problem));
  }

  /**
   * A child that announced its exit gets `killGracePeriod` to make it. The runtime's own exit
   * comes within a second or so (workers/child.ts); a task can forge the announcement and go on,
   * and the host, which sends a closing child nothing more, would wait for it for ever.
   */
  #boundExit(worker: PoolWorker): void {
    if (worker.exitTimer !== undefined) return;
    // Never less than the second the runtime gives its last frames (child.ts), even at 0.
    const bound = Math.max(this.#options.killGracePeriod, EXIT_FLOOR_MS);
    worker.exitTimer = setTimeout(() => {
      log.pool('child %s announced its exit %d ms ago and is still there: stopping it', worker.handle.pid, bound);
      this.#kill(worker, { replace: true });
    }, bound);
    worker.exitTimer.unref();
  }

  /** The head job is loading its module: it gets `loadTimeout` for that. */
  #loading(worker: PoolWorker, job: Job): void {
    if (this.#options.loadTimeout === Infinity) return;
    clearTimeout(worker.loadTimer);
    worker.loadTimer = setTimeout(() => {
      if (worker.head !== job) return;
      log.pool('child %s took over %d ms to load %s', worker.handle.pid, this.#options.loadTimeout, job.call.request.task.module);
      this.#failWorker(worker, new TaskLoadError(job.call.request.task, 'load-timeout', { found: `${this.#options.loadTimeout} ms` }));
    }, this.#options.loadTimeout);
    worker.loadTimer.unref();
  }

  /**
   * The channel refused an envelope: a value that passed the checks but not the serializer (a
   * Proxy, say). A call that never reached the child fails with SerializationError; a task that
   * waits for an answer gets CloseRequestError instead of waiting forever.
   */
  #undeliverable(worker: PoolWorker, envelope: HostEnvelope, error: Error): void {
    log.pool('could not send %s to child %s: %s', envelope.t, worker.handle.pid, error.message);
    if (envelope.t === 'run') {
      const job = worker.jobs.get(envelope.id);
      if (!job) return;
      this.#release(worker, job);
      const failure = new SerializationError(`${job.call.request.task.export}.submit()`, 'args', `cannot be serialized (${error.message})`, this.#options.serialization);
      failure.cause = error;
      job.call.settle({ state: 'rejected', error: failure });
      this.#pump();
      this.#checkIdle();
    } else if (envelope.t === 'comm') {
      // What the task gets instead is the comm slice's to decide.
      worker.jobs.get(envelope.call)?.call.undeliverable(envelope, error);
    }
  }

  /** A job's worker answered it: free its place; the caller reports the outcome. */
  #finished(worker: PoolWorker, job: Job): void {
    this.#release(worker, job);
    if (worker.loadTimer !== undefined) clearTimeout(worker.loadTimer);
    // A call cancelled while the one before it ran is now the one running, if it started.
    if (worker.cancelledAhead.size > 0) {
      const head = worker.head;
      if (head && worker.cancelledAhead.delete(head)) this.#stopAfterGrace(worker, head);
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
      if (worker.replace && worker.closing) this.#close(worker);
      else if (this.#options.idleTimeout !== Infinity && !worker.closing && worker.idleTimer === undefined) {
        worker.idleTimer = setTimeout(() => this.#closeIdle(worker), this.#options.idleTimeout);
        worker.idleTimer.unref();
      }
    }
    this.#checkIdle();
  };

  #closeIdle(worker: PoolWorker): void {
    worker.idleTimer = undefined;
    if (worker.jobs.size > 0 || worker.closing || this.#stopping) return;
    log.pool('closing idle child %s', worker.handle.pid);
    this.#close(worker);
  }

  #release(worker: PoolWorker, job: Job): void {
    worker.jobs.delete(job.id);
    if (worker.cancelledAhead.size > 0) worker.cancelledAhead.delete(job);
    job.holder = undefined;
    // Out of the pool's hands, unless #requeue puts it back.
    this.#jobs.delete(job.id);
  }

  /** Empties the line: its calls leave the pool. */
  #takeLine(): Job[] {
    const jobs = this.#line.takeAll();
    for (const job of jobs) this.#jobs.delete(job.id);
    return jobs;
  }

  #takeJobs(worker: PoolWorker): Job[] {
    const jobs = [...worker.jobs.values()];
    for (const job of jobs) this.#release(worker, job);
    return jobs;
  }

  #onExit(worker: PoolWorker, exit: WorkerExit): void {
    this.#workers.delete(worker);
    clearTimeout(worker.idleTimer);
    clearTimeout(worker.loadTimer);
    clearTimeout(worker.exitTimer);
    const orphans = this.#takeJobs(worker);
    if (orphans.length > 0 || !worker.closing) log.pool('child %s exited %s holding %d jobs', worker.handle.pid, inline(exit), orphans.length);
    // The child runs its jobs in order and writes out what each produced before it starts the
    // next, so only the first it held may have started: that one failed with the child, and never
    // runs again, unless the child's runtime proved it never started (PoolWorker.headUnstarted).
    // A claim by envelope alone proves nothing: a task can send one, and would run forever.
    const running = worker.headUnstarted ? undefined : orphans.shift();
    if (running && !running.call.done) {
      running.call.settle({
        state: 'rejected',
        error: new WorkerCrashedError(running.call.request.task, exit.exitCode, exit.signal, worker.handle.pid),
      });
    }
    this.#requeue(orphans);

    if (worker.state === 'starting') this.#startFailures++;
    const unexpected = !worker.closing || worker.state === 'exiting';
    // Also when calls wait: one may have come while this worker was closing for being idle.
    const needed = this.#line.size > 0 && this.#workers.size < this.#options.maxWorkers;
    if (!this.#stopping && (unexpected || worker.replace || needed)) {
      if (this.#startFailures >= MAX_START_FAILURES) this.#failWaiting(exit, worker.handle.pid);
      else this.#spawn();
    }
    this.#pump();
    this.#checkIdle();
    this.#exitWaiters.get(worker)?.();
  }

  /** Children cannot start (bad execArgv, missing runtime): fail what waits instead of looping. */
  #failWaiting(exit: WorkerExit, pid: number | undefined): void {
    log.pool('%d children in a row died before they were ready; failing waiting jobs', this.#startFailures);
    for (const job of this.#takeLine()) {
      const error = new WorkerCrashedError(undefined, exit.exitCode, exit.signal, pid);
      if (exit.error) error.cause = exit.error;
      job.call.settle({ state: 'rejected', error });
    }
    // Jobs submitted later get new attempts.
    this.#startFailures = 0;
  }

  #close(worker: PoolWorker): void {
    worker.close();
    worker.handle.close();
  }

  #kill(worker: PoolWorker, options: { replace?: boolean } = {}): void {
    worker.close();
    worker.replace ||= options.replace === true;
    worker.handle.kill();
  }

  #exited(worker: PoolWorker): Promise<void> {
    return new Promise((resolve) =>
      this.#exitWaiters.set(worker, () => {
        this.#exitWaiters.delete(worker);
        resolve();
      }),
    );
  }

  #checkIdle(): void {
    if (!this.#idle || this.#line.size > 0) return;
    for (const worker of this.#workers) if (worker.jobs.size > 0) return;
    const idle = this.#idle;
    this.#idle = undefined;
    idle();
  }
}
