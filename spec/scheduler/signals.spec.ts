/**
 * run({ signals: true }) handles Ctrl-C like a good CLI, tested as a terminal does it: the host
 * runs in its own process group, and SIGINT goes to the whole group, children included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { childPids, eventually, expectNoChildren, fixture, isAlive } from '../helpers.js';

afterEach(expectNoChildren);

interface Host {
  readonly process: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<unknown[]>;
  /** The pids of the two children, once both run a call. */
  running(): Promise<number[]>;
}

const hosts: ChildProcess[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) if (host.exitCode === null && host.signalCode === null) process.kill(-host.pid!, 'SIGKILL');
});

function startHost(ms: number, file = 'hosts/cli.mjs'): Host {
  const child = spawn(process.execPath, [fileURLToPath(fixture(file)), String(ms)], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a shell gives a foreground job.
    detached: true,
  });
  hosts.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    running: async () => {
      await eventually(() => /^running/m.test(stdout), 'both children to run a call', 15_000);
      const named = /running (\d+) (\d+)/.exec(stdout);
      return named ? named.slice(1).map(Number) : childPids(child.pid);
    },
  };
}

/** Ctrl-C in a terminal: SIGINT to every process of the foreground group. */
const ctrlC = (host: Host) => process.kill(-host.process.pid!, 'SIGINT');

const lines = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix));

test('the first Ctrl-C stops gracefully and says so: the running calls finish, the rest are cancelled, exit code 130', async () => {
  const host = startHost(1500);
  const children = await host.running();

  ctrlC(host);

  expect(await host.exited).toEqual([130, null]);
  expect(host.stderr()).toBe(
    '\nforkline: SIGINT: stopping, cancelling the calls not started, waiting for the running ones. Ctrl-C again to stop them now.\n',
  );
  // The children ignored the group's SIGINT: their calls finished.
  expect(lines(host.stdout(), 'result')).toHaveLength(2);
  expect(lines(host.stdout(), 'cancelled')).toHaveLength(4);
  expect(host.stdout()).toContain('{"code":"stopped","message":"received SIGINT","signal":"SIGINT"}\n');
  for (const pid of children) expect(isAlive(pid)).toBe(false);
});

test('the second Ctrl-C stops the running calls now and kills their children', async () => {
  // Calls of a minute: a graceful stop would outlast the test.
  const host = startHost(60_000);
  const children = await host.running();

  ctrlC(host);
  await eventually(() => host.stderr().includes('Ctrl-C again'), 'the first line');
  ctrlC(host);

  expect(await host.exited).toEqual([130, null]);
  expect(host.stderr()).toContain('forkline: SIGINT again: stopping the running calls now.\n');
  expect(lines(host.stdout(), 'result')).toHaveLength(0);
  expect(lines(host.stdout(), 'cancelled')).toHaveLength(6);
  await eventually(() => children.every((pid) => !isAlive(pid)), 'the children to be gone');
});

test('a third Ctrl-C exits at once, while children that ignore SIGTERM are still being stopped; they go too', async () => {
  const host = startHost(0, 'hosts/cli-stubborn.mjs');
  const children = await host.running();
  expect(children).toHaveLength(2);

  ctrlC(host);
  await eventually(() => host.stderr().includes('Ctrl-C again'), 'the first line');
  ctrlC(host);
  await eventually(() => host.stderr().includes('SIGINT again'), 'the second line');
  // The children ignore SIGTERM and SIGKILL is a minute away: only the third Ctrl-C ends this.
  ctrlC(host);

  expect(await host.exited).toEqual([130, null]);
  expect(host.stderr()).toContain('forkline: SIGINT a third time: exiting now.\n');
  // Orphaned children notice their host is gone and end themselves.
  await eventually(() => children.every((pid) => !isAlive(pid)), 'the children to be gone');
});

test('SIGTERM (a service manager, kill) stops the same way, with exit code 143', async () => {
  const host = startHost(1000);
  const children = await host.running();

  host.process.kill('SIGTERM');

  expect(await host.exited).toEqual([143, null]);
  expect(host.stderr()).toContain('forkline: SIGTERM: stopping, cancelling the calls not started, waiting for the running ones. SIGTERM again to stop them now.\n');
  expect(lines(host.stdout(), 'result')).toHaveLength(2);
  for (const pid of children) expect(isAlive(pid)).toBe(false);
});
