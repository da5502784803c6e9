/**
 * forkline installed as a user installs it (./packed.ts): there the quick start runs in
 * TypeScript and in plain JavaScript, `require('forkline')` works, and a TypeScript CommonJS host
 * runs or is refused clearly, on the Node line that runs the spec. What the package holds and its
 * published types, the same on every line, are spec/toolchain/packed-types.spec.ts.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packedApp, root } from './packed.js';

const execFileAsync = promisify(execFile);
let app: string;

async function run(command: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd: app, env: { ...process.env, NODE_OPTIONS: '' } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

const QUICK_START_OUTPUT = ['fib(25) = 75025', 'fib(30) = 832040', 'fib(32) = 2178309'];

beforeAll(async () => {
  app = (await packedApp('forkline-installed-')).dir;
  for (const file of ['jobs.ts', 'main.ts']) copyFileSync(join(root, 'docs/quickstart', file), join(app, file));
}, 240_000);

afterAll(() => {
  rmSync(app, { recursive: true, force: true });
});

test('the TypeScript quick start runs', async () => {
  const { stdout, stderr, code } = await run(process.execPath, ['--import', 'forkline/register', 'main.ts']);
  expect([code, stderr]).toEqual([0, '']);
  expect(stdout.trimEnd().split('\n').slice(0, 3).sort()).toEqual(QUICK_START_OUTPUT);
});

test('the quick start runs in plain JavaScript, with nothing but node', async () => {
  writeFileSync(join(app, 'jobs.mjs'), 'export function fib(n) {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}\n');
  writeFileSync(
    join(app, 'main.mjs'),
    [
      "import { Scheduler, taskModule } from 'forkline';",
      "const jobs = taskModule(new URL('./jobs.mjs', import.meta.url));",
      'const scheduler = Scheduler.withProcesses(2);',
      'const fib = scheduler.task(jobs.fib);',
      "scheduler.on('start', () => { for (const n of [25, 30, 32]) fib.submit(n); });",
      "fib.on('result', (future, value) => console.log(`fib(${future.call.args[0]}) = ${value}`));",
      'console.log(await scheduler.run());',
      '',
    ].join('\n'),
  );
  const { stdout, stderr, code } = await run(process.execPath, ['main.mjs']);
  expect([code, stderr]).toEqual([0, '']);
  expect(stdout.trimEnd().split('\n').slice(0, 3).sort()).toEqual(QUICK_START_OUTPUT);
});

test("require('forkline') works from CommonJS", async () => {
  const { stdout, stderr } = await run(process.execPath, ['-e', "const { Scheduler, taskRef } = require('forkline'); console.log(typeof Scheduler.withProcesses, typeof taskRef)"]);
  expect(stderr).toBe('');
  expect(stdout).toBe('function function\n');
});

test('a TypeScript CommonJS host runs on Node 24+, and is refused with the reason and the fix before', async () => {
  writeFileSync(
    join(app, 'main.cts'),
    [
      "const { Scheduler, taskRef } = require('forkline') as typeof import('forkline');",
      "const scheduler = Scheduler.withProcesses(1);",
      "const fib = scheduler.task(taskRef<(n: number) => number>(require('node:path').join(__dirname, 'jobs.ts'), 'fib'));",
      "fib.on('result', (_future, value) => console.log(`fib(20) = ${value}`));",
      'scheduler.on(\'start\', () => void fib.submit(20));',
      'void scheduler.run();',
      '',
    ].join('\n'),
  );
  const { stdout, stderr, code } = await run(process.execPath, ['--import', 'forkline/register', 'main.cts']);
  if (Number(process.versions.node.split('.')[0]) >= 24) {
    expect([code, stderr, stdout]).toEqual([0, '', 'fib(20) = 6765\n']);
  } else {
    expect(code).toBe(1);
    expect(stderr).toContain('as a CommonJS host on Node');
    expect(stderr).toContain('Make the host an ES module (.mts, or "type": "module" in package.json), compile it with tsc, or use Node 24 or later.');
  }
});
