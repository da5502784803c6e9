/**
 * Finds the function a run names: imports its module once per process and checks the export.
 *
 * A module is named as it exists beside the host, and the host may be TypeScript source or its
 * `tsc` output: `jobs.js` and `jobs.ts` (`.mjs`/`.mts`, `.cjs`/`.cts`) stand for each other, so
 * the NodeNext habit of naming `./jobs.js` works both before and after the build, and `./jobs.ts`
 * in a compiled host finds the emitted `jobs.js` when the source is not shipped.
 */
import { statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TaskLoadError } from '../lib/errors/index.js';
import type { TaskIdentity } from '../lib/wire/protocol.js';
import { syntaxErrorOf } from './typescript/syntax-error.js';

type TaskFunction = (...args: unknown[]) => unknown;

const TS_EXTENSION = /\.[cm]?tsx?$/;
const COUNTERPART: Record<string, string> = { '.js': '.ts', '.ts': '.js', '.mjs': '.mts', '.mts': '.mjs', '.cjs': '.cts', '.cts': '.cjs' };
const modules = new Map<string, Promise<Record<string, unknown>>>();

/** The function a run names, or a TaskLoadError that says what is wrong. */
export async function loadTask(task: TaskIdentity): Promise<TaskFunction> {
  let loading = modules.get(task.module);
  if (!loading) {
    loading = importModule(task);
    modules.set(task.module, loading);
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = await loading;
  } catch (error) {
    if (error instanceof TaskLoadError) throw error;
    const syntax = syntaxErrorOf(error);
    if (syntax) throw new TaskLoadError(task, 'syntax-error', { cause: error, found: `${syntax.file}:${syntax.line}:${syntax.column}: ${syntax.problem}` });
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
 * Imports a module, installing the TypeScript hooks first if it is TypeScript: JavaScript-only
 * children never load them.
 */
async function importModule(task: TaskIdentity): Promise<Record<string, unknown>> {
  const url = existing(task);
  if (TS_EXTENSION.test(url)) {
    try {
      // Loaded here, not at the top: a JavaScript-only child never reads the TypeScript machinery.
      const { installTypeScriptHooks } = await import('./typescript/install.js');
      await installTypeScriptHooks();
      process.setSourceMapsEnabled(true);
    } catch {
      // The environment forbids loader hooks (jest's sandbox); it loads TypeScript its own way.
    }
  }
  return import(url) as Promise<Record<string, unknown>>;
}

/** The module's URL, or its counterpart's if only that exists; a TaskLoadError naming both if neither. */
function existing(task: TaskIdentity): string {
  if (!task.module.startsWith('file:')) return task.module;
  const url = new URL(task.module);
  const path = fileURLToPath(url);
  if (isFile(path)) return task.module;
  const extension = /\.[cm]?[jt]s$/.exec(path)?.[0];
  const other = extension === undefined ? undefined : COUNTERPART[extension];
  if (other === undefined) throw new TaskLoadError(task, 'module-not-found', { found: path });
  const counterpart = path.slice(0, -(extension?.length ?? 0)) + other;
  if (!isFile(counterpart)) throw new TaskLoadError(task, 'module-not-found', { found: `${path} nor at ${counterpart}` });
  return pathToFileURL(counterpart).href + url.search;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
