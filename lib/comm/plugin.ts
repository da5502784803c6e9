/**
 * Comm.Plugin: injects a comm into every call of its task and turns the task's comm envelopes
 * into the task events comm-open, comm-message, comm-request and comm-close.
 */
import { InjectionConflictError, InvalidOptionError, ProtocolError } from '../errors/index.js';
import { checkOptions } from '../options.js';
import type { Future } from '../future.js';
import { futureLink } from '../future-link.js';
import type { Emitted } from '../events/emitter.js';
import type { Plugin, PluginTypes, SubmitCall } from '../plugin.js';
import type { AnyTask } from '../task.js';
import { COMM_HOST_LIMIT, type ChildCommEnvelope, type CommClose, type CommOpen, type CommRequest } from '../wire/protocol.js';
import { HostComm, type CommTransport } from './host-comm.js';
import { CommMsg, type CommMsgKind } from './msg.js';
import type { Comm, CommData, CommSchema } from './types.js';

/** The events the Comm plugin adds to its task, typed from the task's comm schema `S`. */
export interface CommEvents<S extends CommSchema = CommSchema> {
  /** The task opened the comm (`data` is undefined when it sent nothing with it). */
  'comm-open': [msg: CommMsg<CommData<S, 'open'> | undefined, S>];
  /** The task sent a message. */
  'comm-message': [msg: CommMsg<CommData<S, 'message'>, S>];
  /** The task asks; answer with `msg.respond(value)`. */
  'comm-request': [msg: CommMsg<CommData<S, 'request'>, S>];
  /** The task closed the comm, or returned or threw with it open (then `data` is undefined). */
  'comm-close': [msg: CommMsg<CommData<S, 'close'> | undefined, S>];
}

export interface CommPluginOptions<N extends string = 'comm'> {
  /** The name the comm is injected under: the task receives `{ [parameterName]: comm }` last. Default 'comm'. */
  readonly parameterName?: N;
  /** Makes the host's transport for a call; the default speaks over the call's channel to its child. */
  readonly createComms?: (future: Future) => CommTransport;
}

type LastParameter<F> = F extends (...args: infer A) => unknown ? (A extends readonly [...unknown[], infer Last] ? Last : never) : never;

/** The comm schema a task function declares on its injected parameter `N`. */
export type CommSchemaOf<F, N extends string> =
  LastParameter<F> extends { readonly [K in N]: infer C } ? (NonNullable<C> extends Comm<infer S> ? S : CommSchema) : CommSchema;

interface CommTypes<N extends string> extends PluginTypes {
  readonly events: CommEvents<CommSchemaOf<this['fn'], N>>;
  readonly injects: { readonly [K in N]: Comm };
  readonly vetoes: false;
}

const EVENTS = ['comm-open', 'comm-message', 'comm-request', 'comm-close'];

/** The task as this plugin uses it, once its events are added. */
interface CommTask {
  readonly name: string;
  emit<K extends keyof CommEvents>(event: K, ...args: CommEvents[K]): Emitted;
  listenerCount(event: keyof CommEvents, options?: { hidden?: boolean }): number;
}

export class CommPlugin<N extends string = 'comm'> implements Plugin<CommTypes<N>> {
  readonly name = 'comm-plugin';
  /** Type-level only. */
  declare readonly types?: CommTypes<N>;
  readonly parameterName: N;
  readonly #createComms: (future: Future) => CommTransport;
  readonly #comms = new Map<Future, HostComm>();

  constructor(options: CommPluginOptions<N> = {}) {
    checkOptions(options, 'Comm.Plugin()', ['parameterName', 'createComms']);
    const parameterName = options.parameterName ?? 'comm';
    if (typeof parameterName !== 'string' || parameterName.length === 0) {
      throw new InvalidOptionError('parameterName', 'a non-empty string', parameterName);
    }
    this.parameterName = parameterName as N;
    this.#createComms = options.createComms ?? defaultTransport;
  }

