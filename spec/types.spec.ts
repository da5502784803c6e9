/**
 * Compile-time tests of the public API: `tsc -p tsconfig.json` checks them. Each
 * `@ts-expect-error` must be an error, and everything else must compile.
 */
import {
  Comm,
  EventNotKnownError,
  ExitCode,
  type ExitState,
  Limiter,
  Scheduler,
  type Future,
  type Plugin,
  type TaskEventMap,
} from 'forkline';
import type * as CallShape from './fixtures/call-shape.ts';
import type * as CommTasks from './fixtures/comm.ts';
import type * as Failures from './fixtures/failures.ts';
import type * as Math from './fixtures/math.ts';
import { fixtureModule } from './helpers.js';

const math = fixtureModule<typeof Math>('math.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');
const shape = fixtureModule<typeof CallShape>('call-shape.ts');
const comm = fixtureModule<typeof CommTasks>('comm.ts');

/** True only when A and B are the same type. */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** `exactly<T>()(value)` returns `value`, and compiles only when its type is exactly `T`. */
function exactly<Expected>() {
  return <Actual>(value: Actual, ...mismatch: Equal<Expected, Actual> extends true ? [] : [expected: Expected]): Actual => {
    expect(mismatch).toEqual([]);
    return value;
  };
}

/** Type-checks `cases` without running them. */
function typeOnly(cases: () => void): void {
  expect(cases).toBeInstanceOf(Function);
}

const label: Plugin<{ fn: unknown; events: { labelled: [label: string] }; injects: { label: string } }> = {
  name: 'label',
  preSubmit: (call) => ({ ...call, inject: { ...call.inject, label: { kind: 'value', value: 'typed' } } }),
};

