/**
 * --resume: what an earlier run of the same batch already finished, read from its results file.
 *
 * The last record of a line wins (a retry appended later supersedes a failure). A line that
 * succeeded is skipped; one that failed, or has no record, runs again. A record whose arguments
 * differ from the input's line means the input changed since: that is refused, since rerunning
 * would mix two batches in one file.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from './usage.js';

export interface Finished {
  /** Lines that succeeded, with their arguments as written (JSON). */
  readonly succeeded: ReadonlyMap<number, string>;
  /** Lines whose last record is a failure: they run again. */
  readonly failed: number;
  /** Lines of the results file that are not records (a torn last line), ignored. */
  readonly unreadable: number;
  /** The tasks its records name (records from before the field name none). */
  readonly tasks: ReadonlySet<string>;
}

const NOTHING: Finished = { succeeded: new Map(), failed: 0, unreadable: 0, tasks: new Set() };

export async function readFinished(path: string): Promise<Finished> {
  if (!existsSync(path)) return NOTHING;
  const last = new Map<number, { ok: boolean; args: string }>();
  let unreadable = 0;
  const tasks = new Set<string>();
  for await (const text of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    if (text.trim() === '') continue;
    let record: { line?: unknown; ok?: unknown; args?: unknown; task?: unknown };
    try {
      record = JSON.parse(text) as typeof record;
    } catch {
      unreadable++;
      continue;
    }
    if (typeof record.line !== 'number' || typeof record.ok !== 'boolean') {
      unreadable++;
      continue;
    }
    if (typeof record.task === 'string') tasks.add(record.task);
    last.set(record.line, { ok: record.ok, args: JSON.stringify(record.args) });
  }
  const succeeded = new Map<number, string>();
  let failed = 0;
  for (const [line, record] of last) {
    if (record.ok) succeeded.set(line, record.args);
    else failed++;
  }
  return { succeeded, failed, unreadable, tasks };
}

/** Throws when the input's line `line` is not the call the results file finished. */
export function checkSameCall(finished: Finished, line: number, args: readonly unknown[], results: string): void {
  const written = finished.succeeded.get(line);
  if (written === undefined || written === JSON.stringify(args)) return;
  throw new UsageError(
    `--resume: input line ${line} is ${JSON.stringify(args)}, but ${results} finished it as ${written}. ` +
      'The input changed since that run; write to a new --out file, or restore the input.',
  );
}
