/**
 * The host's view of one runtime, whether it lives in a forked child or in the host itself.
 */
import type { HostEnvelope } from '../wire/protocol.js';

export interface WorkerExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Set when the worker could not be started at all. */
  readonly error?: Error;
}

/** What a worker reports to its pool. */
export interface WorkerListener {
  /**
   * A frame's content, unchecked: a child runs user code, which can send anything under
   * forkline's key. The pool validates each envelope (lib/wire/validate.ts).
   */
  frame(envelopes: unknown): void;
  /** The worker's byte stream could not be read as frames (`problem` says why): nothing more is read. */
  corrupt(problem: string): void;
  /** Called once, after every envelope the worker sent has been delivered. */
  exit(exit: WorkerExit): void;
  /** The channel could not carry `envelope` (a value in it cannot be serialized). */
  undeliverable(envelope: HostEnvelope, error: Error): void;
}

export interface WorkerHandle {
  readonly pid: number | undefined;
  /** Queues an envelope; envelopes sent in one tick cross together. */
  send(envelope: HostEnvelope): void;
  /** Asks the worker to finish: it exits once its channel closes. */
  close(): void;
  /** Stops the worker now: SIGTERM, then SIGKILL after the grace period. */
  kill(): void;
  /**
   * Whether the worker keeps the host's process alive (`true` from its start). A pool warmed
   * before its run lets go (keep-alive.ts); a worker in the host has nothing to let go of.
   */
  keepAlive(on: boolean): void;
}

/** Makes a worker that reports to `listener`. */
export type WorkerFactory = (listener: WorkerListener) => WorkerHandle;
