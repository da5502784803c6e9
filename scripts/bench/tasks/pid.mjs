/**
 * The smallest task module: the idle-child memory case (scripts/bench/memory-child.mjs) loads
 * only this, so the figure is forkline's child runtime and not the bench's payloads.
 */

/** Its child's pid, after `ms` milliseconds (so that calls sent together land on different children). */
export async function pid(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return process.pid;
}
