import { inspect } from 'node:util';
import { Comm, InjectionConflictError, Scheduler, type Plugin } from 'forkline';
import type * as CommTasks from '../fixtures/comm.ts';
import { expectNoChildren, fixtureModule, schedulerKinds } from '../helpers.js';
import { commPluginOptionSpecs, commPluginSpecs } from '../shared/comm-plugin.js';

const tasks = fixtureModule<typeof CommTasks>('comm.ts');

afterEach(expectNoChildren);

describe.each(schedulerKinds)('Comm plugin on %s', (_kind, make) => {
  commPluginSpecs(make);
});

describe('Comm plugin options and errors', () => {
  commPluginOptionSpecs(() => Scheduler.withProcesses(1));

  test('two plugins injecting the same name fail the submit with InjectionConflictError', async () => {
    const scheduler = Scheduler.withSequential();
    const task = scheduler.task(tasks.stream, { plugins: [Comm.Plugin(), Comm.Plugin()] });
    let error: unknown;
    scheduler.on('start', () => {
      try {
        task.submit(1);
      } catch (caught) {
        error = caught;
      }
    });
    await scheduler.run();
    expect(error).toBeInstanceOf(InjectionConflictError);
    expect((error as Error).message).toContain(`Comm.Plugin({ parameterName: '...' })`);
    expect(task.eventCounts).toEqual({});
  });

  test('the task panel shows the signature, the plugin with its open connections, and the ref', async () => {
    const scheduler = Scheduler.withProcesses(1);
    const plugin = Comm.Plugin();
    const task = scheduler.task(tasks.openWithoutClose, { plugins: [plugin] });
    const during: string[] = [];
    task.on('comm-message', () => void during.push(plugin.describe().join()));
    scheduler.on('start', () => void task.submit());
    await scheduler.run();

    expect(during).toEqual(['Open Connections: 1']);
    const lines = inspect(task).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^╭─ Task openWithoutClose\(\{ comm \}: Injected\) -> Promise<string> ─+╮$/);
    expect(lines[1]).toMatch(/^│ ╭─+ Plugin comm-plugin ─+╮ │$/);
    expect(lines[2]).toBe(`│ │ ${'Open Connections: 0'.padEnd(72)} │ │`);
    expect(lines[3]).toBe(`│ ╰${'─'.repeat(74)}╯ │`);
    expect(lines[4]).toMatch(new RegExp(`^╰─+ Ref: ${task.ref} ─+╯$`));
    expect(task.ref).toMatch(/^Task-openWithoutClose-[\w-]{8}$/);
    // Every line is as wide as the panel: the inner box is closed and aligned with the outer one.
    for (const line of lines) expect(line).toHaveLength(80);
  });

  test('plugins are typed: a custom plugin is accepted and Comm.Plugin options are checked', () => {
    const plugin: Plugin = { name: 'noop' };
    expect(plugin.name).toBe('noop');
    expect(() => Comm.Plugin({ parameterName: '' })).toThrow('Expected `parameterName` to be a non-empty string, got `""` (string).');
  });
});
