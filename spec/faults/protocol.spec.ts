/**
 * Frames from a child are untrusted input (issue 9, items 7 and 8): a task can write anything to
 * the pipe the runtime writes its frames to (fd 4), valid frames or no frames at all. A frame that breaks the protocol fails that child's call with
 * ProtocolError and replaces the child; the host never throws, and the run never hangs. A forged
 * `exiting` proves nothing: the call it came from is not run again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Comm, ProtocolError, Scheduler, WorkerCrashedError } from 'forkline';
import type * as Closing from '../fixtures/close-frame-pipe.ts';
import type * as Comms from '../fixtures/comm.ts';
import type * as Forged from '../fixtures/forged-frames.ts';
import type * as Math from '../fixtures/math.ts';
import { expectNoChildren, fixtureModule, tempDirs } from '../helpers.js';

const forged = fixtureModule<typeof Forged>('forged-frames.ts');
const math = fixtureModule<typeof Math>('math.ts');
const closing = fixtureModule<typeof Closing>('close-frame-pipe.ts');
const comms = fixtureModule<typeof Comms>('comm.ts');

afterEach(expectNoChildren);
const tempDir = tempDirs('forkline-forged-');

const logFile = () => join(tempDir(), 'runs.log');

const violations: [Forged.ForgedFrame, RegExp][] = [
  ['null-envelope', /an envelope is null, not an object/],
  ['not-a-list', /a frame is number, not a list of envelopes/],
  ['unknown-type', /an envelope has type "bogus", which is no child → host envelope/],
  ['message-data-not-a-list', /the "comm message" envelope's `data` is not a list of messages/],
  ['errors-a-number', /the "error" envelope's `error.errors` is not a list/],
  ['dropped-never-cancelled', /the child dropped call \d+, which was never cancelled/],
  ['result-without-id', /the "result" envelope's `id` is not a call id/],
  ['text-not-frames', /a frame says it holds \d+ bytes, over the \d+ a frame may on fd 4\); .* a task must not write to, read from or close them/],
  ['unknown-form', /a frame has form byte 88, which is neither JSON nor V8/],
  ['broken-json', /a frame could not be decoded \(.*JSON/],
  ['partial-frame', /the child stopped 2 bytes into a frame and wrote nothing more for 1000 ms on fd 4/],
];

/** Forged, then the task returns: its own result frame follows, read as the rest of the forged one. */
const thenReturned: [Forged.ForgedFrame, RegExp][] = [
  // Before the fix the call stayed running for ever, and close() waited for it.
  ['partial-frame', /the child stopped \d+ bytes into a frame and wrote nothing more for 1000 ms on fd 4/],
];

const cases = [...violations.map(([what, problem]) => [what, 'wait', problem] as const), ...thenReturned.map(([what, problem]) => [what, 'return', problem] as const)];

