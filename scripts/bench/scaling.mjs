/**
 * CPU-bound scaling: 8 tasks of ~200 ms of fixed work (calibrated in the host) on 1 and on 2
 * children. Efficiency on 2 children is T(1 child) / (2 × T(2 children)): 100% is ideal.
 */
import { RawPool } from './raw-pool.mjs';
import { tasks, withScheduler } from './session.mjs';
import { burn } from './tasks/work.mjs';
import { makeCase, note, serializationLabel } from './stats.mjs';

const TASKS = 8;
const TASK_MS = 200;

/** Iterations of `burn` that take about `ms` here, with the JIT warm. */
function calibrate(ms) {
  burn(2_000_000);
  let iterations = 1_000_000;
  for (;;) {
    const started = performance.now();
    burn(iterations);
    const took = performance.now() - started;
    if (took > 50) return Math.round((iterations * ms) / took);
    iterations *= 4;
  }
}

/**
 * Best ms for the batch of 8 on `children`, forkline and raw in turns. Best, not median: other
 * load on the machine can only slow CPU-bound work down, and one burst would skew a median of 2.
 */
async function measure(children, iterations, reps) {
  const pool = await RawPool.start(children, 'advanced');
  try {
    return await withScheduler(children, {}, async (scheduler) => {
      const task = scheduler.task(tasks.work);
      const args = Array.from({ length: TASKS }, () => iterations);
      const runs = {
        raw: () => pool.map('work', args),
        forkline: () => Promise.all(args.map((arg) => task.submit(arg))),
      };
      // Warm-up: every child loads its module and compiles the loop (a call each, sent together).
      const warm = Array.from({ length: children }, () => Math.round(iterations / 10));
      await pool.map('work', warm);
      await Promise.all(warm.map((arg) => task.submit(arg)));
      const times = { raw: [], forkline: [] };
      for (let rep = 0; rep < reps; rep++) {
        for (const [name, run] of Object.entries(runs)) {
          const started = performance.now();
          await run();
          times[name].push(performance.now() - started);
        }
      }
      return { raw: Math.min(...times.raw), forkline: Math.min(...times.forkline) };
    });
  } finally {
    await pool.close();
  }
}

export default async function scaling({ quick }) {
  const reps = quick ? 2 : 3;
  const iterations = calibrate(TASK_MS);
  note(`CPU-bound scaling: ${TASKS} × ${iterations.toLocaleString('en')} iterations (~${TASK_MS} ms here), 1 child…`);
  const one = await measure(1, iterations, reps);
  note('CPU-bound scaling, 2 children…');
  const two = await measure(2, iterations, reps);
  const efficiency = (t1, t2) => (100 * t1) / (2 * t2);
  const forklineEfficiency = efficiency(one.forkline, two.forkline);
  return [
    makeCase({ group: 'scaling', serialization: serializationLabel(undefined), name: `CPU-bound ${TASKS} × ${TASK_MS} ms, 1 child`, unit: 's', better: 'lower', forkline: one.forkline / 1000, baselines: { raw: one.raw / 1000 } }),
    makeCase({ group: 'scaling', serialization: serializationLabel(undefined), name: `CPU-bound ${TASKS} × ${TASK_MS} ms, 2 children`, unit: 's', better: 'lower', forkline: two.forkline / 1000, baselines: { raw: two.raw / 1000 } }),
    makeCase({
      group: 'scaling',
      serialization: serializationLabel(undefined),
      name: 'CPU-bound scaling efficiency, 2 children',
      unit: '% of ideal',
      better: 'higher',
      forkline: forklineEfficiency,
      baselines: { raw: efficiency(one.raw, two.raw) },
      target: '≥97% of ideal',
      met: forklineEfficiency >= 97,
    }),
  ];
}
