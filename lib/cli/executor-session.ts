/**
 * The one place `forkline run` runs calls, through the scheduler's public long-lived API: on the
 * pool warm-pool.ts built and warmed, it opens it with `start()`, submits calls and awaits each future, stops with `stop()` (calls
 * not started are cancelled at once; a second stop kills the running ones), and ends with
 * `close()`.
 *
 * Everything else in lib/cli/ speaks to this small interface.
 */
import { Comm } from '../comm/index.js';
import type { Future } from '../future.js';
import { Limits } from '../plugins/limits.js';
import { processUsage } from '../pool/process-usage.js';
import { ProgressDisplay, type ProgressOptions } from '../progress/index.js';
import { Scheduler } from '../scheduler/scheduler.js';
import type { ExitState } from '../scheduler/exit.js';
import { callLink, type AnyPlugin } from '../plugin.js';
import type { AnyTask } from '../task.js';
import { taskRef } from '../task-ref.js';

export interface SessionOptions {
  readonly module: string;
  readonly exportName: string;
  readonly wallTime: number | undefined;
  readonly cpuTime: number | undefined;
  readonly memory: number | undefined;
  /** Pass `{ comm }` as the task's last argument. */
  readonly comm: boolean;
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
  /** When it settled, read in the settle event (the awaiter resumes later under load). */
  ended?: number;
}

/**
 * A plugin that does nothing but give the task's calls a link, so the pool reports when each
 * starts in its child (one small envelope per call), even with --no-comm and no limits.
 */
const CALL_STARTS: AnyPlugin = { name: 'call starts' };

export class ExecutorSession {
  readonly #scheduler: Scheduler;
  readonly #task: AnyTask;
  readonly #started = new Map<Future, Started>();
  /** Input line label and attempt of each call in flight (a Map: WeakMap lookups cost more). */
  readonly #calls = new Map<Future, { readonly label: string; readonly attempt: number }>();
  /** How the pool is being stopped, once stop() was called. */
  #shutdown: { readonly drain?: false; readonly wait?: false } | undefined;
  #submitting: { readonly label: string; readonly attempt: number } | undefined;
  #firstStarted: (() => void) | undefined;
  /** Resolves once the first call has started in a child, or settled without (the pool is up). */
  readonly firstStart = new Promise<void>((resolve) => (this.#firstStarted = resolve));
  #firstStartAt: number | undefined;
  #lastSettleAt: number | undefined;
  /** Every child pid that ran a call, with the most CPU time (ms) read off it. */
  readonly #cpu = new Map<number, number>();

  private constructor(scheduler: Scheduler, options: SessionOptions) {
    this.#scheduler = scheduler;
    const plugins: AnyPlugin[] = [CALL_STARTS];
    if (options.comm) plugins.push(Comm.Plugin());
    const { wallTime, cpuTime, memory } = options;
    if (wallTime !== undefined || cpuTime !== undefined || memory !== undefined) {
      plugins.push(new Limits({ ...(wallTime && { wallTime }), ...(cpuTime && { cpuTime }), ...(memory && { memory }) }));
    }
    this.#task = this.#scheduler.task(taskRef(options.module, options.exportName), { plugins });
    // A task with plugins has a link that reports where and when each call starts.
    this.#task.on(
      'submitted',
      (future: Future) => callLink(future)?.onStarted((pid) => {
        const at = performance.now();
        this.#started.set(future, { pid, at });
        this.#firstStartAt ??= at;
        this.#firstStarted?.();
        if (pid !== undefined && !this.#cpu.has(pid)) this.#cpu.set(pid, 0);
      }),
      { hidden: true },
    );
    // Durations end where the call settled, not where its awaiter resumed: a host busy with
    // thousands of results resumes awaiters late, and the summed durations would overlap.
    const settled = (future: Future) => {
      const at = performance.now();
      this.#lastSettleAt = at;
      const started = this.#started.get(future);
      if (started) started.ended = at;
    };
    this.#task.on('done', settled, { hidden: true });
    this.#task.on('cancelled', settled, { hidden: true });
    // A long-lived pool, on the children warm() started: every call's error goes to whoever
    // awaits it (this session), never to a policy. It starts synchronously: calls can be
    // submitted as soon as this returns (they queue until a child is up).
    this.#scheduler.start();
  }

  /** Opens `scheduler`'s pool for the task `options` names (warm-pool.ts built the scheduler). */
  static open(scheduler: Scheduler, options: SessionOptions): ExecutorSession {
    return new ExecutorSession(scheduler, options);
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
    let future: Future | undefined;
    try {
      future = (this.#task.submit as (...values: unknown[]) => Future | undefined)(...args);
    } catch (error) {
      // Stopped between the decision to submit and the submit: the call never ran.
      return { state: 'cancelled', error, durationMs: 0, worker: undefined };
    } finally {
      this.#submitting = undefined;
    }
    if (future === undefined) return { state: 'rejected', error: new Error('a plugin vetoed the call'), durationMs: 0, worker: undefined };
    this.#calls.set(future, submitting);
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

  /** The calls phase: from the first call's start in a child to the last settle (0 if none ran). */
  callsPhaseMs(): number {
    return this.#firstStartAt === undefined || this.#lastSettleAt === undefined ? 0 : Math.max(0, this.#lastSettleAt - this.#firstStartAt);
  }

  /** Calls submitted and not finished: waiting for a child, and running in one. */
  counts(): { queued: number; running: number } {
    let running = 0;
    const futures = this.#task.futures;
    for (const future of futures) if (this.#started.has(future)) running++;
    return { queued: futures.length - running, running };
  }

  /**
   * Stops the pool. The first stop cancels the calls not started at once (they settle as
   * cancelled) and lets the running ones finish; a second kills the running ones now.
   *
   * Through `close({ drain: false })`, then `close({ wait: false })`: a `start()` pool's
   * `stop()` drains its queue, as its `close()` does by default.
   */
  stop(): void {
    this.#shutdown = this.#shutdown === undefined ? { drain: false } : { wait: false };
    void this.#scheduler.close(this.#shutdown);
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

  /** Closes the pool once every call has settled (stop first to end sooner). */
  async close(): Promise<ExitState | undefined> {
    return this.#scheduler.close(this.#shutdown);
  }

  #attempt(future: Future, state: Attempt['state'], value: unknown, error: unknown): Attempt {
    const started = this.#started.get(future);
    return {
      state,
      ...(state === 'fulfilled' ? { value } : { error }),
      durationMs: started ? (started.ended ?? performance.now()) - started.at : 0,
      worker: started?.pid,
    };
  }
}
