/**
 * The async handlers a run waits for: a handler that returns a promise keeps its run from being
 * empty until the promise settles, and a run that ends with `wait` waits for them.
 */
export class PendingHandlers {
  #pending = 0;
  readonly #settled = new Set<() => void>();
  /** Called each time one settles, after the count dropped (the run checks for emptiness). */
  readonly #changed: () => void;
  /** Called with a handler's rejection. */
  readonly #failed: (error: unknown, event: string) => void;

  constructor(changed: () => void, failed: (error: unknown, event: string) => void) {
    this.#changed = changed;
    this.#failed = failed;
  }

  get count(): number {
    return this.#pending;
  }

  /** Counts `promise` until it settles; resolves to whether it fulfilled. */
  adopt(promise: Promise<unknown>, event: string): Promise<boolean> {
    this.#pending++;
    const done = (ok: boolean) => {
      this.#pending--;
      if (this.#pending === 0) for (const settled of this.#settled) settled();
      this.#changed();
      return ok;
    };
    return promise.then(
      () => done(true),
      (error: unknown) => {
        this.#failed(error, event);
        return done(false);
      },
    );
  }

  /** Resolves once none is pending: at once if none is. */
  done(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const settled = () => {
        this.#settled.delete(settled);
        resolve();
      };
      this.#settled.add(settled);
    });
  }
}
