import { Comm, Scheduler, TaskLoadError, WorkerCrashedError } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import { expectNoChildren, fixtureModule, fixtureRef, isAlive } from '../helpers.js';

const faults = fixtureModule<typeof Faults>('faults.ts');

afterEach(expectNoChildren);

test('a child SIGKILLed mid-call: every message it sent comes first, then WorkerCrashedError; the pool replaces it and the other child is unaffected', async () => {
  const scheduler = Scheduler.withProcesses(2);
  const crash = scheduler.task(faults.crashAfterMessages, { plugins: [Comm.Plugin()] });
  const sleep = scheduler.task(faults.sleep);
  const pid = scheduler.task(faults.pid);
  const order: string[] = [];
  const sequence: number[] = [];
  const errors: unknown[] = [];
  const pids: number[] = [];
  crash.on('comm-message', (msg) => void sequence.push(msg.data));
  crash.on('exception', (_future, error) => {
    order.push(`exception after ${sequence.length} messages`);
    errors.push(error);
    pid.submit();
  });
  sleep.on('result', (_future, value) => void pids.push(value));
  pid.on('result', (_future, value) => void pids.push(value));
  scheduler.on('start', () => {
    sleep.submit(600);
    crash.submit(200);
  });

  await scheduler.run({ onException: 'continue' });

  expect(sequence).toEqual(Array.from({ length: 200 }, (_, index) => index));
  expect(order).toEqual(['exception after 200 messages']);
  const [error] = errors;
  expect(error).toBeInstanceOf(WorkerCrashedError);
  expect(error).toMatchObject({ code: 'ERR_WORKER_CRASHED', signal: 'SIGKILL', exitCode: null, task: { export: 'crashAfterMessages' } });
  const crashed = (error as WorkerCrashedError).pid!;
  expect(isAlive(crashed)).toBe(false);
  // The sleeping call on the other child finished; the next call ran on a replacement.
  expect(pids).toHaveLength(2);
  expect(pids).not.toContain(crashed);
  expect(crash.eventCounts).toEqual({ submitted: 1, 'comm-message': 200, done: 1, exception: 1 });
  expect(sleep.eventCounts).toEqual({ submitted: 1, done: 1, result: 1 });
});

test('process.exit() in a call fails it with WorkerCrashedError carrying the exit code; calls queued behind it run elsewhere', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const exit = scheduler.task(faults.exitWith);
  const pid = scheduler.task(faults.pid);
  const errors: unknown[] = [];
  const pids: number[] = [];
  exit.on('exception', (_future, error) => void errors.push(error));
  pid.on('result', (_future, value) => void pids.push(value));
  scheduler.on('start', () => {
    exit.submit(3);
    pid.submit();
    pid.submit();
  });
  await scheduler.run({ onException: 'continue' });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ name: 'WorkerCrashedError', exitCode: 3, signal: null });
  expect((errors[0] as Error).message).toMatch(/exited with code 3 while running exitWith/);
  expect(pids).toHaveLength(2);
});

test('an error thrown outside the call (a timer) fails that call with the error itself, and the child is replaced', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const timer = scheduler.task(faults.throwFromTimer);
  const pid = scheduler.task(faults.pid);
  const errors: unknown[] = [];
  const pids: number[] = [];
  let firstPid = 0;
  timer.on('exception', (_future, error) => void errors.push(error));
  pid.on('result', (_future, value) => void pids.push(value));
  scheduler.on('start', () => {
    pid.submit();
  });
  pid.on('result', () => {
    if (pids.length === 1) {
      firstPid = pids[0]!;
      timer.submit();
      pid.submit();
    }
  });
  await scheduler.run({ onException: 'continue' });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(RangeError);
  expect((errors[0] as Error).message).toBe('thrown from a timer');
  expect(pids).toHaveLength(2);
  expect(pids[1]).not.toBe(firstPid);
});

test('a module that fails to load fails fast with TaskLoadError, without restarting children in a loop', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const broken = scheduler.task(fixtureRef('broken-import.ts', 'run'));
  const pid = scheduler.task(faults.pid);
  const errors: unknown[] = [];
  const pids: number[] = [];
  broken.on('exception', (_future, error) => void errors.push(error));
  pid.on('result', (_future, value) => void pids.push(value));
  scheduler.on('start', () => {
    pid.submit();
    broken.submit();
    broken.submit();
    pid.submit();
  });
  await scheduler.run({ onException: 'continue' });
  expect(errors).toHaveLength(2);
  for (const error of errors) {
    expect(error).toBeInstanceOf(TaskLoadError);
    expect((error as TaskLoadError).message).toMatch(/Loading task run \(file:\/\/.*broken-import\.ts\) in the child failed: the module could not be imported/);
  }
  // One child did it all.
  expect(new Set(pids).size).toBe(1);
});

test('children that cannot start at all: after three tries the waiting calls fail with WorkerCrashedError, no endless restarts', async () => {
  // Node refuses to start with an unknown flag (it says so on stderr, which the child inherits).
  const scheduler = Scheduler.withProcesses(1, { execArgv: ['--forkline-no-such-flag'] });
  const pid = scheduler.task(faults.pid);
  const errors: unknown[] = [];
  pid.on('exception', (_future, error) => void errors.push(error));
  scheduler.on('start', () => {
    pid.submit();
    pid.submit();
  });
  await scheduler.run({ onException: 'continue' });
  expect(errors).toHaveLength(2);
  for (const error of errors) {
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as WorkerCrashedError).message).toMatch(/exited with code 9 before it was ready/);
  }
});

test('a child killed halfway through writing a frame crashed: WorkerCrashedError with its signal, not a ProtocolError for the cut frame', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const killed = scheduler.task(fixtureRef<() => never>('killed-mid-frame.ts', 'killedMidFrame'));
  const errors: unknown[] = [];
  killed.on('exception', (_future, error) => void errors.push(error));
  scheduler.on('start', () => void killed.submit());
  await scheduler.run({ onException: 'continue' });

  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(WorkerCrashedError);
  expect(errors[0]).toMatchObject({ signal: 'SIGKILL', exitCode: null, task: { export: 'killedMidFrame' } });
  expect(killed.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
});
