/**
 * The Executor contract of issue 12 (ISSUE-12-PLAN.md, "Executor contract"), as the queue
 * executor and its worker code to it, and the adapters to today's Job-based pool and scheduler.
 *
 * Until lib/executor.ts lands in main, the interfaces are declared here with the plan's names and
 * shapes; the two adapters at the bottom are the only code that knows today's `Job`/`JobSink`.
 * When the refactor lands, these interfaces become imports of lib/executor.ts and the adapters go.
 */
import type { Future, Outcome } from '../future.js';
import type { SubmitCall } from '../plugin.js';
import { Job, type Executor as PoolExecutor, type JobSink, type ShutdownOptions } from '../pool/executor.js';
import type { ChildCommEnvelope, HostCommEnvelope } from '../wire/protocol.js';

export type { ChildCommEnvelope, HostCommEnvelope, ShutdownOptions };

/** One call, as an executor sees it. */
export interface ExecutorCall {
  readonly id: number;
  readonly request: SubmitCall;
  readonly label: string | undefined;
  readonly notify: boolean;
  readonly done: boolean;
  dispatched(): void;
  started(pid: number | undefined): void;
  receiveComm(envelope: ChildCommEnvelope): void;
  undeliverable(envelope: HostCommEnvelope, error: Error): void;
  settle(outcome: Outcome<unknown>): void;
}

/** What runs calls: a local pool, or (here) a BullMQ queue. */
export interface Executor {
  start(): void;
  hold(): void;
  submit(call: ExecutorCall): void;
  cancel(call: ExecutorCall, error: Error): void;
  terminate(call: ExecutorCall, error: Error): void;
  sendComm(call: ExecutorCall, envelope: HostCommEnvelope): void;
  shutdown(options: ShutdownOptions): Promise<void>;
}

/** Adapter: a contract Executor as today's scheduler wants it (Job in, JobSink out). */
export function asPoolExecutor(executor: Executor): PoolExecutor {
  const views = new WeakMap<Job, ExecutorCall>();
  const view = (job: Job): ExecutorCall => {
    let call = views.get(job);
    if (!call) views.set(job, (call = new JobView(job)));
    return call;
  };
  return {
    start: () => executor.start(),
    hold: () => executor.hold(),
    execute: (job) => executor.submit(view(job)),
    cancel: (job, error) => executor.cancel(view(job), error),
    terminate: (job, error) => executor.terminate(view(job), error),
    sendComm: (job, envelope) => executor.sendComm(view(job), envelope),
    shutdown: (options) => executor.shutdown(options),
  };
}

class JobView implements ExecutorCall {
  constructor(readonly job: Job) {}
  get id(): number {
    return this.job.id;
  }
  get request(): SubmitCall {
    return this.job.call;
  }
  get label(): string | undefined {
    return this.job.label;
  }
  get notify(): boolean {
    return this.job.notify;
  }
  get done(): boolean {
    return this.job.future.done();
  }
  dispatched(): void {
    this.job.sink.dispatched(this.job);
  }
  started(pid: number | undefined): void {
    this.job.sink.started(this.job, pid);
  }
  receiveComm(envelope: ChildCommEnvelope): void {
    this.job.sink.comm(this.job, envelope);
  }
  undeliverable(envelope: HostCommEnvelope, error: Error): void {
    this.job.sink.undeliverable(this.job, envelope, error);
  }
  settle(outcome: Outcome<unknown>): void {
    if (!this.job.future.done()) this.job.sink.settled(this.job, outcome);
  }
}

/** Adapter: a contract ExecutorCall as a Job for today's Pool (the worker's local pool). */
export function asJob(call: ExecutorCall): Job {
  const sink: JobSink = {
    dispatched: () => call.dispatched(),
    started: (_job, pid) => call.started(pid),
    comm: (_job, envelope) => call.receiveComm(envelope),
    undeliverable: (_job, envelope, error) => call.undeliverable(envelope, error),
    settled: (_job, outcome) => call.settle(outcome),
  };
  // The pool asks a job's future only whether it is done.
  const future = { done: () => call.done } as unknown as Future;
  const job = new Job(call.id, future, call.request, sink, call.label);
  job.notify = call.notify;
  return job;
}

/** A comm envelope readdressed to `call`: the worker's pool numbers its calls, the host its own. */
export function withCall<E extends ChildCommEnvelope | HostCommEnvelope>(envelope: E, call: number): E {
  return { ...envelope, call };
}
