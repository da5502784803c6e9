/**
 * Reading one frame from a child: each envelope is checked before it is read (a child runs user
 * code, and can send anything under forkline's key), then routed to the call it names.
 *
 * The rules of order live here: a child runs its calls in the order sent, so it may speak only for
 * the first call it holds; anything else breaks the protocol. What the pool does with a valid
 * envelope is the pool's (FrameSink).
 */
import { deserializeError, type ErrorClass } from '../wire/error-codec.js';
import type { ChildEnvelope } from '../wire/protocol.js';
import { childEnvelopeProblem } from '../wire/validate.js';
import type { PoolJob } from './pool-job.js';
import type { PoolWorker } from './pool-worker.js';

/** What the pool does with what a child said. */
export interface FrameSink {
  readonly errorClasses: ReadonlyMap<string, ErrorClass>;
  /** The child's runtime is listening. */
  ready(worker: PoolWorker): void;
  /** The head call is loading its task's module. */
  loading(worker: PoolWorker, job: PoolJob): void;
  /** The head call began executing. */
  started(worker: PoolWorker, job: PoolJob): void;
  /** The child answered its head call, or dropped a call: free its place (the caller settles it). */
  finished(worker: PoolWorker, job: PoolJob): void;
  /** The child says it is exiting; `headUnstarted`: it settled its running call in this same frame. */
  exiting(worker: PoolWorker, reason: string, headUnstarted: boolean): void;
  /** The child broke the protocol. */
  violation(worker: PoolWorker, problem: string): void;
}

/** Reads one frame of `worker`'s; stops at the first envelope that breaks the protocol. */
export function receiveFrame(sink: FrameSink, worker: PoolWorker, envelopes: unknown): void {
  if (worker.state === 'violated') return;
  if (!Array.isArray(envelopes)) {
    sink.violation(worker, `a frame is ${envelopes === null ? 'null' : typeof envelopes}, not a list of envelopes`);
    return;
  }
  let settled = false;
  for (const value of envelopes as unknown[]) {
    const problem: boolean | string = childEnvelopeProblem(value) ?? receive(sink, worker, value as ChildEnvelope, settled);
    if (problem === true || problem === false) {
      settled = problem;
      continue;
    }
    sink.violation(worker, problem);
    return;
  }
}

/**
 * Acts on one valid envelope. Returns whether it settled the worker's head call (for the
 * `exiting` that may follow it), or what is wrong.
 */
function receive(sink: FrameSink, worker: PoolWorker, envelope: ChildEnvelope, afterSettle: boolean): boolean | string {
  switch (envelope.t) {
    case 'ready':
      if (worker.state !== 'ready') sink.ready(worker);
      return false;
    case 'started':
    case 'loading': {
      const job = worker.jobs.get(envelope.id);
      if (!job) return false;
      if (job !== worker.head) return `the child reported call ${envelope.id} ${envelope.t} while an earlier one had not settled`;
      if (envelope.t === 'loading') sink.loading(worker, job);
      else sink.started(worker, job);
      return false;
    }
    case 'comm': {
      const job = worker.jobs.get(envelope.call);
      if (!job) return false;
      if (job !== worker.head) return `the child sent comm traffic for call ${job.id}, which was not running`;
      job.call.receiveComm(envelope);
      return false;
    }
    case 'result':
    case 'error': {
      const job = worker.jobs.get(envelope.id);
      if (!job) return false;
      if (job !== worker.head) return `the child settled call ${envelope.id} before an earlier one`;
      sink.finished(worker, job);
      if (envelope.t === 'result') job.call.settle({ state: 'fulfilled', value: envelope.value });
      else job.call.settle({ state: 'rejected', error: deserializeError(envelope.error, sink.errorClasses) });
      return true;
    }
    case 'dropped': {
      const job = worker.jobs.get(envelope.id);
      if (!job) return false;
      // A child drops only what the host cancelled (and so settled already) or withdrew.
      if (job.withdrawn) {
        sink.finished(worker, job);
        job.call.settle({ state: 'cancelled', error: job.withdrawn });
        return false;
      }
      if (!job.call.done) return `the child dropped call ${envelope.id}, which was never cancelled`;
      sink.finished(worker, job);
      return false;
    }
    case 'output': {
      const job = worker.jobs.get(envelope.id);
      if (!job) return false;
      if (job !== worker.head) return `the child sent output for call ${job.id}, which was not running`;
      job.call.output(envelope.fd, envelope.data);
      return false;
    }
    case 'exiting':
      sink.exiting(worker, envelope.reason, afterSettle);
      return false;
    default:
      return envelope satisfies never;
  }
}
