/**
 * A run's timers (`callLater`, the run's `timeout`): cleared when the run ends, and their
 * callbacks guarded as handlers are, so a throwing or async one counts for the run.
 *
 * Apart from the run so it keeps one list; the run hands it the two ways a handler reports,
 * once, as it does to PendingHandlers.
 */
export class RunTimers {
  readonly #timers = new Set<NodeJS.Timeout>();
  /** A callback threw. */
  readonly #failed: (error: unknown, event: string) => void;
  /** A callback returned a promise: the run is not empty until it settles. */
  readonly #adopt: (promise: Promise<unknown>, event: string) => Promise<unknown>;

  constructor(failed: (error: unknown, event: string) => void, adopt: (promise: Promise<unknown>, event: string) => Promise<unknown>) {
    this.#failed = failed;
    this.#adopt = adopt;
  }

  /** Calls `fn` after `delay` ms, unless cancelled or the run ended first. */
  later(delay: number, fn: () => unknown): { cancel(): void } {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#guard(fn, 'callLater');
    }, delay);
    this.#timers.add(timer);
    return {
      cancel: () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
      },
    };
  }

  /** The run ends: no timer of it fires. */
  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #guard(fn: () => unknown, event: string): void {
    try {
      const returned = fn();
      if (returned instanceof Promise) void this.#adopt(returned, event);
    } catch (error) {
      this.#failed(error, event);
    }
  }
}
