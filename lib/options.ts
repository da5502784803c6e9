/**
 * The one vocabulary for checking options and arguments: each failure is an InvalidOptionError
 * stating what was expected and what came, and a key that is no option (a typo) is refused rather
 * than ignored.
 *
 * Every numeric check is `checkNumber` with a rule; the named checks below are the rules options
 * share. Like lib/errors/, this module imports nothing else, so the child runtime can use it too.
 */
import { InvalidOptionError, UnknownOptionError } from './errors/index.js';

/** Throws unless `value` is a plain object whose keys are all in `known`. */
export function checkOptions(value: unknown, where: string, known: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`${where} options`, 'an object', value);
  }
  for (const key of Object.keys(value)) if (!known.includes(key)) throw new UnknownOptionError(key, known, where);
}

/** What a numeric option accepts. NaN never passes. */
export interface NumberRule {
  /** Only integers. */
  readonly integer?: boolean;
  /** The smallest value accepted. */
  readonly min?: number;
  /** Only values above this one. */
  readonly above?: number;
  /** The largest value accepted; without it, Infinity passes unless `integer`. */
  readonly max?: number;
  /** Infinity passes as well, whatever the rest of the rule says: "never", "no limit". */
  readonly infinity?: boolean;
}

/** Returns `value` if it is a number that fits `rule`; otherwise throws, saying `expected`. */
export function checkNumber(value: unknown, option: string, expected: string, rule: NumberRule): number {
  const error = numberError(value, option, expected, rule);
  if (error) throw error;
  return value as number;
}

/** `checkNumber` for callers that reject instead of throwing: the error, or undefined if `value` fits. */
export function numberError(value: unknown, option: string, expected: string, rule: NumberRule): InvalidOptionError | undefined {
  if (typeof value === 'number' && (fits(value, rule) || (rule.infinity === true && value === Infinity))) return undefined;
  return new InvalidOptionError(option, expected, value);
}

function fits(value: number, rule: NumberRule): boolean {
  return (
    !Number.isNaN(value) &&
    (rule.integer !== true || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max)
  );
}

/** An integer >= min. */
export function integer(value: unknown, option: string, min: number): number {
  return checkNumber(value, option, `an integer >= ${min}`, { integer: true, min });
}

/** An integer >= min, or Infinity (no limit). The message names the integer only, as users pass one. */
export function integerOrInfinity(value: unknown, option: string, min: number): number {
  return checkNumber(value, option, `an integer >= ${min}`, { integer: true, min, infinity: true });
}

/** An integer in [min, max]. */
export function boundedInteger(value: unknown, option: string, min: number, max: number): number {
  return checkNumber(value, option, `an integer from ${min} to ${max}`, { integer: true, min, max });
}

/** A number > 0 (Infinity included): a size or an interval, `expected` naming its unit. */
export function positive(value: unknown, option: string, expected: string): number {
  return checkNumber(value, option, expected, { above: 0 });
}

/** The longest delay a Node timer keeps: longer ones fire after 1 ms, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay for a timer: an integer of milliseconds in [min, 2^31-1]. */
export function milliseconds(value: unknown, option: string, min: number): number {
  return checkNumber(value, option, `an integer number of milliseconds from ${min} to ${MAX_TIMER_MS} (2^31-1)`, { integer: true, min, max: MAX_TIMER_MS });
}

/** A timeout that may also be `Infinity` (never); any other value as `milliseconds` takes it. */
export function millisecondsOrNever(value: unknown, option: string, min: number): number {
  return checkNumber(value, option, `Infinity (never) or an integer number of milliseconds from ${min} to ${MAX_TIMER_MS} (2^31-1)`, {
    integer: true,
    min,
    max: MAX_TIMER_MS,
    infinity: true,
  });
}

/** A delay a timer keeps, fractions allowed: 0 to 2^31-1 ms. */
export const TIMER_DELAY: NumberRule = { min: 0, max: MAX_TIMER_MS };
/** A delay a timer keeps that must be above 0: a timeout of nothing is a mistake. */
export const POSITIVE_TIMER_DELAY: NumberRule = { above: 0, max: MAX_TIMER_MS };

/**
 * A delay a timer keeps, from 0 or from above 0. The wording is the caller's: each public option
 * states its own (messages are part of the API, and specs pin them).
 */
export function timerDelay(value: unknown, option: string, expected: string, from: 'zero' | 'above-zero'): number {
  return checkNumber(value, option, expected, from === 'zero' ? TIMER_DELAY : POSITIVE_TIMER_DELAY);
}

export function boolean(value: unknown, option: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, 'a boolean', value);
  return value;
}

export function stringArray(value: unknown, option: string): readonly string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidOptionError(option, 'an array of strings', value);
  }
  return value as string[];
}

/** A string of at least one character. */
export function nonEmptyString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidOptionError(option, 'a non-empty string', value);
  return value;
}

/** A function (a handler, a callback). */
export function callable<T>(value: T, option: string): T {
  if (typeof value !== 'function') throw new InvalidOptionError(option, 'a function', value);
  return value;
}

/** One of `choices`, which the message lists: `'json' or 'advanced'`. */
export function oneOf<const T extends string>(value: unknown, option: string, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  const quoted = choices.map((choice) => `'${choice}'`);
  const listed = quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  throw new InvalidOptionError(option, listed, value);
}
