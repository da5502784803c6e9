/**
 * How a run ended.
 */

/** Why `run()` returned. When several apply at once, the first in this list wins. */
export const ExitCode = {
  /** `onException: 'end'` ended the run; `error` holds the error. */
  EXCEPTION: 'exception',
  /** `onCancelled: 'end'` ended the run after a cancellation. */
  CANCELLED: 'cancelled',
  /** `scheduler.stop()` was called. */
  STOPPED: 'stopped',
  /** Nothing was left to run (with `endOnEmpty`, the default). */
  EXHAUSTED: 'exhausted',
  /** The run's `timeout` passed. */
  TIMEOUT: 'timeout',
  /** The run ended for a reason forkline could not tell. */
  UNKNOWN: 'unknown',
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ExitState {
  readonly code: ExitCode;
  /** The error that ended the run, for EXCEPTION, CANCELLED, or a `stop(message, error)`. */
  readonly error?: unknown;
  /** The message given to `stop()`. */
  readonly message?: string;
  /** The signal that stopped the run, with `run({ signals: true })`. */
  readonly signal?: 'SIGINT' | 'SIGTERM';
}

export const EXIT_PRIORITY: readonly ExitCode[] = Object.values(ExitCode);
