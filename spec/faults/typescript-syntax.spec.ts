/**
 * Issue 9, item 6: a TypeScript module that does not parse is refused with a TaskLoadError naming
 * the file, line and column; it never runs as whatever a lenient transpiler made of it.
 *
 * The modules are written at test time (a file in the repo that does not parse would break its
 * typecheck and lint). Each runs under two projects: one whose tsconfig lets Node strip the types
 * (Node 22+), one with no tsconfig, which goes to the compiler.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, Scheduler, TaskLoadError, taskRef, type Future } from 'forkline';
import { expectNoChildren } from '../helpers.js';

let directory: string;
let cache: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'forkline-syntax-'));
  cache = mkdtempSync(join(tmpdir(), 'forkline-syntax-cache-'));
  writeFileSync(join(directory, 'package.json'), '{ "type": "module" }\n');
});

afterEach(async () => {
  await expectNoChildren();
  rmSync(directory, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

const broken: [string, string, string, number, number][] = [
  // tsc: TS1005 ')' expected. A lenient transpile runs it as `if (n > 0) {`.
  ['an unclosed condition', 'export function positive(n: number): boolean {\n  if (n > 0 {\n    return true;\n  }\n  return false;\n}\n', 'positive', 2, 13],
  // tsc: TS1138 parameter declaration expected. A lenient transpile exports nothing.
  ['a parameter with no name', 'export const ok = 1;\nexport function broken(: number {\n  return 1;\n}\n', 'broken', 2, 24],
];

describe.each([
  ['a tsconfig Node can strip under', '{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "verbatimModuleSyntax": true } }\n'],
  ['no tsconfig (the compiler)', undefined],
])('under %s', (_project, tsconfig) => {
  test.each(broken)('%s is TaskLoadError syntax-error at its line and column, and nothing of it runs', async (_what, source, name, line, column) => {
    if (tsconfig !== undefined) writeFileSync(join(directory, 'tsconfig.json'), tsconfig);
    const file = join(directory, 'broken.ts');
    writeFileSync(file, source);
    const scheduler = Scheduler.withProcesses(1, { env: { FORKLINE_CACHE_DIR: cache } });
    const task = scheduler.task(taskRef(file, name));
    let future: Future | undefined;
    scheduler.on('start', () => void (future = task.submit(1)));
    expect((await scheduler.run({ onException: 'continue' })).code).toBe(ExitCode.EXHAUSTED);

    expect(task.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
    const error = future?.error;
    expect(error).toBeInstanceOf(TaskLoadError);
    expect(error).toMatchObject({ code: 'ERR_TASK_LOAD', reason: 'syntax-error' });
    expect((error as Error).message).toContain(`the module does not parse: ${file}:${line}:${column}: `);
    // The parser's message ends in a period of its own: one, not two, before the fix.
    expect((error as Error).message).not.toMatch(/\.\. Fix the syntax/);
    expect((error as Error).message).toMatch(/[^.]\. Fix the syntax/);
  });
});
