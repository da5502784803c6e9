import { Comm, Scheduler, taskModule } from 'forkline';
import type * as Tasks from './powers-of-two.task.ts';

const tasks = taskModule<typeof Tasks>(new URL('./powers-of-two.task.ts', import.meta.url));

const scheduler = Scheduler.withProcesses(1);
const task = scheduler.task(tasks.powersOfTwo, { plugins: [Comm.Plugin()] });
const results: number[] = [];

scheduler.on('start', () => {
  task.submit(2, 5);
});

task.on('comm-open', (msg) => {
  console.log(`Task has opened | ${msg}`);
});

task.on('comm-message', (msg) => {
  results.push(msg.data);
});

await scheduler.run();
console.log(results);
