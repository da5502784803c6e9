import { EventNotKnownError, InvalidOptionError } from '../../lib/errors/index.js';
import { Emitter, type HandlerSupervisor } from '../../lib/events/emitter.js';

interface Events {
  ping: [n: number];
  pair: [a: string, b: number];
  idle: [];
}

const EVENTS = ['ping', 'pair', 'idle'] as const;

/** An emitter whose handler errors and promises are collected instead of thrown. */
function supervised() {
  const failed: { error: unknown; event: string }[] = [];
  const pending: Promise<unknown>[] = [];
  const supervisor: HandlerSupervisor = {
    handlerFailed: (error, event) => void failed.push({ error, event }),
    adopt: (promise, event) => {
      const settled = promise.then(
        () => true,
        (error: unknown) => {
          failed.push({ error, event });
          return false;
        },
      );
      pending.push(settled);
      return settled;
    },
  };
  return { emitter: new Emitter<Events>('Test emitter', EVENTS, supervisor), failed, pending };
}

/** The error `fn` throws or its promise rejects with. */
async function failure(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const emitter = () => new Emitter<Events>('Test emitter', EVENTS);

describe('handlers', () => {
  test('run in registration order with the emitted arguments', () => {
    const events = emitter();
    const calls: string[] = [];
    events.on('pair', (a, b) => void calls.push(`first ${a} ${b}`));
    events.on('pair', (a, b) => void calls.push(`second ${a} ${b}`));
    events.on('ping', (n) => void calls.push(`ping ${n}`));
    events.emit('pair', 'x', 1);
    events.emit('ping', 7);
    expect(calls).toEqual(['first x 1', 'second x 1', 'ping 7']);
  });

  test('the returned function unsubscribes, and calling it twice is harmless', () => {
    const events = emitter();
    const seen: number[] = [];
    const off = events.on('ping', (n) => void seen.push(n));
    const other = events.on('ping', (n) => void seen.push(n * 10));
    events.emit('ping', 1);
    off();
    off();
    events.emit('ping', 2);
    other();
    events.emit('ping', 3);
    expect(seen).toEqual([1, 10, 20]);
    expect(events.listenerCount('ping')).toBe(0);
  });

  test.each([1, 2])('a handler added during an emit waits for the next emit (%i handler(s) subscribed)', (before) => {
    const events = emitter();
    const calls: string[] = [];
    for (let index = 1; index < before; index++) events.on('ping', () => {});
    events.on('ping', (n) => {
      calls.push(`outer ${n}`);
      if (n === 1) events.on('ping', (m) => void calls.push(`inner ${m}`));
    });
    events.emit('ping', 1);
    expect(calls).toEqual(['outer 1']);
    events.emit('ping', 2);
    expect(calls).toEqual(['outer 1', 'outer 2', 'inner 2']);
  });

  test('once() called inside a handler resolves with the next emit, not the current one', async () => {
    const events = emitter();
    let next: Promise<[n: number]> | undefined;
    events.on('ping', () => {
      next ??= events.once('ping');
    });
    events.emit('ping', 1);
    events.emit('ping', 2);
    await expect(next).resolves.toEqual([2]);
  });

  test('a throwing handler does not stop the later ones; the supervisor gets its error', () => {
    const { emitter: events, failed } = supervised();
    const calls: string[] = [];
    const broken = new Error('handler broke');
    events.on('ping', () => void calls.push('first'));
    events.on('ping', () => {
      throw broken;
    });
    events.on('ping', () => void calls.push('third'));
    events.emit('ping', 1);
    expect(calls).toEqual(['first', 'third']);
    expect(failed).toEqual([{ error: broken, event: 'ping' }]);
  });

  test('an async handler is handed to the supervisor; its rejection is reported as a failure', async () => {
    const { emitter: events, failed, pending } = supervised();
    const broken = new Error('async handler broke');
    events.on('idle', async () => {
      await Promise.resolve();
      throw broken;
    });
    events.emit('idle');
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect(failed).toEqual([{ error: broken, event: 'idle' }]);
  });

  test('without a supervisor, a throwing handler throws out of emit()', () => {
    const events = emitter();
    events.on('idle', () => {
      throw new Error('loud');
    });
    expect(() => events.emit('idle')).toThrow('loud');
  });
});

describe('handler options', () => {
  test('maxCalls stops calling the handler after that many calls', () => {
    const events = emitter();
    const seen: number[] = [];
    events.on('ping', (n) => void seen.push(n), { maxCalls: 2 });
    for (const n of [1, 2, 3, 4]) events.emit('ping', n);
    expect(seen).toEqual([1, 2]);
  });

  test('repeat calls the handler N times per emit, and repeats count toward maxCalls', () => {
    const events = emitter();
    const seen: number[] = [];
    events.on('ping', (n) => void seen.push(n), { repeat: 3, maxCalls: 4 });
    for (const n of [1, 2, 3]) events.emit('ping', n);
    expect(seen).toEqual([1, 1, 1, 2]);
  });

  test('every fires on the Nth, 2Nth, ... emit', () => {
    const events = emitter();
    const seen: number[] = [];
    events.on('ping', (n) => void seen.push(n), { every: 3 });
    for (let n = 1; n <= 7; n++) events.emit('ping', n);
    expect(seen).toEqual([3, 6]);
  });

  test('when is checked only on the emits every lets through, with the event arguments', () => {
    const events = emitter();
    const asked: [string, number][] = [];
    const seen: string[] = [];
    events.on('pair', (a, b) => void seen.push(`${a}${b}`), {
      every: 2,
      when: (a, b) => {
        asked.push([a, b]);
        return b > 2;
      },
    });
    for (let n = 1; n <= 6; n++) events.emit('pair', 'x', n);
    expect(asked).toEqual([
      ['x', 2],
      ['x', 4],
      ['x', 6],
    ]);
    expect(seen).toEqual(['x4', 'x6']);
  });

  test('a when predicate that throws skips the handler and reports the error', () => {
    const { emitter: events, failed } = supervised();
    const broken = new Error('predicate broke');
    const seen: number[] = [];
    events.on('ping', (n) => void seen.push(n), {
      when: () => {
        throw broken;
      },
    });
    events.emit('ping', 1);
    expect(seen).toEqual([]);
    expect(failed).toEqual([{ error: broken, event: 'ping' }]);
  });

  test('every and maxCalls combine: every counts emits, maxCalls counts calls', () => {
    const events = emitter();
    const seen: number[] = [];
    events.on('ping', (n) => void seen.push(n), { every: 2, maxCalls: 2 });
    for (let n = 1; n <= 8; n++) events.emit('ping', n);
    expect(seen).toEqual([2, 4]);
  });

  test('hidden handlers are called but left out of listenerCount unless asked for', () => {
    const events = emitter();
    const seen: string[] = [];
    events.on('idle', () => void seen.push('visible'));
    events.on('idle', () => void seen.push('hidden'), { hidden: true });
    events.emit('idle');
    expect(seen).toEqual(['visible', 'hidden']);
    expect(events.listenerCount('idle')).toBe(1);
    expect(events.listenerCount('idle', { hidden: true })).toBe(2);
  });

  test.each([
    ['repeat', 0, 'Expected `repeat` to be an integer >= 1, got `0` (number).'],
    ['repeat', -1, 'Expected `repeat` to be an integer >= 1, got `-1` (number).'],
    ['every', 0, 'Expected `every` to be an integer >= 1, got `0` (number).'],
    ['every', 1.5, 'Expected `every` to be an integer >= 1, got `1.5` (number).'],
    ['maxCalls', 0, 'Expected `maxCalls` to be an integer >= 1, got `0` (number).'],
    ['maxCalls', 2.5, 'Expected `maxCalls` to be an integer >= 1, got `2.5` (number).'],
    ['maxCalls', Number.NaN, 'Expected `maxCalls` to be an integer >= 1, got `NaN` (NaN).'],
    ['repeat', '2', 'Expected `repeat` to be an integer >= 1, got `"2"` (string).'],
  ])('%s: %p is an InvalidOptionError', (option, value, message) => {
    const events = emitter();
    const subscribe = () => events.on('idle', () => {}, { [option]: value });
    expect(subscribe).toThrow(InvalidOptionError);
    expect(subscribe).toThrow(message);
    expect(events.listenerCount('idle', { hidden: true })).toBe(0);
  });

  test('a handler that is not a function is an InvalidOptionError', () => {
    expect(() => emitter().on('idle', 'nope' as never)).toThrow('Expected `handler` to be a function, got `"nope"` (string).');
  });
});

describe('event names', () => {
  /** The emitter as plain JavaScript sees it: any string goes. */
  type Untyped = Record<'on' | 'emit' | 'once', (event: string, ...rest: unknown[]) => unknown>;
  test.each([
    ['on', (events: Untyped) => events.on('pong', () => {})],
    ['emit', (events: Untyped) => events.emit('pong')],
    ['once', (events: Untyped) => events.once('pong')],
  ])('an unknown name in %s() is an EventNotKnownError listing the known events', async (_method, use) => {
    const error = await failure(() => use(emitter() as unknown as Untyped));
    expect(error).toBeInstanceOf(EventNotKnownError);
    expect(error).toMatchObject({ code: 'ERR_EVENT_NOT_KNOWN', event: 'pong', known: ['ping', 'pair', 'idle'] });
    expect((error as Error).message).toBe(
      'Test emitter has no event "pong". Known events: "ping", "pair", "idle". ' +
        'Check the spelling, or add the plugin that provides it to the task.',
    );
  });

  test('addEvents makes a name known; adding a known one is a no-op', () => {
    const events = emitter();
    events.addEvents('custom', 'ping');
    expect(events.events).toEqual(['ping', 'pair', 'idle', 'custom']);
    const seen: unknown[] = [];
    events.on('custom' as never, (...args: unknown[]) => void seen.push(args));
    (events.emit as (event: string, ...args: unknown[]) => void)('custom', 1, 2);
    expect(seen).toEqual([[1, 2]]);
  });
});

describe('eventCounts', () => {
  test('counts every emit, with or without handlers; events never emitted are absent', () => {
    const events = emitter();
    events.on('ping', () => {}, { maxCalls: 1 });
    events.emit('ping', 1);
    events.emit('ping', 2);
    events.emit('idle');
    expect(events.eventCounts).toEqual({ ping: 2, idle: 1 });
  });

  test('counts an emit whose handler throws', () => {
    const { emitter: events } = supervised();
    events.on('idle', () => {
      throw new Error('ignored');
    });
    events.emit('idle');
    expect(events.eventCounts).toEqual({ idle: 1 });
  });
});

describe('once()', () => {
  test('resolves with the arguments of the next emit, as a tuple, and unsubscribes', async () => {
    const events = emitter();
    const next = events.once('pair');
    expect(events.listenerCount('pair')).toBe(0);
    expect(events.listenerCount('pair', { hidden: true })).toBe(1);
    events.emit('pair', 'a', 1);
    events.emit('pair', 'b', 2);
    await expect(next).resolves.toEqual(['a', 1]);
    expect(events.listenerCount('pair', { hidden: true })).toBe(0);
  });

  test('rejects with the reason of a signal that is already aborted', async () => {
    const reason = new Error('gave up');
    await expect(emitter().once('idle', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  test('rejects when the signal aborts before the event, and stops listening', async () => {
    const events = emitter();
    const controller = new AbortController();
    const next = events.once('idle', { signal: controller.signal });
    const reason = new Error('later');
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    expect(events.listenerCount('idle', { hidden: true })).toBe(0);
    events.emit('idle');
  });
});
