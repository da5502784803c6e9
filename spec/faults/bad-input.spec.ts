import { Comm, InvalidOptionError, Limiter, Limits, Scheduler, SerializationError, UnknownOptionError } from 'forkline';
import type * as Faults from '../fixtures/faults.ts';
import type * as Math from '../fixtures/math.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const faults = fixtureModule<typeof Faults>('faults.ts');
const math = fixtureModule<typeof Math>('math.ts');

afterEach(expectNoChildren);

class Point {
  constructor(readonly x: number) {}
}

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = circular;

const refused: [string, 'json' | 'advanced', unknown, string][] = [
  ['a function', 'advanced', { config: { fn: () => 1 } }, 'args[0].config.fn is a function (fn)'],
  ['a symbol', 'advanced', [1, Symbol('s')], 'args[0][1] is a symbol'],
  ['a class instance', 'advanced', { at: new Point(1) }, 'args[0].at is an instance of Point, which would arrive as a plain object without its class'],
  ['circular data under json', 'json', circular, 'args[0].self is a circular reference'],
  ['a Date under json', 'json', { when: new Date(0) }, 'args[0].when is an instance of Date, which would arrive as plain JSON without its class'],
  ['a BigInt under json', 'json', { big: 10n }, 'args[0].big is a BigInt'],
  ['a Map under json', 'json', new Map([[1, 2]]), 'args[0] is an instance of Map'],
];

test.each(refused)('submit() refuses %s (%s) with SerializationError naming the path, before anything is sent', async (_what, serialization, value, message) => {
  const scheduler = Scheduler.withProcesses(1, { serialization });
  const echo = scheduler.task(math.echo);
  let error: unknown;
  scheduler.on('start', () => {
    try {
      echo.submit(value);
    } catch (caught) {
      error = caught;
    }
  });
  await scheduler.run();
  expect(error).toBeInstanceOf(SerializationError);
  expect((error as SerializationError).message).toContain(`echo.submit() failed: ${message}`);
  expect((error as SerializationError).code).toBe('ERR_SERIALIZATION');
  expect(scheduler.eventCounts['future-submitted']).toBeUndefined();
  expect(echo.eventCounts).toEqual({});
});

test('advanced serialization carries what json cannot: Maps, Sets, Dates, BigInts, binary, shared and circular references', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const echo = scheduler.task(math.echo);
  const value = { map: new Map([['a', 1]]), set: new Set([1]), when: new Date(5), big: 2n ** 70n, bytes: new Uint8Array([1, 2]), circular };
  const results: unknown[] = [];
  echo.on('result', (_future, result) => void results.push(result));
  scheduler.on('start', () => void echo.submit(value));
  await scheduler.run();
  expect(results).toEqual([value]);
});

test('payloads over maxPayloadBytes are refused at submit, at comm.send in the child, and for results', async () => {
  const scheduler = Scheduler.withProcesses(1, { maxPayloadBytes: 1024 });
  const echo = scheduler.task(math.echo);
  const send = scheduler.task(faults.sendRepeated, { plugins: [Comm.Plugin()] });
  const errors: string[] = [];
  const results: unknown[] = [];
  send.on('result', (_future, result) => void results.push(result));
  scheduler.on('start', () => {
    try {
      echo.submit({ big: 'x'.repeat(2000) });
    } catch (error) {
      errors.push((error as Error).message);
    }
    send.submit('y', 2000);
  });
  await scheduler.run();
  expect(errors).toEqual([expect.stringContaining('echo.submit() failed: args[0].big is about 0.002 MiB, over the 0.001 MiB limit (maxPayloadBytes)') as unknown]);
  expect(results).toEqual([{ name: 'SerializationError', message: expect.stringContaining('comm.send() failed: data is about') as unknown }]);
});

