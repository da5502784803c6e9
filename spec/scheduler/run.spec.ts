import {
  CancelledError,
  ExitCode,
  InvalidOptionError,
  Scheduler,
  SchedulerBusyError,
  SchedulerNotRunningError,
} from 'forkline';
import type * as Math from '../fixtures/math.ts';
import type * as Failures from '../fixtures/failures.ts';
import { expectNoChildren, fixtureModule, schedulerKinds } from '../helpers.js';
import { record, runEventSpecs } from '../shared/run-events.js';

const math = fixtureModule<typeof Math>('math.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');

afterEach(expectNoChildren);

describe.each(schedulerKinds)('a run on %s', (_kind, make) => {
  runEventSpecs(make);
});

describe('ending a run', () => {
  test('nothing submitted: exhausted at once, without a stop event', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const order = record(scheduler);
    expect(await scheduler.run()).toEqual({ code: ExitCode.EXHAUSTED });
    expect(order).toEqual(['start', 'empty', 'finishing', 'finished']);
  });

  test('stop() ends with STOPPED, carries its message and error, is idempotent, and running() turns false at once', async () => {
    const scheduler = Scheduler.withProcesses(1);
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
    const scheduler = Scheduler.withProcesses(1);
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

  test('timeout with wait: true lets the running call finish and emits its result', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const sleep = scheduler.task(math.sleep);
    const order = record(scheduler, sleep);
    const states: string[] = [];
    scheduler.on('start', () => void sleep.submit(3500));
    // The timeout leaves the child 3 s to start: the call is running when it comes.
    scheduler.on('timeout', () => void states.push(...sleep.futures.map((future) => future.state)));

    const exit = await scheduler.run({ timeout: 3000 });
    expect(states).toEqual(['running']);

    expect(exit.code).toBe(ExitCode.TIMEOUT);
    expect(order).toEqual([
      'start',
      'future-submitted',
      'sleep:submitted',
      'timeout',
      'finishing',
      'future-done',
      'future-result',
      'sleep:done',
      'sleep:result',
      'finished',
    ]);
  });

  test('endOnEmpty: false emits empty each time the queue drains and runs until stopped', async () => {
    const scheduler = Scheduler.withProcesses(1);
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

  test('the exit reason follows the priority stopped > exhausted > timeout', async () => {
    const scheduler = Scheduler.withProcesses(1);
    // stop() in an 'empty' handler: both exhausted and stopped apply; stopped wins.
    scheduler.on('empty', () => scheduler.stop());
    expect((await scheduler.run()).code).toBe(ExitCode.STOPPED);
  });
});

describe('onException', () => {
  test('"raise" (the default) rejects run() with the task error, after shutting down', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const fail = scheduler.task(failures.throwValidation);
    scheduler.on('start', () => void fail.submit('email'));
    await expect(scheduler.run()).rejects.toMatchObject({ name: 'ValidationError', message: 'bad email', field: 'email' });
    expect(scheduler.eventCounts).toMatchObject({ stop: 1, finishing: 1, finished: 1 });
  });

  test('"end" ends with EXCEPTION and the error', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const fail = scheduler.task(failures.rejectAsync);
    scheduler.on('start', () => void fail.submit());
    const exit = await scheduler.run({ onException: 'end' });
    expect(exit.code).toBe(ExitCode.EXCEPTION);
    expect(exit.error).toMatchObject({ message: 'async failure' });
  });

  test('a list of [ErrorClass, action]: the first instanceof match wins, no match raises', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const details = scheduler.task(failures.throwWithDetails);
    const plain = scheduler.task(failures.rejectAsync);
    const policy = [
      [TypeError, 'continue'],
      [Error, 'end'],
    ] as const;

    const offDetails = scheduler.on('start', () => void details.submit());
    expect((await scheduler.run({ onException: policy })).code).toBe(ExitCode.EXHAUSTED);
    offDetails();

    scheduler.on('start', () => void plain.submit());
    expect((await scheduler.run({ onException: policy })).code).toBe(ExitCode.EXCEPTION);
    await expect(scheduler.run({ onException: [[RangeError, 'continue']] })).rejects.toThrow('async failure');
  });

  test('an error thrown in a start handler follows the policy (amltk misses it)', async () => {
    const scheduler = Scheduler.withProcesses(1);
    scheduler.on('start', () => {
      throw new Error('start handler broke');
    });
    await expect(scheduler.run()).rejects.toThrow('start handler broke');
    const exit = await scheduler.run({ onException: 'end' });
    expect(exit.code).toBe(ExitCode.EXCEPTION);
  });

  test('an async handler that rejects follows the policy', async () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    scheduler.on('start', () => void add.submit(1, 2));
    add.on('result', async () => {
      await Promise.resolve();
      throw new Error('async handler broke');
    });
    await expect(scheduler.run()).rejects.toThrow('async handler broke');
  });
});

