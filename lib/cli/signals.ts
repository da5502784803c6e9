/**
 * Ctrl-C as a good CLI has it: the first asks to stop gently, the second insists, a third exits
 * at once. SIGTERM counts as a Ctrl-C.
 */

export interface Interrupts {
  /** How many interrupts came. */
  readonly count: number;
  dispose(): void;
}

export function onInterrupt(handle: (count: number) => void): Interrupts {
  let count = 0;
  const listener = () => {
    count++;
    handle(count);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return {
    get count() {
      return count;
    },
    dispose() {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    },
  };
}
