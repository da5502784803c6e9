/**
 * A task's error that the child cannot read in full fails its call once, with the best
 * description that can be made, and the run goes on (issue 9, item 1). Before, the child's settle
 * step threw, the child died announcing an exit with no call running, and the pool ran the call
 * again, for ever.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scheduler } from 'forkline';
import type * as Unreadable from '../fixtures/throw-unreadable.ts';
import type * as Math from '../fixtures/math.ts';
import { expectNoChildren, fixtureModule, tempDirs } from '../helpers.js';

const unreadable = fixtureModule<typeof Unreadable>('throw-unreadable.ts');
const math = fixtureModule<typeof Math>('math.ts');

afterEach(expectNoChildren);
const tempDir = tempDirs('forkline-unreadable-');

const cases: [Unreadable.UnreadableKind, Record<string, unknown>][] = [
  ['getter', { name: 'Error', message: 'has a bad getter', boom: '[unreadable: reading it threw TypeError: getter exploded]' }],
  ['errors', { name: 'AggregateError', message: 'errors is a number', errors: 5 }],
  ['message', { name: 'RangeError', message: '[unreadable: reading it threw Error: no message for you]' }],
  ['cause', { name: 'Error', message: 'revoked cause', cause: expect.objectContaining({ message: expect.stringMatching(/^\[a value that cannot be read: TypeError: .*revoked/) as unknown }) as unknown }],
  ['revoked', { message: expect.stringMatching(/^\[a value that cannot be read: TypeError: .*revoked/) as unknown }],
  ['self', { name: 'Error', message: 'holds itself', self: expect.objectContaining({ message: 'holds itself' }) as unknown }],
  ['proto', { name: 'Error', message: 'own __proto__' }],
];

describe.each(['advanced', 'json'] as const)('under %s serialization', (serialization) => {
  test.each(cases)('an error with an unreadable part (%s) fails its call once; the run goes on', async (kind, expected) => {
    const log = join(tempDir(), 'runs.log');
    const scheduler = Scheduler.withProcesses(1, { serialization });
    const thrower = scheduler.task(unreadable.throwUnreadable);
    const add = scheduler.task(math.add);
    const errors: unknown[] = [];
    const results: number[] = [];
    thrower.on('exception', (_future, error) => {
      errors.push(error);
      add.submit(1, 2);
    });
    add.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void thrower.submit(kind, log));
    // Before the fix only the timeout ended this run.
    const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

    expect(exit.code).toBe('exhausted');
    expect(readFileSync(log, 'utf8')).toBe(`${kind}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(Error);
    expect(errors[0]).toMatchObject(expected);
    expect(typeof (errors[0] as Error).stack).toBe('string');
    expect(thrower.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
    expect(results).toEqual([3]);
    if (kind === 'proto') {
      // The key arrives as a key: the error keeps its prototype.
      expect(Object.getPrototypeOf(errors[0])).toBe(Error.prototype);
      expect(Object.hasOwn(errors[0] as object, '__proto__')).toBe(true);
      expect((errors[0] as { polluted?: unknown }).polluted).toBeUndefined();
    }
  });
});
