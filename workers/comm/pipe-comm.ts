/**
 * PipeComm: the task's end of a comm, framing typed envelopes over its call's channel.
 *
 * What the host sends back is split by kind, each part returning false for what is not its own
 * (execa's lib/ipc/): answers to requests (requests.ts), acks (acks.ts), credit (window.ts), and
 * the host's close-request, handled here because it ends all three.
 */
import type { Comm, CommAckOptions, CommData, CommOpenBodyOptions, CommRequestOptions, CommSchema } from '../../lib/comm/types.js';
import { commId } from '../../lib/comm/id.js';
import { CommClosedError, CommCloseRequestError, CommTimeoutError } from '../../lib/errors/index.js';
import type { CommCloseRequest, HostCommEnvelope } from '../../lib/wire/protocol.js';
import { MAX_TIMER_MS, numberError, TIMER_DELAY } from '../../lib/options.js';
import { assertSendable } from '../../lib/wire/serializable.js';
import type { CallContext, CommEndpoint } from '../call-context.js';
import { Acks } from './acks.js';
import { PendingRequests } from './requests.js';
import { SendWindow } from './window.js';

export class PipeComm<S extends CommSchema = CommSchema> implements Comm<S>, CommEndpoint {
  readonly id: string;
  readonly #name: string;
  #state: 'idle' | 'open' | 'closed' = 'idle';
  readonly #context: CallContext;
  readonly #requests = new PendingRequests();
  readonly #acks = new Acks();
  readonly #window = new SendWindow();
  /** Set once the host said it will not answer any more. */
  #closeRequest: string | undefined;
  /** The error of a request the host refused to answer (made once, not per envelope). */
  readonly #refused = (reason: string): Error => new CommCloseRequestError(this.id, reason);

  /** The comm injected as `name` into the call of `context`; `idCall`: the call its id names, when not the context's (lib/wire/protocol.ts InjectSpec). */
  constructor(name: string, context: CallContext, idCall = context.id) {
    this.id = commId(idCall, name);
    this.#name = name;
    this.#context = context;
    const onAbort = () => this.#closeRequested(`the call was cancelled (${String(context.signal.reason)})`);
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });
    const detach = context.attachComm(name, this);
    // A task that returns or throws with the comm open still closes it: the host always sees comm-close.
    context.beforeSettle(() => {
      context.signal.removeEventListener('abort', onAbort);
      detach();
      if (this.#state === 'open') void this.#mark('close', undefined, false);
      this.#stopWaiting(() => new CommClosedError(this.id, 'request'));
    });
  }

  get state(): 'idle' | 'open' | 'closed' {
    return this.#state;
  }

  open<T>(body: (comm: this) => T | Promise<T>, options?: CommOpenBodyOptions<S>): Promise<T>;
  open(message?: CommData<S, 'open'>, options?: CommAckOptions): Promise<void>;
  async open<T>(first?: unknown, options: CommOpenBodyOptions<S> = {}): Promise<T | undefined> {
    const body = typeof first === 'function' ? (first as (comm: this) => T | Promise<T>) : undefined;
    if (this.#state === 'closed') throw new CommClosedError(this.id, 'open');
    await this.#mark('open', body ? options.message : first, options.waitForAck ?? false);
    if (!body) return undefined;
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
    if (this.#window.sent() && this.#closeRequest === undefined) return this.#window.credit().then(() => this.#context.ready());
    return this.#context.ready();
  }

  request(data?: CommData<S, 'request'>, options?: CommRequestOptions): Promise<CommData<S, 'response'>> {
    this.#usable('request');
    this.#check('request', data);
    const timeout = options?.timeout;
    const invalid = timeout === undefined ? undefined : numberError(timeout, 'timeout', `a number of milliseconds from 0 to ${MAX_TIMER_MS}`, TIMER_DELAY);
    if (invalid) return Promise.reject(invalid);
    if (this.#closeRequest !== undefined) return Promise.reject(new CommCloseRequestError(this.id, this.#closeRequest));
    const { id, answer } = this.#requests.add(timeout === undefined ? undefined : { ms: timeout, error: () => new CommTimeoutError(this.id, timeout) });
    this.#context.sendNow({ t: 'comm', kind: 'request', call: this.#context.id, comm: this.#name, request: id, data });
    // The host's answer is the schema's response: the host checked it against the same schema.
    return answer as Promise<CommData<S, 'response'>>;
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
    await this.#mark('close', data, options.waitForAck === true);
  }

  /** Envelopes from the host, each to the part that handles its kind. */
  receive(envelope: HostCommEnvelope): void {
    if (this.#requests.receive(envelope, this.#refused) || this.#acks.receive(envelope) || this.#window.receive(envelope)) return;
    // The parts are type guards: what is left is a close-request, or a kind nothing handles yet
    // (which does not compile).
    this.#closeRequested((envelope satisfies CommCloseRequest).data);
  }

  /**
   * Opens or closes the comm: the one path for both. With `waitForAck` (and a host still
   * answering), resolves once the host's handlers of it have run.
   */
  async #mark(kind: 'open' | 'close', data: unknown, waitForAck: boolean): Promise<void> {
    this.#check(kind, data);
    this.#state = kind === 'open' ? 'open' : 'closed';
    const ack = waitForAck && this.#closeRequest === undefined;
    const acked = ack ? this.#acks.wait() : undefined;
    const envelope = { t: 'comm', kind, call: this.#context.id, comm: this.#name, ...(data === undefined ? {} : { data }), ...(ack ? { ack } : {}) } as const;
    if (ack) this.#context.sendNow(envelope);
    else this.#context.send(envelope);
    await acked;
  }

  /** The host will answer no more (it asked, or the call was cancelled): new requests are refused. */
  #closeRequested(reason: string): void {
    this.#closeRequest ??= reason;
    const refusal = this.#closeRequest;
    this.#stopWaiting(() => new CommCloseRequestError(this.id, refusal));
  }

  /**
   * Nothing more will come from the host for what waits now: requests reject with `error()`,
   * opens and closes waiting for an ack go on, senders waiting for credit go on.
   */
  #stopWaiting(error: () => Error): void {
    this.#requests.rejectAll(error);
    this.#acks.release();
    this.#window.release();
  }

  #usable(method: string): void {
    if (this.#state === 'closed') throw new CommClosedError(this.id, method);
  }

  /** Rejects data that cannot cross, naming where in it the problem is, before anything is sent. */
  #check(method: string, data: unknown): number {
    return assertSendable(data, this.#context.format, `comm.${method}()`, 'data');
  }
}
