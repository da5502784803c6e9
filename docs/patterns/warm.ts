import { readFile } from 'node:fs/promises';
import { Scheduler, taskModule } from 'forkline';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
const scheduler = Scheduler.withProcesses(2);
const fib = scheduler.task(jobs.fib);

// The children boot while the program reads its input. Until a run takes them they do not keep
// the process alive: a program that ends without running (bad input, --help) exits as usual.
const warming = scheduler.warm();
const text = await readFile(new URL('./inputs.txt', import.meta.url), 'utf8');
const inputs = text.split(/\s+/).filter(Boolean).map(Number);
await warming; // rejects with WorkerStartError if the children cannot start (a bad execArgv)

scheduler.on('start', () => {
  for (const n of inputs) fib.submit(n);
});
fib.on('result', (future, value) => console.log(`fib(${future.call.args[0]}) = ${value}`));
console.log(await scheduler.run()); // its calls run on the children warm() started
