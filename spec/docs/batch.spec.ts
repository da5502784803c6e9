/**
 * The README's "Batch from the command line" runs as a user would paste it: the shell block in a
 * fresh directory where forkline is installed (linked), with `npx forkline`; and the library
 * example of forkline/progress in docs/batch runs and prints what it says.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

test('the shell block of "Batch from the command line" runs in a fresh project: results, summary, then --resume reruns only the failure', async () => {
  const text = section(readFileSync(join(root, 'README.md'), 'utf8'), 'Batch from the command line');
  const shell = /```sh\n([\s\S]*?)```/.exec(text)?.[1];
  expect(shell).toContain('npx forkline run ./experiments.ts#train');
  const dir = mkdtempSync(join(tmpdir(), 'forkline-readme-batch-'));
  try {
    // What `npm install forkline` leaves: the package and its bin.
    mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules/forkline'));
    symlinkSync('../forkline/dist/lib/cli/main.js', join(dir, 'node_modules/.bin/forkline'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'experiments', private: true, type: 'module', dependencies: { forkline: '*' } }));
    copyFileSync(join(root, 'docs/batch/experiments.ts'), join(dir, 'experiments.ts'));
    // Each command's output and exit code, as a person watching the terminal sees them.
    const script = shell!
      .trim()
      .split('\n')
      .map((line) => `${line}; echo "exit=$?"`)
      .join('\n');
    const { stdout } = await run('bash', ['-c', script], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' } });
    const [first = '', second = ''] = stdout.split(/exit=\d+\n/).slice(1);
    expect(stdout.match(/exit=\d+/g)).toEqual(['exit=0', 'exit=1', 'exit=1']);
    expect(first).toContain('succeeded 2, failed 1');
    expect(first).toContain('RangeError ×1, e.g. line 3: lr 3 diverges; keep it <= 1');
    expect(second).toContain('succeeded 0, failed 1, skipped 2 (done before)');
    const records = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const outcomes = records.map((record) => `${String(record.line)} ${String(record.ok)}`).sort();
    expect(outcomes).toEqual(['1 true', '2 true', '3 false', '3 false']);
    expect(records.every((record) => record.attempts === 1 && typeof record.worker === 'number')).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/batch/progress.ts: a scheduler with forkline/progress prints its results, and its progress goes to stderr', async () => {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'forkline/register', 'docs/batch/progress.ts'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  expect(stdout.trimEnd().split('\n').slice(0, 4).sort()).toEqual(['lr 0.1: loss 0.776', 'lr 0.2: loss 0.599', 'lr 0.3: loss 0.459', 'lr 0.4: loss 0.349']);
  expect(stdout.trimEnd().split('\n')[4]).toBe("{ code: 'exhausted' }");
  expect(stderr).toMatch(/^training \[[^\]]+\] 4\/4 calls, done 4, failed 0, running 0, [\d.]+\/s, ETA 0 ms$/m);
});
