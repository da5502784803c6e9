/**
 * Which of a child's file descriptors carry forkline's frames (frame-codec.ts), one pipe each way.
 *
 * The IPC channel (fd 3) stays open beside them: it is what `process.send` of a task uses, what
 * tells a child its host let go (`disconnect`), and what Node needs to call the child forked.
 */

/** The child writes its frames here, synchronously: each is in the pipe before the next call starts. */
export const CHILD_TO_HOST_FD = 4;
/** The host writes its frames here; the child reads them as a stream. */
export const HOST_TO_CHILD_FD = 5;

/**
 * The most bytes one frame from a child may say it holds. A value may take up to maxPayloadBytes
 * as the checks count it (string characters, binary bytes); V8 writes a two-byte string at two
 * bytes a character, and a frame holds small envelopes beside it.
 */
export function maxFrameBytes(maxPayloadBytes: number): number {
  return Math.min(2 * maxPayloadBytes + 2 ** 20, 2 ** 32 - 1);
}
