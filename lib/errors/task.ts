/**
 * Errors of running a task in a child: its module would not load, or its child died under it.
 */
import { ForklineError } from './base.js';
import { describeTask, loadCommand, messageOf, type TaskName } from './format.js';

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

/**
 * `scheduler.warm()` could not get its children ready: they kept dying at boot (`crashed`: its
 * `cause` is the last one's WorkerCrashedError), or the scheduler was closed first (`closed`).
 */
export class WorkerStartError extends ForklineError {
  override readonly code = 'ERR_WORKER_START';
  constructor(
    readonly reason: 'crashed' | 'closed',
    options?: { readonly failures?: number; readonly cause?: WorkerCrashedError },
  ) {
    const cause = options?.cause;
    const last = cause ? `the last, ${cause.pid === undefined ? 'a child' : `pid ${cause.pid}`}, ${cause.signal ? `was killed by ${cause.signal}` : `exited with code ${cause.exitCode}`}` : '';
    super(
      reason === 'closed'
        ? 'scheduler.warm() failed: the scheduler was closed before its children were ready. Await warm() before close(), or ignore this error when closing on purpose.'
        : `scheduler.warm() failed: ${options?.failures ?? 'several'} child processes in a row exited before they were ready (${last}). ` +
            "Node printed why on stderr: usually a bad `execArgv` flag, an `--import` that throws, a missing `cwd`, or an `env` without PATH. Fix the scheduler's options; the next warm(), run() or start() tries again.",
      cause === undefined ? undefined : { cause },
    );
  }
}
WorkerStartError.prototype.name = 'WorkerStartError';
