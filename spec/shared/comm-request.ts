/**
 * comm.request() and the host's answers, the same on every executor: declared for a scheduler
 * factory by spec/comm/request.spec.ts (processes, sequential) and spec/queue/comm.spec.ts (the queue).
 */
import { Comm, ExitCode, type Scheduler } from 'forkline';
import type * as CommTasks from '../fixtures/comm.ts';
import { fixtureModule } from '../helpers.js';

const tasks = fixtureModule<typeof CommTasks>('comm.ts');

/** The tests of comm.request() (answers, timeouts, handlers that throw or are missing, a stop while waiting), for schedulers made by `make`. Call it inside a describe. */
export function commRequestSpecs(make: () => Scheduler): void {
  test('resolves to the host handler’s answer (in sequential mode too: amltk deadlocked)', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.askOnce, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    task.on('comm-request', (msg) => msg.respond(`answer to ${msg.data}`));
    task.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void task.submit('life'));
    await scheduler.run();
    expect(results).toEqual(['answer to life']);
    expect(task.eventCounts).toEqual({ submitted: 1, 'comm-request': 1, done: 1, result: 1 });
  });

  test('an answer that comes after the timeout is dropped, not handed to the next request (amltk had no ids)', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.lateResponse, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    task.on('comm-request', (msg) => {
      if (msg.data === 'first') setTimeout(() => msg.respond('late answer to first'), 200);
      else msg.respond('answer to second');
    });
    task.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void task.submit());
    await scheduler.run();
    expect(results).toEqual([{ first: 'CommTimeoutError', second: 'answer to second' }]);
  });

  test('a handler that throws answers the task with CloseRequestError, and onException applies', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.askOnce, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    task.on('comm-request', () => {
      throw new Error('handler broke');
    });
    task.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void task.submit('q'));
    const exit = await scheduler.run({ onException: 'end' });
    expect(exit.code).toBe(ExitCode.EXCEPTION);
    expect((exit.error as Error).message).toBe('handler broke');
    expect(results).toEqual([
      {
        name: 'CommCloseRequestError',
        code: 'ERR_COMM_CLOSE_REQUEST',
        message: expect.stringContaining("the host's 'comm-request' handler threw") as unknown,
      },
    ]);
  });

  test('an async handler that rejects also answers with CloseRequestError', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.askOnce, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    task.on('comm-request', async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error('async handler broke');
    });
    task.on('result', (_future, value) => void results.push((value as { name: string }).name));
    scheduler.on('start', () => void task.submit('q'));
    await scheduler.run({ onException: 'continue' });
    expect(results).toEqual(['CommCloseRequestError']);
  });

  test('no comm-request handler: the task gets CloseRequestError at once instead of waiting forever', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.askOnce, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    task.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void task.submit('q'));
    await scheduler.run();
    expect(results).toEqual([
      { name: 'CommCloseRequestError', code: 'ERR_COMM_CLOSE_REQUEST', message: expect.stringContaining("no 'comm-request' handler") as unknown },
    ]);
  });

  test('stopping the run while the task waits in request() ends both: the task gets CloseRequestError (amltk deadlocked)', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.waitForAnswer, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    task.on('comm-request', () => scheduler.stop('stopping while a request waits'));
    task.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void task.submit());
    const exit = await scheduler.run();
    expect(exit.code).toBe(ExitCode.STOPPED);
    expect(results).toEqual([
      { name: 'CommCloseRequestError', code: 'ERR_COMM_CLOSE_REQUEST', message: expect.stringContaining('the scheduler is stopping (stopped)') as unknown },
    ]);
    expect(task.eventCounts).toEqual({ submitted: 1, 'comm-open': 1, 'comm-request': 1, 'comm-close': 1, done: 1, result: 1 });
  });

  test('answering twice, or answering a message that is not a request, is an error', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.controlWords, { plugins: [Comm.Plugin()] });
    const errors: string[] = [];
    task.on('comm-open', (msg) => {
      try {
        msg.respond('nope');
      } catch (error) {
        errors.push((error as Error).message);
      }
    });
    task.on('comm-request', (msg) => {
      msg.respond('first');
      try {
        msg.respond('second');
      } catch (error) {
        errors.push((error as Error).message);
      }
    });
    scheduler.on('start', () => void task.submit());
    await scheduler.run();
    expect(errors).toEqual([
      "msg.respond() failed: an open message is not a request, so it takes no answer. Only 'comm-request' messages can be answered.",
      expect.stringMatching(/^msg\.respond\(\) failed: this request on comm \d+:comm was already answered/) as unknown,
    ]);
  });
}
