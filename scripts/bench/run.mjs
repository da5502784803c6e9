/**
 * `npm run bench [-- --quick] [GROUP...]`: runs forkline and its baselines side by side, case
 * group by case group, prints the table and writes bench/results.json.
 *
 * Groups: throughput, comm, roundtrip, scaling, startup, cli, rss, memory, scale (forkline/queue against
 * raw BullMQ and raw Redis streams, over a redis-server it starts: scripts/bench/queue-scale.mjs).
 * `--quick` took about a minute and a half on a quiet 2-core machine before the memory group came
 * (scale ~45 s of it: a killed worker's call takes seconds to recover by design); at load average
 * 10 a whole --quick run took 6 minutes, memory 37 s and roundtrip 16 s of it. `--out FILE`
 * writes the results elsewhere. The table's header and `meta` record the Node and V8 versions, and each
 * case the serialization its forkline side used.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import cli from './cli.mjs';
import comm from './comm.mjs';
import memory from './memory.mjs';
import roundtrip from './roundtrip.mjs';
import rss from './rss.mjs';
import scale from './queue-scale.mjs';
import scaling from './scaling.mjs';
import startup from './startup.mjs';
import throughput from './throughput.mjs';
import { foreignLoad, note, printTable, serializationLabel, writeResults } from './stats.mjs';

const GROUPS = { throughput, comm, roundtrip, scaling, startup, cli, rss, memory, scale };

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : fileURLToPath(new URL('../../bench/results.json', import.meta.url));
const wanted = args.filter((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--out');
const unknown = wanted.filter((name) => !(name in GROUPS));
if (unknown.length > 0) {
  console.error(`Unknown case group ${unknown.join(', ')}; the groups are: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? Object.keys(GROUPS).filter((name) => wanted.includes(name)) : Object.keys(GROUPS);

const started = performance.now();
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  platform: `${process.platform} ${process.arch}`,
  cpus: availableParallelism(),
  cpu: cpus()[0]?.model,
  quick,
  groups: selected,
  loadavg_before: loadavg().map((value) => Number(value.toFixed(2))),
};
process.stderr.write(`forkline bench${quick ? ' --quick' : ''} on Node ${process.version}: ${selected.join(', ')} (load average ${meta.loadavg_before.join(', ')})\n`);
/**
 * The serialization of cases whose group does not record one: startup.mjs (owned elsewhere)
 * forks its children with the default.
 */
const GROUP_SERIALIZATION = { startup: serializationLabel(undefined) };
const cases = [];
const seconds = {};
const otherLoad = {};
for (const name of selected) {
  const groupStarted = performance.now();
  const load = foreignLoad();
  const groupCases = await GROUPS[name]({ quick });
  for (const item of groupCases) item.serialization ??= GROUP_SERIALIZATION[name] ?? 'unrecorded';
  cases.push(...groupCases);
  seconds[name] = Number(((performance.now() - groupStarted) / 1000).toFixed(1));
  const other = load();
  if (other !== undefined) otherLoad[name] = Number(other.toFixed(2));
  note(`${name}: ${seconds[name]} s${other === undefined ? '' : `, other processes used ${other.toFixed(2)} CPUs meanwhile`}`);
}
meta.seconds = { ...seconds, total: Number(((performance.now() - started) / 1000).toFixed(1)) };
// CPUs' worth of time that processes outside the benchmark used during each group: anything
// well above 0 on a 2-CPU machine means that group's figures were measured on a busy machine.
meta.other_load_cpus = otherLoad;
meta.loadavg_after = loadavg().map((value) => Number(value.toFixed(2)));

process.stdout.write(`\nforkline bench${quick ? ' --quick' : ''}, ${meta.date}: Node ${meta.node} (V8 ${meta.v8}), ${meta.platform}, ${meta.cpus} CPUs (${meta.cpu ?? 'unknown model'})\n\n`);
printTable(cases);
for (const item of cases) if (item.notes) process.stdout.write(`  ${item.name}: ${item.notes}\n`);
const missed = cases.filter((item) => item.met === false).map((item) => item.name);
const busy = Object.entries(otherLoad).filter(([, cpus]) => cpus >= 0.25);
if (busy.length > 0) {
  process.stdout.write(`  Other processes were busy during: ${busy.map(([name, cpus]) => `${name} (${cpus} CPUs)`).join(', ')}; take those figures with care.\n`);
}
process.stdout.write(`\n${cases.filter((item) => item.met === true).length} targets met, ${missed.length} missed${missed.length ? `: ${missed.join('; ')}` : ''}. ${meta.seconds.total} s.\n`);
writeResults(out, { meta, cases });
process.stdout.write(`Results: ${out}\n`);
