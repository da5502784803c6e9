/**
 * The handle of a worker whose starter is still loading (lib/pool/deferred-worker.ts): nothing is
 * lost or reordered while it waits, and a starter that fails to load is reported as an exit.
 */
import type { HostEnvelope } from '../../lib/wire/protocol.js';
import type { WorkerExit, WorkerHandle, WorkerListener } from '../../lib/pool/worker-handle.js';
import { deferredWorker } from '../../lib/pool/deferred-worker.js';

function recordingListener(exits: WorkerExit[]): WorkerListener {
  return { frame: () => undefined, corrupt: () => undefined, exit: (exit) => void exits.push(exit), undeliverable: () => undefined };
}

test('calls made before the worker starts reach it in order once it has; later ones go straight through', async () => {
  const seen: string[] = [];
  const started: WorkerHandle = {
    pid: 42,
    send: (envelope) => void seen.push(`send ${envelope.t}`),
    close: () => void seen.push('close'),
    kill: () => void seen.push('kill'),
    keepAlive: (on) => void seen.push(`keepAlive ${on}`),
  };
  let load: (value: string) => void = () => undefined;
  const loading = new Promise<string>((resolve) => (load = resolve));
  const handle = deferredWorker(loading, (loaded) => (seen.push(`start ${loaded}`), started), recordingListener([]));
  handle.send({ t: 'cancel', id: 1 } as unknown as HostEnvelope);
  handle.keepAlive(false);
  handle.close();
  expect(handle.pid).toBeUndefined();
  expect(seen).toEqual([]);
  load('execa');
  await loading;
  await Promise.resolve();
  expect(handle.pid).toBe(42);
  expect(seen).toEqual(['start execa', 'send cancel', 'keepAlive false', 'close']);
  handle.kill();
  expect(seen).toEqual(['start execa', 'send cancel', 'keepAlive false', 'close', 'kill']);
});

test('a starter that fails to load is the worker exiting with that error, once', async () => {
  const exits: WorkerExit[] = [];
  const failure = new Error('cannot load execa');
  const loading = Promise.reject(failure);
  deferredWorker(loading, () => {
    throw new Error('must not start');
  }, recordingListener(exits));
  await loading.catch(() => undefined);
  await Promise.resolve();
  expect(exits).toEqual([{ exitCode: null, signal: null, error: failure }]);
});
