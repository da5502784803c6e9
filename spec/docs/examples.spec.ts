/**
 * Every example in docs/examples runs as a user would run it, and prints what amltk's Comm page
 * (the seed) prints for the same program. The expectations are in spec/shared/examples.ts, which
 * spec/queue/seed.spec.ts runs again on the queue executor.
 */
import { readdirSync } from 'node:fs';
import { EXAMPLES, expectPrinted, root, runExample } from '../shared/examples.js';

test('every example in docs/examples is covered below', () => {
  const names = readdirSync(`${root}docs/examples`)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.task.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
  expect(names).toEqual([...EXAMPLES]);
});

test.each(EXAMPLES)('%s', async (name) => {
  expectPrinted[name](await runExample(`docs/examples/${name}.ts`));
});
