/**
 * `close` envelopes: the task closed the comm, or its call settled with the comm open ('comm-close').
 */
import type { ChildCommEnvelope, CommClose } from '../wire/protocol.js';
import { ackWhenHandled } from './ack.js';
import { CommMsg } from './msg.js';
import type { CommSession } from './session.js';

/** Marks the comm closed and emits 'comm-close'; false for other kinds. */
export function receiveClose(session: CommSession, envelope: ChildCommEnvelope): envelope is CommClose {
  if (envelope.kind !== 'close') return false;
  session.state = 'closed';
  ackWhenHandled(session, envelope, session.task.emit('comm-close', new CommMsg('close', envelope.data, session)));
  return true;
}
