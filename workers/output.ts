/**
 * Optional prefixing of a child's output with the label of the run that wrote it.
 *
 * Done in the child, not the host: only the child knows which run was executing when a line was
 * written, and the streams can stay inherited (no piping through the host).
 *
 * The children share the host's stdout and stderr, so a child must never leave half a line on
 * them: another child's line would be glued to it (`[noisy#1] partial[noisy#2] working`). While
 * prefixing, a child writes whole lines only. The tail of a write without its newline waits for
 * the rest of its line, and at the end of the call (or of the process) it is written with a
 * newline of its own.
 */

let label: string | undefined;
/** The call executing now, which owns what is written (workers/forward-output.ts). */
let writing: number | undefined;
const flushers: (() => void)[] = [];

/** Sets the call that owns what is written from now on, and its label; undefined between calls. Ends any partial line first. */
export function setOutputCall(id: number | undefined, next?: string): void {
  for (const flush of flushers) flush();
  writing = id;
  label = next;
}

/** The id of the call that owns what is written now, if one executes. */
export function outputCall(): number | undefined {
  return writing;
}

/** Prefixes every line written to `stream` with `[label] ` while a labelled run executes. */
export function prefixLines(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  /** The start of a line not yet ended, prefix included. */
  let partial = '';
  const flush = () => {
    if (partial === '') return;
    const line = `${partial}\n`;
    partial = '';
    write(line);
  };
  flushers.push(flush);
  process.on('exit', flush);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (label === undefined || (typeof chunk !== 'string' && !(chunk instanceof Uint8Array))) {
      return write(chunk, ...rest);
    }
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const prefix = `[${label}] `;
    const end = text.lastIndexOf('\n');
    const start = partial === '' ? prefix : partial;
    if (end < 0) {
      // No line ends here: hold it, and report the write done (the stream's callback, if any).
      if (text.length > 0) partial = start + text;
      const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
      if (callback) queueMicrotask(callback);
      return true;
    }
    const whole = start + text.slice(0, end).replace(/\n/g, `\n${prefix}`) + '\n';
    const tail = text.slice(end + 1);
    partial = tail === '' ? '' : prefix + tail;
    return write(whole, ...rest);
  });
}
