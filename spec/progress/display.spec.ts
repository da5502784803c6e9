/**
 * forkline/progress as a library: a display fed by a real scheduler's events, writing to a
 * stream of the test's own (not a TTY, so plain lines).
 */
import { Comm, Scheduler } from 'forkline';
import { ProgressDisplay, showProgress } from 'forkline/progress';
import { fixtureModule } from '../helpers.js';
import type * as Batch from '../fixtures/batch.ts';

const batch = fixtureModule<typeof Batch>('batch.ts');

function collect(): { write(text: string): boolean; readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(...text.trimEnd().split('\n')) > 0 };
}

test('counts every call from the events, shows each worker and the calls\' progress, and stops when the run finishes', async () => {
  const scheduler = Scheduler.withProcesses(2);
  const task = scheduler.task(batch.square, { plugins: [Comm.Plugin()] });
  const stream = collect();
  const display = showProgress(scheduler, { tasks: [task], total: 6, stream, interval: 40, title: 'squares' });
  const seen: { progress: number | undefined }[] = [];
  task.on('comm-message', () => seen.push(...display.snapshot().workers.filter((worker) => worker.call !== undefined)));
  scheduler.on('start', () => {
    for (let n = 1; n <= 6; n++) task.submit({ n, sleep: 200, fail: n === 6 });
  });
  await scheduler.run({ onException: 'continue' });

  const final = display.snapshot();
  expect(final).toMatchObject({ total: 6, submitted: 6, succeeded: 5, failed: 1, cancelled: 0, inFlight: 0, running: 0, etaMs: 0 });
  expect(final.workers).toHaveLength(2);
  expect(final.workers.reduce((sum, worker) => sum + worker.calls, 0)).toBe(6);
  expect(seen.some((worker) => worker.progress === 0.5)).toBe(true);
  expect(display.live).toBe(false);
  expect(stream.lines.at(-1)).toMatch(/^squares \[[^\]]+\] 6\/6 calls, done 5, failed 1, running 0, [\d.]+\/s, ETA 0 ms$/);
  const written = stream.lines.length;
  await new Promise((resolve) => setTimeout(resolve, 120));
  expect(stream.lines).toHaveLength(written);
});

test("mode 'none' keeps the numbers and draws nothing; wrong options are refused", async () => {
  const scheduler = Scheduler.withProcesses(1);
  const task = scheduler.task(batch.square, { plugins: [Comm.Plugin()] });
  const stream = collect();
  const display = new ProgressDisplay(scheduler, { mode: 'none', stream, interval: 10 });
  scheduler.on('start', () => task.submit({ n: 2 }));
  await scheduler.run();
  expect(display.snapshot()).toMatchObject({ submitted: 1, succeeded: 1 });
  expect(stream.lines).toEqual([]);
  expect(() => new ProgressDisplay(scheduler, { mode: 'fancy' as never })).toThrow("Expected `mode` to be 'auto', 'live', 'plain' or 'none', got `\"fancy\"` (string).");
  expect(() => new ProgressDisplay(scheduler, { totl: 3 } as never)).toThrow('new ProgressDisplay() has no option `totl` (did you mean `total`?)');
});
