/**
 * The error classes a host rebuilds a child's errors as: forkline's own, and the user's
 * (`errorClasses`). One list for every scheduler, local or on a queue worker, so an error keeps
 * its class whichever machine ran the call.
 */
import * as forklineErrors from '../errors/index.js';
import { errorClassMap, type ErrorClass } from '../wire/error-codec.js';

/** forkline's own error classes and `extra`, by name. */
export function knownErrors(extra: readonly ErrorClass[]): ReadonlyMap<string, ErrorClass> {
  const ours = (Object.values(forklineErrors) as unknown[]).filter(
    (value): value is ErrorClass => typeof value === 'function' && value.prototype instanceof Error,
  );
  return errorClassMap([...ours, ...extra]);
}
