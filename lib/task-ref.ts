/**
 * Naming a task without importing it.
 *
 * The host never loads task code: it names the function by module and export, and the child
 * imports it. The function's type rides along as a phantom, so `submit()` arguments and results
 * are checked against the real signature from an `import type`.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from './errors/index.js';
import { checkOptions } from './options.js';
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
 * Only files are accepted: a builtin (`node:child_process`), a package name or a `data:` URL runs
 * code that is not a task module, so it is refused unless `options.anyModule` says it is meant.
 * A module path or export name must never come from untrusted input: the child imports and
 * calls whatever it names, with the host's environment.
 *
 * @param module The module: a `file:` URL (`new URL('./jobs.ts', import.meta.url)`) or an absolute path.
 * @param exportName The export to call; defaults to `default`.
 * @param options `anyModule: true` accepts any specifier the child can import, as given.
 * @example
 * ```ts
 * import type { fib } from './jobs.ts';
 * const fibRef = taskRef<typeof fib>(new URL('./jobs.ts', import.meta.url), 'fib');
 * ```
 */
export function taskRef<F extends TaskFunction>(module: string | URL, exportName = 'default', options: TaskRefOptions = {}): TaskRef<F> {
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new InvalidOptionError('exportName', 'the name of an exported function', exportName);
  }
  checkOptions(options, 'taskRef()', ['anyModule']);
  if (options.anyModule === true) {
    if (typeof module !== 'string' && !(module instanceof URL)) throw new InvalidOptionError('module', 'a module specifier', module);
    const ref = Object.freeze({ module: String(module), export: exportName });
    trusted.add(ref);
    return ref;
  }
  return Object.freeze({ module: moduleUrl(module), export: exportName });
}

export interface TaskRefOptions {
  /**
   * Accept any specifier the child can import (`node:` builtins, package names, `data:` URLs),
   * passed to `import()` as given. Only for specifiers written in your own code.
   */
  readonly anyModule?: boolean;
}

/** Refs made with `anyModule: true`: the only ones whose module may be something other than a file. */
const trusted = new WeakSet<object>();

/**
 * Checks what `scheduler.task()` is given: a `{ module, export }` naming a file module (as
 * taskRef() and taskModule() make), or a ref made with `anyModule: true`. A hand-made object
 * naming `node:child_process` or a `data:` URL would run code that is no task module.
 */
export function checkTaskRef(ref: unknown): asserts ref is TaskIdentity {
  const candidate = ref as Partial<TaskIdentity> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.module !== 'string' || typeof candidate.export !== 'string' || candidate.export === '') {
    throw new InvalidOptionError('ref', 'a task ref from taskRef() or taskModule()', ref);
  }
  if (trusted.has(candidate) || /^file:/i.test(candidate.module)) return;
  throw new InvalidOptionError(
    'ref.module',
    "a file: URL, as taskRef() and taskModule() make (for a builtin, package or data: URL, taskRef(specifier, name, { anyModule: true }))",
    candidate.module,
  );
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
