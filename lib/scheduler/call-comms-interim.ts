/**
 * The comm half of a call, until the comm slice's own (lib/comm/call-comms.ts) replaces it:
 * receivers by comm, the orphan-request rule, run-ending listeners, and what an undeliverable
 * host → child comm envelope becomes.
 */
import type { ChildCommEnvelope, HostCommEnvelope } from '../executor.js';

/** How the comm half reaches the call's child. */
export interface CommSender {
  send(envelope: HostCommEnvelope): void;
}

export class CallComms {
  readonly #call: CommSender;
  readonly #receivers = new Map<string, (envelope: ChildCommEnvelope) => void>();
  #ending: ((reason: string) => void)[] | undefined;

  constructor(call: CommSender) {
    this.#call = call;
  }

  onComm(comm: string, receive: (envelope: ChildCommEnvelope) => void): () => void {
    this.#receivers.set(comm, receive);
    return () => this.#receivers.delete(comm);
  }

  onRunEnding(listener: (reason: string) => void): void {
    (this.#ending ??= []).push(listener);
  }

  /** Delivers a comm envelope from the child. */
  receive(envelope: ChildCommEnvelope): void {
    const receive = this.#receivers.get(envelope.comm);
    if (receive) receive(envelope);
    // Nobody in the host speaks for this comm (its plugin failed to connect): never leave a
    // request waiting.
    else if (envelope.kind === 'request') {
      this.#call.send({ t: 'comm', kind: 'response-error', comm: envelope.comm, request: envelope.request, data: 'nothing in the host answers this comm' });
    }
  }

  /** A host → child envelope could not be sent: a refused answer becomes an error the task gets. */
  undeliverable(envelope: HostCommEnvelope, error: Error): void {
    if (envelope.kind === 'response') {
      this.#call.send({ ...envelope, kind: 'response-error', data: `the host's answer cannot be serialized (${error.message})` });
    }
  }

  runEnding(reason: string): void {
    for (const listener of this.#ending ?? []) listener(reason);
  }
}
