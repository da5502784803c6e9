/**
 * The small things a cold tester tripped on: each refusal says what is wrong and how to fix it,
 * with exit code 2, and touches nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BATCH_TASK, jsonl, readResults, runBin, workspacePerTest } from './helpers.js';

const task = `${BATCH_TASK}#square`;
const space = workspacePerTest();

test('--out in a directory that does not exist: a plain message, exit 2', async () => {
  const input = space.write('configs.jsonl', jsonl(1));
  const { code, stderr } = await runBin(['run', task, '-i', input, '-o', 'nowhere/results.jsonl'], { cwd: space.dir });
  expect(code).toBe(2);
  expect(stderr).toBe('forkline: the directory of --out nowhere/results.jsonl does not exist: create it, or choose another --out\n');
});

test('a duration without its unit is refused, naming the units', async () => {
  const input = space.write('configs.jsonl', jsonl(1));
  const { code, stderr } = await runBin(['run', task, '-i', input, '--wall-time', '30'], { cwd: space.dir });
  expect(code).toBe(2);
  expect(stderr).toContain('a number needs its unit: ms, s, m, min or h');
});

test('--monitor x does not overwrite an existing x.csv', async () => {
  const input = space.write('configs.jsonl', jsonl(1));
  space.write('x.csv', 'my data\n');
  const { code, stderr } = await runBin(['run', task, '-i', input, '--monitor', 'x'], { cwd: space.dir });
  expect(code).toBe(2);
  expect(stderr).toContain('--monitor would overwrite x.csv');
  expect(readFileSync(space.path('x.csv'), 'utf8')).toBe('my data\n');
});

test('--resume on a changed input: the refusal, and no summary telling the user to add --resume', async () => {
  const input = space.write('configs.jsonl', jsonl(2));
  expect((await runBin(['run', task, '-i', input, '-w', '1'], { cwd: space.dir })).code).toBe(0);
  writeFileSync(input, jsonl(2, () => ({ sleep: 1 })));
  const { code, stdout, stderr } = await runBin(['run', task, '-i', input, '-w', '1', '--resume'], { cwd: space.dir });
  expect(code).toBe(2);
  expect(stderr).toContain('The input changed since that run');
  expect(stdout).not.toContain('add --resume');
});

test('a task that cannot load: the summary shows its whole error, fix included', async () => {
  const input = space.write('configs.jsonl', jsonl(1));
  const { code, stdout } = await runBin(['run', `${BATCH_TASK}#nope`, '-i', input, '-w', '1'], { cwd: space.dir });
  expect(code).toBe(1);
  const line = stdout.split('\n').find((text) => text.includes('TaskLoadError'));
  expect(line).toBeDefined();
  expect(line).not.toContain('…');
});

test('errors advise flags, not library options: --wall-time, not Limits({ wallTime }); JSON, not serialization', async () => {
  const input = space.write('configs.jsonl', jsonl(1, () => ({ sleep: 5000 })));
  const limited = await runBin(['run', task, '-i', input, '-o', 'limited.jsonl', '-w', '1', '--wall-time', '200ms'], { cwd: space.dir });
  expect(limited.code).toBe(1);
  const [breach] = readResults(space.path('limited.jsonl'));
  expect((breach!.error as { message: string }).message).toContain('Raise --wall-time');
  expect(limited.stdout).not.toContain('Limits(');
  const bigint = `${fileURLToPath(new URL('../fixtures/batch-throws.ts', import.meta.url))}#bigint`;
  const json = await runBin(['run', bigint, '-i', space.write('one.jsonl', jsonl(1)), '-o', 'bigint.jsonl', '-w', '1'], { cwd: space.dir });
  expect(json.code).toBe(1);
  const [record] = readResults(space.path('bigint.jsonl'));
  expect(record!.error).toMatchObject({ class: 'SerializationError' });
  expect((record!.error as { message: string }).message).toContain('forkline run sends and writes JSON');
  expect((record!.error as { message: string }).message).not.toContain("serialization: 'advanced'");
});
