/**
 * Module hooks that let a child import TypeScript task modules with no build step.
 *
 * Synchronous, so one set serves both `module.registerHooks()` (Node 22.15+, in-thread, where
 * `next` returns a value) and `module.register()` (Node 20, on a hooks thread, where `next`
 * returns a promise): {@link orElse} handles either.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as PackageType from './package-type.js';
import type { ModuleFormat } from './package-type.js';
import { projectOf } from './project.js';
import type * as Tsconfig from './tsconfig.js';
import { transpileCached } from './transpile.js';

const TYPESCRIPT = /\.[cm]?tsx?$/;
const RELATIVE_JS = /^\.{1,2}\/.*\.[cm]?js$/;
/** Not relative, absolute, or a URL: a package name, or a `paths` alias. */
const BARE = /^(?![./]|[a-z][a-z0-9+.-]*:)/i;
/** What `import './x'` may name, tried in tsc's order. */
const SUFFIXES = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js'];

interface ResolveContext {
  readonly parentURL?: string | undefined;
  readonly conditions?: readonly string[];
}
interface Resolved {
  readonly url: string;
  readonly format?: string | null | undefined;
  readonly shortCircuit?: boolean;
}
interface LoadContext {
  readonly format?: string | null | undefined;
}
interface Loaded {
  readonly format?: string | null | undefined;
  readonly source?: string | ArrayBuffer | NodeJS.TypedArray | null | undefined;
  readonly shortCircuit?: boolean;
}
type Maybe<T> = T | Promise<T>;

const require = createRequire(import.meta.url);

export function resolve(specifier: string, context: ResolveContext, next: (specifier: string, context: ResolveContext) => Maybe<Resolved>): Maybe<Resolved> {
  const parent = context.parentURL;
  const fromTypeScript = parent !== undefined && parent.startsWith('file:') && TYPESCRIPT.test(parent);
  if (fromTypeScript && BARE.test(specifier)) {
    const mapped = mappedPath(specifier, fileURLToPath(parent));
    if (mapped !== undefined) return { url: pathToFileURL(mapped).href, shortCircuit: true };
  }
  return orElse(
    () => next(specifier, context),
    (error) => {
      // TypeScript's ESM convention: `import './util.js'` in a .ts file means ./util.ts.
      if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !fromTypeScript || !RELATIVE_JS.test(specifier)) throw error;
      return next(specifier.replace(/js$/, 'ts'), context);
    },
  );
}

/** What Node's own resolution says a TypeScript file is (22.18+, where Node can strip types itself). */
const NODE_FORMATS: Readonly<Record<string, ModuleFormat>> = { 'module-typescript': 'module', 'commonjs-typescript': 'commonjs' };

export function load(url: string, context: LoadContext, next: (url: string, context: LoadContext) => Maybe<Loaded>): Maybe<Loaded> {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(url.split('?')[0] ?? url)) return next(url, context);
  const path = fileURLToPath(url);
  // Node (22.18+) has read the package.json already and says; else find it the same way.
  const format = (context.format ? NODE_FORMATS[context.format] : undefined) ?? (require('./package-type.js') as typeof PackageType).formatOf(path);
  return { format, source: transpileCached(readFileSync(path, 'utf8'), path, format), shortCircuit: true };
}

/**
 * The file a tsconfig `paths` alias names, as tsc resolves it; undefined if none matches. The
 * matcher needs get-tsconfig, loaded only for a project that has aliases.
 */
function mappedPath(specifier: string, parent: string): string | undefined {
  if (!projectOf(parent).aliases) return undefined;
  const { pathsMatcher } = require('./tsconfig.js') as typeof Tsconfig;
  const candidates = pathsMatcher(parent)?.(specifier) ?? [];
  for (const candidate of candidates) {
    for (const base of RELATIVE_JS.test(`./${candidate}`) ? [candidate, candidate.replace(/js$/, 'ts')] : [candidate]) {
      for (const suffix of SUFFIXES) {
        if (statSync(base + suffix, { throwIfNoEntry: false })?.isFile()) return base + suffix;
      }
    }
  }
  return undefined;
}

/** `attempt()`, or `recover(error)` if it throws or rejects: for `next` that is sync or async. */
function orElse<T>(attempt: () => Maybe<T>, recover: (error: unknown) => Maybe<T>): Maybe<T> {
  let result: Maybe<T>;
  try {
    result = attempt();
  } catch (error) {
    return recover(error);
  }
  return result instanceof Promise ? result.catch(recover) : result;
}
