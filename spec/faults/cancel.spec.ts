import { getEventListeners } from 'node:events';
import { CancelledError, Scheduler } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import { eventually, expectNoChildren, fixtureModule, isAlive } from '../helpers.js';

const faults = fixtureModule<typeof Faults>('faults.ts');

afterEach(expectNoChildren);

test('cancelling a queued call dequeues it: it never runs, and only cancelled is emitted for it', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const sleep = scheduler.task(faults.sleep);
  const order: string[] = [];
  sleep.on('result', (future) => void order.push(`result ${future.id}`));
  sleep.on('cancelled', (future, error) => void order.push(`cancelled ${future.id} ${(error as Error).name}`));
  let ids: number[] = [];
  scheduler.on('start', () => {
    const running = sleep.submit(200);
    const queued = sleep.submit(200);
    ids = [running.id, queued.id];
    expect(queued.cancel('changed my mind')).toBe(true);
    expect(queued.cancel()).toBe(false);
    expect(queued.state).toBe('cancelled');
  });
  await scheduler.run({ onCancelled: 'continue' });
  expect(order).toEqual([`cancelled ${ids[1]} CancelledError`, `result ${ids[0]}`]);
  expect(sleep.eventCounts).toEqual({ submitted: 2, cancelled: 1, done: 1, result: 1 });
  expect(scheduler.eventCounts['future-cancelled']).toBe(1);
});

test('an AbortSignal cancels: aborted before submit, the call is cancelled at once; aborted later, it is dropped', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const sleep = scheduler.task(faults.sleep);
  const reasons: string[] = [];
  sleep.on('cancelled', (_future, error) => void reasons.push((error as Error).message));
  scheduler.on('start', () => {
    sleep.submit(100);
    sleep.submitWith({ signal: AbortSignal.abort(new Error('aborted early')) }, 100);
    const controller = new AbortController();
    sleep.submitWith({ signal: controller.signal }, 100);
    controller.abort();
  });
  await scheduler.run({ onCancelled: 'continue' });
  expect(reasons).toEqual([expect.stringContaining('aborted early') as unknown, expect.stringContaining('its AbortSignal was aborted') as unknown]);
  expect(sleep.eventCounts).toEqual({ submitted: 3, cancelled: 2, done: 1, result: 1 });
});

test('one AbortSignal for a whole batch: one listener on it while calls wait, none once they settled, and an abort cancels those left', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const sleep = scheduler.task(faults.sleep);
  const batch = new AbortController();
  const unused = new AbortController();
  const listeners: number[] = [];
  let results = 0;
  let cancelled = 0;
  sleep.on('result', () => {
    if (++results === 5) batch.abort();
  });
  sleep.on('cancelled', () => {
    cancelled++;
  });
  scheduler.on('start', () => {
    // Fifty calls on one signal: a listener each made Node warn from the eleventh on (a warning fails this spec).
    for (let index = 0; index < 50; index++) sleep.submitWith({ signal: batch.signal }, 20);
    for (let index = 0; index < 3; index++) sleep.submitWith({ signal: unused.signal }, 1);
    listeners.push(getEventListeners(batch.signal, 'abort').length, getEventListeners(unused.signal, 'abort').length);
  });
  await scheduler.run({ onCancelled: 'continue' });

  expect(listeners).toEqual([1, 1]);
  expect(results).toBeGreaterThanOrEqual(5);
  expect(results + cancelled).toBe(53);
  expect(cancelled).toBeGreaterThan(30);
  // Settled: nothing of forkline's is left on either signal.
  expect(getEventListeners(batch.signal, 'abort')).toHaveLength(0);
  expect(getEventListeners(unused.signal, 'abort')).toHaveLength(0);
});

test('cancelling a running call that ignores SIGTERM: settled at once, its child SIGKILLed after the grace periods and replaced', async () => {
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 200 });
  const stubborn = scheduler.task(faults.stubborn);
  const pid = scheduler.task(faults.pid);
  const pids: number[] = [];
  const errors: unknown[] = [];
  let stubbornPid = 0;
  pid.on('result', (_future, value) => void pids.push(value));
  stubborn.on('cancelled', (_future, error) => void errors.push(error));
  scheduler.on('start', () => void pid.submit());
  pid.on('result', () => {
    if (pids.length !== 1) return;
    stubbornPid = pids[0]!;
    const future = stubborn.submit();
    scheduler.callLater(300, () => {
      // Submitted first: once the cancelled call settles, nothing else would keep the run going.
      pid.submit();
      future.cancel('taking too long');
    });
  });
  await scheduler.run({ onCancelled: 'continue' });

  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(CancelledError);
  expect(pids).toHaveLength(2);
  expect(pids[1]).not.toBe(stubbornPid);
  await eventually(() => !isAlive(stubbornPid), 'the stubborn child to be killed');
  expect(stubborn.eventCounts).toEqual({ submitted: 1, cancelled: 1 });
});
