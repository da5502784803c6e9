/**
 * Whether a child keeps the host's process alive: its process handle, its IPC channel and its
 * pipes each hold the event loop open, so each is ref'd or unref'd together.
 *
 * Why a pool lets go of them: a pool warmed before its run (`Scheduler.warm()`) must not keep a
 * process alive that never runs it: a CLI that fails its argument checks after warming, a
 * module that warms at import. piscina unrefs idle threads for the same reason. The pool refs
 * them again when a run or `start()` takes the children.
 */

interface Referable {
  ref(): void;
  unref(): void;
}

/** What of a `ChildProcess` holds the loop: the process, its channel, and every stdio stream. */
export interface ChildHandles extends Referable {
  readonly channel?: unknown;
  readonly stdio: readonly unknown[];
}

function referable(value: unknown): value is Referable {
  return typeof (value as Partial<Referable> | null)?.ref === 'function' && typeof (value as Partial<Referable>).unref === 'function';
}

/**
 * Refs (`on`) or unrefs every handle of `child`. The stdio streams are found rather than named,
 * so a pipe the transport adds is covered without a change here.
 */
export function keepAlive(child: ChildHandles, on: boolean): void {
  for (const handle of [child, child.channel, ...child.stdio]) {
    if (!referable(handle)) continue;
    if (on) handle.ref();
    else handle.unref();
  }
}
