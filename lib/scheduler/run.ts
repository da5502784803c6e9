/**
 * One `scheduler.run()`, or one long-lived `scheduler.start()` … `close()`: from 'start' to
 * 'finished'.
 *
 * Owns what lives for the length of a run: the futures in flight, handlers still pending, timers,
 * and the reasons to end. Every future submitted during the run settles before it ends.
 *
 * Split by concern: this class keeps the run's state and sequences it; the rules are beside it,
 * as plain functions over what they read: the end of a run (which request wins, what the end
 * tells running calls, the exit state) run-end.ts; handing a call to its executor submission.ts;
 * the error policy of a settled call or a failed handler settle.ts; a settled call's events
 * outcome-events.ts; the failures waiting for their turn untaken.ts; timers timers.ts; async
 * handlers handlers.ts.
 */
import { inHandler, type Emitter } from '../events/emitter.js';
import type { Executor } from '../executor.js';
import type { Future, Outcome } from '../future.js';
import type { SubmitCall } from '../plugin.js';
import { trackFuture, type AnyTask, type SubmitOptions } from '../task.js';
import type { WireFormat } from '../wire/serializable.js';
import { inline, log } from '../debug.js';
import { Call, checkSendable, type CallOwner } from './call.js';
import { PendingHandlers } from './handlers.js';
import { emitOutcome } from './outcome-events.js';
import { ExitCode, type ExitState } from './exit.js';
import type { ErrorAction } from './policy.js';
import { announceEnd, cancelReason, chosenEnd, exitStateOf, type EndRequest } from './run-end.js';
import { handlerFailure, holdForPolicy } from './settle.js';
import type { RunSettings, Shutdown } from './settings.js';
import { launch } from './submission.js';
import { RunTimers } from './timers.js';
import { UntakenErrors, type Untaken } from './untaken.js';
import type { SchedulerEvents } from './events.js';
import { watchSignals, type Signal } from './signals.js';

export type { RunOptions, StartOptions, CloseOptions, RunSettings, Shutdown } from './settings.js';

/** What a run is wired to: its scheduler's emitter and executor, and how calls are made. */
export interface RunWiring {
  readonly events: Emitter<SchedulerEvents>;
  readonly executor: Executor;
  readonly format: WireFormat;
  readonly prefixOutput: boolean;
  readonly nextId: () => number;
}

export class Run implements CallOwner {
  readonly #wiring: RunWiring;
  readonly #settings: RunSettings;
  #phase: 'running' | 'ending' | 'ended' = 'running';
  /** Futures submitted and not settled. */
  #inFlight = 0;
  /** Those that have comms (tasks with plugins), to tell them the run is ending. */
  readonly #withComms = new Set<Call>();
  readonly #handlers = new PendingHandlers(() => this.#checkEmpty(), (error, event) => this.handlerFailed(error, event));
  readonly #ends = new Map<ExitCode, EndRequest>();
  #wake: (() => void) | undefined;
  #raise: { error: unknown } | undefined;
  readonly #timers = new RunTimers((error, event) => this.handlerFailed(error, event), (promise, event) => this.adopt(promise, event));
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

  constructor(wiring: RunWiring, settings: RunSettings) {
    this.#wiring = wiring;
    this.#settings = settings;
    this.#shutdown = { wait: settings.wait, drain: settings.drain };
  }

  running(): boolean {
    return this.#phase === 'running' && this.#ends.size === 0;
  }

  /** Where the run is, for errors of calls that come too late: undefined while it runs. */
  get ending(): { readonly code: ExitCode; readonly ended: boolean } | undefined {
    if (this.#exit) return { code: this.#exit.code, ended: true };
    const end = chosenEnd(this.#ends);
    return end ? { code: end.code, ended: false } : undefined;
  }

  /** How the run ended, once it has. */
  get exit(): ExitState | undefined {
    return this.#exit;
  }

  /** Nothing queued, running, or pending in an async handler. */
  empty(): boolean {
    return this.#inFlight === 0 && this.#handlers.count === 0;
  }

  async execute(): Promise<ExitState> {
    const { events, executor } = this.#wiring;
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
      this.#timers.clear();
      const end = chosenEnd(this.#ends) ?? { code: ExitCode.UNKNOWN };
      log.scheduler('run ends: %s', end.code);
      announceEnd(events, this.#withComms, end);
      this.#shuttingDown = true;
      await executor.shutdown({ ...this.#shutdown, reason: cancelReason(this.#shutdown, end.code) });
      if (this.#shutdown.wait) await this.#handlers.done();
      // Policies of the last failures are decided a turn after they settled: let that turn come.
      if (this.#untaken.pending) await new Promise((resolve) => setImmediate(resolve));
      this.#phase = 'ended';
      const exit = exitStateOf(end);
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
      const code = chosenEnd(this.#ends)?.code ?? ExitCode.STOPPED;
      void this.#wiring.executor.shutdown({ ...this.#shutdown, reason: cancelReason(this.#shutdown, code) });
    }
  }

  /** What the end does with the calls in flight, for the line a signal prints. */
  get shutdown(): Shutdown {
    return this.#shutdown;
  }

  callLater(delay: number, fn: () => unknown): { cancel(): void } {
    return this.#timers.later(delay, fn);
  }

  // CallOwner: what the calls of this run need of it.
  get executor(): Executor {
    return this.#wiring.executor;
  }

  get format(): WireFormat {
    return this.#wiring.format;
  }

  submit(task: AnyTask, request: SubmitCall, options: SubmitOptions): Future {
    const { events, executor, format } = this.#wiring;
    checkSendable(task, request, format);
    const id = this.#wiring.nextId();
    const call = new Call(this, id, task, request, this.#wiring.prefixOutput ? `${task.name}#${id}` : undefined);
    const { future } = call;
    if (call.comms) this.#withComms.add(call);
    this.#inFlight++;
    this.#emptyAnnounced = false;
    launch(events, executor, task, request, call, options);
    return future;
  }

  /** A call of this run settled (once): its events, and what the policy makes of a failure. */
  settled(call: Call, outcome: Outcome<unknown>): void {
    const { future } = call;
    if (call.comms) this.#withComms.delete(call);
    future.task[trackFuture](call, false);
    emitOutcome(this.#wiring.events, future, outcome);
    // The policy's (settle.ts), only for a call that did not fulfil: a tiny task's settle skips it.
    if (outcome.state !== 'fulfilled') holdForPolicy(this.#untaken, this.#settings, future, outcome, this.#phase === 'running');
    this.#inFlight--;
    this.#checkEmpty();
  }

  /** For emitters: a handler threw. After run() has returned nothing can raise it: a warning. */
  handlerFailed(error: unknown, event: string): void {
    const action = handlerFailure(this.#settings, this.#returned, error, event);
    if (action) this.#apply(action, error, ExitCode.EXCEPTION);
  }

  /** For emitters: a handler returned a promise; this run is not empty until it settles. */
  adopt(promise: Promise<unknown>, event: string): Promise<boolean> {
    return this.#handlers.adopt(promise, event);
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
    this.#wiring.events.emit('empty');
    // A handler of 'empty' may have submitted more.
    if (this.#settings.endOnEmpty && this.empty()) this.#end({ code: ExitCode.EXHAUSTED });
  };

  #end(request: EndRequest): void {
    if (this.#phase !== 'running' || this.#ends.has(request.code)) return;
    this.#ends.set(request.code, request);
    // From now on a freed child must not take a queued call: the end will cancel those.
    if (!this.#shutdown.drain) this.#wiring.executor.hold();
    this.#wake?.();
  }
}
