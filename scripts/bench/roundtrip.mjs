/**
 * Request round trip: a task that awaits `comm.request(i)` n times in a row, answered by the
 * host's 'comm-request' handler, against a raw child that sends `{ t: 'rq', i }` and waits for
 * the host's reply. Latency is timed in the child around each request (performance.now()), and
 * the list comes back as the task's result.
 *
 * On Linux the host and the children are pinned to different CPUs (taskset) while timed: left to
 * the OS, a round trip here is either ~17 µs (both on one CPU) or ~55 µs (a wake-up across
 * CPUs), flipping every few hundred requests, which makes a median of either side land on one
 * mode or the other by chance. Separate CPUs is the usual case of a busy pool.
 */
import { Comm } from 'forkline';
import { RawPool } from './raw-pool.mjs';
import { tasks, withScheduler } from './session.mjs';
import { availableParallelism } from 'node:os';
import { affinity, childPids, makeCase, median, note, percentile, pin } from './stats.mjs';

/**
 * Latencies (ms) of `chunks` × `n` round trips each way, forkline and raw taking turns chunk by
 * chunk, so that both see the same load from elsewhere on the machine.
 */
async function measure(serialization, n, chunks) {
  const pool = await RawPool.start(1, serialization);
  try {
    return await withScheduler(1, { serialization }, async (scheduler) => {
      const task = scheduler.task(tasks.roundtrip, { plugins: [Comm.Plugin()] });
      task.on('comm-request', (msg) => {
        msg.respond(msg.data);
      });
      const runs = { forkline: (count) => task.submit(count), raw: (count) => pool.roundtrip(count) };
      for (const run of Object.values(runs)) await run(n);
      const original = availableParallelism() >= 2 ? affinity(process.pid) : undefined;
      const pinned = original !== undefined && pin(process.pid, '0') && childPids().every((pid) => pin(pid, '1'));
      const latencies = { forkline: [], raw: [], pinned };
      try {
        for (let chunk = 0; chunk < chunks; chunk++) {
          for (const [name, run] of Object.entries(runs)) latencies[name].push(...(await run(n)));
        }
      } finally {
        // Children forked later inherit the host's affinity: put it back as it was.
        if (original !== undefined) for (const pid of [process.pid, ...childPids()]) pin(pid, original);
      }
      return latencies;
    });
  } finally {
    await pool.close();
  }
}

export default async function roundtrip({ quick }) {
  const n = 500;
  const chunks = quick ? 16 : 80;
  const latencies = {};
  for (const serialization of ['json', 'advanced']) {
    note(`request round trip (${serialization})…`);
    latencies[serialization] = await measure(serialization, n, chunks);
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
          name: `round trip ${label}, ${serialization}${serialization === 'advanced' ? ' (default)' : ''}`,
          unit: 'µs',
          better: 'lower',
          forkline,
          baselines: { raw, raw_advanced: micros(latencies.advanced.raw, statistic) },
          ...(serialization === 'json' ? {} : { sameSerialization: micros(latencies[serialization].raw, statistic) }),
          target: `≤${limit}× raw json`,
          ...(cases.length === 0 && latencies[serialization].pinned ? { notes: 'all round trips timed with host and child pinned to different CPUs' } : {}),
          met: forkline / raw <= limit,
        }),
      );
    }
  }
  return cases;
}
