/**
 * Calls sent ahead to a busy child and cancelled there (issue 9, items 3 and 4). A cancelled call
 * never goes back in the line, whatever happens to the call before it; and one that has already
 * started when the cancel arrives is stopped after `killGracePeriod`, whatever order the
 * messages cross in.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Limits, Scheduler } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import type * as SideEffect from '../fixtures/side-effect.ts';
import type * as SpinThenExit from '../fixtures/spin-then-exit.ts';
import { expectNoChildren, fixtureModule, tempDirs, isAlive } from '../helpers.js';

const faults = fixtureModule<typeof Faults>('faults.ts');
const sideEffect = fixtureModule<typeof SideEffect>('side-effect.ts');
const spinThenExit = fixtureModule<typeof SpinThenExit>('spin-then-exit.ts');

afterEach(expectNoChildren);
const tempDir = tempDirs('forkline-ahead-');

/** Quick calls before the test's own, so the child counts as quick and is sent calls ahead. */
const WARM_UP = 200;

test.each(['crashes (process.exit)', 'breaches its wallTime limit'])(
  'a call cancelled while it waits in a child never runs, when the call before it %s',
  async (how) => {
    const marker = join(tempDir(), 'ran');
    const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 200 });
    // The crash case spins 200 ms and exits: its wall-time limit is far off, or a loaded machine
    // (load 20 on two cores) stretches the spin past 300 ms and the limit fires instead.
    const spin = scheduler.task(spinThenExit.spinThenExit, { plugins: [new Limits({ wallTime: how.startsWith('crashes') ? 10_000 : 300 })] });
    const touch = scheduler.task(sideEffect.touch);
    const failures: unknown[] = [];
    // The run goes on a while after the failure, as a longer run would: time for a replacement
    // child to run whatever was put back in the line.
    spin.on('exception', async (_future, error) => {
      failures.push(error);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    });
    let warm = 0;
    const warmUp = () => {
      // Many quick calls first: the child counts as quick and takes calls ahead (even on a busy
      // machine, where one round trip may take longer than a call counted as quick).
      if (++warm !== WARM_UP) return;
      // A synchronous call blocks the child, so the cancel of the call behind it is not read
      // (cancelled in a later tick: cancelled in this one, it would cross in the same frame).
      void spin.submit(how.startsWith('crashes') ? 200 : 5000, how.startsWith('crashes') ? 3 : -1);
      const behind = touch.submit(marker);
      scheduler.callLater(50, () => expect(behind.cancel('not wanted')).toBe(true));
    };
    spin.on('result', warmUp);
    touch.on('result', warmUp);
    scheduler.on('start', () => {
      touch.submit(`${marker}.warm`);
      for (let i = 1; i < WARM_UP; i++) spin.submit(0, -1);
    });
    const exit = await scheduler.run({ onException: 'continue', onCancelled: 'continue', timeout: 15_000, wait: false });

    expect(exit.code).toBe('exhausted');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ name: how.startsWith('crashes') ? 'WorkerCrashedError' : 'WallTimeLimitError' });
    expect(existsSync(marker)).toBe(false);
    expect(touch.eventCounts).toEqual({ submitted: 2, done: 1, result: 1, cancelled: 1 });
  },
);

test('a sent-ahead call that already started when its cancel arrives is stopped after killGracePeriod', async () => {
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 200 });
  const pid = scheduler.task(faults.pid);
  const spin = scheduler.task(faults.spin);
  const pids: number[] = [];
  let spinner = 0;
  let aliveAfterCancel: boolean | undefined;
  spin.on('result', (_future, value) => {
    spinner = value;
  });
  // The run goes on after the cancel, as a longer run would; the spinning child must be stopped
  // within it, not only by the stop at its end.
  spin.on('cancelled', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    aliveAfterCancel = isAlive(spinner);
  });
  pid.on('result', (_future, value) => {
    pids.push(value);
    if (pids.length !== WARM_UP) return;
    void spin.submit(100);
    const spinning = spin.submit(600_000);
    // Both go in this tick's frame. The host then stays busy while the child finishes the first
    // call and starts the second, so the cancel reaches the child after the spin began, and the
    // host reads the first call's result only after it cancelled.
    scheduler.callLater(0, () => {
      const end = Date.now() + 500;
      while (Date.now() < end);
      spinning.cancel('not wanted');
    });
  });
  scheduler.on('start', () => {
    for (let i = 0; i < WARM_UP; i++) pid.submit();
  });
  // Before the fix nothing stopped the spinning child but the end of the run.
  const exit = await scheduler.run({ onCancelled: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(spin.eventCounts).toEqual({ submitted: 2, done: 1, result: 1, cancelled: 1 });
  expect(pids).toHaveLength(WARM_UP);
  expect(spinner).toBe(pids[0]);
  expect(aliveAfterCancel).toBe(false);
});
