/**
 * The processes a child started, so that stopping the child stops them too.
 *
 * Why not the child's process group: a child in a group of its own must be spawned `detached`,
 * which puts it in a new session, away from the terminal. Then Ctrl-C and Ctrl-Z no longer reach
 * it, and execa no longer kills it when the host exits (its `cleanup` skips detached children).
 * Reading the tree from Linux's /proc at the moment of the stop costs nothing until then, and
 * changes nothing else. Elsewhere the tree is empty: only the child is stopped.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The live descendants of `pid`: children first. Collect them before the child dies, when they are re-parented. */
export function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (entry.charCodeAt(0) > 57) continue;
    const parent = parentOf(entry);
    if (parent === undefined) continue;
    const list = children.get(parent);
    if (list) list.push(Number(entry));
    else children.set(parent, [Number(entry)]);
  }
  const found: number[] = [];
  for (let next = [pid]; next.length > 0; ) {
    next = next.flatMap((parent) => children.get(parent) ?? []);
    found.push(...next);
  }
  return found;
}

function parentOf(entry: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 2);
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** Sends `signal` to each of `pids` that still exists. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}
