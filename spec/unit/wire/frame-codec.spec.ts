/**
 * The frame codec (lib/wire/frame-codec.ts): every value reads back as V8's serializer gives it
 * back, whichever form a frame took; the cheap form is taken only when it changes nothing; the
 * decoder reads any chunking, and refuses bytes that are no frame without throwing.
 */
import { deserialize, serialize } from 'node:v8';
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder } from '../../../lib/wire/frame-codec.js';
import { JSON_MAX_CHARS } from '../../../lib/wire/json-safe.js';

/** Decodes `bytes` as the host does, in one chunk; the frames, and the problems reported. */
function decodeAll(bytes: Buffer, maxFrameBytes = 2 ** 30): { frames: unknown[]; problems: string[] } {
  const frames: unknown[] = [];
  const problems: string[] = [];
  const decoder = new FrameDecoder((envelopes) => frames.push(envelopes), (problem) => problems.push(problem), maxFrameBytes);
  decoder.push(bytes);
  decoder.end();
  return { frames, problems };
}

const FORM = { json: 0x4a, v8: 0x56 };
const formOf = (bytes: Buffer) => bytes[4];

/** A frame of one result envelope carrying `value`, encoded under 'advanced', and read back. */
function roundTrip(value: unknown): { form: number | undefined; value: unknown } {
  const bytes = encodeFrame([{ t: 'result', id: 1, value }], 'advanced');
  const { frames, problems } = decodeAll(bytes);
  expect(problems).toEqual([]);
  return { form: formOf(bytes), value: (frames[0] as { value: unknown }[])[0]?.value };
}

const sharedItem = { shared: true };
const match = /b(?<rest>c)/.exec('abc');

describe('values read back as V8 gives them back', () => {
  test.each<[string, unknown]>([
    ['a Date', new Date(1_700_000_000_000)],
    ['a Map', new Map<unknown, unknown>([[1, 'one'], ['k', { deep: [1] }]])],
    ['a Set', new Set([1, 'two'])],
    ['a BigInt', 12n ** 30n],
    ['a Buffer', Buffer.from('bytes')],
    ['a Float64Array', new Float64Array([1.5, -2])],
    ['a RegExp', /a+b/giu],
    ['-0', -0],
    ['NaN', Number.NaN],
    ['Infinity', -Infinity],
    ['undefined in an array', [1, undefined, 3]],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['an undefined property', { a: undefined, b: 1 }],
    ['a RegExp match with its index and groups', match],
    ['an object with no prototype', Object.assign(Object.create(null) as object, { a: 1 })],
    ['a long string', 'x'.repeat(JSON_MAX_CHARS + 1)],
    ['a long array', Array.from({ length: 5000 }, (_, index) => index)],
    // JSON.stringify would send what toJSON returns; V8 copies the enumerable properties only.
    ['an object with a non-enumerable toJSON', Object.defineProperty({ a: 1 }, 'toJSON', { value: () => 'else' })],
    ['an array with a non-enumerable toJSON', Object.defineProperty([1, 2], 'toJSON', { value: () => 'else' })],
  ])('%s crosses through V8, as it would over an advanced channel', (_name, value) => {
    const read = roundTrip(value);
    expect(read.form).toBe(FORM.v8);
    const expected = deserialize(serialize(value)) as unknown;
    expect(read.value).toStrictEqual(expected);
    if (typeof value === 'number') expect(Object.is(read.value, value)).toBe(true);
  });

  test('a shared reference stays one object, which JSON would copy', () => {
    const read = roundTrip([sharedItem, sharedItem]);
    expect(read.form).toBe(FORM.v8);
    const [first, second] = read.value as object[];
    expect(first).toBe(second);
  });

  test.each<[string, unknown]>([
    ['a number', 42],
    ['a string with a lone surrogate and quotes', 'a\ud800"b\n'],
    ['null', null],
    ['nested plain data', { a: [1, 'two', { three: true }], b: null, 'odd key': -1.5 }],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"polluted": true}}') as unknown],
    ['an empty array', []],
  ])('%s crosses as JSON, unchanged', (_name, value) => {
    const read = roundTrip(value);
    expect(read.form).toBe(FORM.json);
    expect(read.value).toStrictEqual(deserialize(serialize(value)) as unknown);
  });

  test("an envelope's own undefined field reads as absent, and the frame stays JSON", () => {
    const bytes = encodeFrame([{ t: 'result', id: 3, value: undefined }], 'advanced');
    expect(formOf(bytes)).toBe(FORM.json);
    const envelope = (decodeAll(bytes).frames[0] as Record<string, unknown>[])[0];
    expect(envelope).toEqual({ t: 'result', id: 3 });
    expect(envelope?.value).toBeUndefined();
  });

  test("under 'json' every frame is JSON (the sender checked its values are)", () => {
    expect(formOf(encodeFrame([{ t: 'result', id: 1, value: 'x'.repeat(JSON_MAX_CHARS * 2) }], 'json'))).toBe(FORM.json);
  });

  test('a value V8 cannot copy throws at encoding, for the outbox to report', () => {
    expect(() => encodeFrame([{ t: 'result', id: 1, value: new Map([[1, () => 1]]) }], 'advanced')).toThrow(/could not be cloned/);
  });
});

