/**
 * The on-disk transpile cache: files named by a short hash of what they are for ({@link nameOf}),
 * each holding the full key it was written under, so a reader checks what it finds.
 *
 * Its files are executed, so nothing in it is trusted by path. The directory must be a real
 * directory (checked with `lstat`: a symlink named like it is refused, since it can be re-pointed
 * later), owned by this user and writable by nobody else. Each file is opened without following
 * symlinks and checked on the open descriptor (a regular file, ours, not group- or
 * world-writable) before its content is used. A directory that fails a check is not used: the
 * module is transpiled every time, which costs only speed.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export function cacheDirectory(): string {
  return process.env.FORKLINE_CACHE_DIR ?? join(tmpdir(), `forkline-ts-cache-${safeUser()}`);
}

/** Whether `info` is ours alone: owned by this user, writable by nobody else. */
function ours(info: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (info.uid === uid && (info.mode & 0o022) === 0);
}

/** The cache directory if it is private, else undefined. Checked on every use: it can change. */
export function privateDirectory(): string | undefined {
  const directory = cacheDirectory();
  try {
    // One lstat where the directory exists, as it does after a child's first run.
    let info = lstatSync(directory, { throwIfNoEntry: false });
    if (!info) {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      info = lstatSync(directory);
    }
    return info.isDirectory() && ours(info) ? directory : undefined;
  } catch {
    return undefined;
  }
}

/** The cached output in `file`, or undefined if absent or not provably ours. */
export function readCached(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || !ours(info)) return undefined;
    return readFileSync(fd, 'utf8');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

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
 * A file name for `key`: 64 bits of two FNV-1a hashes, hex. Not a digest anyone must trust (a
 * file holds its full key, which its reader compares), so no `node:crypto` to load (~5 ms on a
 * child's first TypeScript module); two keys sharing a name only cost a miss.
 */
export function nameOf(key: string): string {
  let low = 0x811c9dc5;
  let high = 0x6c62272e;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x01000193) ^ (low >>> 15);
  }
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
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

function safeUser(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, '_');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
