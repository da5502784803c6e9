/**
 * The results file belongs to one batch: not the input, not two runs at once (a lock file with
 * the owner's pid), and --resume only with the task that wrote it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BATCH_TASK, jsonl, readResults, runBin, spawnBin, until, workspacePerTest } from './helpers.js';

const task = `${BATCH_TASK}#square`;
const space = workspacePerTest();

test('--input and --out the same file is a usage error, and the input is untouched', async () => {
  const input = space.write('configs.jsonl', jsonl(2));
  const same = await runBin(['run', task, '-i', input, '-o', 'configs.jsonl', '--resume'], { cwd: space.dir });
  expect(same.code).toBe(2);
  expect(same.stderr).toContain('--input and --out are the same file (configs.jsonl)');
  expect(readFileSync(input, 'utf8')).toBe(jsonl(2));
});

test('a second run on the same --out is refused while the first runs; a stale lock of a dead pid is taken over', async () => {
  const input = space.write('configs.jsonl', jsonl(2, () => ({ sleep: 3000 })));
  const first = spawnBin(['run', task, '-i', input, '-o', 'results.jsonl', '-w', '2'], { cwd: space.dir, env: { FORKLINE_SPEC_LOG: space.log } });
  await until(() => existsSync(space.path('results.jsonl.lock')), 'the lock');
  const second = await runBin(['run', task, '-i', input, '-o', 'results.jsonl', '-w', '1', '--resume'], { cwd: space.dir });
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(`results.jsonl is being written by another forkline run (pid ${first.child.pid}`);
  expect((await first.finished).code).toBe(0);
  expect(existsSync(space.path('results.jsonl.lock'))).toBe(false);
  expect(readResults(space.path('results.jsonl'))).toHaveLength(2);
  // A lock left by a run that died: pid 2^22 + 1 is above Linux's pid_max, so nobody's.
  writeFileSync(space.path('other.jsonl.lock'), `${2 ** 22 + 1}\n`);
  const quick = space.write('quick.jsonl', jsonl(2));
  const taken = await runBin(['run', task, '-i', quick, '-o', 'other.jsonl', '-w', '1'], { cwd: space.dir });
  expect(taken.code).toBe(0);
  expect(existsSync(space.path('other.jsonl.lock'))).toBe(false);
});

test('--resume refuses results written by another task, with exit 2 and the fix; each record names its task', async () => {
  const input = space.write('configs.jsonl', jsonl(2));
  const first = await runBin(['run', task, '-i', input, '-o', 'results.jsonl', '-w', '1'], { cwd: space.dir });
  expect(first.code).toBe(0);
  expect(readResults(space.path('results.jsonl'))[0]).toMatchObject({ task: expect.stringMatching(/batch\.ts#square$/) as unknown });
  const other = await runBin(['run', `${BATCH_TASK}#other`, '-i', input, '-o', 'results.jsonl', '-w', '1', '--resume'], { cwd: space.dir });
  expect(other.code).toBe(2);
  expect(other.stderr).toMatch(/--resume: results\.jsonl holds results of the task \S*batch\.ts#square, not \S*batch\.ts#other\. Resume with the task that wrote it, or write to a new --out/);
  expect(other.stdout).toBe('');
});
