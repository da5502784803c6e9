/**
 * The wording helpers every error message shares: how a task, a value and a cause are shown.
 *
 * No imports, like the rest of lib/errors/: the child runtime (workers/) shares these classes.
 */

/** What identifies a task in an error: the same shape as {@link TaskIdentity}. */
export interface TaskName {
  readonly module: string;
  readonly export: string;
}

export const describeTask = (task: TaskName): string => `${task.export} (${task.module})`;

/** The command that loads a module on its own, TypeScript included. */
export function loadCommand(module: string): string {
  const path = decodeURIComponent(module.replace(/^file:\/\//, ''));
  return /\.[cm]?tsx?$/.test(path) ? `node --import forkline/register ${path}` : `node ${path}`;
}

/** ` (message)` of an error, or of an error-like object (errors from Node 20's hooks thread arrive as plain objects). */
export function messageOf(cause: unknown): string {
  const message = (cause as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? ` (${message})` : '';
}

/** Formats a value for an error message: short, single line. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return value.name ? `[Function ${value.name}]` : '[Function]';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The type of a value as an option error names it: `null`, `array` and `NaN` apart from `typeof`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}
