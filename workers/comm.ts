/**
 * PipeComm: the task's end of a comm, framing typed envelopes over the run's channel.
 *
 * Every envelope names its comm and every request carries an id that its response echoes, so a
 * response that arrives after its request timed out is dropped instead of answering the next
 * request, and no data value can be mistaken for a control word.
 */
import type { Comm, CommAckOptions, CommData, CommOpenBodyOptions, CommRequestOptions, CommSchema } from '../lib/comm/types.js';
import { CommClosedError, CommCloseRequestError, CommTimeoutError, InvalidOptionError } from '../lib/errors/index.js';
import { COMM_WINDOW, type HostCommEnvelope } from '../lib/wire/protocol.js';
import { commId } from '../lib/comm/id.js';
import { MAX_TIMER_MS } from '../lib/options.js';
import { assertSendable } from '../lib/wire/serializable.js';
import type { CommEndpoint, CallContext } from './runtime.js';

interface PendingRequest {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export class PipeComm<S extends CommSchema = CommSchema> implements Comm<S>, CommEndpoint {
  readonly id: string;
  readonly #name: string;
  #state: 'idle' | 'open' | 'closed' = 'idle';
  readonly #context: CallContext;
  readonly #requests = new Map<number, PendingRequest>();
  #lastRequest = 0;
  /** Acks awaited for open/close; the host acks in order. */
  readonly #acks: (() => void)[] = [];
  /** Set once the host said it will not answer any more. */
  #closeRequest: string | undefined;
  /** Messages sent, and how many the window lets through (COMM_WINDOW past the host's credit). */
  #sent = 0;
  #allowed = COMM_WINDOW;
  /** Senders waiting for credit. */
  #blocked: (() => void)[] = [];

