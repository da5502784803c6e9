/**
 * The end of a run: the reasons asked for, the one that wins, what the end tells the calls still
 * running, and the exit state it returns.
 *
 * The run keeps the state (the requests, the shutdown in force) and sequences the end; these are
 * the rules, as plain functions over what they read, so the order of a run's end stays readable
 * in run.ts and each rule has its why here.
 */
import type { Emitter } from '../events/emitter.js';
import type { Call } from './call.js';
import type { SchedulerEvents } from './events.js';
import { EXIT_PRIORITY, ExitCode, type ExitState } from './exit.js';
import type { Shutdown } from './settings.js';
import type { Signal } from './signals.js';

/** One reason to end the run: a stop, a timeout, a policy's decision, nothing left to run. */
export interface EndRequest {
  readonly code: ExitCode;
  readonly message?: string;
  readonly error?: unknown;
  readonly signal?: Signal;
}

/** The request that decides the exit when several came: the first in EXIT_PRIORITY. */
export function chosenEnd(ends: ReadonlyMap<ExitCode, EndRequest>): EndRequest | undefined {
  return EXIT_PRIORITY.map((code) => ends.get(code)).find(Boolean);
}

/** The reason of the calls an end cancels: before they started, or, with `wait: false`, running. */
export function cancelReason(shutdown: Shutdown, code: ExitCode): string {
  return shutdown.wait ? `the scheduler stopped (${code}) before the call started` : `the scheduler stopped (${code}) with wait: false`;
}

/** Tells what still runs that the run ends, then emits the end's events up to 'finishing'. */
export function announceEnd(events: Emitter<SchedulerEvents>, withComms: Iterable<Call>, end: EndRequest): void {
  // Calls still running will get no more answers: tell their comms, so none waits forever.
  for (const call of withComms) call.comms?.runEnding(`the scheduler is stopping (${end.code})`);
  if (end.code === ExitCode.TIMEOUT) events.emit('timeout');
  else if (end.code !== ExitCode.EXHAUSTED) events.emit('stop', end.message, end.error);
  events.emit('finishing');
}

/** What `run()` returns: the request's fields that were given, and no others. */
export function exitStateOf(end: EndRequest): ExitState {
  return {
    code: end.code,
    ...(end.error === undefined ? {} : { error: end.error }),
    ...(end.message === undefined ? {} : { message: end.message }),
    ...(end.signal === undefined ? {} : { signal: end.signal }),
  };
}
