/**
 * A task: one exported function, the plugins around it, and the events of its calls.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Emitter, type Emitted, type EventArgs, type Handler, type HandlerOptions, type HandlerSupervisor } from './events/emitter.js';
import { CallVetoedError, InvalidOptionError } from './errors/index.js';
import { checkOptions } from './options.js';
import { Roster, type Slotted } from './roster.js';
import { eventNames } from './events/names.js';
import type { Future } from './future.js';
import { NOTHING_INJECTED, type AnyPlugin, type Plugin, type PluginTask, type PluginEvents, type PluginInjects, type SubmitArgs, type SubmitCall, type TaskResult } from './plugin.js';
import type { TaskFunction, TaskRef } from './task-ref.js';
import { renderTaskPanel } from './task-panel.js';

/** The events every task emits. Handlers receive the future first, as in amltk. */
export interface TaskEvents<R, A extends readonly unknown[] = readonly unknown[]> {
  /** The call went through the plugins and was queued; `args` as the plugins left them. */
  submitted: [future: Future<R, A>, ...args: A];
  /** The call finished, with a result or an error (not emitted for a cancelled call). */
  done: [future: Future<R, A>];
  /** The call returned `result`. */
  result: [future: Future<R, A>, result: R];
  /** The call threw `error` (or its child crashed, or a limit stopped it). */
  exception: [future: Future<R, A>, error: unknown];
  /** The call was cancelled before it finished; `error` is a CancelledError. */
  cancelled: [future: Future<R, A>, error: unknown];
}

/** The full event map of a task running `F` with plugins `P`. */
export type TaskEventMap<F extends TaskFunction, P extends readonly AnyPlugin[]> = TaskEvents<
  TaskResult<F>,
  TaskArgs<F, P>
> &
  PluginEvents<P, F>;

/**
 * What `submit()` returns: a future, or `undefined` when one of the plugins may veto the call
 * (a plugin says it never does with `vetoes: false` in its types).
 */
export type Submitted<F extends TaskFunction, P extends readonly AnyPlugin[]> =
  MayVeto<P> extends true ? TaskFuture<F, P> | undefined : TaskFuture<F, P>;

/** The future of a call of a task running `F` with plugins `P`. */
export type TaskFuture<F extends TaskFunction, P extends readonly AnyPlugin[]> = Future<TaskResult<F>, TaskArgs<F, P>>;

type MayVeto<P extends readonly AnyPlugin[]> = true extends Vetoes<P[number]> ? true : false;
type Vetoes<Q> = Q extends Plugin<infer T> ? (T extends { readonly vetoes: false } ? false : true) : true;

const NO_OPTIONS: SubmitOptions = Object.freeze({});

/** The arguments `submit()` takes for a task running `F` with plugins `P`. */
export type TaskArgs<F extends TaskFunction, P extends readonly AnyPlugin[]> = SubmitArgs<F, PluginInjects<P, F>>;

export interface SubmitOptions {
  /** Aborting cancels the call: dropped if queued, stopped if running. */
  readonly signal?: AbortSignal;
}

/** Internal: what a task needs from its scheduler. */
export interface TaskHost {
  readonly supervisor: HandlerSupervisor;
  submit(task: AnyTask, call: SubmitCall, options: SubmitOptions): Future;
  assertRunning(action: string): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any task, whatever its function and plugins.
export type AnyTask = Task<any, any>;

const TASK_EVENTS = eventNames<TaskEvents<unknown>>({ submitted: true, done: true, result: true, exception: true, cancelled: true });

/**
 * Internal: the run adds a call to its task's futures before the call's first event and removes
 * it before its last, so every handler (the scheduler's included) sees `futures` and `running()`
 * as they are: a finished call no longer counts as running (amltk's Limiter miscounted that).
 */
export const trackFuture = Symbol('forkline.trackFuture');

/** Internal: a call as its task tracks it (the scheduler's record of it). */
export interface TrackedCall extends Slotted {
  readonly future: Future;
}

export class Task<F extends TaskFunction = TaskFunction, P extends readonly AnyPlugin[] = readonly AnyPlugin[]> {
  /** The function this task runs: `{ module, export }`. */
  readonly identity: TaskRef<F>;
  /** A short name: the export name, or the module's file name for a default export. */
  readonly name: string;
  /** Unique id for displays and logs, e.g. `Task-fib-x3Y9aQ2c`. */
  readonly ref: string;
  readonly plugins: P;

  readonly #host: TaskHost;
  readonly #emitter: Emitter<TaskEventMap<F, P>>;
  /** The calls submitted and not yet settled, in the order submitted. */
  readonly #inFlight = new Roster<TrackedCall>();

