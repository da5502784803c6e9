/**
 * Whether a .ts file is an ES module or CommonJS: the nearest package.json's "type", as Node
 * decides for .js files.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModuleFormat } from './transpile.js';

const byDirectory = new Map<string, Promise<ModuleFormat>>();

export function packageTypeOf(file: string): Promise<ModuleFormat> {
  return typeOfDirectory(dirname(file));
}

function typeOfDirectory(directory: string): Promise<ModuleFormat> {
  let found = byDirectory.get(directory);
  if (!found) {
    found = readFile(join(directory, 'package.json'), 'utf8').then(
      (text) => ((JSON.parse(text) as { type?: string }).type === 'module' ? 'module' : 'commonjs'),
      () => {
        const parent = dirname(directory);
        return parent === directory ? 'commonjs' : typeOfDirectory(parent);
      },
    );
    byDirectory.set(directory, found);
  }
  return found;
}
