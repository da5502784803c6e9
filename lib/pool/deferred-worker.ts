/**
 * A worker handle for a worker that cannot start yet (its starter is still loading): it queues
 * what it is asked to do and hands it over in order once the worker has started.
 *
 * Lets child-worker.ts import execa (~0.13 s of module loading) when the first child starts, not
 * when forkline is imported, while the pool keeps asking for handles synchronously.
 */
import type { WorkerHandle, WorkerListener } from './worker-handle.js';

export function deferredWorker<T>(loading: Promise<T>, start: (loaded: T) => WorkerHandle, listener: WorkerListener): WorkerHandle {
  let handle: WorkerHandle | undefined;
  const queued: ((started: WorkerHandle) => void)[] = [];
  const later = (action: (started: WorkerHandle) => void) => (handle ? action(handle) : queued.push(action));
  loading.then(
    (loaded) => {
      handle = start(loaded);
      for (const action of queued.splice(0)) action(handle);
    },
    (error: unknown) => listener.exit({ exitCode: null, signal: null, error: error as Error }),
  );
  return {
    get pid() {
      return handle?.pid;
    },
    // The hot path (every run, answer and cancel): no closure once the worker has started.
    send: (envelope) => (handle ? handle.send(envelope) : void queued.push((started) => started.send(envelope))),
    close: () => void later((started) => started.close()),
    kill: () => void later((started) => started.kill()),
    keepAlive: (on) => void later((started) => started.keepAlive(on)),
  };
}
