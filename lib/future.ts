/**
 * A submitted call: its state, and a promise of its result that is made only when asked for.
 *
 * Futures are awaitable (`await future`), but nothing rejects unless somebody awaits: a failed
 * task whose error is handled through events never becomes an unhandled rejection.
 */
import type { AnyTask } from './task.js';
import type { SubmitCall } from './plugin.js';

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

/** Internal: who can cancel a future (its run). */
export interface FutureOwner {
  cancel(future: Future, reason: string): boolean;
}

/** Internal: drive a future. Assigned below, where the private fields are in reach. */
export let startFuture: (future: Future) => void;
export let settleFuture: (future: Future, outcome: Outcome<unknown>) => boolean;
/** Internal: the run's per-call state (its job and comm link), kept on the future itself. */
export let futureState: (future: Future) => unknown;
export let setFutureState: (future: Future, state: unknown) => void;
/** Internal: whether somebody awaits the future (its promise was asked for before it settled). */
export let awaited: (future: Future) => boolean;

export class Future<R = unknown> implements PromiseLike<R> {
  /** Unique within the process. */
  readonly id: number;
  /** The task this future belongs to. */
  readonly task: AnyTask;
  /** The call as submitted, after plugins rewrote it. */
  readonly call: SubmitCall;

  #state: FutureState = 'queued';
  #outcome: Outcome<R> | undefined;
  #promise: Promise<R> | undefined;
  #resolve: ((value: R) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  readonly #owner: FutureOwner;
  #awaited = false;
  #internal: unknown;

  static {
    startFuture = (future) => future.#start();
    settleFuture = (future, outcome) => future.#settle(outcome);
    futureState = (future) => future.#internal;
    setFutureState = (future, state) => {
      future.#internal = state;
    };
    awaited = (future) => future.#awaited;
  }

  /** @internal Made by the scheduler. */
  constructor(id: number, task: AnyTask, call: SubmitCall, owner: FutureOwner) {
    this.id = id;
    this.task = task;
    this.call = call;
    this.#owner = owner;
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
    return this.#owner.cancel(this as unknown as Future, reason);
  }

  then<A = R, B = never>(
    onFulfilled?: ((value: R) => A | PromiseLike<A>) | null,
    onRejected?: ((error: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#settled().then(onFulfilled, onRejected);
  }

  #settled(): Promise<R> {
    if (!this.#outcome) this.#awaited = true;
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
}

/** A rejected promise of a task's error, which may be any value a task threw. */
function rejected<R>(error: unknown): Promise<R> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- tasks may throw non-errors; they pass through as thrown.
  return Promise.reject(error);
}
