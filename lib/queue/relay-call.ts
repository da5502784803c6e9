/**
 * One BullMQ job as a call of the worker's local pool: what the pool reports about it (taken,
 * started, comm, outcome) is posted to the host's inbox, in that order, on one connection.
 */
import type { Redis } from 'ioredis';
import type { Outcome } from '../future.js';
import type { SubmitCall } from '../plugin.js';
import { serializeError } from '../wire/error-codec.js';
import type { ChildCommEnvelope, ExecutorCall, HostCommEnvelope } from './contract.js';
import type { UsageProbe } from '../executor.js';
import { withCall } from './contract.js';
import { post } from './inbox.js';
import type { CallJobData, UpEntry, WireOutcome } from './wire.js';

export class RelayCall implements ExecutorCall {
  done = false;
  executorState: unknown = undefined;
  readonly finished: Promise<WireOutcome>;
  #finish!: (outcome: WireOutcome) => void;
  /** The child's usage probe, from the worker's pool, for the host's usage asks (lib/queue/usage.ts). */
  usage: UsageProbe | undefined;
  /** The last post: the job completes only once everything reached Redis. */
  #posted: Promise<unknown> = Promise.resolve();

  constructor(
    /** The call's id in this worker's pool (the host's id is `data.call`). */
    readonly id: number,
    readonly request: SubmitCall,
    readonly data: CallJobData,
    private readonly writer: Redis,
    /** Raw errors the child sent, by local call id: forwarded as the child flattened them. */
    private readonly rawErrors: Map<number, unknown>,
  ) {
    this.finished = new Promise((resolve) => (this.#finish = resolve));
  }

  get label(): string | undefined {
    return this.data.label;
  }
  get notify(): boolean {
    return this.data.notify === true;
  }

  post(entry: UpEntry): void {
    const posted = post(this.writer, this.data.inbox, entry);
    this.#posted = posted.catch(() => undefined);
  }

  /** Resolves once every entry posted so far has been written. */
  flushed(): Promise<unknown> {
    return this.#posted;
  }

  dispatched(): void {
    // Reported as 'taken' when the job was received.
  }

  started(pid: number | undefined, usage: UsageProbe | undefined): void {
    this.usage = usage;
    this.post({ k: 'started', call: this.data.call, pid });
  }

  output(fd: 1 | 2, data: string | Uint8Array): void {
    this.post({ k: 'output', call: this.data.call, fd, data });
  }

  receiveComm(envelope: ChildCommEnvelope): void {
    this.post({ k: 'comm', call: this.data.call, envelope: withCall(envelope, this.data.call) });
  }

  undeliverable(envelope: HostCommEnvelope, error: Error): void {
    this.post({ k: 'undeliverable', call: this.data.call, envelope: withCall(envelope, this.data.call), error: error.message });
  }

  settle(outcome: Outcome<unknown>): void {
    if (this.done) return;
    this.done = true;
    const raw = this.rawErrors.get(this.id);
    this.rawErrors.delete(this.id);
    const wire: WireOutcome =
      outcome.state === 'fulfilled'
        ? outcome
        : { state: outcome.state, error: (outcome.state === 'rejected' && raw !== undefined ? raw : serializeError(outcome.error, 'advanced')) as never };
    this.post({ k: 'outcome', call: this.data.call, outcome: wire });
    this.#finish(wire);
  }
}
