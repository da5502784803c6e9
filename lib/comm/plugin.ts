/**
 * Comm.Plugin: injects a comm into every call of its task and connects the host's end of it,
 * whose envelopes become the task events comm-open, comm-message, comm-request and comm-close
 * (one file per kind: open.ts, message.ts, request.ts, close.ts; dispatched by receive.ts).
 */
import { InjectionConflictError, InvalidOptionError, ProtocolError } from '../errors/index.js';
import { checkOptions } from '../options.js';
import type { Future } from '../future.js';
import { callLink, type Plugin, type PluginTask, type PluginTypes, type SubmitCall } from '../plugin.js';
import type { HostComm, CommTransport } from './host-comm.js';
import type { CommMsg } from './msg.js';
import { receiveComm } from './receive.js';
import { CommSession } from './session.js';
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

  attach(task: PluginTask<CommEvents>): void {
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

  #connect(task: PluginTask<CommEvents>, future: Future): void {
    const transport = this.#createComms(future);
    const session = new CommSession(this.parameterName, future, task, transport);
    this.#comms.set(future, session.comm);
    transport.onComm(this.parameterName, (envelope) => receiveComm(session, envelope));
    transport.onRunEnding((reason) => session.requestClose(reason));
  }
}

/** The transport a host comm uses by default: the call's own channel to its child. */
export function defaultTransport(future: Future): CommTransport {
  const link = callLink(future);
  if (!link) throw new ProtocolError(`has no channel for future ${future.id}: it was not submitted by a scheduler`);
  return link;
}
