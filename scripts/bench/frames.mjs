/**
 * `node scripts/bench/frames.mjs`: how many envelopes share a frame, per direction, in the
 * patterns the benchmarks time. For whoever tunes the outbox and the pool: a frame per envelope
 * costs a serialization and a write each, and it is what decides the comm and tiny-task figures.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Comm } from 'forkline';
import { batcher, refiller, tasks, withScheduler } from './session.mjs';
import { perSecond } from './stats.mjs';

const PRELOAD = fileURLToPath(new URL('./tasks/count-frames.mjs', import.meta.url));
const N = 100_000;

function summary(side) {
  const common = Object.entries(side.sizes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([size, frames]) => `${frames}×${size}`)
    .join(', ');
  return `${side.frames} frames, ${(side.envelopes / side.frames).toFixed(1)} envelopes per frame (most common: ${common})`;
}

async function probe(label, children, serialization, body) {
  const directory = mkdtempSync(join(tmpdir(), 'forkline-frames-'));
  const out = join(directory, 'frames.jsonl');
  try {
    const options = { serialization, execArgv: ['--import', PRELOAD], env: { ...process.env, FORKLINE_FRAMES_OUT: out } };
    const rate = await withScheduler(children, options, body);
    // Children write their counts when the run lets go of them.
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    console.log(`${label} (${serialization}): ${Math.round(rate).toLocaleString('en')}/s`);
    for (const child of lines) {
      console.log(`  child ${child.pid} sent:     ${summary(child.sent)}`);
      console.log(`  child ${child.pid} received: ${summary(child.received)}`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const serialization = process.argv[2] ?? 'advanced';

await probe(`comm: ${N} × await comm.send(small)`, 1, serialization, async (scheduler) => {
  const task = scheduler.task(tasks.stream, { plugins: [Comm.Plugin()] });
  const started = performance.now();
  await task.submit(N, 'small');
  return perSecond(N, performance.now() - started);
});
await probe(`comm: ${N} × comm.send(small), every 256th awaited`, 1, serialization, async (scheduler) => {
  const task = scheduler.task(tasks.streamUnawaited, { plugins: [Comm.Plugin()] });
  const started = performance.now();
  await task.submit(N, 'small');
  return perSecond(N, performance.now() - started);
});
await probe(`tiny tasks: ${N} submitted at once, 2 children`, 2, serialization, async (scheduler) => {
  const batch = batcher(scheduler.task(tasks.noop));
  return perSecond(N, await batch(N));
});
await probe(`tiny tasks: ${N} refilled from 'result' (64 in flight), 2 children`, 2, serialization, async (scheduler) => {
  const refill = refiller(scheduler.task(tasks.noop), 64);
  return perSecond(N, await refill(N));
});
