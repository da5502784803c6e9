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
 *
 * This is the reading side, all a warm child needs; writing and its lock are ./write.ts.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync } from 'node:fs';
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

function safeUser(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, '_');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
