/**
 * The Outbox over a fake channel: no process, so each rule of framing, splitting, backpressure
 * and failure reporting is checked alone, in milliseconds.
 */
import { Outbox, type OutboxOptions } from '../../../lib/wire/outbox.js';
import { FRAME_KEY, type DroppedEnvelope, type Frame } from '../../../lib/wire/protocol.js';

type Done = (error?: Error | null) => void;

/** A channel that records each frame it is handed and confirms it when the test says so. */
class FakeChannel {
  readonly frames: (readonly number[])[] = [];
  readonly #pending: Done[] = [];
  /** Confirm every write at once, inside `write` (as a channel with room does), or hold them. */
  constructor(
    readonly mode: 'sync' | 'held' = 'sync',
    /** Ids the channel refuses to serialize: a write holding one fails synchronously. */
    readonly refuses: ReadonlySet<number> = new Set(),
  ) {}

  readonly write = (frame: Frame<DroppedEnvelope>, done: Done): void => {
    const ids = frame[FRAME_KEY].map((envelope) => envelope.id);
    if (ids.some((id) => this.refuses.has(id))) {
      done(new Error(`cannot serialize a frame holding ${ids.join(',')}`));
      return;
    }
    this.frames.push(ids);
    if (this.mode === 'sync') done();
    else this.#pending.push(done);
  };

  /** Confirms the oldest held write, with `error` if given. */
  confirm(error?: Error): void {
    const done = this.#pending.shift();
    if (!done) throw new Error('no write is held');
    done(error);
  }

  get held(): number {
    return this.#pending.length;
  }
}

const dropped = (id: number): DroppedEnvelope => ({ t: 'dropped', id });

function outboxOn(channel: FakeChannel, options: OutboxOptions = {}) {
  const failures: { message: string; ids: number[] }[] = [];
  const outbox = new Outbox<DroppedEnvelope>(channel.write, {
    ...options,
    onError: (error, frame) => failures.push({ message: error.message, ids: (frame as Frame<DroppedEnvelope>)[FRAME_KEY].map((e) => e.id) }),
  });
  return { outbox, failures };
}

