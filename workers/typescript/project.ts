/**
 * The tsconfig that governs a TypeScript file: the nearest `tsconfig.json` above it, with
 * `extends` followed, as `tsc` and editors find it. Read with get-tsconfig (the reader tsx uses):
 * it follows `extends` into packages, reads JSONC and matches `paths`, without loading
 * `typescript`, so a warm cache never pays for the compiler.
 */
import { dirname } from 'node:path';
import { createPathsMatcher, getTsconfig, type TsConfigJsonResolved } from 'get-tsconfig';

export type CompilerOptions = NonNullable<TsConfigJsonResolved['compilerOptions']>;

export interface Project {
  /** The tsconfig.json file, or undefined when none is above the file. */
  readonly path: string | undefined;
  readonly options: CompilerOptions;
  /** The options as a string, for the transpile cache key: any change misses the cache. */
  readonly key: string;
  /** The candidate paths of a bare specifier under `paths`, or undefined if it has no `paths`. */
  readonly paths: ((specifier: string) => string[]) | undefined;
}

const byDirectory = new Map<string, Project>();
const readCache = new Map<string, unknown>();

export function projectOf(file: string): Project {
  const directory = dirname(file);
  let project = byDirectory.get(directory);
  if (!project) {
    const found = getTsconfig(directory, 'tsconfig.json', readCache as Map<string, never>);
    const options = found?.config.compilerOptions ?? {};
    project = {
      path: found?.path,
      options,
      key: `${found?.path ?? ''}\0${JSON.stringify(options)}`,
      paths: found ? (createPathsMatcher(found) ?? undefined) : undefined,
    };
    byDirectory.set(directory, project);
  }
  return project;
}
