/**
 * forkline installed as a user installs it: `npm pack` of this checkout (dist/ is built first by
 * `npm test`; a clean clone builds it on `prepare`), installed into a fresh directory with only
 * what the README's install line names, from the local npm cache where it can.
 *
 * Packing and installing cost tens of seconds, and give the same files whichever Node line runs
 * npm (every package in the tree is plain JavaScript). So where FORKLINE_PACKED_CACHE names a
 * directory (`.ci/run` makes one for its run and removes it after), the first spec file of the
 * run installs into it, keyed by a hash of what npm packs, and every spec file of every Node line
 * gets a copy of that install: its own directory, written to as it likes, as a new install is.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** The installed app: its directory and the tarball's name in it. */
export interface PackedApp {
  readonly dir: string;
  readonly tarball: string;
}

/** A fresh directory (under `prefix`) where the packed checkout is installed; the caller removes it. */
export async function packedApp(prefix: string): Promise<PackedApp> {
  const app = mkdtempSync(join(tmpdir(), prefix));
  const cache = process.env.FORKLINE_PACKED_CACHE;
  if (!cache) return install(app);
  const installed = join(cache, `app-${packageHash()}`);
  if (!existsSync(installed)) await installOnce(installed);
  // Hard links: the files are the install's (nothing writes to them), the directories the app's own.
  await execFileAsync('cp', ['-al', `${installed}/.`, app]);
  return { dir: app, tarball: readdirSync(app).find((name) => name.endsWith('.tgz')) ?? '' };
}

/**
 * A hash of what `npm pack` packs (package.json's `files`, and the files npm always adds), so a
 * cached install is of the checkout as it is now, without packing it again to find out.
 */
function packageHash(): string {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
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
  for (const path of ['package.json', 'README.md', 'LICENSE', ...manifest.files]) add(path);
  return hash.digest('hex').slice(0, 16);
}

/** Packs this checkout into `dir`; returns the tarball's name. */
async function pack(dir: string): Promise<string> {
  // --ignore-scripts: dist/ is built already, and rebuilding it would race the specs reading it.
  await execFileAsync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: root });
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
  return tarball;
}

async function install(app: string): Promise<PackedApp> {
  const name = await pack(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  // The README's install line.
  await execFileAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${name}`, 'typescript@5', 'ts-node', '@types/node'], { cwd: app });
  return { dir: app, tarball: name };
}

/**
 * Installs the packed checkout at `installed` once, however many spec files ask at the same time:
 * the one that makes the lock directory installs (into a directory of its own, renamed into place
 * when complete); the others wait for it.
 */
async function installOnce(installed: string): Promise<void> {
  const lock = `${installed}.lock`;
  try {
    mkdirSync(lock);
  } catch {
    const end = Date.now() + 240_000;
    while (!existsSync(installed)) {
      if (!existsSync(lock)) throw new Error(`Another spec file failed to install ${installed}: its error says why`);
      if (Date.now() > end) throw new Error(`Timed out waiting for another spec file to install ${installed}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return;
  }
  const staging = `${installed}.staging`;
  try {
    mkdirSync(staging);
    await install(staging);
    renameSync(staging, installed);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    rmSync(lock, { recursive: true, force: true });
    throw error;
  }
}
