/**
 * The pool's scheduling over a fake WorkerFactory: no process, so each rule (which worker takes a
 * call, how many it holds, what a crash, a cancel, a shutdown or a bad frame does to the calls)
 * is checked alone, in milliseconds. The end-to-end specs (spec/pool, spec/faults) run the same
 * rules over real children.
 */
import { CancelledError, ProtocolError, WorkerCrashedError, WorkerStartError } from '../../../lib/errors/index.js';
import type { ExecutorCall } from '../../../lib/executor.js';
import type { Outcome } from '../../../lib/future.js';
import { NOTHING_INJECTED } from '../../../lib/plugin.js';
import { Pool, type PoolOptions } from '../../../lib/pool/pool.js';
import type { WorkerExit, WorkerFactory, WorkerHandle, WorkerListener } from '../../../lib/pool/worker-handle.js';
import type { HostEnvelope } from '../../../lib/wire/protocol.js';

/** A worker that records what the pool sends it; the test speaks for its child. */
class FakeWorker implements WorkerHandle {
  readonly pid: number;
  readonly sent: HostEnvelope[] = [];
  closed = false;
  killed = false;
  #exited = false;
  constructor(readonly listener: WorkerListener, pid: number) {
    this.pid = pid;
  }
  send(envelope: HostEnvelope): void {
    this.sent.push(envelope);
  }
  close(): void {
    this.closed = true;
    setImmediate(() => this.exit({ exitCode: 0, signal: null }));
  }
  kill(): void {
    this.killed = true;
    setImmediate(() => this.exit({ exitCode: null, signal: 'SIGTERM' }));
  }
  /** What the pool said of keeping the host alive, in order. */
  readonly kept: boolean[] = [];
  keepAlive(on: boolean): void {
    this.kept.push(on);
  }
  /** Ids of the calls it was told to run, in order. */
  get runs(): number[] {
    return this.sent.flatMap((envelope) => (envelope.t === 'run' ? [envelope.id] : []));
  }
  frame(...envelopes: unknown[]): void {
    this.listener.frame(envelopes);
  }
  ready(): void {
    this.frame({ t: 'ready', pid: this.pid });
  }
  result(id: number, value: unknown = id): void {
    this.frame({ t: 'result', id, value });
  }
  exit(exit: WorkerExit): void {
    if (this.#exited) return;
    this.#exited = true;
    this.listener.exit(exit);
  }
}

class FakeCall implements ExecutorCall {
  readonly request = { task: { module: 'file:///tasks.js', export: 'work' }, args: [], inject: NOTHING_INJECTED };
  readonly label = undefined;
  readonly notify = false;
  executorState: unknown = undefined;
  outcome: Outcome<unknown> | undefined;
  dispatches = 0;
  constructor(readonly id: number) {}
  get done(): boolean {
    return this.outcome !== undefined;
  }
  dispatched(): void {
    this.dispatches++;
  }
  started(): void {}
  output(): void {}
  receiveComm(): void {}
  undeliverable(): void {}
  settle(outcome: Outcome<unknown>): void {
    this.outcome ??= outcome;
  }
}

let workers: FakeWorker[];
let nextId: number;

function pool(options: Partial<PoolOptions> = {}, start = true): Pool {
  const factory: WorkerFactory = (listener) => {
    const worker = new FakeWorker(listener, 1000 + workers.length);
    workers.push(worker);
    return worker;
  };
  const made = new Pool({
    maxWorkers: 1,
    prefetch: 0,
    factory,
    errorClasses: new Map(),
    killGracePeriod: 5,
    maxTasksPerWorker: Infinity,
    idleTimeout: Infinity,
    serialization: 'json',
    loadTimeout: Infinity,
    ...options,
  });
  if (start) made.start();
  return made;
}

function submit(into: Pool): FakeCall {
  const call = new FakeCall(nextId++);
  into.submit(call);
  return call;
}

/** Lets the pool's deferred refill (a microtask after each settle) and fake exits run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One call that takes no time at all, so the worker counts as having short calls. The clock
 * stands still meanwhile: on a loaded machine even a synchronous call can be preempted past
 * SHORT_CALL_MS (2 ms), and the pool would then rightly not send calls ahead.
 */
async function warm(into: Pool, worker: FakeWorker): Promise<void> {
  const now = performance.now();
  Object.defineProperty(performance, 'now', { value: () => now, configurable: true });
  try {
    const call = submit(into);
    worker.result(call.id);
  } finally {
    delete (performance as { now?: unknown }).now;
  }
  await turn();
}

beforeEach(() => {
  workers = [];
  nextId = 1;
});

describe('dispatch', () => {
  test('calls wait until a worker is ready, then go to the least loaded; one each while the pace is unknown', () => {
    const p = pool({ maxWorkers: 2, prefetch: 2 });
    const [a, b, c] = [submit(p), submit(p), submit(p)];
    expect(workers).toHaveLength(2);
    expect(a.dispatches).toBe(0);
    workers[0]!.ready();
    workers[1]!.ready();
    expect(workers[0]!.runs).toEqual([a.id]);
    expect(workers[1]!.runs).toEqual([b.id]);
    expect(c.dispatches).toBe(0);
    // Each worker is told what task number 0 is before its first run of it.
    expect(workers[0]!.sent[0]).toEqual({ t: 'define', ref: 0, task: a.request.task });
    workers[0]!.result(a.id);
    expect(a.outcome).toEqual({ state: 'fulfilled', value: a.id });
  });

  test('a worker with short calls holds 1 + prefetch, and is refilled once down to half', async () => {
    const p = pool({ prefetch: 2 });
    const worker = workers[0]!;
    worker.ready();
    await warm(p, worker);
    const [b, c, d, e] = [submit(p), submit(p), submit(p), submit(p)];
    // One at a time: it takes the second while it holds one (1 is half its room of 3), not the third.
    expect(worker.runs.slice(1)).toEqual([b.id, c.id]);
    expect(d.dispatches).toBe(0);
    worker.result(b.id);
    await turn();
    expect(worker.runs.slice(1)).toEqual([b.id, c.id, d.id, e.id]);
    expect(worker.sent.filter((envelope) => envelope.t === 'define')).toHaveLength(1);
  });

  test('a worker holds about 4 ms of work ahead at its pace, within prefetch', async () => {
    // The pool's clock, moved by the test alone: a loaded machine's would change the pace.
    let now = 0;
    Object.defineProperty(performance, 'now', { value: () => now, configurable: true });
    try {
      const heldAt = async (ms: number) => {
        const p = pool({ prefetch: 16 });
        const worker = workers.at(-1)!;
        worker.ready();
        const first = submit(p);
        now += ms;
        worker.result(first.id);
        await turn();
        const calls = Array.from({ length: 30 }, () => submit(p));
        // Half its room taken one by one; then an answer, and it is refilled to the brim.
        now += ms;
        worker.result(calls[0]!.id);
        await turn();
        // Sent and not answered: the running call and those ahead of it.
        return worker.runs.length - 2;
      };
      // 1 ms a call: 4 ahead of the running one; 1.5 ms: 3 (4 ms in whole calls); 0.01 ms: all 16.
      expect(await heldAt(1)).toBe(5);
      expect(await heldAt(1.5)).toBe(4);
      expect(await heldAt(0.01)).toBe(17);
    } finally {
      delete (performance as { now?: unknown }).now;
    }
  });

  test('maxTasksPerWorker retires a worker after that many calls, and a new one takes the next', async () => {
    const p = pool({ maxTasksPerWorker: 1 });
    workers[0]!.ready();
    const a = submit(p);
    const b = submit(p);
    workers[0]!.result(a.id);
    await turn();
    expect(workers[0]!.closed).toBe(true);
    await turn();
    expect(workers).toHaveLength(2);
    workers[1]!.ready();
    expect(workers[1]!.runs).toEqual([b.id]);
  });
});

describe('a crash', () => {
  test('fails the call the child ran; the calls it held ahead never started and run on a new worker', async () => {
    const p = pool({ prefetch: 2 });
    const worker = workers[0]!;
    worker.ready();
    await warm(p, worker);
    const [b, c] = [submit(p), submit(p)];
    expect(worker.runs.slice(1)).toEqual([b.id, c.id]);
    worker.exit({ exitCode: 1, signal: null });
    expect(b.outcome?.state).toBe('rejected');
    expect((b.outcome as { error: unknown }).error).toBeInstanceOf(WorkerCrashedError);
    expect(c.outcome).toBeUndefined();
    expect(workers).toHaveLength(2);
    workers[1]!.ready();
    expect(workers[1]!.runs).toEqual([c.id]);
  });

  test('workers that die before they are ready three times in a row fail the waiting calls instead of looping', () => {
    const p = pool();
    const a = submit(p);
    for (let i = 0; i < 3; i++) workers[i]!.exit({ exitCode: 9, signal: null });
    expect(workers).toHaveLength(3);
    expect(a.outcome?.state).toBe('rejected');
    expect((a.outcome as { error: unknown }).error).toBeInstanceOf(WorkerCrashedError);
  });
});

describe('cancel', () => {
  const cancelled = (call: FakeCall) => (call.outcome as { error: unknown } | undefined)?.error;

  test('a queued call is dropped from the line and never sent', () => {
    const p = pool();
    workers[0]!.ready();
    const a = submit(p);
    const b = submit(p);
    p.cancel(b, new CancelledError(b.request.task, 'test'));
    expect(cancelled(b)).toBeInstanceOf(CancelledError);
    workers[0]!.result(a.id);
    expect(workers[0]!.runs).toEqual([a.id]);
  });

  test('a call sent ahead is settled at once and dropped in the child; the worker is not stopped', async () => {
    const p = pool({ prefetch: 2 });
    const worker = workers[0]!;
    worker.ready();
    await warm(p, worker);
    const [b, c] = [submit(p), submit(p)];
    const error = new CancelledError(c.request.task, 'test');
    p.cancel(c, error);
    expect(cancelled(c)).toBe(error);
    expect(worker.sent.at(-1)).toEqual({ t: 'cancel', id: c.id, reason: error.message });
    await sleep(20);
    expect(worker.killed).toBe(false);
    worker.result(b.id);
    worker.frame({ t: 'dropped', id: c.id });
    expect(b.outcome?.state).toBe('fulfilled');
    expect(worker.killed).toBe(false);
  });

  test('the running call gets the grace period to return, then its worker is stopped and replaced', async () => {
    const p = pool();
    workers[0]!.ready();
    const a = submit(p);
    p.cancel(a, new CancelledError(a.request.task, 'test'));
    expect(cancelled(a)).toBeInstanceOf(CancelledError);
    expect(workers[0]!.killed).toBe(false);
    await sleep(30);
    expect(workers[0]!.killed).toBe(true);
    await turn();
    expect(workers).toHaveLength(2);
  });

  test('a running call that returns within the grace period keeps its worker', async () => {
    const p = pool({ killGracePeriod: 30 });
    workers[0]!.ready();
    const a = submit(p);
    p.cancel(a, new CancelledError(a.request.task, 'test'));
    workers[0]!.result(a.id);
    await sleep(50);
    expect(workers[0]!.killed).toBe(false);
    expect(a.outcome?.state).toBe('cancelled');
  });
});

describe('shutdown', () => {
  test('wait + drain runs the queued calls, then closes the workers, and resolves once they exited', async () => {
    const p = pool();
    workers[0]!.ready();
    const [a, b] = [submit(p), submit(p)];
    let resolved = false;
    const done = p.shutdown({ wait: true, drain: true, reason: 'test' }).then(() => (resolved = true));
    workers[0]!.result(a.id);
    await turn();
    expect(workers[0]!.runs).toEqual([a.id, b.id]);
    expect(workers[0]!.closed).toBe(false);
    workers[0]!.result(b.id);
    await done;
    expect(resolved).toBe(true);
    expect(workers[0]!.closed).toBe(true);
    expect(b.outcome?.state).toBe('fulfilled');
  });

  test('wait without drain cancels the queued calls at once and lets the running one finish', async () => {
    const p = pool();
    workers[0]!.ready();
    const [a, b] = [submit(p), submit(p)];
    const done = p.shutdown({ wait: true, drain: false, reason: 'stopping' });
    expect(b.outcome?.state).toBe('cancelled');
    expect(a.outcome).toBeUndefined();
    workers[0]!.result(a.id);
    await done;
    expect(a.outcome?.state).toBe('fulfilled');
    expect(workers[0]!.runs).toEqual([a.id]);
  });

  test('a second shutdown without wait cancels the running call and kills its worker; the first promise resolves', async () => {
    const p = pool();
    workers[0]!.ready();
    const a = submit(p);
    const first = p.shutdown({ wait: true, drain: true, reason: 'stopping' });
    const second = p.shutdown({ wait: false, drain: false, reason: 'killed' });
    expect(second).toBe(first);
    expect(a.outcome?.state).toBe('cancelled');
    await first;
    expect(workers[0]!.killed).toBe(true);
  });
});

describe('a protocol violation', () => {
  test("fails the worker's call with a ProtocolError, reads nothing more from it, and replaces it", async () => {
    const p = pool();
    workers[0]!.ready();
    const a = submit(p);
    const b = submit(p);
    workers[0]!.listener.frame([{ t: 'bogus' }, { t: 'result', id: a.id, value: 1 }]);
    expect(a.outcome?.state).toBe('rejected');
    expect((a.outcome as { error: unknown }).error).toBeInstanceOf(ProtocolError);
    expect(workers[0]!.killed).toBe(true);
    workers[0]!.result(b.id);
    expect(b.outcome).toBeUndefined();
    await turn();
    expect(workers).toHaveLength(2);
    workers[1]!.ready();
    expect(workers[1]!.runs).toEqual([b.id]);
  });

  test('a child that answers a call other than the one it runs breaks the protocol', async () => {
    const p = pool({ prefetch: 2 });
    const worker = workers[0]!;
    worker.ready();
    await warm(p, worker);
    const [b, c] = [submit(p), submit(p)];
    worker.result(c.id);
    expect(c.outcome).toBeUndefined();
    expect((b.outcome as { error: unknown }).error).toBeInstanceOf(ProtocolError);
    expect(worker.killed).toBe(true);
  });
});

describe('warm()', () => {
  test('starts every worker, resolves once all are ready, and lets go of the host for each ready one; start() takes them back', async () => {
    const warmed = pool({ maxWorkers: 2 }, false);
    let ready = false;
    const warming = warmed.warm().then(() => (ready = true));
    expect(workers).toHaveLength(2);
    workers[0]?.ready();
    await turn();
    expect(ready).toBe(false);
    expect(workers.map((worker) => worker.kept)).toEqual([[false], []]);
    workers[1]?.ready();
    await warming;
    expect(workers.map((worker) => worker.kept)).toEqual([[false], [false]]);

    warmed.start();
    expect(workers).toHaveLength(2);
    expect(workers.map((worker) => worker.kept)).toEqual([[false, true], [false, true]]);
    const call = submit(warmed);
    expect(workers[0]?.runs).toEqual([call.id]);
  });

  test('during a run it only waits for readiness: the workers keep the host alive', async () => {
    const running = pool({ maxWorkers: 1 });
    const warming = running.warm();
    workers[0]?.ready();
    await warming;
    expect(workers).toHaveLength(1);
    expect(workers[0]?.kept).toEqual([]);
  });

  test('workers that keep dying at boot: it rejects with WorkerStartError, and a pool only warm stops trying', async () => {
    const warmed = pool({ maxWorkers: 1 }, false);
    const warming = warmed.warm();
    for (let attempt = 0; attempt < 3; attempt++) {
      workers[attempt]?.exit({ exitCode: 9, signal: null });
      await turn();
    }
    const error: unknown = await warming.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error).toMatchObject({ reason: 'crashed', cause: { exitCode: 9, pid: 1002 } });
    expect(workers).toHaveLength(3);
    // The next warm() tries again.
    void warmed.warm().catch(() => undefined);
    expect(workers).toHaveLength(4);
  });

  test('a shutdown before the workers are ready rejects it with WorkerStartError (closed)', async () => {
    const warmed = pool({ maxWorkers: 1 }, false);
    const warming = warmed.warm();
    await warmed.shutdown({ wait: true, drain: true, reason: 'closed' });
    await expect(warming).rejects.toMatchObject({ code: 'ERR_WORKER_START', reason: 'closed' });
    expect(workers[0]?.closed).toBe(true);
  });
});
