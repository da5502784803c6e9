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
    if (TS_EXTENSION.test(task.module)) enableTypeScript();
    loading = import(task.module) as Promise<Record<string, unknown>>;
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
 * Registers the TypeScript hooks the first time a .ts module is loaded, so JavaScript-only
 * children never pay for the hooks thread. Hosts that already load TypeScript (ts-node, tsx,
 * jest) are left alone.
 */
function enableTypeScript(): void {
  if (typescriptHooks || process.env.FORKLINE_NO_TS_HOOKS === '1') return;
  typescriptHooks = true;
  process.setSourceMapsEnabled(true);
  register(new URL('./typescript/hooks.js', import.meta.url));
}
