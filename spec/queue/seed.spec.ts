/**
 * The six seed examples on the queue executor: each docs/examples program, copied with only its
 * scheduler line changed to a `withQueue()` one, runs against a real Redis and two `forkline
 * worker` processes and prints what it prints on local processes (spec/shared/examples.ts).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectWorkersOnly, queueHarness } from '../helpers/queue.js';
import { EXAMPLES, expectPrinted, root, runExample } from '../shared/examples.js';

const harness = queueHarness('seed');
afterEach(() => expectWorkersOnly(harness));
const LOCAL_LINE = 'const scheduler = Scheduler.withProcesses(1);';
/** What a user writes instead: the rest of the program is the same. */
const QUEUE_LINE = "const scheduler = (await import('forkline/queue')).withQueue({ connection: process.env.FORKLINE_REDIS!, queue: process.env.FORKLINE_QUEUE! });";

// Inside the repository, so that the copies resolve `forkline` as the originals do (.gitignore'd).
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(root, 'spec', '.queue-examples-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the queue copy of example `name` (and its task module, unchanged) and returns its path. */
function onQueue(name: string): string {
  const source = readFileSync(join(root, 'docs/examples', `${name}.ts`), 'utf8');
  const copy = source.replace(LOCAL_LINE, QUEUE_LINE);
  const changed = copy.split('\n').filter((line, index) => line !== source.split('\n')[index]);
  expect(changed).toEqual([QUEUE_LINE]);
  copyFileSync(join(root, 'docs/examples', `${name}.task.ts`), join(dir, `${name}.task.ts`));
  writeFileSync(join(dir, `${name}.ts`), copy);
  return join(dir, `${name}.ts`);
}

test.each(EXAMPLES)('%s prints on the queue what it prints locally', async (name) => {
  const lines = await runExample(onQueue(name), { FORKLINE_REDIS: harness.url, FORKLINE_QUEUE: harness.queue });
  // The task's own console.log (close-event's "Done") is forwarded from the worker to this host.
  expectPrinted[name](lines);
});
