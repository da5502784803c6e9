/**
 * The `scale` group: forkline/queue over BullMQ and Redis against raw baselines measured in the
 * same run, over the unix socket of a redis-server the bench starts itself (queue-redis.mjs).
 *
 * - tiny calls/s (queue-calls.mjs): withQueue() + two `forkline worker` processes against raw
 *   BullMQ with two worker processes, concurrency 2 in all on both sides. Target ≥0.8× raw.
 * - comm round trip (queue-comm.mjs): comm.request answered by the host against a raw Redis
 *   stream round trip (XADD + XREAD BLOCK). Target ≤1.2× raw, median.
 * - recovery (queue-recovery.mjs): SIGKILL the worker running a call, time until it fails with
 *   WorkerCrashedError or returns from the other worker; defaults and fast lock/stall settings.
 *   Target: within lockDuration + 2 × stalledInterval (+0.5 s to take the job again and run it).
 */
import { measureCalls, CONCURRENCY, WORKERS } from './queue-calls.mjs';
import { measureRoundTrips } from './queue-comm.mjs';
import { measureRecovery, SETTINGS } from './queue-recovery.mjs';
import { startRedis } from './queue-redis.mjs';
import { format, makeCase, median, note, percentile } from './stats.mjs';

/** What the recovery bound allows beyond BullMQ's lock and stall settings: taking the job again, running it. */
const PICKUP_MS = 500;

const cpuText = ({ host, workers, redis }) => `host ${format(host)} + workers ${format(workers)} + redis ${format(redis)} = ${format(host + workers + redis)}`;
const range = (values) => `${format(Math.min(...values))}–${format(Math.max(...values))}`;

export default async function scale({ quick }) {
  const redis = await startRedis();
  const cases = [];
  try {
    note('tiny calls: forkline/queue vs raw BullMQ…');
    const calls = await measureCalls(redis, quick ? { batch: 300, batches: 5 } : { batch: 1000, batches: 7 });
    const callsRatio = calls.forkline.median / calls.raw.median;
    cases.push(
      makeCase({
        group: 'scale',
          serialization: 'advanced',
        name: `queue tiny calls (${WORKERS} workers × concurrency ${CONCURRENCY})`,
        unit: 'calls/s',
        better: 'higher',
        forkline: calls.forkline.median,
        baselines: { raw: calls.raw.median, raw_bullmq_sandboxed: calls.sandboxed.median },
        target: '≥0.8× raw BullMQ no-op jobs',
        met: callsRatio >= 0.8,
        notes: `median of ${calls.raw.runs.length} batches each; forkline ${range(calls.forkline.runs)}, raw BullMQ ${range(calls.raw.runs)}, sandboxed ${range(calls.sandboxed.runs)} calls/s; CPU µs per call: ${cpuText(calls.forkline.cpu)} (raw: ${cpuText(calls.raw.cpu)}; sandboxed: ${cpuText(calls.sandboxed.cpu)})`,
      }),
    );

    note('comm round trip: forkline/queue vs raw Redis stream…');
    const trips = await measureRoundTrips(redis, quick ? { n: 200, chunks: 5 } : { n: 300, chunks: 15 });
    for (const [label, statistic, limit] of [
      ['median', median, 1.2],
      ['p99', (values) => percentile(values, 99), undefined],
    ]) {
      const forkline = statistic(trips.forkline) * 1000;
      const raw = statistic(trips.raw) * 1000;
      cases.push(
        makeCase({
          group: 'scale',
          serialization: 'advanced',
          name: `queue comm round trip ${label}`,
          unit: 'µs',
          better: 'lower',
          forkline,
          baselines: { raw, forkline_local_pipe: statistic(trips.local) * 1000 },
          ...(limit === undefined ? {} : { target: `≤${limit}× raw Redis stream`, met: forkline / raw <= limit, notes: `${trips.raw.length} round trips each` }),
        }),
      );
    }

    note('recovering a killed worker’s call (defaults, then fast lock/stall settings)…');
    const recovery = await measureRecovery(redis, { samples: quick ? { defaults: 1, fast: 2 } : { defaults: 3, fast: 5 } });
    for (const [setting, { lockDuration, stalledInterval }] of Object.entries(SETTINGS)) {
      for (const [crashRetries, { ms, orphans }] of Object.entries(recovery[setting])) {
        // BullMQ's part (queue-recovery.mjs), plus the time to take the job again and run the call.
        const bound = lockDuration + 2 * stalledInterval + PICKUP_MS;
        cases.push(
          makeCase({
            group: 'scale',
          serialization: 'advanced',
            name: `queue killed worker → ${crashRetries === '0' ? 'WorkerCrashedError' : 'result from the other worker'} (lock ${lockDuration / 1000} s, stall ${stalledInterval / 1000} s)`,
            unit: 'ms',
            better: 'lower',
            forkline: median(ms),
            baselines: {},
            ratio: null,
            target: `≤${bound / 1000} s (lockDuration + 2 × stalledInterval + ${PICKUP_MS / 1000} s)`,
            met: Math.max(...ms) <= bound,
            notes: `median of ${ms.length} kill${ms.length === 1 ? '' : 's'}, ${range(ms)} ms; ${orphans === 0 ? 'no killed worker’s child outlived it' : `${orphans} killed worker's child(ren) still alive 1 s after the call settled`}`,
          }),
        );
      }
    }
  } finally {
    await redis.stop();
  }
  return cases;
}
