import { Comm, Scheduler, taskRef, type CommTransport, type Future } from 'forkline';
import type * as CommTasks from '../fixtures/comm.ts';
import { expectNoChildren, fixture, fixtureModule } from '../helpers.js';

const tasks = fixtureModule<typeof CommTasks>('comm.ts');

afterEach(expectNoChildren);

test('messages that are not forkline frames share the channel untouched: comm traffic around them is intact', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const task = scheduler.task(tasks.mixedTraffic, { plugins: [Comm.Plugin()] });
  const messages: number[] = [];
  const results: string[] = [];
  task.on('comm-message', (msg) => void messages.push(msg.data));
  task.on('result', (_future, value) => void results.push(value));
  scheduler.on('start', () => void task.submit());
  await scheduler.run();
  expect(messages).toEqual([1, 2]);
  expect(results).toEqual(['done']);
});

test('createComms is the transport seam: the host comm speaks through whatever it returns', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const seen: string[] = [];
  const recording = (future: Future): CommTransport => recordingTransport(future, seen);
  const task = scheduler.task(tasks.askOnce, { plugins: [Comm.Plugin({ createComms: recording })] });
  const results: unknown[] = [];
  task.on('comm-request', (msg) => msg.respond('through the recorder'));
  task.on('result', (_future, value) => void results.push(value));
  scheduler.on('start', () => void task.submit('q'));
  await scheduler.run();
  expect(results).toEqual(['through the recorder']);
  expect(seen).toEqual(['in request', 'out response']);
});

/** Wraps the default transport (the call's channel), recording each envelope's direction and kind. */
function recordingTransport(future: Future, seen: string[]): CommTransport {
  const inner = Comm.defaultTransport(future);
  return {
    format: inner.format,
    send: (envelope) => {
      seen.push(`out ${envelope.kind}`);
      inner.send(envelope);
    },
    onComm: (comm, receive) =>
      inner.onComm(comm, (envelope) => {
        seen.push(`in ${envelope.kind}`);
        receive(envelope);
      }),
    onRunEnding: (listener) => inner.onRunEnding(listener),
  };
}

test('a CommonJS TypeScript module (.cts) runs as a task', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const triple = scheduler.task(taskRef<(x: number) => number>(fixture('typed.cts'), 'triple'));
  const results: number[] = [];
  triple.on('result', (_future, value) => void results.push(value));
  scheduler.on('start', () => void triple.submit(14));
  await scheduler.run();
  expect(results).toEqual([42]);
});
