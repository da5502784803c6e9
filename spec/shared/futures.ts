/**
 * Futures and plugins, the same on every executor: declared for a scheduler factory by
 * spec/task.spec.ts (processes, sequential) and spec/queue/events.spec.ts (the queue).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelledError,
  ExitCode,
  SerializationError,
  taskRef,
  type AnyTask,
  type Future,
  type FutureState,
  type Plugin,
  type Scheduler,
  type SchedulerEvents,
} from 'forkline';
import type * as CallShape from '../fixtures/call-shape.ts';
import type * as Failures from '../fixtures/failures.ts';
import type * as Math from '../fixtures/math.ts';
import type * as SideEffect from '../fixtures/side-effect.ts';
import { eventually, fixture, fixtureModule } from '../helpers.js';

const math = fixtureModule<typeof Math>('math.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');
const shape = fixtureModule<typeof CallShape>('call-shape.ts');
const sideEffect = fixtureModule<typeof SideEffect>('side-effect.ts');

const TASK_EVENTS = ['submitted', 'done', 'result', 'exception', 'cancelled'] as const;

/** Records every event of the scheduler and of `task`, in order. */
function record(scheduler: Scheduler, task: AnyTask): string[] {
  const order: string[] = [];
  const schedulerEvents: (keyof SchedulerEvents)[] = ['start', 'future-submitted', 'future-done', 'future-result', 'future-exception', 'future-cancelled', 'empty', 'timeout', 'stop', 'finishing', 'finished'];
  for (const event of schedulerEvents) scheduler.on(event, () => void order.push(event));
  for (const event of TASK_EVENTS) task.on(event, () => void order.push(`task:${event}`));
  return order;
}

/** A plugin that only rewrites (or vetoes) calls. */
export function rewriting(name: string, preSubmit: NonNullable<Plugin['preSubmit']>): Plugin {
  return { name, preSubmit };
}