describe('onCancelled', () => {
  const cancelFirst = (scheduler: Scheduler) => {
    const sleep = scheduler.task(math.sleep);
    scheduler.on('start', () => {
      sleep.submit(50);
      sleep.submit(50).cancel('not needed');
    });
    return sleep;
  };

  test('"raise" (the default) rejects run() with a CancelledError', async () => {
    const scheduler = Scheduler.withProcesses(1);
    cancelFirst(scheduler);
    const error = await scheduler.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).code).toBe('ERR_CANCELLED');
    expect((error as CancelledError).message).toContain('not needed');
  });

  test('"end" ends with CANCELLED; "continue" goes on', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const sleep = cancelFirst(scheduler);
    expect((await scheduler.run({ onCancelled: 'end' })).code).toBe(ExitCode.CANCELLED);
    expect((await scheduler.run({ onCancelled: 'continue' })).code).toBe(ExitCode.EXHAUSTED);
    // The end of the first run cancelled its other call, which had not started: stop means stop.
    expect(sleep.eventCounts).toEqual({ submitted: 4, cancelled: 3, done: 1, result: 1 });
  });
});

describe('scheduler state', () => {
  test('run() can be called again, with fresh children', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const pid = scheduler.task(math.pid);
    const pids: number[] = [];
    pid.on('result', (_future, value) => void pids.push(value));
    scheduler.on('start', () => void pid.submit());
    await scheduler.run();
    await scheduler.run();
    expect(pids).toHaveLength(2);
    expect(pids[0]).not.toBe(pids[1]);
  });

  test('run() while running throws SchedulerBusyError; submit outside a run throws SchedulerNotRunningError', async () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    expect(() => add.submit(1, 2)).toThrow(SchedulerNotRunningError);
    expect(() => add.submit(1, 2)).toThrow(/add\.submit\(\) failed: the scheduler is not running/);
    let busy: unknown;
    scheduler.on('start', () => {
      scheduler.run().catch((error: unknown) => (busy = error));
    });
    await scheduler.run();
    expect(busy).toBeInstanceOf(SchedulerBusyError);
    expect(scheduler.running()).toBe(false);
  });

  test('callLater runs during the run, can be cancelled, and needs a run', async () => {
    const scheduler = Scheduler.withSequential();
    const calls: string[] = [];
    expect(() => scheduler.callLater(1, () => {})).toThrow(SchedulerNotRunningError);
    scheduler.on('start', () => {
      scheduler.callLater(10, () => void calls.push('fired'));
      scheduler.callLater(5, () => void calls.push('cancelled')).cancel();
      scheduler.callLater(40, () => scheduler.stop());
    });
    expect((await scheduler.run({ endOnEmpty: false })).code).toBe(ExitCode.STOPPED);
    expect(calls).toEqual(['fired']);
  });

  test('empty() and running() reflect the run', async () => {
    const scheduler = Scheduler.withSequential();
    const sleep = scheduler.task(math.sleep);
    const seen: boolean[] = [];
    expect([scheduler.running(), scheduler.empty()]).toEqual([false, true]);
    scheduler.on('start', () => {
      sleep.submit(5);
      seen.push(scheduler.running(), scheduler.empty(), sleep.running());
    });
    sleep.on('result', () => void seen.push(sleep.running()));
    await scheduler.run();
    expect(seen).toEqual([true, false, true, false]);
  });

  test('bad run() options name the option, what was expected and what came', async () => {
    const scheduler = Scheduler.withSequential();
    await expect(scheduler.run({ timeout: -1 })).rejects.toThrow(InvalidOptionError);
    await expect(scheduler.run({ timeout: -1 })).rejects.toThrow('Expected `timeout` to be a number of milliseconds > 0 (and < 2^31), got `-1` (number).');
    await expect(scheduler.run({ onException: 'explode' as never })).rejects.toThrow(/Expected `onException` to be 'raise', 'end', 'continue'/);
    await expect(scheduler.run({ onException: [[Error, 'nope']] as never })).rejects.toThrow(/Expected `onException\[0\]`/);
    await expect(scheduler.run({ wait: 'yes' as never })).rejects.toThrow('Expected `wait` to be a boolean, got `"yes"` (string).');
    expect(() => Scheduler.withProcesses(0)).toThrow('Expected `maxWorkers` to be an integer from 1 to 1024, got `0` (number).');
  });
});
