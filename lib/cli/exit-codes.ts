/**
 * The exit codes of `forkline`. Apart from runner.ts so main.ts can name them without loading
 * the runner, which it imports only once the pool is warming (warm-pool.ts).
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERRUPTED: 130 } as const;
