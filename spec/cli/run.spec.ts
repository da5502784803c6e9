/**
 * `forkline run` end to end: the bin spawned as a user runs it, real children, real files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAlive } from '../helpers.js';
import { BATCH_TASK, jsonl, readExecutions, readResults, runBin, spawnBin, until, workspacePerTest } from './helpers.js';

const task = `${BATCH_TASK}#square`;
const space = workspacePerTest();

test('a JSONL batch with failing calls: one record per call, errors with class and message, plain progress, exit code 1', async () => {
  const input = space.write('configs.jsonl', jsonl(10, (n) => ({ fail: n % 4 === 0 })));
  const { code, stdout, stderr } = await runBin(['run', task, '--input', input, '--out', 'results.jsonl', '--workers', '2'], {
    cwd: space.dir,
    env: { FORKLINE_SPEC_LOG: space.log },
  });
  expect(code).toBe(1);
  const records = readResults(space.path('results.jsonl'));
  expect(records.map((record) => record.line).sort((a, b) => Number(a) - Number(b))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const failed = records.filter((record) => !record.ok);
  expect(failed.map((record) => record.line).sort()).toEqual([4, 8]);
  expect(failed[0]?.error).toEqual({ class: 'RangeError', message: `n=${String(failed[0]?.line)} was asked to fail` });
  const third = records.find((record) => record.line === 3)!;
  expect(third).toMatchObject({ args: [{ n: 3, fail: false }], ok: true, result: 9, attempts: 1 });
  expect(typeof third.durationMs).toBe('number');
  expect(readExecutions(space.log).map((run) => run.pid)).toContain(third.worker);
  // Not a TTY: plain lines, no escape codes, and the summary on stdout.
  expect(stderr).toMatch(/forkline run square \[[^\]]+\] 10\/10 calls, done 8, failed 2/);
  expect(stderr).not.toContain('\u001B[');
  expect(stdout).toContain('succeeded 8, failed 2');
  expect(stdout).toMatch(/RangeError ×2, e\.g\. line [48]: n=[48] was asked to fail/);
  expect(readFileSync(space.path('results.monitor.csv'), 'utf8').split('\n')[0]).toBe('t,queued,running,done,failed');
  expect(readFileSync(space.path('results.monitor.svg'), 'utf8')).toContain('<polyline');
});

test('every call succeeding exits 0; the results file is refused without --resume', async () => {
  const input = space.write('configs.jsonl', jsonl(3));
  const first = await runBin(['run', task, '-i', input, '--workers', '1', '--json'], { cwd: space.dir });
  expect(first.code).toBe(0);
  const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(summary).toMatchObject({ type: 'summary', succeeded: 3, failed: 0, notRun: 0, interrupted: false });
  const again = await runBin(['run', task, '-i', input, '--workers', '1'], { cwd: space.dir });
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('results.jsonl exists: add --resume');
  // The input changed since: --resume refuses to mix two batches in one file.
  space.write('configs.jsonl', jsonl(3, (n) => ({ fail: n === 2 })));
  const changed = await runBin(['run', task, '-i', input, '--workers', '1', '--resume'], { cwd: space.dir });
  expect(changed.code).toBe(2);
  expect(changed.stderr).toContain('--resume: input line 1 is [{"n":1,"fail":false}], but');
  expect(changed.stderr).toContain('finished it as [{"n":1}]. The input changed since that run; write to a new --out file, or restore the input.');
});

test('--resume after a SIGKILL of the host: nothing written is run again, nothing is missing', async () => {
  const count = 40;
  const input = space.write('configs.jsonl', jsonl(count, (n) => ({ sleep: 40, fail: n === 7 })));
  const out = space.path('results.jsonl');
  const args = ['run', task, '--input', input, '--out', out, '--workers', '2', '--max-in-flight', '4'];
  const first = spawnBin(args, { cwd: space.dir, env: { FORKLINE_SPEC_LOG: space.log, FORKLINE_SPEC_RUN: '1' } });
  while (readResults(out).length < 10) await new Promise((resolve) => setTimeout(resolve, 20));
  first.child.kill('SIGKILL');
  expect((await first.finished).signal).toBe('SIGKILL');
  // The host's children notice and exit on their own.
  const pids = new Set(readExecutions(space.log).map((run) => run.pid));
  for (const pid of pids) await until(() => !isAlive(pid), `child ${pid} to exit`);

  const written = readResults(out);
  const doneBefore = new Set(written.filter((record) => record.ok).map((record) => record.line));
  expect(doneBefore.size).toBeGreaterThanOrEqual(9);
  expect(doneBefore.size).toBeLessThan(count);

  const second = await runBin([...args, '--resume'], { cwd: space.dir, env: { FORKLINE_SPEC_LOG: space.log, FORKLINE_SPEC_RUN: '2' } });
  expect(second.code).toBe(1); // line 7 fails in both runs
  const rerun = readExecutions(space.log).filter((run) => run.run === '2').map((run) => run.n);
  expect(rerun.filter((n) => doneBefore.has(n))).toEqual([]);
  expect(new Set(rerun).size).toBe(rerun.length);
  const last = new Map(readResults(out).map((record) => [record.line, record]));
  expect([...last.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: count }, (_, index) => index + 1));
  expect([...last.values()].filter((record) => !record.ok).map((record) => record.line)).toEqual([7]);
  expect(second.stdout).toContain(`skipped ${doneBefore.size} (done before)`);
});

test('--retries reruns a call whose child crashed, with its attempts counted; without it the crash is the result', async () => {
  const input = space.write('configs.jsonl', jsonl(4, (n) => ({ crashOnce: n === 2 })));
  const without = await runBin(['run', task, '-i', input, '-o', 'once.jsonl', '-w', '2'], { cwd: space.dir, env: { FORKLINE_SPEC_LOG: space.log } });
  expect(without.code).toBe(1);
  expect(readResults(space.path('once.jsonl')).find((record) => record.line === 2)).toMatchObject({
    ok: false,
    attempts: 1,
    error: { class: 'WorkerCrashedError', code: 'ERR_WORKER_CRASHED' },
  });

  const input2 = space.write('again.jsonl', jsonl(4, (n) => ({ crashOnce: n === 3 })));
  const withRetries = await runBin(['run', task, '-i', input2, '-o', 'retried.jsonl', '-w', '2', '--retries', '2', '--retry-delay', '10ms'], {
    cwd: space.dir,
    env: { FORKLINE_SPEC_LOG: space.log },
  });
  expect(withRetries.code).toBe(0);
  const records = readResults(space.path('retried.jsonl'));
  expect(records).toHaveLength(4);
  expect(records.find((record) => record.line === 3)).toMatchObject({ ok: true, result: 9, attempts: 2 });
  expect(withRetries.stdout).toContain('succeeded 4, failed 0, 1 retry');
});

test('Ctrl-C stops submitting, lets running calls finish and says so; the exit code is 130', async () => {
  const input = space.write('configs.jsonl', jsonl(30, () => ({ sleep: 300 })));
  const out = space.path('results.jsonl');
  const run = spawnBin(['run', task, '-i', input, '-o', out, '-w', '2'], { cwd: space.dir, env: { FORKLINE_SPEC_LOG: space.log } });
  await until(() => readExecutions(space.log).length >= 2, 'two calls to start');
  run.child.kill('SIGINT');
  const { code, stderr, stdout } = await run.finished;
  expect(code).toBe(130);
  expect(stderr).toMatch(/Stopping: no new calls; waiting for [12] running calls? to finish\. Ctrl-C again to kill them\./);
  const started = readExecutions(space.log).length;
  const records = readResults(out);
  // Every call that had started finished and was written; nothing else ran.
  expect(records.length).toBe(started);
  expect(records.every((record) => record.ok)).toBe(true);
  expect(started).toBeLessThan(30);
  expect(stdout).toContain('interrupted');
  expect(stdout).toContain(`not run ${30 - started}`);
});

test('a second Ctrl-C kills the running calls: they are not written, so --resume runs them again', async () => {
  const input = space.write('configs.jsonl', jsonl(6, () => ({ sleep: 20_000 })));
  const out = space.path('results.jsonl');
  const run = spawnBin(['run', task, '-i', input, '-o', out, '-w', '2', '--kill-grace', '200ms'], { cwd: space.dir, env: { FORKLINE_SPEC_LOG: space.log } });
  await until(() => readExecutions(space.log).length >= 2, 'two calls to start');
  run.child.kill('SIGINT');
  await until(() => run.stderr().includes('Stopping:'), 'the first notice');
  run.child.kill('SIGINT');
  const { code, stderr, stdout } = await run.finished;
  expect(code).toBe(130);
  expect(stderr).toContain('Killing 2 running calls; they are not written and --resume runs them again.');
  expect(readResults(out)).toEqual([]);
  expect(stdout).toContain('not run 6');
  for (const { pid } of readExecutions(space.log)) await until(() => !isAlive(pid), `child ${pid} to be killed`);
});

test('--wall-time fails a call that runs too long (and --retries tries it again); --rate spaces the starts; --json follows along', async () => {
  const input = space.write('configs.jsonl', jsonl(3, (n) => ({ sleep: n === 2 ? 5000 : 10 })));
  const limited = await runBin(['run', task, '-i', input, '-o', 'limited.jsonl', '-w', '2', '--wall-time', '300ms', '--retries', '1', '--retry-delay', '10ms'], {
    cwd: space.dir,
  });
  expect(limited.code).toBe(1);
  expect(readResults(space.path('limited.jsonl')).find((record) => record.line === 2)).toMatchObject({
    ok: false,
    attempts: 2,
    error: { class: 'WallTimeLimitError', code: 'ERR_WALL_TIME_LIMIT' },
  });

  const many = space.write('many.jsonl', jsonl(12));
  const rated = await runBin(['run', task, '-i', many, '-o', 'rated.jsonl', '-w', '2', '--rate', '4/s', '--json', '--progress-interval', '200ms'], {
    cwd: space.dir,
    env: { FORKLINE_SPEC_LOG: space.log },
  });
  expect(rated.code).toBe(0);
  // 12 calls at 4 a second in a sliding window that starts when the first call has started (the
  // children are up): 4, then 4 a second later, then 4 more. Load can only delay the later ones.
  const starts = readExecutions(space.log).map((run) => run.at).sort((a, b) => a - b);
  expect(starts).toHaveLength(12);
  expect(starts[11]! - starts[0]!).toBeGreaterThanOrEqual(1900);
  const lines = rated.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; succeeded: number });
  expect(lines.filter((line) => line.type === 'progress').length).toBeGreaterThanOrEqual(2);
  expect(lines.at(-1)).toMatchObject({ type: 'summary', succeeded: 12, failed: 0 });
  expect(rated.stderr).toBe('');
});

test('CSV and JSON-array inputs: records become calls, with their line or element number', async () => {
  const csv = space.write('configs.csv', 'n,fail\n1,false\n"2",false\n3,true\n');
  const fromCsv = await runBin(['run', task, '-i', csv, '-o', 'csv.jsonl', '-w', '1'], { cwd: space.dir });
  expect(fromCsv.code).toBe(1);
  expect(readResults(space.path('csv.jsonl')).map((record) => [record.line, record.ok, record.result ?? null])).toEqual([
    [2, true, 1],
    [3, true, 4],
    [4, false, null],
  ]);
  const json = space.write('configs.json', '[{"n": 5}, [{"n": 6, "note": "a ] in a string"}]]');
  const fromJson = await runBin(['run', task, '-i', json, '-o', 'json.jsonl', '-w', '1'], { cwd: space.dir });
  expect(fromJson.code).toBe(0);
  expect(readResults(space.path('json.jsonl')).map((record) => [record.line, record.result])).toEqual([
    [1, 25],
    [2, 36],
  ]);
});

test('a wrong command line exits 2 and says what to do', async () => {
  const input = space.write('configs.jsonl', jsonl(1));
  const queue = await runBin(['run', task, '-i', input, '--queue', 'redis://localhost'], { cwd: space.dir });
  expect(queue.code).toBe(2);
  expect(queue.stderr).toContain('--queue runs a batch on the queue executor (BullMQ over Redis), which forkline run does not do yet. Run the batch from a script with withQueue() from forkline/queue (docs/scale-out.md)');
  const typo = await runBin(['run', task, '-i', input, '--retires', '2'], { cwd: space.dir });
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain('has no option --retires (did you mean --retries?)');
  const missing = await runBin(['run', './nowhere.ts#train', '-i', input], { cwd: space.dir });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('nowhere.ts does not exist');
  expect(existsSync(space.path('results.jsonl'))).toBe(false);
});
