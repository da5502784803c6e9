/**
 * One process's inbox: a Redis stream that the other side XADDs envelopes to and this side reads
 * with XREAD BLOCK on a connection of its own, in order, trimming what it has handled. One
 * blocking reader per process rather than per call: a call costs no connection of its own.
 */
import type { Redis } from 'ioredis';
import { decode, encode } from './wire.js';

export class Inbox<E> {
  #last = '0';
  #closed = false;
  readonly #done: Promise<void>;

  constructor(
    readonly key: string,
    private readonly reader: Redis,
    private readonly writer: Redis,
    handle: (entry: E) => void,
  ) {
    this.#done = this.#loop(handle);
  }

  async #loop(handle: (entry: E) => void): Promise<void> {
    while (!this.#closed) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = await this.reader.xread('BLOCK', 0, 'STREAMS', this.key, this.#last);
      } catch {
        // Closing, or Redis went away: ioredis reconnects; read on from the last id handled.
        if (this.#isClosed()) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          this.#last = id;
          if (fields[0] === 'e' && typeof fields[1] === 'string') handle(decode(fields[1]) as E);
        }
      }
      // Handled: nothing before the last id is needed again.
      this.writer.xtrim(this.key, 'MINID', this.#last).catch(() => undefined);
    }
  }

  /** Read through a method: the loop's awaits let close() change it. */
  #isClosed(): boolean {
    return this.#closed;
  }

  /** Stops reading (the reader connection is closed by its owner) and deletes the stream. */
  async close(): Promise<void> {
    this.#closed = true;
    this.reader.disconnect();
    await this.#done;
    await this.writer.del(this.key).catch(() => undefined);
  }
}

/** Appends one envelope to another process's inbox. */
export function post(writer: Redis, key: string, entry: unknown): Promise<unknown> {
  return writer.xadd(key, '*', 'e', encode(entry));
}
