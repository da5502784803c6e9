/**
 * Comm.Msg: one comm envelope from a task, as the host's handlers receive it.
 */
import { inspect } from 'node:util';
import { CommResponseError } from '../errors/index.js';
import type { Future } from '../future.js';
import type { AnyTask } from '../task.js';
import type { CommData, CommSchema } from './types.js';
import type { HostComm } from './host-comm.js';
import type { CommSession } from './session.js';

export type CommMsgKind = 'open' | 'message' | 'request' | 'close';

/** Set by CommMsg's static block: refuseMsg() reaches a private method without making it public. */
let refuse: (msg: CommMsg, reason: string) => void;

export class CommMsg<T = unknown, S extends CommSchema = CommSchema> {
  readonly kind: CommMsgKind;
  readonly data: T;
  /** The host's end of the comm that carried the message. */
  readonly comm: HostComm;
  readonly future: Future;
  readonly task: AnyTask;
  readonly #session: CommSession;
  readonly #request: number | undefined;
  #answered = false;

  static {
    refuse = (msg, reason) => msg.#refuse(reason);
  }

  /** @internal Made by the Comm plugin. */
  constructor(kind: CommMsgKind, data: T, session: CommSession, request?: number) {
    this.kind = kind;
    this.data = data;
    this.comm = session.comm;
    this.future = session.future;
    this.task = session.comm.task;
    this.#session = session;
    this.#request = request;
  }

  /** True once a request was answered (by `respond()`, or with an error when its handler failed). */
  get answered(): boolean {
    return this.#answered;
  }

  /**
   * Answers a request: the task's `comm.request()` resolves to `value`.
   * @throws CommResponseError if this message is not a request or was already answered.
   * @throws SerializationError if `value` cannot be sent.
   */
  respond(value: CommData<S, 'response'>): void {
    const request = this.#claim();
    this.#session.respond(request, value);
  }

  #refuse(reason: string): void {
    if (this.#request === undefined || this.#answered) return;
    this.#answered = true;
    this.#session.refuse(this.#request, reason);
  }

  #claim(): number {
    if (this.#request === undefined) throw new CommResponseError(this.comm.id, 'not-a-request', this.kind);
    if (this.#answered) throw new CommResponseError(this.comm.id, 'already-answered', this.kind);
    this.#answered = true;
    return this.#request;
  }

  /** `Comm.Msg(kind=open, data=undefined)` */
  toString(): string {
    return `Comm.Msg(kind=${this.kind}, data=${inspect(this.data, { breakLength: Infinity, depth: 2 })})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Answers a request with CloseRequestError in the task, unless it was answered already. */
export function refuseMsg(msg: CommMsg, reason: string): void {
  refuse(msg, reason);
}
