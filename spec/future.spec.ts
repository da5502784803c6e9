/**
 * A future is a promise: then, catch and finally; Promise.all, allSettled and race take it; it
 * prints its id, task, state and outcome.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CancelledError, ExitCode, Scheduler } from 'forkline';
import type * as Failures from './fixtures/failures.ts';
import type * as Math from './fixtures/math.ts';
import { expectNoChildren, fixture, fixtureModule } from './helpers.js';

const math = fixtureModule<typeof Math>('math.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');

afterEach(expectNoChildren);

test('futures in Promise.allSettled: each settles as its call did, and the run goes on (the errors are the awaiter’s)', async () => {
  const scheduler = Scheduler.withProcesses(2);
  const add = scheduler.task(math.add);
  const fail = scheduler.task(failures.throwValidation);
  const sleep = scheduler.task(math.sleep);
  let settled: PromiseSettledResult<unknown>[] = [];
  scheduler.on('start', async () => {
    const slow = sleep.submit(5_000);
    const futures = [add.submit(1, 2), fail.submit('name'), add.submit(3, 4)];
    slow.cancel('not needed');
    settled = await Promise.allSettled([...futures, slow]);
  });

  // The default policies ('raise'): the run would reject if the failure or the cancel were its own.
  expect(await scheduler.run()).toEqual({ code: ExitCode.EXHAUSTED });
  expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
  expect(settled[0]).toEqual({ status: 'fulfilled', value: 3 });
  expect(settled[1]).toMatchObject({ status: 'rejected', reason: { name: 'ValidationError', field: 'name' } });
  expect((settled[3] as PromiseRejectedResult).reason).toBeInstanceOf(CancelledError);
});

test('catch and finally are there, and return promises; Promise.race and Promise.all take futures', async () => {
  const scheduler = Scheduler.withProcesses(1);
  const fail = scheduler.task(failures.rejectAsync);
  const add = scheduler.task(math.add);
  const seen: unknown[] = [];
  scheduler.on('start', async () => {
    const caught = fail.submit().catch((error: unknown) => `caught ${(error as Error).message}`);
    expect(caught).toBeInstanceOf(Promise);
    seen.push(await caught);
    seen.push(await add.submit(1, 1).finally(() => seen.push('finally')));
    seen.push(await Promise.race([add.submit(2, 2)]), await Promise.all([add.submit(3, 3), add.submit(4, 4)]));
  });

  expect(await scheduler.run()).toEqual({ code: ExitCode.EXHAUSTED });
  expect(seen).toEqual(['caught async failure', 'finally', 2, 4, [6, 8]]);
});

test('console.log(future) shows id, task, state, arguments and the value or error, not the task panel', async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [fileURLToPath(fixture('hosts/inspect.mjs'))], {
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  expect(stderr).toBe('');
  const [queued, fulfilled, ...rest] = stdout.split('\n');
  expect(queued).toBe("Future { id: 1, task: 'add', state: 'queued', args: [ 2, 3 ] }");
  expect(fulfilled).toBe("Future { id: 1, task: 'add', state: 'fulfilled', args: [ 2, 3 ], value: 5 }");
  const tail = rest.join('\n');
  expect(tail).toMatch(/^Future \{\n {2}id: 2,\n {2}task: 'throwValidation',\n {2}state: 'rejected',\n {2}args: \[ 'email' \],\n {2}error: Error \[ValidationError\]: bad email\n {6}at throwValidation /);
  expect(tail).toContain("    field: 'email'\n  }\n}\n");
  expect(tail).toContain('{ nested: { deeper: { future: [Future 1 fulfilled] } } }\n');
  expect(tail).toContain('[object Future] Future(1, add, fulfilled)\n');
  // The task is shown by name: its panel (util.inspect(task)) is not drawn inside.
  expect(stdout).not.toMatch(/[╭│╰]/);
});
