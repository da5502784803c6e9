/**
 * The child of scripts/bench/sync-roundtrip.mjs: no event loop at work, only blocking calls. It
 * reads a command from fd 5 with fs.readSync, and for each request writes `{ t: 'rq', i }` to
 * fd 4 with fs.writeSync and blocks in fs.readSync on fd 5 until the host's answer is there.
 * Frames both ways: a 4-byte little-endian length, then JSON. fd 5 is never wrapped in a
 * net.Socket, which would make it non-blocking (libuv's pipe_open sets O_NONBLOCK).
 */
import { readSync, writeSync } from 'node:fs';

const TO_HOST = 4;
const FROM_HOST = 5;
const header = Buffer.alloc(4);
let body = Buffer.alloc(64 * 1024);

/** Fills `buffer` up to `length` bytes from fd 5; false at the end of the stream. */
function readFully(buffer, length) {
  let offset = 0;
  while (offset < length) {
    const read = readSync(FROM_HOST, buffer, offset, length - offset, null);
    if (read === 0) return false;
    offset += read;
  }
  return true;
}

/** The next frame from the host, or undefined once it closed its end. */
function receive() {
  if (!readFully(header, 4)) return undefined;
  const length = header.readUInt32LE(0);
  if (length > body.length) body = Buffer.alloc(length);
  if (!readFully(body, length)) return undefined;
  return JSON.parse(body.toString('utf8', 0, length));
}

function send(message) {
  const text = JSON.stringify(message);
  const bytes = Buffer.allocUnsafe(4 + Buffer.byteLength(text));
  bytes.writeUInt32LE(bytes.length - 4, 0);
  bytes.write(text, 4);
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(TO_HOST, bytes, offset);
}

send({ ready: process.pid });
for (let command = receive(); command !== undefined; command = receive()) {
  const latencies = new Array(command.n);
  for (let i = 0; i < command.n; i++) {
    const started = performance.now();
    send({ t: 'rq', i });
    const answer = receive();
    if (answer?.data !== i) throw new Error(`sync child: answer ${JSON.stringify(answer)} to request ${i}`);
    latencies[i] = performance.now() - started;
  }
  send({ id: command.id, value: latencies });
}
