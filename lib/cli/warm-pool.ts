/**
 * The pool of `forkline run`, built and warmed first: main.ts calls this before it loads the
 * rest of the CLI (p-queue, the progress display, the plugins, the input readers), so the
 * children boot while this process loads its own modules and reads its input, and Node's boot is
 * paid once, in parallel. Imports nothing but the scheduler, for that reason.
 *
 * Warm children keep nothing alive (Scheduler.warm()): a run that ends before it starts the
 * pool (a usage error, a locked --out) exits as before; runner.ts closes them to exit at once.
 */
import { Scheduler } from '../scheduler/scheduler.js';

export interface PoolSettings {
  readonly workers: number;
  readonly killGracePeriod: number;
  readonly json: boolean;
  readonly progress: string;
}

export function warmPool(settings: PoolSettings, stderr: { readonly isTTY?: boolean }): Scheduler {
  // A task's console.log must not land in the JSON lines on stdout, nor under a live frame.
  const live = settings.progress !== 'off' && stderr.isTTY === true;
  // JSON both ways: inputs are JSON, results are written as JSON, and it is the faster format.
  const scheduler = Scheduler.withProcesses(settings.workers, {
    serialization: 'json',
    killGracePeriod: settings.killGracePeriod,
    stdout: settings.json || live ? 'stderr' : 'stdout',
  });
  // A pool that cannot start fails its calls (WorkerCrashedError), which the results report.
  scheduler.warm().catch(() => undefined);
  return scheduler;
}
