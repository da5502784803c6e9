/**
 * One `scheduler.run()`, or one long-lived `scheduler.start()` … `close()`: from 'start' to
 * 'finished'.
 *
 * Owns what lives for the length of a run: the futures in flight, handlers still pending, timers,
 * and the reasons to end. Every future submitted during the run settles before it ends.
 */
import { CancelledError } from '../errors/index.js';
import { inHandler, type Emitter } from '../events/emitter.js';
import { Future, setFutureState, settleFuture, startFuture, type Outcome } from '../future.js';
import { Link, callState, type CallState } from '../future-link.js';
import { Job, type Executor, type JobSink } from '../pool/executor.js';
import { NOTHING_INJECTED, type SubmitCall } from '../plugin.js';
import type { ChildCommEnvelope, HostCommEnvelope } from '../wire/protocol.js';
import { trackFuture, type AnyTask, type SubmitOptions } from '../task.js';
import { assertSendable, type WireFormat } from '../wire/serializable.js';
import { inline, log } from '../debug.js';
import { EXIT_PRIORITY, ExitCode, type ExitState } from './exit.js';
import { decide, type ErrorAction } from './policy.js';
import type { RunSettings, Shutdown } from './settings.js';
import { UntakenErrors, type Untaken } from './untaken.js';
import type { SchedulerEvents } from './events.js';
import { watchSignals, type Signal } from './signals.js';

