/**
 * TypeScript → JavaScript for a child (or a host under forkline/register), cached on disk.
 *
 * The cache key is a hash of the file's path, source, module format and its tsconfig's compiler
 * options, so editing the tsconfig (or the file) misses the cache and nothing stale runs. On a
 * miss, Node's type stripping where it gives what `tsc` would (./strip.ts), else ts-node's
 * transform (./compile.ts). Neither checks types: that costs over a second per child and belongs
 * to the user's `tsc`. Both refuse code that does not parse.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { compile } from './compile.js';
import { once, privateDirectory, readCached } from './cache.js';
import type { ModuleFormat } from './package-type.js';
import { projectOf } from './project.js';
import { canStrip, stripTypes } from './strip.js';

/** Bump when the way output is made changes, to leave old cache entries behind. */
const CACHE_VERSION = '2';

export function transpileCached(source: string, path: string, format: ModuleFormat): string {
  const project = projectOf(path);
  const make = () => transpile(source, path, format);
  const directory = privateDirectory();
  if (directory === undefined) return make();
  const key = createHash('sha256').update(`${CACHE_VERSION}\0${format}\0${path}\0${project.key}\0${source}`).digest('hex').slice(0, 40);
  const file = join(directory, `${key}.js`);
  return readCached(file) ?? once(file, make);
}

function transpile(source: string, path: string, format: ModuleFormat): string {
  const project = projectOf(path);
  if (canStrip(path, format, source, project.options)) {
    const stripped = stripTypes(source, path);
    if (stripped !== undefined) return stripped;
  }
  return compile(source, path, format, project);
}
