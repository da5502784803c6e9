/**
 * The shapes of a run's options: `run()`'s, `start()`'s and `close()`'s as the user gives them,
 * and the settings a run works from once they are checked (options.ts).
 */
import type { ErrorAction, ExceptionPolicy } from './policy.js';

export interface RunOptions {
  /** End the run after this many milliseconds (exit code TIMEOUT). */
  readonly timeout?: number;
  /** End the run once nothing is queued or running (default true). Otherwise emit 'empty' and go on. */
  readonly endOnEmpty?: boolean;
  /**
   * At the end, let the running calls finish (default true), or cancel them and stop their
   * children. Calls not started yet are cancelled either way, unless `drain`.
   */
  readonly wait?: boolean;
  /** On a stop or timeout, run every queued call before ending (default false: they are cancelled). */
  readonly drain?: boolean;
  /**
   * Handle Ctrl-C like a CLI (default false): the first SIGINT or SIGTERM stops the run
   * gracefully and says so on stderr, the second stops the running calls too, and the process
   * exit code becomes 130 or 143.
   */
  readonly signals?: boolean;
  /** What a task error or a throwing handler does (default 'raise'). */
  readonly onException?: ExceptionPolicy;
  /** What a cancelled call does (default 'raise'). */
  readonly onCancelled?: ErrorAction;
}

/** Options of `scheduler.start()`, the long-lived pool. */
export interface StartOptions {
  /** Handle Ctrl-C like a CLI, as `run({ signals: true })` does. Default false. */
  readonly signals?: boolean;
}

/** Options of `scheduler.close()`. */
export interface CloseOptions {
  /** Run the queued calls before closing (default true: their callers are waiting for them). */
  readonly drain?: boolean;
  /** Let the running calls finish (default true), or cancel them and stop their children. */
  readonly wait?: boolean;
}

export interface RunSettings {
  readonly timeout: number | undefined;
  readonly endOnEmpty: boolean;
  readonly wait: boolean;
  readonly drain: boolean;
  readonly signals: boolean;
  readonly onException: ExceptionPolicy;
  readonly onCancelled: ErrorAction;
  /**
   * 'run': amltk's run, whose policies govern call errors nobody took. 'service': the long-lived
   * pool of `start()`, where a call's error is only its awaiter's, and a throwing handler is a
   * warning (a service must not die of a log line's bug).
   */
  readonly mode: 'run' | 'service';
}

/** How the end of a run treats the calls still in flight. */
export interface Shutdown {
  readonly wait: boolean;
  readonly drain: boolean;
}
