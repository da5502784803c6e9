/**
 * Finds the function a run names: imports its module once per process and checks the export.
 */
import { register } from 'node:module';
import { TaskLoadError } from '../lib/errors.js';
import type { TaskIdentity } from '../lib/wire/protocol.js';

type TaskFunction = (...args: unknown[]) => unknown;

const TS_EXTENSION = /\.[cm]?tsx?$/;
const modules = new Map<string, Promise<Record<string, unknown>>>();
let typescriptHooks = false;

/** The function a run names, or a TaskLoadError that says what is wrong. */
export async function loadTask(task: TaskIdentity): Promise<TaskFunction> {
  let loading = modules.get(task.module);
  if (!loading) {
    loading = importModule(task.module);
    modules.set(task.module, loading);
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = await loading;
  } catch (error) {
    throw new TaskLoadError(task, 'import-failed', { cause: error });
  }
  if (!(task.export in namespace)) {
    const found = Object.keys(namespace);
    throw new TaskLoadError(task, 'export-missing', { found: found.length ? found.map((name) => `"${name}"`).join(', ') : 'nothing' });
  }
  const candidate = namespace[task.export];
  if (typeof candidate !== 'function') {
    throw new TaskLoadError(task, 'not-a-function', { found: `a ${candidate === null ? 'null' : typeof candidate}` });
  }
  return candidate as TaskFunction;
}

/**
 * Imports a module, registering the TypeScript hooks first if it is the first TypeScript one:
 * JavaScript-only children never pay for the hooks thread.
 */
function importModule(url: string): Promise<Record<string, unknown>> {
  if (TS_EXTENSION.test(url) && !typescriptHooks) {
    typescriptHooks = true;
    try {
      register(new URL('./typescript/hooks.js', import.meta.url));
      process.setSourceMapsEnabled(true);
    } catch {
      // The environment forbids loader hooks (jest's sandbox); it loads TypeScript its own way.
    }
  }
  return import(url) as Promise<Record<string, unknown>>;
}
