/**
 * Call errors a run's policy may have to decide: those nobody took.
 *
 * A call's error is the code's that took its future (await, then, catch, finally,
 * Promise.all...), and otherwise the policy's. Who took it is known once the turn of the event
 * loop it settled in is over: its event handlers and the microtasks they queued have run. That
 * is the rule Node applies to unhandled rejections, so a future awaited by a handler of its own
 * events, or by a Promise.allSettled made before it failed, hands its error to that code.
 */
import { awaited, type Future } from '../future.js';
import type { ExitCode } from './exit.js';
import type { ErrorAction } from './policy.js';

export interface Untaken {
  readonly future: Future;
  /** What the policy says to do with it: 'raise' or 'end'. */
  readonly action: Exclude<ErrorAction, 'continue'>;
  readonly code: ExitCode;
}

export class UntakenErrors {
  #waiting: Untaken[] = [];
  readonly #decide: (untaken: readonly Untaken[]) => void;

  /** `decide` gets, at the end of each turn with failures, those nobody took (maybe none). */
  constructor(decide: (untaken: readonly Untaken[]) => void) {
    this.#decide = decide;
  }

  /** Failures are waiting for the end of their turn. */
  get pending(): boolean {
    return this.#waiting.length > 0;
  }

  add(entry: Untaken): void {
    if (this.#waiting.push(entry) === 1) setImmediate(this.#endOfTurn);
  }

  readonly #endOfTurn = (): void => {
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#decide(waiting.filter((entry) => !awaited(entry.future)));
  };
}
