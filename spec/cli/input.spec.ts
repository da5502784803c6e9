/**
 * The seams of `forkline run` that need no children: input readers, argument parsing, retries.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunArgs } from '../../lib/cli/args.js';
import { csvRecords, csvValue } from '../../lib/cli/csv.js';
import { estimateRecords, readInput, type InputRecord } from '../../lib/cli/input.js';
import { backoff, shouldRetry } from '../../lib/cli/retries.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forkline-input-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function records(text: string, format: 'jsonl' | 'csv' | 'json'): Promise<InputRecord[]> {
  const path = join(dir, `input.${format}`);
  writeFileSync(path, text);
  const out: InputRecord[] = [];
  for await (const record of readInput(path, format)) out.push(record);
  return out;
}

/** Text arriving in pieces, as a stream delivers it. */
function chunks(...parts: string[]): AsyncIterable<string> {
  return (async function* () {
    for (const part of parts) yield await Promise.resolve(part);
  })();
}

test('CSV: quotes, doubled quotes, commas and newlines inside quotes, CRLF, across chunk boundaries, with each record\'s first line', async () => {
  const found = [];
  for await (const record of csvRecords(chunks('a,b\r\n"x, ""y""",2\r', '\n"multi\nline",3\n', '\nlast,'))) found.push(record);
  expect(found).toEqual([
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['x, "y"', '2'] },
    { line: 3, fields: ['multi\nline', '3'] },
    { line: 6, fields: ['last', ''] },
  ]);
  expect([csvValue('12'), csvValue('-0.5e3'), csvValue('true'), csvValue('007'), csvValue('1,5'), csvValue('')]).toEqual([12, -500, true, '007', '1,5', '']);
  await expect(async () => {
    const seen = [];
    for await (const record of csvRecords(chunks('a\n"open'))) seen.push(record);
  }).rejects.toThrow('CSV line 2: a quoted field is not closed before the end of the file');
});

test('JSONL: arrays are the arguments, other values the one argument, blank lines skipped, bad lines reported with their number', async () => {
  expect(await records('[1, 2]\n\n{"lr": 0.1}\n"text"\n{oops\n', 'jsonl')).toEqual([
    { line: 1, args: [1, 2] },
    { line: 3, args: [{ lr: 0.1 }] },
    { line: 4, args: ['text'] },
    { line: 5, invalid: expect.stringMatching(/^input line 5 is not JSON \(.+\); each line must be a JSON array of arguments or one JSON value$/) as unknown as string },
  ]);
  expect(await estimateRecords(join(dir, 'input.jsonl'), 'jsonl')).toBe(5);
});

test('a JSON array streams element by element, brackets inside strings and nesting included', async () => {
  expect(await records(' [ [1, {"a": "]["}], {"b": [2, 3]}, 4 ] \n', 'json')).toEqual([
    { line: 1, args: [1, { a: '][' }] },
    { line: 2, args: [{ b: [2, 3] }] },
    { line: 3, args: [4] },
  ]);
  await expect(records('{"not": "an array"}', 'json')).rejects.toThrow('a JSON input must be one array of calls');
  await expect(records('[1, 2', 'json')).rejects.toThrow('the JSON input array is not closed');
});

test('CSV records become one object argument, typed; a record with the wrong field count is reported', async () => {
  expect(await records('lr,name\n0.1,a\n0.2\n', 'csv')).toEqual([
    { line: 2, args: [{ lr: 0.1, name: 'a' }] },
    { line: 3, invalid: 'CSV line 3 has 1 fields, the header has 2' },
  ]);
});

test('arguments: units, defaults, and errors that say what was expected', () => {
  const settings = parseRunArgs(['./exp.ts#train', '-i', 'c.csv', '--wall-time', '1.5s', '--memory', '512MiB', '--rate', '100/min', '-w', '3'], '/work');
  expect(settings).toMatchObject({
    module: '/work/exp.ts',
    exportName: 'train',
    input: '/work/c.csv',
    format: 'csv',
    out: '/work/results.jsonl',
    monitor: '/work/results.monitor',
    workers: 3,
    maxInFlight: 64,
    wallTime: 1500,
    memory: 512 * 2 ** 20,
    rate: { calls: 100, per: 60_000 },
    comm: true,
  });
  expect(parseRunArgs(['./exp.ts', '-i', 'x'], '/w')).toMatchObject({ exportName: 'default', format: 'jsonl' });
  expect(parseRunArgs(['--help'], '/w')).toBe('help');
  expect(() => parseRunArgs(['./exp.ts#train'], '/w')).toThrow('--input is required');
  expect(() => parseRunArgs(['./exp.ts#train', '-i', 'x', '--workers', '0'], '/w')).toThrow('expected --workers to be an integer >= 1, got "0"');
  expect(() => parseRunArgs(['./exp.ts#train', '-i', 'x', '--wall-time', 'soon'], '/w')).toThrow('expected --wall-time to be a duration > 0 like 500ms');
  expect(() => parseRunArgs(['./exp.ts#train', '-i', 'x', '--kill-grace', '597h'], '/w')).toThrow('expected --kill-grace to be at most 596h (2^31-1 ms, the longest a timer waits), got "597h"');
  expect(parseRunArgs(['./exp.ts#train', '-i', 'x', '--kill-grace', '0.5ms', '--wall-time', '596h'], '/w')).toMatchObject({ killGracePeriod: 1, wallTime: 596 * 3_600_000 });
  expect(() => parseRunArgs(['./exp.ts#train', '-i', 'x', '--rate', '10'], '/w')).toThrow('expected --rate to be calls per time like 10/s');
  expect(() => parseRunArgs(['a.ts#x', 'b.ts#y', '-i', 'x'], '/w')).toThrow('expected one task');
});

test('retries: only crashes and limit breaches, at most N times, with growing jittered waits', () => {
  const policy = { retries: 2, delay: 100 };
  const crash = Object.assign(new Error('crashed'), { code: 'ERR_WORKER_CRASHED' });
  expect([1, 2, 3].map((attempt) => shouldRetry(policy, attempt, crash))).toEqual([true, true, false]);
  expect(shouldRetry(policy, 1, Object.assign(new Error('slow'), { code: 'ERR_WALL_TIME_LIMIT' }))).toBe(true);
  expect(shouldRetry(policy, 1, new RangeError('a bug'))).toBe(false);
  expect([1, 2, 3].map((attempt) => backoff(policy, attempt, () => 0))).toEqual([50, 100, 200]);
  expect([1, 2, 3].map((attempt) => backoff(policy, attempt, () => 1))).toEqual([100, 200, 400]);
  expect(backoff(policy, 20, () => 1)).toBe(30_000);
});
