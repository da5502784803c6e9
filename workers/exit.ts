/**
 * How a child exits on purpose: after every byte its tasks wrote to stdout and stderr is out.
 *
 * The streams are inherited pipes or files of the host. Node writes to a pipe asynchronously on
 * Linux: when the reader is slow (`| tee`, a CI log collector, docker), writes wait in the
 * child's memory, and `process.exit()` would throw them away. So the child waits until the
 * streams hold nothing more, then exits. A child whose host is gone exits anyway: the watchdog
 * (watchdog.ts) SIGKILLs it.
 */

let exiting = false;

/** Exits with `code` once stdout and stderr have handed everything to the OS. */
export function exitAfterOutput(code: number): void {
  if (exiting) return;
  exiting = true;
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
}

/** Resolves once `stream` has written what it was given (a write's callback runs after those before it). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}
