/**
 * The dispatcher of a comm's envelopes from the task: each kind's handler returns false for what
 * is not its own (execa's lib/ipc/), and is a type guard, so a kind without a handler does not
 * compile. A new child → host kind: protocol.ts, lib/wire/validate.ts, a handler file, this list.
 */
import type { ChildCommEnvelope } from '../wire/protocol.js';
import { receiveClose } from './close.js';
import { receiveMessage } from './message.js';
import { receiveOpen } from './open.js';
import { receiveRequest } from './request.js';
import type { CommSession } from './session.js';

export function receiveComm(session: CommSession, envelope: ChildCommEnvelope): void {
  if (session.future.done()) {
    // The call was cancelled: no more events for it, but never leave a request waiting.
    if (envelope.kind === 'request') session.refuse(envelope.request, 'the call was cancelled');
    return;
  }
  if (receiveOpen(session, envelope) || receiveMessage(session, envelope) || receiveRequest(session, envelope) || receiveClose(session, envelope)) return;
  envelope satisfies never;
}
