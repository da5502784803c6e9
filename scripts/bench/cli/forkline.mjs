/**
 * A small CLI program: fib on four values in two child processes, printed, then exit.
 */
import { Scheduler, taskRef } from 'forkline';

const scheduler = Scheduler.withProcesses(2);
const fib = scheduler.task(taskRef(new URL('./fib.mjs', import.meta.url), 'fib'));
const results = [];
fib.on('result', (_future, value) => void results.push(value));
scheduler.on('start', () => {
  for (const n of [24, 25, 26, 27]) fib.submit(n);
});
await scheduler.run();
console.log(results.sort((a, b) => a - b).join(' '));
