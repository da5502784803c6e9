import {
  EventNotKnownError,
  Scheduler,
  taskRef,
  type AnyTask,
  type Future,
  type Plugin,
} from 'forkline';
import type * as CallShape from './fixtures/call-shape.ts';
import type * as Math from './fixtures/math.ts';
import { expectNoChildren, fixture, fixtureModule, schedulerKinds } from './helpers.js';
import { futureSpecs, pluginSpecs, rewriting } from './shared/futures.js';

const math = fixtureModule<typeof Math>('math.ts');
const shape = fixtureModule<typeof CallShape>('call-shape.ts');

afterEach(expectNoChildren);

describe.each(schedulerKinds)('futures on %s', (_kind, make) => {
  futureSpecs(make);
});

describe.each(schedulerKinds)('plugins on %s', (_kind, make) => {
  pluginSpecs(make);
});

describe('plugins', () => {
  test('run in order, each seeing the call the one before left; a veto skips the rest', async () => {
    const scheduler = Scheduler.withSequential();
    const seen: string[] = [];
    const tag = (name: string) =>
      rewriting(name, (call) => {
        seen.push(`${name}:${JSON.stringify(call.args)}`);
        if (call.args[0] === 'veto' && name === 'a') return false;
        return { ...call, args: [...call.args, name] };
      });
    const collect = scheduler.task(shape.collect, { plugins: [tag('a'), tag('b')] });
    let future: Future<unknown[]> | undefined;
    let vetoed: unknown = 'not called';
    scheduler.on('start', () => {
      future = collect.submit('x');
      vetoed = collect.submit('veto');
    });

    await scheduler.run();

    expect(await future).toEqual(['x', 'a', 'b']);
    expect(vetoed).toBeUndefined();
    expect(seen).toEqual(['a:["x"]', 'b:["x","a"]', 'a:["veto"]']);
  });

  test('attach() is called once, when the task is made, and may add events that the task then emits', async () => {
    const scheduler = Scheduler.withSequential();
    const attached: AnyTask[] = [];
    const counter: Plugin<{ fn: unknown; events: { counted: [count: number] }; injects: object }> & { count: number } = {
      name: 'counter',
      count: 0,
      attach(task) {
        attached.push(task);
        task.addEvents('counted');
      },
      preSubmit(call, task) {
        // A plugin's own events are not in AnyTask's event map (the Limiter casts the same way).
        (task.emit as (event: string, ...args: unknown[]) => void)('counted', ++this.count);
        return call;
      },
    };
    const add = scheduler.task(math.add, { plugins: [counter] });
    expect(attached).toEqual([add]);
    expect(add.events).toEqual(['submitted', 'done', 'result', 'exception', 'cancelled', 'counted']);
    const counts: number[] = [];
    add.on('counted', (count) => void counts.push(count));
    scheduler.on('start', () => {
      add.submit(1, 1);
      add.submit(2, 2);
    });

    await scheduler.run();

    expect(attached).toHaveLength(1);
    expect(counts).toEqual([1, 2]);
    expect(add.eventCounts).toEqual({ counted: 2, submitted: 2, done: 2, result: 2 });
  });

  test('an event of a plugin the task does not have is an EventNotKnownError', () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    const subscribe = () => add.on('call-limit-reached' as never, () => {});
    expect(subscribe).toThrow(EventNotKnownError);
    expect(subscribe).toThrow(
      'Task "add" has no event "call-limit-reached". Known events: "submitted", "done", "result", "exception", "cancelled". ' +
        'Check the spelling, or add the plugin that provides it to the task.',
    );
  });
});

describe('naming and ad-hoc submits', () => {
  test('scheduler.submit(ref, ...args) runs a call without making a task, one task per ref', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const futures: Future<number>[] = [];
    scheduler.on('start', () => {
      futures.push(scheduler.submit(math.add, 2, 3), scheduler.submit(math.add, 4, 5), scheduler.submit(math.fib, 10));
    });

    await scheduler.run();

    expect(await Promise.all(futures)).toEqual([5, 9, 55]);
    const [first, second, third] = futures;
    expect(first!.task).toBe(second!.task);
    expect(first!.task).not.toBe(third!.task);
    expect(first!.task.name).toBe('add');
    expect(first!.task.eventCounts).toEqual({ submitted: 2, done: 2, result: 2 });
    expect(scheduler.eventCounts['future-result']).toBe(3);
  });

  test('a default export is named after its file; a name option wins', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const double = scheduler.task(taskRef<typeof Math.default>(fixture('math.ts')));
    expect(double.name).toBe('math');
    expect(double.ref).toMatch(/^Task-math-[\w-]+$/);
    expect(String(double)).toBe('Task(math)');
    expect(scheduler.task(math.add, { name: 'plus' }).name).toBe('plus');
    expect(scheduler.task(taskRef(fixture('common.cjs'), 'default')).name).toBe('common');
    let future: Future<number> | undefined;
    scheduler.on('start', () => void (future = double.submit(21)));

    await scheduler.run();

    expect(await future).toBe(42);
  });
});
