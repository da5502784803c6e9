/**
 * scheduler.warm(): children started before run() or start(), taken by the run that follows;
 * a warm pool nobody runs neither keeps its process alive nor leaks its children; the errors of
 * warming reach whoever awaits it, typed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Scheduler, WorkerCrashedError, WorkerStartError } from 'forkline';
import type * as Barrier from '../fixtures/barrier.ts';
import type * as Math from '../fixtures/math.ts';
import { childPids, eventually, expectNoChildren, fixture, fixtureModule, isAlive, tempDirs } from '../helpers.js';

const math = fixtureModule<typeof Math>('math.ts');
const barrier = fixtureModule<typeof Barrier>('barrier.ts');
const scratch = tempDirs('forkline-warm-');
const sorted = (pids: Iterable<number>) => [...pids].sort((a, b) => a - b);

afterEach(expectNoChildren);

test('run() after warm() runs its calls on the children warm() started, and starts no others', async () => {
  const scheduler = Scheduler.withProcesses(2);
  await scheduler.warm();
  const warm = sorted(childPids());
  expect(warm).toHaveLength(2);

  // Two calls that each wait for the other in another process: both children must take one.
  const meet = scheduler.task(barrier.meet);
  const dir = scratch();
  let atStart: number[] = [];
  const ran: number[] = [];
  scheduler.on('start', () => {
    atStart = sorted(childPids());
    meet.submit(dir, 2, 10_000);
    meet.submit(dir, 2, 10_000);
  });
  meet.on('result', (_future, pid) => void ran.push(pid));
  const exit = await scheduler.run();

  expect(exit.code).toBe('exhausted');
  expect(atStart).toEqual(warm);
  expect(sorted(ran)).toEqual(warm);
});

test('start() after warm() takes the same children, and close() stops them', async () => {
  const scheduler = Scheduler.withProcesses(1);
  await scheduler.warm();
  const [warm] = childPids();
  scheduler.start();
  expect(await scheduler.task(math.pid).call()).toBe(warm);
  expect(childPids()).toEqual([warm]);
  await scheduler.close();
  expect(isAlive(warm as number)).toBe(false);
});

test('warm() is idempotent: one promise while warming, no more children after', async () => {
  const scheduler = Scheduler.withProcesses(2);
  const first = scheduler.warm();
  expect(scheduler.warm()).toBe(first);
  await first;
  const warm = sorted(childPids());
  await scheduler.warm();
  expect(sorted(childPids())).toEqual(warm);
  expect(warm).toHaveLength(2);
  await scheduler.close();
});

test('warm() with nothing run, then close(): the children are reaped and close() resolves with no exit state', async () => {
  const scheduler = Scheduler.withProcesses(2);
  await scheduler.warm();
  const warm = childPids();
  expect(warm).toHaveLength(2);
  expect(await scheduler.close()).toBeUndefined();
  for (const pid of warm) expect(isAlive(pid)).toBe(false);
  expect(childPids()).toEqual([]);
});

test('close() before the children are ready: warm() rejects with WorkerStartError (closed)', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const warming = scheduler.warm();
  await scheduler.close();
  const error: unknown = await warming.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(WorkerStartError);
  expect(error).toMatchObject({ code: 'ERR_WORKER_START', reason: 'closed' });
});

test('children that die at boot: warm() rejects with WorkerStartError naming the fix, the cause the last crash', async () => {
  // Node refuses an unknown flag (it says so on stderr, which the children inherit).
  const scheduler = Scheduler.withProcesses(1, { execArgv: ['--forkline-no-such-flag'] });
  const error: unknown = await scheduler.warm().catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(WorkerStartError);
  const { reason, cause, message } = error as WorkerStartError;
  expect(reason).toBe('crashed');
  expect(message).toMatch(/^scheduler\.warm\(\) failed: 3 child processes in a row exited before they were ready \(the last, pid \d+, exited with code 9\)\. .*`execArgv`/);
  expect(cause).toBeInstanceOf(WorkerCrashedError);
  expect(cause).toMatchObject({ exitCode: 9, task: undefined });
  // A pool only warm stops trying: no child is left starting.
  await eventually(() => childPids().length === 0, 'the failed warm-up to stop');

  // The run that follows tries again, and its calls fail the same way.
  const errors: unknown[] = [];
  const pid = scheduler.task(math.pid);
  pid.on('exception', (_future, caught) => void errors.push(caught));
  scheduler.on('start', () => void pid.submit());
  await scheduler.run({ onException: 'continue' });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(WorkerCrashedError);
});

test('a sequential scheduler warms too (nothing to start ahead), and runs after', async () => {
  const scheduler = Scheduler.withSequential();
  await scheduler.warm();
  scheduler.start();
  expect(await scheduler.task(math.add).call(2, 3)).toBe(5);
  await scheduler.close();
});

describe('a process that warms and never runs', () => {
  const host = (...args: string[]) =>
    promisify(execFile)(process.execPath, [fileURLToPath(fixture('hosts/warm-idle.mjs')), ...args], {
      env: { ...process.env, NODE_OPTIONS: '' },
      encoding: 'utf8',
      // Bounds a hang, no timing: the host would otherwise never exit.
      timeout: 20_000,
    });

  test('exits by itself once warm, with code 0, and its children go with it', async () => {
    const { stdout, stderr } = await host();
    const children = JSON.parse(stdout) as number[];
    expect(children).toHaveLength(2);
    expect(stderr).toBe('');
    await eventually(() => children.every((pid) => !isAlive(pid)), `the warm children ${children.join(', ')} to exit`);
  });

  test('awaiting close() after warm() at top level resolves, the children gone, though nothing else keeps the process alive', async () => {
    // Before, close() waited for the exits of children that no longer kept the host alive: the
    // process ran out of work first and exited with code 13 (an unsettled top-level await).
    const { stdout, stderr } = await host('--close');
    const [pids, closed] = stdout.split('\n');
    const children = JSON.parse(pids ?? '') as number[];
    expect(children).toHaveLength(2);
    expect(closed).toBe('closed');
    expect(stderr).toBe('');
    expect(children.some((pid) => isAlive(pid))).toBe(false);
  });

    test('exits by itself when warm() is never awaited', async () => {
    const { stdout, stderr } = await host('--no-await');
    expect(stdout).toBe('[]\n');
    expect(stderr).toBe('');
  });

  test('whose children cannot start exits with code 0: the failure is the awaiter’s, never an unhandled rejection', async () => {
    const awaited = await host('--bad-flag');
    expect(awaited.stdout.split('\n')[0]).toBe('warm failed: ERR_WORKER_START crashed');
    const ignored = await host('--bad-flag', '--no-await');
    expect(ignored.stdout).toBe('[]\n');
    for (const { stderr } of [awaited, ignored]) expect(stderr).not.toMatch(/Unhandled|UnhandledPromiseRejection|triggerUncaughtException/);
  });
});
