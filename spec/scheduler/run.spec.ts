import {
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
import { onCancelledSpecs, runEndSpecs } from '../shared/run-end.js';

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

  runEndSpecs(() => Scheduler.withProcesses(1));

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
  onCancelledSpecs(() => Scheduler.withProcesses(1));
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
