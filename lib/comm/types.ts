/**
 * The comm as a task sees it. Types only: the implementation lives in the child runtime
 * (workers/comm.ts), and the host never holds one.
 */

/**
 * What travels on a comm, by kind. Declare it in the task's signature and the host's handlers
 * are typed from it:
 *
 * ```ts
 * export async function greeter(greeting: string, { comm }: { comm: Comm<{ request: void; response: string; message: string }> }) {}
 * ```
 */
export interface CommSchema {
  /** Data of `comm.send()`: 'comm-message' in the host. */
  readonly message?: unknown;
  /** Data of `comm.request()`: 'comm-request' in the host. */
  readonly request?: unknown;
  /** What the host answers with `msg.respond()`, and `comm.request()` resolves to. */
  readonly response?: unknown;
  /** Data of `comm.open()`: 'comm-open'. */
  readonly open?: unknown;
  /** Data of `comm.close()`: 'comm-close'. */
  readonly close?: unknown;
}

/** The data type of `kind` in schema `S`; `unknown` when the schema leaves it out. */
export type CommData<S extends CommSchema, Kind extends keyof CommSchema> = Kind extends keyof S
  ? unknown extends S[Kind]
    ? unknown
    : Exclude<S[Kind], undefined>
  : unknown;

export interface CommAckOptions {
  /** Wait until the host's handlers for this open/close have run. */
  readonly waitForAck?: boolean;
}

export interface CommRequestOptions {
  /** Milliseconds to wait for the answer before rejecting with `Comm.TimeoutError`. Default: no limit. */
  readonly timeout?: number;
}

export interface CommOpenBodyOptions<S extends CommSchema> extends CommAckOptions {
  /** Sent with the opening. */
  readonly message?: CommData<S, 'open'>;
  /** Sent with the closing. */
  readonly closeMessage?: CommData<S, 'close'>;
}

declare const commSchema: unique symbol;

/** The two-way channel injected into a task by `Comm.Plugin()`. */
export interface Comm<S extends CommSchema = CommSchema> {
  /** Type-level only: the schema, for inferring the host's event types. */
  readonly [commSchema]?: S;
  /** `${runId}:${parameterName}`: unique among the comms of the process. */
  readonly id: string;
  /** 'idle' before `open()`, 'open', then 'closed'. */
  readonly state: 'idle' | 'open' | 'closed';
  /**
   * Opens the comm, runs `body`, and closes the comm when the body returns or throws
   * (the host always sees 'comm-close'). Resolves to what the body returns.
   */
  open<T>(body: (comm: this) => T | Promise<T>, options?: CommOpenBodyOptions<S>): Promise<T>;
  /** Opens the comm; pair it with `close()`. With `waitForAck`, resolves once the host's 'comm-open' handlers ran. */
  open(message?: CommData<S, 'open'>, options?: CommAckOptions): Promise<void>;
  /**
   * Sends a message to the host ('comm-message'). Resolves at once while the channel keeps up and
   * the host's handlers do, later when the channel is backed up or async handlers lag 1,024
   * messages behind: `await` it in loops that send fast, to bound memory on both sides.
   */
  send(data: CommData<S, 'message'>): Promise<void>;
  /** Asks the host ('comm-request') and resolves to its `msg.respond(value)`. */
  request(data?: CommData<S, 'request'>, options?: CommRequestOptions): Promise<CommData<S, 'response'>>;
  /**
   * Resolves once everything sent so far is written to the channel: from then on the host gets
   * it even if this process dies. `send()` alone resolves as soon as the channel can take more.
   */
  flush(): Promise<void>;
  /** Closes the comm ('comm-close'). Closing twice does nothing. */
  close(data?: CommData<S, 'close'>, options?: CommAckOptions): Promise<void>;
}
