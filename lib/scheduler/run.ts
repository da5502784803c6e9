/**
 * One `scheduler.run()`: from 'start' to 'finished'.
 *
 * Owns what lives for the length of a run: the futures in flight, handlers still pending, timers,
 * and the reasons to end. Every future submitted during the run settles before it ends.
 */
import { CancelledError } from '../errors.js';
import type { Emitter } from '../events/emitter.js';
import { Future, awaited, setFutureState, settleFuture, startFuture, type Outcome } from '../future.js';
import { Link, callState, type CallState } from '../future-link.js';
import { Job, type Executor, type JobSink } from '../pool/executor.js';
import { NOTHING_INJECTED, type SubmitCall } from '../plugin.js';
import type { CommEnvelope } from '../wire/protocol.js';
import { trackFuture, type AnyTask, type SubmitOptions } from '../task.js';
import { assertSendable, type WireFormat } from '../wire/serializable.js';
import { inline, log } from '../debug.js';
import { EXIT_PRIORITY, ExitCode, type ExitState } from './exit.js';
import { decide, type ErrorAction, type ExceptionPolicy } from './policy.js';
import type { SchedulerEvents } from './events.js';

export interface RunOptions {
  /** End the run after this many milliseconds (exit code TIMEOUT). */
  readonly timeout?: number;
  /** End the run once nothing is queued or running (default true). Otherwise emit 'empty' and go on. */
  readonly endOnEmpty?: boolean;
  /** At the end, let queued and running calls finish (default true), or cancel them and stop the children. */
  readonly wait?: boolean;
  /** What a task error or a throwing handler does (default 'raise'). */
  readonly onException?: ExceptionPolicy;
  /** What a cancelled call does (default 'raise'). */
  readonly onCancelled?: ErrorAction;
}

export interface RunSettings {
  readonly timeout: number | undefined;
  readonly endOnEmpty: boolean;
  readonly wait: boolean;
  readonly onException: ExceptionPolicy;
  readonly onCancelled: ErrorAction;
}

export interface RunContext {
  readonly events: Emitter<SchedulerEvents>;
  readonly executor: Executor;
  readonly format: WireFormat;
  readonly prefixOutput: boolean;
  readonly nextId: () => number;
}

interface EndRequest {
  readonly code: ExitCode;
  readonly message?: string;
  readonly error?: unknown;
}

export class Run implements JobSink {
  readonly #context: RunContext;
  readonly #settings: RunSettings;
  #phase: 'running' | 'ending' | 'ended' = 'running';
  /** Futures submitted and not settled. */
  #inFlight = 0;
  /** The links of those that have one (tasks with plugins). */
  readonly #links = new Set<Link>();
  #pendingHandlers = 0;
  readonly #handlersSettled = new Set<() => void>();
  readonly #ends = new Map<ExitCode, EndRequest>();
  #wake: (() => void) | undefined;
  #raise: { error: unknown } | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();
  #emptyAnnounced = false;
  #emptyCheck = false;
  /** Set once execute() has returned or thrown: later handler failures can only be warnings. */
  #returned = false;

  constructor(context: RunContext, settings: RunSettings) {
    this.#context = context;
    this.#settings = settings;
  }

  running(): boolean {
    return this.#phase === 'running' && this.#ends.size === 0;
  }

  /** Nothing queued, running, or pending in an async handler. */
  empty(): boolean {
    return this.#inFlight === 0 && this.#pendingHandlers === 0;
  }

