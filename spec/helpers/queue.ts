/**
 * The queue specs' harness: one real Redis and two `forkline worker` processes per spec file
 * (started in beforeAll, stopped in afterAll), and a factory of `withQueue()` schedulers on them,
 * so that a shared spec body written for `make()` runs on the queue as it runs locally.
 *
 * The workers are children of the jest process for the whole file: a spec that checks for
 * leftover children (`expectNoChildren`) must look below the workers, not at jest's children.
 */
import { readFileSync } from 'node:fs';
import type { Scheduler } from 'forkline';
import { withQueue, type QueueOptions } from 'forkline/queue';
import { childPids, eventually } from '../helpers.js';
import { startRedis, type TestRedis } from './redis.js';
import { startWorker, type WorkerProcess } from './queue-workers.js';

export interface QueueHarness {
  /** The Redis URL (`unix:///…/r.sock`), once beforeAll ran. */
  readonly url: string;
  /** The queue the two workers take calls from. */
  readonly queue: string;
  /** The two worker processes. */
  readonly workers: readonly WorkerProcess[];
  /** A scheduler whose calls run on the two workers: a `make()` for the shared spec bodies. */
  readonly scheduler: (options?: Omit<QueueOptions, 'connection' | 'queue'>) => Scheduler;
}

/**
 * Declares beforeAll/afterAll for one Redis and two workers on `queue`. Call it at the top level
 * of a spec file; `extra` goes to each `forkline worker` command line.
 */
export function queueHarness(queue = 'spec', extra: readonly string[] = []): QueueHarness {
  let redis: TestRedis | undefined;
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    workers = await Promise.all([startWorker(redis.url, queue, extra), startWorker(redis.url, queue, extra)]);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await redis?.stop();
  });
  const url = () => {
    if (!redis) throw new Error('the queue harness is used before its beforeAll ran');
    return redis.url;
  };
  return {
    get url() {
      return url();
    },
    queue,
    get workers() {
      return workers;
    },
    // An arrow, so that `make = harness.scheduler` works unbound.
    scheduler: (options = {}) => withQueue({ ...options, connection: url(), queue }),
  };
}

/**
 * Fails the test if a worker was left running a child it no longer needs: each worker keeps at
 * most its one warm child (concurrency 1), and nothing else of the test's is alive below jest.
 */
export async function expectWorkersOnly(harness: QueueHarness): Promise<void> {
  const expected = new Set(harness.workers.map((worker) => worker.pid));
  const strays = () => childPids().filter((pid) => !expected.has(pid) && !isRedis(pid));
  await eventually(() => strays().length === 0, `only the workers and Redis below jest (left: ${strays().join(', ')})`);
  for (const worker of harness.workers) {
    await eventually(() => childrenOf(worker.pid).length <= 1, `worker ${worker.pid} to keep at most one child (has: ${childrenOf(worker.pid).join(', ')})`);
  }
}

/** The children of `pid`, from /proc (`ps --ppid` fails when there are none). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** redis-server, which the harness also started below jest: read from /proc/<pid>/comm. */
function isRedis(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('redis-server');
  } catch {
    return false;
  }
}
