/**
 * A TypeScript task module runs as its project's tsconfig says, with `extends` followed: legacy
 * decorators and their metadata, class fields assigned rather than defined, JSX with the
 * project's factory, and imports through a `paths` alias. Its project is
 * spec/fixtures/project/, which the repo's own tsconfig leaves to it.
 *
 * What tsx prints for the same module (tsx 4, run by hand outside the repo) is what the children
 * must give, except the decorator metadata: tsx (esbuild) does not emit it, tsc does, and so do we.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, Scheduler, taskRef, type Future } from 'forkline';
import { expectNoChildren, fixture } from '../helpers.js';

let cache: string;

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'forkline-tsconfig-cache-'));
});

afterEach(async () => {
  await expectNoChildren();
  rmSync(cache, { recursive: true, force: true });
});

/** The settled future of one call (wrapped: a future is a promise, and an async function would adopt it). */
async function runOnce(module: URL | string, name: string, ...args: unknown[]): Promise<{ result: unknown; error: unknown }> {
  const scheduler = Scheduler.withProcesses(1, { env: { FORKLINE_CACHE_DIR: cache } });
  const task = scheduler.task(taskRef<(...values: unknown[]) => unknown>(module, name));
  let future: Future | undefined;
  scheduler.on('start', () => void (future = task.submit(...args)));
  expect((await scheduler.run({ onException: 'continue' })).code).toBe(ExitCode.EXHAUSTED);
  if (!future) throw new Error('nothing was submitted');
  return { result: future.result, error: future.error };
}

test('legacy decorators with metadata, assigned class fields and a paths alias, from an extended tsconfig', async () => {
  const future = await runOnce(fixture('project/jobs.ts'), 'decorated', 4);
  expect(future.error).toBeUndefined();
  // tsx prints {"value":10,"metadata":{},"definesFields":false}; tsc's emit adds the metadata.
  expect(future.result).toEqual({
    value: 10,
    metadata: { 'plusOne design:type': 'Function', 'plusOne design:paramtypes': 'Number', 'plusOne design:returntype': 'Number' },
    definesFields: false,
  });
});

test("JSX with the tsconfig's jsxFactory", async () => {
  const future = await runOnce(fixture('project/view.tsx'), 'render', 'Ada');
  // tsx prints the same.
  expect(future.result).toEqual({ tag: 'p', props: { id: 'greeting' }, children: ['Hello ', 'Ada'] });
});

test('editing the tsconfig misses the transpile cache: nothing stale runs', async () => {
  const project = mkdtempSync(join(tmpdir(), 'forkline-tsconfig-project-'));
  try {
    cpSync(fileURLToPath(fixture('project')), project, { recursive: true });
    const jobs = join(project, 'jobs.ts');
    expect((await runOnce(jobs, 'decorated', 4)).result).toMatchObject({ value: 10 });
    // Without experimentalDecorators the same source means TC39 decorators, which get no descriptor.
    const base = join(project, 'tsconfig.base.json');
    writeFileSync(base, readFileSync(base, 'utf8').replace(/"(experimentalDecorators|emitDecoratorMetadata)": true/g, '"$1": false'));
    const future = await runOnce(jobs, 'decorated', 4);
    expect(future.error).toMatchObject({ reason: 'import-failed' });
    expect((future.error as Error).message).toContain("Cannot read properties of undefined (reading 'value')");
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