test.each(cases)('a malformed frame (%s, then %s) fails the call with ProtocolError and replaces the child; the host goes on', async (what, then, problem) => {
  const log = logFile();
  const scheduler = Scheduler.withProcesses(1);
  const send = scheduler.task(forged.sendForged, { plugins: [Comm.Plugin()] });
  const pid = scheduler.task(math.pid);
  const errors: unknown[] = [];
  const pids: number[] = [];
  send.on('exception', (_future, error) => {
    errors.push(error);
    pid.submit();
  });
  pid.on('result', (_future, value) => {
    pids.push(value);
    if (pids.length === 1) send.submit(what, log, then);
  });
  scheduler.on('start', () => void pid.submit());
  const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(ProtocolError);
  expect(errors[0]).toMatchObject({ code: 'ERR_PROTOCOL' });
  expect((errors[0] as Error).message).toMatch(problem);
  expect((errors[0] as Error).message).toMatch(/the call it was running failed and the child was replaced/);
  expect(readFileSync(log, 'utf8')).toBe(`${what}\n`);
  expect(send.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
  // The call after it ran on a new child.
  expect(pids).toHaveLength(2);
  expect(pids[1]).not.toBe(pids[0]);
});

test("a task's own process.send() under forkline's old key is not a frame: the call's own result stands", async () => {
  const scheduler = Scheduler.withProcesses(1);
  const send = scheduler.task(forged.sendOverChannel, { plugins: [Comm.Plugin()] });
  const results: unknown[] = [];
  send.on('result', (_future, value) => void results.push(value));
  scheduler.on('start', () => void send.submit());
  await scheduler.run({ timeout: 15_000 });

  expect(results).toEqual([7]);
  expect(send.eventCounts).toEqual({ submitted: 1, done: 1, result: 1 });
});

test("an own __proto__ key in a child's error properties stays a key: the error keeps its prototype", async () => {
  const scheduler = Scheduler.withProcesses(1);
  const fail = scheduler.task(forged.failWithProtoKey, { plugins: [Comm.Plugin()] });
  const errors: unknown[] = [];
  fail.on('exception', (_future, error) => void errors.push(error));
  scheduler.on('start', () => void fail.submit());
  await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

  expect(errors).toHaveLength(1);
  const error = errors[0] as Error & Record<string, unknown>;
  expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
  expect(error.message).toBe('forged');
  expect(error.plain).toBe(1);
  expect(error.polluted).toBeUndefined();
  expect(Object.getOwnPropertyDescriptor(error, '__proto__')?.value).toEqual({ polluted: true });
});

test('a forged exiting envelope and process.exit(1): the call fails once with WorkerCrashedError, never runs again', async () => {
  const log = logFile();
  const scheduler = Scheduler.withProcesses(1);
  const exiting = scheduler.task(forged.forgeExiting);
  const errors: unknown[] = [];
  exiting.on('exception', (_future, error) => void errors.push(error));
  scheduler.on('start', () => void exiting.submit(log));
  // Before the fix the call ran again and again until this timeout.
  const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(readFileSync(log, 'utf8')).toBe('ran\n');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(WorkerCrashedError);
  expect(errors[0]).toMatchObject({ exitCode: 1, signal: null, task: { export: 'forgeExiting' } });
  expect(exiting.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
});

test('a host whose event loop is blocked for longer than the stall bound while a big frame comes in reads it whole: no ProtocolError', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const big = scheduler.task(comms.announceThenBig, { plugins: [Comm.Plugin()] });
  // Blocked twice while the frame comes in: after the first, the host reads a chunk and waits for
  // the rest; after the second, its timers run before it reads what came meanwhile.
  big.on('comm-message', () => {
    let blocked = 0;
    const block = setInterval(() => {
      const until = Date.now() + 1100;
      while (Date.now() < until);
      if (++blocked === 2) clearInterval(block);
    }, 1);
  });
  const lengths: number[] = [];
  const errors: unknown[] = [];
  big.on('result', (_future, value) => void lengths.push(value.length));
  big.on('exception', (_future, error) => void errors.push(error));
  scheduler.on('start', () => void big.submit(8));
  await scheduler.run({ onException: 'continue', timeout: 30_000, wait: false });

  expect(errors).toEqual([]);
  expect(lengths).toEqual([8 * 2 ** 20]);
});

test('a task that closes fd 4 fails its own call; the calls sent ahead behind it run once, on a new child', async () => {
  const log = logFile();
  const scheduler = Scheduler.withProcesses(1);
  const tick = scheduler.task(closing.tick);
  const closeOut = scheduler.task(closing.closeFramesOut);
  const errors: unknown[] = [];
  let warm = 0;
  // Warm up: the child's calls turn short, so the batch below is sent ahead of the close.
  scheduler.on('start', () => {
    for (let index = 0; index < 60; index++) tick.submit(index, log);
  });
  tick.on('result', () => {
    if (++warm !== 60) return;
    for (let index = 100; index < 110; index++) tick.submit(index, log);
    closeOut.submit(log);
    for (let index = 200; index < 220; index++) tick.submit(index, log);
  });
  closeOut.on('exception', (_future, error) => void errors.push(error));
  const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(WorkerCrashedError);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const expected = [...Array.from({ length: 60 }, (_, i) => String(i)), ...Array.from({ length: 10 }, (_, i) => String(100 + i)), 'closed', ...Array.from({ length: 20 }, (_, i) => String(200 + i))];
  // Before the fix the call after the close ran twice: once unreported on the closing child.
  expect(lines).toEqual(expected);
  expect(tick.eventCounts).toEqual({ submitted: 90, done: 90, result: 90 });
});

test('a task that closes fd 5 leaves a child deaf to the host: the call sent to it next fails with ProtocolError, the one after runs on a new child', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const close = scheduler.task(closing.closeFramesIn);
  const pid = scheduler.task(math.pid);
  const results: unknown[] = [];
  const errors: unknown[] = [];
  close.on('result', (_future, value) => {
    results.push(value);
    pid.submit();
  });
  pid.on('exception', (_future, error) => {
    errors.push(error);
    pid.submit();
  });
  pid.on('result', (_future, value) => void results.push(value));
  scheduler.on('start', () => void close.submit());
  // Before the fix the call after it waited for ever, here until this timeout.
  const exit = await scheduler.run({ onException: 'continue', timeout: 15_000, wait: false });

  expect(exit.code).toBe('exhausted');
  expect(results).toEqual(['closed', expect.any(Number)]);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(ProtocolError);
  expect((errors[0] as Error).message).toMatch(/the child stopped reading fd 5, which carries forkline's frames to it: did a task close it\?/);
  expect(pid.eventCounts).toEqual({ submitted: 2, done: 2, exception: 1, result: 1 });
});
