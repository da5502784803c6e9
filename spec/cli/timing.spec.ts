/**
 * `forkline run`'s durations and speed-up: each call is timed from its start in a child to its
 * settle (not from its submit), and the speed-up is the summed call times over the wall time of
 * the calls phase, which two workers cannot make more than about 2×.
 */
import { BATCH_TASK, jsonl, readResults, runBin, workspacePerTest } from './helpers.js';

const task = `${BATCH_TASK}#square`;
const space = workspacePerTest();

test('thousands of tiny calls on two workers: the estimated speed-up is at most 2×, the text says it is an estimate', async () => {
  const input = space.write('tiny.jsonl', jsonl(4000));
  const json = await runBin(['run', task, '-i', input, '-o', 'tiny.jsonl.out', '-w', '2', '--json'], { cwd: space.dir });
  const summary = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { type: string; succeeded: number; speedUp: number; callMs: number; callsWallMs: number };
  expect(summary).toMatchObject({ type: 'summary', succeeded: 4000 });
  expect(summary.callMs).toBeGreaterThan(0);
  // Per child the start-to-settle spans do not overlap: two children cannot sum past 2× the phase.
  expect(summary.speedUp).toBeLessThanOrEqual(2.01);
  // The text's wording does not depend on the batch's size: a small one shows it as well.
  const small = space.write('small.jsonl', jsonl(100));
  const text = await runBin(['run', task, '-i', small, '-o', 'text.out', '-w', '2'], { cwd: space.dir });
  expect(text.stdout).toMatch(/about \d+\.\d\d× over one worker \(estimate/);
});

test('a call queued behind others is timed from its start in the child, not from its submit', async () => {
  const input = space.write('slow.jsonl', jsonl(4, () => ({ sleep: 300 })));
  const { code } = await runBin(['run', task, '-i', input, '-o', 'slow.out', '-w', '1', '--no-comm'], { cwd: space.dir });
  expect(code).toBe(1); // --no-comm: the task's { comm } is missing, so every call fails at once ...
  const failing = readResults(space.path('slow.out'));
  // ... and is still timed from its start (with no plugin the pool used to report no start: 0).
  expect(failing.every((record) => (record.durationMs as number) > 0 && (record.durationMs as number) < 200)).toBe(true);
  const ok = await runBin(['run', task, '-i', input, '-o', 'ok.out', '-w', '1'], { cwd: space.dir });
  expect(ok.code).toBe(0);
  const records = readResults(space.path('ok.out'));
  // The fourth waited ~900 ms in the queue; from its start it took ~300 ms.
  for (const record of records) {
    expect(record.durationMs).toBeGreaterThanOrEqual(290);
    expect(record.durationMs).toBeLessThan(800);
  }
});
