/**
 * Limits and the Limiter on the queue executor (a real Redis, two `forkline worker` processes).
 * Wall time is a host-side timer; CPU time and memory are the child's usage on the worker machine,
 * read through the remote usage probe (lib/queue/usage.ts): the host asks, the worker reads /proc.
 */
import { Comm, CpuTimeLimitError, Limits, MemoryLimitError, WallTimeLimitError } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import { eventually, fixtureModule, isAlive } from '../helpers.js';
import { expectWorkersOnly, queueHarness } from '../helpers/queue.js';
import { limiterSpecs } from '../shared/limiter.js';

const faults = fixtureModule<typeof Faults>('faults.ts');
const harness = queueHarness('limits');
afterEach(() => expectWorkersOnly(harness));

describe('Limits on the queue', () => {
  test('wallTime: a remote call past it fails with WallTimeLimitError, its child on the worker is stopped, and the next call runs', async () => {
    const scheduler = harness.scheduler();
    const hog = scheduler.task(faults.helloThenSpin, { plugins: [Comm.Plugin(), new Limits({ wallTime: 400 })] });
    const pid = scheduler.task(faults.pid);
    const seen: unknown[] = [];
    const childPids: number[] = [];
    const after: number[] = [];
    hog.on('comm-message', (msg) => void childPids.push(msg.data));
    hog.on('limit-walltime', (_future, error) => void seen.push(error));
    hog.on('exception', (_future, error) => {
      seen.push(error);
      pid.submit();
    });
    pid.on('result', (_future, value) => void after.push(value));
    scheduler.on('start', () => void hog.submit(60_000));
    await scheduler.run({ onException: 'continue' });

    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toBeInstanceOf(WallTimeLimitError);
    expect(seen[0]).toMatchObject({ code: 'ERR_WALL_TIME_LIMIT', limit: 400 });
    expect((seen[0] as WallTimeLimitError).used).toBeGreaterThanOrEqual(400);
    expect(hog.eventCounts).toMatchObject({ 'limit-walltime': 1, exception: 1 });
    expect(after).toHaveLength(1);
    // The worker's child spinning for a minute does not outlive the breach.
    expect(childPids).toHaveLength(1);
    await eventually(() => !isAlive(childPids[0]!), `the breached call's child ${childPids[0]} to be stopped`, 10_000);
  });

  test('cpuTime: counted on the worker machine from the call’s start; calls within it return, the one past it fails with CpuTimeLimitError', async () => {
    const scheduler = harness.scheduler();
    const spin = scheduler.task(faults.spin, { plugins: [new Limits({ cpuTime: 300 })] });
    const hog = scheduler.task(faults.helloThenSpin, { plugins: [Comm.Plugin(), new Limits({ cpuTime: 300 })] });
    const results: number[] = [];
    const errors: unknown[] = [];
    const childPids: number[] = [];
    spin.on('result', (_future, value) => void results.push(value));
    hog.on('comm-message', (msg) => void childPids.push(msg.data));
    hog.on('limit-cputime', (_future, error) => void errors.push(error));
    // Two calls of 200 ms on each child (both workers): 400 ms of CPU per child in all, each call within the limit.
    scheduler.on('start', () => {
      for (let i = 0; i < 4; i++) spin.submit(200);
    });
    spin.on('done', () => {
      if (spin.eventCounts.done === 4) hog.submit(10_000);
    });
    await scheduler.run({ onException: 'continue' });

    expect(results).toHaveLength(4);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CpuTimeLimitError);
    expect(errors[0]).toMatchObject({ code: 'ERR_CPU_TIME_LIMIT', limit: 300 });
    expect((errors[0] as CpuTimeLimitError).used).toBeGreaterThan(300);
    expect(hog.eventCounts).toMatchObject({ 'limit-cputime': 1, exception: 1 });
    await eventually(() => !isAlive(childPids[0]!), `the breached call's child ${childPids[0]} to be stopped`, 10_000);
  });

  test('memory: a remote call growing its child past it fails with MemoryLimitError, measured on the worker', async () => {
    const scheduler = harness.scheduler();
    const allocate = scheduler.task(faults.allocate, { plugins: [new Limits({ memory: 200 * 2 ** 20 })] });
    const errors: unknown[] = [];
    allocate.on('exception', (_future, error) => void errors.push(error));
    scheduler.on('start', () => void allocate.submit(400, 5000));
    await scheduler.run({ onException: 'continue' });

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(MemoryLimitError);
    expect((errors[0] as MemoryLimitError).used).toBeGreaterThan(200 * 2 ** 20);
    expect((errors[0] as Error).message).toMatch(/over its memory limit of 200 MiB; its child was stopped/);
    expect(allocate.eventCounts).toEqual({ submitted: 1, 'limit-memory': 1, done: 1, exception: 1 });
  });
});

describe('the Limiter on the queue', () => {
  limiterSpecs(harness.scheduler);
});
