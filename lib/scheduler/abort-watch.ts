/**
 * The calls that watch each AbortSignal, behind one listener per signal.
 *
 * A listener per call made the common case, one AbortController for a whole batch, print Node's
 * MaxListenersExceededWarning from the eleventh call on (and keep a closure per call on the
 * signal). Here a signal has one 'abort' listener while any of its calls is unsettled, removed
 * once the last one settles, so a long-lived signal (an app's shutdown signal) holds nothing.
 */

/** What a watcher needs of a call. */
export interface Abortable {
  /** The signal aborted while the call was unsettled. */
  aborted(signal: AbortSignal): void;
}

interface Watch {
  readonly calls: Set<Abortable>;
  readonly onAbort: () => void;
}

const watches = new WeakMap<AbortSignal, Watch>();

/** `call` is cancelled when `signal` aborts, until `unwatchAbort`. The caller checks `signal.aborted` first. */
export function watchAbort(signal: AbortSignal, call: Abortable): void {
  let watch = watches.get(signal);
  if (!watch) {
    const calls = new Set<Abortable>();
    const onAbort = () => {
      watches.delete(signal);
      for (const each of calls) each.aborted(signal);
    };
    watch = { calls, onAbort };
    watches.set(signal, watch);
    signal.addEventListener('abort', onAbort, { once: true });
  }
  watch.calls.add(call);
}

/** `call` settled: it no longer watches `signal`; the last call's leaving removes the listener. */
export function unwatchAbort(signal: AbortSignal, call: Abortable): void {
  const watch = watches.get(signal);
  if (!watch?.calls.delete(call) || watch.calls.size > 0) return;
  watches.delete(signal);
  signal.removeEventListener('abort', watch.onAbort);
}
