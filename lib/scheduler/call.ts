/**
 * One submitted call: the one record of it, owned by its run.
 *
 * The future is the user's view of it, `ExecutorCall` the executor's, `CallLink` the plugins'.
 * Each is a narrow interface onto this object, so a per-call feature adds its state here and
 * nowhere else. It reports to its run through methods on the prototype: no closures per call on
 * the hot path.
 */
import { CancelledError } from '../errors/index.js';
import { Future, settleFuture, startFuture, type Outcome } from '../future.js';
import type { Executor, ExecutorCall, ChildCommEnvelope, HostCommEnvelope, UsageProbe } from '../executor.js';
import { NOTHING_INJECTED, type CallLink, type SubmitCall } from '../plugin.js';
import type { AnyTask } from '../task.js';
import { assertSendable, type WireFormat } from '../wire/serializable.js';
import { CallComms } from '../comm/call-comms.js';
import { unwatchAbort, watchAbort, type Abortable } from './abort-watch.js';

/** What a call needs of its run. */
export interface CallOwner {
  readonly executor: Executor;
  readonly format: WireFormat;
  /** The call's future settled (the first outcome only). */
  settled(call: Call, outcome: Outcome<unknown>): void;
}

export class Call implements ExecutorCall, CallLink, Abortable {
  readonly id: number;
  readonly future: Future;
  readonly task: AnyTask;
  readonly request: SubmitCall;
  readonly label: string | undefined;
  /** Set after 'submitted', when plugins had their chance to watch the start. */
  notify = false;
  /** Handed to the executor (a handler of its first events may cancel it before). */
  executed = false;
  /** Its index among its task's calls in flight (lib/roster.ts), or -1. */
  slot = -1;
  executorState: unknown = undefined;
  /** Made only for tasks with plugins: nothing else talks to a running call. */
  readonly comms: CallComms | undefined;
  readonly #owner: CallOwner;
  #started: ((pid: number | undefined, usage: UsageProbe | undefined) => void)[] | undefined;
  #signal: AbortSignal | undefined;

  constructor(owner: CallOwner, id: number, task: AnyTask, request: SubmitCall, label: string | undefined) {
    this.#owner = owner;
    this.id = id;
    this.task = task;
    this.request = request;
    this.label = label;
    this.future = new Future(id, task, request, this);
    // The one closure per call, and only for tasks with plugins: the comm slice's way back out.
    this.comms = (task.plugins as readonly unknown[]).length > 0 ? new CallComms(id, owner.format, (envelope) => this.send(envelope)) : undefined;
  }

  get done(): boolean {
    return this.future.done();
  }

  get format(): WireFormat {
    return this.#owner.format;
  }

  /** Cancels the call when `signal` aborts; from now until it settles (abort-watch.ts). */
  watchSignal(signal: AbortSignal): void {
    if (signal.aborted) {
      this.aborted(signal);
      return;
    }
    this.#signal = signal;
    watchAbort(signal, this);
  }

  aborted(signal: AbortSignal): void {
    this.cancel(signal.reason instanceof Error ? signal.reason.message : 'its AbortSignal was aborted', signal.reason);
  }

  /** Cancels the call: false if it was done. See Future.cancel(). */
  cancel(reason: string, cause?: unknown): boolean {
    if (this.future.done()) return false;
    const error = new CancelledError(this.request.task, reason);
    if (cause !== undefined) error.cause = cause;
    // Cancelled from a 'submitted' handler, before it reached the executor: it never will.
    if (!this.executed) this.settle({ state: 'cancelled', error });
    else this.#owner.executor.cancel(this, error);
    return true;
  }

  // ExecutorCall: how the executor reports.
  dispatched(): void {
    startFuture(this.future);
  }

  started(pid: number | undefined, usage: UsageProbe | undefined): void {
    for (const listener of this.#started ?? []) listener(pid, usage);
  }

  output(fd: 1 | 2, data: string | Uint8Array): void {
    // Where a local child's output goes when it is not inherited: this process's own stream.
    (fd === 1 ? process.stdout : process.stderr).write(data);
  }

  receiveComm(envelope: ChildCommEnvelope): void {
    this.comms?.receive(envelope);
  }

  undeliverable(envelope: HostCommEnvelope, error: Error): void {
    this.comms?.undeliverable(envelope, error);
  }

  settle(outcome: Outcome<unknown>): void {
    if (!settleFuture(this.future, outcome)) return;
    if (this.#signal) unwatchAbort(this.#signal, this);
    this.#owner.settled(this, outcome);
  }

  // CallLink: what plugins see.
  onStarted(listener: (pid: number | undefined, usage: UsageProbe | undefined) => void): void {
    (this.#started ??= []).push(listener);
  }

  /** Whether anybody wants to know when the call starts (it costs an envelope). */
  get watched(): boolean {
    return this.#started !== undefined;
  }

  terminate(error: Error): void {
    if (this.executed) this.#owner.executor.terminate(this, error);
  }

  send(envelope: HostCommEnvelope): void {
    if (this.executed) this.#owner.executor.sendComm(this, envelope);
  }

  onComm(comm: string, receive: (envelope: ChildCommEnvelope) => void): () => void {
    return (this.comms as CallComms).onComm(comm, receive);
  }

  onRunEnding(listener: (reason: string) => void): void {
    this.comms?.onRunEnding(listener);
  }
}

/** Rejects a call that cannot be sent, before anything is queued. */
export function checkSendable(task: AnyTask, request: SubmitCall, format: WireFormat): void {
  const where = `${task.name}.submit()`;
  assertSendable(request.args, format, where, 'args');
  if (request.inject === NOTHING_INJECTED) return;
  for (const [name, spec] of Object.entries(request.inject)) {
    if (spec.kind === 'value') assertSendable(spec.value, format, where, `the injected "${name}"`);
  }
}
