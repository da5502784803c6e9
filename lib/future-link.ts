/**
 * Internal: the comm traffic of a running future, for plugins that talk to the call (Comm).
 */
import { futureState, type Future } from './future.js';
import type { Executor, Job } from './pool/executor.js';
import type { ChildCommEnvelope, HostCommEnvelope } from './wire/protocol.js';
import type { WireFormat } from './wire/serializable.js';
import type { CommTransport } from './comm/host-comm.js';
import { CallComms } from './comm/call-comms.js';

/** The link to a running call: the comm transport, and what limits need (start, terminate). */
export interface FutureLink extends CommTransport {
  /**
   * Calls `listener` when the call begins executing, with its process id (undefined when it runs
   * in the host). Register before the call is dispatched: in a 'submitted' handler.
   */
  onStarted(listener: (pid: number | undefined) => void): void;
  /** Fails the call with `error` and stops the process running it (for limits). */
  terminate(error: Error): void;
}

/** What a link needs from the executor running its call. */
export type LinkControl = Pick<Executor, 'sendComm' | 'terminate'>;

/** The run's side of a link. Its comm half is the comm slice's (CallComms). */
export class Link implements FutureLink {
  readonly #control: LinkControl;
  #job: Job | undefined;
  readonly comms: CallComms;
  #started: ((pid: number | undefined) => void)[] | undefined;

  constructor(call: number, format: WireFormat, control: LinkControl) {
    this.#control = control;
    this.comms = new CallComms(call, format, (envelope) => {
      if (this.#job) this.#control.sendComm(this.#job, envelope);
    });
  }

  get format(): WireFormat {
    return this.comms.format;
  }

  /** Whether anybody wants to know when the call starts (it costs an envelope). */
  get watched(): boolean {
    return this.#started !== undefined;
  }

  onStarted(listener: (pid: number | undefined) => void): void {
    (this.#started ??= []).push(listener);
  }

  started(pid: number | undefined): void {
    for (const listener of this.#started ?? []) listener(pid);
  }

  terminate(error: Error): void {
    if (this.#job) this.#control.terminate(this.#job, error);
  }

  /** Binds the link to its call's job, once that exists. */
  attach(job: Job): void {
    this.#job = job;
  }

  onComm(name: string, receive: (envelope: ChildCommEnvelope) => void): () => void {
    return this.comms.onComm(name, receive);
  }

  send(envelope: HostCommEnvelope): void {
    this.comms.send(envelope);
  }

  onRunEnding(listener: (reason: string) => void): void {
    this.comms.onRunEnding(listener);
  }
}

/** Internal: what a run keeps on each future it submitted. */
export interface CallState {
  readonly job: Job;
  /** Made only for tasks with plugins: nothing else talks to a running call. */
  readonly link: Link | undefined;
  /** Set when the call was submitted with an AbortSignal. */
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
  /** Handed to the executor (a handler of its first events may cancel it before). */
  executed: boolean;
}

/** The run's state of a call; undefined for a future not submitted by a scheduler. */
export function callState(future: Future): CallState | undefined {
  return futureState(future) as CallState | undefined;
}

/** The link to a running call, for plugins; undefined for a future not submitted by a scheduler. */
export function futureLink(future: Future): FutureLink | undefined {
  return callState(future)?.link;
}
