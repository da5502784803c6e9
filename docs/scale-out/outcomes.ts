import { queueOutcomes } from 'forkline/queue';

// What the calls of the host named 'nightly' returned, read after that host has exited.
const outcomes = await queueOutcomes({ connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queue: 'experiments', host: 'nightly' });
for (const outcome of outcomes) {
  const what = outcome.state === 'fulfilled' ? String(outcome.value) : outcome.state === 'pending' ? '' : String(outcome.error);
  console.log(`${outcome.task.export}(${outcome.args.join(', ')}): ${outcome.state} ${what}`);
}
