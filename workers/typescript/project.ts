/**
 * The tsconfig that governs a TypeScript file: the nearest `tsconfig.json` above it, with
 * `extends` followed, as `tsc` and editors find it.
 *
 * Reading it takes get-tsconfig (./tsconfig.ts), 12–17 ms to load on every child's first
 * TypeScript module, so a reading is recorded in the transpile cache directory with every file
 * system call it made and what each gave (the tsconfig files read, the names probed on the way up
 * and through `extends`, get-tsconfig's own version). A later child replays those calls: a few
 * stats and reads of small files. If each gives what it gave, get-tsconfig would read the same
 * project, so the record's is used and get-tsconfig is not loaded; if any differs (a tsconfig
 * edited, added nearer, or an extended package updated), it reads again and the record is
 * replaced. Records are checked like cached modules (./cache.ts): only ours are read.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TsConfigJsonResolved } from 'get-tsconfig';
import { nameOf, privateDirectory, readCached } from './cache.js';
import type * as Tsconfig from './tsconfig.js';
import type * as Write from './write.js';

export type CompilerOptions = NonNullable<TsConfigJsonResolved['compilerOptions']>;

export interface Project {
  /** The tsconfig.json file, or undefined when none is above the file. */
  readonly path: string | undefined;
  readonly options: CompilerOptions;
  /** The options as a string, for the transpile cache key: any change misses the cache. */
  readonly key: string;
  /** Whether `paths` or `baseUrl` may map a bare specifier to a file. */
  readonly aliases: boolean;
}

/** A file system call a reading made, and what it gave. */
export type Input =
  | readonly ['exists', path: string, exists: boolean]
  | readonly ['read', path: string, text: string]
  | readonly ['stat', path: string, kind: 'file' | 'directory' | 'other']
  | readonly ['realpath', path: string, real: string];

interface ProjectRecord {
  readonly version: string;
  readonly directory: string;
  readonly inputs: readonly Input[];
  readonly project: Project;
}

/** Bump when what a record holds, or how a project is read, changes. */
const RECORD_VERSION = '1';
const byDirectory = new Map<string, Project>();
const require = createRequire(import.meta.url);

export function projectOf(file: string): Project {
  const directory = dirname(file);
  let project = byDirectory.get(directory);
  if (!project) {
    const cache = privateDirectory();
    const record = cache === undefined ? undefined : join(cache, `project-${nameOf(directory)}.json`);
    project = (record === undefined ? undefined : recorded(record, directory)) ?? read(directory, record);
    byDirectory.set(directory, project);
  }
  return project;
}

/** The recorded project of `directory`, if every call its reading made still gives what it gave. */
function recorded(file: string, directory: string): Project | undefined {
  const text = readCached(file);
  if (text === undefined) return undefined;
  let record: Partial<ProjectRecord> | null;
  try {
    record = JSON.parse(text) as Partial<ProjectRecord> | null;
  } catch {
    return undefined;
  }
  if (record?.version !== RECORD_VERSION || record.directory !== directory || !Array.isArray(record.inputs) || !record.project) return undefined;
  return record.inputs.every(holds) ? record.project : undefined;
}

function read(directory: string, record: string | undefined): Project {
  const { readProject } = require('./tsconfig.js') as typeof Tsconfig;
  const { project, inputs } = readProject(directory);
  if (record !== undefined && inputs !== undefined) {
    (require('./write.js') as typeof Write).store(record, JSON.stringify({ version: RECORD_VERSION, directory, inputs, project } satisfies ProjectRecord));
  }
  return project;
}

function holds(input: Input): boolean {
  try {
    switch (input[0]) {
      case 'exists':
        return existsSync(input[1]) === input[2];
      case 'read':
        return readFileSync(input[1], 'utf8') === input[2];
      case 'stat': {
        const info = statSync(input[1]);
        return (info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other') === input[2];
      }
      case 'realpath':
        return realpathSync(input[1]) === input[2];
    }
  } catch {
    return false;
  }
}
