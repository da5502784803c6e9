/**
 * The task's requests waiting for the host's answer, by request id.
 *
 * Every request carries an id that its response echoes, so an answer that arrives after its
 * request timed out is dropped instead of answering the next request.
 */
import type { CommResponse, CommResponseError, HostCommEnvelope } from '../../lib/wire/protocol.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export class PendingRequests {
  readonly #pending = new Map<number, Pending>();
  #last = 0;

  /**
   * A new request: its id, to send, and its answer. With `timeout`, the answer rejects with
   * `timedOut()` after that many milliseconds and a later response is dropped.
   */
  add(timeout: number | undefined, timedOut: () => Error): { id: number; answer: Promise<unknown> } {
    const id = ++this.#last;
    const answer = new Promise<unknown>((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined };
      if (timeout !== undefined) {
        pending.timer = setTimeout(() => {
          this.#pending.delete(id);
          reject(timedOut());
        }, timeout);
      }
      this.#pending.set(id, pending);
    });
    // Settled when the call ends even if nobody awaits it then: not an unhandled rejection.
    answer.catch(() => undefined);
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
    this.#pending.delete(envelope.request);
    clearTimeout(pending.timer);
    if (envelope.kind === 'response') pending.resolve(envelope.data);
    else pending.reject(refused(envelope.data));
    return true;
  }

  /** No answer will come to any request waiting now: each rejects with an error of its own. */
  rejectAll(error: () => Error): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error());
    }
    this.#pending.clear();
  }
}
