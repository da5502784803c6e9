/**
 * Request round trip: a task that awaits `comm.request(i)` 2,000 times in a row, answered by the
 * host's 'comm-request' handler, against a raw `fork()` child that sends `{ t: 'rq', i }` and
 * waits for the host's reply, with 'json' (the issue's baseline) and 'advanced'. Latency is timed
 * in the child around each request (performance.now()); the list comes back as the result.
 *
 * Two placements, taking turns run by run so both see the same load from elsewhere:
 * - unpinned, as users run it: the OS moves host and child between CPUs. A round trip here is
 *   then either ~17 µs (both on one CPU) or ~55 µs (a wake-up across CPUs), and the wake-ups and
 *   the channel stall for 1–5 ms now and then: the tail that p99 and max show;
 * - pinned (Linux, taskset): host on CPU 0, every child on CPU 1, the steady case of a busy pool,
 *   which hides that tail.
 * All four sides (raw json, raw advanced, forkline default, forkline json) are up at once and run
 * one after another, so each ratio compares figures of the same minutes.
 */
import { Comm } from 'forkline';
import { availableParallelism } from 'node:os';
import { RawPool } from './raw-pool.mjs';
import { tasks, withScheduler } from './session.mjs';
import { DEFAULT_SERIALIZATION, affinity, childPids, makeCase, median, note, percentile, pin, serializationLabel } from './stats.mjs';

/** Requests per run: one task call, as the issue measured (stalls recur at positions in a run). */
const REQUESTS = 2000;
/** A request slower than this counts as a stall in the notes. */
const STALL_MS = 1;

/** A forkline side: one task answering every request with its data. */
function forklineSide(scheduler) {
  const task = scheduler.task(tasks.roundtrip, { plugins: [Comm.Plugin()] });
  task.on('comm-request', (msg) => {
    msg.respond(msg.data);
  });
  return (n) => task.submit(n);
}

/** Runs `body(sides)` with the four sides up, each a function from n to n latencies (ms). */
async function withSides(body) {
  const raw = await RawPool.start(1, 'json');
  const rawAdvanced = await RawPool.start(1, 'advanced');
  try {
    return await withScheduler(1, {}, (byDefault) =>
      withScheduler(1, { serialization: 'json' }, (json) =>
        body({
          raw: (n) => raw.roundtrip(n),
          raw_advanced: (n) => rawAdvanced.roundtrip(n),
          forkline: forklineSide(byDefault),
          forkline_json: forklineSide(json),
        }),
      ),
    );
  } finally {
    await Promise.all([raw.close(), rawAdvanced.close()]);
  }
}

/**
 * `runs` rounds; in each, every side does one run of REQUESTS unpinned, then one pinned (where
 * pinning works). Resolves to `{ unpinned: { side: runs }, pinned?: { side: runs } }`, each run
 * the REQUESTS latencies (ms) of one call.
 */
async function measure(runs) {
  return withSides(async (sides) => {
    // Warm-up: loads the task module, compiles both sides' loops.
    for (const run of Object.values(sides)) await run(REQUESTS / 4);
    const original = availableParallelism() >= 2 ? affinity(process.pid) : undefined;
    const empty = () => Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
    const latencies = { unpinned: empty(), pinned: empty() };
    let pinned = original !== undefined;
    try {
      for (let round = 0; round < runs; round++) {
        for (const name of Object.keys(sides)) latencies.unpinned[name].push(await sides[name](REQUESTS));
        if (!pinned) continue;
        pinned = pin(process.pid, '0') && childPids().every((pid) => pin(pid, '1'));
        if (pinned) for (const name of Object.keys(sides)) latencies.pinned[name].push(await sides[name](REQUESTS));
        for (const pid of [process.pid, ...childPids()]) pin(pid, original);
      }
    } finally {
      // Children forked later inherit the host's affinity: put it back as it was.
      if (original !== undefined) for (const pid of [process.pid, ...childPids()]) pin(pid, original);
    }
    if (!pinned) delete latencies.pinned;
    return latencies;
  });
}

const STATISTICS = [
  { label: 'p50', of: median, limit: 1.1 },
  { label: 'p99', of: (values) => percentile(values, 99), limit: 1.3 },
  { label: 'max', of: (values) => Math.max(...values) },
];

export default async function roundtrip({ quick }) {
  const runs = quick ? 2 : 8;
  note(`request round trip: ${runs} × ${REQUESTS.toLocaleString('en')} requests a side, raw json, raw advanced, forkline default and json, unpinned and pinned in turns…`);
  const latencies = await measure(runs);
  const micros = (values, statistic) => statistic(values) * 1000;
  // The range of a statistic over the runs one by one: how much one run's load moved it.
  const spread = (runs, statistic) => {
    const each = runs.map((run) => micros(run, statistic));
    return `${Math.min(...each).toFixed(0)}–${Math.max(...each).toFixed(0)}`;
  };
  const stalls = (values) => values.filter((ms) => ms > STALL_MS).length;
  const cases = [];
  for (const [placement, runsOf] of Object.entries(latencies)) {
    const sides = Object.fromEntries(Object.entries(runsOf).map(([name, runs]) => [name, runs.flat()]));
    for (const { label, of, limit } of STATISTICS) {
      // The issue's baseline: request/response with fork()'s default 'json', in the same placement.
      const raw = micros(sides.raw, of);
      const rawAdvanced = micros(sides.raw_advanced, of);
      for (const [side, serialization] of [['forkline', undefined], ['forkline_json', 'json']]) {
        const forkline = micros(sides[side], of);
        const onDefault = serialization === undefined;
        const notes = [];
        if (onDefault && label === 'p99' && placement === 'unpinned') notes.push("moonshot: ≤155 µs, amltk's unpinned p99 (issue 15)");
        notes.push(
          label === 'max'
            ? `requests over ${STALL_MS} ms of ${sides.raw.length.toLocaleString('en')}: forkline ${stalls(sides[side])}, raw json ${stalls(sides.raw)}, raw advanced ${stalls(sides.raw_advanced)}`
            : `per run of ${REQUESTS.toLocaleString('en')}: forkline ${spread(runsOf[side], of)} µs, raw json ${spread(runsOf.raw, of)} µs`,
        );
        cases.push(
          makeCase({
            group: 'roundtrip',
            name: `round trip ${label}, ${placement}, ${serializationLabel(serialization)}`,
            unit: 'µs',
            better: 'lower',
            serialization: serializationLabel(serialization),
            forkline,
            baselines: { raw, raw_advanced: rawAdvanced },
            ...(onDefault && DEFAULT_SERIALIZATION === 'advanced' ? { sameSerialization: rawAdvanced } : {}),
            // The issue's targets are on the default; json rows show their ratio beside it.
            ...(onDefault && limit !== undefined ? { target: `≤${limit}× raw json`, met: forkline / raw <= limit } : {}),
            notes: notes.join('; '),
          }),
        );
      }
    }
  }
  if (latencies.pinned === undefined) cases[0].notes = `no pinned figures: taskset is missing or cannot pin here${cases[0].notes ? `; ${cases[0].notes}` : ''}`;
  return cases;
}
