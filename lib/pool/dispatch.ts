/**
 * Which worker takes the next call, and the envelopes that hand it over.
 *
 * A worker whose recent calls were short takes a few ahead (prefetch), so it never idles for a
 * round trip between calls; it is refilled once down to half its room, and then to the brim: a
 * frame of several calls instead of a write per call, while the child never runs dry.
 */
import { NOTHING_INJECTED } from '../wire/protocol.js';
import type { RunEnvelope } from '../wire/protocol.js';
import type { PoolJob } from './pool-job.js';
import type { PoolWorker, TaskNumbers } from './pool-worker.js';

/** How the pool sizes a worker's room. */
export interface Room {
  readonly prefetch: number;
  readonly maxTasksPerWorker: number;
}

/** How many calls `worker` may hold now. */
export function roomOf(worker: PoolWorker, room: Room): number {
  return worker.room(room.prefetch, room.maxTasksPerWorker);
}

/** The least loaded worker that takes calls and is down to half its room; an idle one at once. */
export function pick(workers: Iterable<PoolWorker>, room: Room): PoolWorker | undefined {
  let best: PoolWorker | undefined;
  for (const worker of workers) {
    if (worker.state !== 'ready') continue;
    const size = roomOf(worker, room);
    if (worker.jobs.size >= size || worker.jobs.size > size >> 1) continue;
    if (!best || worker.jobs.size < best.jobs.size) best = worker;
    if (worker.jobs.size === 0) break;
  }
  return best;
}

/** Hands `job` to `worker`: the task's `define` the first time this worker sees it, then its `run`. */
export function dispatch(worker: PoolWorker, job: PoolJob, tasks: TaskNumbers): void {
  clearTimeout(worker.idleTimer);
  worker.idleTimer = undefined;
  if (worker.jobs.size === 0) worker.lastSettle = performance.now();
  worker.jobs.set(job.id, job);
  job.holder = worker;
  const { call } = job;
  call.dispatched();
  const { request } = call;
  const ref = tasks.numberOf(request.task);
  if (!worker.defined[ref]) {
    worker.defined[ref] = true;
    worker.handle.send({ t: 'define', ref, task: tasks.identity(ref) });
  }
  const run: { -readonly [K in keyof RunEnvelope]: RunEnvelope[K] } = { t: 'run', id: job.id, task: ref, args: request.args };
  if (request.inject !== NOTHING_INJECTED && Object.keys(request.inject).length > 0) run.inject = request.inject;
  if (call.label !== undefined) run.label = call.label;
  if (call.notify) run.notify = true;
  worker.handle.send(run);
}
