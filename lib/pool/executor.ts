/**
 * What the scheduler asks of whatever runs its calls: a pool of children, or the host itself.
 */
import type { Outcome } from '../future.js';
import type { SubmitCall } from '../plugin.js';
import type { CommEnvelope } from '../wire/protocol.js';

/** One call handed to an executor. */
export interface Job {
  readonly id: number;
  readonly call: SubmitCall;
  /** Prefix for the child's output lines while this call runs, when output prefixing is on. */
  readonly label: string | undefined;
  /** Report when the call begins executing (costs an envelope; only when somebody watches). */
  readonly notify: boolean;
  readonly report: JobReport;
}

/** How an executor reports back on a job. `settled` is called exactly once. */
export interface JobReport {
  /** The job was sent to a worker. */
  dispatched(): void;
  /** The call began executing, in process `pid` (undefined in the host). Only for `notify` jobs. */
  started(pid: number | undefined): void;
  /** A comm envelope from the running call. */
  comm(envelope: CommEnvelope): void;
  settled(outcome: Outcome<unknown>): void;
}

export interface ShutdownOptions {
  /** true: finish queued and running jobs first. false: cancel them and stop the workers now. */
  readonly wait: boolean;
  /** Why, for the CancelledErrors of the jobs cancelled. */
  readonly reason: string;
}

export interface Executor {
  /** Starts the workers (in the background: jobs queue until one is ready). */
  start(): void;
  execute(job: Job): void;
  /** Cancels a job: a queued one is dropped, a running one's comms close and its worker is stopped. */
  cancel(id: number, error: Error): void;
  /** Fails a running job with `error` and stops its worker at once (a limit was breached). */
  terminate(id: number, error: Error): void;
  /** Sends a host → child comm envelope to the worker running job `id`. */
  sendComm(id: number, envelope: CommEnvelope): void;
  shutdown(options: ShutdownOptions): Promise<void>;
}
