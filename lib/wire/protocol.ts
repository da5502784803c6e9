/**
 * The envelopes host and child exchange over the child's frame pipes (pipes.ts, frame-codec.ts).
 *
 * Shared by both sides as types only. Envelopes travel in frames, so that envelopes produced in the
 * same tick cross in one write: the Outbox hands a frame to its writer as `{ $forkline: [...] }`,
 * and only the list of envelopes goes on the pipe. A task's own `process.send` uses Node's IPC
 * channel, which carries no frames.
 */

/** The key under which a frame holds its envelopes, between the Outbox and its writer. */
export const FRAME_KEY = '$forkline';

/** Plain-JSON name of a task: which module (a file URL) and which export. */
export interface TaskIdentity {
  readonly module: string;
  readonly export: string;
}

/** How the child builds a named value that a plugin injects into the call. */
export type InjectSpec =
  /** A plain value, sent as is. */
  | { readonly kind: 'value'; readonly value: unknown }
  /**
   * A comm handle for this call, named by the key it is injected under (lib/comm/id.ts). `call`:
   * the call id its `comm.id` names, when the host's differs from the child's (a remote executor
   * runs the call under a local id of its own); default the call's id in the envelope.
   */
  | { readonly kind: 'comm'; readonly call?: number };

/** The `inject` of a call nothing injects into: shared, so the hot path can tell at a glance. */
export const NOTHING_INJECTED: Readonly<Record<string, InjectSpec>> = Object.freeze({});

/** Host → child: from now on, task number `ref` is this function. Sent once per child and task. */
export interface DefineEnvelope {
  readonly t: 'define';
  readonly ref: number;
  readonly task: TaskIdentity;
}

/** Host → child: run this task. */
export interface RunEnvelope {
  readonly t: 'run';
  readonly id: number;
  /** The task's number, from a `define` sent earlier: module URLs are long, calls many. */
  readonly task: number;
  readonly args: readonly unknown[];
  /** Named values appended to the call as one trailing object; absent when nothing is injected. */
  readonly inject?: Readonly<Record<string, InjectSpec>>;
  /** Set when output should be prefixed: the label the child writes before each line. */
  readonly label?: string;
  /** Send a `started` envelope when the run begins (somebody watches it: limits). */
  readonly notify?: true;
}

/** Host → child: drop a queued run, or close the comms of a running one. */
export interface CancelEnvelope {
  readonly t: 'cancel';
  readonly id: number;
  readonly reason: string;
  /**
   * Drop the run only if it has not started; a running one goes on (a stop with `wait: true`
   * withdraws the calls sent ahead, which the host cannot know to have started).
   */
  readonly ifQueued?: true;
}

/** Child → host: the runtime is listening. */
export interface ReadyEnvelope {
  readonly t: 'ready';
  readonly pid: number;
}

/** Child → host: a run began executing (for runs sent with `notify`, and after a `loading`). */
export interface StartedEnvelope {
  readonly t: 'started';
  readonly id: number;
}

/**
 * Child → host: a run is loading its task's module (the first call of that module in this child).
 * Followed by `started` once the module is loaded, so the host can bound how long loading takes.
 */
export interface LoadingEnvelope {
  readonly t: 'loading';
  readonly id: number;
}

/** Child → host: a run returned. */
export interface ResultEnvelope {
  readonly t: 'result';
  readonly id: number;
  readonly value: unknown;
}

/** Child → host: a run threw (or its module failed to load). */
export interface ErrorEnvelope {
  readonly t: 'error';
  readonly id: number;
  readonly error: SerializedError | SerializedThrow;
}

/**
 * Child → host: an uncaught error is taking the child down. The runtime sends it in the same
 * frame as, and right after, the error of the run it was executing, if any: only then does the
 * host take it as proof that the next run it holds never started (a task can forge this envelope,
 * but not make it follow the settling of its own call without settling it).
 */
export interface ExitingEnvelope {
  readonly t: 'exiting';
  readonly reason: string;
}

/**
 * Child → host: what the running call wrote to its stdout (`fd` 1) or stderr (2), when the host
 * asked for its children's output over the channel (a queue worker, which relays it to the host
 * that submitted the call). On the channel, in order with the call's comm and result: none of it
 * can arrive after the call settled, nor be put down to another call.
 */
export interface OutputEnvelope {
  readonly t: 'output';
  readonly id: number;
  readonly fd: 1 | 2;
  /** As written: a string, or the bytes of a Buffer/Uint8Array write. */
  readonly data: string | Uint8Array;
}

/** Child → host: a queued run was dropped after a cancel, without having started. */
export interface DroppedEnvelope {
  readonly t: 'dropped';
  readonly id: number;
}

