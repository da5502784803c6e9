/**
 * The README's code is real: every TypeScript block in it is a verbatim excerpt of a file under
 * docs/ that the test suite runs, and the quick start runs here.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

const guides = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

test.each(guides)('every TypeScript block in %s is an excerpt of a file in docs/ that a test runs', (guide) => {
  const sources = filesUnder(join(root, 'docs')).map((path) => readFileSync(path, 'utf8'));
  const blocks = typescriptBlocks(readFileSync(join(root, guide), 'utf8'));
  if (guide === 'README.md') expect(blocks.length).toBeGreaterThanOrEqual(5);
  const missing = blocks.filter((block) => !sources.some((source) => source.includes(block)));
  expect(missing).toEqual([]);
});

test('the README leads with jobs.ts and the two shapes of program, each the whole of its file', () => {
  const blocks = typescriptBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
  expect(blocks[0]).toBe(readFileSync(join(root, 'docs/quickstart/jobs.ts'), 'utf8'));
  expect(blocks[1]).toBe(readFileSync(join(root, 'docs/quickstart/app.ts'), 'utf8'));
  expect(blocks[2]).toBe(readFileSync(join(root, 'docs/quickstart/main.ts'), 'utf8'));
  for (const block of blocks.slice(1, 3)) expect(block.split('\n').filter(Boolean).length).toBeLessThanOrEqual(15);
});

const host = (file: string) =>
  run(process.execPath, ['--import', 'forkline/register', `docs/quickstart/${file}`], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });

test('the app shape runs: results awaited, a failed call caught by its caller, the pool going on', async () => {
  const { stdout, stderr } = await host('app.ts');
  expect(stderr).toBe('');
  expect(stdout).toBe('[ 75025, 832040 ]\nRangeError: fib() takes an integer >= 0, got -1\n2178309\n');
});

test('the script shape runs and prints its results', async () => {
  const { stdout, stderr } = await host('main.ts');
  expect(stderr).toBe('');
  const lines = stdout.trimEnd().split('\n');
  expect(lines.slice(0, 3).sort()).toEqual(['fib(25) = 75025', 'fib(30) = 832040', 'fib(32) = 2178309']);
  expect(lines[3]).toBe("{ code: 'exhausted' }");
});
