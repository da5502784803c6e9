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

let privateCache: Promise<boolean> | undefined;

/**
 * Whether the cache directory is ours alone. Its files are executed, so a directory another user
 * made (in a shared temp directory, say) or can write to is not used: then we transpile every time.
 */
function cacheIsPrivate(directory: string): Promise<boolean> {
  privateCache ??= (async () => {
    try {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const info = await stat(directory);
      const uid = process.getuid?.();
      return uid === undefined || (info.uid === uid && (info.mode & 0o022) === 0);
    } catch {
      return false;
    }
  })();
  return privateCache;
}

export async function transpileCached(source: string, path: string, format: ModuleFormat): Promise<string> {
  const directory = cacheDirectory();
  if (!(await cacheIsPrivate(directory))) return transpile(source, path, format);
  const key = createHash('sha256').update(`${CACHE_VERSION}\0${format}\0${path}\0${source}`).digest('hex').slice(0, 40);
  const file = join(directory, `${key}.js`);
  const cached = await readCached(file);
  if (cached !== undefined) return cached;
  // Children of one pool start together and would all load TypeScript for the same file: one
  // transpiles, the others wait for its result.
  const lock = `${file}.lock`;
  const acquired = await acquire(directory, lock);
  if (!acquired) {
    const written = await waitFor(file, lock);
    if (written !== undefined) return written;
  }
  try {
    const output = await transpile(source, path, format);
    await store(file, output);
    return output;
  } finally {
    if (acquired) await rm(lock, { recursive: true, force: true });
  }
}

/** Written aside and renamed, so a child reading concurrently never sees half a file. */
async function store(file: string, output: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, output, { mode: 0o600 });
    await rename(temporary, file);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}

async function transpile(source: string, path: string, format: ModuleFormat): Promise<string> {
  const ts = await loadTypeScript(path);
  return ts.transpileModule(source, {
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
      let api: Partial<TypeScriptApi>;
      try {
        const resolved = createRequire(from).resolve('typescript');
        api = ((await import(pathToFileURL(resolved).href)) as { default: Partial<TypeScriptApi> }).default;
      } catch {
        continue;
      }
      // TypeScript 7 (the native compiler) has no JavaScript API to strip types with.
      if (typeof api.transpileModule !== 'function' || api.ModuleKind === undefined) {
        throw new Error(
          `forkline cannot load the TypeScript module ${path}: the installed typescript ${String(api.version)} has no transpileModule(). ` +
            'forkline strips types with TypeScript 5 or 6: npm install --save-dev typescript@5',
        );
      }
      return api as TypeScriptApi;
    }
    throw new Error(
      `forkline cannot load the TypeScript module ${path}: the "typescript" package was not found. ` +
        'Install it in your project (npm install --save-dev typescript@5), or point the task at compiled JavaScript.',
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