/**
 * The comm's window: a task may have sent this many messages on one comm whose host handlers
 * have not finished; its next `await comm.send()` waits. The host hands back `credit` (data: how
 * many messages its handlers have finished, in all) every COMM_CREDIT_EVERY messages, so sync
 * handlers cost one small envelope per that many messages, and async handlers that lag slow the
 * task down instead of piling up in the host.
 */
export const COMM_WINDOW = 1024;
export const COMM_CREDIT_EVERY = COMM_WINDOW / 4;
/**
 * The most messages the host lets wait on one comm's handlers. A task that awaits `send()` never
 * has more than COMM_WINDOW waiting: the child counts against the credit the host sent, which the
 * host counted before sending, so frames in flight cannot push it over. The other window of slack
 * is for sends not awaited (`void comm.send(x)` in a loop), which the child does not hold back.
 */
export const COMM_HOST_LIMIT = 2 * COMM_WINDOW;

/**
 * Comm envelopes, one interface per kind. `call` is the id of the call the comm belongs to,
 * `comm` the comm's name (the parameter it was injected under), so a call may hold several;
 * `request` ties a response to its request. The id users see (`comm.id`) is built from the two in
 * lib/comm/id.ts; the wire never carries it, so nothing parses it.
 */
interface CommBase {
  readonly t: 'comm';
  readonly call: number;
  readonly comm: string;
}

/** Child → host: the task opened the comm; with `ack`, it waits until the host's handlers ran. */
export interface CommOpen extends CommBase {
  readonly kind: 'open';
  readonly data?: unknown;
  readonly ack?: true;
}

/**
 * Child → host: the data of consecutive `send()`s on the comm, in order. A task streaming small
 * messages pays for one envelope per frame, not one each.
 */
export interface CommMessage extends CommBase {
  readonly kind: 'message';
  readonly data: unknown[];
}

/** Child → host: `comm.request()`; the host answers with a response or response-error of the same `request`. */
export interface CommRequest extends CommBase {
  readonly kind: 'request';
  readonly request: number;
  readonly data?: unknown;
}

/** Child → host: the task closed the comm (or its call settled with the comm open). */
export interface CommClose extends CommBase {
  readonly kind: 'close';
  readonly data?: unknown;
  readonly ack?: true;
}

/** Host → child: the answer to request `request`. */
export interface CommResponse extends CommBase {
  readonly kind: 'response';
  readonly request: number;
  readonly data: unknown;
}

/** Host → child: request `request` gets no answer, for the reason in `data` (CloseRequestError in the task). */
export interface CommResponseError extends CommBase {
  readonly kind: 'response-error';
  readonly request: number;
  readonly data: string;
}

/** Host → child: the host's handlers of the oldest open/close that asked for an ack have run. */
export interface CommAck extends CommBase {
  readonly kind: 'ack';
}

/** Host → child: the host will answer no more requests on this comm, for the reason in `data`. */
export interface CommCloseRequest extends CommBase {
  readonly kind: 'close-request';
  readonly data: string;
}

/** Host → child: the host's handlers have finished `data` messages of this comm, in all (COMM_WINDOW). */
export interface CommCredit extends CommBase {
  readonly kind: 'credit';
  readonly data: number;
}

export type ChildCommEnvelope = CommOpen | CommMessage | CommRequest | CommClose;
export type HostCommEnvelope = CommResponse | CommResponseError | CommAck | CommCloseRequest | CommCredit;
export type CommEnvelope = ChildCommEnvelope | HostCommEnvelope;
export type CommKind = CommEnvelope['kind'];

export type HostEnvelope = DefineEnvelope | RunEnvelope | CancelEnvelope | HostCommEnvelope;
export type ChildEnvelope =
  | ReadyEnvelope
  | StartedEnvelope
  | LoadingEnvelope
  | ResultEnvelope
  | ErrorEnvelope
  | DroppedEnvelope
  | ExitingEnvelope
  | OutputEnvelope
  | ChildCommEnvelope;
export type Envelope = HostEnvelope | ChildEnvelope;

export interface Frame<E extends Envelope = Envelope> {
  readonly [FRAME_KEY]: readonly E[];
}

/** An error flattened for the trip across the boundary. See error-codec.ts. */
export interface SerializedError {
  readonly $error: 1;
  readonly name: string;
  /** The constructor's name, when the error reports another `name` (a class that never set it). */
  readonly className?: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: unknown;
  readonly cause?: unknown;
  /** Own enumerable properties besides name, message, stack, code and cause. */
  readonly props?: Readonly<Record<string, unknown>>;
  /** AggregateError's errors. */
  readonly errors?: readonly unknown[];
}

/** A thrown value that is not an Error, wrapped so it is not mistaken for a SerializedError. */
export interface SerializedThrow {
  readonly $thrown: 1;
  /** Absent for `throw undefined` (JSON would drop an undefined property anyway). */
  readonly value?: unknown;
}
