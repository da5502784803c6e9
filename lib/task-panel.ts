/**
 * The task panel that `util.inspect(task)` and `console.log(task)` print, after amltk's, with
 * every box closed on both sides:
 *
 *   ╭─ Task greeter(greeting: string, { comm }: { comm: Comm }) ───────────────────╮
 *   │ ╭──────────────────────────── Plugin comm-plugin ──────────────────────────╮ │
 *   │ │ Open Connections: 0                                                      │ │
 *   │ ╰──────────────────────────────────────────────────────────────────────────╯ │
 *   ╰───────────────────────── Ref: Task-greeter-4pr2HmvR ─────────────────────────╯
 *
 * The host does not import task code, so the signature is read from the module's source text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnyTask } from './task.js';

const WIDTH = 80;
/** A plugin's box sits inside the task's, one space from each of its sides. */
const INNER = WIDTH - 4;

export function renderTaskPanel(task: AnyTask): string {
  const lines = [rule('╭', `─ Task ${task.name}${signatureOf(task.identity) ?? '(...)'} `, '╮', 'left', WIDTH)];
  for (const plugin of task.plugins as readonly { name: string; describe?(): readonly string[] }[]) {
    lines.push(side(rule('╭', ` Plugin ${plugin.name} `, '╮', 'center', INNER)));
    for (const line of plugin.describe?.() ?? []) lines.push(side(side(line, INNER)));
    lines.push(side(rule('╰', '', '╯', 'center', INNER)));
  }
  lines.push(rule('╰', ` Ref: ${task.ref} `, '╯', 'center', WIDTH));
  return lines.join('\n');
}

/** `│ text │`, `width` wide: the text padded, or cut with an ellipsis. */
function side(text: string, width = WIDTH): string {
  const room = width - 4;
  const fitted = text.length > room ? `${text.slice(0, room - 1)}…` : text.padEnd(room);
  return `│ ${fitted} │`;
}

function rule(left: string, title: string, right: string, align: 'left' | 'center', width: number): string {
  const inner = width - 2;
  const text = title.length > inner ? `${title.slice(0, inner - 2).trimEnd()} ─` : title;
  const fill = inner - text.length;
  const before = align === 'left' ? 0 : Math.floor(fill / 2);
  return left + '─'.repeat(before) + text + '─'.repeat(fill - before) + right;
}

const signatures = new Map<string, string | undefined>();

/** `(a: number, b: number) -> number`, read from the exported declaration, or undefined. */
export function signatureOf(identity: { module: string; export: string }): string | undefined {
  const key = `${identity.module}#${identity.export}`;
  if (!signatures.has(key)) signatures.set(key, readSignature(identity));
  return signatures.get(key);
}

function readSignature(identity: { module: string; export: string }): string | undefined {
  let source: string;
  try {
    source = readFileSync(fileURLToPath(identity.module), 'utf8');
  } catch {
    return undefined;
  }
  const name = identity.export === 'default' ? '(?:default\\s+)?(?:[\\w$]+)?' : `${identity.export}\\b`;
  const declaration = new RegExp(`export\\s+(?:async\\s+)?function\\s*\\*?\\s*${name}\\s*(?:<[^>]*>)?\\s*\\(`).exec(source);
  if (!declaration) return undefined;
  const start = declaration.index + declaration[0].length;
  const end = matchingParen(source, start);
  if (end < 0) return undefined;
  const params = source.slice(start, end).replace(/\s+/g, ' ').trim().replace(/,$/, '');
  const returns = /^\s*:\s*([^{=]+?)\s*\{/.exec(source.slice(end + 1));
  return `(${params})${returns ? ` -> ${returns[1]}` : ''}`;
}

function matchingParen(source: string, from: number): number {
  let depth = 1;
  for (let index = from; index < source.length; index++) {
    const char = source[index];
    if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return -1;
}
