/**
 * Errors of the Limits plugin: a call breached its wall-time, CPU-time or memory limit.
 */
import { ForklineError } from './base.js';
import { describeTask, type TaskName } from './format.js';

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
