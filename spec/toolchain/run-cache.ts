/**
 * What a spec file makes that does not depend on the Node line running it (an npm install, a tsc
 * build), made once per CI run and shared by spec files and Node lines. `.ci/run` names a fresh
 * directory in FORKLINE_CI_CACHE and removes it after; elsewhere each spec file makes its own.
 *
 * An entry is named by a hash of what it was made from, so one made from another checkout is never
 * used; the spec file gets a hard-linked copy (`cp -al`): the directories its own to write in, the
 * files the entry's, which nothing writes to.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** A hash of the files at these paths of the checkout (directories recursively). */
export function contentHash(paths: readonly string[]): string {
  const hash = createHash('sha256');
  const add = (path: string): void => {
    const full = join(root, path);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) add(join(path, name));
    } else {
      hash.update(`${path}\0`).update(readFileSync(full)).update('\0');
    }
  };
  for (const path of paths) add(path);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Fills `dir` (empty, made by the caller) by `make`, from the run's cache where there is one:
 * the first spec file to ask makes the entry `name` (into a directory of its own, renamed into
 * place when complete), the others wait for it, and each gets its copy.
 */
export async function makeOnce(name: string, dir: string, make: (into: string) => Promise<void>): Promise<void> {
  const cache = process.env.FORKLINE_CI_CACHE;
  if (!cache) return make(dir);
  const entry = join(cache, name);
  if (!existsSync(entry)) await makeEntry(entry, make);
  await execFileAsync('cp', ['-al', `${entry}/.`, dir]);
}

async function makeEntry(entry: string, make: (into: string) => Promise<void>): Promise<void> {
  const lock = `${entry}.lock`;
  try {
    mkdirSync(lock);
  } catch {
    const end = Date.now() + 240_000;
    while (!existsSync(entry)) {
      if (!existsSync(lock)) throw new Error(`Another spec file failed to make ${entry}: its error says why`);
      if (Date.now() > end) throw new Error(`Timed out waiting for another spec file to make ${entry}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return;
  }
  const staging = `${entry}.staging`;
  try {
    mkdirSync(staging);
    await make(staging);
    renameSync(staging, entry);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    rmSync(lock, { recursive: true, force: true });
    throw error;
  }
}
