/**
 * forkline/progress: a live progress display fed by a scheduler's events, for batch scripts and
 * for CLIs that embed forkline.
 *
 * In a terminal it redraws a frame in place (log-update): counts, throughput, ETA, a row per
 * worker with the call it runs, and the last messages calls sent over their comms (a call that
 * sends `{ progress: 0.4 }` moves its own bar). Elsewhere (CI logs, pipes) it prints one plain
 * line every few seconds. Drawing runs on its own timer, never per event, so a batch of tiny
 * calls pays a counter update per event and nothing more.
 */
import { createLogUpdate } from 'log-update';
import type { Future } from '../future.js';
import { callLink } from '../plugin.js';
import { checkOptions, oneOf, positive } from '../options.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { AnyTask } from '../task.js';
import { renderFrame, renderLine } from './render.js';
import { ProgressState, type ProgressSnapshot } from './state.js';

export type { ProgressSnapshot, WorkerView } from './state.js';
export { renderFrame, renderLine, duration } from './render.js';

/** Where the display writes: a stream, a TTY one for the live frame. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface ProgressOptions {
  /** How many calls the batch has (for the bar and the ETA); settable later as `display.total`. */
  readonly total?: number;
  /** Tasks whose calls get a worker row and whose comm messages are shown. */
  readonly tasks?: readonly AnyTask[];
  /** Default process.stderr. */
  readonly stream?: ProgressStream;
  /**
   * 'live' redraws a frame, 'plain' prints lines, 'auto' (default) is live on a TTY, 'none'
   * draws nothing and keeps the numbers for `snapshot()` (for a display of your own).
   */
  readonly mode?: 'auto' | 'live' | 'plain' | 'none';
  /** Milliseconds between frames (default 100) or plain lines (default 5000). */
  readonly interval?: number;
  /** The frame's heading. Default 'forkline'. */
  readonly title?: string;
  /** A call's label in worker rows and messages. Default `name#id`. */
  readonly label?: (future: Future) => string;
  /**
   * Whether a failed call will be tried again (it then counts as retried, not failed). For
   * runners that resubmit; default never.
   */
  readonly willRetry?: (future: Future, error: unknown) => boolean;
}

const OPTIONS = ['total', 'tasks', 'stream', 'mode', 'interval', 'title', 'label', 'willRetry'] as const;

export class ProgressDisplay {
  readonly #state = new ProgressState<Future>();
  readonly #stream: ProgressStream;
  readonly #live: boolean;
  readonly #title: string;
  readonly #draw: ReturnType<typeof createLogUpdate> | undefined;
  readonly #unsubscribe: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #silent: boolean;

  constructor(scheduler: Scheduler, options: ProgressOptions = {}) {
    checkOptions(options, 'new ProgressDisplay()', OPTIONS);
    const mode = oneOf(options.mode ?? 'auto', 'mode', ['auto', 'live', 'plain', 'none']);
    this.#silent = mode === 'none';
    this.#stream = options.stream ?? process.stderr;
    this.#live = mode === 'live' || (mode === 'auto' && this.#stream.isTTY === true);
    this.#title = options.title ?? 'forkline';
    this.#state.total = options.total;
    const interval = positive(options.interval ?? (this.#live ? 100 : 5000), 'interval', 'a number of milliseconds > 0');
    // log-update reads columns and rows and writes; any stream with those will do.
    if (this.#live) this.#draw = createLogUpdate(this.#stream as unknown as NodeJS.WriteStream, { showCursor: false });
    const label = options.label ?? ((future: Future) => `${future.task.name}#${future.id}`);
    const willRetry = options.willRetry ?? (() => false);
    const state = this.#state;

    this.#unsubscribe.push(
      scheduler.on('future-submitted', (future) => state.submitted(future, label(future)), { hidden: true }),
      scheduler.on('future-result', (future) => state.settled(future, 'succeeded'), { hidden: true }),
      scheduler.on('future-exception', (future, error) => state.settled(future, willRetry(future, error) ? 'retried' : 'failed'), { hidden: true }),
      scheduler.on('future-cancelled', (future) => state.settled(future, 'cancelled'), { hidden: true }),
      scheduler.on('finished', () => this.stop(), { hidden: true }),
    );
    for (const task of options.tasks ?? []) {
      this.#unsubscribe.push(
        // A task with plugins has a link that reports when (and in which child) a call starts.
        task.on('submitted', (future: Future) => callLink(future)?.onStarted((pid) => state.started(future, pid)), { hidden: true }),
      );
      if (task.events.includes('comm-message')) {
        const onMessage = (msg: { future: Future; data: unknown }) => state.message(msg.future, msg.data);
        this.#unsubscribe.push((task.on as (event: string, handler: typeof onMessage, options: object) => () => void)('comm-message', onMessage, { hidden: true }));
      }
    }
    if (!this.#silent) {
      this.#timer = setInterval(() => this.render(), interval);
      this.#timer.unref();
    }
  }

  /** The batch size, for the bar and the ETA. */
  get total(): number | undefined {
    return this.#state.total;
  }

  set total(total: number | undefined) {
    this.#state.total = total;
  }

  /** True when drawing a live frame (a TTY), false when printing plain lines. */
  get live(): boolean {
    return this.#live;
  }

  /** The numbers the display shows, now. */
  snapshot(): ProgressSnapshot {
    return this.#state.snapshot();
  }

  /** Draws now (the display also draws on its own timer). */
  render(): void {
    if (this.#stopped || this.#silent) return;
    const snapshot = this.#state.snapshot();
    if (this.#draw) {
      const { columns = 80, rows = 24 } = this.#stream;
      this.#draw(renderFrame(snapshot, { title: this.#title, width: columns, height: rows, color: !process.env.NO_COLOR }));
    } else {
      this.#stream.write(`${renderLine(snapshot, this.#title)}\n`);
    }
  }

  /** Prints a line above the live frame (or as a line of its own), e.g. "stopping: ...". */
  note(text: string): void {
    if (this.#draw && !this.#stopped) this.#draw.persist(text);
    else this.#stream.write(`${text}\n`);
  }

  /** Draws the last frame and stops; called by the scheduler's 'finished'. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.render();
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#draw?.done();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }
}

/** Starts a progress display for a scheduler's run; it stops itself when the run finishes. */
export function showProgress(scheduler: Scheduler, options?: ProgressOptions): ProgressDisplay {
  return new ProgressDisplay(scheduler, options);
}
