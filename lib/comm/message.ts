/**
 * `message` envelopes: the task's `comm.send()`s, each a 'comm-message' event, and the host's side
 * of the credit window (lib/wire/protocol.ts, COMM_WINDOW) that keeps lagging handlers from
 * piling messages up in the host.
 */
import { ProtocolError } from '../errors/index.js';
import { COMM_CREDIT_EVERY, COMM_HOST_LIMIT, type ChildCommEnvelope, type CommMessage } from '../wire/protocol.js';
import { CommMsg } from './msg.js';
import type { CommSession } from './session.js';

/** Emits one 'comm-message' per item of a `message` envelope; false for other kinds. */
export function receiveMessage(session: CommSession, envelope: ChildCommEnvelope): envelope is CommMessage {
  if (envelope.kind !== 'message') return false;
  const { data } = envelope;
  if (!session.window.arrived(data.length)) {
    session.terminate(ProtocolError.commFlood(session.comm.id, COMM_HOST_LIMIT));
    return true;
  }
  // Counted as handled when their handlers are done: async ones that lag hold the task back.
  let handled = 0;
  for (const item of data) {
    const emitted = session.task.emit('comm-message', new CommMsg('message', item, session));
    if (typeof emitted === 'boolean') handled++;
    else void emitted.pending.then(() => session.window.handled(1));
  }
  session.window.handled(handled);
  return true;
}

/** How many of a comm's messages arrived and were handled, and the credit the task was given. */
export class CreditWindow {
  readonly #session: CommSession;
  /** Messages whose handlers have finished, and how many of those the task was told of. */
  #handled = 0;
  #credited = 0;
  /** Messages received from the task, handled or not. */
  #received = 0;

  constructor(session: CommSession) {
    this.#session = session;
  }

  /**
   * `count` more messages arrived. Returns false when more than COMM_HOST_LIMIT now wait on
   * handlers: the task ignored the window (it wrote comm frames itself), and the host would
   * otherwise hold all it sends. After a close-request the child no longer waits for credit, so
   * the check stops there: the run is ending.
   */
  arrived(count: number): boolean {
    this.#received += count;
    return this.#received - this.#handled <= COMM_HOST_LIMIT || this.#session.refusal !== undefined;
  }

  /** `count` more messages have been handled: every COMM_CREDIT_EVERY, the task gets the credit to send as many more. */
  handled(count: number): void {
    this.#handled += count;
    if (this.#handled - this.#credited < COMM_CREDIT_EVERY) return;
    this.#credited = this.#handled;
    this.#session.send({ t: 'comm', kind: 'credit', call: this.#session.call, comm: this.#session.name, data: this.#handled });
  }
}
