/**
 * What `npm pack` ships, and the quick start type-checked against the published .d.ts in an
 * install made as a user makes it (./packed.ts). Neither depends on the Node line that runs it
 * (the tarball is the same bytes, tsc gives the same verdict), so `.ci/run` runs this file on
 * Node 20 only; what does depend on the line is spec/toolchain/packed-install.spec.ts.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packedApp, root, type PackedApp } from './packed.js';

const execFileAsync = promisify(execFile);
let app: PackedApp;

async function run(command: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd: app.dir, env: { ...process.env, NODE_OPTIONS: '' } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

beforeAll(async () => {
  app = await packedApp('forkline-installed-types-');
  for (const file of ['jobs.ts', 'main.ts']) copyFileSync(join(root, 'docs/quickstart', file), join(app.dir, file));
}, 240_000);

afterAll(() => {
  rmSync(app.dir, { recursive: true, force: true });
});

test('the package holds its build, LICENSE, README and CHANGELOG, and no specs', async () => {
  const { stdout } = await run('tar', ['-tzf', app.tarball]);
  const files = stdout.split('\n');
  for (const file of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/workers/child.js', 'dist/workers/typescript/register.js', 'LICENSE', 'README.md', 'CHANGELOG.md']) {
    expect(files).toContain(`package/${file}`);
  }
  expect(files.filter((file) => file.includes('spec/'))).toEqual([]);
});

test('the TypeScript quick start type-checks against the published types', async () => {
  writeFileSync(
    join(app.dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: false }, files: ['main.ts'] }),
  );
  const { stdout, code } = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']);
  expect([code, stdout]).toEqual([0, '']);
  // skipLibCheck off checks the published .d.ts, and @types/node with them: seconds on a busy machine.
}, 120_000);
