/**
 * `request` envelopes and their answers: 'comm-request', answered by `msg.respond(value)` with a
 * `response` (CommSession.respond), or with a `response-error` (CommSession.refuse) whenever no
 * answer can come, so a task never waits forever: a comm the host asked to close, no handler, a
 * handler that threw.
 */
import type { ChildCommEnvelope, CommRequest } from '../wire/protocol.js';
import { CommMsg, refuseMsg } from './msg.js';
import type { CommSession } from './session.js';

/** Emits 'comm-request', or refuses the request when nothing can answer it; false for other kinds. */
export function receiveRequest(session: CommSession, envelope: ChildCommEnvelope): envelope is CommRequest {
  if (envelope.kind !== 'request') return false;
  const { task } = session;
  const msg = new CommMsg('request', envelope.data, session, envelope.request);
  if (session.refusal !== undefined) {
    refuseMsg(msg, session.refusal);
    return true;
  }
  if (task.listenerCount('comm-request', { hidden: true }) === 0) {
    task.emit('comm-request', msg);
    refuseMsg(msg, `task "${task.name}" has no 'comm-request' handler in the host, so nothing can answer`);
    return true;
  }
  const emitted = task.emit('comm-request', msg);
  const failed = `the host's 'comm-request' handler threw`;
  if (emitted === false) refuseMsg(msg, failed);
  else if (emitted !== true) void emitted.pending.then((ok) => ok || refuseMsg(msg, failed));
  return true;
}
