/**
 * The host's end of one comm: answers requests and acks, and can ask the task to stop asking.
 */
import type { Future } from '../future.js';
import { COMM_CREDIT_EVERY, COMM_HOST_LIMIT, type ChildCommEnvelope, type HostCommEnvelope } from '../wire/protocol.js';
import type { WireFormat } from '../wire/serializable.js';
import type { AnyTask } from '../task.js';
import { assertSendable } from '../wire/serializable.js';
import { commId } from './id.js';

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
  readonly #transport: CommTransport;
  #state: 'idle' | 'open' | 'closed' = 'idle';
  #refusal: string | undefined;
  /** Messages whose handlers have finished, and how many of those the task was told of. */
  #handled = 0;
  #credited = 0;
  /** Messages received from the task, handled or not. */
  #received = 0;

  /** @internal Made by the Comm plugin for each call. */
  constructor(name: string, future: Future, task: AnyTask, transport: CommTransport) {
    this.id = commId(future.id, name);
    this.name = name;
    this.future = future;
    this.task = task;
    this.#transport = transport;
  }

  /** 'idle' until the task opens the comm, then 'open', then 'closed'. */
  get state(): 'idle' | 'open' | 'closed' {
    return this.#state;
  }

  /** Set once the host asked the task to stop requesting: new requests are refused with it. */
  get refusal(): string | undefined {
    return this.#refusal;
  }

  /**
   * Tells the task the host will answer no more: its waiting and future `comm.request()` calls
   * reject with CloseRequestError. The scheduler does this itself when a run ends.
   */
  requestClose(reason = 'the host closed the comm'): void {
    if (this.#refusal !== undefined) return;
    this.#refusal = reason;
    this.#transport.send({ t: 'comm', kind: 'close-request', call: this.future.id, comm: this.name, data: reason });
  }

  /** @internal */
  setState(state: 'open' | 'closed'): void {
    this.#state = state;
  }

  /** @internal */
  respond(request: number, value: unknown): void {
    assertSendable(value, this.#transport.format, 'msg.respond()', 'value');
    this.#transport.send({ t: 'comm', kind: 'response', call: this.future.id, comm: this.name, request, data: value });
  }

  /** @internal */
  fail(request: number, reason: string): void {
    this.#transport.send({ t: 'comm', kind: 'response-error', call: this.future.id, comm: this.name, request, data: reason });
  }

  /**
   * @internal `count` more messages arrived. Returns false when more than COMM_HOST_LIMIT now
   * wait on handlers: the task ignored the window (it wrote comm frames itself), and the host
   * would otherwise hold all it sends. After a close-request the child no longer waits for
   * credit, so the check stops there: the run is ending.
   */
  arrived(count: number): boolean {
    this.#received += count;
    return this.#received - this.#handled <= COMM_HOST_LIMIT || this.#refusal !== undefined;
  }

  /**
   * @internal `count` more messages have been handled: every COMM_CREDIT_EVERY, the task gets
   * the credit to send as many more (protocol.ts, COMM_WINDOW).
   */
  handled(count: number): void {
    this.#handled += count;
    if (this.#handled - this.#credited < COMM_CREDIT_EVERY) return;
    this.#credited = this.#handled;
    this.#transport.send({ t: 'comm', kind: 'credit', call: this.future.id, comm: this.name, data: this.#handled });
  }

  /** @internal */
  ack(): void {
    this.#transport.send({ t: 'comm', kind: 'ack', call: this.future.id, comm: this.name });
  }

  toString(): string {
    return `Comm(${this.id}, ${this.#state})`;
  }
}
