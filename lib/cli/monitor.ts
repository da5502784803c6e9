/**
 * The queue monitor (amltk's QueueMonitor): queued, running, done and failed over time, sampled
 * twice a second, appended to a CSV as it goes, and drawn as an SVG chart at the end, because
 * people would rather look at that than read it.
 */
import { appendFileSync, writeFileSync } from 'node:fs';

export interface MonitorSample {
  /** Seconds since the batch started. */
  readonly t: number;
  readonly queued: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
}

const COLUMNS = ['t', 'queued', 'running', 'done', 'failed'] as const;
const COLORS: Record<Exclude<(typeof COLUMNS)[number], 't'>, string> = { queued: '#8e8e8e', running: '#1f77b4', done: '#2ca02c', failed: '#d62728' };
export const MONITOR_INTERVAL_MS = 500;

export class QueueMonitor {
  readonly #base: string;
  readonly #samples: MonitorSample[] = [];
  readonly #timer: NodeJS.Timeout;

  /** Starts sampling `sample()`; the files are `${base}.csv` and `${base}.svg`. */
  constructor(base: string, sample: () => MonitorSample) {
    this.#base = base;
    writeFileSync(`${base}.csv`, `${COLUMNS.join(',')}\n`);
    const take = () => {
      const row = sample();
      this.#samples.push(row);
      appendFileSync(`${base}.csv`, `${COLUMNS.map((column) => (column === 't' ? row.t.toFixed(2) : row[column])).join(',')}\n`);
    };
    take();
    this.#timer = setInterval(take, MONITOR_INTERVAL_MS);
    this.#timer.unref();
    this.#take = take;
  }

  readonly #take: () => void;

  get files(): readonly string[] {
    return [`${this.#base}.csv`, `${this.#base}.svg`];
  }

  /** Takes a last sample and draws the chart. */
  close(): void {
    clearInterval(this.#timer);
    this.#take();
    writeFileSync(`${this.#base}.svg`, drawChart(this.#samples));
  }
}

/** A line chart of the samples: one line per column, time along the bottom. */
export function drawChart(samples: readonly MonitorSample[]): string {
  const width = 720;
  const height = 320;
  const pad = { left: 56, right: 110, top: 20, bottom: 36 };
  const last = samples.at(-1);
  const tMax = Math.max(last?.t ?? 1, 0.001);
  const yMax = Math.max(1, ...samples.map((row) => Math.max(row.queued, row.running, row.done, row.failed)));
  const x = (t: number) => pad.left + (t / tMax) * (width - pad.left - pad.right);
  const y = (value: number) => height - pad.bottom - (value / yMax) * (height - pad.top - pad.bottom);
  const series = (Object.keys(COLORS) as (keyof typeof COLORS)[]).map((column, index) => {
    const points = samples.map((row) => `${x(row.t).toFixed(1)},${y(row[column]).toFixed(1)}`).join(' ');
    const legend = `<text x="${width - pad.right + 12}" y="${pad.top + 16 + index * 18}" fill="${COLORS[column]}">${column}</text>`;
    return `<polyline fill="none" stroke="${COLORS[column]}" stroke-width="1.5" points="${points}"/>${legend}`;
  });
  const axes =
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#444"/>` +
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#444"/>` +
    `<text x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end">${yMax}</text>` +
    `<text x="${pad.left - 6}" y="${height - pad.bottom + 4}" text-anchor="end">0</text>` +
    `<text x="${width - pad.right}" y="${height - pad.bottom + 18}" text-anchor="end">${tMax.toFixed(1)} s</text>` +
    `<text x="${pad.left}" y="${height - pad.bottom + 18}">0 s</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">` +
    `<title>forkline run: calls queued, running, done and failed over time</title>` +
    `<rect width="100%" height="100%" fill="white"/>${axes}${series.join('')}</svg>\n`
  );
}
