/**
 * A submitted call: its state, and a promise of its result that is made only when asked for.
 *
 * A future is a promise (`then`, `catch`, `finally`; `await`, `Promise.all` and `allSettled`
 * take it), but nothing rejects unless somebody asks: a failed task whose error is handled
 * through events never becomes an unhandled rejection.
 */
import { inspect, type InspectOptions } from 'node:util';
import type { AnyTask } from './task.js';
import type { SubmitCall } from './plugin.js';
import type { Call } from './scheduler/call.js';

/**
 * `queued`: waiting for a child. `running`: handed to a child, which runs it, or holds it next
 * in line while it runs another (quick calls are sent ahead). Then how it ended.
 */
export type FutureState = 'queued' | 'running' | 'fulfilled' | 'rejected' | 'cancelled';

/** How a future ended. */
export type Outcome<R> =
  | { readonly state: 'fulfilled'; readonly value: R }
  | { readonly state: 'rejected'; readonly error: unknown }
  | { readonly state: 'cancelled'; readonly error: unknown };

/** The call of a future: its arguments typed from the task's parameters. */
export interface FutureCall<A extends readonly unknown[] = readonly unknown[]> extends SubmitCall {
  /** The positional arguments, as the plugins left them. */
  readonly args: A;
}

/** @internal Drive a future. Assigned below, where the private fields are in reach. */
export let startFuture: (future: Future) => void;
/** @internal */
export let settleFuture: (future: Future, outcome: Outcome<unknown>) => boolean;
/** @internal The record of the future's call. */
export let callOf: (future: Future) => Call;
/** @internal Whether somebody took the future's outcome (asked for its promise: then, catch, finally, await). */
export let awaited: (future: Future) => boolean;

/**
 * The future of one call. `R` is what the task resolves to, `A` its arguments.
 *
 * @example
 * ```ts
 * const future = fib.submit(30);
 * future.catch((error) => console.error(error)); // the error is this code's, not the run's
 * console.log(await future, future.state);       // 832040 'fulfilled'
 * ```
 */
export class Future<R = unknown, A extends readonly unknown[] = readonly unknown[]> implements Promise<R> {
  /** Unique within the process. */
  readonly id: number;
  /** The task this future belongs to. */
  readonly task: AnyTask;
  /** The call as submitted, after plugins rewrote it. */
  readonly call: FutureCall<Readonly<A>>;

  #state: FutureState = 'queued';
  #outcome: Outcome<R> | undefined;
  #promise: Promise<R> | undefined;
  #resolve: ((value: R) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  readonly #call: Call;
  #awaited = false;

  static {
    startFuture = (future) => future.#start();
    settleFuture = (future, outcome) => future.#settle(outcome);
    callOf = (future) => future.#call;
    awaited = (future) => future.#awaited;
  }

  /** @internal Made by its call's record (lib/scheduler/call.ts). */
  constructor(id: number, task: AnyTask, call: SubmitCall, record: Call) {
    this.id = id;
    this.task = task;
    this.call = call as FutureCall<Readonly<A>>;
    this.#call = record;
  }

  get state(): FutureState {
    return this.#state;
  }

  /** The result, once fulfilled. */
  get result(): R | undefined {
    return this.#outcome?.state === 'fulfilled' ? this.#outcome.value : undefined;
  }

  /** The error, once rejected or cancelled. */
  get error(): unknown {
    return this.#outcome?.state === 'fulfilled' ? undefined : this.#outcome?.error;
  }

  /** True once the future has a result, an error, or was cancelled. */
  done(): boolean {
    return this.#outcome !== undefined;
  }

  running(): boolean {
    return this.#state === 'running';
  }

  cancelled(): boolean {
    return this.#state === 'cancelled';
  }

  /**
   * Asks for cancellation. A queued call is dropped; a running one has its comms closed
   * (CloseRequestError in the child), then its child is stopped. Returns false if already done.
   */
  cancel(reason = 'future.cancel() was called'): boolean {
    if (this.done()) return false;
    return this.#call.cancel(reason);
  }

  then<A = R, B = never>(
    onFulfilled?: ((value: R) => A | PromiseLike<A>) | null,
    onRejected?: ((error: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#settled().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((error: unknown) => B | PromiseLike<B>) | null): Promise<R | B> {
    return this.#settled().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<R> {
    return this.#settled().finally(onFinally);
  }

  get [Symbol.toStringTag](): string {
    return 'Future';
  }

  #settled(): Promise<R> {
    // Also after settling: the run decides its policy a turn later, and this counts then.
    this.#awaited = true;
    if (!this.#promise) {
      const outcome = this.#outcome;
      if (outcome) {
        this.#promise = outcome.state === 'fulfilled' ? Promise.resolve(outcome.value) : rejected<R>(outcome.error);
      } else {
        this.#promise = new Promise<R>((resolve, reject) => {
          this.#resolve = resolve;
          this.#reject = reject;
        });
      }
    }
    return this.#promise;
  }

  #start(): void {
    if (this.#state === 'queued') this.#state = 'running';
  }

  #settle(outcome: Outcome<R>): boolean {
    if (this.#outcome) return false;
    this.#outcome = outcome;
    this.#state = outcome.state;
    if (outcome.state === 'fulfilled') this.#resolve?.(outcome.value);
    else this.#reject?.(outcome.error);
    return true;
  }

  /** Prints as `Future(3, fib, fulfilled)`. */
  toString(): string {
    return `Future(${this.id}, ${this.call.task.export}, ${this.#state})`;
  }

  /** `console.log(future)`: `Future { id: 3, task: 'fib', state: 'fulfilled', args: [ 30 ], value: 832040 }`. */
  // The options' type is spelled out: @types/node renamed `InspectOptionsStylized` across versions,
  // and the published types must compile against whichever a user has.
  [inspect.custom](depth: number, options: InspectOptions & { stylize(text: string, style: string): string }, show: typeof inspect): string {
    if (depth < 0) return options.stylize(`[Future ${this.id} ${this.#state}]`, 'special');
    const outcome = this.#outcome;
    const shown = {
      id: this.id,
      task: this.task.name,
      state: this.#state,
      args: this.call.args,
      ...(outcome === undefined ? {} : outcome.state === 'fulfilled' ? { value: outcome.value } : { error: outcome.error }),
    };
    return `Future ${show(shown, { ...options, depth: options.depth === null ? null : (options.depth ?? 2) - 1 })}`;
  }
}

/** A rejected promise of a task's error, which may be any value a task threw. */
function rejected<R>(error: unknown): Promise<R> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- tasks may throw non-errors; they pass through as thrown.
  return Promise.reject(error);
}
