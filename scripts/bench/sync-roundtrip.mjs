/**
 * An experiment for issue 15, not a bench case: would a child that waits for its answer in a
 * blocking read beat Node's channel? Two raw pairs, side by side in the same run:
 * - `ipc`: `child_process.fork` with 'json', the child sends `{ t: 'rq', i }` with process.send and
 *   awaits the host's reply on its event loop (raw-pool.mjs and tasks/raw-child.mjs, as the
 *   roundtrip case's baseline);
 * - `sync`: the child writes its request with fs.writeSync to a pipe of its own (fd 4) and blocks
 *   in fs.readSync on another (fd 5) until the answer is there (tasks/sync-child.mjs); the host
 *   reads and writes its ends as streams, as forkline's host does.
 * Both answer with the request's own data. Latency is timed in the child around each request;
 * CPU per round trip is the host's process.cpuUsage and the child's /proc/<pid>/stat.
 *
 * `node scripts/bench/sync-roundtrip.mjs [--runs R] [--requests N]`: R rounds (default 5), each
 * one run of N requests (default 2,000) per pair unpinned, then one pinned (host on CPU 0, children
 * on CPU 1, with taskset, as roundtrip.mjs pins), the pairs taking turns. Prints median, p99 and
 * max over all the runs of a placement, the range of the per-run medians, and CPU per side.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RawPool } from './raw-pool.mjs';
import { affinity, exited, median, percentile, pin } from './stats.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const RUNS = option('--runs', 5);
const REQUESTS = option('--requests', 2000);
const SYNC_CHILD = fileURLToPath(new URL('./tasks/sync-child.mjs', import.meta.url));

/** The sync pair's host end: length-prefixed JSON frames on the child's fds 4 (in) and 5 (out). */
class SyncPair {
  static async start() {
    const pair = new SyncPair();
    await new Promise((resolve) => (pair.#onResult = resolve));
    return pair;
  }

  constructor() {
    this.child = spawn(process.execPath, [SYNC_CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid;
    this.#out = this.child.stdio[5];
    this.child.stdio[4].on('data', (chunk) => this.#read(chunk));
  }

  #out;
  #pending = Buffer.alloc(0);
  #onResult;

  #read(chunk) {
    let bytes = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (bytes.length >= 4) {
      const end = 4 + bytes.readUInt32LE(0);
      if (bytes.length < end) break;
      const message = JSON.parse(bytes.toString('utf8', 4, end));
      bytes = bytes.subarray(end);
      if (message.t === 'rq') this.#send({ data: message.i });
      else this.#onResult(message.value);
    }
    this.#pending = bytes;
  }

  #send(message) {
    const text = JSON.stringify(message);
    const bytes = Buffer.allocUnsafe(4 + Buffer.byteLength(text));
    bytes.writeUInt32LE(bytes.length - 4, 0);
    bytes.write(text, 4);
    this.#out.write(bytes);
  }

  roundtrip(n) {
    return new Promise((resolve) => {
      this.#onResult = resolve;
      this.#send({ id: 1, n });
    });
  }

  async close() {
    const exit = exited(this.child);
    this.#out.end();
    await exit;
  }
}

/** A child's CPU so far, in µs (utime + stime of all its threads; 10 ms ticks). */
function childCpu(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 1e4;
}

function hostCpu() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

const ipc = await RawPool.start(1, 'json');
const sync = await SyncPair.start();
const pairs = {
  ipc: { pid: ipc.children[0].pid, run: (n) => ipc.roundtrip(n) },
  sync: { pid: sync.pid, run: (n) => sync.roundtrip(n) },
};
const placements = ['unpinned', ...(availableParallelism() >= 2 && affinity(process.pid) !== undefined ? ['pinned'] : [])];
const original = affinity(process.pid);
const runs = Object.fromEntries(placements.map((placement) => [placement, Object.fromEntries(Object.keys(pairs).map((name) => [name, []]))]));
const cpu = Object.fromEntries(placements.map((placement) => [placement, Object.fromEntries(Object.keys(pairs).map((name) => [name, []]))]));
try {
  for (const { run } of Object.values(pairs)) await run(REQUESTS / 4);
  for (let round = 0; round < RUNS; round++) {
    for (const placement of placements) {
      const pinned = placement === 'pinned';
      if (pinned) {
        pin(process.pid, '0');
        for (const { pid } of Object.values(pairs)) pin(pid, '1');
      }
      const names = round % 2 === 0 ? Object.keys(pairs) : Object.keys(pairs).reverse();
      for (const name of names) {
        const { pid, run } = pairs[name];
        const host = hostCpu();
        const child = childCpu(pid);
        runs[placement][name].push(await run(REQUESTS));
        cpu[placement][name].push([(hostCpu() - host) / REQUESTS, (childCpu(pid) - child) / REQUESTS]);
      }
      if (pinned) for (const pid of [process.pid, ...Object.values(pairs).map((pair) => pair.pid)]) pin(pid, original);
    }
  }
} finally {
  if (original !== undefined) for (const pid of [process.pid, ...Object.values(pairs).map((pair) => pair.pid)]) pin(pid, original);
  await Promise.all([ipc.close(), sync.close()]);
}

const us = (ms) => (ms * 1000).toFixed(0);
console.log(`${RUNS} runs × ${REQUESTS.toLocaleString('en')} requests a pair and placement; latency in µs, timed in the child; CPU µs per round trip`);
console.log(['placement', 'pair', 'p50', 'p99', 'max', 'p50 per run', 'CPU host', 'CPU child'].map((cell) => cell.padEnd(12)).join(''));
for (const placement of placements) {
  for (const name of Object.keys(pairs)) {
    const all = runs[placement][name].flat();
    const perRun = runs[placement][name].map((values) => median(values) * 1000);
    const [host, child] = [0, 1].map((side) => median(cpu[placement][name].map((each) => each[side])).toFixed(1));
    const cells = [placement, name, us(median(all)), us(percentile(all, 99)), us(Math.max(...all)), `${Math.min(...perRun).toFixed(0)}–${Math.max(...perRun).toFixed(0)}`, host, child];
    console.log(cells.map((cell) => String(cell).padEnd(12)).join(''));
  }
  const ratio = median(runs[placement].sync.flat()) / median(runs[placement].ipc.flat());
  console.log(`${placement}: sync p50 / ipc p50 = ${ratio.toFixed(2)}`);
}
