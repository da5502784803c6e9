/**
 * The full transform, for what stripping cannot give: ts-node's `create({ transpileOnly: true })`
 * service, one per tsconfig and module format. ts-node reads the project's tsconfig as `tsc` does
 * (`extends`, decorators, decorator metadata, class fields, JSX, target) and costs about what
 * loading `typescript` costs (docs/performance.md), and only on a cache miss.
 *
 * Only the module format is overridden: a file is an ES module or CommonJS by Node's rules
 * (extension, then package.json "type"), whatever the tsconfig's `module` says.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ModuleFormat } from './package-type.js';
import type { Project } from './project.js';
import { TypeScriptSyntaxError } from './syntax-error.js';

interface Diagnostic {
  readonly file?: { getLineAndCharacterOfPosition(position: number): { line: number; character: number } };
  readonly start?: number;
  readonly messageText: string | { messageText: string };
}

interface Service {
  compile(code: string, fileName: string): string;
}

interface TsNode {
  create: (options: Record<string, unknown>) => Service;
}

const services = new Map<string, Service>();

export function compile(source: string, path: string, format: ModuleFormat, project: Project): string {
  const key = `${project.path ?? ''}\0${format}`;
  let service = services.get(key);
  if (!service) {
    service = createService(path, format, project);
    services.set(key, service);
  }
  try {
    return service.compile(source, path);
  } catch (error) {
    const [diagnostic] = (error as { diagnostics?: Diagnostic[] }).diagnostics ?? [];
    if (diagnostic?.file && diagnostic.start !== undefined) {
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const text = typeof diagnostic.messageText === 'string' ? diagnostic.messageText : diagnostic.messageText.messageText;
      throw new TypeScriptSyntaxError(path, line + 1, character + 1, text);
    }
    throw error;
  }
}

function createService(path: string, format: ModuleFormat, project: Project): Service {
  const typescript = resolveFrom(path, 'typescript');
  if (!typescript) {
    throw new Error(
      `forkline cannot load the TypeScript module ${path}: the "typescript" package was not found. ` +
        'Install it in your project (npm install --save-dev typescript@5 ts-node), or point the task at compiled JavaScript.',
    );
  }
  const version = (JSON.parse(readFileSync(`${dirname(typescript)}/../package.json`, 'utf8')) as { version?: string }).version ?? '';
  // TypeScript 7 (the native compiler) has no JavaScript API to transform with.
  if (Number(version.split('.')[0]) >= 7) {
    throw new Error(
      `forkline cannot load the TypeScript module ${path}: the installed typescript ${version} has no JavaScript API (transpileModule()). ` +
        'forkline transforms with TypeScript 5 or 6: npm install --save-dev typescript@5',
    );
  }
  const tsNode = resolveFrom(path, 'ts-node');
  if (!tsNode) {
    throw new Error(
      `forkline cannot load the TypeScript module ${path}: it needs a full transform (its tsconfig or its syntax asks for more than ` +
        'type stripping) and the "ts-node" package was not found. Install it in your project: npm install --save-dev ts-node',
    );
  }
  const { create } = createRequire(import.meta.url)(tsNode) as TsNode;
  try {
    return createWith(create, typescript, format, project);
  } catch (error) {
    // ts-node's TSError does not cross Node 20's hooks thread as an Error: say it in a plain one.
    throw new Error(`forkline cannot load the TypeScript module ${path}: ${project.path ?? 'the default tsconfig'} is refused by TypeScript: ${String((error as { message?: unknown }).message ?? error)}`);
  }
}

function createWith(create: TsNode['create'], typescript: string, format: ModuleFormat, project: Project): Service {
  return create({
    transpileOnly: true,
    compiler: typescript,
    ...(project.path === undefined ? { skipProject: true } : { project: project.path }),
    cwd: project.path === undefined ? process.cwd() : dirname(project.path),
    compilerOptions: format === 'module' ? { module: 'ESNext', moduleResolution: 'Bundler' } : { module: 'CommonJS', moduleResolution: 'Node10' },
  });
}

/** The project's own copy first, then whatever forkline can see. */
function resolveFrom(path: string, name: string): string | undefined {
  for (const from of [path, import.meta.url]) {
    try {
      return createRequire(from).resolve(name);
    } catch {
      // Not installed there.
    }
  }
  return undefined;
}
