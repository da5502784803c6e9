/**
 * The child runtime over an in-memory channel, in the test's own process: how it routes the
 * host's comm envelopes by call and name, and what it sends for envelopes the channel refused.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { ChildEnvelope, HostEnvelope } from '../../../lib/wire/protocol.js';
import { defaultInjectors } from '../../../workers/injectors.js';
import { Runtime } from '../../../workers/runtime.js';
import { MemoryChannel, settle } from './memory-channel.js';

const FORMAT = { serialization: 'advanced', maxPayloadBytes: 1024 * 1024 } as const;
const MODULE = pathToFileURL(join(import.meta.dirname, '../../fixtures/comm-ask.mjs')).href;
const SPIN = pathToFileURL(join(import.meta.dirname, '../../fixtures/spin.mjs')).href;

/** A runtime that has started call 3 of `askAndReturn('q')` and sent its request. */
async function asking(): Promise<{ runtime: Runtime; channel: MemoryChannel; receive: (envelope: HostEnvelope) => void }> {
  const channel = new MemoryChannel();
  const runtime = new Runtime(channel, FORMAT, defaultInjectors());
  const receive = (envelope: HostEnvelope) => runtime.receive(envelope);
  receive({ t: 'define', ref: 0, task: { module: MODULE, export: 'askAndReturn' } });
  receive({ t: 'run', id: 3, task: 0, args: ['q'], inject: { comm: { kind: 'comm' } } });
  for (let turn = 0; turn < 50 && !channel.all().some((envelope) => envelope.t === 'comm'); turn++) await settle();
  return { runtime, channel, receive };
}

async function until(channel: MemoryChannel, t: ChildEnvelope['t']): Promise<ChildEnvelope[]> {
  for (let turn = 0; turn < 50 && !channel.all().some((envelope) => envelope.t === t); turn++) await settle();
  return channel.all();
}

test('the injected comm asks with the call id and its name as fields, and the answer settles the call', async () => {
  const { channel, receive } = await asking();
  expect(channel.all()).toContainEqual({ t: 'comm', kind: 'request', call: 3, comm: 'comm', request: 1, data: 'q' });
  receive({ t: 'comm', kind: 'response', call: 3, comm: 'comm', request: 1, data: 'a' });
  expect(await until(channel, 'result')).toContainEqual({ t: 'result', id: 3, value: 'a' });
});

test('a comm envelope for another call, or another comm name, reaches nobody', async () => {
  const { channel, receive } = await asking();
  receive({ t: 'comm', kind: 'response', call: 4, comm: 'comm', request: 1, data: 'for call 4' });
  receive({ t: 'comm', kind: 'response', call: 3, comm: 'other', request: 1, data: 'for another comm' });
  await settle();
  expect(channel.all().some((envelope) => envelope.t === 'result')).toBe(false);
  receive({ t: 'comm', kind: 'close-request', call: 3, comm: 'comm', data: 'stopping' });
  const [error] = (await until(channel, 'error')).filter((envelope) => envelope.t === 'error');
  expect(error).toMatchObject({ t: 'error', id: 3, error: { name: 'CommCloseRequestError', message: expect.stringContaining('stopping') as unknown } });
});

test('a cancel closes the running call’s comms: its request rejects and the call fails', async () => {
  const { channel, receive } = await asking();
  receive({ t: 'cancel', id: 3, reason: 'user' });
  const [error] = (await until(channel, 'error')).filter((envelope) => envelope.t === 'error');
  expect(error).toMatchObject({ id: 3, error: { message: expect.stringContaining('the call was cancelled (user)') as unknown } });
});

test('comm data the channel refused fails the call it belongs to, read from `call`, with SerializationError', () => {
  const channel = new MemoryChannel();
  const runtime = new Runtime(channel, FORMAT, defaultInjectors());
  expect(runtime.unsendable({ t: 'comm', kind: 'message', call: 8, comm: 'comm', data: [1] }, new Error('could not be cloned'))).toBe(true);
  expect(runtime.unsendable({ t: 'ready', pid: 1 }, new Error('no'))).toBe(false);
  expect(channel.all()).toEqual([
    { t: 'error', id: 8, error: expect.objectContaining({ name: 'SerializationError', message: expect.stringContaining('comm data cannot be serialized (could not be cloned)') as unknown }) as unknown },
  ]);
});

test('synchronous calls run back to back still hear the host each millisecond: a call sent ahead and cancelled meanwhile is dropped, not run', async () => {
  const channel = new MemoryChannel();
  const runtime = new Runtime(channel, FORMAT, defaultInjectors());
  const receive = (envelope: HostEnvelope) => runtime.receive(envelope);
  receive({ t: 'define', ref: 0, task: { module: SPIN, export: 'spin' } });
  // The module loads with the first call; the calls after it run without awaiting anything.
  receive({ t: 'run', id: 1, task: 0, args: [0] });
  await until(channel, 'result');
  for (let id = 2; id <= 9; id++) receive({ t: 'run', id, task: 0, args: [2] });
  // The host's cancel, as the child's event loop would read it: on a later turn.
  setImmediate(() => receive({ t: 'cancel', id: 9, reason: 'user' }));
  const ids = (t: string) => channel.all().flatMap((envelope) => (envelope.t === t ? [(envelope as { id: number }).id] : []));
  for (const started = Date.now(); Date.now() - started < 5000 && !ids('result').includes(8); ) await settle();
  await settle();
  expect(ids('result')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  // Without a turn of the loop between calls, the cancel came after call 9 had run.
  expect(ids('dropped')).toEqual([9]);
});