test('wrong options get InvalidOptionError with the expected and the actual value', () => {
  const cases: [() => unknown, string][] = [
    [() => Scheduler.withProcesses(1, { prefetch: -1 }), 'Expected `prefetch` to be an integer from 0 to 1024, got `-1` (number).'],
    [() => Scheduler.withProcesses(1, { serialization: 'xml' as never }), "Expected `serialization` to be 'json' or 'advanced', got `\"xml\"` (string)."],
    [() => Scheduler.withProcesses(1, { execArgv: '--inspect' as never }), 'Expected `execArgv` to be an array of strings, got `"--inspect"` (string).'],
    [() => Scheduler.withProcesses(1, { killGracePeriod: 'soon' as never }), 'Expected `killGracePeriod` to be an integer number of milliseconds from 0 to 2147483647 (2^31-1), got `"soon"` (string).'],
    [() => Scheduler.withProcesses(1, { maxTasksPerWorker: 0 }), 'Expected `maxTasksPerWorker` to be an integer >= 1, got `0` (number).'],
    [() => Scheduler.withProcesses(1, { idleTimeout: -5 }), 'Expected `idleTimeout` to be Infinity (never) or an integer number of milliseconds from 1 to 2147483647 (2^31-1), got `-5` (number).'],
    [() => Scheduler.withProcesses(1, { maxPayloadBytes: 0 }), 'Expected `maxPayloadBytes` to be a number of bytes > 0, got `0` (number).'],
    [() => Scheduler.withProcesses(1.5), 'Expected `maxWorkers` to be an integer from 1 to 1024, got `1.5` (number).'],
    [() => new Limiter({ maxCalls: 0 }), 'Expected `maxCalls` to be an integer >= 1, got `0` (number).'],
  ];
  for (const [make, message] of cases) {
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow(message);
  }
});

test('a misspelled option is refused, naming the option, its likely meaning and the known ones', async () => {
  const misspelled: [() => unknown, string][] = [
    [() => Scheduler.withProcesses(1, { serialisation: 'json' } as never), 'Scheduler.withProcesses() has no option `serialisation` (did you mean `serialization`?).'],
    [() => Scheduler.withSequential({ maxPayload: 1 } as never), 'Scheduler.withSequential() has no option `maxPayload`'],
    [() => new Limiter({ maxCall: 1 } as never), 'new Limiter() has no option `maxCall` (did you mean `maxCalls`?).'],
    [() => new Limits({ walltime: 1 } as never), 'new Limits() has no option `walltime` (did you mean `wallTime`?).'],
    [() => Comm.Plugin({ name: 'x' } as never), 'Comm.Plugin() has no option `name`.'],
    // Handler options were the one options object accepted as it came.
    [() => Scheduler.withSequential().on('empty', () => {}, { maxcalls: 1 } as never), "Scheduler on('empty') has no option `maxcalls` (did you mean `maxCalls`?)."],
    [() => Scheduler.withSequential().task(math.add).on('result', () => {}, { evry: 2 } as never), 'Task "add" on(\'result\') has no option `evry` (did you mean `every`?).'],
  ];
  for (const [make, message] of misspelled) {
    expect(make).toThrow(UnknownOptionError);
    expect(make).toThrow(message);
  }
  await expect(Scheduler.withSequential().run({ endOnEmtpy: false } as never)).rejects.toThrow(
    'scheduler.run() has no option `endOnEmtpy` (did you mean `endOnEmpty`?).',
  );
});

test('plugins given as the second argument of task(), or a signal that is no AbortSignal, are refused', async () => {
  const scheduler = Scheduler.withSequential();
  expect(() => scheduler.task(math.add, [Comm.Plugin()] as never)).toThrow(
    'Expected `options` to be { plugins: [...] } (plugins go in an object, not as the second argument)',
  );
  const add = scheduler.task(math.add);
  let error: unknown;
  scheduler.on('start', () => {
    try {
      add.submitWith({ signal: 'stop' as never }, 1, 2);
    } catch (caught) {
      error = caught;
    }
  });
  await scheduler.run();
  expect((error as Error).message).toBe('Expected `signal` to be an AbortSignal, got `"stop"` (string).');
  expect(add.eventCounts).toEqual({});
  expect(() => new Limiter({ notWhileRunning: [math.add as never] })).toThrow('Expected `notWhileRunning` to be tasks made by scheduler.task()');
});
