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
 *
 * The count leaves out what serializing adds (keys, each number's tag, JSON's escapes), so a value
 * within maxPayloadBytes can still make a longer frame: the child measures each frame it writes
 * against this too (`frameSizeProblem`), and fails the call instead of sending what the host refuses.
 */
export function maxFrameBytes(maxPayloadBytes: number): number {
  return Math.min(2 * maxPayloadBytes + 2 ** 20, 2 ** 32 - 1);
}

/** The code of the error a child's writer throws for a frame `frameSizeProblem` refuses. */
export const FRAME_TOO_LARGE = 'ERR_FRAME_TOO_LARGE';

/** Why a frame body of `bytes` is too long for the host, or undefined when it is not. */
export function frameSizeProblem(bytes: number, maxPayloadBytes: number): string | undefined {
  const limit = maxFrameBytes(maxPayloadBytes);
  if (bytes <= limit) return undefined;
  return (
    `is ${inMib(bytes)} once serialized, over the ${inMib(limit)} one frame to the host may hold ` +
    '(twice maxPayloadBytes and 1 MiB; maxPayloadBytes counts string characters and binary bytes, ' +
    "not keys or what serializing adds); raise maxPayloadBytes, pass a file path or split the data"
  );
}

/** One decimal: a frame just over its limit must not read as the limit itself. */
function inMib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
