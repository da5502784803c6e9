/**
 * TypeScript → JavaScript for a child (or a host under forkline/register), cached on disk.
 *
 * An entry is keyed by the file's path, module format, its tsconfig's compiler options and its
 * source, so editing the tsconfig (or the file) misses the cache and nothing stale runs. The key
 * and the source are written into the entry and compared in full when it is read: the file name
 * is only a short hash of them (./cache.ts), and a file's mtime and size would not do (an edit
 * that keeps the size within the clock's granularity, or a checkout or copy that keeps mtimes,
 * would run stale output). The source is read anyway, so the comparison costs microseconds.
 *
 * A hit needs nothing but `node:fs`; the transform (./transform.ts), the cache's writing side
 * (./write.ts), the tsconfig reader and `typescript` load on a miss only.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { nameOf, privateDirectory, readCached } from './cache.js';
import type { ModuleFormat } from './package-type.js';
import { projectOf } from './project.js';
import type * as Transform from './transform.js';
import type * as Write from './write.js';

/** Bump when the way output is made changes, to leave old cache entries behind. */
const CACHE_VERSION = '3';
const require = createRequire(import.meta.url);

export function transpileCached(source: string, path: string, format: ModuleFormat): string {
  const project = projectOf(path);
  const make = () => (require('./transform.js') as typeof Transform).transform(source, path, format, project);
  const directory = privateDirectory();
  if (directory === undefined) return make();
  const key = `${CACHE_VERSION}\0${format}\0${path}\0${project.key}`;
  const file = join(directory, `${nameOf(`${key}\0${source}`)}.js`);
  const usable = (content: string) => outputOf(content, key, source);
  const cached = readCached(file);
  return (cached === undefined ? undefined : usable(cached)) ?? (require('./write.js') as typeof Write).once(file, () => entry(key, source, make()), usable);
}

/** An entry: a header line naming the key and the source's length, the source, then the output. */
function entry(key: string, source: string, output: string): { content: string; value: string } {
  return { content: `${JSON.stringify({ key, source: source.length })}\n${source}${output}`, value: output };
}

/** The output in an entry, if it was written for this key and this source. */
function outputOf(content: string, key: string, source: string): string | undefined {
  const newline = content.indexOf('\n');
  if (newline < 0) return undefined;
  let header: { key?: unknown; source?: unknown } | null;
  try {
    header = JSON.parse(content.slice(0, newline)) as { key?: unknown; source?: unknown } | null;
  } catch {
    return undefined;
  }
  if (header?.key !== key || header.source !== source.length || !content.startsWith(source, newline + 1)) return undefined;
  return content.slice(newline + 1 + source.length);
}