  constructor(name: string, context: CallContext) {
    this.id = commId(context.id, name);
    this.#name = name;
    this.#context = context;
    const onAbort = () =>
      this.receive({ t: 'comm', kind: 'close-request', call: context.id, comm: name, data: `the call was cancelled (${String(context.signal.reason)})` });
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });
    const detach = context.attachComm(name, this);
    // A task that returns or throws with the comm open still closes it: the host always sees comm-close.
    context.beforeSettle(() => {
      context.signal.removeEventListener('abort', onAbort);
      detach();
      this.#finish();
    });
  }

  get state(): 'idle' | 'open' | 'closed' {
    return this.#state;
  }

  open<T>(body: (comm: this) => T | Promise<T>, options?: CommOpenBodyOptions<S>): Promise<T>;
  open(message?: CommData<S, 'open'>, options?: CommAckOptions): Promise<void>;
  async open<T>(first?: unknown, options: CommOpenBodyOptions<S> = {}): Promise<T | undefined> {
    if (typeof first !== 'function') {
      await this.#open(first, options.waitForAck ?? false);
      return undefined;
    }
    const body = first as (comm: this) => T | Promise<T>;
    await this.#open(options.message, options.waitForAck ?? false);
    try {
      return await body(this);
    } finally {
      if (this.#state === 'open') await this.close(options.closeMessage, options);
    }
  }

  send(data: CommData<S, 'message'>): Promise<void> {
    this.#usable('send');
    const bytes = this.#check('send', data);
    this.#context.message(this.#name, data, bytes);
    // The host's handlers lag a whole window behind: wait for them (unless it stopped answering).
    if (++this.#sent >= this.#allowed && this.#closeRequest === undefined) return this.#credit();
    return this.#context.ready();
  }

  #credit(): Promise<void> {
    return new Promise<void>((resolve) => this.#blocked.push(resolve)).then(() => this.#context.ready());
  }

  #unblock(): void {
    for (const release of this.#blocked.splice(0)) release();
  }

  request(data?: CommData<S, 'request'>, options: CommRequestOptions = {}): Promise<CommData<S, 'response'>> {
    this.#usable('request');
    this.#check('request', data);
    const { timeout } = options;
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0 && timeout <= MAX_TIMER_MS)) {
      return Promise.reject(new InvalidOptionError('timeout', `a number of milliseconds from 0 to ${MAX_TIMER_MS}`, timeout));
    }
    if (this.#closeRequest !== undefined) return Promise.reject(new CommCloseRequestError(this.id, this.#closeRequest));
    const request = ++this.#lastRequest;
    const answered = new Promise<CommData<S, 'response'>>((resolve, reject) => {
      const pending: PendingRequest = { resolve: resolve, reject, timer: undefined };
      if (timeout !== undefined) {
        pending.timer = setTimeout(() => {
          this.#requests.delete(request);
          reject(new CommTimeoutError(this.id, timeout));
        }, timeout);
      }
      this.#requests.set(request, pending);
      this.#context.send({ t: 'comm', kind: 'request', call: this.#context.id, comm: this.#name, request, data });
      this.#context.flush();
    });
    // Settled when the call ends even if nobody awaits it then: not an unhandled rejection.
    answered.catch(() => undefined);
    return answered;
  }

  /**
   * Resolves once everything sent so far is written to the channel, where the host will read it
   * even if this process dies the next moment.
   */
  flush(): Promise<void> {
    this.#context.flush();
    return this.#context.written();
  }

  async close(data?: CommData<S, 'close'>, options: CommAckOptions = {}): Promise<void> {
    if (this.#state === 'closed') return;
    this.#check('close', data);
    this.#state = 'closed';
    const ack = options.waitForAck === true && this.#closeRequest === undefined;
    const acked = ack ? this.#ackPromise() : undefined;
    this.#context.send({ t: 'comm', kind: 'close', call: this.#context.id, comm: this.#name, ...(data === undefined ? {} : { data }), ...(ack ? { ack } : {}) });
    if (ack) this.#context.flush();
    await acked;
  }

  /** Envelopes from the host: responses, acks, close requests. */
  receive(envelope: HostCommEnvelope): void {
    switch (envelope.kind) {
      case 'response':
      case 'response-error': {
        const pending = this.#requests.get(envelope.request);
        // Unknown ids are answers to requests that timed out: dropped, never handed to another request.
        if (!pending) return;
        this.#requests.delete(envelope.request);
        clearTimeout(pending.timer);
        if (envelope.kind === 'response') pending.resolve(envelope.data);
        else pending.reject(new CommCloseRequestError(this.id, envelope.data));
        return;
      }
      case 'ack':
        this.#acks.shift()?.();
        return;
      case 'credit':
        this.#allowed = envelope.data + COMM_WINDOW;
        if (this.#sent < this.#allowed) this.#unblock();
        return;
      case 'close-request': {
        this.#closeRequest ??= envelope.data;
        for (const [id, pending] of this.#requests) {
          this.#requests.delete(id);
          clearTimeout(pending.timer);
          pending.reject(new CommCloseRequestError(this.id, this.#closeRequest));
        }
        // Nobody will ack, or hand back credit, any more.
        for (const release of this.#acks.splice(0)) release();
        this.#unblock();
        return;
      }
      default:
        envelope satisfies never;
    }
  }

  async #open(data: unknown, waitForAck: boolean): Promise<void> {
    if (this.#state === 'closed') throw new CommClosedError(this.id, 'open');
    this.#check('open', data);
    this.#state = 'open';
    const ack = waitForAck && this.#closeRequest === undefined;
    const acked = ack ? this.#ackPromise() : undefined;
    this.#context.send({ t: 'comm', kind: 'open', call: this.#context.id, comm: this.#name, ...(data === undefined ? {} : { data }), ...(ack ? { ack } : {}) });
    if (ack) this.#context.flush();
    await acked;
  }

  #ackPromise(): Promise<void> {
    return new Promise((resolve) => this.#acks.push(resolve));
  }

  #usable(method: string): void {
    if (this.#state === 'closed') throw new CommClosedError(this.id, method);
  }

  /** Rejects data that cannot cross, naming where in it the problem is, before anything is sent. */
  #check(method: string, data: unknown): number {
    return assertSendable(data, this.#context.format, `comm.${method}()`, 'data');
  }

  /** The run is settling: close an open comm and let go of unanswered requests. */
  #finish(): void {
    if (this.#state === 'open') {
      this.#state = 'closed';
      this.#context.send({ t: 'comm', kind: 'close', call: this.#context.id, comm: this.#name });
    }
    for (const pending of this.#requests.values()) {
      clearTimeout(pending.timer);
      pending.reject(new CommClosedError(this.id, 'request'));
    }
    this.#requests.clear();
    for (const release of this.#acks.splice(0)) release();
    this.#unblock();
  }
}
