/**
 * `forkline worker --redis URL --queue NAME [--concurrency N]`: takes the calls of a BullMQ
 * queue and runs them on this machine's warm pool, until SIGINT/SIGTERM (the first lets running
 * calls finish, a second cancels them). bullmq and ioredis are loaded only by this command.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { UsageError } from './usage.js';

export const WORKER_HELP = `Usage: forkline worker --redis URL --queue NAME [options]

Takes the calls that withQueue() schedulers (forkline/queue) add to a BullMQ queue and runs each
on this machine's warm pool of children. Needs bullmq and ioredis: npm i bullmq ioredis.

  --redis URL              redis://host:port, rediss://… (TLS), or unix:///path/to.sock
  --queue NAME             the queue the hosts submit to
  --concurrency N          calls at once, one child each (default 1)
  --root DIR               where task modules named relative to the host's moduleRoot resolve:
                           this machine's checkout of the same repository at the same commit
                           (default: the current directory)
  --prefix P               BullMQ's key prefix (default bull), the same as the hosts'
  --lock-duration MS       a job's lock without renewal: how soon another worker retries or
                           fails the call of a worker that died (default 4000)
  --stalled-interval MS    between checks for such calls; the same on every worker (default 2000)
  --kill-grace-period MS   how long a cancelled call may take to return before its child is
                           stopped (default 2000)
`;

const OPTIONS = {
  redis: { type: 'string' },
  queue: { type: 'string' },
  concurrency: { type: 'string' },
  root: { type: 'string' },
  prefix: { type: 'string' },
  'lock-duration': { type: 'string' },
  'stalled-interval': { type: 'string' },
  'kill-grace-period': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function count(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} expects an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

export async function runWorker(argv: readonly string[], stderr: NodeJS.WritableStream): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (forkline worker --help)`);
  }
  if (values.help) {
    process.stdout.write(WORKER_HELP);
    return 0;
  }
  if (!values.redis) throw new UsageError('forkline worker needs --redis URL (forkline worker --help)');
  if (!values.queue) throw new UsageError('forkline worker needs --queue NAME (forkline worker --help)');
  if (!/^(redis|rediss|unix):\/\//.test(values.redis)) {
    throw new UsageError(`--redis expects a redis://, rediss:// or unix:// URL, got ${JSON.stringify(values.redis)} (forkline worker --help)`);
  }
  const { QueueWorker } = await import('../queue/worker.js').catch((error: unknown) => {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ERR_MODULE_NOT_FOUND' && /bullmq|ioredis/.test(message)) {
      throw new UsageError('forkline worker needs bullmq and ioredis beside forkline: npm i bullmq ioredis');
    }
    throw error;
  });
  const concurrency = count(values.concurrency, 'concurrency', 1) ?? 1;
  const lockDuration = count(values['lock-duration'], 'lock-duration', 100);
  const stalledInterval = count(values['stalled-interval'], 'stalled-interval', 100);
  const killGracePeriod = count(values['kill-grace-period'], 'kill-grace-period', 0);
  const worker = await QueueWorker.start({
    connection: values.redis,
    queue: values.queue,
    concurrency,
    moduleRoot: resolve(values.root ?? '.'),
    ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    ...(lockDuration === undefined ? {} : { lockDuration }),
    ...(stalledInterval === undefined ? {} : { stalledInterval }),
    ...(killGracePeriod === undefined ? {} : { killGracePeriod }),
  });
  stderr.write(`forkline worker ${process.pid}: queue ${values.queue}, ${concurrency} ${concurrency === 1 ? 'child' : 'children'}, ready\n`);
  let signals = 0;
  await new Promise<void>((done) => {
    const stop = () => {
      signals++;
      if (signals === 1) stderr.write('forkline worker: finishing the running calls (again to cancel them)\n');
      void worker.close({ force: signals > 1 }).then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Closed: every call settled and every connection of ours is shut. With Redis unreachable,
  // BullMQ's own retry delays (5 s timers) would still hold the process; the command is done.
  setImmediate(() => process.exit());
  return 0;
}
