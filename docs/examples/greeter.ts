import { Comm, Scheduler, taskModule } from 'forkline';
import type * as Tasks from './greeter.task.ts';

const tasks = taskModule<typeof Tasks>(new URL('./greeter.task.ts', import.meta.url));

const scheduler = Scheduler.withProcesses(1);
const task = scheduler.task(tasks.greeter, { plugins: [Comm.Plugin()] });

scheduler.on('start', () => {
  task.submit('Hello');
});

task.on('comm-request', (msg) => {
  msg.respond('Alice');
});

task.on('comm-message', (msg) => {
  console.log(msg.data);
});

await scheduler.run();
console.log(task);
