/**
 * The usage patterns in docs/patterns run, as users would run them, and print what they say.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

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

test('service: a long-lived run fed from outside its handlers', async () => {
  expect(await pattern('service')).toBe("[ 9, 16, 25 ]\n{ code: 'stopped', message: 'shutting down' }\n");
});
