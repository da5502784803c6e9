/**
 * The long-lived pool of start() / close(): calls from anywhere, every call's error its caller's,
 * closing that drains or cancels, `await using`. And the errors of calls that come too late.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  CallVetoedError,
  CancelledError,
  ExitCode,
  InvalidOptionError,
  Limiter,
  Scheduler,
  SchedulerBusyError,
  SchedulerNotRunningError,
  UnknownOptionError,
  type Future,
} from 'forkline';
import type * as Math from '../fixtures/math.ts';
import type * as Failures from '../fixtures/failures.ts';
import { childPids, expectNoChildren, fixture, fixtureModule } from '../helpers.js';

const math = fixtureModule<typeof Math>('math.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(expectNoChildren);

describe('an HTTP service on start()', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    if (server) await once(server, 'close');
    server = undefined;
  });

  test('a request whose call fails gets its error, awaited late; the pool lives on and answers every later request', async () => {
    const scheduler = Scheduler.withProcesses(2).start();
    const add = scheduler.task(math.add);
    const fail = scheduler.task(failures.throwValidation);
    // The shape the issue saw kill the pool: submit, do other work, then await in try/catch.
    const answer = async (request: IncomingMessage, response: ServerResponse) => {
      const n = Number(new URL(request.url ?? '/', 'http://localhost').searchParams.get('n'));
      const future = n < 0 ? fail.submit('n') : add.submit(n, n);
      await sleep(300);
      try {
        response.end(String(await future));
      } catch (error) {
        response.statusCode = 500;
        response.end((error as Error).message);
      }
    };
    server = createServer((request, response) => void answer(request, response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const get = async (n: number) => {
      const response = await fetch(`http://127.0.0.1:${port}/?n=${n}`);
      return `${response.status} ${await response.text()}`;
    };

    const answers = await Promise.all([1, 2, -1, 3, 4].map(get));
    const later: string[] = [];
    for (const n of [5, 6, 7]) later.push(await get(n));

    expect(answers).toEqual(['200 2', '200 4', '500 bad n', '200 6', '200 8']);
    expect(later).toEqual(['200 10', '200 12', '200 14']);
    expect(scheduler.running()).toBe(true);
    expect(fail.eventCounts).toEqual({ submitted: 1, done: 1, exception: 1 });
    expect(await scheduler.close()).toEqual({ code: ExitCode.STOPPED, message: 'closed' });
    expect(scheduler.running()).toBe(false);
  });
});

describe('start() and close()', () => {
  test('a batch awaiting its futures one by one, with catch, gets every outcome: failures in between end nothing', async () => {
    const scheduler = Scheduler.withProcesses(2).start();
    const fail = scheduler.task(failures.throwValidation);
    const sleepTask = scheduler.task(math.sleep);
    // The failures settle long before the loop reaches them.
    const futures: Future[] = [sleepTask.submit(400), fail.submit('a'), fail.submit('b'), sleepTask.submit(10), fail.submit('c')];
    const outcomes: unknown[] = [];
    for (const future of futures) {
      try {
        outcomes.push(await future);
      } catch (error) {
        outcomes.push((error as Error).message);
      }
    }
    expect(outcomes).toEqual([400, 'bad a', 'bad b', 10, 'bad c']);
    expect(scheduler.running()).toBe(true);
    await scheduler.close();
  });

  test('task.call() resolves to the result, rejects with the error, a veto, or a pool not started; it never throws', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const add = scheduler.task(math.add);
    const limited = scheduler.task(math.add, { plugins: [new Limiter({ maxCalls: 1 })] });
    const fail = scheduler.task(failures.throwValidation);
    const early = add.call(1, 2);
    await expect(early).rejects.toBeInstanceOf(SchedulerNotRunningError);
    scheduler.start();

    expect(await add.call(1, 2)).toBe(3);
    await expect(fail.call('x')).rejects.toMatchObject({ name: 'ValidationError', field: 'x' });
    expect(await limited.call(2, 2)).toBe(4);
    const vetoed = limited.call(3, 3);
    await expect(vetoed).rejects.toBeInstanceOf(CallVetoedError);
    await expect(vetoed).rejects.toThrow('add.call() was vetoed by the plugin "limiter"');
    await scheduler.close();
  });

  test('close() drains by default: queued and running calls finish, then the children exit', async () => {
    const scheduler = Scheduler.withProcesses(1).start();
    const sleepTask = scheduler.task(math.sleep);
    const calls = [sleepTask.call(200), sleepTask.call(100), sleepTask.call(50)];
    const closed = scheduler.close();
    expect(scheduler.running()).toBe(false);
    await expect(sleepTask.call(1)).rejects.toThrow("the scheduler's run is ending as 'stopped'");
    expect(await Promise.all(calls)).toEqual([200, 100, 50]);
    expect(await closed).toEqual({ code: ExitCode.STOPPED, message: 'closed' });
    expect(childPids()).toEqual([]);
  });

  test('close({ drain: false }) cancels the calls not started and lets the running one finish; wait: false stops it too', async () => {
    const scheduler = Scheduler.withProcesses(1).start();
    const sleepTask = scheduler.task(math.sleep);
    const running = sleepTask.submit(300);
    const queued = [sleepTask.submit(300), sleepTask.submit(300)];
    while (running.state !== 'running') await sleep(10);
    await scheduler.close({ drain: false });
    expect(running.state).toBe('fulfilled');
    for (const future of queued) expect(future.error).toBeInstanceOf(CancelledError);

    scheduler.start();
    const stopped = sleepTask.submit(30_000);
    while (stopped.state !== 'running') await sleep(10);
    await scheduler.close({ wait: false });
    expect(stopped.error).toBeInstanceOf(CancelledError);
    expect((stopped.error as Error).message).toContain('with wait: false');

    await expect(scheduler.close({ drain: true, wait: false })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(scheduler.close({ drian: false } as never)).rejects.toBeInstanceOf(UnknownOptionError);
  });

  test('await using closes the pool at the end of the scope; a second start() or run() while open is refused', async () => {
    let pool: Scheduler | undefined;
    {
      await using scheduler = Scheduler.withProcesses(1).start();
      pool = scheduler;
      expect(() => scheduler.start()).toThrow(SchedulerBusyError);
      await expect(scheduler.run()).rejects.toBeInstanceOf(SchedulerBusyError);
      expect(await scheduler.task(math.add).call(20, 22)).toBe(42);
    }
    expect(pool.running()).toBe(false);
    expect(childPids()).toEqual([]);
    expect(await pool.close()).toEqual({ code: ExitCode.STOPPED, message: 'closed' });
    expect(await Scheduler.withSequential().close()).toBeUndefined();
  });

  test('events fire in the long-lived mode as in a run, and empty each time it drains', async () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    const results: number[] = [];
    add.on('result', (_future, value) => void results.push(value));
    scheduler.start();
    await add.call(1, 1);
    await add.call(2, 2);
    await scheduler.close();
    expect(results).toEqual([2, 4]);
    expect(scheduler.eventCounts).toMatchObject({ start: 1, 'future-submitted': 2, 'future-result': 2, stop: 1, finished: 1 });
    expect(scheduler.eventCounts.empty).toBeGreaterThanOrEqual(1);
  });
});

test('a handler that throws in a long-lived pool is a process warning, and the pool goes on', async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [fileURLToPath(fixture('hosts/service-handler.mjs'))], {
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  expect(stdout).toBe("2 4 true\n{ code: 'stopped', message: 'closed' }\n");
  expect(stderr).toContain("ForklineWarning: A handler of 'result' failed; the pool goes on: Error: a bug in a display handler");
});

describe('a submit that comes too late', () => {
  test('after a run ended by endOnEmpty: the error says it ended as exhausted, and how to keep a pool open', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const add = scheduler.task(math.add);
    let batch: Future<number>[] = [];
    scheduler.on('start', () => void (batch = [add.submit(1, 1), add.submit(2, 2)]));
    const running = scheduler.run();
    await Promise.all(batch);
    await running;

    const late = () => add.submit(20, 20);
    expect(late).toThrow(SchedulerNotRunningError);
    expect(late).toThrow(
      "add.submit() failed: the scheduler's run has ended as 'exhausted': its queue emptied, and `endOnEmpty` (the default) ends a run then. " +
        'For a pool that stays open, call `scheduler.start()` once and `await scheduler.close()` at the end; for an event-driven run, `run({ endOnEmpty: false })` runs until stop().',
    );
    expect(() => Scheduler.withSequential().task(math.add).submit(1, 1)).toThrow("the scheduler is not running. Submit from a 'start' handler");
  });
});
