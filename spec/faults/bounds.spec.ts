/**
 * Bad input is refused with a clear error, never silently changed or slowly walked (issue 9,
 * items 9, 10 and 11): timer values Node would turn into 1 ms, an absurd pool size, values nested
 * deeper than a serializer can follow, huge sparse arrays, and undefined where JSON writes null.
 */
import { InvalidOptionError, Limits, Scheduler, SerializationError } from 'forkline';
import type * as Math from '../fixtures/math.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const math = fixtureModule<typeof Math>('math.ts');

afterEach(expectNoChildren);

const TOO_LONG = 3e9;

describe('timer values over 2^31-1 ms, which Node fires after 1 ms', () => {
  test.each([
    ['idleTimeout', () => Scheduler.withProcesses(1, { idleTimeout: TOO_LONG })],
    ['killGracePeriod', () => Scheduler.withProcesses(1, { killGracePeriod: TOO_LONG })],
    ['loadTimeout', () => Scheduler.withProcesses(1, { loadTimeout: TOO_LONG })],
    ['wallTime', () => new Limits({ wallTime: TOO_LONG })],
  ])('%s is refused with InvalidOptionError', (option, make) => {
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow(new RegExp(`^Expected \`${option}\` to be .*2147483647 \\(2\\^31-1\\), got \`3000000000\` \\(number\\)\\.$`));
  });

  test.each(['idleTimeout', 'loadTimeout'] as const)('%s: Infinity means never, as it does by default', async (option) => {
    const scheduler = Scheduler.withProcesses(1, { [option]: Infinity });
    const add = scheduler.task(math.add);
    const results: number[] = [];
    add.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void add.submit(1, 2));
    await scheduler.run({ timeout: 15_000 });
    expect(results).toEqual([3]);
  });

  test('prefetch over 1024 is refused with InvalidOptionError', () => {
    expect(() => Scheduler.withProcesses(1, { prefetch: 1e9 })).toThrow('Expected `prefetch` to be an integer from 0 to 1024, got `1000000000` (number).');
    expect(() => Scheduler.withProcesses(1, { prefetch: 1024 })).not.toThrow();
  });

  test('callLater(3e9) is refused, and nothing fires', async () => {
    const scheduler = Scheduler.withSequential();
    let fired = 0;
    let error: unknown;
    scheduler.on('start', () => {
      try {
        scheduler.callLater(TOO_LONG, () => {
          fired++;
        });
      } catch (caught) {
        error = caught;
      }
      scheduler.callLater(50, () => undefined);
    });
    await scheduler.run({ endOnEmpty: false, timeout: 200 });
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as Error).message).toBe('Expected `delay` to be a number of milliseconds from 0 to 2147483647 (Node fires longer timers at once), got `3000000000` (number).');
    expect(fired).toBe(0);
  });
});

test('maxWorkers has an upper bound', () => {
  expect(() => Scheduler.withProcesses(5000)).toThrow('Expected `maxWorkers` to be an integer from 1 to 1024, got `5000` (number).');
});

async function submitted(value: unknown, serialization: 'json' | 'advanced' = 'advanced'): Promise<{ error?: unknown; result?: unknown }> {
  const scheduler = Scheduler.withProcesses(1, { serialization });
  const echo = scheduler.task(math.echo);
  const outcome: { error?: unknown; result?: unknown } = {};
  echo.on('result', (_future, result) => void (outcome.result = result));
  scheduler.on('start', () => {
    try {
      echo.submit(value);
    } catch (error) {
      outcome.error = error;
    }
  });
  await scheduler.run();
  return outcome;
}

describe('values the walk could not follow', () => {
  test('a value nested 20,000 deep is refused with SerializationError, not a stack overflow', async () => {
    const deep: Record<string, unknown> = {};
    let node = deep;
    for (let i = 0; i < 20_000; i++) node = node.next = {};
    const { error } = await submitted(deep);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toMatch(/^echo\.submit\(\) failed: args\[0\]\.next\.next.*…\(\d+ more\)….* nests more than 1000 levels deep/);
  });

  test('a sparse array of length 1e8 crosses under advanced as it is (its items, not its holes)', async () => {
    const sparse: unknown[] = [];
    sparse[5] = 'five';
    sparse[1e8 - 1] = 'last';
    const { result } = await submitted(sparse);
    const arrived = result as unknown[];
    expect(arrived).toHaveLength(1e8);
    expect([arrived[5], arrived[1e8 - 1], 0 in arrived]).toEqual(['five', 'last', false]);
  });
});

describe("serialization: 'json' and undefined: refused where JSON would write null, dropped where it reads back the same", () => {
  test.each([
    ['an undefined array item', [1, undefined, 3], 'args[0][1] is undefined, which JSON turns into null'],
    ['a hole in a sparse array', { list: Object.assign([1], { 2: 3 }) }, 'args[0].list[1] is a hole in a sparse array, which JSON turns into null'],
    ['a huge sparse array', Object.assign([], { [1e8 - 1]: 1 }), 'args[0][0] is a hole in a sparse array, which JSON turns into null'],
  ])('%s is refused with SerializationError', async (_what, value, message) => {
    const { error } = await submitted(value, 'json');
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toContain(`echo.submit() failed: ${message}`);
  });

  test("-0 reads back as 0 under 'json' (the one exception, on purpose), and as -0 under the default", async () => {
    const json = (await submitted({ x: -0 }, 'json')).result as { x: number };
    const byDefault = (await submitted({ x: -0 })).result as { x: number };
    expect(Object.is(json.x, 0)).toBe(true);
    expect(Object.is(byDefault.x, -0)).toBe(true);
  });

  test('an undefined object property is dropped, as JSON does: reading it gives undefined either way', async () => {
    const { result } = await submitted({ a: undefined, b: 1 }, 'json');
    expect(result).toEqual({ b: 1 });
    expect(Object.keys(result as object)).toEqual(['b']);
  });
});
