/**
 * Issue 9, item 14: the transpile cache cannot be made to run someone else's file. Its files are
 * executed, so a cache directory reached through a symlink (which can be re-pointed after any
 * check), a cached file writable by others, or a cached file that is a symlink, is not used: the
 * module is transpiled from its source instead.
 *
 * Each test first lets a child fill a private cache legitimately, to learn the file names, then
 * plants a substitute module under those names the way an attacker would.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scheduler } from 'forkline';
import type * as Probe from '../fixtures/probe.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const probe = fixtureModule<typeof Probe>('probe.ts');
const SUBSTITUTE = "export function whoRan() { return 'attacker'; }\n";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'forkline-poison-'));
});

afterEach(async () => {
  await expectNoChildren();
  rmSync(root, { recursive: true, force: true });
});

/** What `whoRan()` returns in a child whose cache directory is `cache`. */
async function whoRan(cache: string): Promise<string[]> {
  const scheduler = Scheduler.withProcesses(1, { env: { FORKLINE_CACHE_DIR: cache } });
  const task = scheduler.task(probe.whoRan);
  const results: string[] = [];
  task.on('result', (_future, value) => void results.push(value));
  scheduler.on('start', () => void task.submit());
  await scheduler.run();
  return results;
}

/** Fills `cache` the legitimate way and returns the names of its cached modules. */
async function cachedNames(cache: string): Promise<string[]> {
  expect(await whoRan(cache)).toEqual(['genuine']);
  const names = readdirSync(cache).filter((name) => name.endsWith('.js'));
  expect(names.length).toBeGreaterThan(0);
  return names;
}

test('a cache directory that is a symlink, re-pointed at a planted directory after use, is not used', async () => {
  const genuine = join(root, 'genuine');
  const names = await cachedNames(genuine);
  const planted = mkdtempSync(join(root, 'planted-'));
  for (const name of names) writeFileSync(join(planted, name), SUBSTITUTE, { mode: 0o600 });
  const link = join(root, 'link');
  symlinkSync(genuine, link);
  expect(await whoRan(link)).toEqual(['genuine']);
  // The swap: the name the children trust now leads to the planted files.
  unlinkSync(link);
  symlinkSync(planted, link);
  expect(await whoRan(link)).toEqual(['genuine']);
});

test('a cached file that others can write is not used', async () => {
  const cache = join(root, 'cache');
  const [name] = await cachedNames(cache);
  const file = join(cache, name ?? '');
  writeFileSync(file, SUBSTITUTE);
  chmodSync(file, 0o666);
  expect(await whoRan(cache)).toEqual(['genuine']);
});

test('a cached file replaced by a symlink to a planted file is not followed', async () => {
  const cache = join(root, 'cache');
  const [name] = await cachedNames(cache);
  const planted = join(root, 'planted.js');
  writeFileSync(planted, SUBSTITUTE, { mode: 0o600 });
  const file = join(cache, name ?? '');
  unlinkSync(file);
  symlinkSync(planted, file);
  expect(await whoRan(cache)).toEqual(['genuine']);
});
