/**
 * A worker that runs the child runtime inside the host, for `Scheduler.withSequential()`.
 *
 * Envelopes still cross a channel: an in-memory one that copies each frame the way the chosen
 * serialization would and delivers it on a later turn of the event loop. So a task behaves as it
 * would in a child (its arguments are copies, `comm.request()` waits for the host's handlers
 * instead of deadlocking), and it is easy to step through in a debugger.
 */
import { defaultInjectors } from '../../workers/injectors.js';
import { Runtime } from '../../workers/runtime.js';
import { Outbox, type FrameWriter } from '../wire/outbox.js';
import { FRAME_KEY, type ChildEnvelope, type Envelope, type Frame, type HostEnvelope } from '../wire/protocol.js';
import type { WireFormat } from '../wire/serializable.js';
import type { WorkerFactory, WorkerHandle } from './worker-handle.js';

export function inProcessWorkerFactory(format: WireFormat): WorkerFactory {
  return (listener) => {
    let open = true;
    const copy = format.serialization === 'json' ? (frame: unknown) => JSON.parse(JSON.stringify(frame)) as unknown : structuredClone;
    const deliverer = <E extends Envelope>(receive: (envelopes: readonly E[]) => void): FrameWriter<E> =>
      (frame, done) => {
        let copied: Frame<E>;
        try {
          copied = copy(frame) as Frame<E>;
        } catch (error) {
          done(error as Error);
          return;
        }
        setImmediate(() => {
          done();
          if (open) receive(copied[FRAME_KEY]);
        });
      };

    const toHost: Outbox<ChildEnvelope> = new Outbox<ChildEnvelope>(deliverer((envelopes: readonly ChildEnvelope[]) => listener.frame(envelopes)), {
      flushOn: 'immediate',
      onError: (error, frame) => {
        for (const envelope of (frame as Frame<ChildEnvelope>).$forkline) runtime.unsendable(envelope, error);
      },
    });
    const runtime = new Runtime(toHost, format, defaultInjectors());
    const toRuntime = new Outbox<HostEnvelope>(deliverer((envelopes: readonly HostEnvelope[]) => {
      for (const envelope of envelopes) runtime.receive(envelope);
    }), {
      onError: (error, frame) => {
        for (const envelope of (frame as Frame<HostEnvelope>).$forkline) listener.undeliverable(envelope, error);
      },
    });
    toHost.push({ t: 'ready', pid: process.pid });

    const stop = (exit: { exitCode: number | null; signal: string | null }) => {
      if (!open) return;
      // Let what is already on its way arrive before the exit, as a child's channel would.
      toHost.flush();
      setImmediate(() => {
        open = false;
        listener.exit(exit);
      });
    };
    const handle: WorkerHandle = {
      pid: undefined,
      send: (envelope) => toRuntime.push(envelope),
      close: () => stop({ exitCode: 0, signal: null }),
      // A call running in the host cannot be stopped: the worker stops taking calls, and is
      // replaced only once that call has returned, so two never run at once. Its outcome is
      // ignored: the pool has settled it already.
      kill: () => void runtime.abandon().then(() => stop({ exitCode: null, signal: 'SIGTERM' })),
      // Nothing of it holds the event loop open: the calls it runs do, while they run.
      keepAlive: () => undefined,
    };
    return handle;
  };
}
