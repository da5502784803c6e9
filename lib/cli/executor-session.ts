/**
 * The one place `forkline run` touches the scheduler: it starts a long run, submits calls and
 * awaits each one, cancels, reads what the pool is doing, and stops.
 *
 * Everything else in lib/cli/ speaks to this small interface, so a change of the scheduler's
 * public API (a long-lived mode with start()/close(), promise-returning calls) changes this file
 * only.
 */
import { Comm } from '../comm/index.js';
import type { Future } from '../future.js';
import { futureLink } from '../future-link.js';
import { Limits } from '../plugins/limits.js';
import { processUsage } from '../plugins/process-usage.js';
import { ProgressDisplay, type ProgressOptions } from '../progress/index.js';
import { Scheduler } from '../scheduler/scheduler.js';
import type { ExitState } from '../scheduler/exit.js';
import type { AnyPlugin } from '../plugin.js';
import type { AnyTask } from '../task.js';
import { taskRef } from '../task-ref.js';

export interface SessionOptions {
  readonly module: string;
  readonly exportName: string;
  readonly workers: number;
  readonly wallTime: number | undefined;
  readonly cpuTime: number | undefined;
  readonly memory: number | undefined;
  /** Pass `{ comm }` as the task's last argument. */
  readonly comm: boolean;
  readonly killGracePeriod: number;
}

/** How one attempt of a call ended. */
export interface Attempt {
  readonly state: 'fulfilled' | 'rejected' | 'cancelled';
  readonly value?: unknown;
  readonly error?: unknown;
  /** From its start in a child to its end; 0 if it never started. */
  readonly durationMs: number;
  readonly worker: number | undefined;
}

interface Started {
  readonly pid: number | undefined;
  readonly at: number;
}

