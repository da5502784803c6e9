/**
 * The checks of what arrives over Redis (lib/queue/validate.ts), on their own: what host and
 * worker send passes (after the v8 round trip Redis gives it); each bad shape is refused with a
 * sentence naming it; a malformed or escaping job fails with QueueJobInvalidError. No Redis.
 */
import { pathToFileURL } from 'node:url';
import { QueueJobInvalidError } from '../../../lib/queue/errors.js';
import { callPayloadProblem, downEntryProblem, readCallJob, upEntryProblem } from '../../../lib/queue/validate.js';
import { decode, encode, WIRE_VERSION, type CallJobData, type DownEntry, type UpEntry } from '../../../lib/queue/wire.js';
import { serializeError } from '../../../lib/wire/error-codec.js';

/** As the other side reads it: through v8, as an inbox entry travels. */
const crossed = (value: unknown): unknown => decode(encode(value));
const comm = { t: 'comm', call: 3, comm: 'comm' } as const;

test('every kind of entry the worker sends the host passes', () => {
  const entries: UpEntry[] = [
    { k: 'taken', call: 3, worker: 'forkline:{q}:worker:abc', job: 'h.3' },
    { k: 'started', call: 3, pid: undefined },
    { k: 'started', call: 3, pid: 42 },
    { k: 'comm', call: 3, envelope: { ...comm, kind: 'message', data: [1, 2] } },
    { k: 'comm', call: 3, envelope: { ...comm, kind: 'open', ack: true } },
    { k: 'output', call: 3, fd: 2, data: new Uint8Array([1]) },
    { k: 'undeliverable', call: 3, envelope: { ...comm, kind: 'response', request: 1, data: new Map([[1, 2]]) }, error: 'gone' },
    { k: 'outcome', call: 3, outcome: { state: 'fulfilled', value: undefined } },
    { k: 'outcome', call: 3, outcome: { state: 'rejected', error: serializeError(new TypeError('bad', { cause: new Error('deeper') }), 'advanced') } },
    { k: 'outcome', call: 3, outcome: { state: 'cancelled', error: serializeError('a string thrown', 'advanced') } },
    { k: 'usage', call: 3, ask: 1, usage: { cpuMs: 12.5, rssBytes: 1024 } },
    { k: 'usage', call: 3, ask: 2, usage: undefined },
  ];
  for (const entry of entries) expect(upEntryProblem(crossed(entry))).toBeUndefined();
});

test('every kind of entry the host sends a worker passes', () => {
  const entries: DownEntry[] = [
    { k: 'comm', job: 'h.3', envelope: { ...comm, kind: 'response', request: 1, data: 'x' } },
    { k: 'comm', job: 'h.3', envelope: { ...comm, kind: 'response-error', request: 1, data: 'closed' } },
    { k: 'comm', job: 'h.3', envelope: { ...comm, kind: 'ack' } },
    { k: 'comm', job: 'h.3', envelope: { ...comm, kind: 'close-request', data: 'done' } },
    { k: 'comm', job: 'h.3', envelope: { ...comm, kind: 'credit', data: 64 } },
    { k: 'cancel', job: 'h.3', reason: 'stop' },
    { k: 'terminate', job: 'h.3', reason: 'limit', error: serializeError(new RangeError('limit'), 'advanced') },
    { k: 'usage', job: 'h.3', ask: 1 },
  ];
  for (const entry of entries) expect(downEntryProblem(crossed(entry))).toBeUndefined();
});

test.each([
  [null, 'an entry is null, not an object'],
  ['text', 'an entry is string, not an object'],
  [{ k: 'taken' }, 'the "taken" entry\'s `call` is not a call id'],
  [{ k: 'nope', call: 1 }, 'an entry has kind "nope", which is no worker → host entry'],
  [{ k: 'taken', call: 1, worker: 'bull:q:1', job: 'j' }, 'the "taken" entry\'s `worker` is not a worker\'s inbox key'],
  [{ k: 'started', call: 1, pid: 'x' }, 'the "started" entry\'s `pid` is not a process id or undefined'],
  [{ k: 'comm', call: 1, envelope: null }, 'the "comm" entry\'s `envelope` is not a comm envelope'],
  [{ k: 'comm', call: 1, envelope: { ...comm, kind: 'message', data: 'x' } }, 'the "comm message" envelope\'s `data` is not a list of messages'],
  [{ k: 'output', call: 1, fd: 3, data: '' }, 'the "output" entry\'s `fd` is not 1 or 2'],
  [{ k: 'undeliverable', call: 1, envelope: { ...comm, kind: 'credit', data: -1 }, error: '' }, 'the comm "credit" envelope\'s `data` is not a message count'],
  [{ k: 'outcome', call: 1, outcome: null }, 'the "outcome" entry\'s `outcome` is not an outcome object'],
  [{ k: 'outcome', call: 1, outcome: { state: 'won' } }, 'the "outcome" entry\'s `outcome.state` is not "fulfilled", "rejected" or "cancelled"'],
  [{ k: 'outcome', call: 1, outcome: { state: 'rejected', error: null } }, 'the "error" envelope\'s `error` is not a serialized error'],
  [{ k: 'outcome', call: 1, outcome: { state: 'rejected', error: { $error: 1, name: 'E', message: 7 } } }, 'the "error" envelope\'s `error.message` is not a string'],
  [{ k: 'usage', call: 1, ask: 1, usage: { cpuMs: 'a lot', rssBytes: 1 } }, 'the "usage" entry\'s `usage` is not { cpuMs, rssBytes } numbers or undefined'],
])('a worker → host entry %j is refused: %s', (entry, problem) => {
  expect(upEntryProblem(entry)).toBe(problem);
});

