/**
 * A result within maxPayloadBytes can serialize to a frame longer than the host reads from a child
 * (lib/wire/pipes.ts): the checks count string characters and binary bytes, not keys or JSON's
 * escapes. The child measures each frame before it writes it, so such a result fails its own call
 * with a SerializationError naming the size, and the child stays: it broke no protocol. Before, the
 * host took the frame for bytes a task wrote to fd 4, failed the call with ProtocolError and
 * replaced the child.
 */
import { Scheduler, SerializationError, type Serialization, type TaskRef } from 'forkline';
import type * as Larger from '../fixtures/serializes-larger.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const larger = fixtureModule<typeof Larger>('serializes-larger.ts');

afterEach(expectNoChildren);

const cases: [Serialization, string, TaskRef<(count: number) => unknown>, number][] = [
  // ~0.76 MiB as counted, ~3.6 MiB as V8 writes it.
  ['advanced', 'records with long keys', larger.recordsWithLongKeys, 100_000],
  // ~0.57 MiB as counted, ~3.4 MiB as JSON text.
  ['json', 'control characters', larger.controlCharacters, 600_000],
];

test.each(cases)("under '%s', a result (%s) that serializes past the frame limit fails its call with SerializationError; the child stays", async (serialization, _what, ref, count) => {
  const scheduler = Scheduler.withProcesses(1, { serialization, maxPayloadBytes: 2 ** 20 });
  const big = scheduler.task(ref);
  const pid = scheduler.task(larger.pid);
  const errors: unknown[] = [];
  const pids: number[] = [];
  big.on('exception', (_future, error) => {
    errors.push(error);
    pid.submit();
  });
  pid.on('result', (_future, value) => {
    pids.push(value);
    if (pids.length === 1) big.submit(count);
  });
  scheduler.on('start', () => void pid.submit());
  await scheduler.run({ onException: 'continue', timeout: 30_000 });

  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(SerializationError);
  expect((errors[0] as Error).message).toMatch(
    /^Sending to the host failed: the return value is \d+\.\d MiB once serialized, over the 3\.0 MiB one frame to the host may hold .*raise maxPayloadBytes/,
  );
  expect(big.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
  // The same child ran the call after it.
  expect(pids).toHaveLength(2);
  expect(pids[1]).toBe(pids[0]);
});
