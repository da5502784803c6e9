/**
 * A typed event emitter with amltk's handler options and per-event counts.
 *
 * Unlike Node's EventEmitter, names are checked (a typo is a compile error, and an
 * EventNotKnownError from plain JS), every emit is counted whether or not anyone listens, and a
 * handler that throws or rejects does not break the emit: its error goes to the owner (the
 * scheduler), which applies `onException`.
 */
import { EventNotKnownError } from '../errors/index.js';
import { boolean, callable, checkOptions, integerOrInfinity } from '../options.js';

/** Checked like every other options object: a typo (`maxcalls`) is refused, not ignored. */
const HANDLER_OPTIONS = Object.keys({ maxCalls: true, repeat: true, every: true, when: true, hidden: true } satisfies Record<keyof HandlerOptions, true>);

/** The arguments handlers of event `K` in event map `E` receive (an event map maps names to tuples). */
export type EventArgs<E, K extends keyof E> = E[K] extends readonly unknown[] ? E[K] : never;

/** A handler for event `K` of map `E`. It may be async; a rejection is handled like a throw. */
export type Handler<Args extends readonly unknown[]> = (...args: Args) => unknown;

export interface HandlerOptions<Args extends readonly unknown[] = readonly unknown[]> {
  /** Stop calling the handler after this many calls (repeats count). */
  readonly maxCalls?: number;
  /** Call the handler this many times in a row for each emit. Default 1. */
  readonly repeat?: number;
  /** Only call the handler on every Nth emit it sees (the Nth, 2Nth, ...). Default 1. */
  readonly every?: number;
  /** Only call the handler when this returns true; checked after `every`. */
  readonly when?: (...args: Args) => boolean;
  /** Leave the handler out of displays such as the task panel (plugins use this). */
  readonly hidden?: boolean;
}

/**
 * Whether every handler of an emit succeeded. When some handler was async, `pending` resolves
 * to the same once they settled (wrapped, so an unused result is not a floating promise).
 */
export type Emitted = boolean | { readonly pending: Promise<boolean> };

/** Where an emitter sends what its handlers do besides returning: errors and pending promises. */
export interface HandlerSupervisor {
  /** A handler threw. */
  handlerFailed(error: unknown, event: string): void;
  /**
   * A handler returned a promise. Resolves to whether it fulfilled; a rejection is the
   * supervisor's to route, to whoever was in charge when the handler ran (a scheduler counts the
   * promise as work in flight of the run that was current then).
   */
  adopt(promise: Promise<unknown>, event: string): Promise<boolean>;
}

/** For emitters outside a scheduler: a throw goes to the emitter's caller, a rejection is a warning. */
const STANDALONE: HandlerSupervisor = {
  handlerFailed(error) {
    throw error;
  },
  adopt(promise, event) {
    return promise.then(
      () => true,
      (error: unknown) => {
        process.emitWarning(`A handler of '${event}' rejected: ${String(error)}`, 'ForklineWarning');
        return false;
      },
    );
  },
};

/** How many handlers are running now, nested: see {@link inHandler}. */
let handlerDepth = 0;

/**
 * Whether the code calling this runs inside an event handler (its synchronous part). A second
 * `stop()` escalates only from outside handlers: handlers of results that come in while a run
 * ends often call `stop()` again, and must not turn a graceful stop into a kill.
 */
export function inHandler(): boolean {
  return handlerDepth > 0;
}

interface Subscription {
  readonly handler: Handler<readonly unknown[]>;
  readonly maxCalls: number;
  readonly repeat: number;
  readonly every: number;
  readonly when: ((...args: readonly unknown[]) => boolean) | undefined;
  readonly hidden: boolean;
  seen: number;
  calls: number;
}

/** One known event: its handlers and how often it was emitted. */
interface EventRecord {
  /** Copied on write, so an emit can walk its list while handlers (un)subscribe. */
  list: readonly Subscription[];
  count: number;
}

export class Emitter<E extends object> {
  readonly #owner: string;
  /**
   * The known events, in the order added. One record per name, so an emit is one lookup: a
   * tiny call emits six events, and a lookup each for the name, the count and the handlers
   * was ~5% of the host's work per call.
   */
  readonly #events = new Map<string, EventRecord>();
  readonly #supervisor: HandlerSupervisor;

