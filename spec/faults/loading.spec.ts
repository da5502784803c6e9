/**
 * Loading a task's module is bounded too (issue 9, item 5): a module that never finishes
 * importing fails its call with TaskLoadError (reason 'load-timeout') after `loadTimeout` and its
 * child is replaced; a call cancelled while its module loads is stopped like a running one.
 */
import { Scheduler, TaskLoadError, type TaskFunction } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import { expectNoChildren, fixtureModule, fixtureRef, isAlive } from '../helpers.js';

const faults = fixtureModule<typeof Faults>('faults.ts');

afterEach(expectNoChildren);

test.each([
  ['a top-level await that never settles', 'hang-on-import.ts'],
  ['a loop at top level', 'spin-on-import.ts'],
])('a module that never finishes importing (%s) fails its call with TaskLoadError after loadTimeout; the run goes on', async (_how, file) => {
  const scheduler = Scheduler.withProcesses(1, { loadTimeout: 500 });
  const stuck = scheduler.task(fixtureRef<() => string>(file, 'run'));
  const pid = scheduler.task(faults.pid);
  const errors: unknown[] = [];
  const pids: number[] = [];
  stuck.on('exception', (_future, error) => void errors.push(error));
  pid.on('result', (_future, value) => void pids.push(value));
  scheduler.on('start', () => {
    stuck.submit();
    pid.submit();
  });
  // Before, only this timeout ended the run.
  const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(TaskLoadError);
  expect(errors[0]).toMatchObject({ code: 'ERR_TASK_LOAD', reason: 'load-timeout', task: { export: 'run' } });
  expect((errors[0] as Error).message).toMatch(
    new RegExp(`Loading task run \\(file://.*${file}\\) in the child failed: importing the module did not finish within 500 ms \\(loadTimeout\\), so its child was stopped`),
  );
  expect(stuck.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
  expect(pids).toHaveLength(1);
});

test('a call cancelled while its module is still loading is cancelled, and its child stopped', async () => {
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 100 });
  const stuck = scheduler.task(fixtureRef<TaskFunction>('hang-on-import.ts', 'run'));
  const pid = scheduler.task(faults.pid);
  const pids: number[] = [];
  pid.on('result', (_future, value) => void pids.push(value));
  scheduler.on('start', () => void pid.submit());
  pid.on('result', () => {
    if (pids.length > 1) return;
    const future = stuck.submit();
    scheduler.callLater(300, () => {
      pid.submit();
      future.cancel('took too long to load');
    });
  });
  const exit = await scheduler.run({ onCancelled: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(stuck.eventCounts).toEqual({ submitted: 1, cancelled: 1 });
  expect(pids).toHaveLength(2);
  expect(pids[1]).not.toBe(pids[0]);
  expect(isAlive(pids[0]!)).toBe(false);
});
