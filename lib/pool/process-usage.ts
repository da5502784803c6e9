/**
 * CPU time and resident memory of a process, read from Linux's /proc without spawning anything:
 * the pool's usage probe (lib/executor.ts `UsageProbe`), and the CLI's CPU figures.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { ProcessUsage, UsageProbe } from '../executor.js';

export type { ProcessUsage };

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux Node supports. */
const TICKS_PER_SECOND = 100;

export const processUsageSupported = process.platform === 'linux' && existsSync('/proc/self/stat');

/** Undefined once the process is gone. */
export async function processUsage(pid: number): Promise<ProcessUsage | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssBytes: Number(rss?.[1] ?? 0) * 1024 };
  } catch {
    return undefined;
  }
}

/** The probe of a child of this machine; undefined where /proc cannot be read. */
export function procProbe(pid: number | undefined): UsageProbe | undefined {
  return pid === undefined || !processUsageSupported ? undefined : () => processUsage(pid);
}
