/**
 * How a run ends (stop, a timeout that cancels running calls, endOnEmpty) and the onCancelled
 * policy, the same on every executor: declared for a scheduler factory by
 * spec/scheduler/run.spec.ts (local processes) and spec/queue/events.spec.ts (the queue).
 */
import { CancelledError, ExitCode, type Scheduler } from 'forkline';
import type * as Math from '../fixtures/math.ts';
import { fixtureModule } from '../helpers.js';
import { record } from './run-events.js';

const math = fixtureModule<typeof Math>('math.ts');

/** The tests of a stop, a timeout with wait: false and endOnEmpty: false, for schedulers made by `make`. Call it inside a describe. */
export function runEndSpecs(make: () => Scheduler): void {
  test('stop() ends with STOPPED, carries its message and error, is idempotent, and running() turns false at once', async () => {
    const scheduler = make();
    const sleep = scheduler.task(math.sleep);
    const order = record(scheduler);
    const seen: unknown[] = [];
    const reason = new Error('enough');
    scheduler.on('stop', (message, error) => void seen.push(message, error));
    scheduler.on('start', () => {
      sleep.submit(20);
      scheduler.stop('user asked', reason);
      seen.push(scheduler.running());
      scheduler.stop('again');
    });

    const exit = await scheduler.run();

    expect(exit).toEqual({ code: ExitCode.STOPPED, message: 'user asked', error: reason });
    expect(seen).toEqual([false, 'user asked', reason]);
    expect(order.filter((event) => ['stop', 'finishing', 'finished'].includes(event))).toEqual(['stop', 'finishing', 'finished']);
    // The call had not started (the child was not ready): a stop cancels it, even with wait: true.
    expect(sleep.eventCounts).toEqual({ submitted: 1, cancelled: 1 });
  });

  test('timeout ends with TIMEOUT; wait: false cancels the running call and emits cancelled before run() resolves', async () => {
    const scheduler = make();
    const spin = scheduler.task(math.spin);
    const order = record(scheduler, spin);
    const errors: unknown[] = [];
    spin.on('cancelled', (_future, error) => void errors.push(error));
    scheduler.on('start', () => {
      spin.submit(10_000);
      spin.submit(10_000);
    });

    const started = Date.now();
    const exit = await scheduler.run({ timeout: 200, wait: false });

    expect(exit).toEqual({ code: ExitCode.TIMEOUT });
    expect(Date.now() - started).toBeLessThan(9000);
    expect(order).toEqual([
      'start',
      'future-submitted',
      'spin:submitted',
      'future-submitted',
      'spin:submitted',
      'timeout',
      'finishing',
      'future-cancelled',
      'spin:cancelled',
      'future-cancelled',
      'spin:cancelled',
      'finished',
    ]);
    expect(spin.eventCounts).toEqual({ submitted: 2, cancelled: 2 });
    expect(errors).toHaveLength(2);
    for (const error of errors) expect(error).toBeInstanceOf(CancelledError);
  });

  test('endOnEmpty: false emits empty each time the queue drains and runs until stopped', async () => {
    const scheduler = make();
    const add = scheduler.task(math.add);
    let drains = 0;
    scheduler.on('start', () => void add.submit(1, 1));
    scheduler.on('empty', () => {
      drains++;
      if (drains < 3) add.submit(drains, 1);
      else scheduler.stop('drained three times');
    });

    const exit = await scheduler.run({ endOnEmpty: false });

    expect(exit).toEqual({ code: ExitCode.STOPPED, message: 'drained three times' });
    expect(scheduler.eventCounts.empty).toBe(3);
    expect(add.eventCounts).toEqual({ submitted: 3, done: 3, result: 3 });
  });
}

/** The tests of the onCancelled policy, for schedulers made by `make`. Call it inside a describe. */
export function onCancelledSpecs(make: () => Scheduler): void {
  const cancelFirst = (scheduler: Scheduler) => {
    const sleep = scheduler.task(math.sleep);
    scheduler.on('start', () => {
      sleep.submit(50);
      sleep.submit(50).cancel('not needed');
    });
    return sleep;
  };

  test('"raise" (the default) rejects run() with a CancelledError', async () => {
    const scheduler = make();
    cancelFirst(scheduler);
    const error = await scheduler.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).code).toBe('ERR_CANCELLED');
    expect((error as CancelledError).message).toContain('not needed');
  });

  test('"end" ends with CANCELLED; "continue" goes on', async () => {
    const scheduler = make();
    const sleep = cancelFirst(scheduler);
    expect((await scheduler.run({ onCancelled: 'end' })).code).toBe(ExitCode.CANCELLED);
    expect((await scheduler.run({ onCancelled: 'continue' })).code).toBe(ExitCode.EXHAUSTED);
    // The end of the first run cancelled its other call, which had not started: stop means stop.
    expect(sleep.eventCounts).toEqual({ submitted: 4, cancelled: 3, done: 1, result: 1 });
  });
}
