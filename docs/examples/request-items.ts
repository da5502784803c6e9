import { Comm, Scheduler, taskModule } from 'forkline';
import type * as Tasks from './request-items.task.ts';

const tasks = taskModule<typeof Tasks>(new URL('./request-items.task.ts', import.meta.url));

const scheduler = Scheduler.withProcesses(1);
const task = scheduler.task(tasks.myWorker, { plugins: [Comm.Plugin()] });

const items = ['A', 'B', 'C'];
const results: string[] = [];

scheduler.on('start', () => {
  task.submit(3);
});

task.on('comm-request', (msg) => {
  const taskNumber = msg.data;
  msg.respond(items[taskNumber] ?? 'nothing');
});

task.on('comm-message', (msg) => {
  results.push(msg.data);
});

await scheduler.run();
console.log(results);
