/**
 * An app's own shutdown on `process.once('SIGTERM')`: the hook that stops the children when the
 * host exits (execa's, through signal-exit) must not re-raise the signal and kill the host
 * mid-shutdown. It did when that hook was installed after the app's listener, which a `once`
 * listener has removed by the time the hook looks.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually, expectNoChildren, fixture } from '../helpers.js';

afterEach(expectNoChildren);

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