export type { RunOptions, StartOptions, CloseOptions, RunSettings, Shutdown } from './settings.js';

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
  readonly signal?: Signal;
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
  /** What the end does with calls in flight; `close()` and a second `stop()` change it. */
  #shutdown: Shutdown;
  /** The executor's shutdown has begun: an escalation must reach it directly. */
  #shuttingDown = false;
  #stopCalls = 0;
  /** Failed calls whose policy is decided once the turn of the event loop they settled in is over. */
  readonly #untaken = new UntakenErrors((untaken) => this.#decide(untaken));
  #exit: ExitState | undefined;

  constructor(context: RunContext, settings: RunSettings) {
    this.#context = context;
    this.#settings = settings;
    this.#shutdown = { wait: settings.wait, drain: settings.drain };
  }

  running(): boolean {
    return this.#phase === 'running' && this.#ends.size === 0;
  }

  /** Where the run is, for errors of calls that come too late: undefined while it runs. */
  get ending(): { readonly code: ExitCode; readonly ended: boolean } | undefined {
    if (this.#exit) return { code: this.#exit.code, ended: true };
    const end = this.#chosenEnd();
    return end ? { code: end.code, ended: false } : undefined;
  }

  /** How the run ended, once it has. */
  get exit(): ExitState | undefined {
    return this.#exit;
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
    const signals = this.#settings.signals ? watchSignals(this) : undefined;
    try {
      events.emit('start');
      this.#checkEmpty();
      await ended;

      this.#phase = 'ending';
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      const end = this.#chosenEnd() ?? { code: ExitCode.UNKNOWN };
      log.scheduler('run ends: %s', end.code);
      // Calls still running will get no more answers: tell their comms, so none waits forever.
      for (const link of this.#links) link.comms.runEnding(`the scheduler is stopping (${end.code})`);
      if (end.code === ExitCode.TIMEOUT) events.emit('timeout');
      else if (end.code !== ExitCode.EXHAUSTED) events.emit('stop', end.message, end.error);
      events.emit('finishing');
      this.#shuttingDown = true;
      await executor.shutdown({ ...this.#shutdown, reason: this.#cancelReason(end.code) });
      if (this.#shutdown.wait) await this.#handlersDone();
      // Policies of the last failures are decided a turn after they settled: let that turn come.
      if (this.#untaken.pending) await new Promise((resolve) => setImmediate(resolve));
      this.#phase = 'ended';
      const exit: ExitState = {
        code: end.code,
        ...(end.error === undefined ? {} : { error: end.error }),
        ...(end.message === undefined ? {} : { message: end.message }),
        ...(end.signal === undefined ? {} : { signal: end.signal }),
      };
      this.#exit = exit;
      events.emit('finished', exit);
      this.#returned = true;
      if (this.#raise) throw this.#raise.error;
      return exit;
    } finally {
      const signal = signals?.dispose();
      // After close() has resolved for whoever awaits it, with the code dispose() set.
      if (signal && this.#settings.mode === 'service') setImmediate(() => process.exit());
    }
  }

  /**
   * Ends the run. A second call from outside the run's handlers, while it ends, stops the
   * running calls too (`wait: false`): the second Ctrl-C of a CLI. Calls from handlers never
   * escalate: handlers of results that arrive while a run ends often call stop() again.
   */
  stop(message?: string, error?: unknown): void {
    if (this.#stopCalls++ > 0 && !inHandler()) this.kill(`stop() was called again (${message ?? 'no message'})`);
    this.#end({ code: ExitCode.STOPPED, ...(message === undefined ? {} : { message }), ...(error === undefined ? {} : { error }) });
  }

  /** Ends the run by a signal: like stop(), with the signal in the exit state. */
  stopBySignal(signal: Signal): void {
    this.#stopCalls++;
    this.#end({ code: ExitCode.STOPPED, message: `received ${signal}`, signal });
  }

  /** Ends the run as `close()` asks: `drain` runs the queued calls, `wait` lets running ones finish. */
  close(shutdown: Shutdown): void {
    if (!this.#shuttingDown) this.#shutdown = shutdown;
    if (!shutdown.wait) this.kill('close() was called with wait: false');
    this.#end({ code: ExitCode.STOPPED, message: 'closed' });
  }

  /** Escalates the end: running calls are cancelled and their children stopped now. */
  kill(why: string): void {
    if (this.#phase === 'ended' || !this.#shutdown.wait) return;
    log.scheduler('escalating the end: %s', why);
    this.#shutdown = { wait: false, drain: false };
    if (this.#shuttingDown) {
      const code = this.#chosenEnd()?.code ?? ExitCode.STOPPED;
      void this.#context.executor.shutdown({ ...this.#shutdown, reason: this.#cancelReason(code) });
    }
  }

  /** What the end does with the calls in flight, for the line a signal prints. */
  get shutdown(): Shutdown {
    return this.#shutdown;
  }

  #cancelReason(code: ExitCode): string {
    return this.#shutdown.wait ? `the scheduler stopped (${code}) before the call started` : `the scheduler stopped (${code}) with wait: false`;
  }

  #chosenEnd(): EndRequest | undefined {
    return EXIT_PRIORITY.map((code) => this.#ends.get(code)).find(Boolean);
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
    const link = (task.plugins as readonly unknown[]).length > 0 ? new Link(id, format, executor) : undefined;
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

  comm(job: Job, envelope: ChildCommEnvelope): void {
    callState(job.future)?.link?.comms.receive(envelope);
  }

  undeliverable(job: Job, envelope: HostCommEnvelope, error: Error): void {
    callState(job.future)?.link?.comms.undeliverable(envelope, error);
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
    if (this.#settings.mode === 'service') {
      process.emitWarning(`A handler of '${event}' failed; the pool goes on: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, 'ForklineWarning');
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
        this.#undecide(future, decide(this.#settings.onException, outcome.error), ExitCode.EXCEPTION);
        break;
      case 'cancelled':
        events.emit('future-cancelled', future, outcome.error);
        task.emit('cancelled', future, outcome.error);
        // Cancelled by the end of the run itself: no reason to end it.
        if (this.#phase === 'running') this.#undecide(future, this.#settings.onCancelled, ExitCode.CANCELLED);
        break;
      default:
        outcome satisfies never;
    }
    this.#inFlight--;
    this.#checkEmpty();
  }

  /** A call failed: unless a long-lived pool's (its caller's alone), the policy may decide it. */
  #undecide(future: Future, action: ErrorAction, code: ExitCode): void {
    if (this.#settings.mode === 'service' || action === 'continue') return;
    this.#untaken.add({ future, action, code });
  }

  /** The end of a turn with failures: the policy decides those nobody took. */
  #decide(untaken: readonly Untaken[]): void {
    if (this.#returned) return;
    for (const { future, action, code } of untaken) this.#apply(action, future.error, code);
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
    // A failure still undecided may end the run: that decision comes first, and checks again.
    if (this.#untaken.pending) return;
    if (this.#phase !== 'running' || this.#ends.size > 0 || !this.empty() || this.#emptyAnnounced) return;
    this.#emptyAnnounced = true;
    this.#context.events.emit('empty');
    // A handler of 'empty' may have submitted more.
    if (this.#settings.endOnEmpty && this.empty()) this.#end({ code: ExitCode.EXHAUSTED });
  };

  #end(request: EndRequest): void {
    if (this.#phase !== 'running' || this.#ends.has(request.code)) return;
    this.#ends.set(request.code, request);
    // From now on a freed child must not take a queued call: the end will cancel those.
    if (!this.#shutdown.drain) this.#context.executor.hold();
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
