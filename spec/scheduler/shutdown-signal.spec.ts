/**
 * An app's own shutdown on `process.once('SIGTERM')`, registered before its pool starts, runs to
 * its end. execa's cleanup hook (signal-exit) re-raised a signal it found no other listener for,
 * which a `once` listener has removed by the time the hook looks: the app died mid-shutdown.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually, expectNoChildren, fixture } from '../helpers.js';

afterEach(expectNoChildren);

function startHost(file: string) {
  const host = spawn(process.execPath, [fileURLToPath(fixture(file))], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  host.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = once(host, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { host, exited, stdout: () => stdout };
}

test("start({ signals: true }): a SIGTERM closes the pool, its running call's result included, then the process exits 143", async () => {
  const { host, exited, stdout } = startHost('hosts/service-signals.mjs');
  try {
    await eventually(() => stdout().includes('running'), 'the call to run', 15_000);
    host.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal, stdout: stdout() }).toEqual({ code: 143, signal: null, stdout: 'running\nresult 1500\n' });
  } finally {
    if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
  }
});

test("a host's process.once('SIGTERM') shutdown runs to its end, the running call's result included", async () => {
  const host = spawn(process.execPath, [fileURLToPath(fixture('hosts/once-sigterm.mjs'))], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  host.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = once(host, 'exit');
  try {
    await eventually(() => stdout.includes('running'), 'the call to run', 15_000);
    host.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal, stdout }).toEqual({ code: 0, signal: null, stdout: 'running\nclosed 1500\n' });
  } finally {
    if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
  }
});
