/**
 * Limits: per-call wall time, CPU time and memory (amltk's pynisher plugin).
 *
 * Enforced from the host, which a busy or runaway child cannot stop: wall time by a timer from
 * the moment the call starts executing in its child, CPU time and memory by sampling the child
 * through the usage probe its executor hands over at the start (lib/executor.ts): the pool's
 * reads /proc, the queue's asks the worker machine. On a breach the plugin emits its event, the
 * call fails with the matching error, and the child is killed and replaced.
 */
import { CpuTimeLimitError, InvalidOptionError, MemoryLimitError, PluginError, WallTimeLimitError } from '../errors/index.js';
import { checkNumber, checkOptions, MAX_TIMER_MS, timerDelay } from '../options.js';
import { eventNames } from '../events/names.js';
import type { Future } from '../future.js';
import { callLink, type Plugin, type PluginTask, type PluginTypes } from '../plugin.js';
import type { UsageProbe } from '../executor.js';
import { processUsageSupported } from '../pool/process-usage.js';

export interface LimitsOptions {
  /** Milliseconds a call may run, from when it starts executing. */
  readonly wallTime?: number;
  /** Milliseconds of CPU (user + system) a call may use. Linux only. */
  readonly cpuTime?: number;
  /** Bytes the child's resident set may reach during a call (Node's own ~40 MiB included). Linux only. */
  readonly memory?: number;
  /** How often (ms) CPU time and memory are sampled. Default 50. */
  readonly sampleInterval?: number;
}

export interface LimitsEvents {
  'limit-walltime': [future: Future, error: WallTimeLimitError];
  'limit-cputime': [future: Future, error: CpuTimeLimitError];
  'limit-memory': [future: Future, error: MemoryLimitError];
}

interface LimitsTypes extends PluginTypes {
  readonly events: LimitsEvents;
  readonly injects: object;
  readonly vetoes: false;
}

const EVENTS = eventNames<LimitsEvents>({ 'limit-walltime': true, 'limit-cputime': true, 'limit-memory': true });

export class Limits implements Plugin<LimitsTypes> {
  readonly name = 'limits';
  /** Type-level only. */
  declare readonly types?: LimitsTypes;
  readonly wallTime: number | undefined;
  readonly cpuTime: number | undefined;
  readonly memory: number | undefined;
  readonly sampleInterval: number;
  #task: PluginTask<LimitsEvents> | undefined;
  readonly #watches = new Map<Future, () => void>();

  constructor(options: LimitsOptions) {
    checkOptions(options, 'new Limits()', ['wallTime', 'cpuTime', 'memory', 'sampleInterval']);
    this.wallTime = positive(options.wallTime, 'wallTime', MAX_TIMER_MS);
    this.cpuTime = positive(options.cpuTime, 'cpuTime');
    this.memory = positive(options.memory, 'memory');
    this.sampleInterval = positive(options.sampleInterval, 'sampleInterval', MAX_TIMER_MS) ?? 50;
    if (this.wallTime === undefined && this.cpuTime === undefined && this.memory === undefined) {
      throw new InvalidOptionError('Limits options', 'at least one of wallTime, cpuTime, memory', options);
    }
    if ((this.cpuTime !== undefined || this.memory !== undefined) && !processUsageSupported) {
      throw PluginError.withoutProc(process.platform);
    }
  }

  attach(task: PluginTask<LimitsEvents>): void {
    if (this.#task) throw PluginError.attachedTwice('Limits plugin', this.#task.name);
    this.#task = task;
    task.addEvents(...EVENTS);
    task.on('submitted', (future: Future) => {
      callLink(future)?.onStarted((_pid, usage) => {
        this.#watch(task, future, usage);
      });
    }, { hidden: true });
    const unwatch = (future: Future) => {
      this.#watches.get(future)?.();
      this.#watches.delete(future);
    };
    task.on('done', unwatch, { hidden: true });
    task.on('cancelled', unwatch, { hidden: true });
  }

  describe(): readonly string[] {
    const limits = [
      this.wallTime === undefined ? undefined : `wall ${this.wallTime} ms`,
      this.cpuTime === undefined ? undefined : `cpu ${this.cpuTime} ms`,
      this.memory === undefined ? undefined : `memory ${(this.memory / 2 ** 20).toFixed(0)} MiB`,
    ].filter(Boolean);
    return [`Limits: ${limits.join(', ')}`, `Watching: ${this.#watches.size}`];
  }

  #watch(task: PluginTask<LimitsEvents>, future: Future, usage: UsageProbe | undefined): void {
    if (future.done()) return;
    const started = performance.now();
    let wallTimer: NodeJS.Timeout | undefined;
    let sampleTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(wallTimer);
      clearTimeout(sampleTimer);
    };
    this.#watches.set(future, stop);
    // Each breach emits its own typed event, then fails the call.
    const breach = (error: Error, emit: () => void) => {
      if (future.done()) return;
      stop();
      emit();
      callLink(future)?.terminate(error);
    };
    const identity = future.call.task;
    if (this.wallTime !== undefined) {
      const limit = this.wallTime;
      // Timers may fire a fraction of a millisecond early by the monotonic clock: check, then breach.
      const check = () => {
        const used = performance.now() - started;
        if (used < limit) wallTimer = setTimeout(check, Math.ceil(limit - used));
        else {
          const error = new WallTimeLimitError({ task: identity, limit, used });
          breach(error, () => task.emit('limit-walltime', future, error));
        }
      };
      wallTimer = setTimeout(check, limit);
    }
    if (usage === undefined || (this.cpuTime === undefined && this.memory === undefined)) return;
    // CPU is counted from the call's start: the child may have run calls before.
    const baseline = usage();
    const sample = async () => {
      const [before, now] = await Promise.all([baseline, usage()]);
      if (!before || !now || future.done()) return;
      const cpu = now.cpuMs - before.cpuMs;
      if (this.cpuTime !== undefined && cpu > this.cpuTime) {
        const error = new CpuTimeLimitError({ task: identity, limit: this.cpuTime, used: cpu });
        breach(error, () => task.emit('limit-cputime', future, error));
      } else if (this.memory !== undefined && now.rssBytes > this.memory) {
        const error = new MemoryLimitError({ task: identity, limit: this.memory, used: now.rssBytes });
        breach(error, () => task.emit('limit-memory', future, error));
      } else {
        schedule();
      }
    };
    const schedule = () => {
      sampleTimer = setTimeout(() => void sample(), this.sampleInterval);
      sampleTimer.unref();
    };
    schedule();
  }
}

/** `max`: for values that become timers, which Node fires at once past 2^31-1 ms. */
function positive(value: number | undefined, option: string, max = Number.MAX_VALUE): number | undefined {
  if (value === undefined) return undefined;
  return max === Number.MAX_VALUE
    ? checkNumber(value, option, 'a finite number > 0', { above: 0, max })
    : timerDelay(value, option, `a number of milliseconds > 0 and <= ${max} (2^31-1)`, 'above-zero');
}