  /**
   * @param owner How errors name this emitter, e.g. `Task "fib"`.
   * @param events The event names this emitter knows; plugins may add more with `addEvents`.
   */
  constructor(owner: string, events: Iterable<keyof E & string>, supervisor: HandlerSupervisor = STANDALONE) {
    this.#owner = owner;
    this.#supervisor = supervisor;
    this.addEvents(...events);
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof E & string>(event: K, handler: Handler<EventArgs<E, K>>, options: HandlerOptions<EventArgs<E, K>> = {}): () => void {
    const record = this.#record(event);
    callable(handler, 'handler');
    checkOptions(options, `${this.#owner} on('${event}')`, HANDLER_OPTIONS);
    if (options.when !== undefined) callable(options.when, 'when');
    const subscription: Subscription = {
      handler: handler as Handler<readonly unknown[]>,
      maxCalls: count(options.maxCalls, 'maxCalls', Infinity),
      repeat: count(options.repeat, 'repeat', 1),
      every: count(options.every, 'every', 1),
      when: options.when as Subscription['when'],
      hidden: boolean(options.hidden ?? false, 'hidden'),
      seen: 0,
      calls: 0,
    };
    record.list = [...record.list, subscription];
    return () => {
      if (record.list.includes(subscription)) record.list = record.list.filter((item) => item !== subscription);
    };
  }

  /** Resolves with the arguments of the next emit of `event`; rejects if `signal` aborts first. */
  once<K extends keyof E & string>(event: K, options: { signal?: AbortSignal } = {}): Promise<EventArgs<E, K>> {
    this.#record(event);
    const { signal } = options;
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason.
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        off();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as above.
        reject(signal?.reason);
      };
      const off = this.on(event, ((...args: EventArgs<E, K>) => {
        off();
        signal?.removeEventListener('abort', onAbort);
        resolve(args);
      }), { hidden: true });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Calls the handlers of `event` in registration order, and counts the emit.
   *
   * Returns whether every handler succeeded: `true`/`false` when all returned synchronously,
   * `{ pending }` when some were async. Failures also go to the supervisor; the result
   * is for callers that must react to this emit in particular (a comm request whose handler
   * threw gets answered with an error).
   */
  emit<K extends keyof E & string>(event: K, ...args: EventArgs<E, K>): Emitted {
    const record = this.#record(event);
    record.count++;
    const { list } = record;
    if (list.length === 0) return true;
    let ok = true;
    let pending: Promise<boolean>[] | undefined;
    // `list` is never changed in place: handlers added during this emit wait for the next one.
    for (const subscription of list) {
      const result = this.#call(event, subscription, args);
      if (result === false) ok = false;
      else if (result !== true) (pending ??= []).push(result.pending);
    }
    if (!pending) return ok;
    return { pending: Promise.all(pending).then((results) => ok && results.every(Boolean)) };
  }

  /** How many times each event was emitted (events never emitted are absent). */
  get eventCounts(): Readonly<Partial<Record<keyof E & string, number>>> {
    const counts: Partial<Record<string, number>> = {};
    for (const [event, { count }] of this.#events) if (count > 0) counts[event] = count;
    return counts as Partial<Record<keyof E & string, number>>;
  }

  /** The events this emitter knows, in the order they were added. */
  get events(): readonly (keyof E & string)[] {
    return [...this.#events.keys()] as (keyof E & string)[];
  }

  /** The number of subscriptions to `event`, hidden ones only if asked. */
  listenerCount(event: keyof E & string, options: { hidden?: boolean } = {}): number {
    const list = this.#events.get(event)?.list ?? [];
    return options.hidden ? list.length : list.filter((subscription) => !subscription.hidden).length;
  }

  /** For plugins: makes more event names known. Adding a known name is a no-op. */
  addEvents(...events: string[]): void {
    for (const event of events) if (!this.#events.has(event)) this.#events.set(event, { list: [], count: 0 });
  }

  #call(event: string, subscription: Subscription, args: readonly unknown[]): Emitted {
    subscription.seen++;
    if (subscription.seen % subscription.every !== 0) return true;
    if (subscription.calls >= subscription.maxCalls) return true;
    if (subscription.when !== undefined && !this.#guard(event, subscription.when, args)) return true;
    let ok = true;
    let pending: Promise<boolean>[] | undefined;
    for (let round = 0; round < subscription.repeat && subscription.calls < subscription.maxCalls; round++) {
      subscription.calls++;
      let returned: unknown;
      handlerDepth++;
      try {
        returned = subscription.handler(...args);
      } catch (error) {
        this.#supervisor.handlerFailed(error, event);
        ok = false;
        continue;
      } finally {
        handlerDepth--;
      }
      // Async handlers return promises. Other thenables (a Future from `() => task.submit()`)
      // are a result, not a handler still at work.
      if (returned instanceof Promise) (pending ??= []).push(this.#supervisor.adopt(returned, event));
    }
    return pending ? { pending: Promise.all(pending).then((results) => ok && results.every(Boolean)) } : ok;
  }

  #guard(event: string, when: NonNullable<Subscription['when']>, args: readonly unknown[]): boolean {
    try {
      return when(...args);
    } catch (error) {
      this.#supervisor.handlerFailed(error, event);
      return false;
    }
  }

  #record(event: string): EventRecord {
    const record = this.#events.get(event);
    if (!record) throw new EventNotKnownError(event, [...this.#events.keys()], this.#owner);
    return record;
  }
}

/** A count of calls or emits: an integer >= 1, or Infinity; `fallback` when not given. */
function count(value: number | undefined, option: string, fallback: number): number {
  return value === undefined ? fallback : integerOrInfinity(value, option, 1);
}

