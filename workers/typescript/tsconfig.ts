/**
 * Reads the tsconfig that governs a directory with get-tsconfig (the reader tsx uses): it follows
 * `extends` into packages, reads JSONC and matches `paths`, without loading `typescript`.
 *
 * Loaded only when ./project.ts has no valid record of the directory's project, or a bare import
 * is to be matched against `paths`: get-tsconfig and its dependency cost 12–17 ms to load, which
 * every child's first TypeScript module would pay.
 *
 * A record needs every file system call the reading made, with its result. get-tsconfig makes
 * each through the cache Map it is handed (`existsSync:PATH`, `readFileSync:PATH:utf8`,
 * `statSync:PATH`, `realpathSync:PATH`, and values it derives from those); a key of any other
 * form, or Yarn PnP (whose resolution get-tsconfig asks Node for, outside the Map), gives no
 * record, so nothing is left out of one: that reading is simply redone by the next child.
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { createPathsMatcher, getTsconfig } from 'get-tsconfig';
import type { Input, Project } from './project.js';

export interface Reading {
  readonly project: Project;
  /** What the reading depended on, or undefined if that cannot be known. */
  readonly inputs: readonly Input[] | undefined;
}

/** The derived values get-tsconfig keeps in the Map, computed from calls that are in it too. */
const DERIVED = /^resolveFromPackageJsonPath:/;

export function readProject(directory: string): Reading {
  const calls = new Map<string, unknown>();
  const found = getTsconfig(directory, 'tsconfig.json', calls as Map<string, never>);
  const options = found?.config.compilerOptions ?? {};
  const project: Project = {
    path: found?.path,
    options,
    key: `${found?.path ?? ''}\0${JSON.stringify(options)}`,
    aliases: found !== null && createPathsMatcher(found) !== null,
  };
  const inputs = inputsOf(calls);
  // A newer get-tsconfig may read the same files differently: its package.json is an input too.
  const reader = readerManifest();
  return { project, inputs: inputs && reader ? [...inputs, reader] : undefined };
}

const matchers = new Map<string, ((specifier: string) => string[]) | undefined>();

/** The candidate paths of a bare specifier under the `paths` (or `baseUrl`) of `file`'s tsconfig. */
export function pathsMatcher(file: string): ((specifier: string) => string[]) | undefined {
  const directory = dirname(file);
  if (!matchers.has(directory)) {
    const found = getTsconfig(directory, 'tsconfig.json');
    matchers.set(directory, found ? (createPathsMatcher(found) ?? undefined) : undefined);
  }
  return matchers.get(directory);
}

function inputsOf(calls: ReadonlyMap<string, unknown>): Input[] | undefined {
  if ((nodeModule as { findPnpApi?: unknown }).findPnpApi !== undefined) return undefined;
  const inputs: Input[] = [];
  for (const [key, value] of calls) {
    if (DERIVED.test(key)) continue;
    const colon = key.indexOf(':');
    const call = key.slice(0, colon);
    const path = key.slice(colon + 1);
    if (call === 'existsSync' && typeof value === 'boolean') inputs.push(['exists', path, value]);
    else if (call === 'readFileSync' && path.endsWith(':utf8') && typeof value === 'string') inputs.push(['read', path.slice(0, -':utf8'.length), value]);
    else if (call === 'statSync' && isStats(value)) inputs.push(['stat', path, value.isFile() ? 'file' : value.isDirectory() ? 'directory' : 'other']);
    else if (call === 'realpathSync' && typeof value === 'string') inputs.push(['realpath', path, value]);
    else return undefined;
  }
  return inputs;
}

function isStats(value: unknown): value is { isFile(): boolean; isDirectory(): boolean } {
  return typeof (value as { isFile?: unknown } | null)?.isFile === 'function';
}

/** get-tsconfig's package.json as an input, or undefined if it cannot be found. */
function readerManifest(): Input | undefined {
  try {
    const path = join(dirname(nodeModule.createRequire(import.meta.url).resolve('get-tsconfig')), '..', 'package.json');
    return ['read', path, readFileSync(path, 'utf8')];
  } catch {
    return undefined;
  }
}
