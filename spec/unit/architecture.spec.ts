/**
 * The import rules of docs/architecture.md ("Arrows that must not exist"), checked against the
 * code: a layer that starts reaching into another fails here, not in a review.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every .ts file under `dir`, relative to the repository. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** The repository files `file` imports (value and type imports, re-exports, dynamic imports). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  // `[^'";]*` spans lines: `import {\n  a,\n} from './a.js'` is one import.
  const specifiers = [...text.matchAll(/\b(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map(
    (match) => (match[1] ?? match[2]) as string,
  );
  return specifiers.map((specifier) => relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

interface Rule {
  readonly why: string;
  /** The files the rule is about. */
  readonly from: (file: string) => boolean;
  /** Imports they must not have. */
  readonly forbidden: (target: string) => boolean;
}

const under = (...dirs: string[]) => (file: string) => dirs.some((dir) => file === dir || file.startsWith(`${dir}/`));
const not = (test: (file: string) => boolean) => (file: string) => !test(file);

const RULES: readonly Rule[] = [
  {
    why: 'the child runtime loads no host code: a child starts fast and cannot reach the scheduler',
    from: under('workers'),
    forbidden: (target) =>
      target.startsWith('lib/') && !under('lib/wire', 'lib/errors', 'lib/options.ts', 'lib/comm/types.ts', 'lib/comm/id.ts')(target),
  },
  {
    why: 'the wire is the bottom layer: envelopes, frames and codecs know nothing above them',
    from: under('lib/wire'),
    forbidden: not(under('lib/wire', 'lib/errors', 'lib/options.ts')),
  },
  {
    why: 'the pool runs ExecutorCalls: it never sees the run, the future, the task or a plugin',
    from: under('lib/pool'),
    forbidden: under('lib/scheduler', 'lib/future.ts', 'lib/task.ts', 'lib/comm', 'lib/plugins', 'lib/cli', 'lib/progress', 'lib/queue'),
  },
  {
    why: 'the Executor contract is what a remote executor implements without knowing the pool',
    from: under('lib/executor.ts'),
    forbidden: under('lib/pool', 'lib/scheduler', 'lib/queue'),
  },
  {
    why: 'comm talks to a call only through its CommTransport / CallLink, never through an executor or the run',
    from: under('lib/comm'),
    forbidden: under('lib/pool', 'lib/scheduler', 'lib/queue'),
  },
  {
    why: 'the run knows executors only by the contract; scheduler.ts alone builds a pool',
    from: (file) => under('lib/scheduler')(file) && file !== 'lib/scheduler/scheduler.ts',
    forbidden: under('lib/pool', 'lib/queue'),
  },
  {
    why: 'the queue executor is a second executor beside the pool, not a layer over its internals (only the worker command, which runs a pool on its machine, builds one)',
    from: (file) => under('lib/queue')(file) && file !== 'lib/queue/worker.ts',
    forbidden: under('lib/pool'),
  },
  {
    why: 'the library does not depend on its CLI or its terminal display (forkline/progress is an entry of its own)',
    from: (file) => file.startsWith('lib/') && !under('lib/cli', 'lib/progress')(file),
    forbidden: under('lib/cli', 'lib/progress'),
  },
];

const files = [...sources('lib'), ...sources('workers')];

test('the import scan sees the imports it checks', () => {
  // A scan that found nothing would pass every rule.
  expect(files.length).toBeGreaterThan(50);
  expect(importsOf('lib/pool/pool.ts')).toContain('lib/executor.ts');
  expect(importsOf('workers/runtime.ts')).toContain('lib/wire/protocol.ts');
  // Spread over lines.
  expect(importsOf('lib/index.ts')).toContain('lib/errors/index.ts');
});

test.each(RULES.map((rule) => [rule.why, rule] as const))('%s', (_why, rule) => {
  const broken = files.filter(rule.from).flatMap((file) => importsOf(file).filter(rule.forbidden).map((target) => `${file} → ${target}`));
  expect(broken).toEqual([]);
});
