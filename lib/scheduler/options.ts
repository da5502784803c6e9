/**
 * Options of `Scheduler.withProcesses()`, `withSequential()` and `run()`, checked and defaulted.
 */
import { availableParallelism } from 'node:os';
import { InvalidOptionError } from '../errors/index.js';
import { boolean, boundedInteger, checkOptions, integer, milliseconds, millisecondsOrNever, oneOf, positive, stringArray, timerDelay } from '../options.js';
import type { ErrorClass } from '../wire/error-codec.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, type Serialization, type WireFormat } from '../wire/serializable.js';
import { checkExceptionPolicy } from './policy.js';
import type { CloseOptions, RunOptions, RunSettings, Shutdown, StartOptions } from './run.js';

export interface SchedulerOptions {
  /**
   * How values cross the boundary. 'advanced' (default) keeps Maps, Sets, Dates, BigInts, typed
   * arrays and shared references; 'json' is plain JSON.
   */
  readonly serialization?: Serialization;
  /**
   * Error classes to rebuild by name when a task throws one, so `instanceof` and
   * `onException` pairs work in the host. Built-in and forkline errors are always known.
   */
  readonly errorClasses?: readonly ErrorClass[];
  /**
   * Arguments, results and comm data estimated larger than this many bytes are refused with a
   * SerializationError before they are sent. Default 128 MiB.
   */
  readonly maxPayloadBytes?: number;
}

export interface ProcessSchedulerOptions extends SchedulerOptions {
  /** Node flags for the children, e.g. `['--max-old-space-size=512']`. Default none. */
  readonly execArgv?: readonly string[];
  /** Environment variables for the children, added to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The children's working directory. Default the host's. */
  readonly cwd?: string;
  /** Prefix every line a task prints with `[name#id] `. Default false. */
  readonly prefixOutput?: boolean;
  /**
   * Where the children's stdout goes: the host's stdout (default) or its stderr, for a host
   * whose stdout is data (JSON lines, a pipe into another program). The child writes straight
   * to that file descriptor, so nothing is buffered or lost on the way.
   */
  readonly stdout?: 'stdout' | 'stderr';
  /**
   * Calls sent ahead to a busy child while its calls take under 2 ms, so it never waits for the
   * next: up to this many, and about 4 ms of work at its pace. Default 64; 0 disables; at most 1024.
   */
  readonly prefetch?: number;
  /** Milliseconds between SIGTERM and SIGKILL, and for a cancelled call to return. Default 2000. */
  readonly killGracePeriod?: number;
  /** Replace a child after it ran this many calls (to shed leaked memory). Default: never. */
  readonly maxTasksPerWorker?: number;
  /** Close a child idle this many milliseconds; a new one starts when work comes. Default (and `Infinity`): never. */
  readonly idleTimeout?: number;
  /**
   * Milliseconds a child may take to import a task's module (the first call of it in that child);
   * past it the call fails with TaskLoadError (reason 'load-timeout') and the child is replaced.
   * Default 60000; `Infinity`: no bound.
   */
  readonly loadTimeout?: number;
}

export interface ProcessSettings extends WireFormat {
  readonly maxWorkers: number;
  readonly errorClasses: readonly ErrorClass[];
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  readonly cwd: string | undefined;
  readonly prefixOutput: boolean;
  readonly stdout: 'stdout' | 'stderr';
  readonly prefetch: number;
  readonly killGracePeriod: number;
  readonly maxTasksPerWorker: number;
  readonly idleTimeout: number;
  readonly loadTimeout: number;
}

const COMMON_OPTIONS = ['serialization', 'errorClasses', 'maxPayloadBytes'] as const;
/**
 * Calls one child may hold ahead: more saves no round trip (a frame of 16 already carries them)
 * and only keeps calls from the other children, and from the line's cancel.
 */
const MAX_PREFETCH = 1024;

const PROCESS_OPTIONS = [...COMMON_OPTIONS, 'execArgv', 'env', 'cwd', 'prefixOutput', 'stdout', 'prefetch', 'killGracePeriod', 'maxTasksPerWorker', 'idleTimeout', 'loadTimeout'] as const;
const RUN_OPTIONS = ['timeout', 'endOnEmpty', 'wait', 'drain', 'signals', 'onException', 'onCancelled'] as const;
const START_OPTIONS = ['signals'] as const;
const CLOSE_OPTIONS = ['drain', 'wait'] as const;

