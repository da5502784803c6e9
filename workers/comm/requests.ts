/**
 * The task's requests waiting for the host's answer, by request id.
 *
 * Every request carries an id that its response echoes, so an answer that arrives after its
 * request timed out is dropped instead of answering the next request.
 */
import type { CommResponse, CommResponseError, HostCommEnvelope } from '../../lib/wire/protocol.js';

interface Pending {
  readonly answer: Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

/** A request's bound: after `ms` milliseconds its answer rejects with `error()`. */
export interface RequestTimeout {
  readonly ms: number;
  readonly error: () => Error;
}

const ignore = (): undefined => undefined;

export class PendingRequests {
  readonly #pending = new Map<number, Pending>();
  #last = 0;

  /**
   * A new request: its id, to send, and its answer. With `timeout`, the answer rejects after that
   * many milliseconds and a later response is dropped.
   */
  add(timeout: RequestTimeout | undefined): { id: number; answer: Promise<unknown> } {
    const id = ++this.#last;
    let resolve!: (value: unknown) => void;
    let reject!: (error: Error) => void;
    const answer = new Promise<unknown>((resolveAnswer, rejectAnswer) => {
      resolve = resolveAnswer;
      reject = rejectAnswer;
    });
    const timer = timeout === undefined ? undefined : setTimeout(() => this.#reject(id, timeout.error()), timeout.ms);
    this.#pending.set(id, { answer, resolve, reject, timer });
    return { id, answer };
  }

  /**
   * A response or response-error from the host; false for other kinds (a type guard, so the dispatcher can check it left no kind out). `refused` makes the error
   * of a response-error from its reason.
   */
  receive(envelope: HostCommEnvelope, refused: (reason: string) => Error): envelope is CommResponse | CommResponseError {
    if (envelope.kind !== 'response' && envelope.kind !== 'response-error') return false;
    const pending = this.#pending.get(envelope.request);
    // Unknown ids are answers to requests that timed out: dropped, never handed to another request.
    if (!pending) return true;
    if (envelope.kind === 'response-error') {
      this.#reject(envelope.request, refused(envelope.data));
      return true;
    }
    this.#pending.delete(envelope.request);
    clearTimeout(pending.timer);
    pending.resolve(envelope.data);
    return true;
  }

  /** No answer will come to any request waiting now: each rejects with an error of its own. */
  rejectAll(error: () => Error): void {
    for (const id of [...this.#pending.keys()]) this.#reject(id, error());
  }

  #reject(id: number, error: Error): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    // Settled when the call ends even if nobody awaits it then: not an unhandled rejection. Marked
    // here, not at add(): a `.catch()` per request is a promise and a microtask per answer.
    pending.answer.catch(ignore);
    pending.reject(error);
  }
}
