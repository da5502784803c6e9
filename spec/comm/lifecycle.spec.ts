import { Comm, Scheduler } from 'forkline';
import type * as CommTasks from '../fixtures/comm.ts';
import { expectNoChildren, fixtureModule, schedulerKinds } from '../helpers.js';
import { commLifecycleSpecs } from '../shared/comm-lifecycle.js';

const tasks = fixtureModule<typeof CommTasks>('comm.ts');

afterEach(expectNoChildren);

describe.each(schedulerKinds)('comm lifecycle on %s', (_kind, make) => {
  commLifecycleSpecs(make);
});

test('cancelling a call that waits in request() rejects the request with CloseRequestError in the child', async () => {
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 5000 });
  const task = scheduler.task(tasks.waitForAnswer, { plugins: [Comm.Plugin()] });
  const cancelled: unknown[] = [];
  task.on('comm-request', (msg) => msg.future.cancel('the host changed its mind'));
  task.on('cancelled', (_future, error) => void cancelled.push((error as Error).message));
  scheduler.on('start', () => void task.submit());
  await scheduler.run({ onCancelled: 'continue' });
  expect(cancelled).toEqual([expect.stringContaining('the host changed its mind') as unknown]);
  // The child returned by itself (its request was rejected), so no result or comm events after 'cancelled'.
  expect(task.eventCounts).toEqual({ submitted: 1, 'comm-open': 1, 'comm-request': 1, cancelled: 1 });
});
