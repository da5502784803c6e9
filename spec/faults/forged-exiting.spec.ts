/**
 * A task that announces an exit it never makes (issue 9, round 2, item 1): the host takes no more
 * calls to that child, so before, nothing ever stopped or replaced it and the calls behind it never
 * ran. Now a child that has not exited `killGracePeriod` (at least 1 s) after its announcement is killed and
 * replaced; the calls it held that never started run elsewhere.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scheduler } from 'forkline';
import type * as Forged from '../fixtures/forged-frames.ts';
import type * as Math from '../fixtures/math.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const forged = fixtureModule<typeof Forged>('forged-frames.ts');
const math = fixtureModule<typeof Math>('math.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forkline-forged-exiting-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterEach(expectNoChildren);

test('a forged exiting, then the call returns: the call behind it runs on a new child, nothing hangs', async () => {
  const log = join(dir, 'runs.log');
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 300 });
  const stay = scheduler.task(forged.forgeExitingAndStay);
  const pid = scheduler.task(math.pid);
  const results: unknown[] = [];
  const pids: number[] = [];
  stay.on('result', (_future, value) => {
    results.push(value);
    pid.submit();
  });
  pid.on('result', (_future, value) => void pids.push(value));
  let first = 0;
  scheduler.on('start', () => {
    void pid.submit().then((value) => {
      first = value;
      stay.submit(log, 20);
    });
  });
  // Before the fix this run waited for its timeout.
  const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(results).toEqual(['returned']);
  expect(readFileSync(log, 'utf8')).toBe('stayed\n');
  expect(pids).toHaveLength(2);
  expect(pids[1]).not.toBe(first);
});

test('a forged exiting with calls sent ahead: the running call fails, the ones behind it run elsewhere, once', async () => {
  const log = join(dir, 'runs.log');
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 200, prefetch: 4 });
  const stay = scheduler.task(forged.forgeExitingAndStay);
  const add = scheduler.task(math.add);
  const outcomes: string[] = [];
  stay.on('result', () => void outcomes.push('stay returned'));
  stay.on('exception', (_future, error) => void outcomes.push(`stay failed: ${(error as Error).name}`));
  add.on('result', (_future, value) => void outcomes.push(`add ${value}`));
  scheduler.on('start', async () => {
    // Quick calls first, so the child is sent calls ahead.
    for (let i = 0; i < 20; i++) await add.submit(0, 0);
    outcomes.length = 0;
    stay.submit(log, 60_000);
    for (let i = 1; i <= 3; i++) add.submit(i, 0);
  });
  // Before the fix this run hung past its timeout.
  const exit = await scheduler.run({ onException: 'continue', timeout: 10_000, wait: true });

  expect(exit.code).toBe('exhausted');
  expect(readFileSync(log, 'utf8')).toBe('stayed\n');
  expect(outcomes.sort()).toEqual(['add 1', 'add 2', 'add 3', 'stay failed: WorkerCrashedError']);
});
