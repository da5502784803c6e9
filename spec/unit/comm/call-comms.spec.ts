/**
 * CallComms, the host's end of one call's comms, without a child: what becomes of envelopes no
 * comm speaks for, and of answers the channel refused.
 */
import { CallComms } from '../../../lib/comm/call-comms.js';
import type { ChildCommEnvelope, HostCommEnvelope } from '../../../lib/wire/protocol.js';

const FORMAT = { serialization: 'advanced', maxPayloadBytes: 1024 } as const;

function make(call = 7): { comms: CallComms; sent: HostCommEnvelope[] } {
  const sent: HostCommEnvelope[] = [];
  return { comms: new CallComms(call, FORMAT, (envelope) => void sent.push(envelope)), sent };
}

const request = (comm: string, id: number): ChildCommEnvelope => ({ t: 'comm', kind: 'request', call: 7, comm, request: id, data: 'q' });

test('envelopes go to the receiver of their comm name, in order, and to no other', () => {
  const { comms, sent } = make();
  const a: ChildCommEnvelope[] = [];
  const b: ChildCommEnvelope[] = [];
  comms.onComm('comm', (envelope) => void a.push(envelope));
  comms.onComm('progress', (envelope) => void b.push(envelope));
  const open: ChildCommEnvelope = { t: 'comm', kind: 'open', call: 7, comm: 'progress' };
  comms.receive(open);
  comms.receive(request('comm', 1));
  comms.receive(request('comm', 2));
  expect(b).toEqual([open]);
  expect(a).toEqual([request('comm', 1), request('comm', 2)]);
  expect(sent).toEqual([]);
});

test('a request on a comm nobody in the host speaks for is answered with a response-error at once', () => {
  const { comms, sent } = make();
  comms.onComm('comm', () => undefined);
  comms.receive(request('other', 3));
  expect(sent).toEqual([{ t: 'comm', kind: 'response-error', call: 7, comm: 'other', request: 3, data: 'nothing in the host answers this comm' }]);
});

test('other kinds on such a comm are dropped, and a receiver removed by its undo no longer hears', () => {
  const { comms, sent } = make();
  const heard: ChildCommEnvelope[] = [];
  const undo = comms.onComm('comm', (envelope) => void heard.push(envelope));
  undo();
  comms.receive({ t: 'comm', kind: 'message', call: 7, comm: 'comm', data: [1] });
  comms.receive(request('comm', 1));
  expect(heard).toEqual([]);
  // The request still gets its answer: it is orphaned now.
  expect(sent).toEqual([expect.objectContaining({ kind: 'response-error', comm: 'comm', request: 1 })]);
});

test('a response the channel refused becomes a response-error for the same request, naming why', () => {
  const { comms, sent } = make(9);
  comms.undeliverable({ t: 'comm', kind: 'response', call: 9, comm: 'comm', request: 4, data: new Proxy({}, {}) }, new Error('could not be cloned'));
  expect(sent).toEqual([
    { t: 'comm', kind: 'response-error', call: 9, comm: 'comm', request: 4, data: "the host's answer cannot be serialized (could not be cloned)" },
  ]);
});

test('a refused ack, credit or close-request is not answered: nothing waits on its delivery', () => {
  const { comms, sent } = make();
  const error = new Error('gone');
  comms.undeliverable({ t: 'comm', kind: 'ack', call: 7, comm: 'comm' }, error);
  comms.undeliverable({ t: 'comm', kind: 'credit', call: 7, comm: 'comm', data: 256 }, error);
  comms.undeliverable({ t: 'comm', kind: 'close-request', call: 7, comm: 'comm', data: 'stop' }, error);
  comms.undeliverable({ t: 'comm', kind: 'response-error', call: 7, comm: 'comm', request: 1, data: 'no' }, error);
  expect(sent).toEqual([]);
});

test('run-ending listeners hear the reason, each once, in the order they registered', () => {
  const { comms } = make();
  const heard: string[] = [];
  comms.onRunEnding((reason) => void heard.push(`a ${reason}`));
  comms.onRunEnding((reason) => void heard.push(`b ${reason}`));
  comms.runEnding('the scheduler is stopping (stopped)');
  expect(heard).toEqual(['a the scheduler is stopping (stopped)', 'b the scheduler is stopping (stopped)']);
});

test('send hands host → child envelopes to the executor unchanged', () => {
  const { comms, sent } = make();
  const ack: HostCommEnvelope = { t: 'comm', kind: 'ack', call: 7, comm: 'comm' };
  comms.send(ack);
  expect(sent).toEqual([ack]);
  expect(comms.format).toBe(FORMAT);
  expect(comms.call).toBe(7);
});
