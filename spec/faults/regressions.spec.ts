/**
 * Faults found in review, each kept from coming back by a test against real children.
 */
import { CancelledError, Comm, Scheduler, SerializationError } from 'forkline';
import type * as CommTasks from '../fixtures/comm.ts';
import type * as Failures from '../fixtures/failures.ts';
import type * as Faults from '../fixtures/faults.ts';
import type * as Math from '../fixtures/math.ts';
import { NamelessError } from '../fixtures/failures.ts';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expectNoChildren, fixtureModule, isAlive } from '../helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

const faults = fixtureModule<typeof Faults>('faults.ts');
const math = fixtureModule<typeof Math>('math.ts');
const comms = fixtureModule<typeof CommTasks>('comm.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');

afterEach(expectNoChildren);

test('a Proxy argument is refused at submit under advanced serialization (the channel would refuse it, and the call hang)', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const echo = scheduler.task(math.echo);
  let error: unknown;
  scheduler.on('start', () => {
    try {
      echo.submit({ state: new Proxy({ count: 1 }, {}) });
    } catch (caught) {
      error = caught;
    }
  });
  await scheduler.run();
  expect(error).toBeInstanceOf(SerializationError);
  expect((error as Error).message).toContain('args[0].state is a Proxy');
});

test('cancelling a call from its own submitted handler cancels it: it never runs', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const pid = scheduler.task(math.pid);
  pid.on('submitted', (future) => void future.cancel('changed my mind at once'));
  scheduler.on('start', () => void pid.submit());
  await scheduler.run({ onCancelled: 'continue' });
  expect(pid.eventCounts).toEqual({ submitted: 1, cancelled: 1 });
});

test('cancelling a call waiting behind a long synchronous call does not kill the child running that call', async () => {
  const scheduler = Scheduler.withProcesses(1, { killGracePeriod: 100 });
  const pid = scheduler.task(math.pid);
  const spin = scheduler.task(faults.spin);
  const results: number[] = [];
  spin.on('result', (_future, value) => void results.push(value));
  // Warm up so the child counts as quick and takes calls ahead.
  let warm = 0;
  pid.on('result', () => {
    if (++warm < 5) return;
    spin.submit(600);
    const waiting = pid.submit();
    scheduler.callLater(150, () => waiting.cancel('not needed'));
  });
  scheduler.on('start', () => {
    for (let i = 0; i < 5; i++) pid.submit();
  });
  await scheduler.run({ onCancelled: 'continue' });
  expect(results).toHaveLength(1);
  expect(spin.eventCounts).toEqual({ submitted: 1, done: 1, result: 1 });
});

test('a future somebody awaits hands its error to them, not to the run: the run goes on', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const fail = scheduler.task(failures.throwValidation);
  const add = scheduler.task(math.add);
  const caught: string[] = [];
  scheduler.on('start', async () => {
    try {
      await fail.submit('email');
    } catch (error) {
      caught.push((error as Error).message);
    }
    caught.push(String(await add.submit(2, 2)));
  });
  const exit = await scheduler.run();
  expect(exit.code).toBe('exhausted');
  expect(caught).toEqual(['bad email', '4']);
});

test('an aborted call rejects its awaiter with a CancelledError whose cause is the signal’s reason', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const sleep = scheduler.task(math.sleep);
  const reason = new Error('user pressed stop');
  let error: unknown;
  scheduler.on('start', async () => {
    const controller = new AbortController();
    const settled = sleep.submitWith({ signal: controller.signal }, 1000).then(undefined, (caught: unknown) => caught);
    controller.abort(reason);
    error = await settled;
  });
  expect((await scheduler.run()).code).toBe('exhausted');
  expect(error).toBeInstanceOf(CancelledError);
  expect((error as Error).cause).toBe(reason);
});

