/**
 * Limiter: vetoes submits past a total number of calls, past a number running at once, or while
 * other tasks run, and says which limit it hit with an event.
 */
import { InvalidOptionError, PluginError } from '../errors/index.js';
import { checkOptions, integer } from '../options.js';
import { eventNames } from '../events/names.js';
import type { Plugin, PluginTask, PluginTypes, SubmitCall } from '../plugin.js';
import type { AnyTask } from '../task.js';

export interface LimiterOptions {
  /** Calls allowed over the task's life (calls vetoed by other plugins do not count). */
  readonly maxCalls?: number;
  /** Calls allowed queued or running at once. */
  readonly maxConcurrent?: number;
  /** Veto while any of these tasks has a call queued or running. */
  readonly notWhileRunning?: AnyTask | readonly AnyTask[];
}

export interface LimiterEvents {
  /** A submit was vetoed: `maxCalls` were already made. */
  'call-limit-reached': [task: AnyTask, args: readonly unknown[]];
  /** A submit was vetoed: `maxConcurrent` calls were in flight. */
  'concurrent-limit-reached': [task: AnyTask, args: readonly unknown[]];
  /** A submit was vetoed: a task in `notWhileRunning` was running. */
  'disabled-due-to-running-task': [task: AnyTask, args: readonly unknown[]];
}

interface LimiterTypes extends PluginTypes {
  readonly events: LimiterEvents;
  readonly injects: object;
}

const EVENTS = eventNames<LimiterEvents>({ 'call-limit-reached': true, 'concurrent-limit-reached': true, 'disabled-due-to-running-task': true });

export class Limiter implements Plugin<LimiterTypes> {
  readonly name = 'limiter';
  /** Type-level only. */
  declare readonly types?: LimiterTypes;
  readonly maxCalls: number;
  readonly maxConcurrent: number;
  readonly notWhileRunning: readonly AnyTask[];
  #calls = 0;
  #task: PluginTask<LimiterEvents> | undefined;

  constructor(options: LimiterOptions) {
    checkOptions(options, 'new Limiter()', ['maxCalls', 'maxConcurrent', 'notWhileRunning']);
    this.maxCalls = limit(options.maxCalls, 'maxCalls');
    this.maxConcurrent = limit(options.maxConcurrent, 'maxConcurrent');
    const tasks = options.notWhileRunning ?? [];
    this.notWhileRunning = Array.isArray(tasks) ? [...(tasks as readonly AnyTask[])] : [tasks as AnyTask];
    for (const task of this.notWhileRunning) {
      if (typeof (task as Partial<AnyTask> | null)?.running !== 'function') {
        throw new InvalidOptionError('notWhileRunning', 'tasks made by scheduler.task()', task);
      }
    }
    if (options.maxCalls === undefined && options.maxConcurrent === undefined && this.notWhileRunning.length === 0) {
      throw new InvalidOptionError('Limiter options', 'at least one of maxCalls, maxConcurrent, notWhileRunning', options);
    }
  }

  /** Calls made so far. */
  get calls(): number {
    return this.#calls;
  }

  attach(task: PluginTask<LimiterEvents>): void {
    if (this.#task) throw PluginError.attachedTwice('Limiter', this.#task.name);
    if (this.notWhileRunning.includes(task)) {
      throw PluginError.waitsOnItself(task.name);
    }
    this.#task = task;
    task.addEvents(...EVENTS);
    task.on('submitted', () => {
      this.#calls++;
    }, { hidden: true });
  }

  preSubmit(call: SubmitCall, task: PluginTask<LimiterEvents>): SubmitCall | false {
    if (this.#calls >= this.maxCalls) return veto(task, 'call-limit-reached', call);
    if (task.inFlight >= this.maxConcurrent) return veto(task, 'concurrent-limit-reached', call);
    if (this.notWhileRunning.some((other) => other.running())) return veto(task, 'disabled-due-to-running-task', call);
    return call;
  }

  describe(): readonly string[] {
    const lines: string[] = [];
    if (this.maxCalls !== Infinity) lines.push(`Calls ${this.#calls}/${this.maxCalls}`);
    if (this.maxConcurrent !== Infinity) lines.push(`Concurrent ${this.#task?.inFlight ?? 0}/${this.maxConcurrent}`);
    if (this.notWhileRunning.length > 0) lines.push(`Not while running: ${this.notWhileRunning.map((task) => task.name).join(', ')}`);
    return lines;
  }
}

function veto(task: PluginTask<LimiterEvents>, event: keyof LimiterEvents, call: SubmitCall): false {
  task.emit(event, task, call.args);
  return false;
}

function limit(value: number | undefined, option: string): number {
  return value === undefined ? Infinity : integer(value, option, 1);
}
