import { Scheduler, taskModule } from 'forkline';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
const scheduler = Scheduler.withProcesses(1);
const square = scheduler.task(jobs.square);

scheduler.on('start', async () => {
  const value = await square.submit(12); // a future is awaitable; its error would reject here
  console.log(`12 squared is ${value}`);
});

const exit = await scheduler.run();
console.log(exit); // { code: 'exhausted' }
