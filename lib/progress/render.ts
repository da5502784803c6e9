/**
 * Turns a progress snapshot into text: a multi-line frame for a terminal, or one plain line for
 * logs and CI, where redrawing is noise.
 */
import type { ProgressSnapshot, WorkerView } from './state.js';

export interface FrameOptions {
  /** Heading of the frame, e.g. the task's name. */
  readonly title: string;
  /** Terminal columns. */
  readonly width: number;
  /** Rows the frame may take; worker rows beyond it are summed up in one line. */
  readonly height: number;
  /** ANSI colours (off for NO_COLOR). */
  readonly color: boolean;
}

const BAR_WIDTH = 30;

/** The live frame: the overall bar and counts, pace and ETA, a row per worker, recent messages. */
export function renderFrame(snapshot: ProgressSnapshot, options: FrameOptions): string {
  const paint = painter(options.color);
  // Cancelled calls are not done: counted in, a batch stopped by Ctrl-C would read 100%.
  const settled = snapshot.succeeded + snapshot.failed;
  const lines: string[] = [];
  lines.push(`${paint.bold(options.title)}  ${paint.dim(duration(snapshot.elapsedMs))}`);
  const fraction = snapshot.total ? settled / snapshot.total : undefined;
  const overall = fraction === undefined ? '' : `${bar(fraction, BAR_WIDTH)} ${percent(fraction)}  `;
  lines.push(`${overall}${settled}${snapshot.total === undefined ? '' : `/${snapshot.total}`} calls`);
  lines.push(
    [
      paint.green(`done ${snapshot.succeeded}`),
      snapshot.failed ? paint.red(`failed ${snapshot.failed}`) : `failed 0`,
      snapshot.retried ? paint.yellow(`retried ${snapshot.retried}`) : undefined,
      snapshot.cancelled ? `cancelled ${snapshot.cancelled}` : undefined,
      `running ${snapshot.running}`,
      `queued ${Math.max(0, snapshot.inFlight - snapshot.running)}`,
      `${rate(snapshot.perSecond)}/s`,
      `ETA ${snapshot.etaMs === undefined ? '?' : duration(snapshot.etaMs)}`,
    ]
      .filter(Boolean)
      .join('  '),
  );
  const room = Math.max(1, options.height - lines.length - snapshot.messages.length - 2);
  const shown = snapshot.workers.slice(0, snapshot.workers.length > room ? room - 1 : room);
  for (const worker of shown) lines.push(workerRow(worker, paint));
  if (shown.length < snapshot.workers.length) lines.push(paint.dim(`  … ${snapshot.workers.length - shown.length} more workers`));
  for (const message of snapshot.messages) lines.push(paint.dim(`  ${message}`));
  return lines.map((line) => clip(line, options.width)).join('\n');
}

/** One line for a log: what a person scanning CI output needs. */
export function renderLine(snapshot: ProgressSnapshot, title: string): string {
  // Cancelled calls are not done: counted in, a batch stopped by Ctrl-C would read 100%.
  const settled = snapshot.succeeded + snapshot.failed;
  const of = snapshot.total === undefined ? '' : `/${snapshot.total}`;
  const parts = [
    `${title} [${duration(snapshot.elapsedMs)}]`,
    `${settled}${of} calls`,
    `done ${snapshot.succeeded}`,
    `failed ${snapshot.failed}`,
    ...(snapshot.retried ? [`retried ${snapshot.retried}`] : []),
    ...(snapshot.cancelled ? [`cancelled ${snapshot.cancelled}`] : []),
    `running ${snapshot.running}`,
    `${rate(snapshot.perSecond)}/s`,
    `ETA ${snapshot.etaMs === undefined ? '?' : duration(snapshot.etaMs)}`,
  ];
  return parts.join(', ').replace(', ', ' ');
}

function workerRow(worker: WorkerView, paint: Painter): string {
  const head = `  pid ${String(worker.pid).padEnd(7)}`;
  if (worker.call === undefined) return paint.dim(`${head} idle ${duration(worker.forMs)}  (${worker.calls} calls)`);
  const progress = worker.progress === undefined ? '' : `${bar(worker.progress, 12)} ${percent(worker.progress)} `;
  const message = worker.message === undefined ? '' : `  ${paint.dim(worker.message)}`;
  return `${head} ${worker.call.padEnd(10)} ${progress}${duration(worker.forMs)}${message}`;
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

const percent = (fraction: number) => `${Math.floor(fraction * 100)}%`.padStart(4);

const rate = (perSecond: number) => (perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1));

/** 850 ms, 12.3 s, 4m 05s, 2h 03m. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Cuts a line to the terminal width, counting only printed characters (not colour codes). */
function clip(line: string, width: number): string {
  let printed = 0;
  let out = '';
  for (let index = 0; index < line.length; index++) {
    if (line[index] === '\u001B') {
      const end = line.indexOf('m', index);
      out += line.slice(index, end + 1);
      index = end;
      continue;
    }
    if (printed === width - 1 && index < line.length - 1) return `${out}…\u001B[0m`;
    out += line.charAt(index);
    printed++;
  }
  return out;
}

type Painter = Record<'bold' | 'dim' | 'green' | 'red' | 'yellow', (text: string) => string>;

function painter(color: boolean): Painter {
  const wrap = (open: number, close: number) => (color ? (text: string) => `\u001B[${open}m${text}\u001B[${close}m` : (text: string) => text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}
