import { QueueWorker } from 'forkline/queue';

const worker = await QueueWorker.start({
  connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  queue: 'experiments',
  concurrency: 2, // calls at once: a warm child each
  moduleRoot: process.cwd(), // this machine's checkout of the host's repository, same commit
  lockDuration: 4000, // the defaults: a dead worker's call is retried or failed within ~8 s
  stalledInterval: 2000,
});
console.log('worker ready');
process.once('SIGTERM', () => void worker.close()); // lets the running calls finish
