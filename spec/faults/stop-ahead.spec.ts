/**
 * A stop with `wait: true` lets running calls finish, and that includes a call sent ahead that
 * its child started while the host had not yet read the result before it: the host cannot know
 * it started, so it withdraws the call (the child drops it only if it has not begun) instead of
 * cancelling it.
 */
import { Scheduler } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const faults = fixtureModule<typeof Faults>('faults.ts');

afterEach(expectNoChildren);

/** Quick calls first, so the child counts as quick and is sent calls ahead. */
const WARM_UP = 200;

test('stop() while a sent-ahead call has just started in its child: the call finishes with its result', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const spin = scheduler.task(faults.spin);
  const sleep = scheduler.task(faults.sleep);
  let behind: ReturnType<typeof sleep.submit> | undefined;
  let warm = 0;
  spin.on('result', () => {
    if (++warm !== WARM_UP) return;
    void spin.submit(300);
    behind = sleep.submit(400);
    scheduler.callLater(100, () => {
      // The host is busy while its child finishes the spin and starts the sleep sent behind it;
      // then it stops, with the spin's result still unread.
      const until = performance.now() + 600;
      while (performance.now() < until);
      scheduler.stop('enough');
    });
  });
  scheduler.on('start', () => {
    for (let i = 0; i < WARM_UP; i++) spin.submit(0);
  });
  const exit = await scheduler.run({ onCancelled: 'continue' });

  expect(exit.code).toBe('stopped');
  expect(behind?.state).toBe('fulfilled');
  expect(typeof behind?.result).toBe('number');
});
