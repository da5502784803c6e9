/**
 * Acks: an open or close sent with `ack` waits in the task until the host's handlers of it are
 * done, async ones included. The task's acks queue in order (workers/comm/acks.ts).
 */
import type { Emitted } from '../events/emitter.js';
import type { CommClose, CommOpen } from '../wire/protocol.js';
import type { CommSession } from './session.js';

/** Acks `envelope`, if it asked for it, once the handlers `emitted` reports on are done. */
export function ackWhenHandled(session: CommSession, envelope: CommOpen | CommClose, emitted: Emitted): void {
  if (!envelope.ack) return;
  const ack = () => session.send({ t: 'comm', kind: 'ack', call: session.call, comm: session.name });
  if (typeof emitted === 'boolean') ack();
  else void emitted.pending.then(ack);
}
