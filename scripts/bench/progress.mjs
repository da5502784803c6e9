/**
 * The live display's cost: `forkline run` over a batch of tiny calls (100,000 by default), in a
 * pseudo-terminal (util-linux `script`), with the live display and with --no-progress, rounds
 * alternated so both see the same load. Prints medians, ranges and the ratio.
 *
 *   node scripts/bench/progress.mjs [calls] [rounds]
 *
 * Everything else is the same in both arms (workers, the results file, the queue monitor, the
 * comm), so the difference is the display: its event handlers and its frames.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** Seconds one `forkline run` takes in a pty, from spawn to exit. */
function once(display, round) {
  const out = join(dir, `results-${display ? 'live' : 'off'}-${round}.jsonl`);
  const command = [bin, 'run', `${taskModule}#echo`, '--input', input, '--out', out, '--workers', '2', ...(display ? [] : ['--no-progress'])];
  const quoted = command.map((part) => `'${part}'`).join(' ');
  const started = performance.now();
  execFileSync('script', ['-qfec', quoted, '/dev/null'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, COLUMNS: '100', LINES: '30' } });
  return (performance.now() - started) / 1000;
}

const live = [];
const off = [];
try {
  once(true, 'warm-up');
  for (let round = 0; round < rounds; round++) {
    // Alternate which arm goes first, so a drift in the machine's load hits both.
    if (round % 2 === 0) {
      off.push(once(false, round));
      live.push(once(true, round));
    } else {
      live.push(once(true, round));
      off.push(once(false, round));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const range = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)} s`;
console.log(`forkline run, ${calls.toLocaleString('en')} tiny calls on 2 workers, ${rounds} rounds in a pty:`);
console.log(`  --no-progress   median ${median(off).toFixed(2)} s  (${range(off)})  ${Math.round(calls / median(off)).toLocaleString('en')} calls/s`);
console.log(`  live display    median ${median(live).toFixed(2)} s  (${range(live)})  ${Math.round(calls / median(live)).toLocaleString('en')} calls/s`);
console.log(`  display / none  ${(median(live) / median(off)).toFixed(3)}×`);
