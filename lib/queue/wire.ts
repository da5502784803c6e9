/**
 * What host and worker exchange over Redis besides BullMQ's own job: the job's data, and the
 * entries of the two inbox streams (worker → host, host → worker), each one envelope.
 *
 * Values (arguments, results, comm data, errors) travel v8-serialized and base64-encoded, so
 * what crosses Redis is what crosses a child's 'advanced' IPC channel: Maps, Dates, typed arrays.
 */
import { deserialize, serialize } from 'node:v8';
import type { Outcome } from '../future.js';
import type { InjectSpec, SerializedError, SerializedThrow, TaskIdentity } from '../wire/protocol.js';
import type { ChildCommEnvelope, HostCommEnvelope } from './contract.js';
import type { UsageAnswer, UsageAsk } from './usage.js';

/** Bumped when the shapes below change: a worker refuses jobs of another version. */
export const WIRE_VERSION = 1;

/** BullMQ's `job.data` of a forkline call. Only plain JSON: BullMQ stores it as JSON. */
export interface CallJobData {
  readonly v: typeof WIRE_VERSION;
  /** The host's inbox stream, where the worker reports. */
  readonly inbox: string;
  /** The call's id in the host (futures, comm ids). */
  readonly call: number;
  /** The task; `module` is relative to the worker's module root when `relative`. */
  readonly task: TaskIdentity;
  readonly relative: boolean;
  /** base64 of v8.serialize({ args, inject }). */
  readonly payload: string;
  readonly label?: string;
  readonly notify?: true;
  /** How many times a call whose worker died may run again before it fails with WorkerCrashedError. */
  readonly crashRetries: number;
  /** The host's `host` name, when it set one: how a later host finds the outcomes (lib/queue/outcomes.ts). */
  readonly host?: string;
}

/** BullMQ's `job.returnvalue` of a forkline call: the outcome, encoded, for a host that restarts. */
export interface CallReturnValue {
  readonly v: typeof WIRE_VERSION;
  /** base64 of v8.serialize(WireOutcome). */
  readonly outcome: string;
}

export interface CallPayload {
  readonly args: readonly unknown[];
  readonly inject: Readonly<Record<string, InjectSpec>>;
}

/** An outcome as it crosses: errors flattened by lib/wire/error-codec.ts. */
export type WireOutcome =
  | { readonly state: 'fulfilled'; readonly value: unknown }
  | { readonly state: 'rejected' | 'cancelled'; readonly error: SerializedError | SerializedThrow };

/** Worker → host, in the host's inbox; in the order the worker saw them, per call. */
export type UpEntry =
  | { readonly k: 'taken'; readonly call: number; readonly worker: string; readonly job: string }
  | { readonly k: 'started'; readonly call: number; readonly pid: number | undefined }
  | { readonly k: 'comm'; readonly call: number; readonly envelope: ChildCommEnvelope }
  /** What the call wrote to its stdout (1) or stderr (2), written by the host to its own. */
  | { readonly k: 'output'; readonly call: number; readonly fd: 1 | 2; readonly data: string | Uint8Array }
  /** The child's channel refused a host → child envelope: the host's comm slice decides what follows. */
  | { readonly k: 'undeliverable'; readonly call: number; readonly envelope: HostCommEnvelope; readonly error: string }
  | { readonly k: 'outcome'; readonly call: number; readonly outcome: WireOutcome }
  /** What the call's child has used, asked for by the host's Limits (lib/queue/usage.ts). */
  | UsageAnswer;

/** Host → worker, in the worker's inbox, addressed by BullMQ job id. */
export type DownEntry =
  | { readonly k: 'comm'; readonly job: string; readonly envelope: HostCommEnvelope }
  /** Graceful: the call's AbortSignal, then its child stopped after killGracePeriod. */
  | { readonly k: 'cancel'; readonly job: string; readonly reason: string }
  /** At once: the call's child is stopped (a limit was breached host-side). */
  /** `error`: the host's error, flattened, so the outcome BullMQ keeps has its class (WallTimeLimitError), not only its message. */
  | { readonly k: 'terminate'; readonly job: string; readonly reason: string; readonly error: SerializedError | SerializedThrow }
  | UsageAsk;

/** Redis keys; `{queue}` is a hash tag, so one queue's keys share a Redis Cluster slot. */
export const keys = {
  host: (queue: string, id: string) => `forkline:{${queue}}:host:${id}`,
  worker: (queue: string, id: string) => `forkline:{${queue}}:worker:${id}`,
};

export function encode(value: unknown): string {
  return serialize(value).toString('base64');
}

export function decode(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

export type { Outcome };
