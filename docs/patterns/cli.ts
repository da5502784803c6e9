import { Scheduler, taskModule } from 'forkline';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
const scheduler = Scheduler.withProcesses(2);
const fib = scheduler.task(jobs.fib);
const inputs = [24, 25, 26, 27, 28];

scheduler.on('start', () => {
  for (const n of inputs) fib.submit(n);
});
fib.on('result', (future, value) => console.log(`fib(${future.call.args[0]}) = ${value}`));

// Ctrl-C once: the running calls finish, the rest are cancelled, and it says so on stderr.
// Twice: the running calls are stopped too. The exit code is then 130, as shells expect.
const exit = await scheduler.run({ signals: true });
if (exit.signal === undefined) console.log(`done: ${fib.eventCounts.result ?? 0} of ${inputs.length}`);
