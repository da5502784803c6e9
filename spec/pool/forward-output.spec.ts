/**
 * A pool whose children forward their output over the channel (what a queue worker runs, so that
 * a call's output reaches the host that submitted it): every chunk a call writes reaches its
 * ExecutorCall, in order and before its result, owned by that call and no other.
 */
import type { ExecutorCall } from '../../lib/executor.js';
import type { Outcome } from '../../lib/future.js';
import { childWorkerFactory } from '../../dist/lib/pool/child-worker.js';
import { Pool } from '../../dist/lib/pool/pool.js';
import { NOTHING_INJECTED } from '../../dist/lib/wire/protocol.js';
import { expectNoChildren, fixture } from '../helpers.js';

afterEach(expectNoChildren);

type Report = { fd: 1 | 2; text: string } | { settled: Outcome<unknown> };

/** A call that records what the pool reports, in order. */
class RecordingCall implements ExecutorCall {
  readonly label = undefined;
  executorState: unknown = undefined;
  readonly notify = false;
  readonly reports: Report[] = [];
  readonly settled: Promise<void>;
  #settled!: () => void;
  done = false;
  constructor(
    readonly id: number,
    exportName: string,
    args: unknown[],
  ) {
    this.request = { task: { module: fixture('output.ts').href, export: exportName }, args, inject: NOTHING_INJECTED };
    this.settled = new Promise((resolve) => (this.#settled = resolve));
  }
  readonly request;
  dispatched(): void {}
  started(): void {}
  receiveComm(): void {}
  undeliverable(): void {}
  output(fd: 1 | 2, data: string | Uint8Array): void {
    this.reports.push({ fd, text: typeof data === 'string' ? data : Buffer.from(data).toString('utf8') });
  }
  settle(outcome: Outcome<unknown>): void {
    this.done = true;
    this.reports.push({ settled: outcome });
    this.#settled();
  }
}

function forwardingPool(): Pool {
  const options = { serialization: 'advanced', maxPayloadBytes: 64 * 2 ** 20 } as const;
  return new Pool({
    maxWorkers: 1,
    prefetch: 0,
    errorClasses: new Map(),
    killGracePeriod: 1000,
    maxTasksPerWorker: Infinity,
    idleTimeout: Infinity,
    loadTimeout: 30_000,
    ...options,
    factory: childWorkerFactory({ ...options, execArgv: [], env: process.env, cwd: undefined, prefixOutput: false, stdout: 'stdout', killGracePeriod: 1000, forwardOutput: true }),
  });
}

test("a call's output reaches its call in order, every kind of write, all of it before the result", async () => {
  const pool = forwardingPool();
  pool.start();
  try {
    const big = 300_000;
    const call = new RecordingCall(1, 'everyWrite', [big]);
    pool.submit(call);
    await call.settled;
    const last = call.reports.at(-1);
    expect(last).toEqual({ settled: { state: 'fulfilled', value: 'done' } });
    const written = call.reports.slice(0, -1) as { fd: 1 | 2; text: string }[];
    expect(written.filter((report) => report.fd === 2).map((report) => report.text)).toEqual(['to stderr\n']);
    const stdout = written.filter((report) => report.fd === 1).map((report) => report.text).join('');
    expect(stdout).toBe(`partial\n€\nABC${'x'.repeat(big)}\n`);
    // 300,000 characters in one write crossed in pieces of bounded size.
    expect(written.length).toBeGreaterThan(6);

    // The next call's output is its own.
    const next = new RecordingCall(2, 'oneLine', ['second']);
    pool.submit(next);
    await next.settled;
    expect(next.reports).toEqual([{ fd: 1, text: 'second\n' }, { settled: { state: 'fulfilled', value: undefined } }]);
    expect(call.reports.at(-1)).toBe(last);
  } finally {
    await pool.shutdown({ wait: false, drain: false, reason: 'the spec ended' });
  }
});