/** Whether `promise` has settled once pending microtasks (and one macrotask turn) ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('framing', () => {
  test('envelopes queued in one tick leave as one frame, in order, at the end of the tick', async () => {
    const channel = new FakeChannel();
    const { outbox } = outboxOn(channel);
    for (const id of [3, 1, 2]) outbox.push(dropped(id));
    expect(channel.frames).toEqual([]);
    await Promise.resolve();
    expect(channel.frames).toEqual([[3, 1, 2]]);
    outbox.push(dropped(4));
    await Promise.resolve();
    expect(channel.frames).toEqual([[3, 1, 2], [4]]);
  });

  test("flushOn 'immediate' also coalesces what a loop of awaited pushes queues", async () => {
    const channel = new FakeChannel();
    const { outbox } = outboxOn(channel, { flushOn: 'immediate' });
    for (const id of [1, 2, 3]) {
      outbox.push(dropped(id));
      await Promise.resolve();
    }
    expect(channel.frames).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(channel.frames).toEqual([[1, 2, 3]]);
  });

  test('pushNow() sends what is queued with its envelope last, at once, in one frame', async () => {
    const channel = new FakeChannel();
    const { outbox } = outboxOn(channel, { flushOn: 'immediate' });
    outbox.push(dropped(1));
    outbox.pushNow(dropped(2));
    expect(channel.frames).toEqual([[1, 2]]);
    // What is queued after it goes out by itself, as pushes do.
    outbox.push(dropped(3));
    await new Promise((resolve) => setImmediate(resolve));
    expect(channel.frames).toEqual([[1, 2], [3]]);
  });

  test('flush() sends what is queued now and says whether there was anything', () => {
    const channel = new FakeChannel();
    const { outbox } = outboxOn(channel);
    expect(outbox.flush()).toBe(false);
    outbox.push(dropped(1));
    expect(outbox.tail()).toEqual(dropped(1));
    expect(outbox.flush()).toBe(true);
    expect(outbox.tail()).toBeUndefined();
    expect(channel.frames).toEqual([[1]]);
  });
});

describe('splitting by count and size', () => {
  test('a frame that reaches maxBatch envelopes leaves at once; the rest wait for the tick', async () => {
    const channel = new FakeChannel();
    const { outbox } = outboxOn(channel, { maxBatch: 3 });
    for (const id of [1, 2, 3, 4]) outbox.push(dropped(id));
    expect(channel.frames).toEqual([[1, 2, 3]]);
    await Promise.resolve();
    expect(channel.frames).toEqual([[1, 2, 3], [4]]);
  });

  test('a frame whose payloads reach maxBytes leaves at once', async () => {
    const channel = new FakeChannel();
    const { outbox } = outboxOn(channel, { maxBytes: 100 });
    outbox.push(dropped(1), 60);
    expect(channel.frames).toEqual([]);
    outbox.push(dropped(2), 40);
    expect(channel.frames).toEqual([[1, 2]]);
    // The count starts again with the next frame: 60 more bytes do not reach the limit.
    outbox.push(dropped(3), 60);
    expect(channel.frames).toEqual([[1, 2]]);
    await Promise.resolve();
    expect(channel.frames).toEqual([[1, 2], [3]]);
  });

  test('bytes and items appended to the tail count toward the same limits', () => {
    const channel = new FakeChannel();
    const { outbox } = outboxOn(channel, { maxBatch: 3, maxBytes: 100 });
    outbox.push(dropped(1), 10);
    outbox.extended(10);
    expect(channel.frames).toEqual([]);
    outbox.extended(10);
    expect(channel.frames).toEqual([[1]]);
    outbox.push(dropped(2), 10);
    outbox.extended(90);
    expect(channel.frames).toEqual([[1], [2]]);
  });
});

describe('backpressure', () => {
  test('ready() waits while highWaterMark frames are unconfirmed, and resolves once one is', async () => {
    const channel = new FakeChannel('held');
    const { outbox } = outboxOn(channel, { highWaterMark: 2 });
    expect(await settled(outbox.ready())).toBe(true);
    outbox.push(dropped(1));
    outbox.flush();
    outbox.push(dropped(2));
    outbox.flush();
    expect(outbox.backlog).toBe(2);
    const ready = outbox.ready();
    expect(await settled(ready)).toBe(false);
    channel.confirm();
    expect(outbox.backlog).toBe(1);
    expect(await settled(ready)).toBe(true);
  });

  test('drained() flushes, then resolves once every frame is confirmed, failed ones included', async () => {
    const channel = new FakeChannel('held');
    const { outbox, failures } = outboxOn(channel);
    outbox.push(dropped(1));
    outbox.flush();
    outbox.push(dropped(2));
    const drained = outbox.drained();
    expect(channel.frames).toEqual([[1], [2]]);
    channel.confirm();
    expect(await settled(drained)).toBe(false);
    channel.confirm(new Error('EPIPE'));
    expect(await settled(drained)).toBe(true);
    expect(outbox.backlog).toBe(0);
    expect(failures).toEqual([{ message: 'EPIPE', ids: [2] }]);
    expect(await settled(outbox.drained())).toBe(true);
  });
});

describe('undeliverable envelopes', () => {
  test('a frame the channel refuses outright is resent one envelope at a time: only the bad one is reported', async () => {
    const channel = new FakeChannel('sync', new Set([2]));
    const { outbox, failures } = outboxOn(channel);
    for (const id of [1, 2, 3]) outbox.push(dropped(id));
    await Promise.resolve();
    expect(channel.frames).toEqual([[1], [3]]);
    expect(failures).toEqual([{ message: 'cannot serialize a frame holding 2', ids: [2] }]);
    expect(outbox.backlog).toBe(0);
  });

  test('a write that fails later (the channel closed) reports its whole frame, without resending', () => {
    const channel = new FakeChannel('held');
    const { outbox, failures } = outboxOn(channel);
    outbox.push(dropped(1));
    outbox.push(dropped(2));
    outbox.flush();
    channel.confirm(new Error('channel closed'));
    expect(failures).toEqual([{ message: 'channel closed', ids: [1, 2] }]);
    expect(channel.frames).toEqual([[1, 2]]);
    expect(channel.held).toBe(0);
  });
});