  /** @internal Use `scheduler.task()`. */
  constructor(host: TaskHost, identity: TaskRef<F>, plugins: P, name?: string) {
    if (!Array.isArray(plugins)) throw new InvalidOptionError('plugins', 'an array of plugins', plugins);
    this.#host = host;
    this.identity = identity;
    this.plugins = plugins;
    this.name = name ?? defaultName(identity);
    this.ref = `Task-${this.name}-${randomBytes(6).toString('base64url')}`;
    this.#emitter = new Emitter(`Task "${this.name}"`, TASK_EVENTS as never, host.supervisor);
    for (const plugin of plugins as readonly AnyPlugin[]) plugin.attach?.(this.#forPlugins());
  }

  /**
   * Submits a call. Returns its future, or `undefined` if a plugin vetoed it.
   * @throws SchedulerNotRunningError when the scheduler is not running.
   * @throws SerializationError when an argument cannot be sent to a child.
   */
  submit(...args: TaskArgs<F, P>): Submitted<F, P> {
    return this.#submit(NO_OPTIONS, args);
  }

  /**
   * Runs a call and resolves to its result: `submit()` for code that only wants the answer.
   * Rejects with the task's error, a CancelledError, SchedulerNotRunningError, or
   * CallVetoedError when a plugin vetoed the call; it never throws. The error is this caller's
   * alone: no run policy sees it.
   *
   * @example
   * ```ts
   * const value = await fib.call(30);
   * ```
   */
  call(...args: TaskArgs<F, P>): Promise<TaskResult<F>> {
    try {
      this.#host.assertRunning(`${this.name}.call()`);
      const call = this.#preSubmit(args);
      if (typeof call === 'string') return Promise.reject(new CallVetoedError(this.identity, call));
      return (this.#host.submit(this, call, NO_OPTIONS) as Future<TaskResult<F>>).then();
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what submit() threw (a forkline error, or a plugin's throw), as thrown.
      return Promise.reject(error);
    }
  }

  /** `submit()` with options, such as an AbortSignal. */
  submitWith(options: SubmitOptions, ...args: TaskArgs<F, P>): Submitted<F, P> {
    checkOptions(options, `${this.name}.submitWith()`, ['signal']);
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new InvalidOptionError('signal', 'an AbortSignal', options.signal);
    }
    return this.#submit(options, args);
  }

  #submit(options: SubmitOptions, args: readonly unknown[]): Submitted<F, P> {
    this.#host.assertRunning(`${this.name}.submit()`);
    const call = this.#preSubmit(args);
    if (typeof call === 'string') return undefined as Submitted<F, P>;
    return this.#host.submit(this, call, options) as Submitted<F, P>;
  }

  /** Runs the plugins' preSubmit in order: the call they leave, or the name of the plugin that vetoed it. */
  #preSubmit(args: readonly unknown[]): SubmitCall | string {
    let call: SubmitCall = { task: this.identity, args, inject: NOTHING_INJECTED };
    for (const plugin of this.plugins) {
      if (!plugin.preSubmit) continue;
      const next = plugin.preSubmit(call, this.#forPlugins());
      if (next === false) return plugin.name;
      call = next;
    }
    return call;
  }

  /**
   * This task as its plugins see it: an AnyTask that also takes each plugin's own events. Widened
   * here, once: a task's event map composes its plugins' maps (PluginEvents), which the compiler
   * cannot relate to one plugin's map for a generic `P`.
   */
  #forPlugins(): PluginTask {
    return this;
  }

  /** Subscribes to an event of this task; returns a function that unsubscribes. */
  on<K extends keyof TaskEventMap<F, P> & string>(
    event: K,
    handler: Handler<EventArgs<TaskEventMap<F, P>, K>>,
    options?: HandlerOptions<EventArgs<TaskEventMap<F, P>, K>>,
  ): () => void {
    return this.#emitter.on(event, handler, options);
  }

  /** Resolves with the arguments of the next emit of `event`. */
  once<K extends keyof TaskEventMap<F, P> & string>(
    event: K,
    options?: { signal?: AbortSignal },
  ): Promise<EventArgs<TaskEventMap<F, P>, K>> {
    return this.#emitter.once(event, options);
  }

  /** For plugins and the scheduler: emits an event of this task. */
  emit<K extends keyof TaskEventMap<F, P> & string>(event: K, ...args: EventArgs<TaskEventMap<F, P>, K>): Emitted {
    return this.#emitter.emit(event, ...args);
  }

  /** For plugins: makes more event names known to this task. */
  addEvents(...events: string[]): void {
    this.#emitter.addEvents(...events);
  }

  /** How many times each event was emitted. */
  get eventCounts(): Readonly<Partial<Record<keyof TaskEventMap<F, P> & string, number>>> {
    return this.#emitter.eventCounts;
  }

  /** The names of the events this task emits, its plugins' included. */
  get events(): readonly string[] {
    return this.#emitter.events;
  }

  /** @internal See {@link trackFuture}. */
  [trackFuture](call: TrackedCall, inFlight: boolean): void {
    if (inFlight) this.#inFlight.add(call);
    else this.#inFlight.delete(call);
  }

  /** The futures submitted and not yet done or cancelled. */
  get futures(): readonly TaskFuture<F, P>[] {
    return this.#inFlight.values().map((call) => call.future as TaskFuture<F, P>);
  }

  /** How many calls of this task are queued or running. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** True while any call of this task is queued or running. */
  running(): boolean {
    return this.#inFlight.size > 0;
  }

  /** The number of handlers of `event`; hidden ones (plugins') only if asked. */
  listenerCount(event: keyof TaskEventMap<F, P> & string, options?: { hidden?: boolean }): number {
    return this.#emitter.listenerCount(event, options);
  }

  toString(): string {
    return `Task(${this.name})`;
  }

  [inspect.custom](): string {
    return renderTaskPanel(this);
  }
}

function defaultName(identity: { module: string; export: string }): string {
  if (identity.export !== 'default') return identity.export;
  const file = basename(fileURLToPath(identity.module));
  return file.replace(/\.[cm]?[jt]sx?$/, '');
}
