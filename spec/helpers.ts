/**
 * Shared test helpers: fixture refs and the OS view of child processes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scheduler, taskModule, taskRef, type TaskFunction, type TaskModule } from 'forkline';

export function fixture(file: string): URL {
  return new URL(`./fixtures/${file}`, import.meta.url);
}

export function fixtureModule<M>(file: string): TaskModule<M> {
  return taskModule<M>(fixture(file));
}

export function fixtureRef<F extends TaskFunction>(file: string, name: string) {
  return taskRef<F>(fixture(file), name);
}

/** The pids of live processes whose parent is `parent` (this process by default). */
export function childPids(parent = process.pid): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(parent)], { encoding: 'utf8' }).trim();
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, command]) => pid && command !== 'ps')
    .map(([pid]) => Number(pid));
}

/** Resolves once `check` holds, polling; rejects with `what` after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether `pid` is a live process: in the process table and not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Fails the test if it left a child process behind. */
export async function expectNoChildren(): Promise<void> {
  await eventually(() => childPids().length === 0, `children to exit (left: ${childPids().join(', ')})`);
}

/** The two kinds of scheduler, for tests that must hold on both: `describe.each(schedulerKinds)`. */
export const schedulerKinds = [
  ['processes', () => Scheduler.withProcesses(1)],
  ['sequential', () => Scheduler.withSequential()],
] as const;

/**
 * Makes temporary directories for one spec file, each removed after the file's tests. Call it
 * at the top level of the spec.
 */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
