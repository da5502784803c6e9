/**
 * Coalesces the envelopes one side produces in the same tick into one frame, in order.
 *
 * One frame per envelope costs a serialization and a write each; a task that streams
 * messages, or a host that submits a batch, produces many envelopes per tick. The outbox also
 * tracks frames handed to the channel but not yet written, so senders can wait instead of
 * growing the channel's backlog without bound.
 */
import { FRAME_KEY, type Envelope, type Frame } from './protocol.js';

/** Writes one frame; calls `done` once it is written (or failed). */
export type FrameWriter<E extends Envelope> = (frame: Frame<E>, done: (error?: Error | null) => void) => void;

export interface OutboxOptions {
  /** Flush at once when a frame reaches this many envelopes. */
  readonly maxBatch?: number;
  /** Flush at once when a frame's payloads reach about this many bytes. */
  readonly maxBytes?: number;
  /**
   * When a queued envelope goes out by itself: at the end of this microtask queue (default), or
   * on the next turn of the event loop ('immediate'), which also coalesces what a loop of
   * `await`ed sends produces, at the cost of a few microseconds.
   */
  readonly flushOn?: 'microtask' | 'immediate';
  /** Above this many frames written-but-unconfirmed, `ready()` waits. */
  readonly highWaterMark?: number;
  /**
   * A write failed: the channel is gone, or an envelope could not be serialized. A frame refused
   * outright is split first, so a serialization failure comes with a frame of one envelope.
   */
  readonly onError?: (error: Error, frame: Frame) => void;
}

const RESOLVED = Promise.resolve();

export class Outbox<E extends Envelope> {
  readonly #write: FrameWriter<E>;
  readonly #maxBatch: number;
  readonly #maxBytes: number;
  #bytes = 0;
  /** Envelopes plus the items appended to them, toward `maxBatch`. */
  #items = 0;
  readonly #schedule: (flush: () => void) => void;
  readonly #highWaterMark: number;
  readonly #onError: (error: Error, frame: Frame) => void;
  #batch: E[] = [];
  #scheduled = false;
  #unconfirmed = 0;
  #waiters: (() => void)[] = [];
  #drainers: (() => void)[] = [];

  constructor(write: FrameWriter<E>, options: OutboxOptions = {}) {
    this.#write = write;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#maxBytes = options.maxBytes ?? 256 * 1024;
    this.#schedule = options.flushOn === 'immediate' ? (flush) => void setImmediate(flush) : queueMicrotask;
    this.#highWaterMark = options.highWaterMark ?? 64;
    this.#onError = options.onError ?? (() => {});
  }

  /** Queues an envelope (`bytes`: its payload's rough size); it goes out by the end of the tick. */
  push(envelope: E, bytes = 0): void {
    this.#batch.push(envelope);
    this.#items++;
    this.#bytes += bytes;
    if (this.#items >= this.#maxBatch || this.#bytes >= this.#maxBytes) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(this.#flushScheduled);
    }
  }

  /**
   * Queues an envelope and hands what is queued to the channel now, this envelope last: for a
   * sender about to wait on an answer (a request, an ack, the host's answer to one). Unlike
   * `push()` then `flush()`, it schedules no flush for later that would find nothing to send: in
   * a child that flush is a setImmediate, which costs the request a turn of the event loop.
   */
  pushNow(envelope: E): void {
    this.#batch.push(envelope);
    this.flush();
  }

  /** The last envelope queued and not yet sent, for senders that extend it instead of adding one. */
  tail(): E | undefined {
    return this.#batch[this.#batch.length - 1];
  }

  /** Counts `bytes` appended to the tail envelope as one more item of the batch. */
  extended(bytes: number): void {
    this.#items++;
    this.#bytes += bytes;
    if (this.#items >= this.#maxBatch || this.#bytes >= this.#maxBytes) this.flush();
  }

  /** Sends what is queued now; false if nothing was queued. */
  flush(): boolean {
    if (this.#batch.length === 0) return false;
    const envelopes = this.#batch;
    this.#batch = [];
    this.#bytes = 0;
    this.#items = 0;
    this.#send(envelopes);
    return true;
  }

  #send(envelopes: E[]): void {
    const frame = { [FRAME_KEY]: envelopes } as Frame<E>;
    let synchronous = true;
    let refused: Error | undefined;
    this.#unconfirmed++;
    this.#write(frame, (error) => {
      this.#unconfirmed--;
      if (error && synchronous && envelopes.length > 1) refused = error;
      else if (error) this.#onError(error, frame);
      this.#wake();
    });
    synchronous = false;
    // The channel refused the frame outright (a value it cannot serialize slipped through):
    // send its envelopes one by one, so only the one at fault is lost, and reported.
    if (refused) for (const envelope of envelopes) this.#send([envelope]);
  }

  #wake(): void {
    if (this.#unconfirmed < this.#highWaterMark && this.#waiters.length > 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    }
    if (this.#unconfirmed === 0 && this.#drainers.length > 0) {
      const drainers = this.#drainers;
      this.#drainers = [];
      for (const wake of drainers) wake();
    }
  }

  /** Resolves at once when the channel keeps up, otherwise once it has drained below the mark. */
  ready(): Promise<void> {
    if (this.#unconfirmed < this.#highWaterMark) return RESOLVED;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Flushes, and resolves once every frame is written (or failed). */
  drained(): Promise<void> {
    this.flush();
    if (this.#unconfirmed === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainers.push(resolve));
  }

  /** Frames handed to the channel and not yet confirmed written. */
  get backlog(): number {
    return this.#unconfirmed;
  }

  readonly #flushScheduled = (): void => {
    this.#scheduled = false;
    this.flush();
  };
}
