/**
 * A remote call's usage probe: the host asks the worker running the call what its child has used
 * (a `usage` entry in the worker's inbox), and the worker answers from its own pool's probe, which
 * reads /proc on that machine (a `usage` entry in the host's inbox). So Limits' CPU-time and memory
 * limits hold on the queue as locally; wall time needs no probe (a host-side timer).
 *
 * An ask that gets no answer (the worker died, Redis is away) resolves undefined after
 * ANSWER_TIMEOUT_MS, as an ask for a call that has settled does at once: a probe never hangs.
 */
import type { ProcessUsage, UsageProbe } from '../executor.js';

/** Host → worker: what has the child running `job` used so far? */
export interface UsageAsk {
  readonly k: 'usage';
  readonly job: string;
  /** Matches the answer to its ask. */
  readonly ask: number;
}

/** Worker → host: the answer; undefined when the child is gone or its machine has no /proc. */
export interface UsageAnswer {
  readonly k: 'usage';
  readonly call: number;
  readonly ask: number;
  readonly usage: ProcessUsage | undefined;
}

/** Long enough for a round trip through a loaded Redis; short enough for a sampler to move on. */
const ANSWER_TIMEOUT_MS = 5000;

interface Pending {
  readonly call: number;
  readonly resolve: (usage: ProcessUsage | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

/** The host's asks in flight, by ask number. */
export class UsageAsks {
  #next = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(private readonly timeoutMs = ANSWER_TIMEOUT_MS) {}

  /** A probe of host call `call`, run as BullMQ job `job`: each use posts an ask with `send`. */
  probe(call: number, job: string, send: (ask: UsageAsk) => void): UsageProbe {
    return () =>
      new Promise((resolve) => {
        const ask = ++this.#next;
        const timer = setTimeout(() => this.#answer(ask, undefined), this.timeoutMs);
        timer.unref();
        this.#pending.set(ask, { call, resolve, timer });
        send({ k: 'usage', job, ask });
      });
  }

  /** A worker answered. */
  answered(entry: UsageAnswer): void {
    this.#answer(entry.ask, entry.usage);
  }

  /** The call settled (or the host is closing, `call` undefined): its asks resolve undefined now. */
  settled(call?: number): void {
    for (const [ask, pending] of this.#pending) if (call === undefined || pending.call === call) this.#answer(ask, undefined);
  }

  #answer(ask: number, usage: ProcessUsage | undefined): void {
    const pending = this.#pending.get(ask);
    if (!pending) return;
    this.#pending.delete(ask);
    clearTimeout(pending.timer);
    pending.resolve(usage);
  }
}

/** The worker's side: the answer to `ask`, from the probe the pool handed the call (none: undefined). */
export async function answerUsage(call: number, ask: UsageAsk, probe: UsageProbe | undefined): Promise<UsageAnswer> {
  const usage = await probe?.().catch(() => undefined);
  return { k: 'usage', call, ask: ask.ask, usage };
}
