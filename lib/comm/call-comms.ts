/**
 * The comm traffic of one call, host side: the call's end of every comm injected into it.
 *
 * Whatever runs the call (a pool of children, a queue) hands this its child → host comm envelopes
 * and the host → child ones it could not deliver; the rules of what becomes of them live here,
 * not in the executor: a request nobody in the host speaks for is answered, a refused answer
 * becomes a refusal, so no task waits forever for either.
 */
import type { ChildCommEnvelope, HostCommEnvelope } from '../wire/protocol.js';
import type { WireFormat } from '../wire/serializable.js';
import type { CommTransport } from './host-comm.js';

export class CallComms implements CommTransport {
  readonly call: number;
  readonly format: WireFormat;
  readonly #send: (envelope: HostCommEnvelope) => void;
  /** By comm name: a call may hold several comms (plugins with different parameter names). */
  readonly #receivers = new Map<string, (envelope: ChildCommEnvelope) => void>();
  #ending: ((reason: string) => void)[] | undefined;

  /** `send` hands an envelope to whatever runs the call, for the child. */
  constructor(call: number, format: WireFormat, send: (envelope: HostCommEnvelope) => void) {
    this.call = call;
    this.format = format;
    this.#send = send;
  }

  send(envelope: HostCommEnvelope): void {
    this.#send(envelope);
  }

  onComm(name: string, receive: (envelope: ChildCommEnvelope) => void): () => void {
    this.#receivers.set(name, receive);
    return () => this.#receivers.delete(name);
  }

  onRunEnding(listener: (reason: string) => void): void {
    (this.#ending ??= []).push(listener);
  }

  /** A comm envelope from the call's task. */
  receive(envelope: ChildCommEnvelope): void {
    const receive = this.#receivers.get(envelope.comm);
    if (receive) receive(envelope);
    // Nobody in the host speaks for this comm (its plugin failed to connect): never leave a
    // request waiting.
    else if (envelope.kind === 'request') this.#refuse(envelope.comm, envelope.request, 'nothing in the host answers this comm');
  }

  /**
   * The channel refused an envelope for the task: a value that passed the checks but not the
   * serializer (a Proxy, say). A task waiting on the answer gets CloseRequestError instead of
   * waiting forever; nothing waits on the other kinds' delivery.
   */
  undeliverable(envelope: HostCommEnvelope, error: Error): void {
    if (envelope.kind === 'response') this.#refuse(envelope.comm, envelope.request, `the host's answer cannot be serialized (${error.message})`);
  }

  /** The run is ending: the call's comms will get no more answers. */
  runEnding(reason: string): void {
    for (const listener of this.#ending ?? []) listener(reason);
  }

  #refuse(comm: string, request: number, reason: string): void {
    this.#send({ t: 'comm', kind: 'response-error', call: this.call, comm, request, data: reason });
  }
}
