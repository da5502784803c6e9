/**
 * A TypeScript module that does not parse. Thrown by the load hook instead of running whatever
 * a lenient transpiler would make of it: `tsc` rejects the file, so the child must too.
 *
 * Under `module.register()` (Node 20) the hooks run on another thread and only an error's message
 * is sure to cross back, so the location is written into the message in one fixed form and read
 * back from it by {@link syntaxErrorOf}.
 */
export const TYPESCRIPT_SYNTAX = 'ERR_FORKLINE_TYPESCRIPT_SYNTAX';

export interface SyntaxLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

export class TypeScriptSyntaxError extends SyntaxError implements SyntaxLocation {
  readonly code = TYPESCRIPT_SYNTAX;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`TypeScript syntax error at ${file}:${line}:${column}: ${problem}`);
  }
}
TypeScriptSyntaxError.prototype.name = 'TypeScriptSyntaxError';

const MESSAGE = /^TypeScript syntax error at (.+):(\d+):(\d+): ([\s\S]*)$/;

/** The location of a TypeScript syntax error that failed an import, however it crossed threads. */
export function syntaxErrorOf(error: unknown): SyntaxLocation | undefined {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  const match = typeof message === 'string' ? MESSAGE.exec(message) : null;
  if (!match) return undefined;
  return { file: match[1] ?? '', line: Number(match[2]), column: Number(match[3]), problem: match[4] ?? '' };
}
