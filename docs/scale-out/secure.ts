import { fileURLToPath } from 'node:url';
import { taskModule } from 'forkline';
import { withQueue } from 'forkline/queue';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
// Where Redis is: the socket of a local redis-server when REDIS_SOCKET says so, else a host.
const where = process.env.REDIS_SOCKET ? { path: process.env.REDIS_SOCKET } : { host: 'redis.internal', port: 6379 };

const scheduler = withQueue({
  // ioredis options, passed through as they are: an ACL user and its password; `tls: {}` for TLS.
  connection: { ...where, username: 'forkline', password: process.env.REDIS_PASSWORD },
  queue: 'experiments',
  moduleRoot: fileURLToPath(new URL('../..', import.meta.url)),
}).start();
console.log(await scheduler.task(jobs.fib).call(10));
await scheduler.close();
