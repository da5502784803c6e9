/**
 * `forkline run` stopped by signals: the second Ctrl-C kills at once (no call finishes its side
 * effects without being written), and SIGTERM is its own signal (exit 143, its own wording).
 */
import { isAlive } from '../helpers.js';
import { BATCH_TASK, jsonl, readDone, readExecutions, readResults, spawnBin, until, workspacePerTest } from './helpers.js';

const task = `${BATCH_TASK}#square`;
const space = workspacePerTest();

test('a second Ctrl-C kills the running calls at once, not after --kill-grace: no call finishes unwritten', async () => {
  // 1.5 s calls, and the default 2 s grace: a kill that waited the grace would let them finish
  // their side effects (the .done file) without their results being written.
  const input = space.write('configs.jsonl', jsonl(4, () => ({ sleep: 1500 })));
  const out = space.path('results.jsonl');
  const run = spawnBin(['run', task, '-i', input, '-o', out, '-w', '2'], { cwd: space.dir, env: { FORKLINE_SPEC_LOG: space.log } });
  await until(() => readExecutions(space.log).length >= 2, 'two calls to start');
  run.child.kill('SIGINT');
  await until(() => run.stderr().includes('Stopping:'), 'the first notice');
  run.child.kill('SIGINT');
  const { code, stderr } = await run.finished;
  expect(code).toBe(130);
  expect(stderr).toMatch(/Killing [012] running calls?/);
  // Let a child that was not killed finish its sleep: it would write .done now.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const written = readResults(out).map((record) => (record.args as [{ n: number }])[0].n).sort();
  expect(readDone(space.log).sort()).toEqual(written);
  for (const { pid } of readExecutions(space.log)) expect(isAlive(pid)).toBe(false);
});

test('SIGTERM stops like Ctrl-C but exits 143 and does not tell the user to press Ctrl-C', async () => {
  const input = space.write('configs.jsonl', jsonl(10, () => ({ sleep: 400 })));
  const out = space.path('results.jsonl');
  const run = spawnBin(['run', task, '-i', input, '-o', out, '-w', '2'], { cwd: space.dir, env: { FORKLINE_SPEC_LOG: space.log } });
  await until(() => readExecutions(space.log).length >= 2, 'two calls to start');
  run.child.kill('SIGTERM');
  const { code, stderr, stdout } = await run.finished;
  expect(code).toBe(143);
  expect(stderr).toContain('Stopping: no new calls');
  expect(stderr).toContain('Another SIGTERM to kill them.');
  expect(stderr).not.toContain('Ctrl-C');
  expect(stdout).toContain('interrupted');
  const written = readResults(out);
  expect(written.every((record) => record.ok)).toBe(true);
  // The last progress line counts only calls that ran: not 10/10 with cancelled ones among them.
  const counts = [...stderr.matchAll(/(\d+)\/(\d+) calls/g)].at(-1);
  expect(counts?.[1]).toBe(String(written.length));
  expect(Number(counts?.[1])).toBeLessThan(Number(counts?.[2]));
});
