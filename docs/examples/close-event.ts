import { Comm, Scheduler, taskModule } from 'forkline';
import type * as Tasks from './close-event.task.ts';

const tasks = taskModule<typeof Tasks>(new URL('./close-event.task.ts', import.meta.url));

const scheduler = Scheduler.withProcesses(1);
const task = scheduler.task(tasks.fn, { plugins: [Comm.Plugin()] });

scheduler.on('start', () => {
  task.submit();
});

task.on('comm-close', (msg) => {
  console.log(`Worker close with ${msg}`);
});

await scheduler.run();
console.log(task);
