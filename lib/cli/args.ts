/**
 * `forkline run` arguments: parsed with node's util.parseArgs, checked, and turned into settings.
 *
 * util.parseArgs is enough here: one subcommand, flat long options, no completion or nested
 * help. It costs nothing at start (commander is ~1 ms of import and a dependency) and its strict
 * mode refuses unknown flags; what it lacks (typed values, "did you mean") is done below.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { MAX_TIMER_MS } from '../options.js';
import { UsageError } from './usage.js';

export type InputFormat = 'jsonl' | 'csv' | 'json';

export interface RunSettings {
  /** The task module, absolute, and its export. */
  readonly module: string;
  readonly exportName: string;
  /** The input file, or '-' for stdin. */
  readonly input: string;
  readonly format: InputFormat;
  readonly out: string;
  readonly workers: number;
  readonly resume: boolean;
  readonly retries: number;
  /** Milliseconds before the first retry; doubled for each next one. */
  readonly retryDelay: number;
  readonly wallTime: number | undefined;
  readonly cpuTime: number | undefined;
  readonly memory: number | undefined;
  /** Calls started per `rate.per` ms, at most. */
  readonly rate: { readonly calls: number; readonly per: number } | undefined;
  readonly maxInFlight: number;
  readonly json: boolean;
  readonly progress: 'auto' | 'off';
  /** Milliseconds between plain progress lines (not a TTY). */
  readonly progressInterval: number | undefined;
  /** Where the queue monitor's CSV and SVG go (without extension), or undefined for none. */
  readonly monitor: string | undefined;
  /** --monitor was given: its files must not overwrite others unless --resume. */
  readonly monitorExplicit: boolean;
  readonly comm: boolean;
  readonly killGracePeriod: number;
}

