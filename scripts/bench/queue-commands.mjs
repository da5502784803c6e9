/**
 * Redis commands per tiny call and per comm round trip through forkline/queue, from `INFO
 * commandstats` around 500 of each (commands BullMQ's scripts run inside EVALSHA included):
 * `node scripts/bench/queue-commands.mjs`. A count, not a time: the same on a busy machine, so a
 * change to what the queue sends Redis can be judged where its timings are noise.
 */
import { Comm } from 'forkline';
import { withQueue } from 'forkline/queue';
import { Redis } from 'ioredis';
import { tasks } from './session.mjs';
import { startRedis } from './queue-redis.mjs';
import { startWorker } from './queue-processes.mjs';
const redis = await startRedis();
const workers = await Promise.all([startWorker(redis.url, 'q', 1), startWorker(redis.url, 'q', 1)]);
const admin = new Redis({ path: redis.socket });
const stats = async () => Object.fromEntries((await admin.info('commandstats')).split('\n').filter((l) => l.startsWith('cmdstat_')).map((l) => [l.split(':')[0].slice(8), Number(/calls=(\d+)/.exec(l)[1])]));
const s = withQueue({ connection: redis.url, queue: 'q' }).start();
const noop = s.task(tasks.noop);
await Promise.all(Array.from({ length: 50 }, () => noop.call()));
const diff = (a, b, n) => Object.entries(b).map(([k, v]) => [k, ((v - (a[k] ?? 0)) / n)]).filter(([, v]) => v > 0.01).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
let before = await stats();
const N = 500;
await Promise.all(Array.from({ length: N }, () => noop.call()));
let after = await stats();
const total = (x) => Object.values(x).reduce((a, b) => a + b, 0);
console.log(`tiny call: ${((total(after) - total(before)) / N).toFixed(1)} commands/call: ${diff(before, after, N)}`);
const rt = s.task(tasks.roundtrip, { plugins: [Comm.Plugin()] });
rt.on('comm-request', (msg) => msg.respond(msg.data));
await rt.call(50);
before = await stats();
await rt.call(500);
after = await stats();
console.log(`round trip: ${((total(after) - total(before)) / 500).toFixed(1)} commands/rt: ${diff(before, after, 500)}`);
await s.close();
admin.disconnect();
await Promise.all(workers.map((w) => w.stop()));
await redis.stop();
