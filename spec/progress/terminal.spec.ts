/**
 * The live display as a person sees it: `forkline run` in a real terminal (tmux), its screen
 * read back with capture-pane while the batch runs and after it ends.
 */
import { execFileSync } from 'node:child_process';
import { BATCH_TASK, BIN, jsonl, workspace } from '../cli/helpers.js';

const socket = `forkline-spec-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
let space: ReturnType<typeof workspace>;

beforeEach(() => {
  space = workspace();
});
afterEach(() => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
  space.cleanup();
});

/** The screen, once `check` holds for it. */
async function screenWhen(check: (screen: string) => boolean, what: string, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  let screen = '';
  while (Date.now() < end) {
    screen = tmux('capture-pane', '-p', '-t', 'batch');
    if (check(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}; the screen was:\n${screen}`);
}

test('in a terminal the frame redraws in place: counts, a row per worker with its call and bar, then the summary', async () => {
  const input = space.write('configs.jsonl', jsonl(12, (n) => ({ sleep: 600, fail: n === 5 })));
  const command = `cd ${space.dir} && NODE_OPTIONS= NO_COLOR=1 ${BIN} run ${BATCH_TASK}#square -i ${input} -w 2; echo "exit=$?"; sleep 60`;
  tmux('new-session', '-d', '-s', 'batch', '-x', '100', '-y', '30', command);

  // While it runs: both workers busy, each on its input line, halfway bars from { progress: 0.5 }.
  const running = await screenWhen((screen) => /running 2/.test(screen) && (screen.match(/50%/g) ?? []).length >= 1, 'both workers running');
  expect(running).toMatch(/^forkline run square {2}\d/m);
  expect(running).toMatch(/\d+\/12 calls/);
  expect(running).toMatch(/ETA/);
  expect(running.match(/^ {2}pid \d+ +line \d+ /gm)).toHaveLength(2);
  expect(running).toMatch(/█+░+ +50%/);

  // At the end: one frame (redrawn in place, never appended), the last counts, then the summary.
  const done = await screenWhen((screen) => screen.includes('exit='), 'the batch to end');
  expect(done.match(/^forkline run square /gm)).toHaveLength(1);
  expect(done).toContain('12/12 calls');
  expect(done).toMatch(/done 11 {2}failed 1 {2}running 0 {2}queued 0/);
  expect(done).toMatch(/idle .* \(\d+ calls\)/);
  expect(done).toContain('forkline run batch.ts#square: finished in');
  expect(done).toContain('RangeError ×1, e.g. line 5: n=5 was asked to fail');
  expect(done).toContain('exit=1');
});

test('Ctrl-C in a terminal: the notice prints above the frame and the command exits 130', async () => {
  const input = space.write('configs.jsonl', jsonl(20, () => ({ sleep: 800 })));
  const command = `cd ${space.dir} && NODE_OPTIONS= NO_COLOR=1 ${BIN} run ${BATCH_TASK}#square -i ${input} -w 2; echo "exit=$?"; sleep 60`;
  tmux('new-session', '-d', '-s', 'batch', '-x', '100', '-y', '30', command);
  await screenWhen((screen) => /running 2/.test(screen), 'both workers running');
  tmux('send-keys', '-t', 'batch', 'C-c');
  const done = await screenWhen((screen) => screen.includes('exit='), 'the batch to end');
  expect(done).toMatch(/^Stopping: no new calls; waiting for 2 running calls to finish\. Ctrl-C again to kill them\.$/m);
  expect(done.match(/^forkline run square /gm)).toHaveLength(1);
  expect(done).toContain('interrupted in');
  expect(done).toContain('exit=130');
});
