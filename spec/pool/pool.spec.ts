import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ExitCode,
  Scheduler,
  SerializationError,
  TaskLoadError,
  WorkerCrashedError,
  taskRef,
  type Future,
  type TaskFunction,
  type TaskRef,
} from 'forkline';
import type * as Barrier from '../fixtures/barrier.ts';
import type * as Failures from '../fixtures/failures.ts';
import type * as Math from '../fixtures/math.ts';
import type * as CallShape from '../fixtures/call-shape.ts';
import type { exitWhen } from '../fixtures/exit-when.ts';
import { childPids, expectNoChildren, fixture, fixtureModule } from '../helpers.js';

const math = fixtureModule<typeof Math>('math.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');
const barrier = fixtureModule<typeof Barrier>('barrier.ts');
const shape = fixtureModule<typeof CallShape>('call-shape.ts');
const exitWhenRef = taskRef<typeof exitWhen>(fixture('exit-when.ts'), 'exitWhen');

afterEach(expectNoChildren);

/** Submits from the start handler, runs with onException 'continue', and returns the futures. */
async function runAll(scheduler: Scheduler, submit: () => (Future | undefined)[]): Promise<Future[]> {
  const futures: Future[] = [];
  scheduler.on('start', () => void futures.push(...(submit().filter(Boolean) as Future[])));
  expect((await scheduler.run({ onException: 'continue' })).code).toBe(ExitCode.EXHAUSTED);
  return futures;
}

describe('warm children', () => {
  test('one child is reused for every call', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const pid = scheduler.task(math.pid);
    const pids: number[] = [];
    const children: number[][] = [];
    scheduler.on('start', () => void pid.submit());
    pid.on('result', (_future, value) => {
      pids.push(value);
      children.push(childPids());
      if (pids.length < 3) pid.submit();
    });

    await scheduler.run();

    expect(pids).toHaveLength(3);
    expect(new Set(pids).size).toBe(1);
    expect(pids[0]).not.toBe(process.pid);
    for (const live of children) expect(live).toEqual([pids[0]]);
  });

  test('two children share the work: two calls run at once, in two processes', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'forkline-pool-'));
    try {
      const scheduler = Scheduler.withProcesses(2);
      const meet = scheduler.task(barrier.meet);
      const futures = await runAll(scheduler, () => [meet.submit(scratch, 2, 10_000), meet.submit(scratch, 2, 10_000)]);
      const pids = await Promise.all(futures);
      expect(new Set(pids).size).toBe(2);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('JavaScript ESM, CommonJS and TypeScript task modules all run', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const futures = await runAll(scheduler, () => [
      scheduler.submit(taskRef<(name: string) => string>(fixture('plain.mjs'), 'greet'), 'forkline'),
      scheduler.submit(taskRef<(x: number) => number>(fixture('common.cjs'), 'triple'), 3),
      scheduler.submit(math.add, 1, 2),
      scheduler.submit(taskRef<typeof Math.default>(fixture('math.ts')), 21),
    ]);
    expect(await Promise.all(futures)).toEqual(['hello forkline', 9, 3, 42]);
  });
});

describe('a task that cannot be loaded fails with TaskLoadError, and its child stays', () => {
  test('for a missing export, a non-function and a module that fails to import', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const ref = <F extends TaskFunction>(file: string, name: string) => taskRef<F>(fixture(file), name);
    const [before, missing, notAFunction, broken, after] = await runAll(scheduler, () => [
      scheduler.submit(math.pid),
      scheduler.submit(ref('math.ts', 'nope')),
      scheduler.submit(ref('failures.ts', 'notAFunction')),
      scheduler.submit(ref('broken-import.ts', 'run')),
      scheduler.submit(math.pid),
    ]);

    for (const future of [missing, notAFunction, broken]) {
      expect(future!.error).toBeInstanceOf(TaskLoadError);
      expect(future!.error).toMatchObject({ code: 'ERR_TASK_LOAD' });
    }
    expect(missing!.error).toMatchObject({ reason: 'export-missing', task: { module: fixture('math.ts').href, export: 'nope' } });
    const missingMessage = (missing!.error as Error).message;
    expect(missingMessage).toContain(`Loading task nope (${fixture('math.ts').href}) in the child failed: the module has no export named "nope"`);
    expect(missingMessage).toMatch(/it exports .*"add".*"fib"/);
    expect(notAFunction!.error).toMatchObject({ reason: 'not-a-function' });
    expect((notAFunction!.error as Error).message).toContain('the export "notAFunction" is a number. A task must be an exported function');
    expect(broken!.error).toMatchObject({ reason: 'import-failed' });
    expect((broken!.error as Error).message).toContain('broken-import.ts');
    expect((broken!.error as Error).message).toContain('does-not-exist');
    expect((broken!.error as Error).cause).toBeInstanceOf(Error);
    // No respawn: the same child answered before and after the failures.
    expect(await before).toBe(await after);
  });
});

