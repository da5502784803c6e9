/**
 * The event order of a run, the same on every executor: declared for a scheduler factory by
 * spec/scheduler/run.spec.ts (processes, sequential) and spec/queue/events.spec.ts (the queue).
 */
import { ExitCode, type AnyTask, type Scheduler, type SchedulerEvents } from 'forkline';
import type * as Math from '../fixtures/math.ts';
import type * as Failures from '../fixtures/failures.ts';
import { fixtureModule } from '../helpers.js';

const math = fixtureModule<typeof Math>('math.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');

const SCHEDULER_EVENTS: (keyof SchedulerEvents)[] = [
  'start',
  'future-submitted',
  'future-done',
  'future-result',
  'future-exception',
  'future-cancelled',
  'empty',
  'timeout',
  'stop',
  'finishing',
  'finished',
];

/** Records scheduler and task events in one list, in the order they fire. */
export function record(scheduler: Scheduler, ...tasks: AnyTask[]): string[] {
  const order: string[] = [];
  for (const event of SCHEDULER_EVENTS) scheduler.on(event, () => void order.push(event));
  for (const task of tasks) {
    for (const event of ['submitted', 'done', 'result', 'exception', 'cancelled'] as const) {
      task.on(event, () => void order.push(`${task.name}:${event}`));
    }
  }
  return order;
}

/** The tests of a run's events, for schedulers made by `make`. Call it inside a describe. */
export function runEventSpecs(make: () => Scheduler): void {
  test('one successful call emits the reference order, scheduler before task', async () => {
    const scheduler = make();
    const add = scheduler.task(math.add);
    const order = record(scheduler, add);
    scheduler.on('start', () => void add.submit(2, 3));

    const exit = await scheduler.run();

    expect(exit).toEqual({ code: ExitCode.EXHAUSTED });
    expect(order).toEqual([
      'start',
      'future-submitted',
      'add:submitted',
      'future-done',
      'future-result',
      'add:done',
      'add:result',
      'empty',
      'finishing',
      'finished',
    ]);
    expect(scheduler.eventCounts).toEqual({
      start: 1,
      'future-submitted': 1,
      'future-done': 1,
      'future-result': 1,
      empty: 1,
      finishing: 1,
      finished: 1,
    });
    expect(add.eventCounts).toEqual({ submitted: 1, done: 1, result: 1 });
  });

  test('a failing call emits done then exception, and onException "continue" goes on', async () => {
    const scheduler = make();
    const fail = scheduler.task(failures.rejectAsync);
    const order = record(scheduler, fail);
    scheduler.on('start', () => void fail.submit());

    const exit = await scheduler.run({ onException: 'continue' });

    expect(exit.code).toBe(ExitCode.EXHAUSTED);
    expect(order).toEqual([
      'start',
      'future-submitted',
      'rejectAsync:submitted',
      'future-done',
      'future-exception',
      'rejectAsync:done',
      'rejectAsync:exception',
      'empty',
      'finishing',
      'finished',
    ]);
  });

  test('an async handler that submits later keeps the run alive', async () => {
    const scheduler = make();
    const add = scheduler.task(math.add);
    const results: number[] = [];
    scheduler.on('start', () => void add.submit(0, 1));
    add.on('result', async (_future, sum) => {
      results.push(sum);
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (sum < 3) add.submit(sum, 1);
    });

    const exit = await scheduler.run();

    expect(exit.code).toBe(ExitCode.EXHAUSTED);
    expect(results).toEqual([1, 2, 3]);
    expect(scheduler.eventCounts.empty).toBe(1);
  });
}
