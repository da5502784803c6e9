/**
 * A task's own output vs the CLI's: with --json, stdout carries only JSON lines and what tasks
 * print goes to stderr, every line of it.
 */
import { fileURLToPath } from 'node:url';
import { jsonl, runBin, workspacePerTest } from './helpers.js';

const task = `${fileURLToPath(new URL('../fixtures/batch-prints.ts', import.meta.url))}#noisy`;
const space = workspacePerTest();

test('--json: stdout is JSON lines only; the lines tasks print reach stderr, all of them', async () => {
  const input = space.write('configs.jsonl', jsonl(20));
  const { code, stdout, stderr } = await runBin(['run', task, '-i', input, '-o', 'out.jsonl', '-w', '2', '--json'], { cwd: space.dir });
  expect(code).toBe(0);
  const lines = stdout.trim().split('\n');
  for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  expect(lines.at(-1)).toContain('"type":"summary"');
  for (let n = 1; n <= 20; n++) expect(stderr).toContain(`working on ${n}\n`);
});

test('without --json and without a terminal, task output stays on stdout', async () => {
  const input = space.write('configs.jsonl', jsonl(3));
  const { code, stdout } = await runBin(['run', task, '-i', input, '-o', 'out.jsonl', '-w', '1'], { cwd: space.dir });
  expect(code).toBe(0);
  expect(stdout).toContain('working on 3\n');
});
