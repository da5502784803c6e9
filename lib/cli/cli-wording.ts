/**
 * Errors written for library users advise library options (`Limits({ memory })`,
 * `serialization: 'advanced'`). `forkline run` users set flags, and the CLI always speaks JSON:
 * its results file is JSON lines. This rewrites that advice where the CLI shows an error.
 */
const LIMIT_FLAGS: Record<string, string> = { wallTime: '--wall-time', cpuTime: '--cpu-time', memory: '--memory' };

export function inCliWords(message: string): string {
  return message
    .replace(/Raise Limits\(\{ (wallTime|cpuTime|memory) \}\)/g, (_, option: string) => `Raise ${LIMIT_FLAGS[option] ?? option}`)
    .replace(
      ", or use `serialization: 'advanced'` for Maps, Sets, Dates, BigInts and binary.",
      ': forkline run sends and writes JSON, so return Maps, Sets, Dates, BigInts and binary as plain values.',
    )
    .replace("use null, or `serialization: 'advanced'`", 'use null (forkline run sends JSON)');
}

/** An error record with its message in CLI words. */
export function inCliWordsOf<E extends { readonly message: string }>(error: E): E {
  return { ...error, message: inCliWords(error.message) };
}
