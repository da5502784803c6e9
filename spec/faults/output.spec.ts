/**
 * Every byte a task writes reaches the host's stdout and stderr before its child exits, also when
 * they are pipes whose reader is slow (issue 9, item 2): CI logs, docker, `| tee`. Before, a child
 * closed at the end of a run, by maxTasksPerWorker or by idleTimeout exited while Node still held
 * its pipe writes in memory.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const host = fileURLToPath(new URL('../fixtures/hosts/print-lines.mjs', import.meta.url));
const LINES = 20_000;

/** Runs the host with its output on pipes that nobody reads for the first second. */
async function runReadingLate(stream: 'stdout' | 'stderr', closedBy: string): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'forkline/register', host, String(LINES), stream, closedBy], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const chunks: Buffer[] = [];
  child[stream].on('data', (chunk: Buffer) => chunks.push(chunk));
  child[stream === 'stdout' ? 'stderr' : 'stdout'].resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, lines: Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean) };
}

test.each([
  ['stdout', 'the end of the run'],
  ['stderr', 'the end of the run'],
  ['stdout', 'maxTasksPerWorker'],
  ['stdout', 'idleTimeout'],
] as const)('all %s lines reach a pipe read late, with the child closed by %s', async (stream, closedBy) => {
  const { code, lines } = await runReadingLate(stream, closedBy);
  expect(code).toBe(0);
  expect(lines).toHaveLength(LINES + 1);
  expect(lines[0]).toBe('line 0 of a task that prints a lot');
  expect(lines[LINES - 1]).toBe(`line ${LINES - 1} of a task that prints a lot`);
  expect(lines[LINES]).toBe('host done');
});
