/**
 * The writing side of the transpile cache (./cache.ts): files written whole or not at all, and
 * a lock so that the children of one pool transpile a module once. Loaded on a miss only.
 */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCached } from './cache.js';

/** Written aside (never through an existing file) and renamed, so no reader sees half a file. */
export function store(file: string, output: string): void {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, output, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } catch {
    // A cache that cannot be written only costs speed.
    rmSync(temporary, { force: true });
  }
}

/**
 * Runs `make` for `file` with the file's lock held, unless another process is making it: then
 * waits for what it writes, and takes what `usable` makes of it, unless that is undefined (not
 * what this process needs). Children of one pool start together
 * and would all load the compiler for the same file; one transpiles, the others wait.
 *
 * The lock is a directory (mkdir is atomic) holding a file named after the owner's pid, so a lock
 * left by a process that died (a killed child) is taken over at once.
 */
export function once<T>(file: string, make: () => { content: string; value: T }, usable: (content: string) => T | undefined): T {
  const lock = `${file}.lock`;
  const acquired = acquire(lock);
  if (!acquired) {
    const written = waitFor(file, lock, usable);
    if (written !== undefined) return written;
  }
  try {
    const { content, value } = make();
    store(file, content);
    return value;
  } finally {
    if (acquired) rmSync(lock, { recursive: true, force: true });
  }
}

function acquire(lock: string): boolean {
  try {
    mkdirSync(lock, { mode: 0o700 });
    try {
      writeFileSync(join(lock, String(process.pid)), '', { flag: 'wx' });
    } catch {
      // The lock still holds; only a dead owner cannot be recognised.
    }
    return true;
  } catch {
    return !held(lock);
  }
}

/** Whether a live process holds the lock (a lock just made, owner not yet written, counts as held). */
function held(lock: string): boolean {
  let owners: string[];
  try {
    owners = readdirSync(lock);
  } catch {
    return false;
  }
  const [owner] = owners;
  if (owner === undefined) {
    try {
      return Date.now() - lstatSync(lock).mtimeMs < STALE_MS;
    } catch {
      return false;
    }
  }
  try {
    process.kill(Number(owner), 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Waits for another process to write a usable `file`; undefined if it gave up (owner gone, or too long). */
function waitFor<T>(file: string, lock: string, usable: (content: string) => T | undefined): T | undefined {
  const end = Date.now() + STALE_MS;
  const read = () => {
    const written = readCached(file);
    return written === undefined ? undefined : usable(written);
  };
  while (Date.now() < end) {
    sleep(15);
    const written = read();
    if (written !== undefined) return written;
    if (!held(lock)) return read();
  }
  return undefined;
}

/** The hooks are synchronous (in-thread under `module.registerHooks()`), so waiting blocks. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const STALE_MS = 10_000;
