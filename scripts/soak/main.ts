/**
 * `npm run soak`: 10,000 calls on a warm pool, 1% of them SIGKILLing their child, streaming
 * 1,000,000 comm messages in all. Checks that every call settles, results are right, the crashes
 * are the calls that crashed, no message is lost or reordered, host memory stays flat and no
 * child outlives the run. Exits non-zero if any check fails.
 */
import { execFileSync } from 'node:child_process';
import { Comm, Scheduler, WorkerCrashedError, taskModule } from 'forkline';
import type * as Tasks from './tasks.ts';

const CALLS = Number(process.env.SOAK_CALLS ?? 10_000);
const MESSAGES = Number(process.env.SOAK_MESSAGES ?? 1_000_000);
const CRASH_RATE = 0.01;
const perCall = Math.round(MESSAGES / CALLS);

// A seeded generator: the same calls crash on every run.
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const crashes = new Set<number>();
while (crashes.size < Math.round(CALLS * CRASH_RATE)) crashes.add(Math.floor(random() * CALLS));

const tasks = taskModule<typeof Tasks>(new URL('./tasks.ts', import.meta.url));
const scheduler = Scheduler.withProcesses(2);
const work = scheduler.task(tasks.work, { plugins: [Comm.Plugin()] });

const received = new Int32Array(CALLS);
let outOfOrder = 0;
let wrongResults = 0;
let wrongCrashes = 0;
let settled = 0;
let rssAfterWarmUp = 0;
let messagesSeen = 0;

work.on('comm-message', (msg) => {
  const { call, seq } = msg.data;
  if (received[call] !== seq) outOfOrder++;
  received[call] = seq + 1;
  if (++messagesSeen === 10_000) rssAfterWarmUp = process.memoryUsage().rss;
});
work.on('result', (future, value) => {
  const call = future.call.args[0];
  if (value !== call * 2 || crashes.has(call)) wrongResults++;
});
work.on('exception', (future, error) => {
  const call = future.call.args[0];
  if (!(error instanceof WorkerCrashedError) || !crashes.has(call)) wrongCrashes++;
});
work.on('done', () => {
  settled++;
  if (process.stdout.isTTY && settled % 100 === 0) process.stdout.write(`\r  ${settled}/${CALLS} calls settled`);
});
scheduler.on('start', () => {
  for (let call = 0; call < CALLS; call++) work.submit(call, perCall, crashes.has(call));
});

const rssAtStart = process.memoryUsage().rss;
const started = performance.now();
const exit = await scheduler.run({ onException: 'continue' });
const seconds = (performance.now() - started) / 1000;
if (process.stdout.isTTY) process.stdout.write('\n');
const rssAtEnd = process.memoryUsage().rss;
const lost = CALLS * perCall - received.reduce((sum, count) => sum + count, 0);
const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
  .split('\n')
  .filter((line) => line.trim() && !line.includes(' ps')).length;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const checks: [string, string, boolean][] = [
  ['calls settled', `${settled} / ${CALLS}`, settled === CALLS],
  ['results correct', `${CALLS - crashes.size - wrongResults} / ${CALLS - crashes.size}`, wrongResults === 0],
  ['crashes reported on the crashing calls', `${work.eventCounts.exception ?? 0} / ${crashes.size}`, wrongCrashes === 0 && work.eventCounts.exception === crashes.size],
  ['messages lost', `${lost} of ${(CALLS * perCall).toLocaleString('en')}`, lost === 0],
  ['messages out of order', String(outOfOrder), outOfOrder === 0],
  ['host RSS at start / after 10,000 messages / at end', `${mib(rssAtStart)} / ${mib(rssAfterWarmUp)} / ${mib(rssAtEnd)}`, rssAtEnd - rssAfterWarmUp < 50 * 2 ** 20],
  ['children alive at the end', String(children), children === 0],
  ['exit', `${exit.code} in ${seconds.toFixed(1)} s`, exit.code === 'exhausted'],
];
for (const [what, value, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what.padEnd(52)} ${value}`);
process.exit(checks.every(([, , ok]) => ok) ? 0 : 1);
