/**
 * --retries: which failures are worth another attempt, and how long to wait before it.
 *
 * Only failures of the environment, not of the task: a child that crashed (killed, out of
 * memory, exited) or a call stopped by a limit. A task that threw would throw again; retrying it
 * would only triple the time to the same error.
 */

/** Error codes that a retry may cure. */
const RETRYABLE = new Set(['ERR_WORKER_CRASHED', 'ERR_WALL_TIME_LIMIT', 'ERR_CPU_TIME_LIMIT', 'ERR_MEMORY_LIMIT']);

export function retryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

export interface RetryPolicy {
  readonly retries: number;
  /** Milliseconds before the first retry. */
  readonly delay: number;
}

/** Whether attempt number `attempt` (1-based) that failed with `error` gets another. */
export function shouldRetry(policy: RetryPolicy, attempt: number, error: unknown): boolean {
  return attempt <= policy.retries && retryable(error);
}

/** Exponential backoff with jitter (half fixed, half random), capped at 30 s: retries of one crash do not arrive together. */
export function backoff(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, policy.delay * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Waits `ms`, or less if `signal` aborts (then resolves false). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
