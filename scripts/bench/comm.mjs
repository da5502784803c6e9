/**
 * Comm one-way messages, child → host: a task that `await comm.send(x)`s n times in a loop (the
 * documented pattern) while the host counts 'comm-message' events, against a raw child that calls
 * `process.send(x)` n times while the host counts 'message' events. Small objects, 10 KB
 * strings, 1 MB strings and 1 MB binary (advanced only: JSON cannot carry bytes).
 */
import { Comm } from 'forkline';
import { RawPool } from './raw-pool.mjs';
import { tasks, withScheduler } from './session.mjs';
import { PAYLOADS } from './tasks/payloads.mjs';
import { SIDES, makeCase, median, note, perSecond } from './stats.mjs';

/** Messages per timed stream, by payload kind. */
function counts(quick) {
  return quick
    ? { small: 50_000, '10kb': 5_000, '1mb-string': 60, '1mb-binary': 60 }
    : { small: 200_000, '10kb': 40_000, '1mb-string': 400, '1mb-binary': 400 };
}

/** The forkline sides (stats.mjs SIDES) that each payload kind runs on: JSON cannot carry bytes. */
const KIND_SIDES = {
  small: ['json', 'default'],
  '10kb': ['json', 'default'],
  '1mb-string': ['json', 'default'],
  '1mb-binary': ['default'],
};

/**
 * Measures, for one side, forkline and its raw pool on each payload kind in turns. Resolves to
 * `{ [kind]: { forkline, raw } }` in messages per second (medians).
 */
async function measure(side, kinds, quick, reps) {
  const n = counts(quick);
  const pool = await RawPool.start(1, side.raw);
  try {
    return await withScheduler(1, side.options, async (scheduler) => {
      const task = scheduler.task(tasks.stream, { plugins: [Comm.Plugin()] });
      let received = 0;
      task.on('comm-message', () => {
        received++;
      });
      const forkline = async (count, kind) => {
        received = 0;
        const started = performance.now();
        await task.submit(count, kind);
        const ms = performance.now() - started;
        if (received !== count) throw new Error(`forkline stream: ${received} of ${count} messages`);
        return ms;
      };
      const raw = (count, kind) => pool.stream(count, kind);
      const rates = {};
      for (const kind of kinds) {
        const count = n[kind];
        // Warm-up: loads the module, builds the payload, warms the JIT on both sides.
        await raw(Math.ceil(count / 5), kind);
        await forkline(Math.ceil(count / 5), kind);
        const samples = { forkline: [], raw: [] };
        for (let rep = 0; rep < reps; rep++) {
          samples.raw.push(perSecond(count, await raw(count, kind)));
          samples.forkline.push(perSecond(count, await forkline(count, kind)));
        }
        rates[kind] = { forkline: median(samples.forkline), raw: median(samples.raw) };
      }
      return rates;
    });
  } finally {
    await pool.close();
  }
}

export default async function comm({ quick }) {
  const reps = quick ? 3 : 5;
  const bySide = {};
  for (const [name, side] of Object.entries(SIDES)) {
    const kinds = Object.keys(KIND_SIDES).filter((kind) => KIND_SIDES[kind].includes(name));
    note(`comm one-way (forkline ${side.label}, raw ${side.raw}): ${kinds.join(', ')}…`);
    bySide[name] = await measure(side, kinds, quick, reps);
  }
  const cases = [];
  // Small and 10 KB: the issue's baseline is process.send with fork()'s default 'json'.
  for (const kind of ['small', '10kb']) {
    const raw = bySide.json[kind].raw;
    for (const [name, side] of Object.entries(SIDES)) {
      const { forkline } = bySide[name][kind];
      cases.push(
        makeCase({
          group: 'comm',
          serialization: side.label,
          name: `comm ${PAYLOADS[kind]}, ${side.label}`,
          unit: 'msg/s',
          better: 'higher',
          forkline,
          baselines: { raw, raw_advanced: bySide.default[kind].raw },
          ...(name !== 'json' && side.sameAsRaw ? { sameSerialization: bySide[name][kind].raw } : {}),
          ...(kind === 'small' ? { target: '≥2× raw json process.send', met: forkline / raw >= 2 } : {}),
        }),
      );
    }
  }
  // 1 MB: the baseline is the faster raw serialization; the target is on forkline's default.
  for (const kind of ['1mb-string', '1mb-binary']) {
    const names = KIND_SIDES[kind];
    const raws = Object.fromEntries(names.map((name) => [SIDES[name].raw, bySide[name][kind].raw]));
    const fastest = Object.keys(raws).reduce((a, b) => (raws[a] >= raws[b] ? a : b));
    for (const name of names) {
      const side = SIDES[name];
      const { forkline } = bySide[name][kind];
      cases.push(
        makeCase({
          group: 'comm',
          serialization: side.label,
          name: `comm ${PAYLOADS[kind]}, ${side.label}`,
          unit: 'msg/s',
          better: 'higher',
          forkline,
          baselines: {
            raw: raws[fastest],
            ...Object.fromEntries(Object.entries(raws).filter(([key]) => key !== fastest).map(([key, value]) => [`raw_${key}`, value])),
          },
          ...(side.raw === fastest || !side.sameAsRaw ? {} : { sameSerialization: raws[side.raw] }),
          ...(name === 'default' ? { target: `≥0.9× the faster raw (${fastest})`, met: forkline / raws[fastest] >= 0.9 } : {}),
        }),
      );
    }
  }
  return cases;
}
