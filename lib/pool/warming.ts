/**
 * A pool's warm-up (`Scheduler.warm()`): its children started before any run, and the promise
 * that they are ready.
 *
 * The pool keeps its state and sequences it; this keeps the one promise every `warm()` shares
 * until it settles, and the rule of when the pool counts as warm. While the pool is `only`
 * warm (no run or `start()` has taken it), a ready child lets go of the host's event loop
 * (keep-alive.ts): a warm pool nobody runs never keeps a process alive. A starting child
 * still holds it, so `await scheduler.warm()` at a module's top level waits for the children.
 */
import type { PoolWorker } from './pool-worker.js';

export class Warming {
  /** Warmed and not taken by a run or `start()`: ready children do not keep the host alive. */
  only = false;
  #pending: { readonly promise: Promise<void>; readonly resolve: () => void; readonly reject: (error: Error) => void } | undefined;

  /** True while a warm() waits for its children. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * The promise of the pool's readiness: the pending one, so warm() is idempotent. It is marked
   * handled here: a warm() nobody awaits must not be an unhandled rejection, and its failure
   * reaches the run that follows anyway (its children fail the same way, and its calls with them).
   */
  wait(): Promise<void> {
    if (this.#pending) return this.#pending.promise;
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    this.#pending = { promise, resolve, reject };
    return promise;
  }

  /** Resolves the waiters once `maxWorkers` children are ready. */
  check(workers: Iterable<PoolWorker>, maxWorkers: number): void {
    if (!this.#pending) return;
    let ready = 0;
    for (const worker of workers) if (worker.state === 'ready') ready++;
    if (ready < maxWorkers) return;
    const { resolve } = this.#pending;
    this.#pending = undefined;
    resolve();
  }

  /** Rejects the waiters: the children cannot start, or the pool is closing. */
  fail(error: Error): void {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}
