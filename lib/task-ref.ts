/**
 * Naming a task without importing it.
 *
 * The host never loads task code: it names the function by module and export, and the child
 * imports it. The function's type rides along as a phantom, so `submit()` arguments and results
 * are checked against the real signature from an `import type`.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from './errors.js';
import type { TaskIdentity } from './wire/protocol.js';

/** Any function that can be a task. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a task's parameters are checked where it is submitted.
export type TaskFunction = (...args: any[]) => unknown;

declare const taskFunction: unique symbol;

/**
 * A task's identity (`{ module, export }`, plain JSON) typed with the function it names.
 * Make one with {@link taskRef} or {@link taskModule}.
 */
export interface TaskRef<F extends TaskFunction = TaskFunction> extends TaskIdentity {
  /** Type-level only: never present at run time. */
  readonly [taskFunction]?: F;
}

/** The refs of a module's exported functions, keyed by export name. See {@link taskModule}. */
export type TaskModule<M> = {
  readonly [K in keyof M as M[K] extends TaskFunction ? K : never]: M[K] extends TaskFunction ? TaskRef<M[K]> : never;
};

/**
 * Names one exported function of a module.
 *
 * @param module The module: a `file:` URL (`new URL('./jobs.ts', import.meta.url)`) or an absolute path.
 * @param exportName The export to call; defaults to `default`.
 * @example
 * ```ts
 * import type { fib } from './jobs.ts';
 * const fibRef = taskRef<typeof fib>(new URL('./jobs.ts', import.meta.url), 'fib');
 * ```
 */
export function taskRef<F extends TaskFunction>(module: string | URL, exportName = 'default'): TaskRef<F> {
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new InvalidOptionError('exportName', 'the name of an exported function', exportName);
  }
  return Object.freeze({ module: moduleUrl(module), export: exportName });
}

/**
 * Names every exported function of a module at once, typed from `import type * as M`.
 *
 * @example
 * ```ts
 * import type * as Jobs from './jobs.ts';
 * const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
 * scheduler.task(jobs.fib);
 * ```
 */
export function taskModule<M>(module: string | URL): TaskModule<M> {
  const url = moduleUrl(module);
  const refs = new Map<string, TaskRef>();
  return new Proxy(Object.create(null) as TaskModule<M>, {
    get(_target, key) {
      if (typeof key !== 'string' || key === 'then') return undefined;
      let ref = refs.get(key);
      if (!ref) refs.set(key, (ref = Object.freeze({ module: url, export: key })));
      return ref;
    },
  });
}

/** Normalizes a module location to a `file:` URL string, the form the child imports. */
export function moduleUrl(module: string | URL): string {
  if (module instanceof URL) {
    if (module.protocol !== 'file:') throw badModule(module.href);
    return module.href;
  }
  if (typeof module !== 'string') throw badModule(module);
  if (module.startsWith('file:')) return new URL(module).href;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw badModule(module);
}

function badModule(actual: unknown): InvalidOptionError {
  return new InvalidOptionError(
    'module',
    "a file URL or an absolute path, e.g. new URL('./jobs.ts', import.meta.url)",
    actual instanceof URL ? actual.href : actual,
  );
}
