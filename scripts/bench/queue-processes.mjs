/**
 * The other processes of the scale-out benches: `forkline worker` started as users start it (the
 * built CLI, as spec/helpers/queue-workers.ts does), and the raw baselines' own child
 * (queue-raw-child.mjs). Each resolves once its process says it is ready; stopped by pid.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
const RAW_CHILD = fileURLToPath(new URL('./queue-raw-child.mjs', import.meta.url));

/** The worker's lock and stall settings: forkline's defaults, and the fast ones the specs use. */
export const STALL_SETTINGS = {
  defaults: [],
  fast: ['--lock-duration', '1000', '--stalled-interval', '500'],
};

/** Extra node flags for the workers, e.g. `FORKLINE_BENCH_WORKER_FLAGS=--cpu-prof` to profile them. */
const WORKER_FLAGS = (process.env.FORKLINE_BENCH_WORKER_FLAGS ?? '').split(' ').filter(Boolean);

/** A process started by `start`: its pid, `stop()` (SIGTERM, then its exit) and `kill()` (SIGKILL). */
function handle(child) {
  const exited = once(child, 'exit');
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid,
    async stop() {
      if (!gone()) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function start(args, readyText, stream) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let said = '';
  await new Promise((resolve, reject) => {
    child[stream].on('data', (chunk) => {
      said += chunk;
      if (said.includes(readyText)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${said}`)));
  });
  child.removeAllListeners('exit');
  child.stdout.resume();
  child.stderr.resume();
  return handle(child);
}

/** `forkline worker --redis URL --queue NAME --concurrency N [extra]`. */
export function startWorker(url, queue, concurrency, extra = []) {
  return start([...WORKER_FLAGS, CLI, 'worker', '--redis', url, '--queue', queue, '--concurrency', String(concurrency), ...extra], ', ready\n', 'stderr');
}

/** `queue-raw-child.mjs SOCKET MODE ...`: a raw BullMQ worker or the raw stream echo. */
export function startRawChild(socket, ...args) {
  return start([RAW_CHILD, socket, ...args], 'ready\n', 'stdout');
}

/** The pids of `pid`'s descendants (Linux; empty where /proc cannot tell). */
function descendants(pid) {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return [];
  }
}

/** CPU time (user + system, ms) used so far by `pid` itself (Linux; 0 where /proc cannot tell). */
function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (fields[11] + fields[12]) * 10; // utime, stime in clock ticks of 10 ms
  } catch {
    return 0;
  }
}

/** CPU ms used so far by each of `pids` and its descendants alive now, as `{ [pid]: ms }` (for differences). */
export function cpuSnapshot(pids) {
  return Object.fromEntries(pids.flatMap((pid) => [pid, ...descendants(pid)]).map((pid) => [pid, cpuOf(pid)]));
}

/** CPU ms used between two snapshots (a process started meanwhile counts from 0). */
export function cpuBetween(before, after) {
  return Object.entries(after).reduce((sum, [pid, ms]) => sum + ms - (before[pid] ?? 0), 0);
}
