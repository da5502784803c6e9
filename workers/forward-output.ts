/**
 * A child's output sent to its host over the channel, for hosts whose children's streams do not
 * reach the user (a queue worker on another machine relays it to the host that submitted the
 * call: lib/queue).
 *
 * What a call writes while it executes becomes `output` envelopes on the channel, so it reaches
 * the host in order with the call's comm messages and before its result, owned by that call and
 * no other; nothing is lost to a pipe read after the result. What is written between calls (a
 * timer of an earlier call, the runtime's own last words) goes to the stream itself.
 */
import type { OutputEnvelope } from '../lib/wire/protocol.js';
import { outputCall } from './output.js';

/** Characters per envelope: a task printing 100 MB in one write still crosses in frames of bounded size. */
const PIECE = 64 * 1024;

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/** Sends what `stream` (fd `fd`) is given while a call executes to `push`, in pieces. */
export function forwardOutput(stream: NodeJS.WriteStream, fd: 1 | 2, push: (envelope: OutputEnvelope) => void): void {
  const write = stream.write.bind(stream) as Write;
  stream.write = (chunk: unknown, ...rest: unknown[]) => {
    const id = outputCall();
    if (id === undefined || (typeof chunk !== 'string' && !(chunk instanceof Uint8Array))) return write(chunk, ...rest);
    // write(string, encoding, callback): an encoding other than utf8 says how to turn it into bytes.
    const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined;
    const data = typeof chunk === 'string' && encoding && !/^utf-?8$/i.test(encoding) ? Buffer.from(chunk, encoding) : chunk;
    for (const piece of pieces(data)) push({ t: 'output', id, fd, data: piece });
    const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return true;
  };
}

/** `data` cut into pieces of at most PIECE characters or bytes; bytes are copied (the caller may reuse its buffer). */
function* pieces(data: string | Uint8Array): Generator<string | Uint8Array> {
  if (typeof data !== 'string') {
    for (let start = 0; start < data.length; start += PIECE) yield Uint8Array.prototype.slice.call(data, start, start + PIECE);
    return;
  }
  let start = 0;
  while (data.length - start > PIECE) {
    let end = start + PIECE;
    // Never between the two halves of a surrogate pair: each half alone would print as U+FFFD.
    const code = data.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
    yield data.slice(start, end);
    start = end;
  }
  if (data.length > start) yield data.slice(start);
}
