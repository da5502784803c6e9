/**
 * `forkline run … | head -1`: the reader of stdout goes away. The host must not crash on EPIPE,
 * and children printing to the closed pipe must not die one per call.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN, jsonl, readResults, workspacePerTest } from './helpers.js';

const task = `${fileURLToPath(new URL('../fixtures/batch-prints.ts', import.meta.url))}#noisy`;
const space = workspacePerTest();

test('stdout closed after its first line: the batch finishes, every call succeeds, no EPIPE crash', async () => {
  const input = space.write('configs.jsonl', jsonl(40));
  // A task that prints: children write to the same pipe as the host.
  const child = spawn(BIN, ['run', task, '-i', input, '-o', 'out.jsonl', '-w', '2'], {
    cwd: space.dir,
    env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // `head -1`: read one chunk, then close the read end.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  expect(stderr).not.toContain('EPIPE');
  expect(code).toBe(0);
  const records = readResults(space.path('out.jsonl'));
  expect(records).toHaveLength(40);
  expect(records.every((record) => record.ok)).toBe(true);
});
