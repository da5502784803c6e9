/**
 * The Comm plugin's events and messages, the same on every executor: declared for a scheduler
 * factory by spec/comm/plugin.spec.ts (processes, sequential) and spec/queue/comm.spec.ts (the queue).
 */
import { inspect } from 'node:util';
import { Comm, Limiter, type CommMsg, type Scheduler } from 'forkline';
import type * as CommTasks from '../fixtures/comm.ts';
import { fixtureModule } from '../helpers.js';

const tasks = fixtureModule<typeof CommTasks>('comm.ts');

/** The tests of Comm.Plugin's open/message/close events and of each Msg, for schedulers made by `make`. Call it inside a describe. */
export function commPluginSpecs(make: () => Scheduler): void {
  test('a streaming task: open, every message in order, close, then done and result', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.stream, { plugins: [Comm.Plugin()] });
    const order: string[] = [];
    const messages: number[] = [];
    task.on('comm-open', (msg) => void order.push(`open:${String(msg.data)}`));
    task.on('comm-message', (msg) => void messages.push(msg.data));
    task.on('comm-close', () => void order.push(`close after ${messages.length}`));
    task.on('done', () => void order.push(`done after ${messages.length}`));
    task.on('result', (_future, n) => void order.push(`result ${n}`));
    scheduler.on('start', () => void task.submit(500));

    await scheduler.run();

    expect(messages).toEqual(Array.from({ length: 500 }, (_, index) => index));
    expect(order).toEqual(['open:undefined', 'close after 500', 'done after 500', 'result 500']);
    expect(task.eventCounts).toEqual({ submitted: 1, 'comm-open': 1, 'comm-message': 500, 'comm-close': 1, done: 1, result: 1 });
  });

  test('messages sent without await before returning are all emitted before the result', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.streamSync, { plugins: [Comm.Plugin()] });
    let atResult = -1;
    let count = 0;
    task.on('comm-message', () => {
      count++;
    });
    task.on('result', () => {
      atResult = count;
    });
    scheduler.on('start', () => void task.submit(2000));
    await scheduler.run();
    expect(atResult).toBe(2000);
  });

  test('each Msg carries kind, data, comm, future and task, and prints as in amltk', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.openWithoutClose, { plugins: [Comm.Plugin()] });
    const msgs: CommMsg[] = [];
    task.on('comm-open', (msg) => void msgs.push(msg));
    task.on('comm-message', (msg) => void msgs.push(msg));
    task.on('comm-close', (msg) => void msgs.push(msg));
    let submitted: unknown;
    scheduler.on('start', () => void (submitted = task.submit()));
    await scheduler.run();

    expect(msgs.map((msg) => [msg.kind, msg.data])).toEqual([
      ['open', 'hello'],
      ['message', 'working'],
      ['close', undefined],
    ]);
    const [open] = msgs;
    expect(open).toBeInstanceOf(Comm.Msg);
    expect(open?.future).toBe(submitted);
    expect(open?.task).toBe(task);
    expect(open?.comm.id).toBe(`${open?.future.id}:comm`);
    expect(String(open)).toBe("Comm.Msg(kind=open, data='hello')");
    expect(String(msgs[2])).toBe('Comm.Msg(kind=close, data=undefined)');
    expect(inspect(msgs[1])).toBe("Comm.Msg(kind=message, data='working')");
  });
}

/** The tests of Comm.Plugin's options that reach the child (parameterName) and of a veto after it, for schedulers made by `make`. */
export function commPluginOptionSpecs(make: () => Scheduler): void {
  test('parameterName injects the comm under another name', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.customName, { plugins: [Comm.Plugin({ parameterName: 'channel' })] });
    const seen: string[] = [];
    task.on('comm-message', (msg) => void seen.push(msg.data));
    task.on('result', (_future, id) => void seen.push(id));
    let id = 0;
    scheduler.on('start', () => void (id = task.submit().id));
    await scheduler.run();
    expect(seen).toEqual(['via channel', `${id}:channel`]);
  });

  test('a veto after the comm plugin leaves no comm behind (amltk leaked it)', async () => {
    const scheduler = make();
    const comm = Comm.Plugin();
    const task = scheduler.task(tasks.stream, { plugins: [comm, new Limiter({ maxCalls: 1 })] });
    scheduler.on('start', () => {
      task.submit(3);
      expect(task.submit(3)).toBeUndefined();
    });
    await scheduler.run();
    expect(task.eventCounts).toEqual({
      submitted: 1,
      'call-limit-reached': 1,
      'comm-open': 1,
      'comm-message': 3,
      'comm-close': 1,
      done: 1,
      result: 1,
    });
    expect(comm.openConnections).toBe(0);
  });
}
