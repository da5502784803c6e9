/**
 * The host's end of one comm, as users see it (`msg.comm`): its id, state and call, and a way to
 * ask the task to stop requesting. The protocol behind it is internal (session.ts).
 */
import type { Future } from '../future.js';
import type { AnyTask } from '../task.js';
import type { ChildCommEnvelope, HostCommEnvelope } from '../wire/protocol.js';
import type { WireFormat } from '../wire/serializable.js';
import { commId } from './id.js';
import type { CommSession } from './session.js';

/**
 * How a host comm reaches its task: the seam for other transports. The default runs over the
 * call's channel to its child (Comm.defaultTransport).
 */
export interface CommTransport {
  /** How values cross: answers are checked against it before they are sent. */
  readonly format: WireFormat;
  /** Sends an envelope to the task's end of the comm. */
  send(envelope: HostCommEnvelope): void;
  /** Delivers the task's envelopes for the call's comm named `name`, in order; returns the undo. */
  onComm(name: string, receive: (envelope: ChildCommEnvelope) => void): () => void;
  /** Calls `listener` if the run starts ending while the call is in flight. */
  onRunEnding(listener: (reason: string) => void): void;
}

export class HostComm {
  /** The same id as the task's `comm.id`. */
  readonly id: string;
  /** The parameter the comm is injected under. */
  readonly name: string;
  readonly future: Future;
  readonly task: AnyTask;
  readonly #session: CommSession;

  /** @internal Made by the Comm plugin for each call. */
  constructor(session: CommSession, task: AnyTask) {
    this.id = commId(session.future.id, session.name);
    this.name = session.name;
    this.future = session.future;
    this.task = task;
    this.#session = session;
  }

  /** 'idle' until the task opens the comm, then 'open', then 'closed'. */
  get state(): 'idle' | 'open' | 'closed' {
    return this.#session.state;
  }

  /** Set once the host asked the task to stop requesting: new requests are refused with it. */
  get refusal(): string | undefined {
    return this.#session.refusal;
  }

  /**
   * Tells the task the host will answer no more: its waiting and future `comm.request()` calls
   * reject with CloseRequestError. The scheduler does this itself when a run ends.
   */
  requestClose(reason = 'the host closed the comm'): void {
    this.#session.requestClose(reason);
  }

  toString(): string {
    return `Comm(${this.id}, ${this.#session.state})`;
  }
}
