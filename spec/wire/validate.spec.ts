import { childEnvelopeProblem } from '../../lib/wire/validate.js';
import { serializeError } from '../../lib/wire/error-codec.js';

describe('childEnvelopeProblem', () => {
  test.each([
    [{ t: 'ready', pid: 12 }],
    [{ t: 'started', id: 1 }],
    [{ t: 'loading', id: 1 }],
    [{ t: 'result', id: 1, value: { any: ['thing'] } }],
    [{ t: 'result', id: 1 }],
    [{ t: 'error', id: 1, error: serializeError(new AggregateError([new TypeError('a')], 'many', { cause: new Error('c') }), 'advanced') }],
    [{ t: 'error', id: 1, error: { $thrown: 1, value: 'a string' } }],
    [{ t: 'dropped', id: 3 }],
    [{ t: 'exiting', reason: 'uncaught' }],
    [{ t: 'output', id: 1, fd: 1, data: 'a line\n' }],
    [{ t: 'output', id: 1, fd: 2, data: new Uint8Array([1, 2]) }],
    [{ t: 'comm', kind: 'message', call: 4, comm: 'comm', data: [1, 2] }],
    [{ t: 'comm', kind: 'request', call: 4, comm: 'comm', request: 1, data: 'q' }],
    [{ t: 'comm', kind: 'request', call: 4, comm: 'comm', request: 1 }],
    [{ t: 'comm', kind: 'open', call: 4, comm: 'comm', ack: true }],
    [{ t: 'comm', kind: 'open', call: 4, comm: 'comm', data: { any: 'thing' } }],
    [{ t: 'comm', kind: 'close', call: 0, comm: 'progress', ack: true }],
    [{ t: 'comm', kind: 'close', call: 4, comm: 'comm' }],
  ])('accepts what the child runtime sends: %j', (envelope) => {
    expect(childEnvelopeProblem(envelope)).toBeUndefined();
  });

  test.each([
    [null, 'an envelope is null, not an object'],
    ['ready', 'an envelope is string, not an object'],
    [{ t: 'nope' }, 'an envelope has type "nope", which is no child → host envelope'],
    [{ t: 'ready' }, 'the "ready" envelope\'s `pid` is not a process id'],
    [{ t: 'result', id: -1 }, 'the "result" envelope\'s `id` is not a call id'],
    [{ t: 'result', id: 1.5 }, 'the "result" envelope\'s `id` is not a call id'],
    [{ t: 'error', id: 1, error: 'boom' }, 'the "error" envelope\'s `error` is not a serialized error'],
    [{ t: 'error', id: 1, error: { $error: 1, name: 5, message: 'm' } }, 'the "error" envelope\'s `error.name` is not a string'],
    [{ t: 'error', id: 1, error: { $error: 1, name: 'E', message: 'm', errors: 5 } }, 'the "error" envelope\'s `error.errors` is not a list'],
    [{ t: 'error', id: 1, error: { $error: 1, name: 'E', message: 'm', props: [1] } }, 'the "error" envelope\'s `error.props` is not an object'],
    [{ t: 'error', id: 1, error: { $error: 1, name: 'E', message: 'm', cause: { $error: 1, name: 'C' } } }, 'the "error" envelope\'s `error.message` is not a string'],
    [{ t: 'exiting' }, 'the "exiting" envelope\'s `reason` is not a string'],
    [{ t: 'output', fd: 1, data: 'x' }, 'the "output" envelope\'s `id` is not a call id'],
    [{ t: 'output', id: 1, fd: 3, data: 'x' }, 'the "output" envelope\'s `fd` is not 1 or 2'],
    [{ t: 'output', id: 1, fd: 1, data: 5 }, 'the "output" envelope\'s `data` is not a string or bytes'],
    [{ t: 'comm', kind: 'message', call: 4, comm: 'comm', data: 5 }, 'the "comm message" envelope\'s `data` is not a list of messages'],
    [{ t: 'comm', kind: 'message', comm: 'comm', data: [] }, 'the "comm" envelope\'s `call` is not a call id'],
    [{ t: 'comm', kind: 'message', call: '4', comm: 'comm', data: [] }, 'the "comm" envelope\'s `call` is not a call id'],
    [{ t: 'comm', kind: 'message', call: 4, comm: '', data: [] }, 'the "comm" envelope\'s `comm` is not a comm name'],
    [{ t: 'comm', kind: 'message', call: 4, comm: 7, data: [] }, 'the "comm" envelope\'s `comm` is not a comm name'],
    [{ t: 'comm', kind: 'request', call: 4, comm: 'comm' }, 'the "comm request" envelope\'s `request` is not a request id'],
    [{ t: 'comm', kind: 'request', call: 4, comm: 'comm', request: -2 }, 'the "comm request" envelope\'s `request` is not a request id'],
    [{ t: 'comm', kind: 'open', call: 4, comm: 'comm', ack: false }, 'the "comm open" envelope\'s `ack` is not true'],
    [{ t: 'comm', kind: 'close', call: 4, comm: 'comm', ack: 'yes' }, 'the "comm close" envelope\'s `ack` is not true'],
    [{ t: 'comm', kind: 'credit', call: 4, comm: 'comm', data: 1 }, 'a comm envelope has kind "credit", which a child does not send'],
    [{ t: 'comm', kind: 'response', call: 4, comm: 'comm', request: 1, data: 1 }, 'a comm envelope has kind "response", which a child does not send'],
    [{ t: 'comm', kind: 'toString', call: 4, comm: 'comm' }, 'a comm envelope has kind "toString", which a child does not send'],
    [{ t: 'comm', call: 4, comm: 'comm' }, 'a comm envelope has kind undefined, which a child does not send'],
  ])('refuses %j: %s', (envelope, problem) => {
    expect(childEnvelopeProblem(envelope)).toBe(problem);
  });

  test('an error nested past any depth the child produces is refused', () => {
    let error: Record<string, unknown> = { $error: 1, name: 'E', message: 'm' };
    for (let i = 0; i < 50; i++) error = { $error: 1, name: 'E', message: 'm', cause: error };
    expect(childEnvelopeProblem({ t: 'error', id: 1, error })).toMatch(/nests causes deeper than \d+ levels/);
  });
});
