/**
 * Errors of the scheduler and its calls: no live run, a busy scheduler, a vetoed or cancelled call.
 */
import { ForklineError } from './base.js';
import { describeTask, type TaskName } from './format.js';

/** How a scheduler's last run ended or is ending, for {@link SchedulerNotRunningError}. */
export interface RunEnding {
  /** The exit code, e.g. `exhausted`. */
  readonly code: string;
  /** false while the run is still shutting down. */
  readonly ended: boolean;
}

/** What ended a run, in words, by exit code. */
const ENDED_BY: Readonly<Record<string, string>> = {
  exhausted: 'its queue emptied, and `endOnEmpty` (the default) ends a run then',
  stopped: 'stop() or close() was called',
  timeout: 'its `timeout` passed',
  exception: "a call or handler failed and `onException` said 'end' or 'raise'",
  cancelled: "a call was cancelled and `onCancelled` said 'end' or 'raise'",
};

/** `submit()` (or anything that needs a live run) was called while the scheduler was not running. */
export class SchedulerNotRunningError extends ForklineError {
  override readonly code = 'ERR_SCHEDULER_NOT_RUNNING';
  /** How the last run ended or is ending; undefined if the scheduler never ran. */
  readonly ending: RunEnding | undefined;
  constructor(action: string, ending?: RunEnding) {
    const keepOpen =
      'For a pool that stays open, call `scheduler.start()` once and `await scheduler.close()` at the end; ' +
      'for an event-driven run, `run({ endOnEmpty: false })` runs until stop().';
    super(
      ending === undefined
        ? `${action} failed: the scheduler is not running. Submit from a 'start' handler or while \`await scheduler.run()\` is in progress. ${keepOpen}`
        : `${action} failed: the scheduler's run ${ending.ended ? 'has ended' : 'is ending'} as '${ending.code}': ${ENDED_BY[ending.code] ?? 'it ended'}. ${keepOpen} ` +
            'Handlers that may fire after a stop should check `scheduler.running()` before submitting.',
    );
    this.ending = ending;
  }
}
SchedulerNotRunningError.prototype.name = 'SchedulerNotRunningError';

/** `task.call()` was vetoed by a plugin: there is no result to wait for. */
export class CallVetoedError extends ForklineError {
  override readonly code = 'ERR_CALL_VETOED';
  constructor(
    readonly task: TaskName,
    readonly plugin: string,
  ) {
    super(`${task.export}.call() was vetoed by the plugin "${plugin}" (a limit, say): the call did not run. Use submit() to be told by \`undefined\` instead of an error, or listen to the plugin's events.`);
  }
}
CallVetoedError.prototype.name = 'CallVetoedError';

/** `run()` was called while a previous `run()` on the same scheduler had not finished. */
export class SchedulerBusyError extends ForklineError {
  override readonly code = 'ERR_SCHEDULER_BUSY';
  constructor(action = 'scheduler.run()') {
    super(`${action} failed: this scheduler is already running. Await the first run(), or close() the pool of start(), before starting another.`);
  }
}
SchedulerBusyError.prototype.name = 'SchedulerBusyError';

/** A future was cancelled: by `future.cancel()`, an AbortSignal, or a scheduler stop with `wait: false`. */
export class CancelledError extends ForklineError {
  override readonly code = 'ERR_CANCELLED';
  constructor(
    readonly task: TaskName,
    reason: string,
  ) {
    super(`Task ${describeTask(task)} was cancelled: ${reason}.`);
  }
}
CancelledError.prototype.name = 'CancelledError';
