/**
 * The six seed examples (docs/examples): how each is run, and what it must print. Shared by
 * spec/docs/examples.spec.ts (as written, on local processes) and spec/queue/seed.spec.ts (the
 * same programs with only the scheduler line changed to a `withQueue()` one).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** The examples, by file name without `.ts`; each has a `<name>.task.ts` beside it. */
export const EXAMPLES = ['close-event', 'greeter', 'message-event', 'open-event', 'powers-of-two', 'request-items'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

/** Runs `file` (relative to the repository) as a user would, and returns its stdout lines; it must write nothing to stderr. */
export async function runExample(file: string, env: Readonly<Record<string, string>> = {}): Promise<string[]> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'forkline/register', file], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  expect(stderr).toBe('');
  return stdout.trimEnd().split('\n');
}

/** Node prints arrays with inner spaces (`[ 1, 2 ]`), Python without; compare without them. */
function pythonList(lines: string[]): string {
  return lines.join(' ').replace(/\s+/g, ' ').replace(/^\[ /, '[').replace(/ \]$/, ']');
}

/** The panel is 80 columns, every box closed on both sides, the plugin's box inside the task's. */
function expectPanel(lines: string[], task: string): void {
  expect(lines).toHaveLength(5);
  expect(lines.map((line) => line.length)).toEqual([80, 80, 80, 80, 80]);
  expect(lines[0]).toMatch(new RegExp(`^╭─ Task ${task}\\(.*╮$`));
  expect(lines[1]).toMatch(/^│ ╭─+ Plugin comm-plugin ─+╮ │$/);
  expect(lines[2]).toMatch(/^│ │ Open Connections: 0 +│ │$/);
  expect(lines[3]).toMatch(/^│ ╰─{74}╯ │$/);
  expect(lines[4]).toMatch(new RegExp(`^╰─+ Ref: Task-${task}-[\\w-]{8} ─+╯$`));
}

/**
 * What each example prints, as amltk's Comm page (the seed) prints it: the host's lines and the
 * task's own (close-event's "Done"), which reach the host's stdout from a queue worker too.
 */
export const expectPrinted: Record<ExampleName, (lines: string[]) => void> = {
  'powers-of-two': (lines) => {
    expect(lines[0]).toBe('Task has opened | Comm.Msg(kind=open, data=undefined)');
    expect(pythonList(lines.slice(1))).toBe('[2, 4, 8, 16, 32]');
  },
  'request-items': (lines) => {
    expect(pythonList(lines)).toBe("['Task recieved A for 0', 'Task recieved B for 1', 'Task recieved C for 2']");
  },
  'message-event': (lines) => {
    expect(lines[0]).toBe('2');
    expectPanel(lines.slice(1), 'fn');
  },
  greeter: (lines) => {
    expect(lines[0]).toBe('Hello Alice!');
    expectPanel(lines.slice(1), 'greeter');
  },
  'open-event': (lines) => {
    expect(lines[0]).toBe('Comm has just used comm.open()');
    expectPanel(lines.slice(1), 'fn');
  },
  'close-event': (lines) => {
    // "Done" is printed by the child, whose output interleaves with the host's.
    expect(lines.filter((line) => line === 'Done')).toHaveLength(1);
    const host = lines.filter((line) => line !== 'Done');
    expect(host[0]).toBe('Worker close with Comm.Msg(kind=close, data=undefined)');
    expectPanel(host.slice(1), 'fn');
  },
};
