/**
 * `open` envelopes: the task opened the comm ('comm-open').
 */
import type { ChildCommEnvelope, CommOpen } from '../wire/protocol.js';
import { ackWhenHandled } from './ack.js';
import { CommMsg } from './msg.js';
import type { CommSession } from './session.js';

/** Marks the comm open and emits 'comm-open'; false for other kinds. */
export function receiveOpen(session: CommSession, envelope: ChildCommEnvelope): envelope is CommOpen {
  if (envelope.kind !== 'open') return false;
  session.state = 'open';
  ackWhenHandled(session, envelope, session.task.emit('comm-open', new CommMsg('open', envelope.data, session)));
  return true;
}
