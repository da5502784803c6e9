/**
 * The host going away, however it goes, takes its children with it: children run long
 * synchronous loops here, so they cannot even notice their channel closing by themselves.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, isAlive } from '../helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function busyHost(mode: 'wait' | 'exit'): Promise<{ host: ReturnType<typeof spawn>; children: number[] }> {
  const host = spawn(process.execPath, ['spec/fixtures/hosts/busy.mjs', mode], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
  const children: number[] = [];
  host.stdout.setEncoding('utf8');
  host.stdout.on('data', (chunk: string) => {
    for (const match of chunk.matchAll(/busy (\d+)/g)) children.push(Number(match[1]));
  });
  await eventually(() => children.length === 2, 'both children to be busy', 10_000);
  return { host, children };
}

const cases = [
  ['SIGKILL', 1500],
  ['SIGTERM', 3000],
  ['SIGINT', 3000],
] as const;

test.each(cases)('host killed with %s: both busy children are gone within %d ms', async (signal, within) => {
  const { host, children } = await busyHost('wait');
  const exited = new Promise((resolve) => host.once('exit', resolve));
  host.kill(signal);
  await exited;
  const killedAt = Date.now();
  await eventually(() => children.every((pid) => !isAlive(pid)), `children ${children.join(', ')} to exit`, within);
  expect(Date.now() - killedAt).toBeLessThanOrEqual(within);
});

test('host calling process.exit(): both busy children are gone', async () => {
  const { host, children } = await busyHost('exit');
  await new Promise((resolve) => host.once('exit', resolve));
  await eventually(() => children.every((pid) => !isAlive(pid)), `children ${children.join(', ')} to exit`, 3000);
});
