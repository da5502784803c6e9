/**
 * Checks for options objects: each failure states what was expected and what came, and a key
 * that is no option (a typo) is refused rather than ignored.
 */
import { InvalidOptionError, UnknownOptionError } from './errors/index.js';

/** Throws unless `value` is a plain object whose keys are all in `known`. */
export function checkOptions(value: unknown, where: string, known: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`${where} options`, 'an object', value);
  }
  for (const key of Object.keys(value)) if (!known.includes(key)) throw new UnknownOptionError(key, known, where);
}

export function integer(value: unknown, option: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(option, `an integer >= ${min}`, value);
  }
  return value;
}

/** The longest delay a Node timer keeps: longer ones fire after 1 ms, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay for a timer: an integer of milliseconds in [min, 2^31-1]. */
export function milliseconds(value: unknown, option: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new InvalidOptionError(option, `an integer number of milliseconds from ${min} to ${MAX_TIMER_MS} (2^31-1)`, value);
  }
  return value;
}

/** A timeout that may also be `Infinity` (never); any other value as `milliseconds` takes it. */
export function millisecondsOrNever(value: unknown, option: string, min: number): number {
  if (value === Infinity) return Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new InvalidOptionError(option, `Infinity (never) or an integer number of milliseconds from ${min} to ${MAX_TIMER_MS} (2^31-1)`, value);
  }
  return value;
}

/** An integer in [min, max]. */
export function boundedInteger(value: unknown, option: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, `an integer from ${min} to ${max}`, value);
  }
  return value;
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
