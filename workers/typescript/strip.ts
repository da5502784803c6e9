/**
 * Node's own type stripping (`module.stripTypeScriptTypes`, Node 22.13+): types become spaces, so
 * lines and columns stay where they were and no source map is needed. On a cache miss it costs
 * ~45 ms where loading the compiler costs 300 ms or more (docs/performance.md).
 *
 * Used only where stripping gives what `tsc` would emit under the file's tsconfig: an ES module
 * whose project says `verbatimModuleSyntax` (without it, `tsc` drops imports used only as types;
 * stripping keeps them and the import fails), with no option that changes the emitted code
 * (decorators, decorator metadata, class fields defined by assignment, JSX), and no decorators
 * in the source. Anything else, or a file with syntax Node cannot strip (`enum`, `namespace`,
 * parameter properties), goes to the compiler.
 */
import * as nodeModule from 'node:module';
import type { ModuleFormat } from './package-type.js';
import type { CompilerOptions } from './project.js';
import { TypeScriptSyntaxError } from './syntax-error.js';

type Strip = (source: string, options: { mode: 'strip'; sourceUrl?: string }) => string;

const strip = (nodeModule as { stripTypeScriptTypes?: Strip }).stripTypeScriptTypes;

/** Targets before ES2022 define class fields by assignment unless told otherwise. */
const OLD_TARGETS = /^es(3|5|6|2015|2016|2017|2018|2019|2020|2021)$/i;
/** A decorator where one can stand: a line's start, or after `{`, `;`, `(` or `,`. */
const DECORATOR = /(?:^|[{;(,])\s*(?:export\s+(?:default\s+)?)?@[A-Za-z_$]/m;

export function canStrip(path: string, format: ModuleFormat, source: string, options: CompilerOptions): boolean {
  return (
    strip !== undefined &&
    format === 'module' &&
    !/\.tsx$/.test(path) &&
    options.verbatimModuleSyntax === true &&
    options.experimentalDecorators !== true &&
    options.emitDecoratorMetadata !== true &&
    options.useDefineForClassFields !== false &&
    !(options.target !== undefined && OLD_TARGETS.test(options.target)) &&
    !DECORATOR.test(source)
  );
}

/** The stripped source; undefined if it holds syntax only the compiler can transform. */
export function stripTypes(source: string, path: string): string | undefined {
  if (!strip) return undefined;
  try {
    return quietly(() => strip(source, { mode: 'strip' }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') return undefined;
    if (code === 'ERR_INVALID_TYPESCRIPT_SYNTAX') throw located(error as Error, path);
    throw error;
  }
}

/**
 * Node's parser names no position in its message; its stack starts with `:LINE`, the source line,
 * and a caret under the column.
 */
function located(error: Error, path: string): TypeScriptSyntaxError {
  const lines = (error.stack ?? '').split('\n');
  const line = Number(/^:(\d+)/.exec(lines[0] ?? '')?.[1] ?? 0);
  const caret = lines.findIndex((text, index) => index > 0 && /^\s*\^/.test(text));
  const column = caret > 0 ? (lines[caret] ?? '').indexOf('^') + 1 : 0;
  return new TypeScriptSyntaxError(path, line, column, error.message);
}

/**
 * The first call warns that the API is experimental, once per process, on the user's stderr: the
 * warning is about our implementation, not their code, so it is not shown.
 */
function quietly<T>(fn: () => T): T {
  const original = Object.getOwnPropertyDescriptor(process, 'emitWarning');
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  Object.defineProperty(process, 'emitWarning', {
    configurable: true,
    writable: true,
    value: (warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === 'string' ? warning : warning.message;
      if (!text.includes('stripTypeScriptTypes')) emitWarning(warning, ...rest);
    },
  });
  try {
    return fn();
  } finally {
    if (original) Object.defineProperty(process, 'emitWarning', original);
    else delete (process as { emitWarning?: unknown }).emitWarning;
  }
}
