/**
 * CPU per request round trip, host and child apart: what the request path costs each side,
 * which on a shared, noisy machine moves far less than wall time does.
 *
 * `node scripts/bench/roundtrip-cpu.mjs [--requests N] [--runs R] [--pin] [--json] [LABEL=ROOT ...]`
 *
 * Each ROOT is a forkline package root (a directory holding dist/ and package.json; default: this
 * one, labelled `head`), so a build can be measured against a copy of an unchanged one in the
 * same process and the same minutes. All sides are up at once; each round runs every side once,
 * one after the other, in turns, with a raw `fork()` json pair (raw-pool.mjs) beside them. A run
 * is one task call awaiting `comm.request(i)` N times (default 5,000). The host's CPU is
 * `process.cpuUsage()` around the call; the child's is utime+stime of /proc/<pid>/stat (all its
 * threads, 10 ms ticks) and, finer, the sum of /proc/<pid>/task/<tid>/schedstat's run time.
 * Prints, per side, the median and range over the runs of µs per round trip on each side, and
 * each side's ratio to the first build named within each round (the load moves both alike).
 * `--pin` puts the host on CPU 0 and the children on CPU 1 (taskset), as roundtrip.mjs does;
 * `--json` adds a side with `serialization: 'json'` beside each build's default.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RawPool } from './raw-pool.mjs';
import { childPids, median, pin } from './stats.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const REQUESTS = option('--requests', 5000);
const RUNS = option('--runs', 5);
const PIN = args.includes('--pin');
const JSON_TOO = args.includes('--json');
const builds = args.filter((arg) => arg.includes('=')).map((arg) => arg.split('='));
if (builds.length === 0) builds.push(['head', new URL('../..', import.meta.url).pathname]);
const TASKS = new URL('./tasks/forkline-tasks.mjs', import.meta.url);
const TICK_US = 1e6 / 100; // USER_HZ: 100 on Linux.

/** A child's CPU so far (µs): [stat's utime+stime, schedstat's run time summed over its threads]. */
function childCpu(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return [ticks * TICK_US, ns / 1000];
}

function hostCpu() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Runs `run()` and returns µs of CPU per request: [host, child stat, child schedstat]. */
async function measured(pid, run) {
  const host = hostCpu();
  const [stat, sched] = childCpu(pid);
  await run();
  const [stat2, sched2] = childCpu(pid);
  return [(hostCpu() - host) / REQUESTS, (stat2 - stat) / REQUESTS, (sched2 - sched) / REQUESTS];
}

async function forklineSide(root, serialization) {
  const { Comm, Scheduler, taskModule } = await import(pathToFileURL(resolve(root, 'dist/lib/index.js')).href);
  const before = new Set(childPids());
  const scheduler = Scheduler.withProcesses(1, serialization === undefined ? {} : { serialization });
  const running = scheduler.run({ endOnEmpty: false });
  const task = scheduler.task(taskModule(TASKS).roundtrip, { plugins: [Comm.Plugin()] });
  task.on('comm-request', (msg) => msg.respond(msg.data));
  await task.submit(REQUESTS / 2);
  const [pid] = childPids().filter((each) => !before.has(each));
  return {
    pid,
    run: () => task.submit(REQUESTS),
    close: async () => {
      scheduler.stop('measured');
      await running;
    },
  };
}

async function rawSide() {
  const before = new Set(childPids());
  const pool = await RawPool.start(1, 'json');
  const [pid] = childPids().filter((each) => !before.has(each));
  await pool.roundtrip(REQUESTS / 2);
  return { pid, run: () => pool.roundtrip(REQUESTS), close: () => pool.close() };
}

const sides = [['raw json', await rawSide()]];
for (const [label, root] of builds) {
  sides.push([label, await forklineSide(root)]);
  if (JSON_TOO) sides.push([`${label} json`, await forklineSide(root, 'json')]);
}
if (PIN) {
  pin(process.pid, '0');
  for (const pid of childPids()) pin(pid, '1');
}
const figures = new Map(sides.map(([label]) => [label, []]));
try {
  for (let round = 0; round < RUNS; round++) {
    // Alternate the order too: the side that runs first in a round is not always the same.
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const [label, side] of order) figures.get(label).push(await measured(side.pid, side.run));
  }
} finally {
  for (const [, side] of sides) await side.close();
}

const range = (values, digits = 1) => `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
console.log(`µs of CPU per round trip, median (range) of ${RUNS} runs × ${REQUESTS} requests${PIN ? ', pinned' : ', unpinned'}`);
console.log(['side', 'host', 'child /proc stat', 'child schedstat'].map((cell) => cell.padEnd(22)).join(''));
for (const [label, runs] of figures) {
  console.log([label, ...[0, 1, 2].map((column) => range(runs.map((run) => run[column])))].map((cell) => cell.padEnd(22)).join(''));
}
// Ratios within a round, where the machine's load moved both sides alike: each side against the
// first build named (host, child schedstat), median (range) over the rounds.
if (builds.length > 1) {
  const [reference] = builds[0];
  const ratios = (label, column) => figures.get(label).map((run, round) => run[column] / figures.get(reference)[round][column]);
  console.log(`\nper-round ratio to ${reference}, median (range): host, child schedstat`);
  for (const [label] of sides) {
    if (label === reference) continue;
    console.log([label, range(ratios(label, 0), 2), range(ratios(label, 2), 2)].map((cell) => cell.padEnd(22)).join(''));
  }
}
