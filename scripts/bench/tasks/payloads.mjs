/**
 * The messages the comm benchmarks send, built once per child and sent again and again.
 */

/** The kinds of payload, with a short label for the table. */
export const PAYLOADS = {
  small: 'small (~50 B object)',
  '10kb': '10 KB string',
  '1mb-string': '1 MB string',
  '1mb-binary': '1 MB Uint8Array',
};

/** Text that JSON must scan but need not escape, like most real log lines and results. */
function text(bytes) {
  const unit = 'forkline streams results to the host; ';
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

export function payload(kind) {
  switch (kind) {
    case 'small':
      return { step: 1234, loss: 0.0123456, tag: 'epoch-07', ok: true };
    case '10kb':
      return text(10 * 1024);
    case '1mb-string':
      return text(1024 * 1024);
    case '1mb-binary': {
      const bytes = new Uint8Array(1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
      return bytes;
    }
    default:
      throw new Error(`unknown payload kind ${String(kind)}`);
  }
}

/**
 * The payload to send as message `i`: a fresh copy of an object payload, so that a serializer
 * that writes a repeated object once (v8's, in one frame) gets no unfair help.
 */
export function nth(data, i) {
  return typeof data === 'object' && !ArrayBuffer.isView(data) ? { ...data, i } : data;
}
