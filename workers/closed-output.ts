/**
 * A child's stdout or stderr may be a pipe whose reader has gone (`forkline run | head -1`).
 * Node then emits EPIPE as an 'error' on the stream, and unhandled it kills the process: every
 * call that prints would crash its child. Output nobody reads is dropped instead.
 */
export function dropOutputToClosedPipes(...streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      // Anything else is not ours to hide: let it fail as it would have.
      throw error;
    });
  }
}
