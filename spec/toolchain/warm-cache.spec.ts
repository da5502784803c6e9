/**
 * What a warm transpile cache reuses, and what it must not (issue 15): a child whose modules are
 * all cached loads neither the transform nor the tsconfig reader (get-tsconfig), yet every change
 * that would change the output is seen: a tsconfig added nearer to the module, an edit that keeps
 * the file's size and mtime, and a cache file holding another module's output under this one's name.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Scheduler, taskRef } from 'forkline';
import type * as Machinery from '../fixtures/loaded-machinery.ts';
import { expectNoChildren, fixtureModule, tempDirs } from '../helpers.js';

const machinery = fixtureModule<typeof Machinery>('loaded-machinery.ts');
const temporary = tempDirs('forkline-warm-cache-');

afterEach(expectNoChildren);

/** What `name` in `module` returns in a new child whose cache directory is `cache`. */
async function runIn<R>(cache: string, module: URL | string, name: string): Promise<R> {
  const scheduler = Scheduler.withProcesses(1, { env: { FORKLINE_CACHE_DIR: cache } });
  const task = scheduler.task(taskRef<() => R>(module, name));
  const results: R[] = [];
  task.on('result', (_future, value) => void results.push(value));
  task.on('exception', (_future, error) => {
    throw error;
  });
  scheduler.on('start', () => void task.submit());
  await scheduler.run();
  expect(results).toHaveLength(1);
  return results[0] as R;
}

/** An ES module project with a tsconfig whose output stripping can give; `files` written into it. */
function project(files: Record<string, string>): string {
  const root = temporary();
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', verbatimModuleSyntax: true } }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const inThreadHooks = typeof (nodeModule as { registerHooks?: unknown }).registerHooks === 'function';

test('a child whose modules are cached loads neither the transform nor the tsconfig reader', async () => {
  const cache = temporary();
  const cold = await runIn<string[]>(cache, machinery.loadedMachinery.module, 'loadedMachinery');
  const warm = await runIn<string[]>(cache, machinery.loadedMachinery.module, 'loadedMachinery');
  if (inThreadHooks) {
    // The first child transformed the module and read its tsconfig; the second replayed both.
    expect(cold).toEqual(expect.arrayContaining(['transform.js', 'tsconfig.js']));
    expect(warm).toEqual([]);
  } else {
    // Node 20 runs the hooks on a thread of their own, whose modules this thread cannot see.
    expect([cold, warm]).toEqual([[], []]);
  }
});

test('a tsconfig added nearer to the module after a run decides the next child: the recorded project is not reused', async () => {
  const source = 'class Probe {\n  field?: string;\n}\nexport function definesFields(): boolean {\n  return Object.hasOwn(new Probe(), "field");\n}\n';
  const root = project({ 'sub/probe.ts': source });
  const module = pathToFileURL(join(root, 'sub/probe.ts'));
  const cache = temporary();
  expect(await runIn<boolean>(cache, module, 'definesFields')).toBe(true);
  expect(await runIn<boolean>(cache, module, 'definesFields')).toBe(true);
  writeFileSync(join(root, 'sub/tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { useDefineForClassFields: false } }));
  expect(await runIn<boolean>(cache, module, 'definesFields')).toBe(false);
});

test('an edit that keeps the size and the mtime of the file runs the new code', async () => {
  const root = project({ 'version.ts': "export function version(): string {\n  return 'one';\n}\n" });
  const file = join(root, 'version.ts');
  const module = pathToFileURL(file);
  const cache = temporary();
  // Whole seconds, which every file system keeps exactly.
  const mtime = 1_700_000_000;
  utimesSync(file, mtime, mtime);
  expect(await runIn<string>(cache, module, 'version')).toBe('one');
  const before = statSync(file);
  writeFileSync(file, readFileSync(file, 'utf8').replace("'one'", "'two'"));
  utimesSync(file, mtime, mtime);
  expect(statSync(file)).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs });
  expect(await runIn<string>(cache, module, 'version')).toBe('two');
});

test("a cache file holding another module's output under this module's name is not used", async () => {
  const root = project({
    'genuine.ts': "export function whoRan(): string {\n  return 'genuine';\n}\n",
    'other.ts': "export function whoRan(): string {\n  return 'other';\n}\n",
  });
  const cache = temporary();
  const otherCache = temporary();
  expect(await runIn<string>(cache, pathToFileURL(join(root, 'genuine.ts')), 'whoRan')).toBe('genuine');
  expect(await runIn<string>(otherCache, pathToFileURL(join(root, 'other.ts')), 'whoRan')).toBe('other');
  const entry = (directory: string) => join(directory, readdirSync(directory).find((name) => name.endsWith('.js')) ?? 'none');
  writeFileSync(entry(cache), readFileSync(entry(otherCache), 'utf8'), { mode: 0o600 });
  expect(await runIn<string>(cache, pathToFileURL(join(root, 'genuine.ts')), 'whoRan')).toBe('genuine');
});
