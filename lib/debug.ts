/**
 * `DEBUG=forkline:*` logging to stderr, in the convention of the `debug` package.
 *
 * Namespaces: forkline:scheduler (run lifecycle), forkline:pool (children), forkline:ipc (every
 * frame, both directions). Loggers are no-ops unless enabled; check `.enabled` before building
 * anything expensive to log.
 */
import { format, inspect } from 'node:util';

export interface Logger {
  (template: string, ...values: unknown[]): void;
  readonly enabled: boolean;
}

const patterns = (process.env.DEBUG ?? '')
  .split(/[\s,]+/)
  .filter(Boolean)
  .map((pattern) => ({
    negated: pattern.startsWith('-'),
    regex: new RegExp(`^${pattern.replace(/^-/, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
  }));

function enabled(namespace: string): boolean {
  if (patterns.some((pattern) => pattern.negated && pattern.regex.test(namespace))) return false;
  return patterns.some((pattern) => !pattern.negated && pattern.regex.test(namespace));
}

function logger(namespace: string): Logger {
  const on = enabled(namespace);
  let last = performance.now();
  const write = (template: string, ...values: unknown[]) => {
    if (!on) return;
    const now = performance.now();
    process.stderr.write(`${namespace} ${format(template, ...values)} +${Math.round(now - last)}ms\n`);
    last = now;
  };
  return Object.assign(write, { enabled: on });
}

/** A value on one line, for `%s` in a log template. */
export function inline(value: unknown): string {
  return inspect(value, { breakLength: Infinity, compact: true, depth: 6, maxArrayLength: 20, maxStringLength: 200 });
}

export const log = {
  scheduler: logger('forkline:scheduler'),
  pool: logger('forkline:pool'),
  ipc: logger('forkline:ipc'),
};
