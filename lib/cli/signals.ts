/**
 * Ctrl-C as a good CLI has it: the first asks to stop gently, the second insists, a third exits
 * at once. SIGTERM counts the same, and its exit code is 143 where Ctrl-C's is 130.
 */
import { constants } from 'node:os';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

export interface Interrupts {
  /** How many interrupts came. */
  readonly count: number;
  /** The first signal that came, if any. */
  readonly signal: InterruptSignal | undefined;
  /** The shells' exit code for the first signal: 130 for SIGINT, 143 for SIGTERM. */
  readonly exitCode: number;
  dispose(): void;
}

/** What to call the key a user presses again, in messages: Ctrl-C, or the signal's name. */
export function again(signal: InterruptSignal): string {
  return signal === 'SIGINT' ? 'Ctrl-C again' : `Another ${signal}`;
}

export function onInterrupt(handle: (count: number, signal: InterruptSignal) => void): Interrupts {
  let count = 0;
  let first: InterruptSignal | undefined;
  const listener = (signal: InterruptSignal) => {
    count++;
    first ??= signal;
    handle(count, signal);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return {
    get count() {
      return count;
    },
    get signal() {
      return first;
    },
    get exitCode() {
      return 128 + constants.signals[first ?? 'SIGINT'];
    },
    dispose() {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    },
  };
}
