/**
 * Request round trip: a task that awaits `comm.request(i)` n times in a row, answered by the
 * host's 'comm-request' handler, against a raw child that sends `{ t: 'rq', i }` and waits for
 * the host's reply. Latency is timed in the child around each request (performance.now()), and
 * the list comes back as the task's result.
 */
import { Comm } from 'forkline';
import { RawPool } from './raw-pool.mjs';
import { tasks, withScheduler } from './session.mjs';
import { makeCase, median, note, percentile } from './stats.mjs';

async function measure(serialization, n, reps) {
  const pool = await RawPool.start(1, serialization);
  try {
    return await withScheduler(1, { serialization }, async (scheduler) => {
      const task = scheduler.task(tasks.roundtrip, { plugins: [Comm.Plugin()] });
      task.on('comm-request', (msg) => {
        msg.respond(msg.data);
      });
      const runs = { forkline: (count) => task.submit(count), raw: (count) => pool.roundtrip(count) };
      for (const run of Object.values(runs)) await run(Math.ceil(n / 5));
      // Latencies of all repetitions together, in turns, so that both see the same load.
      const latencies = { forkline: [], raw: [] };
      for (let rep = 0; rep < reps; rep++) {
        for (const [name, run] of Object.entries(runs)) latencies[name].push(...(await run(n)));
      }
      return latencies;
    });
  } finally {
    await pool.close();
  }
}

export default async function roundtrip({ quick }) {
  const n = quick ? 5_000 : 20_000;
  const reps = quick ? 2 : 3;
  const latencies = {};
  for (const serialization of ['json', 'advanced']) {
    note(`request round trip (${serialization})…`);
    latencies[serialization] = await measure(serialization, n, reps);
  }
  const micros = (values, statistic) => statistic(values) * 1000;
  const cases = [];
  for (const [label, statistic, limit] of [
    ['median', median, 1.15],
    ['p99', (values) => percentile(values, 99), 1.3],
  ]) {
    // The issue's baseline: request/response with fork()'s default 'json'.
    const raw = micros(latencies.json.raw, statistic);
    for (const serialization of ['json', 'advanced']) {
      const forkline = micros(latencies[serialization].forkline, statistic);
      cases.push(
        makeCase({
          group: 'roundtrip',
          name: `request round trip ${label}, forkline ${serialization}${serialization === 'advanced' ? ' (default)' : ''}`,
          unit: 'µs',
          better: 'lower',
          forkline,
          baselines: { raw, raw_advanced: micros(latencies.advanced.raw, statistic) },
          ...(serialization === 'json' ? {} : { sameSerialization: micros(latencies[serialization].raw, statistic) }),
          target: `≤${limit}× raw json`,
          met: forkline / raw <= limit,
        }),
      );
    }
  }
  return cases;
}
