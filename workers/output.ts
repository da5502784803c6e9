/**
 * Optional prefixing of a child's output with the label of the run that wrote it.
 *
 * Done in the child, not the host: only the child knows which run was executing when a line was
 * written, and the streams can stay inherited (no piping through the host).
 */

let label: string | undefined;

/** Sets the label for what is written from now on; undefined between runs. */
export function setOutputLabel(next: string | undefined): void {
  label = next;
}

/** Prefixes every line written to `stream` with `[label] ` while a labelled run executes. */
export function prefixLines(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let atLineStart = true;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (label === undefined || (typeof chunk !== 'string' && !(chunk instanceof Uint8Array))) {
      return write(chunk, ...rest);
    }
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const prefix = `[${label}] `;
    let out = (atLineStart ? prefix : '') + text.replace(/\n(?=.)/gs, `\n${prefix}`);
    atLineStart = text.endsWith('\n');
    if (text.length === 0) out = '';
    return write(out, ...rest);
  });
}
