/**
 * PipeComm, the task's end of a comm, over an in-memory channel: no child, no host; the specs
 * play the host's part by hand.
 */
import { CommClosedError, CommCloseRequestError, CommTimeoutError } from '../../../lib/errors/index.js';
import { COMM_CREDIT_EVERY, COMM_WINDOW, type ChildEnvelope, type HostCommEnvelope, type RunEnvelope } from '../../../lib/wire/protocol.js';
import { ActiveCall } from '../../../workers/call-context.js';
import { PipeComm } from '../../../workers/comm/pipe-comm.js';
import { MemoryChannel, settle } from './memory-channel.js';

const FORMAT = { serialization: 'advanced', maxPayloadBytes: 1024 * 1024 } as const;
const RUN: RunEnvelope = { t: 'run', id: 5, task: 0, args: [] };

/** A host → child comm envelope without the fields every one of this comm's has. */
type FromHost = HostCommEnvelope extends infer E ? (E extends HostCommEnvelope ? Omit<E, 't' | 'call' | 'comm'> : never) : never;

function make(): { comm: PipeComm; call: ActiveCall; channel: MemoryChannel; host: (envelope: FromHost) => void } {
  const channel = new MemoryChannel();
  const call = new ActiveCall(RUN, { module: 'file:///t.mjs', export: 't' }, FORMAT, channel);
  const comm = new PipeComm('comm', call);
  const host = (envelope: FromHost) => call.receiveComm({ t: 'comm', call: 5, comm: 'comm', ...envelope });
  return { comm, call, channel, host };
}

/** Whether `promise` has settled, after the turn. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => (done = true), () => (done = true));
  await settle();
  return done;
}

const comms = (channel: MemoryChannel) => channel.all().filter((envelope): envelope is ChildEnvelope & { t: 'comm' } => envelope.t === 'comm');

test('its id is "<call>:<name>"; its envelopes carry the call and the name as fields', async () => {
  const { comm, channel, host } = make();
  expect(comm.id).toBe('5:comm');
  const answer = comm.request('q');
  expect(comms(channel)).toEqual([{ t: 'comm', kind: 'request', call: 5, comm: 'comm', request: 1, data: 'q' }]);
  host({ kind: 'response', request: 1, data: 'a' });
  await expect(answer).resolves.toBe('a');
});

test('an answer to a request that timed out is dropped, never handed to the next request', async () => {
  const { comm, host } = make();
  const first = comm.request('first', { timeout: 1 });
  await expect(first).rejects.toBeInstanceOf(CommTimeoutError);
  const second = comm.request('second');
  host({ kind: 'response', request: 1, data: 'late answer to first' });
  expect(await settled(second)).toBe(false);
  host({ kind: 'response', request: 2, data: 'answer to second' });
  await expect(second).resolves.toBe('answer to second');
});

test('a request nobody awaits may reject (timeout, refusal, the call settling) without an unhandled rejection', async () => {
  const { comm, call, channel, host } = make();
  void comm.request('timed', { timeout: 1 });
  void comm.request('refused');
  void comm.request('left');
  host({ kind: 'response-error', request: 2, data: 'no handler' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  call.settling();
  // Jest fails the test on an unhandled rejection: the third request's would come in this turn.
  await settle();
  expect(comms(channel).map((envelope) => envelope.kind)).toEqual(['request', 'request', 'request']);
});

test('a response-error rejects its request with CloseRequestError carrying the reason', async () => {
  const { comm, host } = make();
  const answer = comm.request();
  host({ kind: 'response-error', request: 1, data: 'nothing in the host answers this comm' });
  await expect(answer).rejects.toThrow(CommCloseRequestError);
  await expect(answer).rejects.toThrow(/nothing in the host answers this comm/);
});

test('consecutive sends share one message envelope, in order', async () => {
  const { comm, channel } = make();
  await comm.open();
  for (const n of [1, 2, 3]) void comm.send(n);
  expect(comms(channel)).toEqual([
    { t: 'comm', kind: 'open', call: 5, comm: 'comm' },
    { t: 'comm', kind: 'message', call: 5, comm: 'comm', data: [1, 2, 3] },
  ]);
});

test('the credit window blocks the send that fills it and releases it when the host hands back credit', async () => {
  const { comm, host } = make();
  await comm.open();
  for (let n = 1; n < COMM_WINDOW; n++) await comm.send(n);
  const last = comm.send(COMM_WINDOW);
  expect(await settled(last)).toBe(false);
  // Credit for fewer than one message past the window's start does not release it...
  host({ kind: 'credit', data: 0 });
  expect(await settled(last)).toBe(false);
  host({ kind: 'credit', data: COMM_CREDIT_EVERY });
  expect(await settled(last)).toBe(true);
  // ...and the next COMM_CREDIT_EVERY - 1 sends go through at once.
  for (let n = 1; n < COMM_CREDIT_EVERY; n++) expect(await settled(comm.send(n))).toBe(true);
});

test('a close-request rejects every pending request, refuses new ones, and frees what waits for acks and credit', async () => {
  const { comm, host } = make();
  const pending = [comm.request(1), comm.request(2)];
  const acked = comm.open(undefined, { waitForAck: true });
  host({ kind: 'close-request', data: 'the scheduler is stopping' });
  for (const request of pending) await expect(request).rejects.toThrow(new CommCloseRequestError('5:comm', 'the scheduler is stopping'));
  expect(await settled(acked)).toBe(true);
  await expect(comm.request(3)).rejects.toBeInstanceOf(CommCloseRequestError);
  // The window no longer holds sends back: nobody will hand back credit.
  for (let n = 0; n <= COMM_WINDOW; n++) void comm.send(n);
  expect(await settled(comm.send(-1))).toBe(true);
});

test('open and close with waitForAck ask for an ack and wait for it, in order', async () => {
  const { comm, channel, host } = make();
  const opened = comm.open('hi', { waitForAck: true });
  expect(await settled(opened)).toBe(false);
  host({ kind: 'ack' });
  expect(await settled(opened)).toBe(true);
  const closed = comm.close('bye', { waitForAck: true });
  expect(comm.state).toBe('closed');
  expect(await settled(closed)).toBe(false);
  host({ kind: 'ack' });
  expect(await settled(closed)).toBe(true);
  expect(comms(channel)).toEqual([
    { t: 'comm', kind: 'open', call: 5, comm: 'comm', data: 'hi', ack: true },
    { t: 'comm', kind: 'close', call: 5, comm: 'comm', data: 'bye', ack: true },
  ]);
  await expect(comm.open()).rejects.toBeInstanceOf(CommClosedError);
});

test('when the call settles with the comm open, it closes, and its pending requests reject with ClosedError', async () => {
  const { comm, call, channel } = make();
  await comm.open();
  const answer = comm.request();
  call.settling();
  await expect(answer).rejects.toBeInstanceOf(CommClosedError);
  expect(comms(channel).map((envelope) => envelope.kind)).toEqual(['open', 'request', 'close']);
  // Detached: the host's late answers reach nothing.
  expect(() => call.receiveComm({ t: 'comm', kind: 'response', call: 5, comm: 'comm', request: 1, data: 'late' })).not.toThrow();
});

test('a cancelled call acts as a close-request on its comm', async () => {
  const { comm, call } = make();
  const answer = comm.request();
  call.abort('stop');
  await expect(answer).rejects.toThrow(/the call was cancelled \(stop\)/);
});