export function processSettings(maxWorkers: unknown, options: ProcessSchedulerOptions = {}): ProcessSettings {
  checkOptions(options, 'Scheduler.withProcesses()', PROCESS_OPTIONS);
  const { env, cwd } = options;
  if (env !== undefined && (typeof env !== 'object' || (env as unknown) === null)) throw new InvalidOptionError('env', 'an object of environment variables', env);
  if (cwd !== undefined && typeof cwd !== 'string') throw new InvalidOptionError('cwd', 'a directory path', cwd);
  const stdout = oneOf(options.stdout ?? 'stdout', 'stdout', ['stdout', 'stderr']);
  return {
    maxWorkers: maxWorkersOf(maxWorkers),
    ...common(options),
    execArgv: stringArray(options.execArgv ?? [], 'execArgv'),
    env: options.env,
    cwd: options.cwd,
    prefixOutput: boolean(options.prefixOutput ?? false, 'prefixOutput'),
    stdout,
    prefetch: boundedInteger(options.prefetch ?? 64, 'prefetch', 0, MAX_PREFETCH),
    killGracePeriod: milliseconds(options.killGracePeriod ?? 2000, 'killGracePeriod', 0),
    maxTasksPerWorker: options.maxTasksPerWorker === undefined ? Infinity : integer(options.maxTasksPerWorker, 'maxTasksPerWorker', 1),
    idleTimeout: millisecondsOrNever(options.idleTimeout ?? Infinity, 'idleTimeout', 1),
    loadTimeout: millisecondsOrNever(options.loadTimeout ?? DEFAULT_LOAD_TIMEOUT, 'loadTimeout', 1),
  };
}

const DEFAULT_LOAD_TIMEOUT = 60_000;

/**
 * Each child is a Node process of ~40 MiB before any work: more than this many is a typo or a
 * unit mix-up (bytes, ms), not a pool.
 */
export const MAX_WORKERS = 1024;

function maxWorkersOf(value: unknown): number {
  return boundedInteger(value ?? availableParallelism(), 'maxWorkers', 1, MAX_WORKERS);
}

export function commonSettings(options: SchedulerOptions = {}): Pick<ProcessSettings, 'serialization' | 'maxPayloadBytes' | 'errorClasses'> {
  checkOptions(options, 'Scheduler.withSequential()', COMMON_OPTIONS);
  return common(options);
}

function common(options: SchedulerOptions): Pick<ProcessSettings, 'serialization' | 'maxPayloadBytes' | 'errorClasses'> {
  const serialization = oneOf(options.serialization ?? 'advanced', 'serialization', ['json', 'advanced']);
  const errorClasses: unknown = options.errorClasses ?? [];
  if (!Array.isArray(errorClasses) || errorClasses.some((item: unknown) => typeof item !== 'function')) {
    throw new InvalidOptionError('errorClasses', 'an array of Error classes', errorClasses);
  }
  const maxPayloadBytes = positive(options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, 'maxPayloadBytes', 'a number of bytes > 0');
  return { serialization, maxPayloadBytes, errorClasses: errorClasses as ErrorClass[] };
}

export function runSettings(options: RunOptions = {}): RunSettings {
  checkOptions(options, 'scheduler.run()', RUN_OPTIONS);
  const timeout = options.timeout === undefined ? undefined : timerDelay(options.timeout, 'timeout', 'a number of milliseconds > 0 (and < 2^31)', 'above-zero');
  const onCancelled = oneOf(options.onCancelled ?? 'raise', 'onCancelled', ['raise', 'end', 'continue']);
  const { wait, drain } = shutdownSettings(options, false);
  return {
    timeout,
    endOnEmpty: boolean(options.endOnEmpty ?? true, 'endOnEmpty'),
    wait,
    drain,
    signals: boolean(options.signals ?? false, 'signals'),
    onException: checkExceptionPolicy(options.onException ?? 'raise', 'onException'),
    onCancelled,
    mode: 'run',
  };
}

/** The long-lived pool of `start()`: open until closed, every call error its caller's. */
export function startSettings(options: StartOptions = {}): RunSettings {
  checkOptions(options, 'scheduler.start()', START_OPTIONS);
  return {
    timeout: undefined,
    endOnEmpty: false,
    wait: true,
    drain: true,
    signals: boolean(options.signals ?? false, 'signals'),
    onException: 'continue',
    onCancelled: 'continue',
    mode: 'service',
  };
}

/** `close()` drains by default: in an app, every queued call is a caller waiting for its answer. */
export function closeSettings(options: CloseOptions = {}): Shutdown {
  checkOptions(options, 'scheduler.close()', CLOSE_OPTIONS);
  return shutdownSettings(options, true);
}

function shutdownSettings(options: { readonly wait?: boolean; readonly drain?: boolean }, drainByDefault: boolean): Shutdown {
  const wait = boolean(options.wait ?? true, 'wait');
  const drain = boolean(options.drain ?? (drainByDefault && wait), 'drain');
  if (drain && !wait) throw new InvalidOptionError('drain', 'false with `wait: false` (running the queue needs the children)', drain);
  return { wait, drain };
}
