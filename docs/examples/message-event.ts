import { Comm, Scheduler, taskModule } from 'forkline';
import type * as Tasks from './message-event.task.ts';

const tasks = taskModule<typeof Tasks>(new URL('./message-event.task.ts', import.meta.url));

const scheduler = Scheduler.withProcesses(1);
const task = scheduler.task(tasks.fn, { plugins: [Comm.Plugin()] });

scheduler.on('start', () => {
  task.submit(1);
});

task.on('comm-message', (msg) => {
  console.log(msg.data);
});

await scheduler.run();
console.log(task);
