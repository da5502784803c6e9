import { Scheduler, taskModule } from 'forkline';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
const scheduler = Scheduler.withProcesses(2);
const fib = scheduler.task(jobs.fib);

scheduler.on('start', () => {
  for (const n of [25, 30, 32]) fib.submit(n);
});
fib.on('result', (future, value) => console.log(`fib(${future.call.args[0]}) = ${value}`));

console.log(await scheduler.run());