/** The tests of futures (state, events, futures/running()), for schedulers made by `make`. Call it inside a describe. */
export function futureSpecs(make: () => Scheduler): void {
  test('await gives the result; state goes queued, running, fulfilled', async () => {
    const scheduler = make();
    const sleep = scheduler.task(math.sleep);
    let future: Future<number> | undefined;
    const states: FutureState[] = [];
    scheduler.on('start', () => {
      future = sleep.submit(300);
      states.push(future.state);
    });
    sleep.on('done', (done) => void states.push(done.state));

    const run = scheduler.run();
    await eventually(() => future?.state === 'running', 'the call to start');
    expect(future!.running()).toBe(true);
    expect(future!.done()).toBe(false);
    expect(await future).toBe(300);
    await run;

    expect(states).toEqual(['queued', 'fulfilled']);
    expect(future!.state).toBe('fulfilled');
    expect([future!.result, future!.error, future!.done(), future!.running()]).toEqual([300, undefined, true, false]);
    expect(future!.cancel()).toBe(false);
    expect(await future).toBe(300);
  });

  test('a failed future is rejected; it rejects when awaited, and an unawaited one is no unhandled rejection', async () => {
    const scheduler = make();
    const fail = scheduler.task(failures.rejectAsync);
    const futures: (Future<never> | undefined)[] = [];
    // Jest fails a test on any unhandled rejection, so the unawaited future is checked too.
    scheduler.on('start', () => void futures.push(fail.submit(), fail.submit()));

    expect((await scheduler.run({ onException: 'continue' })).code).toBe(ExitCode.EXHAUSTED);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const [awaited, ignored] = futures;
    expect(ignored!.state).toBe('rejected');
    expect(ignored!.error).toMatchObject({ message: 'async failure' });
    expect(ignored!.result).toBeUndefined();
    await expect(awaited).rejects.toThrow('async failure');
    expect(fail.eventCounts).toEqual({ submitted: 2, done: 2, exception: 2 });
  });

  test('a cancelled queued call: state cancelled, only the cancelled event, and await rejects with CancelledError', async () => {
    const scheduler = make();
    const sleep = scheduler.task(math.sleep);
    const order = record(scheduler, sleep);
    let queued: Future<number> | undefined;
    let cancelledAgain: boolean | undefined;
    scheduler.on('start', () => {
      sleep.submit(50);
      queued = sleep.submit(60);
      expect(queued.cancel('not needed')).toBe(true);
      cancelledAgain = queued.cancel();
    });

    await scheduler.run({ onCancelled: 'continue' });

    expect(cancelledAgain).toBe(false);
    expect([queued!.state, queued!.cancelled(), queued!.done(), queued!.result]).toEqual(['cancelled', true, true, undefined]);
    expect(queued!.error).toBeInstanceOf(CancelledError);
    await expect(queued).rejects.toThrow('was cancelled: not needed');
    expect(sleep.eventCounts).toEqual({ submitted: 2, cancelled: 1, done: 1, result: 1 });
    expect(order.filter((event) => event.startsWith('task:'))).toEqual(['task:submitted', 'task:submitted', 'task:cancelled', 'task:done', 'task:result']);
  });

  test('submitted receives (future, ...args); futures and running() track the calls in flight', async () => {
    const scheduler = make();
    const add = scheduler.task(math.add);
    const submitted: unknown[][] = [];
    const inFlight: number[] = [];
    let first: Future<number> | undefined;
    add.on('submitted', (future, a, b) => void submitted.push([future, a, b]));
    scheduler.on('start', () => {
      first = add.submit(1, 2);
      const second = add.submit(3, 4);
      expect(add.futures).toEqual([first, second]);
      expect(add.running()).toBe(true);
    });
    add.on('result', () => void inFlight.push(add.futures.length));

    await scheduler.run();

    expect(submitted).toHaveLength(2);
    expect(submitted[0]).toEqual([first, 1, 2]);
    expect(submitted[1]?.slice(1)).toEqual([3, 4]);
    expect(inFlight).toEqual([1, 0]);
    expect(add.futures).toEqual([]);
    expect(add.running()).toBe(false);
  });
  test("a call is in futures and running() is true from its first event on, the scheduler's future-submitted included", async () => {
    const scheduler = make();
    const add = scheduler.task(math.add);
    const seen: string[] = [];
    const look = (event: string) => (future: Future) => void seen.push(`${event}: ${(add.futures as readonly Future[]).includes(future)} ${add.running()}`);
    scheduler.on('future-submitted', look('future-submitted'));
    add.on('submitted', look('submitted'));
    scheduler.on('start', () => void add.submit(1, 2));

    await scheduler.run();

    expect(seen).toEqual(['future-submitted: true true', 'submitted: true true']);
  });

  test('a finished call has left futures and running() in every handler of its events, the scheduler\'s included', async () => {
    const scheduler = make();
    const add = scheduler.task(math.add);
    const seen: string[] = [];
    const look = (event: string) => () => void seen.push(`${event}: ${add.futures.length} ${add.running()}`);
    scheduler.on('future-done', look('future-done'));
    scheduler.on('future-result', look('future-result'));
    add.on('done', look('done'));
    add.on('result', look('result'));
    scheduler.on('start', () => void add.submit(1, 2));

    await scheduler.run();

    expect(seen).toEqual(['future-done: 0 false', 'future-result: 0 false', 'done: 0 false', 'result: 0 false']);
  });
}

