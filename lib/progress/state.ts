/**
 * What a progress display shows, kept from a run's events: counts, throughput, ETA, which call
 * each worker runs, and the last messages the calls sent.
 *
 * Pure bookkeeping with a clock passed in, so it is cheap per event (a counter, a map entry) and
 * the drawing, which is the costly part, happens only on the display's own timer.
 */

/** One child process as the display sees it. */
export interface WorkerView {
  readonly pid: number;
  /** The label of the call it runs, or undefined while idle. */
  readonly call: string | undefined;
  /** Milliseconds the current call has run, or the worker has been idle. */
  readonly forMs: number;
  /** The call's own progress in [0, 1], from a `{ progress }` message it sent. */
  readonly progress: number | undefined;
  /** The last message the call sent, short. */
  readonly message: string | undefined;
  /** Calls this worker finished. */
  readonly calls: number;
}

export interface ProgressSnapshot {
  /** How many calls the batch has, when known. */
  readonly total: number | undefined;
  readonly submitted: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Attempts that failed and will be tried again. */
  readonly retried: number;
  readonly cancelled: number;
  /** Submitted calls not settled yet: queued for a worker or running on one. */
  readonly inFlight: number;
  /** Calls known to be executing in a child now. */
  readonly running: number;
  readonly elapsedMs: number;
  /** Calls settled per second over the last few seconds. */
  readonly perSecond: number;
  /** Milliseconds left at the current pace, when the total is known. */
  readonly etaMs: number | undefined;
  readonly workers: readonly WorkerView[];
  /** The last messages calls sent, newest last. */
  readonly messages: readonly string[];
}

interface CallEntry {
  readonly label: string;
  pid: number | undefined;
  startedAt: number;
  progress: number | undefined;
  message: string | undefined;
}

interface WorkerEntry {
  current: CallEntry | undefined;
  since: number;
  calls: number;
}

/** How far back the throughput looks. */
const PACE_WINDOW_MS = 10_000;
const MESSAGES_KEPT = 3;

export class ProgressState<K = unknown> {
  total: number | undefined;
  #submitted = 0;
  #succeeded = 0;
  #failed = 0;
  #retried = 0;
  #cancelled = 0;
  readonly #calls = new Map<K, CallEntry>();
  readonly #workers = new Map<number, WorkerEntry>();
  readonly #messages: string[] = [];
  readonly #pace: { at: number; settled: number }[] = [];
  readonly #now: () => number;
  readonly #startedAt: number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
    this.#startedAt = now();
  }

  submitted(key: K, label: string): void {
    this.#submitted++;
    this.#calls.set(key, { label, pid: undefined, startedAt: 0, progress: undefined, message: undefined });
  }

  started(key: K, pid: number | undefined): void {
    const call = this.#calls.get(key);
    if (!call || pid === undefined) return;
    call.pid = pid;
    call.startedAt = this.#now();
    const worker = this.#workers.get(pid);
    if (worker) {
      worker.current = call;
      worker.since = call.startedAt;
    } else this.#workers.set(pid, { current: call, since: call.startedAt, calls: 0 });
  }

  message(key: K, data: unknown): void {
    const call = this.#calls.get(key);
    if (!call) return;
    const progress = (data as { progress?: unknown } | null)?.progress;
    if (typeof progress === 'number' && progress >= 0 && progress <= 1) {
      call.progress = progress;
      // `{ progress }` alone moves the bar and says nothing more.
      if (Object.keys(data as object).length === 1) return;
    }
    call.message = short(data);
    this.#messages.push(`${call.label}: ${call.message}`);
    if (this.#messages.length > MESSAGES_KEPT) this.#messages.shift();
  }

  settled(key: K, outcome: 'succeeded' | 'failed' | 'retried' | 'cancelled'): void {
    const call = this.#calls.get(key);
    this.#calls.delete(key);
    if (outcome === 'succeeded') this.#succeeded++;
    else if (outcome === 'failed') this.#failed++;
    else if (outcome === 'retried') this.#retried++;
    else this.#cancelled++;
    if (call?.pid === undefined) return;
    const worker = this.#workers.get(call.pid);
    if (worker?.current !== call) return;
    worker.current = undefined;
    worker.since = this.#now();
    worker.calls++;
  }

  /** A worker's process is gone (crashed or replaced): stop showing it. */
  forget(pid: number): void {
    this.#workers.delete(pid);
  }

  snapshot(): ProgressSnapshot {
    const now = this.#now();
    const settled = this.#succeeded + this.#failed + this.#cancelled;
    this.#pace.push({ at: now, settled });
    // Keep one sample from before the window, so the pace spans all of it.
    while ((this.#pace[1]?.at ?? now) <= now - PACE_WINDOW_MS) this.#pace.shift();
    const first = this.#pace[0];
    const oldest = first && first.at < now ? first : { at: this.#startedAt, settled: 0 };
    const span = now - oldest.at;
    const perSecond = span > 0 ? ((settled - oldest.settled) / span) * 1000 : 0;
    const left = this.total === undefined ? undefined : Math.max(0, this.total - settled);
    let running = 0;
    const workers: WorkerView[] = [];
    for (const [pid, worker] of this.#workers) {
      if (worker.current) running++;
      workers.push({
        pid,
        call: worker.current?.label,
        forMs: now - worker.since,
        progress: worker.current?.progress,
        message: worker.current?.message,
        calls: worker.calls,
      });
    }
    return {
      total: this.total,
      submitted: this.#submitted,
      succeeded: this.#succeeded,
      failed: this.#failed,
      retried: this.#retried,
      cancelled: this.#cancelled,
      inFlight: this.#calls.size,
      running,
      elapsedMs: now - this.#startedAt,
      perSecond,
      etaMs: left === undefined ? undefined : left === 0 ? 0 : perSecond > 0 ? (left / perSecond) * 1000 : undefined,
      workers,
      messages: [...this.#messages],
    };
  }
}

/** A message as one short line. */
function short(data: unknown): string {
  let text: string;
  try {
    // JSON.stringify returns undefined for undefined and functions, whatever its type says.
    const json = JSON.stringify(data) as string | undefined;
    text = typeof data === 'string' ? data : (json ?? String(data));
  } catch {
    text = String(data);
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
