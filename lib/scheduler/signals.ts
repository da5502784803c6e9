/**
 * Ctrl-C as a good CLI handles it, for `run({ signals: true })` and `start({ signals: true })`.
 *
 * The first SIGINT or SIGTERM stops the run gracefully and says so on stderr; the second stops
 * the running calls too. When the run has ended, the process exit code is the shells' for the
 * signal (130 for SIGINT, 143 for SIGTERM), and the listeners are removed: a third signal, or
 * one after the run, gets Node's default (the process ends at once).
 */
import { constants } from 'node:os';

export type Signal = 'SIGINT' | 'SIGTERM';

const SIGNALS: readonly Signal[] = ['SIGINT', 'SIGTERM'];

/** What the signal handling needs from a run. */
export interface Stoppable {
  stopBySignal(signal: Signal): void;
  kill(why: string): void;
  readonly shutdown: { readonly wait: boolean; readonly drain: boolean };
}

export interface SignalWatch {
  /** Removes the listeners and, if a signal came, sets the process exit code for it. */
  dispose(): void;
}

export function watchSignals(run: Stoppable, write: (line: string) => void = (line) => void process.stderr.write(line)): SignalWatch {
  let received: Signal | undefined;
  let count = 0;
  const onSignal = (signal: Signal) => {
    received ??= signal;
    count++;
    const key = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (count === 1) {
      const { wait, drain } = run.shutdown;
      const what = !wait ? 'cancelling every call' : drain ? 'running the queued calls, then ending' : 'cancelling the calls not started, waiting for the running ones';
      write(`\nforkline: ${signal}: stopping, ${what}. ${wait ? `${key} again to stop them now.` : ''}\n`.replace(' \n', '\n'));
      run.stopBySignal(signal);
      return;
    }
    write(`forkline: ${signal} again: stopping the running calls now.\n`);
    remove();
    run.kill(`${signal} again`);
  };
  const remove = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    dispose: () => {
      remove();
      if (received) process.exitCode = 128 + constants.signals[received];
    },
  };
}
