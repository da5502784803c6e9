/**
 * The scheduler's events. Scheduler handlers run before the task's for the same future.
 */
import { eventNames } from '../events/names.js';
import type { Future } from '../future.js';
import type { ExitState } from './exit.js';

export interface SchedulerEvents {
  /** The run began: submit the first calls here. */
  start: [];
  /** A call was queued. */
  'future-submitted': [future: Future];
  /** A call finished with a result or an error (not emitted for cancelled calls). */
  'future-done': [future: Future];
  'future-result': [future: Future, result: unknown];
  'future-exception': [future: Future, error: unknown];
  /** A call was cancelled; `error` is a CancelledError. */
  'future-cancelled': [future: Future, error: unknown];
  /** Nothing is queued or running any more. */
  empty: [];
  /** The run's timeout passed. */
  timeout: [];
  /** The run was stopped: by `stop()`, or by an error or cancellation the policy ends on. */
  stop: [message: string | undefined, error: unknown];
  /** The run is ending: the workers are being shut down. */
  finishing: [];
  /** The run has ended. */
  finished: [exit: ExitState];
}

/** The names, checked against the map: a name added to one and not the other fails typecheck. */
export const SCHEDULER_EVENTS = eventNames<SchedulerEvents>({
  start: true,
  'future-submitted': true,
  'future-done': true,
  'future-result': true,
  'future-exception': true,
  'future-cancelled': true,
  empty: true,
  timeout: true,
  stop: true,
  finishing: true,
  finished: true,
});
