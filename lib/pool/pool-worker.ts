/**
 * One worker as the pool tracks it: its calls, its pace, and what it was told.
 */
import type { TaskIdentity } from '../wire/protocol.js';
import type { PoolJob as Job } from './pool-job.js';
import type { WorkerHandle, WorkerListener } from './worker-handle.js';

/** Calls averaging less than this (ms) count as short, and their worker gets calls ahead. */
const SHORT_CALL_MS = 2;

/**
 * How much work (ms, by the worker's pace) a worker holds ahead, within `prefetch` calls: enough
 * that tiny calls travel many to a write, little enough that a batch ends evenly across workers
 * (a worker never holds more than about this much that another, idle, could have taken).
 */
const AHEAD_MS = 4;

/**
 * Where a worker is in its life. `starting` until its runtime says `ready`; then it takes calls
 * until it is `closing` (shutting down, retiring, idle, killed), or announced it is `exiting`
 * (an uncaught error in the child), or `violated` the protocol (nothing more it sends is read).
 * The last three take no more calls, and only move towards the exit.
 */
export type WorkerState = 'starting' | 'ready' | 'closing' | 'exiting' | 'violated';

export class PoolWorker {
  readonly handle: WorkerHandle;
  state: WorkerState = 'starting';
  /** Replace this worker when it exits (it retired, or was killed for a cancel or a limit). */
  replace = false;
  /**
   * The child's runtime settled the call it was running and announced its exit in the same
   * frame: the first job it still holds provably never started, and may run elsewhere.
   */
  headUnstarted = false;
  /** Jobs cancelled while calls before them ran: each gets a kill timer once it is the head. */
  readonly cancelledAhead = new Set<Job>();
  /** Bounds the loading of a task module in the child (PoolOptions.loadTimeout). */
  loadTimer: NodeJS.Timeout | undefined;
  /** Bounds the time from the child's `exiting` to its exit: the announcement may be forged. */
  exitTimer: NodeJS.Timeout | undefined;
  /** Sent and unsettled, in the order sent: the first one is the one running. */
  readonly jobs = new Map<number, Job>();
  /** Which task numbers this worker was sent a `define` for. */
  readonly defined: boolean[] = [];
  ran = 0;
  /** Moving average of the time per call, from the gaps between results; unknown until one. */
  averageMs: number | undefined;
  lastSettle = 0;
  idleTimer: NodeJS.Timeout | undefined;

  constructor(start: (listener: WorkerListener) => WorkerHandle, listener: WorkerListener) {
    this.handle = start(listener);
  }

  /** Takes no more calls: closing, exiting or violated. */
  get closing(): boolean {
    return this.state !== 'starting' && this.state !== 'ready';
  }

  /** Takes no more calls from now on; a worker already past `ready` keeps its state. */
  close(): void {
    if (!this.closing) this.state = 'closing';
  }

  /** Asks the worker to finish; it exits once its channel closes. */
  closeGracefully(): void {
    this.close();
    this.handle.close();
  }

  /** Stops the worker now; `replace`: start another in its place when it has exited. */
  kill(replace = false): void {
    this.close();
    this.replace ||= replace;
    this.handle.kill();
  }

  /**
   * Bounds the time from the child's `exiting` to its exit: the announcement may be forged by a
   * task that goes on running, and the host sends a closing child nothing more.
   */
  boundExit(ms: number, expired: () => void): void {
    if (this.exitTimer !== undefined) return;
    this.exitTimer = setTimeout(expired, ms);
    this.exitTimer.unref();
  }

  /** `job`, the head, is loading its module: `expired` runs if it still is after `ms`. */
  watchLoad(job: Job, ms: number, expired: () => void): void {
    if (ms === Infinity) return;
    clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => {
      if (this.head === job) expired();
    }, ms);
    this.loadTimer.unref();
  }

  /** Idle from now: `expired` runs after `ms` unless a call comes first (dispatch clears it). */
  watchIdle(ms: number, expired: () => void): void {
    if (ms === Infinity || this.closing || this.idleTimer !== undefined) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      expired();
    }, ms);
    this.idleTimer.unref();
  }

  /** The cancelled `job` runs here: stop this worker unless it returned within `ms`. */
  stopAfterGrace(job: Job, ms: number): void {
    setTimeout(() => {
      if (this.jobs.get(job.id) === job) this.kill(true);
    }, ms).unref();
  }

  /** Clears every timer: the worker has exited. */
  clearTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.loadTimer);
    clearTimeout(this.exitTimer);
  }

  /**
   * How many calls it may hold: one, or while its calls are short, 1 + as many as fill AHEAD_MS
   * at its pace, up to `prefetch`.
   */
  room(prefetch: number, maxTasks: number): number {
    const average = this.averageMs;
    const ahead = average === undefined || average >= SHORT_CALL_MS ? 0 : Math.min(prefetch, Math.ceil(AHEAD_MS / average));
    return Math.min(1 + ahead, maxTasks - this.ran);
  }

  /** Counts a finished call toward the pace. */
  finished(now: number): void {
    const took = now - this.lastSettle;
    this.averageMs = this.averageMs === undefined ? took : this.averageMs * 0.8 + took * 0.2;
    this.lastSettle = now;
    this.ran++;
  }

  /** The job it is running now, if any (it runs its jobs in the order sent). */
  get head(): Job | undefined {
    return this.jobs.values().next().value;
  }
}

/**
 * Task numbers: a run envelope names its task by a number a `define` gave it, once per child,
 * instead of repeating a long module URL per call.
 */
export class TaskNumbers {
  /** By identity object, and for identities made per call (a plugin's rewrite), by name. */
  readonly #byIdentity = new WeakMap<TaskIdentity, number>();
  readonly #byName = new Map<string, number>();
  readonly #identities: TaskIdentity[] = [];

  numberOf(identity: TaskIdentity): number {
    let ref = this.#byIdentity.get(identity);
    if (ref === undefined) {
      const name = `${identity.module}#${identity.export}`;
      ref = this.#byName.get(name);
      if (ref === undefined) {
        ref = this.#identities.length;
        this.#identities.push({ module: identity.module, export: identity.export });
        this.#byName.set(name, ref);
      }
      this.#byIdentity.set(identity, ref);
    }
    return ref;
  }

  identity(ref: number): TaskIdentity {
    return this.#identities[ref] as TaskIdentity;
  }
}
