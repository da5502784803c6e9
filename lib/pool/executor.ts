/**
 * What the scheduler asks of whatever runs its calls: a pool of children, or the host itself.
 */
import type { Future, Outcome } from '../future.js';
import type { SubmitCall } from '../plugin.js';
import type { ChildCommEnvelope, HostCommEnvelope } from '../wire/protocol.js';

/** Where an executor reports on jobs; one per run, shared by its jobs (no closures per call). */
export interface JobSink {
  /** The job was sent to a worker. */
  dispatched(job: Job): void;
  /** The call began executing, in process `pid` (undefined in the host). Only for `notify` jobs. */
  started(job: Job, pid: number | undefined): void;
  /** A comm envelope from the running call. */
  comm(job: Job, envelope: ChildCommEnvelope): void;
  /** The channel refused a host → child comm envelope for the job (the comm slice decides what follows). */
  undeliverable(job: Job, envelope: HostCommEnvelope, error: Error): void;
  /** Called exactly once per job. */
  settled(job: Job, outcome: Outcome<unknown>): void;
}

/** One call handed to an executor. */
export class Job {
  /** The executor's bookkeeping: which worker holds the job. */
  holder: unknown = undefined;
  /** The executor's bookkeeping: the job's index in a waiting line, or -1. */
  position = -1;
  /**
   * The pool's bookkeeping: set when a stop withdrew the call from the child it was sent ahead
   * to; it is cancelled with this error if the child drops it, and settles as usual if it had
   * started.
   */
  withdrawn: Error | undefined = undefined;

  constructor(
    readonly id: number,
    readonly future: Future,
    readonly call: SubmitCall,
    readonly sink: JobSink,
    /** Prefix for the child's output lines while this call runs, when output prefixing is on. */
    readonly label: string | undefined,
  ) {}

  /** Report when the call begins executing (costs an envelope; only when somebody watches). */
  notify = false;
}

export interface ShutdownOptions {
  /** true: let running jobs finish. false: cancel them and stop the workers now. */
  readonly wait: boolean;
  /** true (with `wait`): run the queued jobs too. false: cancel every job not started, at once. */
  readonly drain: boolean;
  /** Why, for the CancelledErrors of the jobs cancelled. */
  readonly reason: string;
}

export interface Executor {
  /** Starts the workers (in the background: jobs queue until one is ready). */
  start(): void;
  /**
   * Sends no more jobs to workers until `shutdown` says to drain, or the next `start`: the run
   * is ending, and a worker freed now must not take a queued call its end will cancel.
   */
  hold(): void;
  execute(job: Job): void;
  /** Cancels a job: a queued one is dropped, a running one's comms close and its worker is stopped. */
  cancel(job: Job, error: Error): void;
  /** Fails a running job with `error` and stops its worker at once (a limit was breached). */
  terminate(job: Job, error: Error): void;
  /** Sends a host → child comm envelope to the worker running `job`. */
  sendComm(job: Job, envelope: HostCommEnvelope): void;
  /**
   * Stops the workers once the jobs `options` keeps have finished. Called again while a
   * shutdown with `wait` is in progress, with `wait: false`, it cancels the rest and stops the
   * workers now; the returned promise is the first call's.
   */
  shutdown(options: ShutdownOptions): Promise<void>;
}
