/**
 * Entry point of a forked child: connects the runtime to the frame pipes (lib/wire/pipes.ts) and
 * makes sure the child never outlives its host.
 */
import type { ChildEnvelope, Frame, HostEnvelope } from '../lib/wire/protocol.js';
import { encodeFrame, FRAME_HEADER_BYTES } from '../lib/wire/frame-codec.js';
import { FRAME_TOO_LARGE, frameSizeProblem } from '../lib/wire/pipes.js';
import { Outbox } from '../lib/wire/outbox.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, type WireFormat } from '../lib/wire/serializable.js';
import { dropOutputToClosedPipes } from './closed-output.js';
import { exitAfterOutput } from './exit.js';
import { defaultInjectors } from './injectors.js';
import { forwardOutput } from './forward-output.js';
import { prefixLines } from './output.js';
import { readFromHost, writeToHost } from './pipes.js';
import { Runtime } from './runtime.js';
import { watchHost } from './watchdog.js';

if (!process.send) {
  process.stderr.write('forkline: workers/child.js is started by the forkline host; it has no IPC channel here.\n');
  process.exit(2);
}

const format: WireFormat = {
  serialization: process.env.FORKLINE_SERIALIZATION === 'json' ? 'json' : 'advanced',
  maxPayloadBytes: Number(process.env.FORKLINE_MAX_PAYLOAD_BYTES) || DEFAULT_MAX_PAYLOAD_BYTES,
};
if (process.env.FORKLINE_FORWARD_OUTPUT === '1') {
  // Below the prefixing, which hands it whole lines.
  forwardOutput(process.stdout, 1, (envelope) => outbox.push(envelope));
  forwardOutput(process.stderr, 2, (envelope) => outbox.push(envelope));
}
if (process.env.FORKLINE_PREFIX_OUTPUT === '1') {
  prefixLines(process.stdout);
  prefixLines(process.stderr);
}

const outbox = new Outbox<ChildEnvelope>(
  (frame, done) => {
    // Written whole before this returns: there is never a backlog, and `drained()` is immediate.
    try {
      const bytes = encodeFrame(frame.$forkline, format.serialization);
      // The host would take a longer frame for garbage and replace us (lib/wire/pipes.ts); refused
      // here, the outbox sends the envelopes one by one and only the one too large fails its call.
      const tooLong = frameSizeProblem(bytes.length - FRAME_HEADER_BYTES, format.maxPayloadBytes);
      if (tooLong !== undefined) throw Object.assign(new Error(tooLong), { code: FRAME_TOO_LARGE });
      writeToHost(bytes);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  },
  {
    // A task streaming with `await comm.send()` yields only to microtasks: wait for the next
    // turn of the loop, so its messages share frames.
    flushOn: 'immediate',
    // The host is gone or the frame could not be serialized; neither can be reported over the
    // channel, and runs would otherwise wait forever. Exit: the host sees a crash.
    onError: (error, frame) => {
      // A closed channel means the host let go of us (shutdown) or died: nothing to report.
      const code = (error as { code?: string }).code;
      if (!process.connected || code === 'EPIPE' || code === 'EBADF') {
        // Nothing more reaches the host (or a task closed fd 4): no other call may start, or it
        // would run here unreported and again elsewhere, as the host takes it for never started.
        void runtime.abandon();
        exitAfterOutput(0);
        return;
      }
      // A value the serializer refused: its call fails with a SerializationError instead.
      const [envelope] = (frame as Frame<ChildEnvelope>).$forkline;
      if (envelope && runtime.unsendable(envelope, error)) return;
      process.stderr.write(`forkline child ${process.pid}: sending to the host failed: ${error.message}\n`);
      exitAfterOutput(70);
    },
  },
);

const runtime = new Runtime(outbox, format, defaultInjectors());

// The host ends its pipe before it lets go of the channel (lib/pool/child-worker.ts): what it
// sent last is read before the child exits (watchdog.ts waits for this).
const hostEnded = new Promise<void>((resolve) => {
  readFromHost((envelopes) => {
    for (const envelope of envelopes as HostEnvelope[]) runtime.receive(envelope);
  }, resolve);
});

// An error no run caught (a timer's callback threw, a rejection nobody awaited). Report it as the
// failure of the run executing now, then exit: the host replaces the child and requeues the rest.
process.on('uncaughtException', (error: unknown) => {
  if (!runtime.fatal(error)) process.stderr.write(`forkline child ${process.pid}: uncaught ${describe(error)}\n`);
  // A host that no longer reads the channel must not keep us: a second at most for the frames.
  const sent = new Promise((resolve) => setTimeout(resolve, 1000).unref());
  void Promise.race([outbox.drained(), sent]).then(() => exitAfterOutput(1));
});

function describe(error: unknown): string {
  try {
    return error instanceof Error ? (error.stack ?? String(error)) : String(error);
  } catch {
    return 'a value that cannot be read';
  }
}

// process.exit() from a task, or the end of the event loop: hand over what is still queued. The
// pipe is written synchronously, so it reaches the host before we are gone.
process.on('exit', () => outbox.flush());

watchHost(hostEnded);
// A terminal's Ctrl-C signals the whole foreground process group, children included. What it
// means is the host's to decide (forkline run lets running calls finish); a host that dies of it
// takes its children with it through the watchdog.
process.on('SIGINT', () => undefined);
dropOutputToClosedPipes(process.stdout, process.stderr);
outbox.push({ t: 'ready', pid: process.pid });
