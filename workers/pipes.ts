/**
 * The child's ends of the frame pipes (lib/wire/pipes.ts): writes are synchronous, reads a stream.
 */
import { writeSync } from 'node:fs';
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import { FrameDecoder } from '../lib/wire/frame-codec.js';
import { CHILD_TO_HOST_FD, HOST_TO_CHILD_FD } from '../lib/wire/pipes.js';

const pause = new Int32Array(new SharedArrayBuffer(4));
/** What one read of fd 5 may take; a longer frame comes over several reads. */
const READ_BYTES = 64 * 1024;

/**
 * Writes `bytes` to the host whole before returning. A synchronous write is what makes a result
 * safe: once the call that produced it returns, the bytes are in the kernel's pipe, and a crash
 * of the next call cannot take them along. The pipe is blocking in the child, so a slow host
 * holds the child here; should a system hand it over non-blocking, a full pipe is waited out.
 */
export function writeToHost(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(CHILD_TO_HOST_FD, bytes, offset);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/**
 * Reads the host's frames; `ended` runs once the host has closed its end and every frame before
 * that was handed over. The host is trusted: a frame it cannot have meant is a bug, and fatal.
 *
 * Each read lands in one buffer, reused (the socket's `onread`), and goes straight to the
 * decoder: no chunk allocated per read, and none of a Readable's per-chunk work ('data' event,
 * a nextTick to read more). That was ~7–20% of the child's CPU per comm round trip.
 */
export function readFromHost(frame: (envelopes: unknown) => void, ended: () => void): void {
  const decoder = new FrameDecoder(frame, (problem) => {
    throw new Error(`forkline child: the host sent what it cannot have meant: ${problem}`);
  }, 2 ** 32 - 1);
  // `onread` in the constructor works on every Node line we support; @types/node 20 lists it
  // under connect()'s options only (Node's docs moved it to the constructor in 2024).
  const options: SocketConstructorOpts & { onread: OnReadOpts } = {
    fd: HOST_TO_CHILD_FD,
    readable: true,
    writable: false,
    onread: {
      buffer: Buffer.allocUnsafe(READ_BYTES),
      callback: (bytes, buffer) => {
        decoder.push(Buffer.from(buffer.buffer, buffer.byteOffset, bytes), true);
        return true;
      },
    },
  };
  const input = new Socket(options);
  input.on('end', ended);
  // The host dying closes the pipe with it; the watchdog and 'disconnect' see to the exit.
  input.on('error', ended);
}
