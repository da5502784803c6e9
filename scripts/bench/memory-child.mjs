/**
 * Memory of an idle child: what each extra child of a pool costs, which is what limits how many a
 * user can run. A forkline child that is up and has run one call of the smallest task module
 * (tasks/pid.mjs; its pid comes back as the result), against a bare `node` child forked with an
 * IPC channel and nothing else (tasks/bare-child.mjs), and the same bare child with one idle
 * worker thread, because forkline's child runs one for its watchdog (workers/watchdog.ts, an
 * internal that this baseline mirrors). All settle for a moment, then their /proc/PID/status is
 * read (Linux only):
 * - VmRSS, what `ps` and `top` show; it counts the node binary's pages, which children share;
 * - RssAnon, the child's private memory (heap, stacks, malloc), which adds up child by child.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Scheduler, taskModule } from 'forkline';
import { exited, makeCase, median, note, serializationLabel, sleep } from './stats.mjs';

const BARE_CHILD = fileURLToPath(new URL('./tasks/bare-child.mjs', import.meta.url));
const tasks = taskModule(new URL('./tasks/pid.mjs', import.meta.url));
/** Children of each kind per sample. */
const CHILDREN = 2;
/** How long a child idles before it is read: its start-up's work (and a GC or two) is over. */
const SETTLE_MS = 500;
const KB = 1024;

/** VmRSS and RssAnon of `pid` in bytes, from /proc/PID/status. */
function status(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s*(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * KB;
  return { rss: field('VmRSS'), anon: field('RssAnon') };
}

/** `CHILDREN` forkline children, each idle after one call; their status. */
async function forklineChildren() {
  const scheduler = Scheduler.withProcesses(CHILDREN);
  const running = scheduler.run({ endOnEmpty: false });
  try {
    const task = scheduler.task(tasks.pid);
    // Sent together, each long enough that the pool gives every child one; again while a child
    // that was still starting missed its turn.
    const pids = new Set();
    for (let round = 0; round < 5 && pids.size < CHILDREN; round++) {
      for (const pid of await Promise.all(Array.from({ length: CHILDREN }, () => task.submit(100)))) pids.add(pid);
    }
    await sleep(SETTLE_MS);
    return [...pids].map(status);
  } finally {
    scheduler.stop('benchmark done');
    await running;
  }
}

/**
 * `CHILDREN` bare node children with an IPC channel (and one worker thread each if `thread`), each
 * idle once it said it is ready; their status.
 */
async function bareChildren(thread) {
  const children = Array.from({ length: CHILDREN }, () => fork(BARE_CHILD, thread ? ['thread'] : [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
    await sleep(SETTLE_MS);
    return children.map((child) => status(child.pid));
  } finally {
    const exits = children.map((child) => exited(child));
    for (const child of children) if (child.connected) child.disconnect();
    await Promise.all(exits);
  }
}

export default async function memoryChild({ quick }) {
  if (process.platform !== 'linux') {
    note('idle child memory: skipped (reads /proc, Linux only)');
    return [];
  }
  const reps = quick ? 2 : 5;
  note(`idle child memory: ${reps} × ${CHILDREN} forkline children, bare node children and bare ones with a thread, in turns…`);
  const samples = { forkline: [], bare: [], thread: [] };
  for (let rep = 0; rep < reps; rep++) {
    samples.bare.push(...(await bareChildren(false)));
    samples.thread.push(...(await bareChildren(true)));
    samples.forkline.push(...(await forklineChildren()));
  }
  const mb = (values) => values.map((bytes) => bytes / (KB * KB));
  const range = (values) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} MB`;
  return [
    ['rss', 'VmRSS', 'shares the node binary with other children'],
    ['anon', 'RssAnon', 'private to the child: what each more child adds'],
  ].map(([key, field, why]) => {
    const forkline = mb(samples.forkline.map((sample) => sample[key]));
    const bare = mb(samples.bare.map((sample) => sample[key]));
    const thread = mb(samples.thread.map((sample) => sample[key]));
    return makeCase({
      group: 'memory',
      name: `idle child ${field} (forkline after one call vs bare node + IPC)`,
      unit: 'MB',
      better: 'lower',
      serialization: serializationLabel(undefined),
      forkline: median(forkline),
      baselines: { raw: median(bare), raw_with_a_thread: median(thread) },
      notes: `${why}; forkline +${(median(forkline) - median(bare)).toFixed(1)} MB, of which one idle worker thread +${(median(thread) - median(bare)).toFixed(1)} MB; medians of ${forkline.length} forkline and ${bare.length} bare children, forkline ${range(forkline)}, bare ${range(bare)}`,
    });
  });
}
