/**
 * What a run does when a task fails, a handler throws, or a call is cancelled.
 */
import { InvalidOptionError } from '../errors/index.js';
import type { ErrorClass } from '../wire/error-codec.js';

/** `raise`: end the run and reject `run()` with the error. `end`: end it with an exit code. `continue`: go on. */
export type ErrorAction = 'raise' | 'end' | 'continue';

/** One action for every error, or an ordered list: the first `instanceof` match wins, no match raises. */
export type ExceptionPolicy = ErrorAction | readonly (readonly [ErrorClass, ErrorAction])[];

const ACTIONS: readonly ErrorAction[] = ['raise', 'end', 'continue'];

export function checkExceptionPolicy(policy: unknown, option: string): ExceptionPolicy {
  if (ACTIONS.includes(policy as ErrorAction)) return policy as ErrorAction;
  const expected = "'raise', 'end', 'continue' or a list of [ErrorClass, action] pairs";
  if (!Array.isArray(policy)) throw new InvalidOptionError(option, expected, policy);
  policy.forEach((entry: unknown, index) => {
    const pair = entry as readonly unknown[];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'function' || !ACTIONS.includes(pair[1] as ErrorAction)) {
      throw new InvalidOptionError(`${option}[${index}]`, "a pair [ErrorClass, 'raise' | 'end' | 'continue']", entry);
    }
  });
  return policy as ExceptionPolicy;
}

export function decide(policy: ExceptionPolicy, error: unknown): ErrorAction {
  if (typeof policy === 'string') return policy;
  for (const [errorClass, action] of policy) if (error instanceof errorClass) return action;
  return 'raise';
}
