/**
 * Module hooks that let a child import TypeScript task modules with no build step.
 *
 * Registered by the child the first time it loads a .ts module (see ../load.ts). Types are
 * stripped, never checked: checking costs over a second per child and belongs to the user's
 * `tsc`. Each transpiled file is cached on disk by content, so across children and runs a module
 * is transpiled once and a child pays only for reading the cache.
 */
import type { LoadHook, ResolveHook } from 'node:module';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transpileCached, type ModuleFormat } from './transpile.js';
import { packageTypeOf } from './package-type.js';

const TYPESCRIPT = /\.[cm]?tsx?$/;
const RELATIVE_JS = /^\.{1,2}\/.*\.[cm]?js$/;

export const resolve: ResolveHook = async (specifier, context, next) => {
  try {
    return await next(specifier, context);
  } catch (error) {
    // TypeScript's ESM convention: `import './util.js'` in a .ts file means ./util.ts.
    const parent = context.parentURL;
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !parent || !TYPESCRIPT.test(parent) || !RELATIVE_JS.test(specifier)) {
      throw error;
    }
    return next(specifier.replace(/js$/, 'ts'), context);
  }
};

export const load: LoadHook = async (url, context, next) => {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(url.split('?')[0] ?? url)) return next(url, context);
  const path = fileURLToPath(url);
  const format: ModuleFormat = /\.cts$/.test(path) ? 'commonjs' : /\.mts$/.test(path) ? 'module' : await packageTypeOf(path);
  const source = await readFile(path, 'utf8');
  return { format, source: await transpileCached(source, path, format), shortCircuit: true };
};
