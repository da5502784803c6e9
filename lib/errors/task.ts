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
