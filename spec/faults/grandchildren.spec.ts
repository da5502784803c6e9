/**
 * Processes a task starts are stopped with its child (issue 9, "left as limits"): a cancelled
 * call's child and the grandchild it spawned both go, instead of the grandchild living on.
 */
import { Comm, Scheduler } from 'forkline';
import type * as Grandchild from '../fixtures/spawn-grandchild.ts';
import { eventually, expectNoChildren, fixtureModule, isAlive } from '../helpers.js';

const tasks = fixtureModule<typeof Grandchild>('spawn-grandchild.ts');

afterEach(expectNoChildren);

test('cancelling a call stops the processes its task started along with its child', async () => {
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 100 });
  const spawner = scheduler.task(tasks.spawnGrandchild, { plugins: [Comm.Plugin()] });
  let grandchild = 0;
  spawner.on('comm-message', (msg) => {
    grandchild = msg.data;
    msg.future.cancel('done with it');
  });
  scheduler.on('start', () => void spawner.submit());
  await scheduler.run({ onCancelled: 'continue' });

  expect(grandchild).toBeGreaterThan(0);
  await eventually(() => !isAlive(grandchild), `grandchild ${grandchild} to be stopped`, 3000);
  expect(spawner.eventCounts).toEqual({ submitted: 1, 'comm-message': 1, cancelled: 1 });
});
