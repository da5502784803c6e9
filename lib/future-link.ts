/**
 * Internal: the comm traffic of a running future, for plugins that talk to the call (Comm).
 */
import type { Future } from './future.js';
import type { CommEnvelope } from './wire/protocol.js';

export interface FutureLink {
  /** Set by a plugin to receive the call's comm envelopes, in the order the child sent them. */
  receive: ((envelope: CommEnvelope) => void) | undefined;
  /** Sends a comm envelope to the child running the call. */
  send(envelope: CommEnvelope): void;
}

const links = new WeakMap<Future, FutureLink>();

export function linkFuture(future: Future, link: FutureLink): void {
  links.set(future, link);
}

export function futureLink(future: Future): FutureLink | undefined {
  return links.get(future);
}
