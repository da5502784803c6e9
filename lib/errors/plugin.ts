/**
 * Errors of plugins: two injections under one name, a configuration that cannot work.
 */
import { ForklineError } from './base.js';

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
