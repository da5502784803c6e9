/**
 * The checks of `forkline run`'s paths before anything runs: each refusal is a UsageError
 * (exit 2) naming the problem and the fix, and touches no file.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { RunSettings } from './args.js';
import { UsageError } from './usage.js';

/** A path as the user would type it: relative to the current directory when inside it. */
export function shown(path: string): string {
  const near = relative(process.cwd(), path);
  return near.startsWith('..') ? path : near;
}

/** A path with its symlinks resolved, as far as it exists. */
function real(path: string): string {
  return existsSync(path) ? realpathSync(path) : resolve(realpathSync(dirname(path)), path.split('/').pop() ?? '');
}

/** Refuses a command line whose files are missing, clash, or would overwrite something. */
export function checkPaths(settings: RunSettings): void {
  if (!existsSync(settings.module)) throw new UsageError(`the task module ${settings.module} does not exist (paths are relative to the current directory)`);
  if (settings.input !== '-' && !existsSync(settings.input)) throw new UsageError(`the input ${settings.input} does not exist`);
  if (settings.input !== '-' && existsSync(dirname(settings.out)) && real(settings.input) === real(settings.out)) {
    throw new UsageError(`--input and --out are the same file (${shown(settings.out)}): the results would overwrite the input. Choose another --out`);
  }
  if (!existsSync(dirname(settings.out))) throw new UsageError(`the directory of --out ${shown(settings.out)} does not exist: create it, or choose another --out`);
  if (settings.monitorExplicit && settings.monitor !== undefined && !settings.resume) {
    const taken = ['.csv', '.svg'].map((ext) => `${settings.monitor}${ext}`).find((path) => existsSync(path));
    if (taken) throw new UsageError(`--monitor would overwrite ${shown(taken)}: choose another --monitor name, or remove it`);
  }
  if (existsSync(settings.out) && !settings.resume) {
    throw new UsageError(`${settings.out} exists: add --resume to run only what it lacks or failed, or choose another --out`);
  }
}
