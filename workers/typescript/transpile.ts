/**
 * TypeScript → JavaScript, cached on disk by content.
 *
 * `typescript` is loaded only on a cache miss: it takes a few hundred milliseconds to load, which
 * a warm cache saves every child after the first.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type ModuleFormat = 'module' | 'commonjs';

/** Bump when the transpile options change, to leave old cache entries behind. */
const CACHE_VERSION = '1';

interface TypeScriptApi {
  transpileModule(source: string, options: { fileName: string; compilerOptions: Record<string, unknown> }): { outputText: string };
  ModuleKind: Record<string, number>;
  ScriptTarget: Record<string, number>;
  version: string;
}

let typescript: Promise<TypeScriptApi> | undefined;

export function cacheDirectory(): string {
  return process.env.FORKLINE_CACHE_DIR ?? join(tmpdir(), `forkline-ts-cache-${safeUser()}`);
}

export async function transpileCached(source: string, path: string, format: ModuleFormat): Promise<string> {
  const key = createHash('sha256').update(`${CACHE_VERSION}\0${format}\0${path}\0${source}`).digest('hex').slice(0, 40);
  const directory = cacheDirectory();
  const file = join(directory, `${key}.js`);
  const cached = await readCached(file);
  if (cached !== undefined) return cached;
  // Children of one pool start together and would all load TypeScript for the same file: one
  // transpiles, the others wait for its result.
  const lock = `${file}.lock`;
  if (!(await acquire(directory, lock))) {
    const written = await waitFor(file, lock);
    if (written !== undefined) return written;
  }
  try {
    return await transpileTo(file, source, path, format);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function transpileTo(file: string, source: string, path: string, format: ModuleFormat): Promise<string> {
  const directory = cacheDirectory();
  const ts = await loadTypeScript(path);
  const output = ts.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      module: format === 'module' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
      inlineSources: true,
      esModuleInterop: true,
      isolatedModules: true,
    },
  }).outputText;
  // Written aside and renamed, so a child reading concurrently never sees half a file.
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(temporary, output);
    await rename(temporary, file);
  } catch {
    // A cache that cannot be written only costs speed.
  }
  return output;
}

async function readCached(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock: a directory (mkdir is atomic) holding a file named after the owner's pid, so a
 * lock left by a process that died (a killed child) is taken over at once.
 */
async function acquire(directory: string, lock: string): Promise<boolean> {
  try {
    await mkdir(directory, { recursive: true });
    await mkdir(lock);
    await writeFile(join(lock, String(process.pid)), '').catch(() => undefined);
    return true;
  } catch {
    return !(await held(lock));
  }
}

/** Whether a live process holds the lock (a lock just made, owner not yet written, counts as held). */
async function held(lock: string): Promise<boolean> {
  const owners = await readdir(lock).catch(() => undefined);
  if (owners === undefined) return false;
  const [owner] = owners;
  if (owner === undefined) return Date.now() - (await stat(lock).then((info) => info.mtimeMs, () => 0)) < STALE_MS;
  try {
    process.kill(Number(owner), 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Waits for another process to write `file`; undefined if it gave up (owner gone, or too long). */
async function waitFor(file: string, lock: string): Promise<string | undefined> {
  const end = Date.now() + STALE_MS;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    const written = await readCached(file);
    if (written !== undefined) return written;
    if (!(await held(lock))) return readCached(file);
  }
  return undefined;
}

const STALE_MS = 10_000;

function loadTypeScript(path: string): Promise<TypeScriptApi> {
  typescript ??= (async () => {
    // The project's own typescript first, then whatever forkline can see.
    for (const from of [pathToFileURL(path).href, import.meta.url]) {
      try {
        const resolved = createRequire(from).resolve('typescript');
        const module = (await import(pathToFileURL(resolved).href)) as { default: TypeScriptApi };
        return module.default;
      } catch {
        // Try the next place.
      }
    }
    throw new Error(
      `forkline cannot run the TypeScript task module ${path}: the "typescript" package was not found. ` +
        'Install it in your project (npm install --save-dev typescript), or point the task at compiled JavaScript.',
    );
  })();
  return typescript;
}

function safeUser(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, '_');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
