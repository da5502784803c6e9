/**
 * The hand-written baseline: a pool of `child_process.fork` children with one `process.send` per
 * message. What forkline must not be slower than.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exited } from './stats.mjs';

const CHILD = fileURLToPath(new URL('./tasks/raw-child.mjs', import.meta.url));

export class RawPool {
  /** Forks `size` children and resolves once each has said it is ready. */
  static async start(size, serialization) {
    const pool = new RawPool(size, serialization);
    await Promise.all(pool.children.map((child) => new Promise((resolve) => child.once('message', resolve))));
    for (const child of pool.children) child.on('message', (message) => pool.#receive(child, message));
    return pool;
  }

  constructor(size, serialization) {
    this.serialization = serialization;
    this.children = Array.from({ length: size }, () => fork(CHILD, [], { serialization, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    this.#pending = new Map();
    this.#nextId = 0;
  }

  #pending;
  #nextId;
  /** Set while a stream or round trip runs: gets every non-result message. */
  #onOther;

  #receive(child, message) {
    if (message.id !== undefined) {
      const resolve = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      resolve?.(message.value);
      return;
    }
    this.#onOther?.(child, message);
  }

  /** One call on `child`; resolves to its value. */
  call(child, op, fields) {
    const id = ++this.#nextId;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      child.send({ id, op, ...fields });
    });
  }

  /**
   * Runs `n` tiny calls over the pool, keeping `inFlight` sent-and-unanswered per child, with a
   * counter instead of a promise per call (the fastest hand-written loop). Resolves to the ms taken.
   */
  throughput(n, inFlight) {
    return new Promise((resolve) => {
      const started = performance.now();
      let sent = 0;
      let done = 0;
      const listeners = [];
      const finish = () => {
        for (const [child, listener] of listeners) child.off('message', listener);
        resolve(performance.now() - started);
      };
      for (const child of this.children) {
        const listener = (message) => {
          if (message.op !== undefined || message.value === undefined) return;
          done++;
          if (sent < n) child.send({ id: -1 - sent, op: 'noop', arg: sent++ });
          else if (done === n) finish();
        };
        listeners.push([child, listener]);
        child.on('message', listener);
      }
      for (let slot = 0; slot < inFlight; slot++) {
        for (const child of this.children) if (sent < n) child.send({ id: -1 - sent, op: 'noop', arg: sent++ });
      }
    });
  }

  /** Runs `calls` (each `[op, arg]`), one at a time per child, in order; resolves to their values. */
  async map(op, args) {
    const values = new Array(args.length);
    let next = 0;
    await Promise.all(
      this.children.map(async (child) => {
        while (next < args.length) {
          const index = next++;
          values[index] = await this.call(child, op, { arg: args[index] });
        }
      }),
    );
    return values;
  }

  /** The child sends `n` messages of `kind`; resolves to the ms until the host has all of them. */
  async stream(n, kind) {
    const child = this.children[0];
    let received = 0;
    this.#onOther = () => received++;
    const started = performance.now();
    await this.call(child, 'stream', { n, kind });
    const ms = performance.now() - started;
    this.#onOther = undefined;
    if (received !== n) throw new Error(`raw stream: ${received} of ${n} messages`);
    return ms;
  }

  /** `n` request/response round trips timed in the child; resolves to the latencies (ms). */
  async roundtrip(n) {
    const child = this.children[0];
    this.#onOther = (from, message) => {
      if (message.t === 'rq') from.send({ op: 'rs', data: message.i });
    };
    const latencies = await this.call(child, 'roundtrip', { n });
    this.#onOther = undefined;
    return latencies;
  }

  async close() {
    const exits = this.children.map((child) => exited(child));
    for (const child of this.children) child.disconnect();
    await Promise.all(exits);
  }
}
