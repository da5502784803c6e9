/**
 * Whether a .ts file is an ES module or CommonJS: the nearest package.json's "type", as Node
 * decides for .js files. Synchronous: the hooks run in-thread under `module.registerHooks()`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type ModuleFormat = 'module' | 'commonjs';

const byDirectory = new Map<string, ModuleFormat>();

export function formatOf(file: string): ModuleFormat {
  if (/\.cts$/.test(file)) return 'commonjs';
  if (/\.mts$/.test(file)) return 'module';
  return typeOfDirectory(dirname(file));
}

function typeOfDirectory(directory: string): ModuleFormat {
  let found = byDirectory.get(directory);
  if (found === undefined) {
    let text: string | undefined;
    try {
      text = readFileSync(join(directory, 'package.json'), 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      found = (JSON.parse(text) as { type?: string }).type === 'module' ? 'module' : 'commonjs';
    } else {
      const parent = dirname(directory);
      found = parent === directory ? 'commonjs' : typeOfDirectory(parent);
    }
    byDirectory.set(directory, found);
  }
  return found;
}
