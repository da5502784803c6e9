/**
 * The host's comm handlers, by kind, over a recording transport and a stand-in task: no child,
 * no scheduler. What the task would see is what the transport recorded.
 */
import type { Emitted } from '../../../lib/events/emitter.js';
import type { Future } from '../../../lib/future.js';
import type { CommTask } from '../../../lib/comm/session.js';
import type { CommTransport } from '../../../lib/comm/host-comm.js';
import type { CommMsg } from '../../../lib/comm/msg.js';
import { receiveComm } from '../../../lib/comm/receive.js';
import { CommSession } from '../../../lib/comm/session.js';
import { COMM_CREDIT_EVERY, type ChildCommEnvelope, type HostCommEnvelope } from '../../../lib/wire/protocol.js';

type Handler = (msg: CommMsg) => Emitted;
/** A child → host comm envelope without the fields every one of this comm's has. */
type FromTask = ChildCommEnvelope extends infer E ? (E extends ChildCommEnvelope ? Omit<E, 't' | 'call' | 'comm'> : never) : never;

function make(handlers: Partial<Record<string, Handler>> = {}) {
  const sent: HostCommEnvelope[] = [];
  const events: [string, unknown][] = [];
  let done = false;
  const transport: CommTransport = {
    format: { serialization: 'advanced', maxPayloadBytes: 1024 },
    send: (envelope) => void sent.push(envelope),
    onComm: () => () => undefined,
    onRunEnding: () => undefined,
  };
  const task = {
    name: 'job',
    emit: (event: string, msg: CommMsg) => {
      events.push([event, msg.data]);
      return handlers[event]?.(msg) ?? true;
    },
    listenerCount: (event: string) => (handlers[event] ? 1 : 0),
  };
  // Stand-ins for what the scheduler makes: only the members the comm reads.
  const future = { id: 3, done: () => done } as unknown as Future;
  const session = new CommSession('comm', future, task as unknown as CommTask, transport);
  const receive = (envelope: FromTask) => receiveComm(session, { t: 'comm', call: 3, comm: 'comm', ...envelope });
  return { session, sent, events, receive, cancel: () => (done = true) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('open and close set the state and emit their events; with ack, the ack follows the handlers, async ones too', async () => {
  let finish: (ok: boolean) => void = () => undefined;
  const { session, sent, events, receive } = make({ 'comm-close': () => ({ pending: new Promise<boolean>((resolve) => (finish = resolve)) }) });
  receive({ kind: 'open', data: 'hi', ack: true });
  expect(session.comm.state).toBe('open');
  expect(sent).toEqual([{ t: 'comm', kind: 'ack', call: 3, comm: 'comm' }]);
  receive({ kind: 'close', data: 'bye', ack: true });
  expect(session.comm.state).toBe('closed');
  await turn();
  expect(sent).toHaveLength(1);
  finish(true);
  await turn();
  expect(sent).toHaveLength(2);
  expect(events).toEqual([['comm-open', 'hi'], ['comm-close', 'bye']]);
});

test('an open without ack is not acked', () => {
  const { sent, receive } = make();
  receive({ kind: 'open' });
  expect(sent).toEqual([]);
});

test('messages emit one event each; credit goes back every COMM_CREDIT_EVERY handled messages', () => {
  const { sent, events, receive } = make();
  receive({ kind: 'message', data: Array.from({ length: COMM_CREDIT_EVERY - 1 }, (_, n) => n) });
  expect(sent).toEqual([]);
  receive({ kind: 'message', data: ['last'] });
  expect(events).toHaveLength(COMM_CREDIT_EVERY);
  expect(sent).toEqual([{ t: 'comm', kind: 'credit', call: 3, comm: 'comm', data: COMM_CREDIT_EVERY }]);
});

test('a request is answered by msg.respond(); with no handler it is refused, naming the task', () => {
  const answered = make({ 'comm-request': (msg) => (msg.respond(`answer to ${String(msg.data)}`), true) });
  answered.receive({ kind: 'request', request: 1, data: 'q' });
  expect(answered.sent).toEqual([{ t: 'comm', kind: 'response', call: 3, comm: 'comm', request: 1, data: 'answer to q' }]);
  const unanswered = make();
  unanswered.receive({ kind: 'request', request: 2 });
  expect(unanswered.sent).toEqual([
    { t: 'comm', kind: 'response-error', call: 3, comm: 'comm', request: 2, data: `task "job" has no 'comm-request' handler in the host, so nothing can answer` },
  ]);
});

test('after requestClose, requests are refused with its reason; after a cancel, with "the call was cancelled"', () => {
  const { session, sent, events, receive, cancel } = make({ 'comm-request': () => true });
  session.comm.requestClose('enough');
  receive({ kind: 'request', request: 1 });
  cancel();
  receive({ kind: 'request', request: 2 });
  receive({ kind: 'open' });
  expect(sent.map((envelope) => [envelope.kind, 'data' in envelope ? envelope.data : undefined])).toEqual([
    ['close-request', 'enough'],
    ['response-error', 'enough'],
    ['response-error', 'the call was cancelled'],
  ]);
  // A cancelled call's envelopes raise no events.
  expect(events).toEqual([]);
});
