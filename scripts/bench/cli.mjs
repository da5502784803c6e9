/**
 * CLI start-up: what a command-line tool pays on every invocation. Each sample is a fresh `node`
 * process, timed from spawn to exit:
 * - `import('forkline')` alone, against `node` doing nothing (what loading the library adds);
 * - a small program (fib on four values in two child processes, printed, exit) written with
 *   forkline, tinypool (runtime 'child_process') and workerpool (workerType 'process').
 * The programs run interleaved, so a busy moment of the shared machine hits all of them alike.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeCase, median, note, serializationLabel } from './stats.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const PROGRAMS = {
  node: ['--input-type=module', '-e', ''],
  import: ['--input-type=module', '-e', "await import('forkline')"],
  forkline: [here('./cli/forkline.mjs')],
  tinypool: [here('./cli/tinypool.mjs')],
  workerpool: [here('./cli/workerpool.mjs')],
};
const EXPECTED = '46368 75025 121393 196418';

/** ms from spawning `node ...args` to its exit; checks what the program printed. */
function wallTime(name) {
  const started = performance.now();
  const child = spawn(process.execPath, PROGRAMS[name], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`${name} exited with ${code}`));
      else if (!['node', 'import'].includes(name) && out.trim() !== EXPECTED) reject(new Error(`${name} printed ${out}`));
      else resolve(ms);
    });
  });
}

export default async function cli({ quick }) {
  const reps = quick ? 5 : 15;
  note('CLI start-up: warming up…');
  for (const name of Object.keys(PROGRAMS)) await wallTime(name);
  const times = Object.fromEntries(Object.keys(PROGRAMS).map((name) => [name, []]));
  for (let rep = 0; rep < reps; rep++) for (const name of Object.keys(PROGRAMS)) times[name].push(await wallTime(name));
  const at = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
  const range = (name) => `${Math.round(Math.min(...times[name]))}–${Math.round(Math.max(...times[name]))} ms`;
  const ratio = at.forkline / at.tinypool;
  return [
    makeCase({
      group: 'cli',
      serialization: 'n/a',
      name: "node -e \"await import('forkline')\"",
      unit: 'ms',
      better: 'lower',
      forkline: at.import,
      baselines: { raw: at.node },
      notes: `${Math.round(at.import - at.node)} ms over an empty node (${range('import')} vs ${range('node')})`,
    }),
    makeCase({
      group: 'cli',
      serialization: serializationLabel(undefined),
      name: 'fib×4 program, start to exit',
      unit: 'ms',
      better: 'lower',
      forkline: at.forkline,
      baselines: { raw: at.node, tinypool: at.tinypool, workerpool: at.workerpool },
      target: `≤1.2× tinypool (${ratio.toFixed(2)}×)`,
      met: ratio <= 1.2,
      notes: `ranges: forkline ${range('forkline')}, tinypool ${range('tinypool')}, workerpool ${range('workerpool')}`,
    }),
  ];
}
