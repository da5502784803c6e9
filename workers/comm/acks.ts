/**
 * Opens and closes that wait for the host's handlers: the host acks them in the order they came.
 */
import type { CommAck, HostCommEnvelope } from '../../lib/wire/protocol.js';

export class Acks {
  readonly #waiting: (() => void)[] = [];

  /** Resolves at the next ack not claimed by an earlier waiter, or at `release()`. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** An ack from the host; false for other kinds. */
  receive(envelope: HostCommEnvelope): envelope is CommAck {
    if (envelope.kind !== 'ack') return false;
    this.#waiting.shift()?.();
    return true;
  }

  /** Nobody will ack any more: every waiter goes on. */
  release(): void {
    for (const release of this.#waiting.splice(0)) release();
  }
}
