/**
 * Where Redis is, as users write it: a string must be a Redis URL (ioredis would take
 * `http://host` for a Redis on that host and retry it in silence), and a worker that cannot reach
 * its Redis says so instead of waiting without a word.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isConnection } from '../../../lib/queue/connection.js';
import { withQueue } from '../../../lib/queue/index.js';

const CLI = fileURLToPath(new URL('../../../dist/lib/cli/main.js', import.meta.url));

test('a string connection is a redis://, rediss:// or unix:// URL', () => {
  for (const url of ['redis://127.0.0.1:6379', 'rediss://user:secret@host:6380/0', 'unix:///tmp/r.sock']) expect(isConnection(url)).toBe(true);
  for (const url of ['http://127.0.0.1:6379', '127.0.0.1:6379', '']) expect(isConnection(url)).toBe(false);
  expect(() => withQueue({ connection: 'http://127.0.0.1:6379', queue: 'q' })).toThrow(
    'Expected `connection` to be a redis://, rediss:// or unix:// URL, ioredis options or an ioredis client, got `"http://127.0.0.1:6379"` (string).',
  );
});

function worker(redis: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'worker', '--redis', redis, '--queue', 'q'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('cannot reach Redis')) child.kill('SIGTERM');
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

test('forkline worker refuses a --redis that is not a Redis URL, with a usage error', async () => {
  const { code, stderr } = await worker('http://127.0.0.1:6379');
  expect(code).toBe(2);
  expect(stderr).toContain('--redis expects a redis://, rediss:// or unix:// URL, got "http://127.0.0.1:6379"');
});

test('forkline worker says when it cannot reach its Redis, naming where, and stops on SIGTERM', async () => {
  // Port 1: nothing listens there; ioredis retries for ever, the worker says so at once.
  const { stderr } = await worker('redis://127.0.0.1:1');
  expect(stderr).toMatch(/forkline worker \d+ cannot reach Redis at 127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\); retrying until it answers/);
});
