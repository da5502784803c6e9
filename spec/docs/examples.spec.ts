/**
 * Every example in docs/examples runs as a user would run it, and prints what amltk's Comm page
 * (the seed) prints for the same program.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

async function example(name: string): Promise<string[]> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'forkline/register', `docs/examples/${name}.ts`], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
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

test('every example in docs/examples is covered below', () => {
  const names = readdirSync(`${root}docs/examples`)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.task.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
  expect(names).toEqual(['close-event', 'greeter', 'message-event', 'open-event', 'powers-of-two', 'request-items']);
});

test('powers-of-two', async () => {
  const lines = await example('powers-of-two');
  expect(lines[0]).toBe('Task has opened | Comm.Msg(kind=open, data=undefined)');
  expect(pythonList(lines.slice(1))).toBe('[2, 4, 8, 16, 32]');
});

test('request-items', async () => {
  const lines = await example('request-items');
  expect(pythonList(lines)).toBe("['Task recieved A for 0', 'Task recieved B for 1', 'Task recieved C for 2']");
});

test('message-event', async () => {
  const lines = await example('message-event');
  expect(lines[0]).toBe('2');
  expectPanel(lines.slice(1), 'fn');
});

test('greeter', async () => {
  const lines = await example('greeter');
  expect(lines[0]).toBe('Hello Alice!');
  expectPanel(lines.slice(1), 'greeter');
});

test('open-event', async () => {
  const lines = await example('open-event');
  expect(lines[0]).toBe('Comm has just used comm.open()');
  expectPanel(lines.slice(1), 'fn');
});

test('close-event', async () => {
  const lines = await example('close-event');
  // "Done" is printed by the child, whose output interleaves with the host's.
  expect(lines.filter((line) => line === 'Done')).toHaveLength(1);
  const host = lines.filter((line) => line !== 'Done');
  expect(host[0]).toBe('Worker close with Comm.Msg(kind=close, data=undefined)');
  expectPanel(host.slice(1), 'fn');
});
