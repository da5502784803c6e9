import { readFileSync } from 'node:fs';
import { ExitCode, Scheduler, SerializationError, type ErrorClass, type Future, type TaskFunction, type TaskRef } from 'forkline';
import type * as ErrorShapes from './fixtures/error-shapes.ts';
import { FieldNamedError } from './fixtures/error-shapes.js';
import type * as Failures from './fixtures/failures.ts';
import { ValidationError } from './fixtures/failures.js';
import { expectNoChildren, fixture, fixtureModule } from './helpers.js';

const failures = fixtureModule<typeof Failures>('failures.ts');
const shapes = fixtureModule<typeof ErrorShapes>('error-shapes.ts');

afterEach(expectNoChildren);

interface Options {
  readonly serialization?: 'json' | 'advanced';
  readonly errorClasses?: readonly ErrorClass[];
}

/** Runs one call in a child and returns what it failed with, checking every way the host sees it. */
async function failureOf<F extends TaskFunction>(ref: TaskRef<F>, args: unknown[] = [], options: Options = {}): Promise<unknown> {
  const scheduler = Scheduler.withProcesses(1, options);
  const task = scheduler.task(ref);
  const seen: unknown[] = [];
  let future: Future | undefined;
  scheduler.on('future-exception', (_future, error) => void seen.push(error));
  task.on('exception', (_future, error) => void seen.push(error));
  scheduler.on('start', () => void (future = (task.submit as unknown as (...values: unknown[]) => Future)(...args)));

  expect((await scheduler.run({ onException: 'continue' })).code).toBe(ExitCode.EXHAUSTED);

  expect(future?.state).toBe('rejected');
  const caught = await future!.then(
    () => 'fulfilled',
    (error: unknown) => error,
  );
  expect(seen).toHaveLength(2);
  // One value, the same wherever it is looked at.
  expect(seen[0]).toBe(future!.error);
  expect(seen[1]).toBe(future!.error);
  expect(caught).toBe(future!.error);
  return future!.error;
}

describe('a task error reaches the host', () => {
  test('with its class, name, message, code, cause (recursively) and own properties', async () => {
    const error = (await failureOf(failures.throwWithDetails)) as TypeError & Record<string, unknown>;

    expect(error).toBeInstanceOf(TypeError);
    expect([error.name, error.message, error.code]).toEqual(['TypeError', 'outer', 'E_OUTER']);
    expect(error.details).toEqual({ retries: 3, tags: ['a', 'b'] });
    expect(error.cause).toBeInstanceOf(RangeError);
    expect(error.cause).toMatchObject({ name: 'RangeError', message: 'root cause' });
    // A function cannot cross: it arrives as its inspect() text instead of failing the call.
    expect(typeof error.fn).toBe('string');
    expect(error.fn).toMatch(/Function/);
  });

  test("with the child's stack: the task's own file and function", async () => {
    const error = (await failureOf(failures.throwWithDetails)) as Error;
    expect(error.stack).toMatch(/^TypeError: outer\n/);
    // Source-mapped: the line of the TypeScript source that made the error.
    const line = readFileSync(fixture('failures.ts'), 'utf8').split('\n').findIndex((text) => text.includes("new TypeError('outer'")) + 1;
    expect(error.stack).toMatch(new RegExp(`\\n {4}at throwWithDetails \\((file://)?/\\S*/spec/fixtures/failures\\.ts:${line}:\\d+\\)\\n`));
    expect(error.stack).not.toMatch(/errors\.spec\.ts/);
    expect((error.cause as Error).stack).toMatch(/failures\.ts/);
  });

  test('from an async task, with its stack', async () => {
    const error = (await failureOf(failures.rejectAsync)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('async failure');
    expect(error.stack).toMatch(/failures\.ts/);
  });

  test('as an instance of a user class listed in errorClasses', async () => {
    const error = await failureOf(failures.throwValidation, ['email'], { errorClasses: [ValidationError] });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ name: 'ValidationError', message: 'bad email', field: 'email' });
  });

  test('as an Error with the right name when its class is not listed', async () => {
    const error = await failureOf(failures.throwValidation, ['email']);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ name: 'ValidationError', message: 'bad email', field: 'email' });
  });

  test('as an instance of a listed class named by a class field', async () => {
    const error = await failureOf(shapes.throwFieldNamed, [], { errorClasses: [FieldNamedError] });
    expect(error).toBeInstanceOf(FieldNamedError);
    expect(error).toMatchObject({ name: 'FieldNamedError', message: 'named by a field' });
  });

  test('a plain Error stays a plain Error when a class named by a class field is listed', async () => {
    const error = await failureOf(shapes.throwPlain, [], { errorClasses: [FieldNamedError] });
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(FieldNamedError);
    expect(error).toMatchObject({ name: 'Error', message: 'plain' });
  });

  test('an AggregateError arrives with its errors', async () => {
    const error = (await failureOf(shapes.throwAggregate)) as AggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors).toEqual([expect.any(TypeError), 'second']);
  });
});

describe.each(['advanced', 'json'] as const)('a thrown non-error reaches the host as it was (%s)', (serialization) => {
  test.each([
    ['a string', failures.throwString, 'just a string'],
    ['an object', shapes.throwObject, { reason: 'an object', count: 2 }],
    ['undefined', shapes.throwUndefined, undefined],
  ])('%s', async (_what, ref, thrown) => {
    expect(await failureOf(ref, [], { serialization })).toEqual(thrown);
  });
});

describe("forkline's own errors from the child", () => {
  test('a function-valued return value is a SerializationError naming the path', async () => {
    const error = (await failureOf(failures.returnFunction)) as SerializationError;
    expect(error).toBeInstanceOf(SerializationError);
    expect(error.code).toBe('ERR_SERIALIZATION');
    expect(error).toMatchObject({ path: 'the return value.nested.callback', serialization: 'advanced' });
    expect(error.message).toMatch(/^Returning from returnFunction\(\) failed: the return value\.nested\.callback is a function/);
  });
});
