/**
 * The call executing in the child runtime, and what it offers the values injected into it (a
 * comm): its channel to the host, its cancellation, its cleanups, and the host's comm envelopes.
 */
import { ProtocolError } from '../lib/errors/index.js';
import type { ChildEnvelope, HostCommEnvelope, InjectSpec, RunEnvelope, TaskIdentity } from '../lib/wire/protocol.js';
import type { WireFormat } from '../lib/wire/serializable.js';

/** What a call offers the values injected into it. */
export interface CallContext {
  readonly id: number;
  readonly task: TaskIdentity;
  readonly format: WireFormat;
  /** Aborted when the host cancels the call. */
  readonly signal: AbortSignal;
  send(envelope: ChildEnvelope, bytes?: number): void;
  /** Sends `envelope` with what is queued before it, now: the sender is about to wait for an answer. */
  sendNow(envelope: ChildEnvelope): void;
  /** Sends `data` as a message of this call's comm `name`, joining the messages just before it on that comm. */
  message(name: string, data: unknown, bytes: number): void;
  /** Hands what is queued to the channel now (`comm.flush()`; a sender about to wait uses `sendNow`). */
  flush(): void;
  /** Resolves once everything handed over so far is written to the channel. */
  written(): Promise<void>;
  /** Waits while the channel is backed up. */
  ready(): Promise<void>;
  /** Runs before the call's result is sent, whether it returned or threw. */
  beforeSettle(cleanup: () => void): void;
  /** Routes the host's envelopes for this call's comm `name` to `endpoint`; returns the undo. */
  attachComm(name: string, endpoint: CommEndpoint): () => void;
}

/** Builds the value injected under `name`. */
export type Injector = (context: CallContext, name: string, spec: InjectSpec) => unknown;

/** Receives the host's comm envelopes for one comm. */
export interface CommEndpoint {
  receive(envelope: HostCommEnvelope): void;
}

/** Where the runtime's envelopes go: an Outbox over the frame pipes, or an in-memory one. */
export interface RuntimeChannel {
  push(envelope: ChildEnvelope, bytes?: number): void;
  /** Queues `envelope` and hands what is queued to the channel now. */
  pushNow(envelope: ChildEnvelope): void;
  tail(): ChildEnvelope | undefined;
  extended(bytes: number): void;
  /** Hands what is queued to the channel; false if nothing was queued. */
  flush(): boolean;
  /** Resolves once everything flushed is written. */
  drained(): Promise<void>;
  /** Resolves at once unless the channel is backed up. */
  ready(): Promise<void>;
}

export class ActiveCall implements CallContext {
  readonly id: number;
  readonly envelope: RunEnvelope;
  readonly task: TaskIdentity;
  readonly format: WireFormat;
  readonly #channel: RuntimeChannel;
  /** Made on first use: most calls are never cancelled and inject nothing that listens. */
  #abort: AbortController | undefined;
  #cleanups: (() => void)[] | undefined;
  /** The call's comms, by name. */
  #comms: Map<string, CommEndpoint> | undefined;

  constructor(envelope: RunEnvelope, task: TaskIdentity, format: WireFormat, channel: RuntimeChannel) {
    this.id = envelope.id;
    this.envelope = envelope;
    this.task = task;
    this.format = format;
    this.#channel = channel;
  }

  get signal(): AbortSignal {
    return (this.#abort ??= new AbortController()).signal;
  }

  /** The host cancelled the call: what listens to its signal (its comms, the task) hears `reason`. */
  abort(reason: string): void {
    (this.#abort ??= new AbortController()).abort(reason);
  }

  send(envelope: ChildEnvelope, bytes?: number): void {
    this.#channel.push(envelope, bytes);
  }

  sendNow(envelope: ChildEnvelope): void {
    this.#channel.pushNow(envelope);
  }

  message(comm: string, data: unknown, bytes: number): void {
    const tail = this.#channel.tail();
    if (tail?.t === 'comm' && tail.kind === 'message' && tail.call === this.id && tail.comm === comm) {
      tail.data.push(data);
      this.#channel.extended(bytes);
    } else {
      this.#channel.push({ t: 'comm', kind: 'message', call: this.id, comm, data: [data] }, bytes);
    }
  }

  flush(): void {
    this.#channel.flush();
  }

  written(): Promise<void> {
    return this.#channel.drained();
  }

  ready(): Promise<void> {
    return this.#channel.ready();
  }

  beforeSettle(cleanup: () => void): void {
    (this.#cleanups ??= []).push(cleanup);
  }

  attachComm(name: string, endpoint: CommEndpoint): () => void {
    const comms = (this.#comms ??= new Map());
    comms.set(name, endpoint);
    return () => comms.delete(name);
  }

  /** A comm envelope from the host for this call; one for a comm it does not hold is dropped. */
  receiveComm(envelope: HostCommEnvelope): void {
    this.#comms?.get(envelope.comm)?.receive(envelope);
  }

  /** The call's arguments, with the values its plugins asked to inject appended as one object. */
  arguments(injectors: ReadonlyMap<string, Injector>): readonly unknown[] {
    const { inject, args } = this.envelope;
    if (!inject) return args;
    const injected: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(inject)) {
      if (spec.kind === 'value') {
        injected[name] = spec.value;
        continue;
      }
      const injector = injectors.get(spec.kind);
      if (!injector) throw new ProtocolError(`child runtime cannot build an injected "${spec.kind}"`);
      injected[name] = injector(this, name, spec);
    }
    return [...args, injected];
  }

  /** The call is settling: its cleanups run (closing its comms), each whatever the others do. */
  settling(): void {
    for (const cleanup of this.#cleanups ?? []) {
      try {
        cleanup();
      } catch {
        // A cleanup (closing a comm) must not stop the others or the result.
      }
    }
  }
}
