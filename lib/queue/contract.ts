/**
 * The Executor contract (lib/executor.ts, issue 12) as the queue uses it, and the one comm
 * helper the queue needs on top: readdressing an envelope between the host's call ids and the
 * worker pool's own.
 */
import type { ChildCommEnvelope, Executor, ExecutorCall, HostCommEnvelope, ShutdownOptions } from '../executor.js';

export type { ChildCommEnvelope, Executor, ExecutorCall, HostCommEnvelope, ShutdownOptions };

/** A comm envelope readdressed to `call`: the worker's pool numbers its calls, the host its own. */
export function withCall<E extends ChildCommEnvelope | HostCommEnvelope>(envelope: E, call: number): E {
  return { ...envelope, call };
}