describe('FrameDecoder', () => {
  const envelopes = [[{ t: 'ready', pid: 1 }], [{ t: 'result', id: 1, value: new Date(5) }], [{ t: 'result', id: 2, value: 'plain' }]];
  const stream = Buffer.concat(envelopes.map((frame) => encodeFrame(frame, 'advanced')));

  test('reads the same frames however the bytes are cut into chunks', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const frames: unknown[] = [];
      const decoder = new FrameDecoder((frame) => frames.push(frame), (problem) => frames.push(problem), 2 ** 20);
      decoder.push(stream.subarray(0, cut));
      decoder.push(stream.subarray(cut));
      decoder.end();
      expect(frames).toStrictEqual(envelopes);
    }
  });

  test('reads borrowed chunks (one buffer reused for every read): what it keeps, and what V8 would alias, is its own', () => {
    const binary = [[{ t: 'result', id: 3, value: new Uint8Array([7, 8, 9]) }], [{ t: 'result', id: 4, value: Buffer.from('kept') }]];
    const bytes = Buffer.concat([...binary, ...envelopes].map((frame) => encodeFrame(frame, 'advanced')));
    for (let cut = 1; cut < bytes.length; cut++) {
      const frames: unknown[] = [];
      const decoder = new FrameDecoder((frame) => frames.push(frame), (problem) => frames.push(problem), 2 ** 20);
      const reused = Buffer.alloc(bytes.length);
      for (const [start, end] of [[0, cut], [cut, bytes.length]] as const) {
        bytes.copy(reused, 0, start, end);
        decoder.push(reused.subarray(0, end - start), true);
        // The reader's next read overwrites the buffer.
        reused.fill(0xff);
      }
      decoder.end();
      expect(frames).toStrictEqual([...binary, ...envelopes]);
    }
  });

  test('a chunk of many JSON frames reads the same, ASCII or not (offsets are bytes, not characters)', () => {
    const ascii = [[{ t: 'result', id: 1, value: 1 }], [{ t: 'result', id: 2, value: 'two' }], [{ t: 'result', id: 3, value: [3] }]];
    const mixed = [[{ t: 'result', id: 4, value: 'café' }], [{ t: 'result', id: 5, value: '🙂 after a wide character' }], ...ascii];
    for (const frames of [ascii, mixed]) {
      const bytes = Buffer.concat(frames.map((frame) => encodeFrame(frame, 'advanced')));
      for (const frame of frames) expect(formOf(encodeFrame(frame, 'advanced'))).toBe(FORM.json);
      // Whole, and cut inside the last frame: the frames before the cut read as they are.
      expect(decodeAll(bytes)).toStrictEqual({ frames, problems: [] });
      const decoded: unknown[] = [];
      const decoder = new FrameDecoder((frame) => decoded.push(frame), (problem) => decoded.push(problem), 2 ** 20);
      decoder.push(bytes.subarray(0, bytes.length - 3));
      expect(decoded).toStrictEqual(frames.slice(0, -1));
      decoder.push(bytes.subarray(bytes.length - 3));
      expect(decoded).toStrictEqual(frames);
    }
  });

  test('reads a frame that arrives one byte at a time', () => {
    const frames: unknown[] = [];
    const decoder = new FrameDecoder((frame) => frames.push(frame), (problem) => frames.push(problem), 2 ** 20);
    for (let at = 0; at < stream.length; at++) decoder.push(stream.subarray(at, at + 1));
    expect(frames).toStrictEqual(envelopes);
  });

  test.each<[string, Buffer, RegExp]>([
    ['a length over the limit', Buffer.from('hello, world'), /a frame says it holds 1819043176 bytes, over the 1024 a frame may/],
    ['an unknown form', Buffer.from([1, 0, 0, 0, 0x58, 0]), /a frame has form byte 88, which is neither JSON nor V8/],
    ['broken JSON', Buffer.concat([Buffer.from([2, 0, 0, 0, 0x4a]), Buffer.from('[{')]), /a frame could not be decoded \(.*JSON/],
    ['broken V8 data', Buffer.from([2, 0, 0, 0, 0x56, 0xff, 0x0f]), /a frame could not be decoded/],
  ])('%s is reported once, and nothing after it is read', (_name, bytes, problem) => {
    const { frames, problems } = decodeAll(Buffer.concat([bytes, encodeFrame([{ t: 'ready', pid: 1 }], 'advanced')]), 1024);
    expect(frames).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  test('a stream that ends inside a frame reports the frame cut off', () => {
    const whole = encodeFrame([{ t: 'ready', pid: 1 }], 'advanced');
    const { frames, problems } = decodeAll(whole.subarray(0, whole.length - 2));
    expect(frames).toEqual([]);
    expect(problems).toEqual([`the stream ended ${whole.length - 2} bytes into a frame`]);
  });

  test('the header is five bytes: the body length, then the form', () => {
    const bytes = encodeFrame([{ t: 'ready', pid: 1 }], 'json');
    expect(bytes.readUInt32LE(0)).toBe(bytes.length - FRAME_HEADER_BYTES);
    expect(bytes.subarray(FRAME_HEADER_BYTES).toString()).toBe('[{"t":"ready","pid":1}]');
  });
});
