/**
 * Issue 9, item 13: `scheduler.task()` takes only what taskRef() and taskModule() make, file
 * modules. A hand-made `{ module, export }` naming a builtin or a data: URL would run code that is
 * no task module (a shell command through execSync, inline code); it is refused before anything is
 * sent, unless the ref was made with `anyModule: true`.
 */
import { InvalidOptionError, Scheduler, taskRef, type TaskRef } from 'forkline';
import { expectNoChildren } from '../helpers.js';

afterEach(expectNoChildren);

const hostile: [string, TaskRef][] = [
  ['a builtin that runs shell commands', { module: 'node:child_process', export: 'execSync' }],
  ['a data: URL of inline code', { module: 'data:text/javascript,export function run() { return process.pid; }', export: 'run' }],
  ['a package name', { module: 'execa', export: 'execaCommand' }],
  ['a bare absolute path', { module: '/bin/sh', export: 'default' }],
];

test.each(hostile)('scheduler.task() refuses %s with InvalidOptionError naming the opt-in', (_what, ref) => {
  const scheduler = Scheduler.withProcesses(1);
  expect(() => scheduler.task(ref)).toThrow(InvalidOptionError);
  expect(() => scheduler.task(ref)).toThrow(`Expected \`ref.module\` to be a file: URL, as taskRef() and taskModule() make (for a builtin, package or data: URL, taskRef(specifier, name, { anyModule: true }))`);
});

test('scheduler.submit() refuses them too, and no child runs the call', async () => {
  const scheduler = Scheduler.withProcesses(1);
  let error: unknown;
  scheduler.on('start', () => {
    try {
      scheduler.submit({ module: 'node:child_process', export: 'execSync' }, 'touch /tmp/forkline-pwned');
    } catch (caught) {
      error = caught;
    }
  });
  await scheduler.run();
  expect(error).toBeInstanceOf(InvalidOptionError);
  expect(scheduler.eventCounts['future-submitted']).toBeUndefined();
});

test('a ref made with anyModule: true runs a builtin: the opt-in works, and is explicit', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const cpus = scheduler.task(taskRef<() => unknown[]>('node:os', 'cpus', { anyModule: true }));
  const results: number[] = [];
  cpus.on('result', (_future, value) => void results.push(value.length));
  scheduler.on('start', () => void cpus.submit());
  await scheduler.run();
  expect(results).toHaveLength(1);
  expect(results[0]).toBeGreaterThan(0);
});

test('taskRef() still refuses a non-file module without the opt-in', () => {
  expect(() => taskRef('node:os', 'cpus')).toThrow(InvalidOptionError);
});
