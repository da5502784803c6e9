/**
 * The Executor contract: what a run asks of whatever runs its calls (a pool of children, the host
 * itself, or, later, a queue on another machine), and the narrow view of a call it gets.
 *
 * Written so that an executor needs nothing of the pool: it takes a call, reports on it through
 * the call's own methods, carries comm envelopes both ways, and settles it exactly once. It keeps
 * whatever it needs per call in its own structures, keyed by `call.id`: never on the call.
 */
import type { Outcome } from './future.js';
import type { SubmitCall } from './plugin.js';
import type { ChildCommEnvelope, HostCommEnvelope } from './wire/protocol.js';

export type { ChildCommEnvelope, HostCommEnvelope };

/** What a call's process has used so far. */
export interface ProcessUsage {
  /** User + system CPU time of the process, ms (since it started: a watcher subtracts its own baseline). */
  readonly cpuMs: number;
  /** Resident set size, bytes. */
  readonly rssBytes: number;
}

/**
 * Reads the usage of the process running a call, wherever it runs: /proc on this machine (the
 * pool), a question to the worker machine (the queue). Undefined once the process is gone, or
 * where usage cannot be read (no /proc, the call runs in the host).
 */
export type UsageProbe = () => Promise<ProcessUsage | undefined>;

/**
 * One call as an executor sees it. Its methods report to the run that owns it; every report
 * after the call settled is ignored, so an executor need not track whether the run cancelled a
 * call it still holds.
 */
export interface ExecutorCall {
  /** Unique within the process; the child names the call by it in every envelope. */
  readonly id: number;
  /**
   * The executor's own record of the call while it holds it (the pool's job), set and read by
   * the executor alone: how it finds its record of a call to cancel without a lookup by id.
   */
  executorState: unknown;
  /** Which function, its arguments and injected values, as the plugins left them. */
  readonly request: SubmitCall;
  /** Prefix for the output lines the call writes, when output prefixing is on. */
  readonly label: string | undefined;
  /** Somebody watches the call's start: report it with `started()` (it costs an envelope). */
  readonly notify: boolean;
  /** Settled: by the executor, or at once by a cancel. */
  readonly done: boolean;
  /** The call was handed to a worker, local or remote (its future becomes `running`). */
  dispatched(): void;
  /**
   * The call began executing, in process `pid` on this machine (undefined when it runs in the
   * host, or on another machine: a host-side watcher must never take a remote pid for one of its
   * own), and `usage` reads what that process has used, wherever it is (Limits samples it).
   * Only when `notify`.
   */
  started(pid: number | undefined, usage: UsageProbe | undefined): void;
  /**
   * What the running call wrote to stdout (`fd` 1) or stderr (2), for executors whose children's
   * output does not reach this process's own streams (a queue's workers on other machines).
   */
  output(fd: 1 | 2, data: string | Uint8Array): void;
  /** A comm envelope the running call sent. */
  receiveComm(envelope: ChildCommEnvelope): void;
  /**
   * A host → child comm envelope for this call could not be delivered (its values would not
   * serialize): the comm slice decides what the task gets instead, and sends it.
   */
  undeliverable(envelope: HostCommEnvelope, error: Error): void;
  /**
   * How the call ended. The first report counts; later ones are ignored. Errors are rebuilt
   * (lib/wire/error-codec.ts) so the caller gets the task's class, code and cause; a call whose
   * worker died under it is rejected with WorkerCrashedError; one cancelled, with the
   * CancelledError it was cancelled with (or, in a shutdown, one naming `reason`).
   */
  settle(outcome: Outcome<unknown>): void;
}

export interface ShutdownOptions {
  /** true: let running calls finish. false: cancel them and stop the workers now. */
  readonly wait: boolean;
  /** true (with `wait`): run the queued calls too. false: cancel every call not started, at once. */
  readonly drain: boolean;
  /** Why, for the CancelledErrors of the calls cancelled. */
  readonly reason: string;
}

export interface Executor {
  /** Starts the workers (in the background: calls queue until one is ready), taking those `warm()` started. */
  start(): void;
  /**
   * Starts the workers before any run and resolves once they are ready; rejects with a
   * WorkerStartError if they cannot start, or if a shutdown comes first. Until a `start()`
   * takes them, they must not keep the host's process alive. Absent where there is nothing to
   * start ahead (a queue's workers live on other machines).
   */
  warm?(): Promise<void>;
  /**
   * Starts no more calls until `shutdown` says to drain, or the next `start`: the run is ending,
   * and a worker freed now must not take a queued call its end will cancel.
   */
  hold(): void;
  /** Takes a call. It settles it later, exactly once, through `call.settle()`. */
  submit(call: ExecutorCall): void;
  /**
   * Cancels a call with `error`: a queued one is dropped and settled; a running one is settled
   * at once, its comms close in the child, and it is stopped if it does not return in time.
   */
  cancel(call: ExecutorCall, error: Error): void;
  /** Fails a running call with `error` and stops what runs it at once (a limit was breached). */
  terminate(call: ExecutorCall, error: Error): void;
  /** Sends a host → child comm envelope to the running call; dropped if it no longer runs. */
  sendComm(call: ExecutorCall, envelope: HostCommEnvelope): void;
  /**
   * Stops once the calls `options` keeps have finished; every call taken is settled by then.
   * Called again while a shutdown with `wait` is in progress, with `wait: false`, it cancels the
   * rest and stops now; the returned promise is the first call's.
   */
  shutdown(options: ShutdownOptions): Promise<void>;
}
