/**
 * docs/scale-out.md runs as it says: a real Redis, the worker command exactly as the guide
 * writes it and the QueueWorker example (docs/scale-out/worker.ts) as the two workers, and the
 * host examples in docs/scale-out/ printing what the guide shows; the ACL user of its security
 * section is created with the guide's own command and used by docs/scale-out/secure.ts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { childPids, eventually, isAlive } from '../helpers.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const guide = readFileSync(join(root, 'docs/scale-out.md'), 'utf8');
const env = { ...process.env, NODE_OPTIONS: '' };

/** The guide's one `forkline worker` command line. */
function workerCommand(): string[] {
  const lines = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) => (match[1] ?? '').split('\n')).filter((line) => line.startsWith('npx forkline worker'));
  expect(lines).toHaveLength(1);
  return lines[0]!.split(/\s+/).slice(2);
}

/** The text block the guide shows after `host.ts`. */
function shownOutput(): string {
  return /prints:\n\n```text\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
}

let redis: TestRedis;
const workers: { process: ChildProcess; output: () => string }[] = [];

function start(args: string[], ready: string, extraEnv: Record<string, string> = {}): Promise<void> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  workers.push({ process: child, output: () => output });
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) resolve();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
  });
}

beforeAll(async () => {
  redis = await startRedis();
  // The command as the guide writes it (`npx forkline` is the built CLI), with this Redis.
  const args = workerCommand().map((arg) => (arg.startsWith('redis://') ? redis.url : arg));
  await Promise.all([
    start([join(root, 'dist/lib/cli/main.js'), ...args], ', ready\n'),
    start(['--import', 'forkline/register', 'docs/scale-out/worker.ts'], 'worker ready\n', { REDIS_URL: redis.url }),
  ]);
});

afterAll(async () => {
  for (const { process: child } of workers) child.removeAllListeners('exit');
  const exits = workers.map(({ process: child }) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : Promise.resolve([child.exitCode, child.signalCode])));
  for (const { process: child } of workers) child.kill('SIGTERM');
  await Promise.all(exits);
  await redis.stop();
});

const host = (file: string, extraEnv: Record<string, string>) =>
  run(process.execPath, ['--import', 'forkline/register', `docs/scale-out/${file}`], { cwd: root, env: { ...env, ...extraEnv } });

test('the worker command is the one the guide documents, flags included', () => {
  expect(workerCommand()).toEqual(['worker', '--redis', 'redis://127.0.0.1:6379', '--queue', 'experiments', '--concurrency', '2']);
  for (const flag of ['--redis', '--queue', '--concurrency', '--root', '--prefix', '--lock-duration', '--stalled-interval', '--kill-grace-period']) expect(guide).toContain(`| \`${flag}`);
});

test('host.ts prints what the guide shows: results, the task\'s own error, Comm both ways', async () => {
  const { stdout, stderr } = await host('host.ts', { REDIS_URL: redis.url });
  expect(stderr).toBe('');
  expect(stdout).toBe(shownOutput());
  expect(stdout).toBe('[ 75025, 832040 ]\nRangeError: fib() takes an integer >= 0, got -1\nepoch 1: loss 1.00\nepoch 2: loss 0.50\nepoch 3: loss 0.33\ntrained 3 epochs\n');
});

test("outcomes.ts reads back what host.ts's calls returned, after host.ts has exited", async () => {
  const { stdout, stderr } = await host('outcomes.ts', { REDIS_URL: redis.url });
  expect(stderr).toBe('');
  // In the order host.ts submitted them, with their arguments.
  expect(stdout).toBe('fib(25): fulfilled 75025\nfib(30): fulfilled 832040\nfib(-1): rejected RangeError: fib() takes an integer >= 0, got -1\ntrain(10): fulfilled 3\n');
});

test('retries.ts runs with crashRetries: 2', async () => {
  const { stdout, stderr } = await host('retries.ts', { REDIS_URL: redis.url });
  expect(stderr).toBe('');
  expect(stdout).toBe('6765\n');
});

test("secure.ts connects as the guide's ACL user, which has every permission BullMQ and forkline use", async () => {
  const command = /`(ACL SETUSER forkline [^`]+)`/.exec(guide)?.[1];
  expect(command).toBeDefined();
  const admin = new Redis({ path: redis.socket });
  try {
    const [, ...words] = command!.replace('>PASSWORD', '>s3cret').split(' ');
    expect(await admin.call('ACL', ...words)).toBe('OK');
    await admin.call('ACL', 'LOG', 'RESET');
    const { stdout, stderr } = await host('secure.ts', { REDIS_SOCKET: redis.socket, REDIS_PASSWORD: 's3cret' });
    expect(stderr).toBe('');
    expect(stdout).toBe('55\n');
    // Nothing the host did as that user was refused (a refusal would be logged here).
    expect(await admin.call('ACL', 'LOG')).toEqual([]);
  } finally {
    admin.disconnect();
  }
});

test('the first SIGTERM lets a worker finish and exit 0, its children with it', async () => {
  const [cli] = workers;
  const children = childPids(cli!.process.pid);
  expect(children.length).toBeGreaterThan(0);
  cli!.process.removeAllListeners('exit');
  const exited = once(cli!.process, 'exit');
  cli!.process.kill('SIGTERM');
  expect(await exited).toEqual([0, null]);
  expect(cli!.output()).toContain('forkline worker: finishing the running calls (again to cancel them)\n');
  await eventually(() => children.every((pid) => !isAlive(pid)), "the worker's children to exit");
});
