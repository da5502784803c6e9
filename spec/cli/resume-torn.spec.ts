/**
 * `--resume` on a results file cut off mid-line (a crash or power cut during a write): the torn
 * fragment is removed, with a note on stderr, so the file stays valid JSON lines.
 */
import { readFileSync, appendFileSync } from 'node:fs';
import { BATCH_TASK, jsonl, readResults, runBin, workspacePerTest } from './helpers.js';

const task = `${BATCH_TASK}#square`;
const space = workspacePerTest();

test('--resume cuts a torn last line back to the last newline, says so, and appends valid records', async () => {
  const input = space.write('configs.jsonl', jsonl(3));
  const out = space.write('results.jsonl', '');
  const first = await runBin(['run', task, '-i', input, '-o', out, '-w', '1', '--resume'], { cwd: space.dir });
  expect(first.code).toBe(0);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  // Keep two records and half of the third, as a crash mid-write leaves it.
  space.write('results.jsonl', `${lines[0]}\n${lines[1]}\n`);
  appendFileSync(out, lines[2]!.slice(0, 20));
  const resumed = await runBin(['run', task, '-i', input, '-o', out, '-w', '1', '--resume'], { cwd: space.dir });
  expect(resumed.code).toBe(0);
  expect(resumed.stderr).toContain('results.jsonl ended in a torn line (20 bytes, cut off mid-write): removed; its call runs again');
  // Every line parses (readResults throws on a fragment) and each input line is there once.
  expect(readResults(out).map((record) => record.line).sort()).toEqual([1, 2, 3]);
});
