import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

test('DEBUG=forkline:* logs the run, the children and every frame to stderr; without it, nothing', async () => {
  const host = ['spec/fixtures/hosts/print.mjs'];
  const env = { ...process.env, NODE_OPTIONS: '' };
  const quiet = await run(process.execPath, host, { cwd: root, env: { ...env, DEBUG: '' } });
  // The task itself writes one line to stderr.
  expect(quiet.stderr.split('\n').filter((line) => line.startsWith('forkline'))).toEqual([]);

  const { stderr } = await run(process.execPath, host, { cwd: root, env: { ...env, DEBUG: 'forkline:*' } });
  expect(stderr).toMatch(/^forkline:scheduler run starts/m);
  expect(stderr).toMatch(/^forkline:pool child \d+ started/m);
  expect(stderr).toMatch(/^forkline:ipc host -> \d+ \[ \{ t: 'define'.*\{ t: 'run'/m);
  expect(stderr).toMatch(/^forkline:ipc \d+ -> host \[ \{ t: 'ready'/m);
  expect(stderr).toMatch(/^forkline:scheduler run ends: exhausted/m);
});
