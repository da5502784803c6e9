import { Comm, Scheduler } from 'forkline';
import type * as CommTasks from '../fixtures/comm.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';

const tasks = fixtureModule<typeof CommTasks>('comm.ts');

afterEach(expectNoChildren);

test('a task sending faster than the host reads is held back: its memory stays bounded and nothing is lost', async () => {
  const scheduler = Scheduler.withProcesses(1, { execArgv: ['--expose-gc'] });
  const flood = scheduler.task(tasks.flood, { plugins: [Comm.Plugin()] });
  let received = 0;
  let growth = Number.NaN;
  flood.on('comm-message', () => {
    received++;
    // A slow reader: 1 ms per message.
    const until = performance.now() + 1;
    while (performance.now() < until);
  });
  flood.on('result', (_future, mib) => {
    growth = mib;
  });
  // 600 messages of 256 KiB: 150 MiB in all, read at ~1,000 per second.
  scheduler.on('start', () => void flood.submit(600, 256));
  await scheduler.run();
  expect(received).toBe(600);
  // Held back, it held ~40 MiB here; unbounded (sends never waiting), ~290 MiB.
  expect(growth).toBeLessThan(100);
});
