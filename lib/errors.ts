/**
 * Every failure forkline reports has its own class with a stable `code`.
 *
 * The messages are built here, in one place, and each one names what failed, which side of the
 * process boundary it failed on, and what to do about it. This module has no imports so the child
 * runtime (workers/) can share it: an error thrown in a child arrives in the host as an instance of
 * the same class.
 */

/** What identifies a task in an error: the same shape as {@link TaskIdentity}. */
interface TaskName {
  readonly module: string;
  readonly export: string;
}

const describeTask = (task: TaskName): string => `${task.export} (${task.module})`;

/** The command that loads a module on its own, TypeScript included. */
function loadCommand(module: string): string {
  const path = decodeURIComponent(module.replace(/^file:\/\//, ''));
  return /\.[cm]?tsx?$/.test(path) ? `node --import forkline/register ${path}` : `node ${path}`;
}

/** ` (message)` of an error, or of an error-like object (errors from Node 20's hooks thread arrive as plain objects). */
function messageOf(cause: unknown): string {
  const message = (cause as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? ` (${message})` : '';
}

/** Base class of every error forkline throws. Catch this to catch them all. */
export class ForklineError extends Error {
  /** A stable, machine-readable identifier such as `ERR_COMM_TIMEOUT`. */
  readonly code: string = 'ERR_FORKLINE';
}
ForklineError.prototype.name = 'ForklineError';

/** A name passed to `on()`, `emit()` or `once()` is not an event of that emitter. */
export class EventNotKnownError extends ForklineError {
  override readonly code = 'ERR_EVENT_NOT_KNOWN';
  constructor(
    readonly event: string,
    readonly known: readonly string[],
    owner: string,
  ) {
    super(
      `${owner} has no event "${event}". Known events: ${known.map((name) => `"${name}"`).join(', ')}. ` +
        'Check the spelling, or add the plugin that provides it to the task.',
    );
  }
}
EventNotKnownError.prototype.name = 'EventNotKnownError';

/** An option or argument has the wrong type or value. States what was expected and what came. */
export class InvalidOptionError extends ForklineError {
  override readonly code = 'ERR_INVALID_OPTION';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly actual: unknown,
  ) {
    super(`Expected \`${option}\` to be ${expected}, got \`${formatValue(actual)}\` (${typeName(actual)}).`);
  }
}
InvalidOptionError.prototype.name = 'InvalidOptionError';

/** An options object has a key that is no option of the call: a typo, usually. */
export class UnknownOptionError extends ForklineError {
  override readonly code = 'ERR_UNKNOWN_OPTION';
  constructor(
    readonly option: string,
    readonly known: readonly string[],
    where: string,
  ) {
    const near = closest(option, known);
    super(
      `${where} has no option \`${option}\`${near === undefined ? '' : ` (did you mean \`${near}\`?)`}. ` +
        `Its options: ${known.map((name) => `\`${name}\``).join(', ')}.`,
    );
  }
}
UnknownOptionError.prototype.name = 'UnknownOptionError';

/** How a scheduler's last run ended or is ending, for {@link SchedulerNotRunningError}. */
export interface RunEnding {
  /** The exit code, e.g. `exhausted`. */
  readonly code: string;
  /** false while the run is still shutting down. */
  readonly ended: boolean;
}

/** What ended a run, in words, by exit code. */
const ENDED_BY: Readonly<Record<string, string>> = {
  exhausted: 'its queue emptied, and `endOnEmpty` (the default) ends a run then',
  stopped: 'stop() or close() was called',
  timeout: 'its `timeout` passed',
  exception: "a call or handler failed and `onException` said 'end' or 'raise'",
  cancelled: "a call was cancelled and `onCancelled` said 'end' or 'raise'",
};

/** `submit()` (or anything that needs a live run) was called while the scheduler was not running. */
export class SchedulerNotRunningError extends ForklineError {
  override readonly code = 'ERR_SCHEDULER_NOT_RUNNING';
  /** How the last run ended or is ending; undefined if the scheduler never ran. */
  readonly ending: RunEnding | undefined;
  constructor(action: string, ending?: RunEnding) {
    const keepOpen =
      'For a pool that stays open, call `scheduler.start()` once and `await scheduler.close()` at the end; ' +
      'for an event-driven run, `run({ endOnEmpty: false })` runs until stop().';
    super(
      ending === undefined
        ? `${action} failed: the scheduler is not running. Submit from a 'start' handler or while \`await scheduler.run()\` is in progress. ${keepOpen}`
        : `${action} failed: the scheduler's run ${ending.ended ? 'has ended' : 'is ending'} as '${ending.code}': ${ENDED_BY[ending.code] ?? 'it ended'}. ${keepOpen} ` +
            'Handlers that may fire after a stop should check `scheduler.running()` before submitting.',
    );
    this.ending = ending;
  }
}
SchedulerNotRunningError.prototype.name = 'SchedulerNotRunningError';

/** `task.call()` was vetoed by a plugin: there is no result to wait for. */
export class CallVetoedError extends ForklineError {
  override readonly code = 'ERR_CALL_VETOED';
  constructor(
    readonly task: TaskName,
    readonly plugin: string,
  ) {
    super(`${task.export}.call() was vetoed by the plugin "${plugin}" (a limit, say): the call did not run. Use submit() to be told by \`undefined\` instead of an error, or listen to the plugin's events.`);
  }
}
CallVetoedError.prototype.name = 'CallVetoedError';

/** `run()` was called while a previous `run()` on the same scheduler had not finished. */
export class SchedulerBusyError extends ForklineError {
  override readonly code = 'ERR_SCHEDULER_BUSY';
  constructor(action = 'scheduler.run()') {
    super(`${action} failed: this scheduler is already running. Await the first run(), or close() the pool of start(), before starting another.`);
  }
}
SchedulerBusyError.prototype.name = 'SchedulerBusyError';

/** A task module could not be loaded in the child, or the export is missing or not a function. */
export class TaskLoadError extends ForklineError {
  override readonly code = 'ERR_TASK_LOAD';
  constructor(
    readonly task: TaskName,
    readonly reason: 'module-not-found' | 'syntax-error' | 'import-failed' | 'export-missing' | 'not-a-function' | 'load-timeout',
    options?: { cause?: unknown; found?: string },
  ) {
    const what = {
      'module-not-found': `no file was found at ${options?.found ?? task.module}. Name the module as it exists where the host runs: new URL('./jobs.js', import.meta.url) finds jobs.ts beside a TypeScript host and jobs.js beside its tsc output`,
      'syntax-error': `the module does not parse: ${(options?.found ?? 'a syntax error').replace(/\.$/, '')}. Fix the syntax (\`tsc --noEmit\` shows every error); forkline never runs a module it cannot parse`,
      'import-failed': `the module could not be imported${messageOf(options?.cause)}. Check the path, and that the module loads on its own: \`${loadCommand(task.module)}\``,
      'export-missing': `the module has no export named "${task.export}"${options?.found ? `; it exports ${options.found}` : ''}. Export the function, or fix the name given to taskRef()/taskModule()`,
      'not-a-function': `the export "${task.export}" is ${options?.found ?? 'not a function'}. A task must be an exported function`,
      'load-timeout': `importing the module did not finish within ${options?.found ?? 'the load timeout'} (loadTimeout), so its child was stopped. Look for a top-level await that never settles or a loop at top level (\`${loadCommand(task.module)}\` shows it), or raise \`loadTimeout\``,
    }[reason];
    super(`Loading task ${describeTask(task)} in the child failed: ${what}.`, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
TaskLoadError.prototype.name = 'TaskLoadError';

/** The child process running a task exited or was killed before the task settled. */
export class WorkerCrashedError extends ForklineError {
  override readonly code = 'ERR_WORKER_CRASHED';
  constructor(
    readonly task: TaskName | undefined,
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly pid: number | undefined,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    super(
      `The child process${pid === undefined ? '' : ` ${pid}`} ${how}` +
        (task ? ` while running ${describeTask(task)}` : ' before it was ready') +
        '. The task did not settle; the pool replaces the child. If the task exits on purpose, return instead; if it ran out of memory, raise its limits.',
    );
  }
}
WorkerCrashedError.prototype.name = 'WorkerCrashedError';

/** A future was cancelled: by `future.cancel()`, an AbortSignal, or a scheduler stop with `wait: false`. */
export class CancelledError extends ForklineError {
  override readonly code = 'ERR_CANCELLED';
  constructor(
    readonly task: TaskName,
    reason: string,
  ) {
    super(`Task ${describeTask(task)} was cancelled: ${reason}.`);
  }
}
CancelledError.prototype.name = 'CancelledError';

/** A value cannot cross the process boundary. `path` points inside it, e.g. `args[1].config.fn`. */
export class SerializationError extends ForklineError {
  override readonly code = 'ERR_SERIALIZATION';
  constructor(
    readonly where: string,
    readonly path: string,
    readonly problem: string,
    readonly serialization: 'json' | 'advanced',
  ) {
    super(
      `${where} failed: ${path} ${problem}, so it cannot be sent to another process ` +
        `(serialization: '${serialization}'). Send plain data instead` +
        (serialization === 'json' ? ", or use `serialization: 'advanced'` for Maps, Sets, Dates, BigInts and binary." : '.'),
    );
  }
}
SerializationError.prototype.name = 'SerializationError';

/** Two plugins, or a plugin and the caller, inject a value under the same name. */
export class InjectionConflictError extends ForklineError {
  override readonly code = 'ERR_INJECTION_CONFLICT';
  constructor(
    readonly parameterName: string,
    readonly plugin: string,
  ) {
    super(
      `Plugin "${plugin}" cannot inject "${parameterName}": a value of that name is already injected into this call. ` +
        `Give one of them another name (for the Comm plugin: Comm.Plugin({ parameterName: '...' })).`,
    );
  }
}
InjectionConflictError.prototype.name = 'InjectionConflictError';

/** A plugin was given a configuration that cannot work (e.g. a Limiter that waits on its own task). */
export class PluginError extends ForklineError {
  override readonly code = 'ERR_PLUGIN';

  /** A plugin that keeps per-task state was given to a second task. */
  static attachedTwice(plugin: string, task: string): PluginError {
    return new PluginError(`This ${plugin} is already attached to task "${task}". Make one ${plugin} per task.`);
  }

  /** A Limiter whose notWhileRunning lists its own task could never let a call through. */
  static waitsOnItself(task: string): PluginError {
    return new PluginError(`Limiter on task "${task}" lists the task itself in notWhileRunning, so no call could ever run. Remove it, or use maxConcurrent: 1.`);
  }

  /** Limits of CPU time or memory on a platform without /proc. */
  static withoutProc(platform: string): PluginError {
    return new PluginError(`Limits({ cpuTime, memory }) reads /proc, which ${platform} does not have. Use wallTime alone here.`);
  }
}
PluginError.prototype.name = 'PluginError';

/** Host and child disagree on the protocol: different forkline versions, or a future from elsewhere. */
export class ProtocolError extends ForklineError {
  override readonly code = 'ERR_PROTOCOL';
  constructor(what: string, fix = 'Host and child must run the same forkline version; reinstall it if they differ.') {
    super(`forkline ${what}. ${fix}`);
  }

  /** A child sent a frame the host cannot accept: its call fails with this and it is replaced. */
  static badFrame(pid: number | undefined, problem: string): ProtocolError {
    return new ProtocolError(
      `got a malformed frame from child process${pid === undefined ? '' : ` ${pid}`} (${problem}); the call it was running failed and the child was replaced`,
      "A task must not send messages under forkline's `$forkline` key with process.send(); if no task does, host and child run different forkline versions.",
    );
  }

  /** A task sent past the comm window: the host refuses to hold what it sends. */
  static commFlood(comm: string, limit: number): ProtocolError {
    return new ProtocolError(
      `saw more than ${limit} messages on comm ${comm} waiting on the host's handlers; the call failed and its child was replaced`,
      "A task must await comm.send() (it waits while the host's handlers lag a window behind) and must not send messages under forkline's `$forkline` key with process.send().",
    );
  }
}
ProtocolError.prototype.name = 'ProtocolError';

/** `comm.request()` got no response within its `timeout`. The late response, if any, is dropped. */
export class CommTimeoutError extends ForklineError {
  override readonly code = 'ERR_COMM_TIMEOUT';
  constructor(
    readonly comm: string,
    readonly timeout: number,
  ) {
    super(
      `comm.request() failed: the host did not answer within ${timeout} ms (comm ${comm}). ` +
        "Answer every request in a 'comm-request' handler with msg.respond(value), or raise the timeout.",
    );
  }
}
CommTimeoutError.prototype.name = 'CommTimeoutError';

/**
 * The host cannot answer the comm: its request handler threw, the scheduler is stopping, or the
 * call was cancelled. The task should finish as soon as it can.
 */
export class CommCloseRequestError extends ForklineError {
  override readonly code = 'ERR_COMM_CLOSE_REQUEST';
  constructor(
    readonly comm: string,
    readonly reason: string,
  ) {
    super(`comm.request() failed: ${reason} (comm ${comm}). Return from the task; the host will not answer this comm any more.`);
  }
}
CommCloseRequestError.prototype.name = 'CommCloseRequestError';

/** A comm was used after `close()`. */
export class CommClosedError extends ForklineError {
  override readonly code = 'ERR_COMM_CLOSED';
  constructor(
    readonly comm: string,
    method: string,
  ) {
    super(`comm.${method}() failed: comm ${comm} is closed. Send and request before close(), or inside comm.open(async () => ...).`);
  }
}
CommClosedError.prototype.name = 'CommClosedError';

/** `msg.respond()` was called on a message that is not a request, or a second time. */
export class CommResponseError extends ForklineError {
  override readonly code = 'ERR_COMM_RESPONSE';
  constructor(
    readonly comm: string,
    problem: 'not-a-request' | 'already-answered',
    kind: string,
  ) {
    super(
      problem === 'already-answered'
        ? `msg.respond() failed: this request on comm ${comm} was already answered. Answer each request once, from one handler.`
        : `msg.respond() failed: ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} message is not a request, so it takes no answer. Only 'comm-request' messages can be answered.`,
    );
  }
}
CommResponseError.prototype.name = 'CommResponseError';

/** What a resource limit error says about the breach. */
interface Breach {
  readonly task: TaskName;
  /** The limit, in ms or bytes. */
  readonly limit: number;
  /** What was measured when the limit was found breached. */
  readonly used: number;
}

const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const milliseconds = (ms: number) => `${Math.round(ms)} ms`;

/** A call breached a limit of the Limits plugin, and its child was stopped. */
export abstract class LimitError extends ForklineError {
  /** The limit, in ms or bytes. */
  readonly limit: number;
  /** What was measured, in the same unit. */
  readonly used: number;
  protected constructor(breach: Breach, measured: string, limit: string, option: string) {
    super(
      `Task ${describeTask(breach.task)} ${measured}, over its ${limit}; its child was stopped. ` +
        `Raise Limits({ ${option} }) or make the call do less.`,
    );
    this.limit = breach.limit;
    this.used = breach.used;
  }
}

LimitError.prototype.name = 'LimitError';

/** A call ran longer than `Limits({ wallTime })`. */
export class WallTimeLimitError extends LimitError {
  override readonly code = 'ERR_WALL_TIME_LIMIT';
  constructor(breach: Breach) {
    super(breach, `ran ${milliseconds(breach.used)}`, `wall-time limit of ${milliseconds(breach.limit)}`, 'wallTime');
  }
}
WallTimeLimitError.prototype.name = 'WallTimeLimitError';

/** A call used more CPU time than `Limits({ cpuTime })`. */
export class CpuTimeLimitError extends LimitError {
  override readonly code = 'ERR_CPU_TIME_LIMIT';
  constructor(breach: Breach) {
    super(breach, `used ${milliseconds(breach.used)} of CPU`, `CPU-time limit of ${milliseconds(breach.limit)}`, 'cpuTime');
  }
}
CpuTimeLimitError.prototype.name = 'CpuTimeLimitError';

/** A call grew its child's resident memory (Node's own ~40 MiB included) past `Limits({ memory })`. */
export class MemoryLimitError extends LimitError {
  override readonly code = 'ERR_MEMORY_LIMIT';
  constructor(breach: Breach) {
    super(breach, `grew its child to ${mebibytes(breach.used)} resident`, `memory limit of ${mebibytes(breach.limit)}`, 'memory');
  }
}
MemoryLimitError.prototype.name = 'MemoryLimitError';

/** Formats a value for an error message: short, single line. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return value.name ? `[Function ${value.name}]` : '[Function]';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The known name within two edits of `name`, if any. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}
