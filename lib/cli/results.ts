/**
 * The results file: one JSON line per finished call, appended as calls finish.
 *
 * Records go out in one write(2) on a file opened for appending at most WRITE_EVERY_MS after
 * their call finished (sooner once 64 KiB are pending): once written, a record is in the kernel's
 * page cache and survives a SIGKILL or crash of this process; a call that finished in the last
 * few milliseconds before one is simply run again by --resume. One write per record cost ~75 µs
 * each here, most of a tiny call's time. Surviving a power cut needs fsync, a disk flush
 * (milliseconds): it runs at most once a second and at close, so a batch of tiny calls is not
 * paced by the disk.
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/** How a call ended, as written. */
export interface ResultRecord {
  /** The task that ran it, `module#export` with the module relative to the results file: --resume checks it. */
  readonly task: string;
  /** The input line (JSONL, CSV) or array element (JSON) the call came from, 1-based. */
  readonly line: number;
  readonly args: readonly unknown[] | undefined;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { readonly class: string; readonly code?: string; readonly message: string; readonly fields?: Readonly<Record<string, unknown>> };
  readonly attempts: number;
  /** Wall time of the last attempt, from when it started in its child. */
  readonly durationMs: number;
  /** The pid of the child that ran the last attempt. */
  readonly worker?: number;
  readonly finishedAt: string;
}

const WRITE_EVERY_MS = 10;
const WRITE_AT_BYTES = 64 * 1024;
const FSYNC_EVERY_MS = 1000;

export class ResultsWriter {
  readonly #fd: number;
  #pending: string[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastSync = 0;
  #dirty = false;
  #written = 0;

  /** Bytes of a torn last line cut off when the file was opened (0 if it ended with a newline). */
  readonly tornBytes: number;

  /**
   * Opens `path` for appending (creating it). A torn last line (a crash or power cut mid-write)
   * is cut off back to the last newline: kept, it would make the file unreadable to jq, and its
   * call is simply run again.
   */
  constructor(path: string) {
    this.#fd = openSync(path, 'a+');
    this.tornBytes = cutTornTail(this.#fd);
  }

  /** Records written so far (in this run). */
  get written(): number {
    return this.#written;
  }

  write(record: ResultRecord): void {
    const line = `${JSON.stringify(record)}\n`;
    this.#pending.push(line);
    this.#pendingBytes += line.length;
    if (this.#pendingBytes >= WRITE_AT_BYTES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), WRITE_EVERY_MS);
  }

  /** Writes what is pending now; fsyncs if the last fsync is a second old. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length > 0) {
      const text = this.#pending.join('');
      const count = this.#pending.length;
      this.#pending = [];
      this.#pendingBytes = 0;
      writeSync(this.#fd, text);
      this.#written += count;
      this.#dirty = true;
    }
    const now = Date.now();
    if (this.#dirty && now - this.#lastSync >= FSYNC_EVERY_MS) {
      fdatasyncSync(this.#fd);
      this.#lastSync = now;
      this.#dirty = false;
    }
  }

  /** Writes the rest, fsyncs and closes. */
  close(): void {
    this.flush();
    if (this.#dirty) fdatasyncSync(this.#fd);
    closeSync(this.#fd);
  }
}

/** Truncates the file after its last newline; returns how many bytes went. */
function cutTornTail(fd: number): number {
  const { size } = fstatSync(fd);
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const newline = chunk.subarray(0, read).lastIndexOf(10);
    if (newline !== -1) {
      const keep = start + newline + 1;
      if (keep < size) ftruncateSync(fd, keep);
      return size - keep;
    }
    end = start;
  }
  if (size > 0) ftruncateSync(fd, 0);
  return size;
}

/** An error as the results file shows it: class, code, message, and a thrown object's fields. */
export function describeError(error: unknown): { class: string; code?: string; message: string; fields?: Record<string, unknown> } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { class: error.name, ...(typeof code === 'string' ? { code } : {}), message: error.message };
  }
  if (typeof error === 'object' && error !== null) {
    // `throw { reason, code }`: keep what it said. The wire brought it as plain JSON data.
    const fields = { ...(error as Record<string, unknown>) };
    const { code, message } = fields;
    let text: string;
    try {
      text = typeof message === 'string' ? message : JSON.stringify(fields);
    } catch {
      text = '(an object JSON cannot show: a cycle or a BigInt)';
    }
    return { class: 'Object', ...(typeof code === 'string' ? { code } : {}), message: `a non-Error object was thrown: ${text}`, fields };
  }
  return { class: typeof error, message: String(error) };
}