  async execute(): Promise<ExitState> {
    const { events, executor } = this.#context;
    log.scheduler('run starts %s', inline(this.#settings));
    executor.start();
    const ended = new Promise<void>((resolve) => (this.#wake = resolve));
    if (this.#settings.timeout !== undefined) {
      this.callLater(this.#settings.timeout, () => this.#end({ code: ExitCode.TIMEOUT }));
    }
    events.emit('start');
    this.#checkEmpty();
    await ended;

    this.#phase = 'ending';
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const end = EXIT_PRIORITY.map((code) => this.#ends.get(code)).find(Boolean) ?? { code: ExitCode.UNKNOWN };
    log.scheduler('run ends: %s', end.code);
    // Calls still running will get no more answers: tell their comms, so none waits forever.
    for (const link of this.#links) link.runEnding(`the scheduler is stopping (${end.code})`);
    if (end.code === ExitCode.TIMEOUT) events.emit('timeout');
    else if (end.code !== ExitCode.EXHAUSTED) events.emit('stop', end.message, end.error);
    events.emit('finishing');
    await executor.shutdown({ wait: this.#settings.wait, reason: `the scheduler stopped (${end.code}) with wait: false` });
    if (this.#settings.wait) await this.#handlersDone();
    this.#phase = 'ended';
    const exit: ExitState = {
      code: end.code,
      ...(end.error === undefined ? {} : { error: end.error }),
      ...(end.message === undefined ? {} : { message: end.message }),
    };
    events.emit('finished', exit);
    this.#returned = true;
    if (this.#raise) throw this.#raise.error;
    return exit;
  }

  stop(message?: string, error?: unknown): void {
    this.#end({ code: ExitCode.STOPPED, ...(message === undefined ? {} : { message }), ...(error === undefined ? {} : { error }) });
  }

  callLater(delay: number, fn: () => unknown): { cancel(): void } {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#guard(fn, 'callLater');
    }, delay);
    this.#timers.add(timer);
    return {
      cancel: () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
      },
    };
  }

  submit(task: AnyTask, call: SubmitCall, options: SubmitOptions): Future {
    const { events, executor, format } = this.#context;
    checkSendable(task, call, format);
    const id = this.#context.nextId();
    const future = new Future(id, task, call, this);
    const link = (task.plugins as readonly unknown[]).length > 0 ? new Link(format, executor) : undefined;
    const { signal } = options;
    const onAbort =
      signal && (() => void this.cancel(future, signal.reason instanceof Error ? signal.reason.message : 'its AbortSignal was aborted', signal.reason));
    const label = this.#context.prefixOutput ? `${task.name}#${id}` : undefined;
    const state: CallState = { job: new Job(id, future, call, this, label), link, signal, onAbort, executed: false };
    setFutureState(future, state);
    link?.attach(state.job);
    if (link) this.#links.add(link);
    this.#inFlight++;
    this.#emptyAnnounced = false;

    task[trackFuture](future, true);
    events.emit('future-submitted', future);
    task.emit('submitted', future, ...call.args);
    // After 'submitted': plugins ask to hear of the call's start there.
    state.job.notify = link?.watched ?? false;
    if (!future.done()) {
      state.executed = true;
      executor.execute(state.job);
    }
    // Not for a call already cancelled by its 'submitted' handlers: nothing would remove the listener.
    if (onAbort && !future.done()) {
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    return future;
  }

  // JobSink: how the executor reports.
  dispatched(job: Job): void {
    startFuture(job.future);
  }

  started(job: Job, pid: number | undefined): void {
    callState(job.future)?.link?.started(pid);
  }

  comm(job: Job, envelope: CommEnvelope): void {
    callState(job.future)?.link?.receive(envelope);
  }

  settled(job: Job, outcome: Outcome<unknown>): void {
    const state = callState(job.future);
    if (state?.onAbort) state.signal?.removeEventListener('abort', state.onAbort);
    this.#settled(job.future, outcome, state?.link);
  }

  // FutureOwner
  cancel(future: Future, reason: string, cause?: unknown): boolean {
    const state = callState(future);
    if (future.done() || !state) return false;
    const error = new CancelledError(future.call.task, reason);
    if (cause !== undefined) error.cause = cause;
    // Cancelled from a 'submitted' handler, before it reached the executor: it never will.
    if (!state.executed) this.settled(state.job, { state: 'cancelled', error });
    else this.#context.executor.cancel(state.job, error);
    return true;
  }

  /** For emitters: a handler threw. After run() has returned nothing can raise it: a warning. */
  handlerFailed(error: unknown, event: string): void {
    log.scheduler('handler of %s threw: %s', event, inline(error));
    if (this.#returned) {
      process.emitWarning(`A handler of '${event}' failed after its run had ended: ${String(error)}`, 'ForklineWarning');
      return;
    }
    this.#apply(decide(this.#settings.onException, error), error, ExitCode.EXCEPTION);
  }

  /** For emitters: a handler returned a promise; this run is not empty until it settles. */
  adopt(promise: Promise<unknown>, event: string): Promise<boolean> {
    this.#pendingHandlers++;
    const done = (ok: boolean) => {
      this.#pendingHandlers--;
      if (this.#pendingHandlers === 0) for (const settled of this.#handlersSettled) settled();
      this.#checkEmpty();
      return ok;
    };
    return promise.then(
      () => done(true),
      (error: unknown) => {
        this.handlerFailed(error, event);
        return done(false);
      },
    );
  }

  #settled(future: Future, outcome: Outcome<unknown>, link: Link | undefined): void {
    if (!settleFuture(future, outcome)) return;
    if (link) this.#links.delete(link);
    const { events } = this.#context;
    const task = future.task;
    task[trackFuture](future, false);
    switch (outcome.state) {
      case 'fulfilled':
        events.emit('future-done', future);
        events.emit('future-result', future, outcome.value);
        task.emit('done', future);
        task.emit('result', future, outcome.value);
        break;
      case 'rejected':
        events.emit('future-done', future);
        events.emit('future-exception', future, outcome.error);
        task.emit('done', future);
        task.emit('exception', future, outcome.error);
        // A future somebody awaits hands its error to them: that code handles it, not the policy.
        if (!awaited(future)) this.#apply(decide(this.#settings.onException, outcome.error), outcome.error, ExitCode.EXCEPTION);
        break;
      case 'cancelled':
        events.emit('future-cancelled', future, outcome.error);
        task.emit('cancelled', future, outcome.error);
        if (this.#phase === 'running' && !awaited(future)) this.#apply(this.#settings.onCancelled, outcome.error, ExitCode.CANCELLED);
        break;
      default:
        outcome satisfies never;
    }
    this.#inFlight--;
    this.#checkEmpty();
  }

  #apply(action: ErrorAction, error: unknown, code: ExitCode): void {
    if (action === 'continue') return;
    if (action === 'raise' && !this.#raise) this.#raise = { error };
    this.#end({ code, error });
  }

  /**
   * Checks for emptiness once the current handlers have returned: a handler that cancels a call
   * and then awaits something has not handed its promise over yet when the cancel settles.
   */
  #checkEmpty(): void {
    if (this.#emptyCheck) return;
    this.#emptyCheck = true;
    queueMicrotask(this.#checkEmptyNow);
  }

  readonly #checkEmptyNow = (): void => {
    this.#emptyCheck = false;
    if (this.#phase !== 'running' || this.#ends.size > 0 || !this.empty() || this.#emptyAnnounced) return;
    this.#emptyAnnounced = true;
    this.#context.events.emit('empty');
    // A handler of 'empty' may have submitted more.
    if (this.#settings.endOnEmpty && this.empty()) this.#end({ code: ExitCode.EXHAUSTED });
  };

  #end(request: EndRequest): void {
    if (this.#phase !== 'running' || this.#ends.has(request.code)) return;
    this.#ends.set(request.code, request);
    this.#wake?.();
  }

  #guard(fn: () => unknown, event: string): void {
    try {
      const returned = fn();
      if (returned instanceof Promise) void this.adopt(returned, event);
    } catch (error) {
      this.handlerFailed(error, event);
    }
  }

  #handlersDone(): Promise<void> {
    if (this.#pendingHandlers === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const settled = () => {
        this.#handlersSettled.delete(settled);
        resolve();
      };
      this.#handlersSettled.add(settled);
    });
  }
}

/** Rejects a call that cannot be sent, before anything is queued. */
function checkSendable(task: AnyTask, call: SubmitCall, format: WireFormat): void {
  const where = `${task.name}.submit()`;
  assertSendable(call.args, format, where, 'args');
  if (call.inject === NOTHING_INJECTED) return;
  for (const [name, spec] of Object.entries(call.inject)) {
    if (spec.kind === 'value') assertSendable(spec.value, format, where, `the injected "${name}"`);
  }
}
