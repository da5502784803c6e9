/**
 * Shared helpers of the benchmarks: statistics, the results table, the results file, and small
 * utilities (timers, payloads, waiting for child processes).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Sorted copy of `values` (numbers). */
function sorted(values) {
  return [...values].sort((a, b) => a - b);
}

/** The median of `values`; NaN when empty. */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The `p`-th percentile (0–100) by nearest rank; NaN when empty. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

/** Events per second for `count` events in `ms` milliseconds. */
export function perSecond(count, ms) {
  return (count * 1000) / ms;
}

/** The better (larger for 'higher', smaller for 'lower') of the given numbers, ignoring non-numbers. */
export function best(values, better = 'higher') {
  const numbers = values.filter((value) => typeof value === 'number' && Number.isFinite(value));
  if (numbers.length === 0) return undefined;
  return better === 'higher' ? Math.max(...numbers) : Math.min(...numbers);
}

/** Rounds for the results file: 3 significant digits for small numbers, integers for large. */
export function round(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value ?? null;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

/** A number as the table prints it. */
export function format(value) {
  if (value === undefined || value === null) return '–';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * What forkline uses when a scheduler is given no `serialization` (lib/scheduler/options.ts).
 * Change it with the library's default: it names the cases that measure the default.
 */
export const DEFAULT_SERIALIZATION = 'advanced';

/**
 * How a case records the serialization its forkline side used: `undefined` (no option given) and
 * the default given explicitly are 'default (advanced)', others their name ('json'); 'n/a' for a
 * case where no value crosses a channel.
 */
export function serializationLabel(serialization) {
  if (serialization === undefined || serialization === DEFAULT_SERIALIZATION) return `default (${DEFAULT_SERIALIZATION})`;
  return serialization;
}

/**
 * The forkline sides that the throughput and comm groups measure, each beside a raw `fork()` pool
 * of its own: 'json' given explicitly, beside raw 'json'; and the default (no option given, so it
 * follows the library), beside raw 'advanced', the raw channel that carries the same values.
 * `sameAsRaw`: the raw pool uses the very serialization of the forkline side.
 */
export const SIDES = {
  json: { options: { serialization: 'json' }, raw: 'json', label: 'json', sameAsRaw: true },
  default: { options: {}, raw: 'advanced', label: serializationLabel(undefined), sameAsRaw: DEFAULT_SERIALIZATION === 'advanced' },
};

/**
 * A case of the results: `forkline` and `baselines` in `unit`. `ratio_vs_raw` is forkline / raw
 * (above 1 is better for 'higher' units, below 1 for 'lower' ones), unless the case gives its own.
 * `raw` is the issue's baseline: a hand-written fork pool with fork()'s default 'json', or the
 * faster serialization where the issue says so. `sameSerialization` is the raw figure with the
 * serialization of this forkline row, when that differs: the cost of forkline over the same wire
 * format. `serialization` is what the forkline side used (a `serializationLabel()`, or 'n/a').
 * `target` says what the issue asks, `met` whether it was reached.
 */
export function makeCase({ group, name, unit, better, serialization, forkline, baselines, ratio, sameSerialization, target, met, notes }) {
  const raw = baselines.raw;
  const ratioVsRaw = ratio !== undefined ? ratio : typeof raw === 'number' && raw !== 0 && typeof forkline === 'number' ? forkline / raw : null;
  return {
    group,
    name,
    unit,
    better,
    ...(serialization === undefined ? {} : { serialization }),
    forkline: round(forkline),
    baselines: Object.fromEntries(Object.entries(baselines).map(([key, value]) => [key, round(value)])),
    ratio_vs_raw: ratioVsRaw === null ? null : Number(ratioVsRaw.toFixed(3)),
    ...(sameSerialization === undefined ? {} : { ratio_vs_raw_same_serialization: Number((forkline / sameSerialization).toFixed(3)) }),
    ...(target === undefined ? {} : { target }),
    ...(met === undefined ? {} : { met }),
    ...(notes === undefined ? {} : { notes }),
  };
}

/** Baselines with a column of their own; the others go into the last column. */
const COLUMNS = ['raw', 'workerpool', 'tinypool', 'piscina'];

/** Prints `cases` as a (markdown) table. */
export function printTable(cases, out = process.stdout) {
  const columns = COLUMNS.filter((key) => cases.some((item) => key in item.baselines));
  const header = ['case', 'unit', 'serialization', 'forkline', ...columns, 'vs raw', 'same ser.', 'target', 'met', 'other baselines'];
  const rows = cases.map((item) => [
    item.name,
    item.unit,
    item.serialization ?? '?',
    format(item.forkline),
    ...columns.map((key) => format(item.baselines[key])),
    item.ratio_vs_raw === null ? '–' : `${item.ratio_vs_raw.toFixed(2)}×`,
    item.ratio_vs_raw_same_serialization === undefined ? '' : `${item.ratio_vs_raw_same_serialization.toFixed(2)}×`,
    item.target ?? '',
    item.met === undefined ? '' : item.met ? 'yes' : 'NO',
    Object.entries(item.baselines)
      .filter(([key]) => !COLUMNS.includes(key))
      .map(([key, value]) => `${key.replaceAll('_', ' ')} ${format(value)}`)
      .join('; '),
  ]);
  const numeric = (column) => column >= 3 && column < 3 + 1 + columns.length + 2;
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => (numeric(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' | ')} |`;
  out.write(`${line(header)}\n`);
  out.write(`|${widths.map((width, column) => (numeric(column) ? `-${'-'.repeat(width)}:` : `-${'-'.repeat(width)}-`)).join('|')}|\n`);
  for (const row of rows) out.write(`${line(row)}\n`);
}

/** Writes the results file, creating its folder. */
export function writeResults(path, results) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Logs progress to stderr, so stdout keeps only the table. */
export function note(...parts) {
  process.stderr.write(`  ${parts.join(' ')}\n`);
}

/** Resolves once `child` exited (at once if it already has). */
export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The pids of this process's children (Linux), for pinning; empty where /proc cannot tell. */
export function childPids() {
  try {
    return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The CPU list `pid` may run on ('0,1', '0-3'), or undefined where taskset cannot tell. */
export function affinity(pid) {
  try {
    return /list:\s*(\S+)/.exec(execFileSync('taskset', ['-cp', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Pins `pid` (all its threads) to the CPUs in `cpuList` ('0', '1', '0,1') with taskset; returns
 * false where that is not possible (no taskset, not Linux).
 */
export function pin(pid, cpuList) {
  try {
    execFileSync('taskset', ['-acp', cpuList, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Busy and total CPU time of the machine and of this process with its reaped children (Linux), in clock ticks. */
function cpuTicks() {
  const machine = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const busy = machine[0] + machine[1] + machine[2] + machine[5] + machine[6] + machine[7];
  // Fields after the command name: utime, stime, cutime, cstime are the 12th to 15th.
  const self = readFileSync('/proc/self/stat', 'utf8');
  const fields = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
  const ours = fields[11] + fields[12] + fields[13] + fields[14];
  return { busy, ours };
}

/**
 * Starts measuring how much CPU other processes on the machine use; the returned function gives
 * their average load in cores since then (undefined where /proc is missing). Our own children
 * count as ours once reaped, so call it after the group's pools have shut down.
 */
export function foreignLoad() {
  let start;
  try {
    start = cpuTicks();
  } catch {
    return () => undefined;
  }
  const started = performance.now();
  return () => {
    const end = cpuTicks();
    const seconds = (performance.now() - started) / 1000;
    const ticksPerSecond = 100;
    return Math.max(0, (end.busy - start.busy - (end.ours - start.ours)) / ticksPerSecond / seconds);
  };
}
