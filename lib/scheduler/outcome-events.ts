/**
 * The events of a settled call, in the order amltk emits them: the scheduler's first, then the
 * task's. Kept apart from the run so the order is in one place.
 */
import type { Emitter } from '../events/emitter.js';
import type { Future, Outcome } from '../future.js';
import type { SchedulerEvents } from './events.js';

export function emitOutcome(events: Emitter<SchedulerEvents>, future: Future, outcome: Outcome<unknown>): void {
  const task = future.task;
  switch (outcome.state) {
    case 'fulfilled':
      events.emit('future-done', future);
      events.emit('future-result', future, outcome.value);
      task.emit('done', future);
      task.emit('result', future, outcome.value);
      return;
    case 'rejected':
      events.emit('future-done', future);
      events.emit('future-exception', future, outcome.error);
      task.emit('done', future);
      task.emit('exception', future, outcome.error);
      return;
    case 'cancelled':
      events.emit('future-cancelled', future, outcome.error);
      task.emit('cancelled', future, outcome.error);
      return;
    default:
      outcome satisfies never;
  }
}