describe('a child that dies mid-call', () => {
  const cases: [string, TaskRef, unknown[], object, string][] = [
    ['exits', failures.exitNow, [3], { exitCode: 3, signal: null }, 'exited with code 3 while running exitNow'],
    ['is SIGKILLed', failures.killSelf, [], { exitCode: null, signal: 'SIGKILL' }, 'was killed by SIGKILL while running killSelf'],
  ];
  test.each(cases)('%s: the call fails with WorkerCrashedError, the pool replaces the child, later calls succeed', async (_how, ref, args, exit, message) => {
    const scheduler = Scheduler.withProcesses(1);
    const pid = scheduler.task(math.pid);
    const die = scheduler.task(ref);
    const pids: number[] = [];
    let crash: Future | undefined;
    let queuedBehind: Future | undefined;
    scheduler.on('start', () => void pid.submit());
    pid.on('result', (_future, value) => {
      pids.push(value);
      if (pids.length > 1) return;
      crash = die.submit(...args);
      queuedBehind = pid.submit();
    });

    await scheduler.run({ onException: 'continue' });

    const error = crash!.error as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ code: 'ERR_WORKER_CRASHED', ...exit, pid: pids[0] });
    expect(error.task).toEqual(ref);
    expect(error.message).toContain(`The child process ${pids[0]} ${message}`);
    expect(queuedBehind!.state).toBe('fulfilled');
    expect(pids).toHaveLength(2);
    expect(pids[1]).not.toBe(pids[0]);
    expect(die.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
  });

  test('with quick calls sent ahead, only the call that was running fails, and no call runs twice', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'forkline-pool-'));
    const log = join(scratch, 'exits.log');
    try {
      const scheduler = Scheduler.withProcesses(1);
      const add = scheduler.task(math.add);
      const exitWhen = scheduler.task(exitWhenRef);
      const batch: (Future | undefined)[] = [];
      let warm = 0;
      // Warm up: the child loads both tasks and its calls turn short, so the pool sends calls ahead.
      scheduler.on('start', () => {
        exitWhen.submit(false, 0, log);
        for (let index = 0; index < 60; index++) add.submit(index, 0);
      });
      add.on('result', () => {
        if (++warm !== 60) return;
        for (let index = 0; index < 10; index++) batch.push(add.submit(100 + index, 0));
        batch.push(exitWhen.submit(true, 3, log));
        for (let index = 0; index < 5; index++) batch.push(add.submit(200 + index, 0));
      });

      await scheduler.run({ onException: 'continue' });

      const crashed = batch.splice(10, 1)[0];
      expect(crashed?.error).toBeInstanceOf(WorkerCrashedError);
      expect(crashed?.error).toMatchObject({ task: exitWhenRef, exitCode: 3 });
      expect(batch.map((future) => future?.error)).toEqual(batch.map(() => undefined));
      expect(batch.map((future) => future?.result)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 200, 201, 202, 203, 204]);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

/** Runs a host script from spec/fixtures/hosts/ in its own process and returns its output. */
const runHost = (file: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, [fileURLToPath(fixture(`hosts/${file}`)), ...args], {
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });

