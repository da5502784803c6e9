/**
 * The Limiter's caps (maxCalls, maxConcurrent, notWhileRunning), the same on every executor: they
 * are host-side vetoes. Declared for a scheduler factory by spec/plugins/limiter.spec.ts (local
 * processes) and spec/queue/limits.spec.ts (the queue).
 */
import { ExitCode, Limiter, SerializationError, type AnyTask, type Future, type LimiterEvents, type Plugin, type Scheduler } from 'forkline';
import type * as CallShape from '../fixtures/call-shape.ts';
import type * as Math from '../fixtures/math.ts';
import { fixtureModule } from '../helpers.js';

const math = fixtureModule<typeof Math>('math.ts');
const shape = fixtureModule<typeof CallShape>('call-shape.ts');

/**
 * `task.on(limiterEvent, ...)` with the Limiter's handler types. Only needed because the Limiter's
 * events are missing from the task's type (spec/types.spec.ts pins that down); at run time this
 * is exactly `task.on(event, handler)`.
 */
export function onLimit<K extends keyof LimiterEvents>(task: AnyTask, event: K, handler: (...args: LimiterEvents[K]) => void): void {
  (task.on as (event: string, handler: (...args: LimiterEvents[K]) => void) => void)(event, handler);
}

/** The tests of the Limiter's three caps, for schedulers made by `make`. Call it inside a describe. */
export function limiterSpecs(make: () => Scheduler): void {
  describe('maxCalls', () => {
    test('vetoes submits past the limit and emits call-limit-reached with (task, args)', async () => {
      const scheduler = make();
      const limiter = new Limiter({ maxCalls: 2 });
      const add = scheduler.task(math.add, { plugins: [limiter] });
      const reached: unknown[][] = [];
      const returned: (Future<number> | undefined)[] = [];
      onLimit(add, 'call-limit-reached', (task, args) => void reached.push([task, args]));
      scheduler.on('start', () => void returned.push(add.submit(1, 1), add.submit(2, 2), add.submit(3, 3)));
      add.on('result', () => void returned.push(add.submit(4, 4)));

      expect((await scheduler.run()).code).toBe(ExitCode.EXHAUSTED);

      expect(returned.map((future) => future?.state)).toEqual(['fulfilled', 'fulfilled', undefined, undefined, undefined]);
      expect(reached).toEqual([
        [add, [3, 3]],
        [add, [4, 4]],
        [add, [4, 4]],
      ]);
      expect(limiter.calls).toBe(2);
      expect(add.eventCounts).toEqual({ submitted: 2, done: 2, result: 2, 'call-limit-reached': 3 });
      expect(scheduler.eventCounts['future-submitted']).toBe(2);
    });

    test('a call vetoed by a later plugin, or refused as unsendable, does not count', async () => {
      const scheduler = make();
      const limiter = new Limiter({ maxCalls: 1 });
      let vetoes = 1;
      const vetoOnce: Plugin = { name: 'veto-once', preSubmit: (call) => (vetoes-- > 0 ? false : call) };
      const collect = scheduler.task(shape.collect, { plugins: [limiter, vetoOnce] });
      const returned: unknown[] = [];
      let refused: unknown;
      scheduler.on('start', () => {
        returned.push(collect.submit('vetoed by the later plugin'));
        try {
          collect.submit(() => 'a function cannot be sent');
        } catch (error) {
          refused = error;
        }
        returned.push(collect.submit('runs'), collect.submit('past the limit'));
      });

      await scheduler.run();

      expect(refused).toBeInstanceOf(SerializationError);
      expect(returned.map((future) => (future as Future | undefined)?.call.args)).toEqual([undefined, ['runs'], undefined]);
      expect(limiter.calls).toBe(1);
      expect(collect.eventCounts).toEqual({ submitted: 1, done: 1, result: 1, 'call-limit-reached': 1 });
    });
  });

  describe('maxConcurrent', () => {
    test('vetoes while the limit is in flight and emits concurrent-limit-reached with (task, args)', async () => {
      const scheduler = make();
      const sleep = scheduler.task(math.sleep, { plugins: [new Limiter({ maxConcurrent: 1 })] });
      const reached: unknown[][] = [];
      const returned: unknown[] = [];
      onLimit(sleep, 'concurrent-limit-reached', (task, args) => void reached.push([task, args]));
      scheduler.on('start', () => void returned.push(sleep.submit(50), sleep.submit(60)));

      await scheduler.run();

      expect(returned[0]).toBeDefined();
      expect(returned[1]).toBeUndefined();
      expect(reached).toEqual([[sleep, [60]]]);
      expect(sleep.eventCounts).toEqual({ submitted: 1, done: 1, result: 1, 'concurrent-limit-reached': 1 });
    });

    test('holds for a submit made from a submitted handler', async () => {
      const scheduler = make();
      const add = scheduler.task(math.add, { plugins: [new Limiter({ maxConcurrent: 1 })] });
      const returned: unknown[] = [];
      add.on('submitted', (_future, a) => {
        if (a === 1) returned.push(add.submit(2, 2));
      });
      scheduler.on('start', () => void add.submit(1, 1));

      await scheduler.run();

      expect(returned).toEqual([undefined]);
      expect(add.eventCounts).toEqual({ submitted: 1, done: 1, result: 1, 'concurrent-limit-reached': 1 });
    });

    test('a finished call frees its place at once, even inside its own result handler', async () => {
      const scheduler = make();
      const add = scheduler.task(math.add, { plugins: [new Limiter({ maxConcurrent: 1 })] });
      const sums: number[] = [];
      scheduler.on('start', () => void add.submit(0, 1));
      add.on('result', (_future, sum) => {
        sums.push(sum);
        if (sum < 3) expect(add.submit(sum, 1)).toBeDefined();
      });

      await scheduler.run();

      expect(sums).toEqual([1, 2, 3]);
      expect(add.eventCounts).toEqual({ submitted: 3, done: 3, result: 3 });
    });

    test("a finished call frees its place in the scheduler's handlers of its events too (amltk counted finished-but-unprocessed calls)", async () => {
      const scheduler = make();
      const add = scheduler.task(math.add, { plugins: [new Limiter({ maxConcurrent: 1 })] });
      const sums: unknown[] = [];
      scheduler.on('start', () => void add.submit(0, 1));
      scheduler.on('future-result', (_future, sum) => {
        sums.push(sum);
        if ((sum as number) < 3) add.submit(sum as number, 1);
      });

      await scheduler.run();

      expect(sums).toEqual([1, 2, 3]);
      expect(add.eventCounts).toEqual({ submitted: 3, done: 3, result: 3 });
    });
  });

  describe('notWhileRunning', () => {
    test('vetoes while another task runs and emits disabled-due-to-running-task; runs once it is done', async () => {
      const scheduler = make();
      const sleep = scheduler.task(math.sleep);
      const pid = scheduler.task(math.pid);
      const add = scheduler.task(math.add, { plugins: [new Limiter({ notWhileRunning: [pid, sleep] })] });
      const disabled: unknown[][] = [];
      const returned: unknown[] = [];
      onLimit(add, 'disabled-due-to-running-task', (task, args) => void disabled.push([task, args]));
      scheduler.on('start', () => {
        sleep.submit(50);
        returned.push(add.submit(1, 2));
      });
      sleep.on('result', () => void returned.push(add.submit(3, 4)));

      await scheduler.run();

      expect(returned[0]).toBeUndefined();
      expect(returned[1]).toBeDefined();
      expect(disabled).toEqual([[add, [1, 2]]]);
      expect(add.eventCounts).toEqual({ 'disabled-due-to-running-task': 1, submitted: 1, done: 1, result: 1 });
    });
  });
}
