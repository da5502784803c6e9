/**
 * The plugin contract: a plugin attaches to a task, may add events to it, and sees every submit
 * call first, to rewrite it (the function, its arguments, the named values injected into the call
 * in the child) or to veto it.
 */
import type { UsageProbe } from './executor.js';
import type { CommTransport } from './comm/host-comm.js';
import type { Emitted, EventArgs, Handler, HandlerOptions } from './events/emitter.js';
import { callOf, type Future } from './future.js';
import type { AnyTask } from './task.js';
import type { TaskFunction } from './task-ref.js';
import { NOTHING_INJECTED, type InjectSpec, type TaskIdentity } from './wire/protocol.js';

/** One submission as the plugins see it, before it becomes a future. */
export interface SubmitCall {
  /** Which function runs. A plugin may point the call at another one. */
  readonly task: TaskIdentity;
  /** The positional arguments. */
  readonly args: readonly unknown[];
  /**
   * Named values the child builds and passes to the function as one object after `args`:
   * `fn(...args, { comm })`. Empty when nothing is injected, and then nothing is appended.
   */
  readonly inject: Readonly<Record<string, InjectSpec>>;
}

// The `inject` of a call nothing injects into lives with the wire types, so the pool reads it
// without loading this module (which loads future.ts).
export { NOTHING_INJECTED };

/**
 * What a plugin means for the types of the task it is attached to. forkline sets `fn` to the
 * task's function when it computes the task's types, so `events` and `injects` may depend on it
 * (the Comm plugin types message data from the function's `comm` parameter this way).
 */
export interface PluginTypes {
  readonly fn: unknown;
  /** Event map of the events the plugin adds. */
  readonly events: object;
  /** Name → type of the values the plugin injects. */
  readonly injects: object;
  /** `false` when the plugin never vetoes: then `submit()` is typed to always return a future. */
  readonly vetoes?: boolean;
}

/** A task's members typed with one plugin's events `E`. */
export interface PluginEventsOf<E extends object> {
  /** Makes the plugin's event names known to the task (once, in `attach`). */
  addEvents(...events: (keyof E & string)[]): void;
  emit<K extends keyof E & string>(event: K, ...args: EventArgs<E, K>): Emitted;
  on<K extends keyof E & string>(event: K, handler: Handler<EventArgs<E, K>>, options?: HandlerOptions<EventArgs<E, K>>): () => void;
  listenerCount(event: keyof E & string, options?: { hidden?: boolean }): number;
}

/**
 * The task a plugin is attached to, typed with the plugin's own events `E` as well as every
 * task's: a plugin emits its events without a cast. Still an AnyTask, so a plugin written
 * against `attach(task: AnyTask)` keeps compiling.
 */
export type PluginTask<E extends object = object> = AnyTask & PluginEventsOf<E>;

/**
 * A running call as a plugin sees it: the comm transport over the call's channel, its start,
 * and a way to fail it (limits).
 */
export interface CallLink extends CommTransport {
  /**
   * Calls `listener` when the call begins executing, with its process id (undefined when it runs
   * in the host or on another machine) and a probe of that process's usage, wherever it runs
   * (undefined where it cannot be read). Register before the call is dispatched: in a
   * 'submitted' handler.
   */
  onStarted(listener: (pid: number | undefined, usage: UsageProbe | undefined) => void): void;
  /** Fails the call with `error` and stops the process running it (for limits). */
  terminate(error: Error): void;
}

/** The link to a call of a task with plugins (undefined for a task without: nothing talks to those). */
export function callLink(future: Future): CallLink | undefined {
  const call = callOf(future);
  return call.comms ? call : undefined;
}

/**
 * A plugin. Every member is optional but `name`.
 *
 * `preSubmit` must not hold resources for the call: a later plugin may veto it. Allocate in a
 * handler of the task's `submitted` event instead, which fires only for calls that went through.
 */
export interface Plugin<T extends PluginTypes = PluginTypes> {
  /** Shown in errors and in the task panel. */
  readonly name: string;
  /** Called once, when the task is created: add events, subscribe to the task's events. */
  attach?(task: PluginTask<T['events']>): void;
  /**
   * Called on every submit, in plugin order. Return the call (the same or a rewritten one) to
   * go on, or `false` to veto it: then `submit()` returns `undefined` and nothing runs.
   */
  preSubmit?(call: SubmitCall, task: PluginTask<T['events']>): SubmitCall | false;
  /** Lines of state for the task panel, e.g. `Open Connections: 0`. */
  describe?(): readonly string[];
  /** Type-level only. */
  readonly types?: T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any plugin, whatever its types.
export type AnyPlugin = Plugin<any>;

type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void
  ? I
  : never;

type Resolve<P, F> = P extends Plugin<infer T> ? T & { readonly fn: F } : never;

/** The events a list of plugins adds to a task running `F`. */
export type PluginEvents<P extends readonly AnyPlugin[], F> = UnionToIntersection<
  { [I in keyof P]: Resolve<P[I], F>['events'] }[number]
>;

/** The values a list of plugins injects into a task running `F`. */
export type PluginInjects<P extends readonly AnyPlugin[], F> = UnionToIntersection<
  { [I in keyof P]: Resolve<P[I], F>['injects'] }[number]
>;

/**
 * The arguments `submit()` takes for `F` when `Injected` values are appended: every parameter
 * but the last, which must receive the injected object. `never` if `F` has no such parameter.
 */
export type SubmitArgs<F extends TaskFunction, Injected> = [keyof Injected] extends [never]
  ? Parameters<F>
  : Parameters<F> extends [...infer Args, infer Last]
    ? Last extends { [K in keyof Injected]: unknown }
      ? Args
      : never
    : never;

/** What a task running `F` resolves to. */
export type TaskResult<F extends TaskFunction> = Awaited<ReturnType<F>>;
