import { InvalidOptionError, TaskLoadError } from '../../lib/errors/index.js';
import { deserializeError, errorClassMap, serializeError, type ErrorClass } from '../../lib/wire/error-codec.js';
import type { Serialization } from '../../lib/wire/serializable.js';

/** Sends `thrown` the way a child would: serialize, copy as the channel does, rebuild. */
function across(thrown: unknown, serialization: Serialization, classes: ErrorClass[] = []): unknown {
  const payload = serializeError(thrown, serialization);
  const copied: unknown = serialization === 'json' ? JSON.parse(JSON.stringify(payload)) : structuredClone(payload);
  return deserializeError(copied, errorClassMap(classes));
}

class ValidationError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}
ValidationError.prototype.name = 'ValidationError';

/** The common TypeScript way to name an error class: a class field, so an own property of each instance. */
class FieldNamedError extends Error {
  override name = 'FieldNamedError';
}

/** A class that never sets its name: its instances are named "Error". */
class UnnamedError extends Error {}

describe.each(['advanced', 'json'] as const)('with %s serialization', (serialization) => {
  test('keeps name, message, stack, code, cause (as errors, recursively) and own properties', () => {
    const root = new RangeError('root cause');
    const middle = new Error('middle', { cause: root });
    const error = Object.assign(new TypeError('outer', { cause: middle }), {
      code: 'E_OUTER',
      details: { retries: 3, tags: ['a', 'b'] },
    });

    const arrived = across(error, serialization) as typeof error;

    expect(arrived).toBeInstanceOf(TypeError);
    expect(arrived).not.toBe(error);
    expect([arrived.name, arrived.message, arrived.stack, arrived.code]).toEqual(['TypeError', 'outer', error.stack, 'E_OUTER']);
    expect(arrived.details).toEqual({ retries: 3, tags: ['a', 'b'] });
    expect(arrived.cause).toBeInstanceOf(Error);
    expect(arrived.cause).toMatchObject({ name: 'Error', message: 'middle', stack: middle.stack });
    expect((arrived.cause as Error).cause).toBeInstanceOf(RangeError);
    expect((arrived.cause as Error).cause).toMatchObject({ message: 'root cause' });
    expect(Object.keys(arrived).sort()).toEqual(['code', 'details']);
  });

  test('a function-valued property arrives as text, not a crash', () => {
    const error = Object.assign(new Error('has a callback'), { retry: function retry() {} });
    const { retry } = across(error, serialization) as Record<string, unknown>;
    expect(typeof retry).toBe('string');
    expect(retry).toContain('retry');
  });

  test('an Error-valued property arrives as an Error of its class', () => {
    const error = Object.assign(new Error('outer'), { inner: new RangeError('inner') });
    const arrived = across(error, serialization) as typeof error;
    expect(arrived.inner).toBeInstanceOf(RangeError);
    expect(arrived.inner.message).toBe('inner');
  });

  test.each([TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError].map((type) => [type.name, type] as const))('a %s arrives as one', (_name, ErrorType) => {
    const arrived = across(new ErrorType('built in'), serialization);
    expect(arrived).toBeInstanceOf(ErrorType);
    expect(arrived).toMatchObject({ name: ErrorType.name, message: 'built in' });
  });

  test('an AggregateError arrives with its errors, each rebuilt', () => {
    const arrived = across(new AggregateError([new TypeError('first'), 'second'], 'many failed'), serialization) as AggregateError;
    expect(arrived).toBeInstanceOf(AggregateError);
    expect(arrived.message).toBe('many failed');
    expect(arrived.errors).toEqual([expect.any(TypeError), 'second']);
    expect((arrived.errors[0] as Error).message).toBe('first');
  });

  test('an unknown class arrives as an Error with its name and properties', () => {
    const arrived = across(new ValidationError('bad email', 'email'), serialization);
    expect(arrived).toBeInstanceOf(Error);
    expect(arrived).not.toBeInstanceOf(ValidationError);
    expect(arrived).toMatchObject({ name: 'ValidationError', message: 'bad email', field: 'email' });
    expect(String(arrived)).toBe('ValidationError: bad email');
  });

  test('a known class arrives as an instance of it, without running its constructor', () => {
    const arrived = across(new ValidationError('bad email', 'email'), serialization, [ValidationError]);
    expect(arrived).toBeInstanceOf(ValidationError);
    expect(arrived).toMatchObject({ name: 'ValidationError', message: 'bad email', field: 'email' });
  });

  test("forkline's own errors arrive as instances, with their code and properties", () => {
    const classes = [InvalidOptionError, TaskLoadError];
    const option = across(new InvalidOptionError('size', 'an integer', 'big'), serialization, classes);
    expect(option).toBeInstanceOf(InvalidOptionError);
    expect(option).toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'size', expected: 'an integer', actual: 'big' });
    const load = across(new TaskLoadError({ module: 'file:///jobs.ts', export: 'go' }, 'export-missing'), serialization, classes);
    expect(load).toBeInstanceOf(TaskLoadError);
    expect(load).toMatchObject({ code: 'ERR_TASK_LOAD', reason: 'export-missing', task: { module: 'file:///jobs.ts', export: 'go' } });
  });

  test('a class named by a class field is known by that name', () => {
    const arrived = across(new FieldNamedError('named by a field'), serialization, [FieldNamedError]);
    expect(arrived).toBeInstanceOf(FieldNamedError);
    expect(arrived).toMatchObject({ name: 'FieldNamedError', message: 'named by a field' });
  });

  test.each([
    ['named by a class field', FieldNamedError],
    ['that never sets its name', UnnamedError],
  ])('a known class %s does not capture plain Errors', (_how, ErrorType) => {
    const arrived = across(new Error('plain'), serialization, [ErrorType]);
    expect(arrived).toBeInstanceOf(Error);
    expect(arrived).not.toBeInstanceOf(ErrorType);
  });

  test('a cause that is not an error arrives as it was', () => {
    const arrived = across(new Error('outer', { cause: { reason: 'quota', left: 0 } }), serialization) as Error;
    expect(arrived.cause).toEqual({ reason: 'quota', left: 0 });
  });

  test('a cycle of causes is cut off, not followed forever', () => {
    const error = new Error('loops');
    error.cause = error;
    let arrived = across(error, serialization) as Error | undefined;
    let depth = 0;
    while (arrived?.cause !== undefined) {
      arrived = arrived.cause as Error;
      depth++;
    }
    expect(depth).toBeGreaterThan(0);
    expect(depth).toBeLessThan(20);
  });

  test('an own property named errors on an error that is not an AggregateError is kept', () => {
    const arrived = across(Object.assign(new Error('validation failed'), { errors: ['name is required'] }), serialization);
    expect(arrived).toMatchObject({ errors: ['name is required'] });
  });

  test.each([
    ['a string', 'just a string'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', { reason: 'an object', count: 2 }],
    ['an object shaped like a serialized error', { $error: 1, name: 'Fake', message: 'not an error' }],
    ['an object shaped like a wrapped throw', { $thrown: 'not unwrapped' }],
  ])('%s thrown instead of an error arrives as it was', (_what, thrown) => {
    expect(across(thrown, serialization)).toEqual(thrown);
  });
});

describe('json serialization', () => {
  test('properties JSON cannot carry arrive as their inspect() text', () => {
    const error = Object.assign(new Error('odd values'), { big: 10n, when: new Date(0), ratio: Number.NaN, links: new Map([['a', 1]]) });
    const arrived = across(error, 'json') as Record<string, unknown>;
    expect(arrived.big).toBe('10n');
    expect(arrived.when).toBe('1970-01-01T00:00:00.000Z');
    expect(arrived.ratio).toBe('NaN');
    expect(arrived.links).toBe("Map(1) { 'a' => 1 }");
  });
});

describe('advanced serialization', () => {
  test('properties structured clone can carry arrive as values', () => {
    const error = Object.assign(new Error('rich values'), { big: 10n, when: new Date(0), links: new Map([['a', 1]]) });
    const arrived = across(error, 'advanced') as Record<string, unknown>;
    expect(arrived.big).toBe(10n);
    expect(arrived.when).toEqual(new Date(0));
    expect(arrived.links).toEqual(new Map([['a', 1]]));
  });
});
