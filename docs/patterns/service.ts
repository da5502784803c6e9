import { Scheduler, taskModule } from 'forkline';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
const scheduler = Scheduler.withProcesses(2);
const square = scheduler.task(jobs.square);

// A long-lived pool: the run goes on while idle, and calls come from outside its handlers
// (say, one per HTTP request), until something stops it. run() starts synchronously: calls can
// be submitted as soon as it returns its promise.
const running = scheduler.run({ endOnEmpty: false });

const answers = await Promise.all([3, 4, 5].map((n) => square.submit(n)));
console.log(answers); // [ 9, 16, 25 ]

scheduler.stop('shutting down');
console.log(await running); // { code: 'stopped', message: 'shutting down' }