  /** Comms the tasks opened and have not closed yet. */
  get openConnections(): number {
    let open = 0;
    for (const comm of this.#comms.values()) if (comm.state === 'open') open++;
    return open;
  }

  attach(task: AnyTask): void {
    task.addEvents(...EVENTS);
    task.on('submitted', (future: Future) => {
      this.#connect(task, future);
    }, { hidden: true });
    const forget = (future: Future) => {
      this.#comms.delete(future);
    };
    task.on('done', forget, { hidden: true });
    task.on('cancelled', forget, { hidden: true });
  }

  preSubmit(call: SubmitCall): SubmitCall {
    if (this.parameterName in call.inject) throw new InjectionConflictError(this.parameterName, this.name);
    return { ...call, inject: { ...call.inject, [this.parameterName]: { kind: 'comm' } } };
  }

  describe(): readonly string[] {
    return [`Open Connections: ${this.openConnections}`];
  }

  #connect(task: AnyTask, future: Future): void {
    const transport = this.#createComms(future);
    const comm = new HostComm(this.parameterName, future, task, transport);
    this.#comms.set(future, comm);
    transport.onComm(comm.name, (envelope) => this.#receive(comm, envelope));
    transport.onRunEnding((reason) => comm.requestClose(reason));
  }

  #receive(comm: HostComm, envelope: ChildCommEnvelope): void {
    // The comm's own task: one plugin instance may serve several tasks.
    const task = comm.task as unknown as CommTask;
    if (comm.future.done()) {
      // The call was cancelled: no more events for it, but never leave a request waiting.
      if (envelope.kind === 'request') comm.fail(envelope.request, 'the call was cancelled');
      return;
    }
    switch (envelope.kind) {
      case 'open':
        comm.setState('open');
        this.#acked(comm, envelope, task.emit('comm-open', this.#msg('open', comm, envelope)));
        return;
      case 'message': {
        const { data } = envelope;
        if (!comm.arrived(data.length)) {
          futureLink(comm.future)?.terminate(ProtocolError.commFlood(comm.id, COMM_HOST_LIMIT));
          return;
        }
        // Counted as handled when their handlers are done: async ones that lag hold the task back.
        let handled = 0;
        for (const item of data) {
          const emitted = task.emit('comm-message', new CommMsg('message', item as never, comm));
          if (typeof emitted === 'boolean') handled++;
          else void emitted.pending.then(() => comm.handled(1));
        }
        comm.handled(handled);
        return;
      }
      case 'request':
        this.#request(task, comm, envelope);
        return;
      case 'close':
        comm.setState('closed');
        this.#acked(comm, envelope, task.emit('comm-close', this.#msg('close', comm, envelope)));
        return;
      default:
        envelope satisfies never;
    }
  }

  #request(task: CommTask, comm: HostComm, envelope: CommRequest): void {
    const msg = this.#msg('request', comm, envelope);
    if (comm.refusal !== undefined) {
      msg.fail(comm.refusal);
      return;
    }
    if (task.listenerCount('comm-request', { hidden: true }) === 0) {
      task.emit('comm-request', msg);
      msg.fail(`task "${task.name}" has no 'comm-request' handler in the host, so nothing can answer`);
      return;
    }
    const emitted = task.emit('comm-request', msg);
    const failed = `the host's 'comm-request' handler threw`;
    if (emitted === false) msg.fail(failed);
    else if (emitted !== true) void emitted.pending.then((ok) => ok || msg.fail(failed));
  }

  /** Acks an open/close that asked for it, once its handlers (async ones included) are done. */
  #acked(comm: HostComm, envelope: CommOpen | CommClose, emitted: Emitted): void {
    if (!envelope.ack) return;
    if (typeof emitted === 'boolean') comm.ack();
    else void emitted.pending.then(() => comm.ack());
  }

  #msg(kind: CommMsgKind, comm: HostComm, envelope: CommOpen | CommRequest | CommClose): CommMsg<never> {
    return new CommMsg(kind, envelope.data as never, comm, envelope.kind === 'request' ? envelope.request : undefined);
  }
}

/** The transport a host comm uses by default: the call's own channel to its child. */
export function defaultTransport(future: Future): CommTransport {
  const link = futureLink(future);
  if (!link) throw new ProtocolError(`has no channel for future ${future.id}: it was not submitted by a scheduler`);
  return link;
}
