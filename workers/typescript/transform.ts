/**
 * The transform itself, for a transpile cache miss: Node's type stripping where it gives what
 * `tsc` would (./strip.ts), else ts-node's transform (./compile.ts). Neither checks types: that
 * costs over a second per child and belongs to the user's `tsc`. Both refuse code that does not
 * parse.
 *
 * Loaded by ./transpile.ts only on a miss: a child whose modules are all cached never reads it.
 */
import { compile } from './compile.js';
import type { ModuleFormat } from './package-type.js';
import type { Project } from './project.js';
import { canStrip, stripTypes } from './strip.js';

export function transform(source: string, path: string, format: ModuleFormat, project: Project): string {
  if (canStrip(path, format, source, project.options)) {
    const stripped = stripTypes(source, path);
    if (stripped !== undefined) return stripped;
  }
  return compile(source, path, format, project);
}
