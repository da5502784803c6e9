/**
 * Host RSS across 1,000,000 small comm messages. Each side runs in a fresh host process (this
 * file with `--host`, under --expose-gc) so the other cases leave nothing behind in its heap: one
 * child streams the messages, the host counts them, and samples `process.memoryUsage().rss` after
 * a gc at 10,000 messages and at the end. Baseline: the same with a raw child's `process.send`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Comm } from 'forkline';
import { RawPool } from './raw-pool.mjs';
import { tasks, withScheduler } from './session.mjs';
import { makeCase, note, serializationLabel } from './stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const FIRST = 10_000;
const MB = 1024 * 1024;

function sample() {
  globalThis.gc?.();
  return process.memoryUsage().rss;
}

/** In the fresh host: streams `n` messages and returns the RSS samples (bytes). */
async function host(kind, n) {
  const samples = { first: 0, end: 0, peak: 0, ms: 0 };
  let received = 0;
  const count = () => {
    received++;
    if (received === FIRST) samples.first = sample();
    else if (received % 50_000 === 0) samples.peak = Math.max(samples.peak, process.memoryUsage().rss);
  };
  const started = performance.now();
  if (kind === 'forkline') {
    await withScheduler(1, {}, async (scheduler) => {
      const task = scheduler.task(tasks.stream, { plugins: [Comm.Plugin()] });
      task.on('comm-message', count);
      await task.submit(n, 'small');
      samples.ms = performance.now() - started;
      samples.end = sample();
    });
  } else {
    const pool = await RawPool.start(1, 'advanced');
    const [child] = pool.children;
    child.on('message', (message) => {
      if (message.t === 'm') count();
    });
    await pool.stream(n, 'small');
    samples.ms = performance.now() - started;
    samples.end = sample();
    await pool.close();
  }
  if (received !== n) throw new Error(`${kind}: ${received} of ${n} messages`);
  samples.peak = Math.max(samples.peak, samples.end);
  return samples;
}

function spawnHost(kind, n) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', SELF, '--host', kind, String(n)], { maxBuffer: MB }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout));
    });
  });
}

export default async function rss({ quick }) {
  const n = 1_000_000;
  // --quick leaves out the raw baseline (the target is absolute) to stay within its minute.
  note(`host RSS across ${n.toLocaleString('en')} comm messages, in fresh host processes${quick ? ' (forkline only)' : ' (twice each)'}…`);
  const runs = { forkline: [], raw: [] };
  for (let rep = 0; rep < (quick ? 1 : 2); rep++) {
    if (!quick) runs.raw.push(await spawnHost('raw', n));
    runs.forkline.push(await spawnHost('forkline', n));
  }
  // The worse (larger growth) of the runs: a leak shows in every run, noise in one.
  const growth = (samples) => (samples.length === 0 ? undefined : Math.max(...samples.map((s) => (s.end - s.first) / MB)));
  const forkline = growth(runs.forkline);
  const raw = growth(runs.raw);
  const last = (samples) => samples[samples.length - 1];
  const mb = (samples, key) => (samples.length === 0 ? '–' : `${(last(samples)[key] / MB).toFixed(0)} MB`);
  const seconds = (samples) => (samples.length === 0 ? '–' : `${(last(samples).ms / 1000).toFixed(1)} s`);
  return [
    makeCase({
      group: 'rss',
      serialization: serializationLabel(undefined),
      name: `host RSS growth, ${FIRST.toLocaleString('en')} → ${n.toLocaleString('en')} comm messages`,
      unit: 'MB',
      better: 'lower',
      forkline,
      baselines: { raw },
      ratio: null,
      target: '≤50 MB',
      met: forkline <= 50,
      notes:
        `RSS after ${FIRST.toLocaleString('en')} messages: forkline ${mb(runs.forkline, 'first')}, raw ${mb(runs.raw, 'first')}; ` +
        `peak: forkline ${mb(runs.forkline, 'peak')}, raw ${mb(runs.raw, 'peak')}; ` +
        `time: forkline ${seconds(runs.forkline)}, raw ${seconds(runs.raw)}`,
    }),
  ];
}

if (process.argv[2] === '--host') {
  const samples = await host(process.argv[3], Number(process.argv[4]));
  process.stdout.write(JSON.stringify(samples));
}
