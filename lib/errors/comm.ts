/**
 * Errors of the Comm: a request unanswered in time, a comm the host closed, a comm used after
 * close(), a response to what is no request.
 */
import { ForklineError } from './base.js';

/** `comm.request()` got no response within its `timeout`. The late response, if any, is dropped. */
export class CommTimeoutError extends ForklineError {
  override readonly code = 'ERR_COMM_TIMEOUT';
  constructor(
    readonly comm: string,
    readonly timeout: number,
  ) {
    super(
      `comm.request() failed: the host did not answer within ${timeout} ms (comm ${comm}). ` +
        "Answer every request in a 'comm-request' handler with msg.respond(value), or raise the timeout.",
    );
  }
}
CommTimeoutError.prototype.name = 'CommTimeoutError';

/**
 * The host cannot answer the comm: its request handler threw, the scheduler is stopping, or the
 * call was cancelled. The task should finish as soon as it can.
 */
export class CommCloseRequestError extends ForklineError {
  override readonly code = 'ERR_COMM_CLOSE_REQUEST';
  constructor(
    readonly comm: string,
    readonly reason: string,
  ) {
    super(`comm.request() failed: ${reason} (comm ${comm}). Return from the task; the host will not answer this comm any more.`);
  }
}
CommCloseRequestError.prototype.name = 'CommCloseRequestError';

/** A comm was used after `close()`. */
export class CommClosedError extends ForklineError {
  override readonly code = 'ERR_COMM_CLOSED';
  constructor(
    readonly comm: string,
    method: string,
  ) {
    super(`comm.${method}() failed: comm ${comm} is closed. Send and request before close(), or inside comm.open(async () => ...).`);
  }
}
CommClosedError.prototype.name = 'CommClosedError';

/** `msg.respond()` was called on a message that is not a request, or a second time. */
export class CommResponseError extends ForklineError {
  override readonly code = 'ERR_COMM_RESPONSE';
  constructor(
    readonly comm: string,
    problem: 'not-a-request' | 'already-answered',
    kind: string,
  ) {
    super(
      problem === 'already-answered'
        ? `msg.respond() failed: this request on comm ${comm} was already answered. Answer each request once, from one handler.`
        : `msg.respond() failed: ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} message is not a request, so it takes no answer. Only 'comm-request' messages can be answered.`,
    );
  }
}
CommResponseError.prototype.name = 'CommResponseError';