const OPTIONS = {
  input: { type: 'string', short: 'i' },
  out: { type: 'string', short: 'o' },
  workers: { type: 'string', short: 'w' },
  format: { type: 'string' },
  resume: { type: 'boolean' },
  retries: { type: 'string' },
  'retry-delay': { type: 'string' },
  'wall-time': { type: 'string' },
  'cpu-time': { type: 'string' },
  memory: { type: 'string' },
  rate: { type: 'string' },
  'max-in-flight': { type: 'string' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'progress-interval': { type: 'string' },
  monitor: { type: 'string' },
  'no-monitor': { type: 'boolean' },
  'no-comm': { type: 'boolean' },
  'kill-grace': { type: 'string' },
  queue: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `forkline run` arguments (after the word `run`); `help` when --help was asked. */
export function parseRunArgs(argv: readonly string[], cwd: string): RunSettings | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(unknownFlagMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.queue !== undefined) {
    throw new UsageError(
      '--queue runs a batch on the queue executor (BullMQ over Redis), which forkline run does not do yet. Run the batch from a script with withQueue() from forkline/queue (docs/scale-out.md), or without --queue on local children.',
    );
  }
  if (positionals.length !== 1) throw new UsageError(`expected one task, like ./experiments.ts#train, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  const { module, exportName } = taskSpec(positionals[0] ?? '', cwd);
  if (values.input === undefined) throw new UsageError('--input is required: a JSONL, CSV or JSON file of the calls\' arguments, or - for stdin');
  const input = values.input === '-' ? '-' : resolvePath(values.input, cwd);
  const workers = values.workers === undefined ? availableParallelism() : integer(values.workers, '--workers', 1);
  return {
    module,
    exportName,
    input,
    format: format(values.format, values.input),
    out: resolvePath(values.out ?? 'results.jsonl', cwd),
    workers,
    resume: values.resume ?? false,
    retries: values.retries === undefined ? 0 : integer(values.retries, '--retries', 0),
    retryDelay: values['retry-delay'] === undefined ? 500 : milliseconds(values['retry-delay'], '--retry-delay'),
    wallTime: optional(values['wall-time'], (value) => milliseconds(value, '--wall-time')),
    cpuTime: optional(values['cpu-time'], (value) => milliseconds(value, '--cpu-time')),
    memory: optional(values.memory, (value) => bytes(value, '--memory')),
    rate: optional(values.rate, rate),
    maxInFlight: values['max-in-flight'] === undefined ? Math.max(64, workers * 16) : integer(values['max-in-flight'], '--max-in-flight', 1),
    json: values.json ?? false,
    progress: values['no-progress'] || values.json ? 'off' : 'auto',
    progressInterval: optional(values['progress-interval'], (value) => milliseconds(value, '--progress-interval')),
    monitor: values['no-monitor'] ? undefined : values.monitor === undefined ? siblingName(resolvePath(values.out ?? 'results.jsonl', cwd)) : resolvePath(values.monitor, cwd).replace(/\.(csv|svg)$/, ''),
    monitorExplicit: values.monitor !== undefined,
    comm: !values['no-comm'],
    // killGracePeriod takes whole milliseconds: `--kill-grace 0.5ms` is 1 ms, not a failed run.
    killGracePeriod: values['kill-grace'] === undefined ? 2000 : Math.ceil(milliseconds(values['kill-grace'], '--kill-grace')),
  };
}

/** `./experiments.ts#train` → the module's absolute path (from the cwd) and the export. */
function taskSpec(spec: string, cwd: string): { module: string; exportName: string } {
  const hash = spec.lastIndexOf('#');
  const path = hash === -1 ? spec : spec.slice(0, hash);
  const exportName = hash === -1 ? 'default' : spec.slice(hash + 1);
  if (path === '' || exportName === '') throw new UsageError(`expected a task like ./experiments.ts#train (a module, '#', an export), got ${JSON.stringify(spec)}`);
  return { module: resolvePath(path, cwd), exportName };
}

function resolvePath(path: string, cwd: string): string {
  return resolve(cwd, path);
}

/** results.jsonl → results.monitor (the CSV and SVG get their extensions). */
function siblingName(out: string): string {
  return `${out.replace(/\.jsonl?$/, '')}.monitor`;
}

function format(value: string | undefined, input: string): InputFormat {
  if (value !== undefined) {
    if (value === 'jsonl' || value === 'csv' || value === 'json') return value;
    throw new UsageError(`expected --format to be jsonl, csv or json, got ${JSON.stringify(value)}`);
  }
  if (/\.csv$/i.test(input)) return 'csv';
  if (/\.json$/i.test(input)) return 'json';
  return 'jsonl';
}

function optional<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function integer(value: string, flag: string, min: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min) throw new UsageError(`expected ${flag} to be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return number;
}

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `500`, `500ms`, `30s`, `5m`, `1h` → milliseconds. */
export function milliseconds(value: string, flag: string): number {
  // A unit is required: `--wall-time 30` meant 30 s as often as 30 ms.
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)$/.exec(value.trim());
  const amount = Number(match?.[1]);
  if (!match || !(amount > 0)) {
    const hint = /^\d+(\.\d+)?$/.test(value.trim()) ? ' (a number needs its unit: ms, s, m, min or h)' : '';
    throw new UsageError(`expected ${flag} to be a duration > 0 like 500ms, 30s, 5m or 1h${hint}, got ${JSON.stringify(value)}`);
  }
  const ms = amount * (TIME_UNITS[match[2] ?? 'ms'] ?? 1);
  // Every duration becomes a timer or a limit checked against one, and a Node timer waits at most
  // 2^31-1 ms: past it the library would refuse the option by its own name, not the flag's.
  if (ms > MAX_TIMER_MS) throw new UsageError(`expected ${flag} to be at most 596h (2^31-1 ms, the longest a timer waits), got ${JSON.stringify(value)}`);
  return ms;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30 };

/** `536870912`, `512M`, `512MiB`, `2G` → bytes (binary units: a limit on resident memory). */
function bytes(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = BYTE_UNITS[(match?.[2] ?? '').toLowerCase()];
  const amount = Number(match?.[1]);
  if (!match || unit === undefined || !(amount > 0)) throw new UsageError(`expected ${flag} to be a size like 512MiB or 2G, got ${JSON.stringify(value)}`);
  return Math.round(amount * unit);
}

const RATE_UNITS: Record<string, number> = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `10/s`, `100/min`, `5000/h` → calls per interval. */
function rate(value: string): { calls: number; per: number } {
  const match = /^(\d+)\s*\/\s*([a-z]+)$/i.exec(value.trim());
  const per = RATE_UNITS[(match?.[2] ?? '').toLowerCase()];
  const calls = Number(match?.[1]);
  if (!match || per === undefined || !(calls >= 1)) throw new UsageError(`expected --rate to be calls per time like 10/s, 100/min or 5000/h, got ${JSON.stringify(value)}`);
  return { calls, per };
}

/** parseArgs's messages, with the flag we know that is closest to a misspelled one. */
function unknownFlagMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const flag = /Unknown option '(--?[\w-]+)'/.exec(message)?.[1];
  if (!flag) return message;
  const name = flag.replace(/^-+/, '');
  const near = Object.keys(OPTIONS).find((known) => known.startsWith(name.slice(0, 3)) || name.startsWith(known.slice(0, 4)));
  return `forkline run has no option ${flag}${near ? ` (did you mean --${near}?)` : ''}. See forkline run --help.`;
}
