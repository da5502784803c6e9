/**
 * A worker in a forked child process, started through execa.
 *
 * execa starts the child and escalates SIGTERM to SIGKILL (`forceKillAfterDelay`); the host's
 * exit stops it (below). Frames go over two pipes of their own (lib/wire/pipes.ts), not the IPC
 * channel: Node's channel costs an event and, under 'advanced', a V8 deserializer per message,
 * where a pipe hands over many frames per read (lib/wire/frame-codec.ts).
 */
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type * as Execa from 'execa';
import { inline, log } from '../debug.js';
import { deferredWorker } from './deferred-worker.js';
import { encodeFrame, FrameDecoder } from '../wire/frame-codec.js';
import { Outbox } from '../wire/outbox.js';
import { CHILD_TO_HOST_FD, HOST_TO_CHILD_FD, maxFrameBytes } from '../wire/pipes.js';
import type { Frame, HostEnvelope } from '../wire/protocol.js';
import type { WireFormat } from '../wire/serializable.js';
import { keepAlive } from './keep-alive.js';
import { descendants, signalAll } from './process-tree.js';
import type { WorkerExit, WorkerFactory, WorkerHandle, WorkerListener } from './worker-handle.js';

const CHANNEL_CLOSED = 'ERR_IPC_CHANNEL_CLOSED';
/** How long a child whose end of fd 5 broke may take to exit before it counts as deaf. */
const DEAF_CHILD_MS = 1000;
/**
 * How long a frame may stay incomplete with nothing more coming before it counts as garbage. The
 * runtime writes a frame whole, synchronously, and only stops while the host is not reading; a
 * task that wrote part of a frame to fd 4 leaves the host waiting for bytes that never come.
 */
const STALLED_FRAME_MS = 1000;
const CHILD_ENTRY = fileURLToPath(new URL('../../workers/child.js', import.meta.url));

export interface ChildWorkerOptions extends WireFormat {
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  readonly cwd: string | undefined;
  readonly prefixOutput: boolean;
  /**
   * Send what a call writes to the host over the channel (ExecutorCall.output) instead of to the
   * inherited streams: for a queue worker, whose user is another machine's host.
   */
  readonly forwardOutput?: boolean;
  /** The host's stream the children's stdout is (fd 1 or fd 2, inherited). */
  readonly stdout: 'stdout' | 'stderr';
  /** Milliseconds between SIGTERM and SIGKILL. */
  readonly killGracePeriod: number;
}

/** execa, imported at the first child rather than with forkline (see ./deferred-worker.ts). */
let execa: typeof Execa.execa | undefined;
let loading: Promise<typeof Execa.execa> | undefined;

function startChildWorker(options: ChildWorkerOptions, listener: WorkerListener): WorkerHandle {
  if (execa) return spawnChild(execa, options, listener);
  loading ??= import('execa').then((module) => (execa = module.execa));
  return deferredWorker(loading, (loaded) => spawnChild(loaded, options, listener), listener);
}

/**
 * Children stop when the host exits. Not through execa's `cleanup`: its hook (signal-exit) also
 * listens for signals and re-raises one it finds no other listener for, and an app's
 * `process.once('SIGTERM', shutdown)` has removed itself by then, so the app died mid-shutdown
 * with its children killed before its handler could close the pool. A host that dies of a
 * signal or SIGKILL runs no 'exit' listener: its children see their channel close, and a busy one
 * is stopped by its watchdog thread (workers/watchdog.ts).
 */
const running = new Set<{ kill(signal: NodeJS.Signals): boolean }>();
const stopRunning = () => {
  for (const child of running) child.kill('SIGTERM');
};

function stopOnHostExit(child: { kill(signal: NodeJS.Signals): boolean }, exited: Promise<unknown>): void {
  if (running.size === 0) process.on('exit', stopRunning);
  running.add(child);
  void exited.finally(() => {
    running.delete(child);
    if (running.size === 0) process.off('exit', stopRunning);
  });
}

/** Children follow the host's source-map setting (`--enable-source-maps`, `process.setSourceMapsEnabled`). */
function sourceMapFlag(execArgv: readonly string[]): string[] {
  const enabled = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
  return enabled && !execArgv.some((flag) => flag.includes('source-maps')) ? ['--enable-source-maps'] : [];
}

export function childWorkerFactory(options: ChildWorkerOptions): WorkerFactory {
  return (listener) => startChildWorker(options, listener);
}

