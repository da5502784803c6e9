import { Scheduler, taskRef } from 'forkline';
const ser = process.argv[2] ?? 'json';
const N = Number(process.argv[3] ?? 200000);
const s = Scheduler.withProcesses(2, { serialization: ser });
const noop = s.task(taskRef(new URL('./bench/tasks/forkline-tasks.mjs', import.meta.url), 'noop'));
let done = 0; let t0 = 0; let warm = 0;
noop.on('result', () => {
  if (++warm === 1000) { t0 = performance.now(); for (let i = 0; i < N; i++) noop.submit(i); }
  if (warm > 1000 && ++done === N) console.log(ser, 'tasks/s', Math.round(N / ((performance.now() - t0) / 1000)));
});
s.on('start', () => { for (let i = 0; i < 1000; i++) noop.submit(i); });
await s.run();
