import { CpuTimeLimitError, InvalidOptionError, Limits, MemoryLimitError, Scheduler, WallTimeLimitError } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import { expectNoChildren, fixtureModule, isAlive } from '../helpers.js';

const faults = fixtureModule<typeof Faults>('faults.ts');

afterEach(expectNoChildren);

describe('Limits', () => {
  test('wallTime: a call running past it fails with WallTimeLimitError, limit-walltime fires, and its child is replaced', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const sleep = scheduler.task(faults.sleep, { plugins: [new Limits({ wallTime: 300 })] });
    const pid = scheduler.task(faults.pid);
    const seen: unknown[] = [];
    const pids: number[] = [];
    sleep.on('limit-walltime', (_future, error) => void seen.push(error));
    sleep.on('exception', (_future, error) => {
      seen.push(error);
      pid.submit();
    });
    sleep.on('result', (_future, value) => void pids.push(value));
    pid.on('result', (_future, value) => void pids.push(value));
    scheduler.on('start', () => {
      sleep.submit(50);
      sleep.submit(60_000);
    });
    const started = Date.now();
    await scheduler.run({ onException: 'continue' });

    // Far below the minute the call would sleep, and far above what a loaded machine takes
    // (7 s at load 22 on two cores, where a bound of 5 s failed).
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    const error = seen[0] as WallTimeLimitError;
    expect(error).toBeInstanceOf(WallTimeLimitError);
    expect(error).toMatchObject({ code: 'ERR_WALL_TIME_LIMIT', limit: 300 });
    expect(error.used).toBeGreaterThanOrEqual(300);
    expect(error.message).toMatch(/^Task sleep \(.*faults\.ts\) ran \d+ ms, over its wall-time limit of 300 ms; its child was stopped\./);
    expect(sleep.eventCounts).toEqual({ submitted: 2, done: 2, result: 1, 'limit-walltime': 1, exception: 1 });
    // The call within its limit ran on the first child; the one after the breach on a new one.
    expect(pids).toHaveLength(2);
    expect(pids[1]).not.toBe(pids[0]);
    expect(isAlive(pids[0]!)).toBe(false);
  });

  test('cpuTime: a call burning CPU past it fails with CpuTimeLimitError (counted from the call’s start)', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const spin = scheduler.task(faults.spin, { plugins: [new Limits({ cpuTime: 400 })] });
    const errors: unknown[] = [];
    const results: number[] = [];
    spin.on('limit-cputime', (_future, error) => void errors.push(error));
    spin.on('result', (_future, value) => void results.push(value));
    // Three calls of 250 ms on one child: 750 ms of CPU in all, each within the limit.
    scheduler.on('start', () => {
      for (let i = 0; i < 3; i++) spin.submit(250);
      spin.submit(10_000);
    });
    await scheduler.run({ onException: 'continue' });
    expect(results).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CpuTimeLimitError);
    expect(errors[0]).toMatchObject({ code: 'ERR_CPU_TIME_LIMIT', limit: 400 });
    expect(spin.eventCounts).toMatchObject({ 'limit-cputime': 1, exception: 1, result: 3 });
  });

  test('memory: a call growing its child past it fails with MemoryLimitError', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const allocate = scheduler.task(faults.allocate, { plugins: [new Limits({ memory: 200 * 2 ** 20 })] });
    const errors: unknown[] = [];
    allocate.on('exception', (_future, error) => void errors.push(error));
    scheduler.on('start', () => {
      allocate.submit(400, 5000);
    });
    await scheduler.run({ onException: 'continue' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(MemoryLimitError);
    expect((errors[0] as MemoryLimitError).used).toBeGreaterThan(200 * 2 ** 20);
    expect((errors[0] as Error).message).toMatch(/over its memory limit of 200 MiB; its child was stopped/);
    expect(allocate.eventCounts).toEqual({ submitted: 1, 'limit-memory': 1, done: 1, exception: 1 });
  });

  test('bad limits are refused with the expected and the actual value', () => {
    expect(() => new Limits({ wallTime: 0 })).toThrow(InvalidOptionError);
    expect(() => new Limits({ wallTime: 0 })).toThrow('Expected `wallTime` to be a number of milliseconds > 0 and <= 2147483647 (2^31-1), got `0` (number).');
    expect(() => new Limits({})).toThrow('Expected `Limits options` to be at least one of wallTime, cpuTime, memory, got `{}` (object).');
  });
});

describe('recycling children', () => {
  test('maxTasksPerWorker replaces a child after that many calls', async () => {
    const scheduler = Scheduler.withProcesses(1, { maxTasksPerWorker: 2 });
    const pid = scheduler.task(faults.pid);
    const pids: number[] = [];
    pid.on('result', (_future, value) => void pids.push(value));
    scheduler.on('start', () => {
      for (let i = 0; i < 5; i++) pid.submit();
    });
    await scheduler.run();
    expect(pids).toHaveLength(5);
    expect(pids[0]).toBe(pids[1]);
    expect(pids[2]).toBe(pids[3]);
    expect(new Set(pids).size).toBe(3);
  });

  test('idleTimeout closes an idle child; the next call starts a new one', async () => {
    const scheduler = Scheduler.withProcesses(1, { idleTimeout: 100 });
    const pid = scheduler.task(faults.pid);
    const pids: number[] = [];
    let idleChildAlive: boolean | undefined;
    pid.on('result', (_future, value) => void pids.push(value));
    scheduler.on('start', () => void pid.submit());
    pid.on('result', () => {
      if (pids.length > 1) {
        scheduler.stop();
        return;
      }
      scheduler.callLater(600, () => {
        idleChildAlive = isAlive(pids[0]!);
        pid.submit();
      });
    });
    // stop() ends the run; the timeout only guards against a hang (3 s was too short for a child's
    // start and 600 ms of idling on a machine at load 20).
    await scheduler.run({ endOnEmpty: false, timeout: 15_000 });
    expect(idleChildAlive).toBe(false);
    expect(pids).toHaveLength(2);
    expect(pids[1]).not.toBe(pids[0]);
  });
});
