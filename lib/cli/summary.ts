/**
 * The end of a batch in numbers: counts, wall and CPU time, an estimated speed-up over one worker, the
 * slowest calls, and the errors grouped by class with one example each.
 */
import { duration } from '../progress/render.js';
import type { ResultRecord } from './results.js';

const SLOWEST_KEPT = 5;

export interface Summary {
  readonly task: string;
  readonly succeeded: number;
  readonly failed: number;
  /** Lines an earlier run finished, skipped by --resume. */
  readonly skipped: number;
  /** Lines read but never finished (interrupted, or a fatal error stopped the batch). */
  readonly notRun: number;
  /** Failed attempts that were tried again. */
  readonly retries: number;
  readonly wallMs: number;
  readonly cpuMs: { readonly children: number; readonly host: number };
  /** The calls' own wall time (start in a child to settle), added up: about what one worker would take. */
  readonly callMs: number;
  /** Wall time of the calls phase: the first call's start to the last settle (child start-up excluded). */
  readonly callsWallMs: number;
  /** Estimated speed-up over one worker: callMs / callsWallMs (0 when nothing ran). */
  readonly speedUp: number;
  readonly slowest: readonly { readonly line: number; readonly durationMs: number }[];
  readonly errors: readonly { readonly class: string; readonly count: number; readonly line: number; readonly message: string }[];
  readonly interrupted: boolean;
  readonly results: string;
  readonly monitor: readonly string[];
}

/** Gathers a summary from the records as they are written. */
export class SummaryBuilder {
  succeeded = 0;
  failed = 0;
  skipped = 0;
  read = 0;
  /** Input lines that could not be calls (not JSON, wrong field count). */
  invalid = 0;
  retries = 0;
  callMs = 0;
  readonly #slowest: { line: number; durationMs: number }[] = [];
  readonly #errors = new Map<string, { class: string; count: number; line: number; message: string }>();

  add(record: Omit<ResultRecord, 'task'>): void {
    if (record.ok) this.succeeded++;
    else this.failed++;
    this.retries += Math.max(0, record.attempts - 1);
    this.callMs += record.durationMs;
    if (record.error) {
      const group = this.#errors.get(record.error.class);
      if (group) group.count++;
      else this.#errors.set(record.error.class, { class: record.error.class, count: 1, line: record.line, message: record.error.message });
    }
    const slowest = this.#slowest;
    if (slowest.length < SLOWEST_KEPT || record.durationMs > (slowest.at(-1)?.durationMs ?? 0)) {
      slowest.push({ line: record.line, durationMs: record.durationMs });
      slowest.sort((a, b) => b.durationMs - a.durationMs);
      if (slowest.length > SLOWEST_KEPT) slowest.pop();
    }
  }

  build(rest: Pick<Summary, 'task' | 'wallMs' | 'callsWallMs' | 'cpuMs' | 'interrupted' | 'results' | 'monitor'>): Summary {
    return {
      ...rest,
      speedUp: rest.callsWallMs > 0 ? Math.round((this.callMs / rest.callsWallMs) * 100) / 100 : 0,
      succeeded: this.succeeded,
      failed: this.failed,
      skipped: this.skipped,
      notRun: Math.max(0, this.read - this.skipped - this.succeeded - this.failed),
      retries: this.retries,
      callMs: this.callMs,
      slowest: [...this.#slowest],
      errors: [...this.#errors.values()].sort((a, b) => b.count - a.count),
    };
  }
}

/** The summary as a person reads it. */
export function formatSummary(summary: Summary): string {
  const cpu = summary.cpuMs.children + summary.cpuMs.host;
  const lines = [
    `forkline run ${summary.task}: ${summary.interrupted ? 'interrupted' : 'finished'} in ${duration(summary.wallMs)}`,
    `  succeeded ${summary.succeeded}, failed ${summary.failed}` +
      (summary.skipped ? `, skipped ${summary.skipped} (done before)` : '') +
      (summary.notRun ? `, not run ${summary.notRun}` : '') +
      (summary.retries ? `, ${summary.retries} retr${summary.retries === 1 ? 'y' : 'ies'}` : ''),
    `  CPU time ${duration(cpu)} (children ${duration(summary.cpuMs.children)}, host ${duration(summary.cpuMs.host)}); ` +
      `calls ${duration(summary.callMs)} in ${duration(summary.callsWallMs)}, about ${summary.speedUp.toFixed(2)}× over one worker (estimate: summed call times over the calls' wall time)`,
  ];
  if (summary.slowest.length > 0) {
    lines.push(`  slowest: ${summary.slowest.map((call) => `line ${call.line} ${duration(call.durationMs)}`).join(', ')}`);
  }
  if (summary.errors.length > 0) {
    lines.push('  errors:');
    // A TaskLoadError's message ends with its fix: never cut it off.
    for (const group of summary.errors) lines.push(`    ${group.class} ×${group.count}, e.g. line ${group.line}: ${group.class === 'TaskLoadError' ? group.message : oneLine(group.message)}`);
  }
  lines.push(`  results: ${summary.results}`);
  if (summary.monitor.length > 0) lines.push(`  queue monitor: ${summary.monitor.join(', ')}`);
  if (summary.failed > 0 || summary.notRun > 0) lines.push(`  rerun what failed or did not run: add --resume to the same command`);
  return `${lines.join('\n')}\n`;
}

function oneLine(message: string): string {
  const first = message.split('\n')[0] ?? '';
  return first.length > 160 ? `${first.slice(0, 159)}…` : first;
}
