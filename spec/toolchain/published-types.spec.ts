/**
 * The published types show the public API only. tsconfig.build.json strips what is marked
 * `@internal`; this reads the built declarations (dist/, built by `npm test` first) as a consumer's
 * compiler does and fails if an internal name is reachable from a package entry, or if stripping
 * left a declaration pointing at something it removed. In-process: a few seconds, no `npm pack`
 * (spec/toolchain/packed-install.spec.ts checks an installed copy end to end).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');
/** The package's type entries, read from package.json's `exports`: an entry added there is checked here. */
const ENTRIES = Object.values(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<string, string | { types?: string }>)
  .flatMap((target) => (typeof target === 'object' && target.types ? [join(root, target.types)] : []));

/** Names that are the machinery of a call, the pool or the wire: never exported from an entry. */
const INTERNAL_EXPORTS = [
  'Call',
  'CallOwner',
  'Pool',
  'PoolJob',
  'CallComms',
  'CommSession',
  'TaskHost',
  'PoolWorker',
  'Line',
  'Outbox',
  'startFuture',
  'futureState',
  'callOf',
  'trackFuture',
  'RunContext',
  'RunWiring',
  'Run',
];

/** Internal hooks that no published declaration may even declare, exported or not. */
const INTERNAL_ANYWHERE = ['startFuture', 'settleFuture', 'futureState', 'setFutureState', 'awaited', 'callOf'];

/** Members of public classes that only forkline itself calls. */
const INTERNAL_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  HostComm: ['setState', 'respond', 'fail', 'arrived', 'handled', 'ack'],
  CommMsg: ['fail'],
};

let program: ts.Program;
let checker: ts.TypeChecker;

beforeAll(() => {
  for (const entry of ENTRIES) if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  program = ts.createProgram(ENTRIES, {
    noEmit: true,
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
  });
  checker = program.getTypeChecker();
});

function exportsOf(entry: string): ts.Symbol[] {
  const file = program.getSourceFile(entry);
  const module = file && checker.getSymbolAtLocation(file);
  if (!module) throw new Error(`${entry} is no module`);
  return checker.getExportsOfModule(module);
}

/** The real symbol behind an export (`export { X } from ...` is an alias). */
function resolved(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** Every .d.ts under a directory of dist/. */
function declarations(dir: string): string[] {
  return readdirSync(join(dist, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.d.ts'))
    .map((file) => join(dist, dir, file));
}

test('no package entry exports an internal name', () => {
  // The main entry first: the list is read right (forkline/register exports nothing).
  expect(exportsOf(ENTRIES[0]!).length).toBeGreaterThan(5);
  for (const entry of ENTRIES) {
    const names = exportsOf(entry).map((symbol) => symbol.name);
    expect(names.filter((name) => INTERNAL_EXPORTS.includes(name))).toEqual([]);
  }
});

test("no declaration a consumer's compiler reads declares an internal hook", () => {
  const ours = program.getSourceFiles().filter((file) => file.fileName.startsWith(dist));
  const declared = ours.flatMap((file) => {
    const module = checker.getSymbolAtLocation(file);
    const names = module ? checker.getExportsOfModule(module).map((symbol) => symbol.name) : [];
    return names.filter((name) => INTERNAL_ANYWHERE.includes(name)).map((name) => `${file.fileName.slice(dist.length + 1)}: ${name}`);
  });
  expect(declared).toEqual([]);
});

test("public classes show none of the members only forkline calls (HostComm's respond, setState, ack...)", () => {
  const exported = new Map(exportsOf(ENTRIES[0]!).map((symbol) => [symbol.name, resolved(symbol)]));
  for (const [name, internal] of Object.entries(INTERNAL_MEMBERS)) {
    const symbol = exported.get(name);
    if (symbol === undefined) throw new Error(`${name} is no longer exported: update INTERNAL_MEMBERS`);
    const members = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).map((member) => member.name);
    // The public ones are there: the check reads the class it means to.
    expect(members).toContain('toString');
    expect(members.filter((member) => internal.includes(member))).toEqual([]);
  }
});

test('nothing marked @internal is left in the published declarations', () => {
  const files = declarations('lib');
  expect(files.length).toBeGreaterThan(10);
  const left = files.filter((file) => readFileSync(file, 'utf8').includes('@internal'));
  expect(left.map((file) => file.slice(dist.length + 1))).toEqual([]);
});

test('the declarations are valid for a consumer: stripping removed nothing that another one names', () => {
  const ours = program.getSourceFiles().filter((file) => file.fileName.startsWith(dist));
  expect(ours.length).toBeGreaterThan(10);
  const problems = ours.flatMap((file) => program.getSemanticDiagnostics(file)).map((diagnostic) => {
    const where = diagnostic.file ? `${diagnostic.file.fileName.slice(dist.length + 1)}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
  expect(problems).toEqual([]);
});
