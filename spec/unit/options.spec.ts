/**
 * The validation vocabulary (lib/options.ts) by itself: each rule's edges, and the wording its
 * errors carry (the options' own specs pin the full messages where users meet them).
 */
import { InvalidOptionError } from '../../lib/errors/index.js';
import {
  boundedInteger,
  callable,
  checkNumber,
  integer,
  integerOrInfinity,
  MAX_TIMER_MS,
  millisecondsOrNever,
  nonEmptyString,
  numberError,
  oneOf,
  positive,
  timerDelay,
} from '../../lib/options.js';

function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return (error as Error).message;
  }
  throw new Error('the check accepted the value');
}

test('a rule accepts its edges and refuses what lies past them, NaN and non-numbers always', () => {
  expect(checkNumber(0, 'n', 'x', { min: 0, max: 1 })).toBe(0);
  expect(checkNumber(1, 'n', 'x', { min: 0, max: 1 })).toBe(1);
  expect(refusal(() => checkNumber(0, 'n', 'a number above 0', { above: 0 }))).toBe('Expected `n` to be a number above 0, got `0` (number).');
  expect(refusal(() => checkNumber(1.000001, 'n', 'x', { max: 1 }))).toContain('got `1.000001`');
  expect(refusal(() => checkNumber(Number.NaN, 'n', 'x', {}))).toContain('(NaN)');
  expect(refusal(() => checkNumber('1', 'n', 'x', {}))).toContain('(string)');
  expect(refusal(() => checkNumber(1.5, 'n', 'x', { integer: true }))).toContain('got `1.5`');
});

test('Infinity passes where a rule says so, and only there', () => {
  expect(positive(Infinity, 'bytes', 'a number of bytes > 0')).toBe(Infinity);
  expect(integerOrInfinity(Infinity, 'maxCalls', 1)).toBe(Infinity);
  expect(millisecondsOrNever(Infinity, 'idleTimeout', 1)).toBe(Infinity);
  expect(refusal(() => integer(Infinity, 'count', 1))).toBe('Expected `count` to be an integer >= 1, got `Infinity` (number).');
  expect(refusal(() => timerDelay(Infinity, 'delay', 'a delay', 'zero'))).toContain('got `Infinity`');
  expect(refusal(() => integerOrInfinity(-Infinity, 'maxCalls', 1))).toContain('got `-Infinity`');
});

test("timer delays stop at Node's longest timer, and start at 0 or above it", () => {
  expect(timerDelay(MAX_TIMER_MS, 'delay', 'a delay', 'zero')).toBe(MAX_TIMER_MS);
  expect(timerDelay(0, 'delay', 'a delay', 'zero')).toBe(0);
  expect(timerDelay(0.5, 'timeout', 'a timeout', 'above-zero')).toBe(0.5);
  expect(refusal(() => timerDelay(MAX_TIMER_MS + 1, 'delay', 'a delay', 'zero'))).toContain('got `2147483648`');
  expect(refusal(() => timerDelay(0, 'timeout', 'a timeout', 'above-zero'))).toBe('Expected `timeout` to be a timeout, got `0` (number).');
});

test('numberError returns what checkNumber throws, for callers that reject a promise instead', () => {
  expect(numberError(5, 'timeout', 'x', { min: 0 })).toBeUndefined();
  const error = numberError(-1, 'timeout', 'a number of milliseconds from 0', { min: 0 });
  expect(error).toBeInstanceOf(InvalidOptionError);
  expect(error?.message).toBe('Expected `timeout` to be a number of milliseconds from 0, got `-1` (number).');
});

test('the other checks word their expectation as the options always did', () => {
  expect(refusal(() => boundedInteger(1025, 'maxWorkers', 1, 1024))).toBe('Expected `maxWorkers` to be an integer from 1 to 1024, got `1025` (number).');
  expect(oneOf('json', 'serialization', ['json', 'advanced'])).toBe('json');
  expect(refusal(() => oneOf('xml', 'serialization', ['json', 'advanced']))).toBe("Expected `serialization` to be 'json' or 'advanced', got `\"xml\"` (string).");
  expect(refusal(() => oneOf(3, 'mode', ['auto', 'live', 'plain', 'none']))).toBe("Expected `mode` to be 'auto', 'live', 'plain' or 'none', got `3` (number).");
  expect(nonEmptyString('comm', 'parameterName')).toBe('comm');
  expect(refusal(() => nonEmptyString('', 'parameterName'))).toBe('Expected `parameterName` to be a non-empty string, got `""` (string).');
  const handler = () => 1;
  expect(callable(handler, 'handler')).toBe(handler);
  expect(refusal(() => callable('nope', 'handler'))).toBe('Expected `handler` to be a function, got `"nope"` (string).');
});
