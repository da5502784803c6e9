/**
 * The live display's cost: `forkline run` over a batch of tiny calls (100,000 by default), in a
 * pseudo-terminal (util-linux `script`), with the live display and with --no-progress, rounds
 * alternated so both see the same load. Prints medians, ranges and the ratio.
 *
 *   node scripts/bench/progress.mjs [calls] [rounds]
 *
 * Everything else is the same in both arms (workers, the results file, the queue monitor, the
 * comm), so the difference is the display: its event handlers and its frames. Wall time on a
 * shared machine is noisy; GNU time's CPU seconds (the host and its children) are steadier, and
 * are reported beside it when /usr/bin/time exists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const calls = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const bin = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
const taskModule = fileURLToPath(new URL('./tasks/tiny.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'forkline-bench-progress-'));
const input = join(dir, 'calls.jsonl');
writeFileSync(input, Array.from({ length: calls }, (_, index) => `[${index}]`).join('\n') + '\n');

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Wall seconds one `forkline run` takes in a pty, from spawn to exit, and its CPU seconds. */
function once(display, round) {
  const out = join(dir, `results-${display ? 'live' : 'off'}-${round}.jsonl`);
  const cpuFile = join(dir, 'cpu.txt');
  const command = [
    ...(timeBin ? [timeBin, '-f', '%U %S', '-o', cpuFile] : []),
    process.execPath,
    bin,
    'run',
    `${taskModule}#echo`,
    '--input',
    input,
    '--out',
    out,
    '--workers',
    '2',
    ...(display ? [] : ['--no-progress']),
  ];
  const quoted = command.map((part) => `'${part}'`).join(' ');
  const started = performance.now();
  execFileSync('script', ['-qfec', quoted, '/dev/null'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, COLUMNS: '100', LINES: '30' } });
  const wall = (performance.now() - started) / 1000;
  const cpu = timeBin ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number).reduce((a, b) => a + b, 0) : Number.NaN;
  (display ? live : off).push({ wall, cpu });
}

const live = [];
const off = [];
try {
  once(true, 'warm-up');
  live.pop();
  for (let round = 0; round < rounds; round++) {
    // Alternate which arm goes first, so a drift in the machine's load hits both.
    if (round % 2 === 0) {
      once(false, round);
      once(true, round);
    } else {
      once(true, round);
      once(false, round);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const range = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)} s`;
const wall = (runs) => runs.map((run) => run.wall);
const cpu = (runs) => runs.map((run) => run.cpu);
console.log(`forkline run, ${calls.toLocaleString('en')} tiny calls on 2 workers, ${rounds} rounds in a pty:`);
for (const [name, runs] of [['--no-progress', off], ['live display', live]]) {
  console.log(
    `  ${name.padEnd(14)} wall median ${median(wall(runs)).toFixed(2)} s (${range(wall(runs))}), ${Math.round(calls / median(wall(runs))).toLocaleString('en')} calls/s;` +
      ` CPU median ${median(cpu(runs)).toFixed(2)} s (${range(cpu(runs))})`,
  );
}
console.log(`  display / none: wall ${(median(wall(live)) / median(wall(off))).toFixed(3)}×, CPU ${(median(cpu(live)) / median(cpu(off))).toFixed(3)}×`);