export class ExecutorSession {
  readonly #scheduler: Scheduler;
  readonly #task: AnyTask;
  readonly #run: Promise<ExitState>;
  readonly #started = new Map<Future, Started>();
  /** Input line label and attempt of each call in flight (a Map: WeakMap lookups cost more). */
  readonly #calls = new Map<Future, { readonly label: string; readonly attempt: number }>();
  #submitting: { readonly label: string; readonly attempt: number } | undefined;
  #firstStarted: (() => void) | undefined;
  /** Resolves once the first call has started in a child, or settled without (the pool is up). */
  readonly firstStart = new Promise<void>((resolve) => (this.#firstStarted = resolve));
  /** Every child pid that ran a call, with the most CPU time (ms) read off it. */
  readonly #cpu = new Map<number, number>();

  private constructor(options: SessionOptions) {
    // JSON both ways: inputs are JSON, results are written as JSON, and it is the faster format.
    this.#scheduler = Scheduler.withProcesses(options.workers, { serialization: 'json', killGracePeriod: options.killGracePeriod });
    const plugins: AnyPlugin[] = [];
    if (options.comm) plugins.push(Comm.Plugin());
    const { wallTime, cpuTime, memory } = options;
    if (wallTime !== undefined || cpuTime !== undefined || memory !== undefined) {
      plugins.push(new Limits({ ...(wallTime && { wallTime }), ...(cpuTime && { cpuTime }), ...(memory && { memory }) }));
    }
    this.#task = this.#scheduler.task(taskRef(options.module, options.exportName), { plugins });
    // A task with plugins has a link that reports where and when each call starts.
    this.#task.on(
      'submitted',
      (future: Future) => futureLink(future)?.onStarted((pid) => {
        this.#started.set(future, { pid, at: performance.now() });
        this.#firstStarted?.();
        if (pid !== undefined && !this.#cpu.has(pid)) this.#cpu.set(pid, 0);
      }),
      { hidden: true },
    );
    // Errors go to whoever awaits each call (this session), never to the run's policy. The run
    // starts synchronously: calls can be submitted as soon as this returns.
    this.#run = this.#scheduler.run({ endOnEmpty: false, onException: 'continue', onCancelled: 'continue' });
    // Owned by close(), which awaits it; until then a rejection must not go unhandled.
    this.#run.catch(() => undefined);
  }

  /** Starts the children's run; calls can be made at once (they queue until a child is up). */
  static open(options: SessionOptions): ExecutorSession {
    return new ExecutorSession(options);
  }

  /** The task's name, for headings. */
  get name(): string {
    return this.#task.name;
  }

  /** Runs one attempt of a call and resolves with how it ended; never rejects for the task's error. */
  async call(args: readonly unknown[], label: string, attempt: number): Promise<Attempt> {
    // The display asks for the label during submit(), in 'future-submitted': have it ready.
    const submitting = { label, attempt };
    this.#submitting = submitting;
    const future = (this.#task.submit as (...values: unknown[]) => Future)(...args);
    this.#calls.set(future, submitting);
    this.#submitting = undefined;
    try {
      const value = await future;
      return this.#attempt(future, 'fulfilled', value, undefined);
    } catch (error) {
      return this.#attempt(future, future.cancelled() ? 'cancelled' : 'rejected', undefined, error);
    } finally {
      this.#firstStarted?.();
      this.#calls.delete(future);
      this.#started.delete(future);
    }
  }

  /** Calls submitted and not finished: waiting for a child, and running in one. */
  counts(): { queued: number; running: number } {
    let running = 0;
    const futures = this.#task.futures;
    for (const future of futures) if (this.#started.has(future)) running++;
    return { queued: futures.length - running, running };
  }

  /** Drops calls not yet started in a child (they settle as cancelled); returns how many. */
  cancelWaiting(reason: string): number {
    let cancelled = 0;
    for (const future of this.#task.futures) if (!this.#started.has(future) && future.cancel(reason)) cancelled++;
    return cancelled;
  }

  /** Cancels every call: running ones have their children stopped. Returns how many. */
  cancelAll(reason: string): number {
    let cancelled = 0;
    for (const future of this.#task.futures) if (future.cancel(reason)) cancelled++;
    return cancelled;
  }

  /** A progress display of this session's run, labelling calls by their input line. */
  progress(options: Omit<ProgressOptions, 'tasks' | 'label' | 'willRetry'> & { readonly willRetry: (error: unknown, attempt: number) => boolean }): ProgressDisplay {
    const { willRetry, ...rest } = options;
    return new ProgressDisplay(this.#scheduler, {
      ...rest,
      tasks: [this.#task],
      label: (future) => (this.#calls.get(future) ?? this.#submitting)?.label ?? `#${future.id}`,
      willRetry: (future, error) => willRetry(error, (this.#calls.get(future) ?? this.#submitting)?.attempt ?? 1),
    });
  }

  /** Reads the children's CPU time; call now and then, and before close (children exit then). */
  async sampleCpu(): Promise<void> {
    await Promise.all(
      [...this.#cpu.keys()].map(async (pid) => {
        const usage = await processUsage(pid);
        if (usage) this.#cpu.set(pid, Math.max(this.#cpu.get(pid) ?? 0, usage.cpuMs));
      }),
    );
  }

  /** CPU ms of the children, as last sampled (a child replaced between samples loses its last). */
  childCpuMs(): number {
    let total = 0;
    for (const ms of this.#cpu.values()) total += ms;
    return total;
  }

  /** Stops the run once every call has settled (cancel them first to stop sooner). */
  async close(): Promise<ExitState> {
    this.#scheduler.stop('forkline run is done');
    return this.#run;
  }

  #attempt(future: Future, state: Attempt['state'], value: unknown, error: unknown): Attempt {
    const started = this.#started.get(future);
    return {
      state,
      ...(state === 'fulfilled' ? { value } : { error }),
      durationMs: started ? performance.now() - started.at : 0,
      worker: started?.pid,
    };
  }
}
