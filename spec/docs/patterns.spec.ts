/**
 * The usage patterns in docs/patterns run, as users would run them, and do what they say.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { childPids, eventually, isAlive } from '../helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

async function pattern(name: string): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'forkline/register', `docs/patterns/${name}.ts`], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(stderr).toBe('');
  return stdout;
}

test('one-result: await a single call', async () => {
  expect(await pattern('one-result')).toBe("12 squared is 144\n{ code: 'exhausted' }\n");
});

test('cli: a batch run with signals: true, to its end when nobody presses Ctrl-C', async () => {
  const lines = (await pattern('cli')).trimEnd().split('\n');
  expect(lines.slice(0, 5).sort()).toEqual(['fib(24) = 46368', 'fib(25) = 75025', 'fib(26) = 121393', 'fib(27) = 196418', 'fib(28) = 317811']);
  expect(lines[5]).toBe('done: 5 of 5');
});

test('warm: children warmed while the program reads its input run its calls', async () => {
  const lines = (await pattern('warm')).trimEnd().split('\n');
  expect(lines.slice(0, 4).sort()).toEqual(['fib(20) = 6765', 'fib(21) = 10946', 'fib(22) = 17711', 'fib(23) = 28657']);
  expect(lines[4]).toBe("{ code: 'exhausted' }");
});

test('service: an HTTP server on a long-lived pool answers every request, the one whose call fails included, and closes cleanly', async () => {
  const server = spawn(process.execPath, ['--import', 'forkline/register', 'docs/patterns/service.ts'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  server.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(server, 'exit');
  try {
    await eventually(() => /port: \d+/.test(stdout), 'the server to listen', 10_000);
    const port = Number(/port: (\d+)/.exec(stdout)?.[1]);
    const get = async (n: number) => {
      const response = await fetch(`http://127.0.0.1:${port}/?n=${n}`);
      return `${response.status} ${await response.text()}`;
    };

    // Many requests at once, one of them failing in its child, then more after it.
    const first = await Promise.all([10, 20, -1, 15, 25, 5].map(get));
    const later = await Promise.all([1, 2, 3].map(get));
    const last = await get(30);

    expect(first).toEqual([
      '200 fib(10) = 55\n',
      '200 fib(20) = 6765\n',
      '400 fib(n) needs an integer n >= 0, got -1\n',
      '200 fib(15) = 610\n',
      '200 fib(25) = 75025\n',
      '200 fib(5) = 5\n',
    ]);
    expect(later).toEqual(['200 fib(1) = 1\n', '200 fib(2) = 1\n', '200 fib(3) = 2\n']);
    expect(last).toBe('200 fib(30) = 832040\n');

    const workers = childPids(server.pid);
    expect(workers).toHaveLength(2);
    server.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(stdout).toContain("closed { code: 'stopped', message: 'closed' }\n");
    expect(stderr).toBe('');
    for (const pid of workers) expect(isAlive(pid)).toBe(false);
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
  }
});
