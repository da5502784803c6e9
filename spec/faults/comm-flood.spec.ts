/**
 * The comm window is the host's to enforce too (issue 9, round 2, item 2): a task that writes comm
 * message frames itself ignores the child's window. Before, the host took every one, and its
 * async handlers held them all (1,000,000 messages made host RSS 1.9 GB). Now more than twice
 * the window waiting on one comm fails the call with ProtocolError and replaces the child.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Comm, ProtocolError, Scheduler } from 'forkline';
import type * as Forged from '../fixtures/forged-frames.ts';
import type * as Math from '../fixtures/math.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const forged = fixtureModule<typeof Forged>('forged-frames.ts');
const math = fixtureModule<typeof Math>('math.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forkline-comm-flood-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterEach(expectNoChildren);

/** lib/wire/protocol.ts COMM_WINDOW, and the most the host lets wait on one comm. */
const WINDOW = 1024;

test('a task flooding raw comm frames at a slow async handler fails with ProtocolError; the child is replaced', async () => {
  const log = join(dir, 'runs.log');
  const scheduler = Scheduler.withProcesses(1);
  const flood = scheduler.task(forged.floodComm, { plugins: [Comm.Plugin()] });
  const pid = scheduler.task(math.pid);
  let received = 0;
  // Slow enough that none finishes during the flood, however slowly a loaded machine lets the
  // child write it (at 50 ms, a flood slower than ~40,000 messages/s let handlers finish and
  // free their places: 3,300 ran once in CI).
  flood.on('comm-message', async () => {
    received++;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  });
  const errors: unknown[] = [];
  const pids: number[] = [];
  flood.on('exception', (_future, error) => {
    errors.push(error);
    pid.submit();
  });
  pid.on('result', (_future, value) => {
    pids.push(value);
    if (pids.length === 1) flood.submit(100_000, log);
  });
  scheduler.on('start', () => void pid.submit());
  const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(readFileSync(log, 'utf8')).toBe('flooded\n');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(ProtocolError);
  expect((errors[0] as Error).message).toMatch(/saw more than 2048 messages on comm \d+:comm waiting on the host's handlers.*must await comm.send\(\)/);
  // Handlers ran for the window and its slack, not for the flood.
  expect(received).toBeLessThanOrEqual(2 * WINDOW);
  expect(received).toBeGreaterThan(WINDOW);
  expect(flood.eventCounts).toMatchObject({ submitted: 1, done: 1, exception: 1 });
  expect(pids).toHaveLength(2);
  expect(pids[1]).not.toBe(pids[0]);
});
