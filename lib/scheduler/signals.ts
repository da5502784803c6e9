/**
 * Ctrl-C as a good CLI handles it, for `run({ signals: true })` and `start({ signals: true })`.
 *
 * The first SIGINT or SIGTERM stops the run gracefully and says so on stderr; the second stops
 * the running calls too; a third exits at once. When the run has ended, the process exit code
 * is the shells' for the signal (130 for SIGINT, 143 for SIGTERM), and the listeners are
 * removed: a signal after the run gets Node's default.
 *
 * The listeners stay until the run ends, even after the second signal: Node's default for a
 * signal nobody listens to would kill the host before its children are stopped and its exit
 * code set. A long-lived pool (`start()`) closed by a signal then exits the process with that
 * code: nothing else of an app that left its signals to forkline would end it (a server would
 * keep listening with no pool).
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
  /** Removes the listeners and, if a signal came, sets the process exit code for it and returns it. */
  dispose(): Signal | undefined;
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
    if (count === 2) {
      write(`forkline: ${signal} again: stopping the running calls now.\n`);
      run.kill(`${signal} again`);
      return;
    }
    write(`forkline: ${signal} a third time: exiting now.\n`);
    process.exit(128 + constants.signals[received]);
  };
  const remove = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    dispose: () => {
      remove();
      if (received) process.exitCode = 128 + constants.signals[received];
      return received;
    },
  };
}
