/**
 * Tasks of the scale-out benches (scripts/bench/queue-*.mjs) that the other bench tasks do not
 * cover.
 */

/**
 * Asks the host whether to hold, saying which worker process runs it (its parent) and its own
 * pid; the host kills that worker instead of answering, and answers the call's next run (on the
 * other worker) at once. Returns the pid of the worker that finished it.
 */
export async function holdUntilAnswered({ comm }) {
  await comm.request({ worker: process.ppid, child: process.pid });
  return process.ppid;
}