test('a handler that cancels a call and then awaits keeps the run going until it is done', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const sleep = scheduler.task(math.sleep);
  const add = scheduler.task(math.add);
  const seen: unknown[] = [];
  scheduler.on('start', async () => {
    sleep.submit(1000).cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen.push(scheduler.running(), await add.submit(1, 1));
  });
  await scheduler.run({ onCancelled: 'continue' });
  expect(seen).toEqual([true, 2]);
});

test('an async handler that rejects after its run ended is a warning, not a crash or the next run’s error', async () => {
  const { stdout, stderr } = await run(process.execPath, ['spec/fixtures/hosts/late-handler.mjs'], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
  expect(stdout).toBe('exhausted\nexhausted\n');
  expect(stderr.match(/ForklineWarning: A handler of 'finished' failed after its run had ended: Error: late failure/g)).toHaveLength(1);
});

test('idleTimeout: calls that come while an idle child is closing get a new child', async () => {
  const scheduler = Scheduler.withProcesses(1, { idleTimeout: 100 });
  const pid = scheduler.task(math.pid);
  const pids: number[] = [];
  pid.on('result', (_future, value) => void pids.push(value));
  scheduler.on('start', () => void pid.submit());
  pid.on('result', () => {
    if (pids.length === 8) scheduler.stop();
    if (pids.length !== 1) return;
    // Around the moment the idle child closes.
    for (const delay of [90, 98, 100, 102, 105, 110, 130]) scheduler.callLater(delay, () => void pid.submit());
  });
  const exit = await scheduler.run({ endOnEmpty: false, timeout: 10_000 });
  expect(exit.code).toBe('stopped');
  expect(pids).toHaveLength(8);
});

test('one Comm.Plugin shared by two tasks: each call’s comm events go to its own task', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const plugin = Comm.Plugin();
  const first = scheduler.task(comms.askOnce, { plugins: [plugin] });
  const second = scheduler.task(comms.askOnce, { plugins: [plugin], name: 'second' });
  const results: unknown[] = [];
  first.on('comm-request', (msg) => msg.respond(`first got ${msg.data}`));
  second.on('comm-request', (msg) => msg.respond(`second got ${msg.data}`));
  first.on('result', (_future, value) => void results.push(value));
  second.on('result', (_future, value) => void results.push(value));
  scheduler.on('start', () => {
    first.submit('a');
    second.submit('b');
  });
  await scheduler.run();
  expect(results.sort()).toEqual(['first got a', 'second got b']);
  expect(first.eventCounts['comm-request']).toBe(1);
  expect(second.eventCounts['comm-request']).toBe(1);
});

test('errorClasses rebuild a class that never set its name', async () => {
  const scheduler = Scheduler.withProcesses(1, { errorClasses: [NamelessError] });
  const fail = scheduler.task(failures.throwNameless);
  const errors: unknown[] = [];
  fail.on('exception', (_future, error) => void errors.push(error));
  scheduler.on('start', () => void fail.submit());
  const exit = await scheduler.run({ onException: [[NamelessError, 'continue']] });
  expect(exit.code).toBe('exhausted');
  expect(errors[0]).toBeInstanceOf(NamelessError);
  expect((errors[0] as Error).message).toBe('no name of its own');
});

test('sequential mode: a cancelled running call is abandoned, and the next call waits for it instead of running beside it', async () => {
  const scheduler = Scheduler.withSequential();
  const sleep = scheduler.task(math.sleep);
  const order: string[] = [];
  sleep.on('result', (_future, ms) => void order.push(`result ${ms}`));
  scheduler.on('start', () => {
    const first = sleep.submit(200);
    sleep.submit(10);
    setTimeout(() => first.cancel('abandon it'), 50);
  });
  const started = Date.now();
  await scheduler.run({ onCancelled: 'continue' });
  expect(order).toEqual(['result 10']);
  // The 10 ms call ran after the abandoned 200 ms one returned.
  expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  expect(isAlive(process.pid)).toBe(true);
});
