/**
 * Inputs and errors as real users produce them: a CSV with Excel's UTF-8 byte order mark, and a
 * task that throws a plain object instead of an Error.
 */
import { fileURLToPath } from 'node:url';
import { BATCH_TASK, jsonl, readResults, runBin, workspacePerTest } from './helpers.js';

const space = workspacePerTest();

test('a CSV starting with a UTF-8 BOM: the first column keeps its name', async () => {
  const csv = space.write('configs.csv', '\uFEFFn,fail\n3,false\n');
  const { code } = await runBin(['run', `${BATCH_TASK}#square`, '-i', csv, '-o', 'out.jsonl', '-w', '1'], { cwd: space.dir });
  expect(code).toBe(0);
  expect(readResults(space.path('out.jsonl'))[0]).toMatchObject({ ok: true, args: [{ n: 3, fail: false }], result: 9 });
});

test('a thrown non-Error object keeps its code and fields in the results record', async () => {
  const input = space.write('configs.jsonl', jsonl(1));
  const task = `${fileURLToPath(new URL('../fixtures/batch-throws.ts', import.meta.url))}#throwObject`;
  const { code, stdout } = await runBin(['run', task, '-i', input, '-o', 'out.jsonl', '-w', '1'], { cwd: space.dir });
  expect(code).toBe(1);
  const [record] = readResults(space.path('out.jsonl'));
  expect(record).toMatchObject({
    ok: false,
    error: { class: 'Object', code: 'E_OBJ', fields: { reason: 'x', code: 'E_OBJ', n: 1 } },
  });
  expect((record!.error as { message: string }).message).toContain('"reason":"x"');
  expect(stdout).not.toContain('[object Object]');
});
