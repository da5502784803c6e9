/**
 * Running the `forkline` bin as a user does: spawned in a directory of its own, with real
 * children, and its output collected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
export const BATCH_TASK = fileURLToPath(new URL('../fixtures/batch.ts', import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly finished: Promise<Finished>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/** A scratch directory with the execution log, removed by `cleanup()`. */
export interface Workspace {
  readonly dir: string;
  readonly log: string;
  path(name: string): string;
  write(name: string, text: string): string;
  cleanup(): void;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'forkline-cli-'));
  return {
    dir,
    log: join(dir, 'executions.log'),
    path: (name) => join(dir, name),
    write: (name, text) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh workspace for each test of the file, removed after it; read it inside the tests. */
export function workspacePerTest(): Workspace {
  const current = {} as { -readonly [K in keyof Workspace]: Workspace[K] };
  beforeEach(() => void Object.assign(current, workspace()));
  afterEach(() => current.cleanup());
  return current;
}

export function spawnBin(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Spawned {
  const child = spawn(BIN, args, {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, finished, stderr: () => stderr };
}

export function runBin(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<Finished> {
  return spawnBin(args, options).finished;
}

/** The records of a results file. */
export function readResults(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The executions the batch task logged: `{ run, n, pid, at }` each (`at` in ms since the epoch). */
export function readExecutions(log: string): { run: string; n: number; pid: number; at: number }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [run = '', n = '', pid = '', at = ''] = line.split(' ');
      return { run, n: Number(n), pid: Number(pid), at: Number(at) };
    });
}

/** JSONL of `{ n, ...extra(n) }` for n = 1..count. */
export function jsonl(count: number, extra: (n: number) => object = () => ({})): string {
  return Array.from({ length: count }, (_, index) => JSON.stringify({ n: index + 1, ...extra(index + 1) })).join('\n') + '\n';
}

/** The n of each sleeping call that finished its side effect (the batch task's `<log>.done`). */
export function readDone(log: string): number[] {
  if (!existsSync(`${log}.done`)) return [];
  return readFileSync(`${log}.done`, 'utf8').split('\n').filter(Boolean).map(Number);
}

export async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
