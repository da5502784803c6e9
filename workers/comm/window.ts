/**
 * The task's side of a comm's credit window (lib/wire/protocol.ts, COMM_WINDOW): how many
 * messages it may send before the host's handlers catch up, and the senders waiting for them.
 */
import { COMM_WINDOW, type CommCredit, type HostCommEnvelope } from '../../lib/wire/protocol.js';

export class SendWindow {
  /** Messages sent, and how many the window lets through (COMM_WINDOW past the host's credit). */
  #sent = 0;
  #allowed = COMM_WINDOW;
  /** Senders waiting for credit. */
  #blocked: (() => void)[] = [];

  /** Counts a message sent; true when it used the last of the window, and the sender should wait. */
  sent(): boolean {
    return ++this.#sent >= this.#allowed;
  }

  /** Resolves once the host hands back credit, or nobody will (release). */
  credit(): Promise<void> {
    return new Promise<void>((resolve) => this.#blocked.push(resolve));
  }

  /** A credit from the host (its handlers finished `data` messages in all); false for other kinds. */
  receive(envelope: HostCommEnvelope): envelope is CommCredit {
    if (envelope.kind !== 'credit') return false;
    this.#allowed = envelope.data + COMM_WINDOW;
    if (this.#sent < this.#allowed) this.release();
    return true;
  }

  /** Lets every waiting sender go: credit came, or the host will hand back no more. */
  release(): void {
    for (const release of this.#blocked.splice(0)) release();
  }
}