function spawnChild(execa: typeof Execa.execa, options: ChildWorkerOptions, listener: WorkerListener): WorkerHandle {
  const subprocess = execa(process.execPath, [...sourceMapFlag(options.execArgv), ...options.execArgv, CHILD_ENTRY], {
    stdio: ['ignore', options.stdout === 'stderr' ? 2 : 'inherit', 'inherit', 'ipc', 'pipe', 'pipe'],
    // Node's own channel now carries only what a task sends with process.send.
    serialization: options.serialization,
    env: {
      ...options.env,
      FORKLINE_SERIALIZATION: options.serialization,
      FORKLINE_MAX_PAYLOAD_BYTES: String(options.maxPayloadBytes),
      FORKLINE_PREFIX_OUTPUT: options.prefixOutput ? '1' : '0',
      FORKLINE_FORWARD_OUTPUT: options.forwardOutput === true ? '1' : '0',
    },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    cleanup: false,
    reject: false,
    buffer: false,
    forceKillAfterDelay: options.killGracePeriod,
  });
  const pid = subprocess.pid;
  log.pool('child %d started', pid);
  stopOnHostExit(subprocess, subprocess);

  // execa's types count the stdio entries up to the IPC channel's only.
  const pipes = subprocess.stdio as unknown as readonly unknown[];
  const fromChild = pipes[CHILD_TO_HOST_FD] as Readable;
  const toChild = pipes[HOST_TO_CHILD_FD] as Writable;
  const outbox = new Outbox<HostEnvelope>((frame, done) => {
    if (!subprocess.connected || toChild.writableEnded) {
      done(Object.assign(new Error('the channel to the child is closed'), { code: CHANNEL_CLOSED }));
      return;
    }
    if (log.ipc.enabled) log.ipc('host -> %d %s', pid, inline(frame.$forkline));
    let bytes: Buffer;
    try {
      bytes = encodeFrame(frame.$forkline, options.serialization);
    } catch (error) {
      done(error as Error);
      return;
    }
    toChild.write(bytes, done);
  }, {
    onError: (error, frame) => {
      // A closed channel is the child exiting: its exit settles what it held.
      const { code } = error as { code?: string };
      if (code === CHANNEL_CLOSED || code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED') return;
      for (const envelope of (frame as Frame<HostEnvelope>).$forkline) listener.undeliverable(envelope, error);
    },
  });
  // A child gone mid-write: its exit says so; the write's callback has the error for the outbox.
  // But a child can also live on with its end closed (a task closed fd 5): the pipe ends or
  // breaks, and the child hears nothing more and would hold the calls sent to it for ever. Unless
  // the host ended the pipe itself (close), give an exit a moment to be seen, then replace it.
  let exited = false;
  let ending = false;
  let deaf: NodeJS.Timeout | undefined;
  const deafened = () => {
    if (exited || ending || deaf) return;
    deaf = setTimeout(() => {
      if (!exited) listener.corrupt(`the child stopped reading fd ${HOST_TO_CHILD_FD}, which carries forkline's frames to it: did a task close it?`);
    }, DEAF_CHILD_MS).unref();
  };
  toChild.on('error', deafened);
  toChild.on('close', deafened);
  subprocess.once('exit', () => {
    exited = true;
    clearTimeout(deaf);
    stalled.stop();
  });

  const decoder = new FrameDecoder((envelopes) => {
    if (log.ipc.enabled) log.ipc('%d -> host %s', pid, inline(envelopes));
    listener.frame(envelopes);
  }, (problem) => listener.corrupt(`${problem} on fd ${CHILD_TO_HOST_FD}`), maxFrameBytes(options.maxPayloadBytes));
  const stalled = stallWatch(decoder, () => exited, listener);
  fromChild.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    stalled.read();
  });
  // Every byte the child wrote is read once its end of the pipe closes (it exited).
  const drained = new Promise<void>((resolve) => {
    fromChild.once('end', () => resolve());
    fromChild.once('close', resolve);
    fromChild.on('error', () => resolve());
  });

  // 'exit' may come before the last frames are read. Report the exit once the pipe has ended
  // too, so every envelope the child sent is delivered before its crash is.
  void Promise.all([subprocess, drained]).then(([result]) => {
    // A frame cut off by a signal is the kill's doing (SIGKILL, the OOM killer, a limit) and the
    // exit says so; a child that exited by itself writes whole frames, so a cut one is a task's.
    if (result.signal === undefined) decoder.end();
    const exit: WorkerExit = {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      ...(result.failed && result.exitCode === undefined && result.signal === undefined
        ? { error: new Error(result.originalMessage || result.shortMessage) }
        : {}),
    };
    log.pool('child %d exited %s', pid, inline(exit));
    listener.exit(exit);
  });

  return {
    pid,
    send: (envelope) => {
      // An answer, ack or close-request: a task is waiting on it, and nothing will join it.
      if (envelope.t === 'comm') outbox.pushNow(envelope);
      else outbox.push(envelope);
    },
    close: () => {
      outbox.flush();
      // The pipe first: the child reads what it holds before it acts on the disconnect.
      ending = true;
      toChild.end();
      if (subprocess.connected) subprocess.disconnect();
    },
    kill: () => {
      // What the task started goes too (a grandchild would outlive the child, and keep burning
      // CPU no limit counts): SIGTERM now, SIGKILL once the grace period is over.
      const tree = pid === undefined ? [] : descendants(pid);
      subprocess.kill('SIGTERM');
      if (tree.length === 0) return;
      signalAll(tree, 'SIGTERM');
      setTimeout(() => signalAll(tree, 'SIGKILL'), options.killGracePeriod).unref();
    },
    keepAlive: (on) => keepAlive(subprocess, on),
  };
}

/**
 * Reports a frame left incomplete for STALLED_FRAME_MS with no byte after it (a task wrote part
 * of one to fd 4): its call fails with a ProtocolError instead of waiting for ever. The timer
 * only suspects: a host whose event loop was blocked runs its timers before it reads what came
 * meanwhile, so the verdict waits for the next turn's reads (setImmediate runs after them).
 */
function stallWatch(decoder: FrameDecoder, exited: () => boolean, listener: WorkerListener): { read(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let reads = 0;
  const check = (seen: number) => {
    if (exited() || reads !== seen || decoder.pendingBytes === 0) return;
    listener.corrupt(`the child stopped ${decoder.pendingBytes} bytes into a frame and wrote nothing more for ${STALLED_FRAME_MS} ms on fd ${CHILD_TO_HOST_FD}`);
  };
  const suspect = () => {
    const seen = reads;
    setImmediate(() => check(seen));
  };
  return {
    read: () => {
      reads++;
      if (decoder.pendingBytes === 0) {
        clearTimeout(timer);
        timer = undefined;
      } else if (timer) timer.refresh();
      else timer = setTimeout(suspect, STALLED_FRAME_MS).unref();
    },
    stop: () => clearTimeout(timer),
  };
}
