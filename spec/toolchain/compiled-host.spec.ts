/**
 * One rule for task module references before and after `tsc`: a host built into dist/ by a real
 * tsc run (spec/fixtures/compiled-host/) names its tasks as `./jobs.js` (the NodeNext habit) and
 * as `./jobs.ts`; both work from source and from the output, where no .ts is shipped. A module
 * that is in neither form fails naming both paths tried. Children follow the host's source maps.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fixture } from '../helpers.js';
import { contentHash, makeOnce, root } from './run-cache.js';

const run = promisify(execFile);
let host: string;

interface Printed {
  byJs: number;
  byTs: number;
  failedAt: string;
  missing: string;
}

async function main(...args: string[]): Promise<Printed> {
  const { stdout, stderr } = await run(process.execPath, args, { cwd: host, env: { ...process.env, NODE_OPTIONS: '' } });
  expect(stderr).toBe('');
  return JSON.parse(stdout) as Printed;
}

beforeAll(async () => {
  host = mkdtempSync(join(tmpdir(), 'forkline-compiled-host-'));
  // tsc's output does not depend on the Node line: in CI it is built once per run (./run-cache.ts).
  await makeOnce(`compiled-host-${contentHash(['spec/fixtures/compiled-host', 'dist'])}`, host, async (into) => {
    cpSync(fileURLToPath(fixture('compiled-host')), into, { recursive: true });
    // The host's node_modules: forkline as installed, and the types its tsc build needs.
    mkdirSync(join(into, 'node_modules'));
    symlinkSync(root, join(into, 'node_modules', 'forkline'));
    symlinkSync(join(root, 'node_modules', '@types'), join(into, 'node_modules', '@types'));
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', into]);
  });
}, 60_000);

afterAll(() => {
  rmSync(host, { recursive: true, force: true });
});

test('from its tsc output: ./jobs.js and ./jobs.ts both run dist/jobs.js; a missing module names both paths', async () => {
  const printed = await main('dist/main.js');
  expect(printed).toMatchObject({ byJs: 9, byTs: 12 });
  expect(printed.failedAt).toContain(join(host, 'dist/jobs.js'));
  expect(printed.missing).toContain(`no file was found at ${join(host, 'dist/missing.js')} nor at ${join(host, 'dist/missing.ts')}`);
});

test("from its tsc output with --enable-source-maps: the child's stack points at the TypeScript source", async () => {
  const printed = await main('--enable-source-maps', 'dist/main.js');
  expect(printed).toMatchObject({ byJs: 9, byTs: 12 });
  expect(printed.failedAt).toContain(`${join(host, 'src/jobs.ts')}:7:9`);
});

test('from source: ./jobs.js finds src/jobs.ts', async () => {
  const printed = await main('--import', 'forkline/register', 'src/main.ts');
  expect(printed).toMatchObject({ byJs: 9, byTs: 12 });
  expect(printed.failedAt).toContain(`${join(host, 'src/jobs.ts')}:7:9`);
  expect(printed.missing).toContain(`no file was found at ${join(host, 'src/missing.js')} nor at ${join(host, 'src/missing.ts')}`);
});
