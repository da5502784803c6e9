/**
 * The pool's FrameSink: what it does with each valid envelope a child sent (receive.ts reads and
 * checks them). A worker's lifecycle and timers react here; what needs the pool's state goes
 * through `SinkPool`, built once per pool, so nothing here allocates per call.
 */
import { ProtocolError, TaskLoadError } from '../errors/index.js';
import { log } from '../debug.js';
import { procProbe } from './process-usage.js';
import type { ErrorClass } from '../wire/error-codec.js';
import type { PoolJob as Job } from './pool-job.js';
import type { PoolWorker } from './pool-worker.js';
import type { FrameSink } from './receive.js';

/** The least time (ms) a child that announced its exit gets to make it. */
const EXIT_FLOOR_MS = 1000;

/** What the sink needs of its pool. */
export interface SinkPool {
  readonly errorClasses: ReadonlyMap<string, ErrorClass>;
  /** The pool's options, read when an envelope comes. */
  readonly options: { readonly killGracePeriod: number; readonly loadTimeout: number };
  /** `worker` became ready: the pool can start again, and has a worker for its line. */
  readied(worker: PoolWorker): void;
  /** Passed on as the sink's own `finished`: the hot path, with no layer of its own. */
  readonly finished: (worker: PoolWorker, job: Job) => void;
  /** Fails the call `worker` may be running with `error` and replaces the worker. */
  failWorker(worker: PoolWorker, error: Error): void;
}

export function poolSink(pool: SinkPool): FrameSink {
  return {
    errorClasses: pool.errorClasses,
    ready: (worker) => {
      if (worker.state === 'starting') worker.state = 'ready';
      pool.readied(worker);
    },
    loading: (worker, job) => loading(pool, worker, job),
    started: (worker, job) => {
      clearTimeout(worker.loadTimer);
      if (job.call.notify) job.call.started(worker.handle.pid, procProbe(worker.handle.pid));
    },
    finished: pool.finished,
    exiting: (worker, reason, headUnstarted) => {
      log.pool('child %s is exiting: %s', worker.handle.pid, reason);
      worker.state = 'exiting';
      worker.headUnstarted = headUnstarted;
      boundExit(worker, pool.options.killGracePeriod);
    },
    violation: (worker, problem) => {
      // Once is enough: the pipe's reader and the frames' checks may both find a problem.
      if (worker.state === 'violated') return;
      // A child broke the protocol: its call fails with a ProtocolError, and it is replaced.
      log.pool('child %s broke the protocol: %s', worker.handle.pid, problem);
      worker.state = 'violated';
      pool.failWorker(worker, ProtocolError.badFrame(worker.handle.pid, problem));
    },
  };
}

/**
 * A child that announced its exit gets `killGracePeriod` to make it. The runtime's own exit
 * comes within a second or so (workers/child.ts); a task can forge the announcement and go on,
 * and the host, which sends a closing child nothing more, would wait for it for ever.
 */
function boundExit(worker: PoolWorker, killGracePeriod: number): void {
  // Never less than the second the runtime gives its last frames (child.ts), even at 0.
  const bound = Math.max(killGracePeriod, EXIT_FLOOR_MS);
  worker.boundExit(bound, () => {
    log.pool('child %s announced its exit %d ms ago and is still there: stopping it', worker.handle.pid, bound);
    worker.kill(true);
  });
}

/** The head job is loading its module: it gets `loadTimeout` for that. */
function loading(pool: SinkPool, worker: PoolWorker, job: Job): void {
  const { loadTimeout } = pool.options;
  worker.watchLoad(job, loadTimeout, () => {
    log.pool('child %s took over %d ms to load %s', worker.handle.pid, loadTimeout, job.call.request.task.module);
    pool.failWorker(worker, new TaskLoadError(job.call.request.task, 'load-timeout', { found: `${loadTimeout} ms` }));
  });
}
