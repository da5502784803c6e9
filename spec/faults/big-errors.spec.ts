/**
 * Errors are held to `maxPayloadBytes` too (issue 9, round 2, item 3), but a failure is always
 * reported: the child cuts an oversized error short, with a marker naming the limit. Before, a
 * 10 MB message, property or thrown string crossed whole while a 10 MB return value was refused.
 */
import { Scheduler } from 'forkline';
import type * as Big from '../fixtures/big-errors.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const big = fixtureModule<typeof Big>('big-errors.ts');

afterEach(expectNoChildren);

const LIMIT = 2 ** 20;
const TEN_MB = 10 * 2 ** 20;

async function failure(how: Big.BigError): Promise<unknown> {
  const scheduler = Scheduler.withProcesses(1, { maxPayloadBytes: LIMIT });
  const task = scheduler.task(big.throwBig);
  const errors: unknown[] = [];
  task.on('exception', (_future, error) => void errors.push(error));
  scheduler.on('start', () => void task.submit(how, TEN_MB));
  const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });
  expect(exit.code).toBe('exhausted');
  expect(task.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
  expect(errors).toHaveLength(1);
  return errors[0];
}

const marker = /\[cut: .*; the error was over the 1 MiB limit \(maxPayloadBytes\)\]/;

test('a 10 MB message is cut short, with a marker naming the limit; the stack too', async () => {
  const error = (await failure('message')) as Error;
  expect(error).toBeInstanceOf(Error);
  expect(error.message.length).toBeLessThan(LIMIT);
  expect(error.message.startsWith('xxxx')).toBe(true);
  expect(error.message).toMatch(marker);
  expect(error.stack?.length).toBeLessThan(LIMIT);
});

test('a 10 MB own property is cut short; the message and the small properties stay', async () => {
  const error = (await failure('property')) as Error & { big: string; small: number };
  expect(error.message).toBe('with a big property');
  expect(error.small).toBe(1);
  expect(error.big.length).toBeLessThan(LIMIT);
  expect(error.big).toMatch(marker);
});

test('a thrown 10 MB string is cut short', async () => {
  const thrown = await failure('string');
  expect(typeof thrown).toBe('string');
  expect((thrown as string).length).toBeLessThan(LIMIT);
  expect(thrown).toMatch(marker);
});

test("a cause's 10 MB message is cut short; the error keeps its cause's class", async () => {
  const error = (await failure('cause')) as Error;
  expect(error.message).toBe('with a big cause');
  expect(error.cause).toBeInstanceOf(RangeError);
  expect((error.cause as Error).message.length).toBeLessThan(LIMIT);
  expect((error.cause as Error).message).toMatch(marker);
});