test('runs that end before their children are ready stop them quietly', async () => {
  const { stdout, stderr } = await runHost('empty-run.mjs');
  expect(stdout).toBe('exhausted exhausted\n');
  expect(stderr).toBe('');
});

describe('prefixOutput', () => {
  const run = (...args: string[]) => runHost('print.mjs', ...args);

  test("prefixes each line a task prints, on stdout and stderr, with [name#id] (the host's own lines stay bare)", async () => {
    const { stdout, stderr } = await run('--prefix');
    expect(stdout.split('\n')).toEqual([
      '[printParts#1] partial',
      '[printParts#1] logged',
      '[printParts#1] two lines',
      '[printParts#2] partial',
      '[printParts#2] logged',
      '[printParts#2] two lines',
      'host line',
      '',
    ]);
    expect(stderr).toBe('[printParts#1] to stderr\n[printParts#2] to stderr\n');
  });

  test('children printing at once never share a line: a partial line waits for its end, and a call ends its own', async () => {
    const { stdout, stderr } = await runHost('interleave.mjs');
    expect(stderr).toBe('');
    // Before, the first child's half line took the other's: `[slowLine#1] partial[oneLine#2] working`.
    expect(stdout.split('\n')).toEqual(['[oneLine#2] working', '[slowLine#1] partial rest', '[noNewline#3] unended', '[oneLine#4] after', 'host line', '']);
  });

  test('is off by default', async () => {
    const { stdout, stderr } = await run();
    expect(stdout).toBe('partial\nlogged\ntwo lines\npartial\nlogged\ntwo lines\nhost line\n');
    expect(stderr).toBe('to stderr\nto stderr\n');
  });
});

describe('arguments that cannot be sent', () => {
  class Point {
    constructor(readonly x: number) {}
  }
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;

  test.each([
    ['advanced', [1, { fn: () => 1 }], 'args[1].fn', 'is a function (fn)'],
    ['advanced', [{ deep: [0, Symbol('s')] }], 'args[0].deep[1]', 'is a symbol'],
    ['advanced', [new Point(1)], 'args[0]', 'is an instance of Point, which would arrive as a plain object without its class'],
    ['json', [circular], 'args[0].self', 'is a circular reference'],
    ['json', [{ when: new Date(0) }], 'args[0].when', 'is an instance of Date, which would arrive as plain JSON without its class'],
    ['json', [{ 'odd key': 10n }], 'args[0]["odd key"]', 'is a BigInt'],
  ] as const)('%s: %p is a SerializationError at submit, naming %s; nothing is sent', async (serialization, args, path, problem) => {
    const scheduler = Scheduler.withProcesses(1, { serialization });
    const collect = scheduler.task(shape.collect);
    let thrown: unknown;
    scheduler.on('start', () => {
      try {
        collect.submit(...args);
      } catch (error) {
        thrown = error;
      }
    });

    expect((await scheduler.run()).code).toBe(ExitCode.EXHAUSTED);

    expect(thrown).toBeInstanceOf(SerializationError);
    expect(thrown).toMatchObject({ code: 'ERR_SERIALIZATION', path, problem, serialization });
    const start = `collect.submit() failed: ${path} ${problem}, so it cannot be sent to another process`;
    expect((thrown as Error).message.slice(0, start.length)).toBe(start);
    expect(collect.eventCounts).toEqual({});
    expect(scheduler.eventCounts['future-submitted']).toBeUndefined();
  });

  test('advanced serialization carries Maps, Sets, Dates, BigInts, typed arrays and shared references both ways', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const shared = { id: 1 };
    const value = { map: new Map([['a', 1]]), set: new Set([1, 2]), when: new Date(0), big: 10n, bytes: new Uint8Array([1, 2]), pair: [shared, shared] };
    const [future] = await runAll(scheduler, () => [scheduler.submit(math.echo, value)]);
    const echoed = (await future) as typeof value;
    expect(echoed).toEqual(value);
    expect(echoed.pair[0]).toBe(echoed.pair[1]);
  });
});
