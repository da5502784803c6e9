/**
 * One process's inbox: a Redis stream that the other side XADDs envelopes to and this side reads
 * with XREAD BLOCK on a connection of its own, in order, trimming what it has handled. One
 * blocking reader per process rather than per call: a call costs no connection of its own.
 *
 * While its process lives the stream's expiry is refreshed (INBOX_TTL_MS, every third of it), so
 * the inbox of a process that died (SIGKILL, a machine lost) leaves Redis within that time instead
 * of collecting entries forever; a process that closes deletes it at once.
 *
 * Anybody who can write to Redis can XADD to an inbox, so an entry is untrusted: one that does not
 * decode, or that its owner's check refuses (lib/queue/validate.ts), is dropped (and trimmed like
 * the rest) with one warning per inbox, not one per entry: a flood must not flood the log too.
 */
import type { Redis } from 'ioredis';
import { decode, encode } from './wire.js';

/** How long a dead process's inbox outlives it, at most. */
export const INBOX_TTL_MS = 60_000;
/** How long handled entries may stay in an inbox before they are trimmed. */
const TRIM_EVERY_MS = 250;

/**
 * Handles one decoded entry, not yet checked: returns what is wrong with it, if it is refused
 * (the entry is then dropped), or undefined.
 */
export type InboxHandler = (entry: unknown) => string | undefined;

export class Inbox {
  #last = '0';
  #closed = false;
  #warned = false;
  /** Resolves when close() is called: the loop must not depend on ioredis rejecting the pending XREAD. */
  readonly #closing: Promise<null>;
  #close!: () => void;
  readonly #done: Promise<void>;
  readonly #refresh: NodeJS.Timeout;
  #trim: NodeJS.Timeout | undefined;

  constructor(
    readonly key: string,
    private readonly reader: Redis,
    private readonly writer: Redis,
    handle: InboxHandler,
    ttl = INBOX_TTL_MS,
  ) {
    this.#closing = new Promise((resolve) => (this.#close = () => resolve(null)));
    this.#done = this.#loop(handle);
    this.#refresh = setInterval(() => void this.#expire(ttl), Math.max(1, Math.floor(ttl / 3)));
    this.#refresh.unref();
  }

  async #loop(handle: InboxHandler): Promise<void> {
    // Every post sets the stream's expiry (below), and the timer refreshes it while we live.
    while (!this.#closed) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        // Raced against close(): ioredis never settles a command queued while it waits to
        // reconnect if disconnect() is called then (it cancels the reconnect), so a close during
        // a Redis outage would otherwise hang here.
        reply = await Promise.race([this.reader.xread('BLOCK', 0, 'STREAMS', this.key, this.#last), this.#closing]);
      } catch {
        // Redis went away: ioredis reconnects; read on from the last id handled.
        if (this.#isClosed()) return;
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), this.#closing]);
        continue;
      }
      if (this.#isClosed()) return;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          this.#last = id;
          const problem = fields[0] === 'e' && typeof fields[1] === 'string' ? this.#handle(handle, fields[1]) : 'an entry has no `e` field';
          if (problem) this.#refused(problem);
        }
      }
      this.#trimSoon();
    }
  }

  #handle(handle: InboxHandler, text: string): string | undefined {
    let entry: unknown;
    try {
      entry = decode(text);
    } catch (error) {
      return `an entry is not base64 of a v8-serialized value (${error instanceof Error ? error.message : String(error)})`;
    }
    return handle(entry);
  }

  #refused(problem: string): void {
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(
      `forkline: the inbox ${this.key} dropped an entry: ${problem}. Later bad entries in it are dropped without a warning. ` +
        'Only forkline hosts and workers of the same version may write to forkline:{queue}:* keys: check what else writes to this Redis.',
      'ForklineWarning',
    );
  }

  /**
   * Handled entries are trimmed (nothing before the last id is needed again) at most every
   * TRIM_EVERY_MS, not after every read: a trim per wake-up was one more command, and one more
   * wake-up for its reply, per entry a busy inbox reads (the bench's round trip paid it twice).
   */
  #trimSoon(): void {
    if (this.#trim) return;
    this.#trim = setTimeout(() => {
      this.#trim = undefined;
      this.writer.xtrim(this.key, 'MINID', this.#last).catch(() => undefined);
    }, TRIM_EVERY_MS);
    this.#trim.unref();
  }

  async #expire(ttl: number): Promise<void> {
    await this.writer.pexpire(this.key, ttl).catch(() => undefined);
  }

  /** Read through a method: the loop's awaits let close() change it. */
  #isClosed(): boolean {
    return this.#closed;
  }

  /** Stops reading (the reader connection is closed by its owner) and deletes the stream. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#refresh);
    clearTimeout(this.#trim);
    this.#close();
    this.reader.disconnect();
    await this.#done;
    // Not awaited past a short while: with Redis gone the DEL would wait for its return; the
    // expiry removes the stream then.
    await Promise.race([this.writer.del(this.key).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200).unref())]);
  }
}

/**
 * Appends one envelope to another process's inbox, and sets its expiry (its reader refreshes it
 * while alive): an inbox a post creates after its process died still leaves Redis. One round
 * trip (a pipeline, not a transaction); plain PEXPIRE, not NX, which needs Redis 7.
 */
export function post(writer: Redis, key: string, entry: unknown): Promise<unknown> {
  return writer.pipeline().xadd(key, '*', 'e', encode(entry)).pexpire(key, INBOX_TTL_MS).exec();
}
