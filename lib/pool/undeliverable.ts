/**
 * An envelope the channel refused: a value that passed the checks but not the serializer (a
 * Proxy, say). A call that never reached the child fails with SerializationError; a task that
 * waits for an answer gets CloseRequestError instead of waiting forever.
 *
 * Apart from the pool: it is a rule about one worker's calls, and never on the hot path.
 */
import { SerializationError } from '../errors/index.js';
import { log } from '../debug.js';
import type { HostEnvelope } from '../wire/protocol.js';
import type { Serialization } from '../wire/serializable.js';
import { release } from './holdings.js';
import type { PoolWorker } from './pool-worker.js';

/** Acts on a refused envelope; true if it failed a call, so the pool refills and checks for idle. */
export function undeliverable(worker: PoolWorker, envelope: HostEnvelope, error: Error, serialization: Serialization): boolean {
  log.pool('could not send %s to child %s: %s', envelope.t, worker.handle.pid, error.message);
  if (envelope.t === 'run') {
    const job = worker.jobs.get(envelope.id);
    if (!job) return false;
    release(worker, job);
    const failure = new SerializationError(`${job.call.request.task.export}.submit()`, 'args', `cannot be serialized (${error.message})`, serialization);
    failure.cause = error;
    job.call.settle({ state: 'rejected', error: failure });
    return true;
  }
  if (envelope.t === 'comm') {
    // What the task gets instead is the comm slice's to decide.
    worker.jobs.get(envelope.call)?.call.undeliverable(envelope, error);
  }
  return false;
}
