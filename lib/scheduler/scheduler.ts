/**
 * The scheduler: makes tasks, runs them on its executor, and emits what happens.
 *
 * Kept thin on purpose: a run's logic is in run.ts and the modules beside it, the workers in
 * ../pool/, option checks in options.ts.
 */
import { Emitter, type EventArgs, type Handler, type HandlerOptions, type HandlerSupervisor } from '../events/emitter.js';
import { InvalidOptionError, SchedulerBusyError, SchedulerNotRunningError } from '../errors/index.js';
import { callable, checkOptions, MAX_TIMER_MS, timerDelay } from '../options.js';
import { knownErrors } from './known-errors.js';
import type { Executor } from '../executor.js';
import type { Future } from '../future.js';
import type { AnyPlugin, SubmitArgs, TaskResult } from '../plugin.js';
import { childWorkerFactory } from '../pool/child-worker.js';
import { inProcessWorkerFactory } from '../pool/in-process-worker.js';
import { Pool } from '../pool/pool.js';
import { Task, type TaskHost } from '../task.js';
import { checkTaskRef, type TaskFunction, type TaskRef } from '../task-ref.js';
import type { WireFormat } from '../wire/serializable.js';
import { SCHEDULER_EVENTS, type SchedulerEvents } from './events.js';
import type { ExitState } from './exit.js';
import { closeSettings, commonSettings, processSettings, runSettings, startSettings, type ProcessSchedulerOptions, type SchedulerOptions } from './options.js';
import { Run, type CloseOptions, type RunOptions, type RunSettings, type StartOptions } from './run.js';

export interface TaskOptions<P extends readonly AnyPlugin[]> {
  /** Plugins, applied to each submit in this order. */
  readonly plugins?: P;
  /** Display name; defaults to the export name. */
  readonly name?: string;
}

/** Ids are unique across schedulers, so futures and comm ids never collide in one process. */
let lastFutureId = 0;
const nextFutureId = () => ++lastFutureId;

export class Scheduler {
  readonly #events: Emitter<SchedulerEvents>;
  readonly #executor: Executor;
  readonly #format: WireFormat;
  readonly #prefixOutput: boolean;
  readonly #host: TaskHost;
  readonly #adhoc = new Map<string, Task>();
  #run: Run | undefined;
  /** The current run's end, and the last run, for close() and for errors of late submits. */
  #ended: Promise<unknown> | undefined;
  #last: Run | undefined;
  /** warm() started children that no run has taken yet: close() closes them. */
  #warmed = false;

  /**
   * A scheduler on a warm pool of `maxWorkers` child processes (default: one per CPU).
   * Each child runs one call at a time and is reused across calls.
   */
  static withProcesses(maxWorkers?: number, options: ProcessSchedulerOptions = {}): Scheduler {
    const settings = processSettings(maxWorkers, options);
    const errorClasses = knownErrors(settings.errorClasses);
    const pool = new Pool({
      maxWorkers: settings.maxWorkers,
      prefetch: settings.prefetch,
      errorClasses,
      killGracePeriod: settings.killGracePeriod,
      maxTasksPerWorker: settings.maxTasksPerWorker,
      idleTimeout: settings.idleTimeout,
      loadTimeout: settings.loadTimeout,
      serialization: settings.serialization,
      factory: childWorkerFactory(settings),
    });
    return new Scheduler(pool, settings, settings.prefixOutput);
  }

  /**
   * A scheduler that runs calls one at a time inside this process, with the same semantics as a
   * pool of one child: for debugging, and for tests of task code.
   */
  static withSequential(options: SchedulerOptions = {}): Scheduler {
    const settings = commonSettings(options);
    const pool = new Pool({
      maxWorkers: 1,
      prefetch: 0,
      errorClasses: knownErrors(settings.errorClasses),
      killGracePeriod: 0,
      maxTasksPerWorker: Infinity,
      idleTimeout: Infinity,
      // A module loading in the host cannot be stopped.
      loadTimeout: Infinity,
      serialization: settings.serialization,
      factory: inProcessWorkerFactory(settings),
    });
    return new Scheduler(pool, settings, false);
  }

  /**
   * @internal A scheduler on any executor (a queue on another machine, a test's fake): the seam
   * for executors that are not this package's pool. `format` is how values cross to wherever the
   * executor runs calls; output is never prefixed.
   */
  static withExecutor(executor: Executor, format: WireFormat): Scheduler {
    return new Scheduler(executor, format, false);
  }

