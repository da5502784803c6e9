/**
 * A comm's lifecycle (closed on throw and on return, acks, control words as data, unsendable
 * data), the same on every executor: declared for a scheduler factory by spec/comm/lifecycle.spec.ts
 * (processes, sequential) and spec/queue/comm.spec.ts (the queue).
 */
import { Comm, type Scheduler } from 'forkline';
import type * as CommTasks from '../fixtures/comm.ts';
import { fixtureModule } from '../helpers.js';

const tasks = fixtureModule<typeof CommTasks>('comm.ts');

/** The tests of a comm's lifecycle, for schedulers made by `make`. Call it inside a describe. */
export function commLifecycleSpecs(make: () => Scheduler): void {
  test('a task that throws inside open() still closes the comm before its exception (amltk sent no CLOSE)', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.throwInsideOpen, { plugins: [Comm.Plugin()] });
    const order: string[] = [];
    task.on('comm-open', () => void order.push('open'));
    task.on('comm-message', (msg) => void order.push(`message:${String(msg.data)}`));
    task.on('comm-close', () => void order.push('close'));
    task.on('exception', (_future, error) => void order.push(`exception:${(error as Error).message}`));
    scheduler.on('start', () => void task.submit());
    await scheduler.run({ onException: 'continue' });
    expect(order).toEqual(['open', 'message:before the throw', 'close', 'exception:inside open']);
  });

  test('a comm opened and never closed is closed when the task returns, before its result', async () => {
    const scheduler = make();
    const plugin = Comm.Plugin();
    const task = scheduler.task(tasks.openWithoutClose, { plugins: [plugin] });
    const order: string[] = [];
    task.on('comm-close', () => void order.push('close'));
    task.on('result', (_future, value) => void order.push(value));
    scheduler.on('start', () => void task.submit());
    await scheduler.run();
    expect(order).toEqual(['close', 'returned']);
    expect(plugin.openConnections).toBe(0);
  });

  test('waitForAck: open and close resolve only after the host’s (async) handlers ran', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.ackedOpen, { plugins: [Comm.Plugin()] });
    let opened = false;
    const results: unknown[] = [];
    task.on('comm-open', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      opened = true;
    });
    task.on('comm-request', (msg) => msg.respond(opened ? 'open handler had finished' : 'too early'));
    task.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void task.submit());
    await scheduler.run();
    expect(results).toEqual(['open handler had finished']);
  });

  test('data that looks like a control word is delivered as data (amltk confused them)', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.controlWords, { plugins: [Comm.Plugin()] });
    const seen: unknown[] = [];
    task.on('comm-open', (msg) => void seen.push(['open', msg.data]));
    task.on('comm-message', (msg) => void seen.push(msg.data));
    task.on('comm-request', (msg) => {
      seen.push(['request', msg.data]);
      msg.respond('worker-close-request');
    });
    task.on('comm-close', (msg) => void seen.push(['close', msg.data]));
    task.on('result', (_future, value) => void seen.push(['result', value]));
    let commId = '';
    scheduler.on('start', () => void (commId = `${task.submit().id}:comm`));
    await scheduler.run();
    expect(seen).toEqual([
      ['open', 'ack'],
      'ack',
      'close',
      'open',
      'worker-close-request',
      { t: 'comm', kind: 'ack', comm: commId },
      ['request', 'close-request'],
      ['close', 'ack'],
      ['result', 'worker-close-request'],
    ]);
  });

  test('send() of data that cannot cross throws SerializationError in the task, naming the path', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.sendFunction, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    task.on('result', (_future, value) => void results.push(value));
    scheduler.on('start', () => void task.submit());
    await scheduler.run();
    expect(results).toEqual([
      {
        name: 'SerializationError',
        code: 'ERR_SERIALIZATION',
        message: expect.stringContaining('comm.send() failed: data.config.fn is a function (fn)') as unknown,
      },
    ]);
    expect(task.eventCounts['comm-message']).toBeUndefined();
  });

  test('send() after close() throws Comm.ClosedError', async () => {
    const scheduler = make();
    const task = scheduler.task(tasks.sendAfterClose, { plugins: [Comm.Plugin()] });
    const results: unknown[] = [];
    task.on('result', (_future, value) => void results.push((value as { code: string }).code));
    scheduler.on('start', () => void task.submit());
    await scheduler.run();
    expect(results).toEqual(['ERR_COMM_CLOSED']);
  });
}
