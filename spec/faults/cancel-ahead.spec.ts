/**
 * Calls sent ahead to a busy child and cancelled there (issue 9, items 3 and 4). A cancelled call
 * never goes back in the line, whatever happens to the call before it; and one that has already
 * started when the cancel arrives is stopped after `killGracePeriod`, whatever order the
 * messages cross in.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Limits, Scheduler } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import type * as SideEffect from '../fixtures/side-effect.ts';
import type * as SpinThenExit from '../fixtures/spin-then-exit.ts';
import { eventually, expectNoChildren, fixtureModule, isAlive } from '../helpers.js';

const faults = fixtureModule<typeof Faults>('faults.ts');
const sideEffect = fixtureModule<typeof SideEffect>('side-effect.ts');
const spinThenExit = fixtureModule<typeof SpinThenExit>('spin-then-exit.ts');

afterEach(expectNoChildren);

test.each(['crashes (process.exit)', 'breaches its wallTime limit'])(
  'a call cancelled while it waits in a child never runs, when the call before it %s',
  async (how) => {
    const marker = join(mkdtempSync(join(tmpdir(), 'forkline-ahead-')), 'ran');
    const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 200 });
    const spin = scheduler.task(spinThenExit.spinThenExit, { plugins: [new Limits({ wallTime: 300 })] });
    const touch = scheduler.task(sideEffect.touch);
    const failures: unknown[] = [];
    spin.on('exception', (_future, error) => void failures.push(error));
    let warm = 0;
    const warmUp = () => {
      // Quick calls first: the child counts as quick and takes calls ahead; both modules load.
      if (++warm < 6) {
        void (warm % 2 === 0 ? touch.submit(`${marker}.warm`) : spin.submit(0, -1));
        return;
      }
      // A synchronous call blocks the child, so the cancel of the call behind it is not read.
      void spin.submit(how.startsWith('crashes') ? 400 : 5000, how.startsWith('crashes') ? 3 : -1);
      const behind = touch.submit(marker);
      expect(behind.cancel('not wanted')).toBe(true);
    };
    spin.on('result', warmUp);
    touch.on('result', warmUp);
    scheduler.on('start', warmUp);
    const exit = await scheduler.run({ onException: 'continue', onCancelled: 'continue', timeout: 15_000, wait: false });

    expect(exit.code).toBe('exhausted');
    expect(failures).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);
    expect(touch.eventCounts).toEqual({ submitted: 3, done: 2, result: 2, cancelled: 1 });
  },
);

test('a sent-ahead call that already started when its cancel arrives is stopped after killGracePeriod', async () => {
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 200 });
  const pid = scheduler.task(faults.pid);
  const spin = scheduler.task(faults.spin);
  const pids: number[] = [];
  let warm = 0;
  pid.on('result', (_future, value) => {
    pids.push(value);
    if (++warm < 5) {
      void pid.submit();
      return;
    }
    if (warm > 5) return;
    void pid.submit();
    const spinning = spin.submit(600_000);
    // Sent in this tick's frame; the host then stays busy while the child answers the first call
    // and starts the second, so the cancel reaches the child after the spin began, and the host
    // reads the first call's result after it cancelled.
    scheduler.callLater(0, () => {
      const end = Date.now() + 500;
      while (Date.now() < end);
      spinning.cancel('not wanted');
    });
  });
  scheduler.on('start', () => void pid.submit());
  // Before the fix nothing stopped the spinning child: only this timeout ended the run.
  const exit = await scheduler.run({ onCancelled: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(spin.eventCounts).toEqual({ submitted: 1, cancelled: 1 });
  expect(pids).toHaveLength(6);
  await eventually(() => !isAlive(pids[0]!), 'the spinning child to be stopped');
});