test.each([
  [null, 'an entry is null, not an object'],
  [{ k: 'cancel' }, 'the "cancel" entry\'s `job` is not a job id'],
  [{ k: 'kill', job: 'j' }, 'an entry has kind "kill", which is no host → worker entry'],
  [{ k: 'terminate', job: 'j', reason: null }, 'the "terminate" entry\'s `reason` is not a string'],
  [{ k: 'terminate', job: 'j', reason: 'limit', error: 'boom' }, 'the "error" envelope\'s `error` is not a serialized error'],
  [{ k: 'usage', job: 'j', ask: -1 }, 'the "usage" entry\'s `ask` is not an ask number'],
  [{ k: 'comm', job: 'j', envelope: null }, "an entry's `envelope` is not a comm envelope"],
  [{ k: 'comm', job: 'j', envelope: { ...comm, kind: 'open' } }, 'a comm envelope has kind "open", which a host does not send'],
  [{ k: 'comm', job: 'j', envelope: { ...comm, kind: 'response' } }, 'the comm "response" envelope\'s `request` is not a request id'],
  [{ k: 'comm', job: 'j', envelope: { ...comm, call: 'x', kind: 'ack' } }, 'the comm "ack" envelope\'s `call` is not a call id'],
])('a host → worker entry %j is refused: %s', (entry, problem) => {
  expect(downEntryProblem(entry)).toBe(problem);
});

const root = '/srv/app';
const job = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  v: WIRE_VERSION,
  inbox: 'forkline:{q}:host:abc',
  call: 1,
  task: { module: 'tasks/math.js', export: 'add' },
  relative: true,
  payload: encode({ args: [1, 2], inject: { comm: { kind: 'comm' } } }),
  crashRetries: 0,
  ...overrides,
});

test("a forkline host's job is read: module under the root, payload decoded", () => {
  const read = readCallJob('j1', JSON.parse(JSON.stringify(job({ label: 'a', notify: true, host: 'h' }))), root);
  expect(read.module).toBe(pathToFileURL('/srv/app/tasks/math.js').href);
  expect(read.payload).toEqual({ args: [1, 2], inject: { comm: { kind: 'comm' } } });
  expect((read.data satisfies CallJobData).call).toBe(1);
  // A host without moduleRoot sends file URLs as they are.
  expect(readCallJob('j2', job({ relative: false, task: { module: 'file:///opt/x.mjs', export: 'x' } }), root).module).toBe('file:///opt/x.mjs');
});

test.each([
  [null, 'its data is null, not an object'],
  [{}, 'its data has no forkline wire version `v`'],
  [job({ inbox: 'somewhere' }), "its data's `inbox` is not a host's inbox key"],
  [job({ task: undefined }), "its data's `task` is not { module, export } strings"],
  [job({ relative: 'yes' }), "its data's `relative` is not a boolean"],
  [job({ crashRetries: -1 }), "its data's `crashRetries` is not an integer >= 0"],
  [job({ payload: 'garbage!!' }), 'its payload is not base64 of a v8-serialized value'],
  [job({ payload: encode(null) }), 'its payload is null, not { args, inject }'],
  [job({ payload: encode({ args: [] }) }), 'its payload has no `inject` object'],
  [job({ task: { module: '../evil.mjs', export: 'x' } }), `its module "../evil.mjs" is marked relative but is not under the worker's module root ${root}`],
  [job({ task: { module: 'a/../../evil.mjs', export: 'x' } }), `its module "a/../../evil.mjs" is marked relative but is not under the worker's module root ${root}`],
  [job({ task: { module: '/etc/evil.mjs', export: 'x' } }), `its module "/etc/evil.mjs" is marked relative but is not under the worker's module root ${root}`],
])('a malformed job (case %#) fails with QueueJobInvalidError', (data, problem) => {
  let thrown: unknown;
  try {
    readCallJob('j9', data, root);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(QueueJobInvalidError);
  expect(thrown).toMatchObject({ name: 'QueueJobInvalidError', code: 'ERR_QUEUE_JOB_INVALID', jobId: 'j9' });
  const { message } = thrown as Error;
  expect(message).toContain(`forkline worker refused BullMQ job j9: ${problem}`);
  expect(message).toContain("Only withQueue() hosts of the same forkline version may add jobs to a forkline worker's queue");
});

test('a forkline job of another wire version keeps the version message', () => {
  expect(() => readCallJob('j3', job({ v: WIRE_VERSION + 1, task: 'another shape' }), root)).toThrow(
    `job j3 has wire version ${WIRE_VERSION + 1}, this worker speaks ${WIRE_VERSION}: run the same forkline version on host and workers`,
  );
});

test('an injection that is neither a value nor a comm is refused', () => {
  expect(callPayloadProblem({ args: [], inject: { x: { kind: 'comm', call: 'one' } } })).toBe("its payload's `inject.x` is not a value or comm injection");
  expect(callPayloadProblem({ args: [], inject: { x: { kind: 'value', value: undefined } } })).toBeUndefined();
});