describe('types', () => {
  test('submit() takes the function parameters and results have its return type, awaited', async () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    const sleep = scheduler.task(math.sleep);
    const results: number[] = [];
    let future: Future<number> | undefined;
    add.on('result', (_future, sum) => void results.push(exactly<number>()(sum)));
    // An async function's result is what its promise resolves to.
    sleep.on('result', (_future, slept) => void results.push(exactly<number>()(slept)));
    add.on('submitted', (_future, ...args) => void exactly<[a: number, b: number]>()(args));
    scheduler.on('start', () => {
      // No plugin that could veto: always a future.
      future = exactly<Future<number, [a: number, b: number]>>()(add.submit(2, 3));
      sleep.submit(1);
      exactly<Future<number, [n: number]>>()(scheduler.submit(math.fib, 10));
    });

    await scheduler.run();

    const sum = exactly<number>()(await future!);
    expect(sum).toBe(5);
    expect(results.sort()).toEqual([1, 5]);
  });

  test('a wrong event name does not compile, and throws from plain JavaScript', () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    expect(() =>
      // @ts-expect-error -- not an event of a task.
      add.on('reslut', () => {}),
    ).toThrow(EventNotKnownError);
    expect(() =>
      // @ts-expect-error -- not an event of the scheduler.
      scheduler.on('future-reslut', () => {}),
    ).toThrow(EventNotKnownError);
    expect(() =>
      // @ts-expect-error -- a Limiter event on a task without a Limiter.
      add.on('call-limit-reached', () => {}),
    ).toThrow(EventNotKnownError);
  });

  test('wrong handler signatures and submit() arguments do not compile', () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    typeOnly(() => {
      // @ts-expect-error -- add returns a number, not a string.
      add.on('result', (_future, sum: string) => sum);
      // @ts-expect-error -- a handler of 'done' gets no result.
      add.on('done', (future, result: number) => [future, result]);
      // @ts-expect-error -- 'finished' carries an ExitState.
      scheduler.on('finished', (exit: string) => exit);
      // @ts-expect-error -- a string where a number goes.
      add.submit('2', 3);
      // @ts-expect-error -- too few arguments.
      add.submit(2);
      // @ts-expect-error -- too many arguments.
      add.submit(2, 3, 4);
      // @ts-expect-error -- the same checks for an ad-hoc submit.
      scheduler.submit(math.add, 2, '3');
      // @ts-expect-error -- taskModule() offers only exported functions.
      expect(failures.notAFunction).toBeDefined();
      // @ts-expect-error -- a handler option typed from the event: `when` gets (future, result).
      add.on('result', () => {}, { when: (_future, sum: string) => sum === '' });
    });
    expect(add.eventCounts).toEqual({});
  });

  test("a plugin's events and injected values are typed on its task", () => {
    const scheduler = Scheduler.withSequential();
    const labelled = scheduler.task(shape.withInjected, { plugins: [label] });
    typeOnly(() => {
      labelled.submit(7);
      // @ts-expect-error -- the plugin supplies the last parameter.
      labelled.submit(7, { label: 'mine' });
      labelled.on('labelled', (text) => exactly<string>()(text));
      // @ts-expect-error -- the event carries a string.
      labelled.on('labelled', (text: number) => text);
    });
    expect(labelled.events).toEqual(['submitted', 'done', 'result', 'exception', 'cancelled']);
  });

  test("a Limiter's events are typed on its task", () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add, { plugins: [new Limiter({ maxCalls: 1 })] });
    const reached: unknown[] = [];
    add.on('call-limit-reached', (task, args) => void reached.push(task, exactly<readonly unknown[]>()(args)));
    const events: (keyof TaskEventMap<typeof Math.add, [Limiter]>)[] = ['call-limit-reached', 'concurrent-limit-reached', 'disabled-due-to-running-task'];
    expect(add.events).toEqual(expect.arrayContaining(events));
  });

  test('submit() may return undefined only when a plugin may veto the call', async () => {
    const scheduler = Scheduler.withSequential();
    const limited = scheduler.task(math.add, { plugins: [new Limiter({ maxCalls: 1 })] });
    const talking = scheduler.task(comm.askOnce, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    talking.on('comm-request', (msg) => msg.respond('yes'));
    scheduler.on('start', async () => {
      const maybe = exactly<Future<number, [a: number, b: number]> | undefined>()(limited.submit(1, 2));
      const surely = exactly<Future<unknown, [question: string]>>()(talking.submit('q'));
      results.push(await maybe, await surely);
    });
    await scheduler.run();
    expect(results).toEqual([3, 'yes']);
  });

  test('scheduler events carry typed arguments', async () => {
    const scheduler = Scheduler.withSequential();
    const codes: ExitCode[] = [];
    scheduler.on('future-result', (future, result) => [exactly<Future>()(future), exactly<unknown>()(result)]);
    scheduler.on('finished', (exit) => void codes.push(exactly<ExitCode>()(exit.code)));
    scheduler.on('stop', (message, error) => [exactly<string | undefined>()(message), error]);
    await scheduler.run();
    expect(codes).toEqual([ExitCode.EXHAUSTED]);
  });

  test('a future is a promise, its call.args are typed from the task, and call() resolves to the result type', async () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    const talking = scheduler.task(comm.askOnce, { plugins: [Comm.Plugin()] });
    talking.on('comm-request', (msg) => msg.respond('yes'));
    const args: unknown[] = [];
    add.on('result', (future) => void args.push(exactly<readonly [a: number, b: number]>()(future.call.args)));
    add.on('submitted', (future) => void exactly<number>()(future.call.args[0]));
    scheduler.start();

    const future = add.submit(1, 2);
    const promise: Promise<number> = future;
    const caught = await exactly<Promise<number | 'failed'>>()(future.catch(() => 'failed' as const));
    const finished = await exactly<Promise<number>>()(future.finally(() => {}));
    const called = await exactly<Promise<number>>()(add.call(2, 3));
    // The comm parameter is injected: call() takes the others, like submit().
    const answered = await exactly<Promise<unknown>>()(talking.call('q'));
    const seen = [await promise, caught, finished, called, answered];
    typeOnly(() => {
      // @ts-expect-error -- call() checks its arguments as submit() does.
      void add.call('2', 3);
      // @ts-expect-error -- the comm is injected, not passed.
      void talking.call('q', { comm: undefined });
      // @ts-expect-error -- args are the task's parameters: the first is a number.
      exactly<string>()(future.call.args[0]);
      // @ts-expect-error -- and there are two of them.
      expect(future.call.args[2]).toBeUndefined();
      // @ts-expect-error -- a misspelled handler option does not compile (and throws from JavaScript).
      add.on('result', () => {}, { maxcalls: 1 });
    });
    await scheduler.close();
    expect(seen).toEqual([3, 3, 3, 5, 'yes']);
    expect(args).toEqual([[1, 2], [2, 3]]);
  });

  test('start(), close() and the exit state are typed', async () => {
    const scheduler = exactly<Scheduler>()(Scheduler.withSequential().start({ signals: false }));
    const exit = exactly<ExitState | undefined>()(await scheduler.close({ drain: false }));
    expect(exit?.code).toBe(ExitCode.STOPPED);
    typeOnly(() => {
      // @ts-expect-error -- close() takes drain and wait only.
      void scheduler.close({ cancel: true });
      // @ts-expect-error -- an exit's signal is SIGINT or SIGTERM.
      const signal: 'SIGHUP' | undefined = exit?.signal;
      expect(signal).toBeUndefined();
    });
  });

  test('warm() takes nothing and is a Promise<void>', async () => {
    const scheduler = Scheduler.withSequential();
    const ready = exactly<Promise<void>>()(scheduler.warm());
    await ready;
    await scheduler.close();
    typeOnly(() => {
      // @ts-expect-error -- warm() starts the pool's own size; the size is withProcesses()'s.
      void scheduler.warm(4);
    });
  });
});
