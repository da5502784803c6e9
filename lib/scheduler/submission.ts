/**
 * Handing a new call to its executor, once the run has counted it: the call's first events, the
 * plugins' chance to watch it, and its AbortSignal.
 *
 * A plain function on the submit path: no closure, no allocation of its own. The order is the
 * contract plugins rely on, so it is written once, here.
 */
import type { Emitter } from '../events/emitter.js';
import type { Executor } from '../executor.js';
import type { SubmitCall } from '../plugin.js';
import { trackFuture, type AnyTask, type SubmitOptions } from '../task.js';
import type { Call } from './call.js';
import type { SchedulerEvents } from './events.js';

export function launch(events: Emitter<SchedulerEvents>, executor: Executor, task: AnyTask, request: SubmitCall, call: Call, options: SubmitOptions): void {
  const { future } = call;
  task[trackFuture](call, true);
  events.emit('future-submitted', future);
  task.emit('submitted', future, ...request.args);
  // After 'submitted': plugins ask to hear of the call's start there.
  call.notify = call.watched;
  if (!future.done()) {
    call.executed = true;
    executor.submit(call);
  }
  // Not for a call already cancelled by its 'submitted' handlers: nothing would remove the listener.
  if (options.signal && !future.done()) call.watchSignal(options.signal);
}
