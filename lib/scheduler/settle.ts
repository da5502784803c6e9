/**
 * The error policy on a run's settle path: what becomes of a failed or cancelled call, and of a
 * handler that threw.
 *
 * The run keeps the state (the failures waiting for their turn to end, whether it returned) and
 * acts on the answer; the rules are here. Nothing here runs for a call that fulfilled: the run
 * calls in only for the others, so a tiny task's settle pays no call of its own for this.
 */
import { inline, log } from '../debug.js';
import type { Future, Outcome } from '../future.js';
import { ExitCode } from './exit.js';
import { decide, type ErrorAction } from './policy.js';
import type { RunSettings } from './settings.js';
import type { UntakenErrors } from './untaken.js';

/**
 * A call that did not fulfil settled: unless a long-lived pool's (its caller's alone), the policy
 * may decide it once the turn is over (untaken.ts). `running`: the run is not ending, for a call
 * cancelled by the end of the run itself is no reason to end it.
 */
export function holdForPolicy(untaken: UntakenErrors, settings: RunSettings, future: Future, outcome: Outcome<unknown>, running: boolean): void {
  if (outcome.state === 'rejected') hold(untaken, settings, future, decide(settings.onException, outcome.error), ExitCode.EXCEPTION);
  else if (outcome.state === 'cancelled' && running) hold(untaken, settings, future, settings.onCancelled, ExitCode.CANCELLED);
}

function hold(untaken: UntakenErrors, settings: RunSettings, future: Future, action: ErrorAction, code: ExitCode): void {
  if (settings.mode === 'service' || action === 'continue') return;
  untaken.add({ future, action, code });
}

/**
 * A handler threw: the action the policy takes, or undefined when it can only be a warning (after
 * run() has returned nothing can raise it; a service must not die of a log line's bug).
 */
export function handlerFailure(settings: RunSettings, returned: boolean, error: unknown, event: string): ErrorAction | undefined {
  log.scheduler('handler of %s threw: %s', event, inline(error));
  if (returned) {
    process.emitWarning(`A handler of '${event}' failed after its run had ended: ${String(error)}`, 'ForklineWarning');
    return undefined;
  }
  if (settings.mode === 'service') {
    process.emitWarning(`A handler of '${event}' failed; the pool goes on: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, 'ForklineWarning');
    return undefined;
  }
  return decide(settings.onException, error);
}
