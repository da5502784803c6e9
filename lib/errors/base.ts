/**
 * The base class of every forkline error, and the errors of a wrong argument: an option of the
 * wrong type or value, an option that does not exist, an event that does not exist.
 */
import { closest } from './did-you-mean.js';
import { formatValue, typeName } from './format.js';

/** Base class of every error forkline throws. Catch this to catch them all. */
export class ForklineError extends Error {
  /** A stable, machine-readable identifier such as `ERR_COMM_TIMEOUT`. */
  readonly code: string = 'ERR_FORKLINE';
}
ForklineError.prototype.name = 'ForklineError';

/** A name passed to `on()`, `emit()` or `once()` is not an event of that emitter. */
export class EventNotKnownError extends ForklineError {
  override readonly code = 'ERR_EVENT_NOT_KNOWN';
  constructor(
    readonly event: string,
    readonly known: readonly string[],
    owner: string,
  ) {
    super(
      `${owner} has no event "${event}". Known events: ${known.map((name) => `"${name}"`).join(', ')}. ` +
        'Check the spelling, or add the plugin that provides it to the task.',
    );
  }
}
EventNotKnownError.prototype.name = 'EventNotKnownError';

/** An option or argument has the wrong type or value. States what was expected and what came. */
export class InvalidOptionError extends ForklineError {
  override readonly code = 'ERR_INVALID_OPTION';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly actual: unknown,
  ) {
    super(`Expected \`${option}\` to be ${expected}, got \`${formatValue(actual)}\` (${typeName(actual)}).`);
  }
}
InvalidOptionError.prototype.name = 'InvalidOptionError';

/** An options object has a key that is no option of the call: a typo, usually. */
export class UnknownOptionError extends ForklineError {
  override readonly code = 'ERR_UNKNOWN_OPTION';
  constructor(
    readonly option: string,
    readonly known: readonly string[],
    where: string,
  ) {
    const near = closest(option, known);
    super(
      `${where} has no option \`${option}\`${near === undefined ? '' : ` (did you mean \`${near}\`?)`}. ` +
        `Its options: ${known.map((name) => `\`${name}\``).join(', ')}.`,
    );
  }
}
UnknownOptionError.prototype.name = 'UnknownOptionError';
