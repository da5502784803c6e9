/**
 * A RuntimeChannel that keeps what the child runtime sends, for unit specs of the runtime and
 * PipeComm: envelopes queue until `flush()`, as the Outbox's do, so coalescing is visible.
 */
import type { RuntimeChannel } from '../../../workers/call-context.js';
import type { ChildEnvelope } from '../../../lib/wire/protocol.js';

export class MemoryChannel implements RuntimeChannel {
  /** Flushed envelopes, in order. */
  readonly sent: ChildEnvelope[] = [];
  #queued: ChildEnvelope[] = [];

  push(envelope: ChildEnvelope): void {
    this.#queued.push(envelope);
  }

  pushNow(envelope: ChildEnvelope): void {
    this.push(envelope);
    this.flush();
  }

  tail(): ChildEnvelope | undefined {
    return this.#queued.at(-1);
  }

  extended(): void {}

  flush(): boolean {
    if (this.#queued.length === 0) return false;
    this.sent.push(...this.#queued.splice(0));
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  /** Everything sent so far, flushed first. */
  all(): ChildEnvelope[] {
    this.flush();
    return this.sent;
  }
}

/** Lets promise callbacks and immediates run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
