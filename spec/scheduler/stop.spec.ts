/**
 * Stop means stop: on a stop or a timeout, calls that have not started are cancelled at once;
 * running ones finish (wait: true) or are stopped (wait: false); `drain: true` runs the whole
 * queue; a second stop() from outside the handlers stops the running calls too.
 */
import { CancelledError, ExitCode, Scheduler, type Future } from 'forkline';
import type * as Math from '../fixtures/math.ts';
import { eventually, expectNoChildren, fixtureModule } from '../helpers.js';

const math = fixtureModule<typeof Math>('math.ts');

afterEach(expectNoChildren);

/** Six calls of `ms` on two children, and the states of the calls when the run's end came. */
function sixLongCalls(scheduler: Scheduler, ms = 2500) {
  const sleep = scheduler.task(math.sleep);
  const futures: Future<number>[] = [];
  const atEnd: string[] = [];
  scheduler.on('start', () => {
    for (let i = 0; i < 6; i++) futures.push(sleep.submit(ms));
  });
  const record = () => void atEnd.push(...futures.map((future) => future.state));
  scheduler.on('timeout', record);
  scheduler.on('stop', record);
  return { sleep, futures, atEnd };
}

test('timeout: the queued calls are cancelled at once, the running ones finish', async () => {
  const scheduler = Scheduler.withProcesses(2);
  const { futures, atEnd } = sixLongCalls(scheduler, 4000);

  // 3 s leaves the children time to start (on a loaded machine, one may still be starting).
  const exit = await scheduler.run({ timeout: 3000 });

  expect(exit).toEqual({ code: ExitCode.TIMEOUT });
  expect(atEnd).toContain('running');
  expect(atEnd.slice(2)).toEqual(['queued', 'queued', 'queued', 'queued']);
  // Before, all six ran, two at a time: the run took 12 s. Now what ran finished, the rest was cancelled.
  expect(futures.map((future) => future.state)).toEqual(atEnd.map((state) => (state === 'running' ? 'fulfilled' : 'cancelled')));
  expect((futures[5]?.error as Error).message).toContain('the scheduler stopped (timeout) before the call started');
});

test('drain: true keeps the old way: a stop lets every queued call run first', async () => {
  const scheduler = Scheduler.withProcesses(2);
  const add = scheduler.task(math.add);
  let results = 0;
  add.on('result', () => {
    results++;
  });
  scheduler.on('start', () => {
    for (let i = 0; i < 6; i++) add.submit(i, i);
    scheduler.stop('enough');
  });
  expect(await scheduler.run({ drain: true })).toEqual({ code: ExitCode.STOPPED, message: 'enough' });
  expect(results).toBe(6);
});

test('calls sent ahead to a busy child are cancelled by a stop: only the call the child runs finishes', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const add = scheduler.task(math.add);
  const sleep = scheduler.task(math.sleep);
  let long: Future<number> | undefined;
  const ahead: Future<number>[] = [];
  scheduler.on('start', () => {
    for (let i = 0; i < 100; i++) add.submit(i, 1);
  });
  // 100 quick calls teach the pool this child's calls are short: it sends the next ones ahead.
  add.on('result', () => {
    if (add.inFlight > 0 || long) return;
    long = sleep.submit(800);
    for (let i = 0; i < 10; i++) ahead.push(add.submit(i, 2));
  });
  const run = scheduler.run();
  await eventually(() => long?.state === 'running' && ahead.length === 10, 'the long call to run', 15_000);
  // 'running' for a call behind another means it was sent to the child, which holds it next in line.
  const sentAhead = ahead.filter((future) => future.state === 'running').length;
  expect(sentAhead).toBeGreaterThan(0);

  scheduler.stop('now');

  expect(await run).toEqual({ code: ExitCode.STOPPED, message: 'now' });
  expect(await long).toBe(800);
  for (const future of ahead) expect(future.error).toBeInstanceOf(CancelledError);
  expect(add.eventCounts).toMatchObject({ submitted: 110, result: 100, cancelled: 10 });
});

test('a second stop() escalates: the running calls are stopped now and their children killed', async () => {
  const scheduler = Scheduler.withProcesses(2);
  const { sleep, futures } = sixLongCalls(scheduler);
  const run = scheduler.run();
  await eventually(() => futures.filter((future) => future.state === 'running').length === 2, 'two calls to run', 15_000);

  scheduler.stop('first');
  await eventually(() => futures.filter((future) => future.state === 'cancelled').length === 4, 'the queued calls to be cancelled');
  expect(futures.map((future) => future.state)).toEqual(['running', 'running', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
  scheduler.stop('second');

  // The exit is the first stop's; the running calls did not get to finish.
  expect(await run).toEqual({ code: ExitCode.STOPPED, message: 'first' });
  expect(sleep.eventCounts).toEqual({ submitted: 6, cancelled: 6 });
  expect((futures[0]?.error as Error).message).toContain('with wait: false');
});

test('stop() again from handlers (results that come in while the run ends) does not escalate', async () => {
  const scheduler = Scheduler.withProcesses(2);
  const sleep = scheduler.task(math.sleep);
  const results: number[] = [];
  const atFirstStop: string[] = [];
  let later: Future<number> | undefined;
  scheduler.on('start', () => {
    sleep.submit(1500);
    // Runs on the other child, and is still running when the first result comes (1.5 s of margin
    // for the children's start).
    later = sleep.submit(3000);
    sleep.submit(100);
  });
  // A common amltk shape: every result handler past the threshold calls stop().
  sleep.on('result', (_future, value) => {
    if (results.push(value) === 1) atFirstStop.push(later!.state);
    scheduler.stop('threshold');
  });

  expect(await scheduler.run()).toEqual({ code: ExitCode.STOPPED, message: 'threshold' });
  expect(atFirstStop).toEqual(['running']);
  expect(results).toEqual([1500, 3000]);
  expect(sleep.eventCounts).toEqual({ submitted: 3, done: 2, result: 2, cancelled: 1 });
});
