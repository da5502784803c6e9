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
import { makeCase, median, note, perSecond, serializationLabel } from './stats.mjs';

/** Messages per timed stream, by payload kind. */
function counts(quick) {
  return quick
    ? { small: 50_000, '10kb': 5_000, '1mb-string': 60, '1mb-binary': 60 }
    : { small: 200_000, '10kb': 40_000, '1mb-string': 400, '1mb-binary': 400 };
}

const SERIALIZATIONS = {
  small: ['json', 'advanced'],
  '10kb': ['json', 'advanced'],
  '1mb-string': ['json', 'advanced'],
  '1mb-binary': ['advanced'],
};

/**
 * Measures, for one serialization, forkline and raw on each payload kind in turns. Resolves to
 * `{ [kind]: { forkline, raw } }` in messages per second (medians).
 */
async function measure(serialization, kinds, quick, reps) {
  const n = counts(quick);
  const pool = await RawPool.start(1, serialization);
  try {
    return await withScheduler(1, { serialization }, async (scheduler) => {
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
  const bySerialization = {};
  for (const serialization of ['json', 'advanced']) {
    const kinds = Object.keys(SERIALIZATIONS).filter((kind) => SERIALIZATIONS[kind].includes(serialization));
    note(`comm one-way (${serialization}): ${kinds.join(', ')}…`);
    bySerialization[serialization] = await measure(serialization, kinds, quick, reps);
  }
  const cases = [];
  const label = serializationLabel;
  // Small and 10 KB: the issue's baseline is process.send with fork()'s default 'json'.
  for (const kind of ['small', '10kb']) {
    const raw = bySerialization.json[kind].raw;
    for (const serialization of ['json', 'advanced']) {
      const { forkline } = bySerialization[serialization][kind];
      cases.push(
        makeCase({
          group: 'comm',
          serialization: label(serialization),
          name: `comm ${PAYLOADS[kind]}, ${label(serialization)}`,
          unit: 'msg/s',
          better: 'higher',
          forkline,
          baselines: { raw, raw_advanced: bySerialization.advanced[kind].raw },
          ...(serialization === 'json' ? {} : { sameSerialization: bySerialization[serialization][kind].raw }),
          ...(kind === 'small' ? { target: '≥2× raw json process.send', met: forkline / raw >= 2 } : {}),
        }),
      );
    }
  }
  // 1 MB: the baseline is the faster raw serialization; the target is on forkline's default.
  for (const kind of ['1mb-string', '1mb-binary']) {
    const serializations = SERIALIZATIONS[kind];
    const raws = Object.fromEntries(serializations.map((serialization) => [serialization, bySerialization[serialization][kind].raw]));
    const fastest = Object.keys(raws).reduce((a, b) => (raws[a] >= raws[b] ? a : b));
    for (const serialization of serializations) {
      const { forkline } = bySerialization[serialization][kind];
      const isDefault = label(serialization) === label(undefined);
      cases.push(
        makeCase({
          group: 'comm',
          serialization: label(serialization),
          name: `comm ${PAYLOADS[kind]}, ${label(serialization)}`,
          unit: 'msg/s',
          better: 'higher',
          forkline,
          baselines: {
            raw: raws[fastest],
            ...Object.fromEntries(Object.entries(raws).filter(([key]) => key !== fastest).map(([key, value]) => [`raw_${key}`, value])),
          },
          ...(serialization === fastest ? {} : { sameSerialization: raws[serialization] }),
          ...(isDefault ? { target: `≥0.9× the faster raw (${fastest})`, met: forkline / raws[fastest] >= 0.9 } : {}),
        }),
      );
    }
  }
  return cases;
}
