/**
 * Worker processes for the queue specs: `forkline worker` started as users start it (the built
 * CLI), two of them standing in for two machines, stopped (or killed) by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));

export interface WorkerProcess {
  readonly pid: number;
  readonly process: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then waits for its exit. */
  stop(): Promise<void>;
}

/** Short lock and stall settings, so that a killed worker's call is retried or failed within ~2 s. */
export const FAST_STALLS = ['--lock-duration', '1000', '--stalled-interval', '500'];

export async function startWorker(url: string, queue: string, extra: readonly string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--queue', queue, '--concurrency', '1', ...FAST_STALLS, ...extra], {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stderr = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(', ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`forkline worker exited with ${code}: ${stderr}`)));
  });
  await ready;
  child.removeAllListeners('exit');
  return {
    pid: child.pid!,
    process: child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
