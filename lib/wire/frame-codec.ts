/**
 * Frames as bytes on the pipes between host and child (pipes.ts): a 4-byte little-endian length,
 * a 1-byte form, then the envelopes, as JSON text or as V8's serialization.
 *
 * Why a codec of our own rather than Node's channel: Node's 'advanced' channel builds a V8
 * deserializer per message and its 'json' channel refuses Dates, Maps, BigInts and binary; both
 * emit one event per message on its own tick. Here each frame takes the cheaper form that carries
 * it intact (json-safe.ts), and a reader decodes every frame a chunk holds in one go.
 */
import { isAscii } from 'node:buffer';
import { DefaultSerializer, deserialize } from 'node:v8';
import { jsonSafeEnvelopes } from './json-safe.js';
import type { Serialization } from './serializable.js';

/** Bytes before a frame's body: its length (u32 LE), then its form. */
export const FRAME_HEADER_BYTES = 5;
const JSON_FORM = 0x4a; // 'J'
const V8_FORM = 0x56; // 'V'
const NO_BYTES = Buffer.alloc(FRAME_HEADER_BYTES);
/** What decoding returns for a frame it could not read (the problem is reported already). */
const BROKEN = Symbol('broken frame');
/**
 * Chunks up to this size are read as one string when they are ASCII, and each JSON frame parsed
 * from a slice of it: a string per frame cost ~0.4 of the ~1.4 µs a small frame takes (14 results
 * a chunk is usual). Bigger chunks are big frames, decoded as they come.
 */
const ONE_STRING_BYTES = 64 * 1024;

/**
 * The bytes of one frame. Under 'json' always JSON (the values were checked to be JSON-safe at
 * the sender); under 'advanced' JSON only when it reads back unchanged. Throws what V8 throws for
 * a value it cannot copy.
 */
export function encodeFrame(envelopes: readonly object[], serialization: Serialization): Buffer {
  if (serialization === 'json' || jsonSafeEnvelopes(envelopes)) {
    const text = JSON.stringify(envelopes);
    const length = Buffer.byteLength(text);
    const bytes = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
    bytes.writeUInt32LE(length, 0);
    bytes[4] = JSON_FORM;
    bytes.write(text, FRAME_HEADER_BYTES);
    return bytes;
  }
  // The header goes in first and is filled in after, so the body is never copied.
  const serializer = new DefaultSerializer();
  serializer.writeRawBytes(NO_BYTES);
  serializer.writeHeader();
  serializer.writeValue(envelopes);
  const bytes = serializer.releaseBuffer();
  bytes.writeUInt32LE(bytes.length - FRAME_HEADER_BYTES, 0);
  bytes[4] = V8_FORM;
  return bytes;
}

/**
 * Reads frames out of a byte stream, whatever the chunking. The bytes come from a child, which
 * runs user code that can write anything to the pipe: every failure is a problem to report
 * (`corrupt`), never a throw, and nothing after it is read.
 */
export class FrameDecoder {
  readonly #frame: (envelopes: unknown) => void;
  readonly #corrupt: (problem: string) => void;
  readonly #maxFrameBytes: number;
  /** Chunks of a frame not yet complete, and how many bytes they hold. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #broken = false;

  constructor(frame: (envelopes: unknown) => void, corrupt: (problem: string) => void, maxFrameBytes: number) {
    this.#frame = frame;
    this.#corrupt = corrupt;
    this.#maxFrameBytes = maxFrameBytes;
  }

  /**
   * Decodes every frame `chunk` completes; keeps what is left for the next chunk. `borrowed`: the
   * caller reuses `chunk`'s memory once this returns (a socket's `onread` buffer), so what is kept
   * is copied, and so is a V8 frame's body, which deserialize() would otherwise alias (a typed
   * array it returns points into the bytes it read).
   */
  push(chunk: Buffer, borrowed = false): void {
    if (this.#broken) return;
    let bytes = chunk;
    let owned = !borrowed;
    if (this.#pendingBytes > 0) {
      this.#pending.push(owned ? chunk : Buffer.from(chunk));
      this.#pendingBytes += chunk.length;
      if (!this.#complete()) return;
      bytes = Buffer.concat(this.#pending, this.#pendingBytes);
      owned = true;
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    let offset = 0;
    // ASCII bytes read the same as Latin-1 and UTF-8, a character a byte, so offsets carry over.
    const text = bytes.length <= ONE_STRING_BYTES && bytes[FRAME_HEADER_BYTES - 1] === JSON_FORM && isAscii(bytes) ? bytes.toString('latin1') : undefined;
    while (bytes.length - offset >= FRAME_HEADER_BYTES) {
      const length = bytes.readUInt32LE(offset);
      if (length > this.#maxFrameBytes) {
        this.#fail(`a frame says it holds ${length} bytes, over the ${this.#maxFrameBytes} a frame may`);
        return;
      }
      const end = offset + FRAME_HEADER_BYTES + length;
      if (end > bytes.length) break;
      const envelopes = this.#decode(bytes, offset, end, text, owned);
      if (envelopes === BROKEN) return;
      offset = end;
      this.#frame(envelopes);
    }
    if (offset < bytes.length) {
      const rest = offset === 0 ? bytes : bytes.subarray(offset);
      this.#pending.push(owned ? rest : Buffer.from(rest));
      this.#pendingBytes = bytes.length - offset;
    }
  }

  /** Bytes of a frame begun and not yet complete. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** The bytes held when the stream ended: a partial frame is a frame cut off. */
  end(): void {
    if (!this.#broken && this.#pendingBytes > 0) this.#fail(`the stream ended ${this.#pendingBytes} bytes into a frame`);
  }

  /** Whether the pending chunks hold a whole frame yet (or a header that must be refused). */
  #complete(): boolean {
    if (this.#pendingBytes < FRAME_HEADER_BYTES) return false;
    const head = this.#pending[0] as Buffer;
    const length = head.length >= 4 ? head.readUInt32LE(0) : Buffer.concat(this.#pending, 4).readUInt32LE(0);
    return length > this.#maxFrameBytes || this.#pendingBytes >= FRAME_HEADER_BYTES + length;
  }

  /**
   * One frame's envelopes; `text`: the whole chunk as a string, when it is ASCII; `owned`: whether
   * `bytes` stays ours (a V8 frame's values may point into them).
   */
  #decode(bytes: Buffer, start: number, end: number, text: string | undefined, owned: boolean): unknown {
    const form = bytes[start + 4];
    try {
      if (form === JSON_FORM) return JSON.parse(text === undefined ? bytes.toString('utf8', start + FRAME_HEADER_BYTES, end) : text.slice(start + FRAME_HEADER_BYTES, end));
      if (form === V8_FORM) {
        const body = bytes.subarray(start + FRAME_HEADER_BYTES, end);
        return deserialize(owned ? body : Buffer.from(body));
      }
    } catch (error) {
      this.#fail(`a frame could not be decoded (${(error as Error).message})`);
      return BROKEN;
    }
    this.#fail(`a frame has form byte ${String(form)}, which is neither JSON nor V8`);
    return BROKEN;
  }

  #fail(problem: string): void {
    this.#broken = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#corrupt(problem);
    return undefined;
  }
}
