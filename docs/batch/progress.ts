import { Comm, Scheduler, taskModule } from 'forkline';
import { showProgress } from 'forkline/progress';
import type * as Experiments from './experiments.ts';

const experiments = taskModule<typeof Experiments>(new URL('./experiments.ts', import.meta.url));
const scheduler = Scheduler.withProcesses(2);
const train = scheduler.task(experiments.train, { plugins: [Comm.Plugin()] });
const configs = [0.1, 0.2, 0.3, 0.4].map((lr) => ({ lr, epochs: 10 }));

// A live frame on a terminal (stderr), plain lines in a log; it stops when the run finishes.
showProgress(scheduler, { tasks: [train], total: configs.length, title: 'training' });
scheduler.on('start', () => {
  for (const config of configs) train.submit(config);
});
train.on('result', (future, { loss }) => console.log(`lr ${String((future.call.args[0] as { lr: number }).lr)}: loss ${loss.toFixed(3)}`));
console.log(await scheduler.run());
