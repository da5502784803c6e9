/**
 * `DEBUG=forkline:*` logging to stderr, in the convention of the `debug` package.
 *
 * Namespaces: forkline:scheduler (run lifecycle), forkline:pool (children), forkline:ipc (every
 * frame, both directions). Loggers are no-ops unless enabled; check `.enabled` before building
 * anything expensive to log.
 */
import { format } from 'node:util';

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

export const log = {
  scheduler: logger('forkline:scheduler'),
  pool: logger('forkline:pool'),
  ipc: logger('forkline:ipc'),
};