  private constructor(executor: Executor, format: WireFormat, prefixOutput: boolean) {
    this.#executor = executor;
    this.#format = { serialization: format.serialization, maxPayloadBytes: format.maxPayloadBytes };
    this.#prefixOutput = prefixOutput;
    const supervisor: HandlerSupervisor = {
      handlerFailed: (error, event) => {
        if (!this.#run) throw error;
        this.#run.handlerFailed(error, event);
      },
      // The run current when the handler ran owns its promise, even if it settles after that run.
      adopt: (promise, event) => {
        if (this.#run) return this.#run.adopt(promise, event);
        return promise.then(
          () => true,
          (error: unknown) => {
            process.emitWarning(`A handler of '${event}' failed outside a run: ${String(error)}`, 'ForklineWarning');
            return false;
          },
        );
      },
    };
    this.#events = new Emitter('Scheduler', SCHEDULER_EVENTS, supervisor);
    this.#host = {
      supervisor,
      submit: (task, call, submitOptions) => this.#liveRun(`${task.name}.submit()`).submit(task, call, submitOptions),
      assertRunning: (action) => void this.#liveRun(action),
    };
  }

  /**
   * Makes a task of an exported function.
   *
   * @example
   * ```ts
   * import type * as Jobs from './jobs.ts';
   * const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
   * const fib = scheduler.task(jobs.fib);
   * scheduler.on('start', () => fib.submit(30));
   * ```
   */
  task<F extends TaskFunction, const P extends readonly AnyPlugin[] = []>(ref: TaskRef<F>, options: TaskOptions<P> = {}): Task<F, P> {
    checkTaskRef(ref);
    if (Array.isArray(options)) {
      throw new InvalidOptionError('options', '{ plugins: [...] } (plugins go in an object, not as the second argument)', options);
    }
    checkOptions(options, 'scheduler.task()', ['plugins', 'name']);
    return new Task(this.#host, ref, options.plugins ?? ([] as unknown as P), options.name);
  }

  /** Submits a call of `ref` without plugins: `scheduler.task(ref).submit(...args)`, with one task per ref. */
  submit<F extends TaskFunction>(ref: TaskRef<F>, ...args: SubmitArgs<F, object>): Future<TaskResult<F>, SubmitArgs<F, object>> {
    const key = `${ref.module}#${ref.export}`;
    let task = this.#adhoc.get(key);
    if (!task) this.#adhoc.set(key, (task = this.task(ref) as unknown as Task));
    return (task.submit as unknown as (...values: unknown[]) => Future)(...args) as Future<TaskResult<F>, SubmitArgs<F, object>>;
  }

  /**
   * Runs until stopped, out of work (with `endOnEmpty`), or timed out, and returns how it ended:
   * amltk's event-driven run. Rejects with the error when the exception policy says 'raise'.
   * A scheduler can run again once a run has finished.
   *
   * @example
   * ```ts
   * scheduler.on('start', () => fib.submit(30));
   * fib.on('result', (future, value) => console.log(value));
   * const exit = await scheduler.run({ timeout: 60_000 }); // { code: 'exhausted' }
   * ```
   */
  async run(options: RunOptions = {}): Promise<ExitState> {
    if (this.#run) throw new SchedulerBusyError();
    return this.#begin(runSettings(options));
  }

  /**
   * Starts a long-lived pool, for apps: it stays open, idle or busy, until `close()`, and takes
   * calls from anywhere (request handlers, timers). A call's error belongs only to the code
   * awaiting it: no policy ends the pool, and a handler that throws is a process warning.
   * Events fire as in a run. `await using scheduler = ...` closes it at the end of the scope.
   *
   * @example
   * ```ts
   * const scheduler = Scheduler.withProcesses(4).start();
   * const fib = scheduler.task(jobs.fib);
   * const value = await fib.call(30); // rejects with the task's error, if it fails
   * await scheduler.close();
   * ```
   * @throws SchedulerBusyError when a run or a pool is already going.
   */
  start(options: StartOptions = {}): this {
    if (this.#run) throw new SchedulerBusyError('scheduler.start()');
    // Nothing rejects in a long-lived run ('continue' everywhere); the catch is for certainty.
    this.#begin(startSettings(options)).catch((error: unknown) => {
      process.emitWarning(`forkline: the pool of start() failed: ${String(error)}`, 'ForklineWarning');
    });
    return this;
  }

  /**
   * Starts the pool's children now and resolves once they are ready, so the first call of the
   * `run()` or `start()` that follows does not wait for Node to boot. Call it early (a CLI while
   * it reads its input, an app at boot) and await it when convenient; the run takes the same
   * children. Idempotent: calls share one promise until it settles.
   *
   * Until a run takes them, the children do not keep the process alive: a process that warms
   * and never runs exits as it would have, and stops them as it goes; `close()` stops them
   * sooner. Rejects with WorkerStartError if children keep dying at boot (a bad `execArgv`),
   * or if `close()` comes first; a warm() nobody awaits is never an unhandled rejection, and the
   * run that follows fails its calls the same way. Resolves at once where there is nothing to
   * start ahead (a queue's workers live on other machines).
   *
   * @example
   * ```ts
   * const scheduler = Scheduler.withProcesses(2);
   * const warming = scheduler.warm(); // the children boot while the app starts up
   * const fib = scheduler.task(jobs.fib);
   * scheduler.on('start', () => fib.submit(30));
   * await warming;
   * await scheduler.run(); // its first call runs on a child that is already up
   * ```
   */
  warm(): Promise<void> {
    const executor = this.#executor;
    if (!executor.warm) return Promise.resolve();
    if (!this.#run) this.#warmed = true;
    return executor.warm();
  }

  /**
   * Closes what runs (the pool of `start()`, or a `run()`) and resolves once it has ended and
   * its children have exited, with how it ended (undefined if nothing ran). Children `warm()`
   * started that no run has taken are stopped too. By default every
   * queued and running call finishes first; `drain: false` cancels the queued ones,
   * `wait: false` cancels the running ones too and stops their children now.
   */
  async close(options: CloseOptions = {}): Promise<ExitState | undefined> {
    const shutdown = closeSettings(options);
    const run = this.#run;
    if (run) {
      run.close(shutdown);
      await this.#ended;
    } else if (this.#warmed) {
      this.#warmed = false;
      await this.#executor.shutdown({ ...shutdown, reason: 'the scheduler was closed' });
    }
    return (run ?? this.#last)?.exit;
  }

  /** `await using scheduler = Scheduler.withProcesses(2).start()` closes it, draining, at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #begin(settings: RunSettings): Promise<ExitState> {
    const run = new Run(
      {
        events: this.#events,
        executor: this.#executor,
        format: this.#format,
        prefixOutput: this.#prefixOutput,
        nextId: nextFutureId,
      },
      settings,
    );
    this.#run = run;
    // The run takes the children warm() started; its end closes them.
    this.#warmed = false;
    const ended = run.execute();
    this.#ended = ended.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await ended;
    } finally {
      this.#last = run;
      this.#run = undefined;
    }
  }

  /**
   * Ends the run; `running()` is false from this call on. The calls not started are cancelled,
   * the running ones finish (`wait: true`, the default) or are stopped. A second call, from
   * outside the run's handlers, stops the running calls too.
   */
  stop(message?: string, error?: unknown): void {
    this.#run?.stop(message, error);
  }

  /** Calls `fn` after `delay` ms, unless cancelled or the run ends first. */
  callLater(delay: number, fn: () => unknown): { cancel(): void } {
    timerDelay(delay, 'delay', `a number of milliseconds from 0 to ${MAX_TIMER_MS} (Node fires longer timers at once)`, 'zero');
    callable(fn, 'fn');
    return this.#liveRun('scheduler.callLater()').callLater(delay, fn);
  }

  /** True from `run()` until the run starts ending. */
  running(): boolean {
    return this.#run?.running() ?? false;
  }

  /** True when nothing is queued or running. */
  empty(): boolean {
    return this.#run?.empty() ?? true;
  }

  on<K extends keyof SchedulerEvents>(
    event: K,
    handler: Handler<EventArgs<SchedulerEvents, K>>,
    options?: HandlerOptions<EventArgs<SchedulerEvents, K>>,
  ): () => void {
    return this.#events.on(event, handler, options);
  }

  once<K extends keyof SchedulerEvents>(event: K, options?: { signal?: AbortSignal }): Promise<EventArgs<SchedulerEvents, K>> {
    return this.#events.once(event, options);
  }

  /** How many times each event was emitted, across runs. */
  get eventCounts(): Readonly<Partial<Record<keyof SchedulerEvents, number>>> {
    return this.#events.eventCounts;
  }

  #liveRun(action: string): Run {
    const run = this.#run;
    if (run?.running()) return run;
    throw new SchedulerNotRunningError(action, (run ?? this.#last)?.ending);
  }
}