/** The tests of preSubmit plugins (rewrite, redirect, inject, veto), for schedulers made by `make`. Call it inside a describe. */
export function pluginSpecs(make: () => Scheduler): void {
  let scratch: string;
  beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'forkline-task-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  test('preSubmit can rewrite the arguments; events and the future see the rewritten call', async () => {
    const scheduler = make();
    const add = scheduler.task(math.add, { plugins: [rewriting('tenfold', (call) => ({ ...call, args: call.args.map((n) => (n as number) * 10) }))] });
    const submitted: unknown[] = [];
    let future: Future<number> | undefined;
    add.on('submitted', (_future, a, b) => void submitted.push(a, b));
    scheduler.on('start', () => void (future = add.submit(1, 2)));

    await scheduler.run();

    expect(await future).toBe(30);
    expect(submitted).toEqual([10, 20]);
    expect(future!.call.args).toEqual([10, 20]);
  });

  test('preSubmit can point the call at another export, even in another module', async () => {
    const scheduler = make();
    const triple = taskRef(fixture('common.cjs'), 'triple');
    const add = scheduler.task(math.add, { plugins: [rewriting('redirect', (call) => ({ ...call, task: triple, args: [call.args[0]] }))] });
    let future: Future<number> | undefined;
    scheduler.on('start', () => void (future = add.submit(5, 1)));

    await scheduler.run();

    expect(await future).toBe(15);
    expect(future!.call.task).toEqual(triple);
    expect(add.eventCounts).toEqual({ submitted: 1, done: 1, result: 1 });
  });

  test('preSubmit can inject a named value: the function receives fn(...args, { name: value })', async () => {
    const scheduler = make();
    const label: Plugin<{ fn: unknown; events: object; injects: { label: string } }> = {
      name: 'label',
      preSubmit: (call) => ({ ...call, inject: { ...call.inject, label: { kind: 'value', value: 'from the plugin' } } }),
    };
    const task = scheduler.task(shape.withInjected, { plugins: [label] });
    const submitted: unknown[][] = [];
    let future: Future<unknown[]> | undefined;
    task.on('submitted', (_future, ...args) => void submitted.push(args));
    scheduler.on('start', () => void (future = task.submit(7)));

    await scheduler.run();

    expect(await future).toEqual([7, { label: 'from the plugin' }]);
    expect(submitted).toEqual([[7]]);
  });

  test('an injected value that cannot be sent is a SerializationError at submit, naming it; nothing is sent', async () => {
    const scheduler = make();
    const inject: Plugin = {
      name: 'inject-callback',
      preSubmit: (call) => ({ ...call, inject: { options: { kind: 'value', value: { onDone: () => 1 } } } }),
    };
    const collect = scheduler.task(shape.collect, { plugins: [inject] });
    let thrown: unknown;
    scheduler.on('start', () => {
      try {
        collect.submit(1);
      } catch (error) {
        thrown = error;
      }
    });

    await scheduler.run();

    expect(thrown).toBeInstanceOf(SerializationError);
    expect(thrown).toMatchObject({ path: 'the injected "options".onDone', problem: 'is a function (onDone)' });
    expect(collect.eventCounts).toEqual({});
    expect(scheduler.eventCounts['future-submitted']).toBeUndefined();
  });

  test('a veto makes submit() return undefined: no events at all, and nothing runs', async () => {
    const scheduler = make();
    const vetoed = join(scratch, 'vetoed');
    const allowed = join(scratch, 'allowed');
    const blocked = scheduler.task(sideEffect.touch, { plugins: [rewriting('veto', () => false)] });
    const control = scheduler.task(sideEffect.touch);
    const order = record(scheduler, blocked);
    let returned: unknown = 'submit() was not called';
    scheduler.on('start', () => {
      returned = blocked.submit(vetoed);
      control.submit(allowed);
    });

    expect((await scheduler.run()).code).toBe(ExitCode.EXHAUSTED);

    expect(returned).toBeUndefined();
    expect(blocked.eventCounts).toEqual({});
    expect(blocked.futures).toEqual([]);
    expect(order.filter((event) => event.startsWith('task:'))).toEqual([]);
    expect(scheduler.eventCounts).toEqual({ start: 1, 'future-submitted': 1, 'future-done': 1, 'future-result': 1, empty: 1, finishing: 1, finished: 1 });
    expect(existsSync(allowed)).toBe(true);
    expect(existsSync(vetoed)).toBe(false);
  });
}
