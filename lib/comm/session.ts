/**
 * Internal: the host's protocol state of one comm of one call, which the handlers of each kind
 * (open.ts, message.ts, request.ts, close.ts, ack.ts) work on. Users see it through HostComm,
 * which shows only what is theirs: what crosses here is not public API.
 */
import type { Future } from '../future.js';
import { callLink, type PluginTask } from '../plugin.js';
import type { HostCommEnvelope } from '../wire/protocol.js';
import { assertSendable } from '../wire/serializable.js';
import { HostComm, type CommTransport } from './host-comm.js';
import { CreditWindow } from './message.js';
import type { CommEvents } from './plugin.js';

/** The comm's task, typed with the Comm plugin's events (the plugin contract hands it so). */
export type CommTask = PluginTask<CommEvents>;

export class CommSession {
  /** What users hold: `msg.comm`. */
  readonly comm: HostComm;
  readonly future: Future;
  readonly task: CommTask;
  readonly name: string;
  /**
   * The call's id, which every envelope of this comm carries. Envelopes are written as literals
   * (`{ t: 'comm', kind, call, comm, … }`), not spread from a shared header: a spread cost ~20 µs of
   * host CPU per request round trip (measured with scripts/bench roundtrip, json).
   */
  readonly call: number;
  readonly transport: CommTransport;
  readonly window: CreditWindow;
  state: 'idle' | 'open' | 'closed' = 'idle';
  /** Set once the host asked the task to stop requesting: new requests are refused with it. */
  refusal: string | undefined;

  constructor(name: string, future: Future, task: CommTask, transport: CommTransport) {
    this.name = name;
    this.future = future;
    this.call = future.id;
    this.task = task;
    this.transport = transport;
    this.window = new CreditWindow(this);
    this.comm = new HostComm(this, task);
  }

  /** Sends `envelope` to the task's end of this comm. */
  send(envelope: HostCommEnvelope): void {
    this.transport.send(envelope);
  }

  /** HostComm.requestClose(): the task's waiting and future requests reject with CloseRequestError. */
  requestClose(reason: string): void {
    if (this.refusal !== undefined) return;
    this.refusal = reason;
    this.send({ t: 'comm', kind: 'close-request', call: this.call, comm: this.name, data: reason });
  }

  /** `msg.respond(value)`: checked against the comm's format before it is sent. */
  respond(request: number, value: unknown): void {
    assertSendable(value, this.transport.format, 'msg.respond()', 'value');
    this.send({ t: 'comm', kind: 'response', call: this.call, comm: this.name, request, data: value });
  }

  /** No answer will come to `request`: the task's `comm.request()` rejects with CloseRequestError. */
  refuse(request: number, reason: string): void {
    this.send({ t: 'comm', kind: 'response-error', call: this.call, comm: this.name, request, data: reason });
  }

  /** Fails the call and stops the process running it (the task broke the comm's rules). */
  terminate(error: Error): void {
    callLink(this.future)?.terminate(error);
  }
}
