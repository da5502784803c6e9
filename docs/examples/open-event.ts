import { Comm, Scheduler, taskModule } from 'forkline';
import type * as Tasks from './open-event.task.ts';

const tasks = taskModule<typeof Tasks>(new URL('./open-event.task.ts', import.meta.url));

const scheduler = Scheduler.withProcesses(1);
const task = scheduler.task(tasks.fn, { plugins: [Comm.Plugin()] });

scheduler.on('start', () => {
  task.submit();
});

task.on('comm-open', () => {
  console.log('Comm has just used comm.open()');
});

await scheduler.run();
console.log(task);
