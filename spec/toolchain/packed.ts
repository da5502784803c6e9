/**
 * forkline installed as a user installs it: `npm pack` of this checkout (dist/ is built first by
 * `npm test`; a clean clone builds it on `prepare`), installed into a fresh directory with only
 * what the README's install line names, from the local npm cache where it can.
 *
 * Packing and installing cost tens of seconds and give the same files whichever Node line runs npm
 * (every package in the tree is plain JavaScript), so in CI they are done once per run
 * (./run-cache.ts), keyed by what npm packs: package.json's `files` and what npm always adds.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contentHash, makeOnce, root } from './run-cache.js';

const execFileAsync = promisify(execFile);
export { root };

/** The installed app: its directory and the tarball's name in it. */
export interface PackedApp {
  readonly dir: string;
  readonly tarball: string;
}

/** A fresh directory (under `prefix`) where the packed checkout is installed; the caller removes it. */
export async function packedApp(prefix: string): Promise<PackedApp> {
  const app = mkdtempSync(join(tmpdir(), prefix));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
  await makeOnce(`packed-${contentHash(['package.json', 'README.md', 'LICENSE', ...manifest.files])}`, app, install);
  const tarball = readdirSync(app).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
  return { dir: app, tarball };
}

async function install(app: string): Promise<void> {
  // --ignore-scripts: dist/ is built already, and rebuilding it would race the specs reading it.
  await execFileAsync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', app], { cwd: root });
  const tarball = readdirSync(app).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  // The README's install line.
  await execFileAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${tarball}`, 'typescript@5', 'ts-node', '@types/node'], { cwd: app });
}
