/**
 * The forkline side of the benchmarks: tasks the host names by module URL and export.
 */
import { nth, payload } from './payloads.mjs';
import { burn } from './work.mjs';

/** A tiny task: returns its argument. */
export function noop(x) {
  return x;
}

/** CPU-bound: `iterations` rounds of xorshift. */
export function work(iterations) {
  return burn(iterations);
}

/** Sends `n` messages of `kind` to the host, awaiting each send as docs/comm.md shows. */
export async function stream(n, kind, { comm }) {
  const data = payload(kind);
  await comm.open(async () => {
    for (let i = 0; i < n; i++) await comm.send(nth(data, i));
  });
  return n;
}

/** Asks the host `n` times in a row; returns each request's latency in ms, timed here. */
export async function roundtrip(n, { comm }) {
  const latencies = new Array(n);
  await comm.open(async () => {
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await comm.request(i);
      latencies[i] = performance.now() - started;
    }
  });
  return latencies;
}

/** As `stream`, but awaiting only every 256th send (for scripts/bench/frames.mjs). */
export async function streamUnawaited(n, kind, { comm }) {
  const data = payload(kind);
  await comm.open(async () => {
    let sent;
    for (let i = 0; i < n; i++) {
      sent = comm.send(nth(data, i));
      if (i % 256 === 255) await sent;
    }
    await sent;
  });
  return n;
}

/** Keeps its child busy until the host answers its one request (scripts/bench/memory-queue.mjs). */
export async function hold({ comm }) {
  await comm.open(() => comm.request('hold'));
  return true;
}
