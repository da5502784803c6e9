/**
 * The child side: runs the calls the host sends, one at a time, in the order they came.
 *
 * The same runtime serves a forked child (workers/child.ts wires it to the frame pipes) and the
 * host itself in sequential mode (wired to an in-memory channel), so both behave alike.
 */
import { ProtocolError } from '../lib/errors/index.js';
import type { ChildEnvelope, HostEnvelope, RunEnvelope, TaskIdentity } from '../lib/wire/protocol.js';
import type { WireFormat } from '../lib/wire/serializable.js';
import { ActiveCall, type Injector, type RuntimeChannel } from './call-context.js';
import { loadTask } from './load.js';
import { setOutputCall } from './output.js';
import { outcomeEnvelope, refusedEnvelope, type Outcome } from './outcome.js';

type TaskFunction = (...args: unknown[]) => unknown;

/** A task the host defined: its name, and its function once loaded. */
interface Defined {
  readonly identity: TaskIdentity;
  fn: TaskFunction | undefined;
}

/** The most time (ms) calls run back to back before the child reads what the host sent. */
const YIELD_MS = 1;

export class Runtime {
  readonly #channel: RuntimeChannel;
  readonly #format: WireFormat;
  readonly #injectors: ReadonlyMap<string, Injector>;
  readonly #tasks = new Map<number, Defined>();
  #queue: RunEnvelope[] = [];
  #head = 0;
  #active: ActiveCall | undefined;
  #draining = false;
  /** Set by fatal(): the process is going down, and no other run may start. */
  #dead = false;
  #idle: (() => void)[] = [];
  /** Runs cancelled while between the queue and execution (waiting for the channel to drain). */
  readonly #cancelledIds = new Set<number>();

  constructor(channel: RuntimeChannel, format: WireFormat, injectors: ReadonlyMap<string, Injector>) {
    this.#channel = channel;
    this.#format = format;
    this.#injectors = injectors;
  }

  /**
   * An error escaped every run (a timer's callback threw, a promise nobody awaited rejected):
   * the process is no longer trustworthy. Fails the run executing now with it and announces the
   * exit, so the host requeues the runs that never started instead of failing them.
   */
  fatal(error: unknown): boolean {
    this.#dead = true;
    const active = this.#active;
    // The run's error and `exiting` go out in one frame, nothing between them: the host's proof
    // that the next run it sent never started (lib/wire/protocol.ts, ExitingEnvelope).
    this.#channel.flush();
    if (active) this.#settle(active, { error });
    this.#channel.push({ t: 'exiting', reason: describe(error) });
    this.#channel.flush();
    return active !== undefined;
  }

  /**
   * Stops taking runs and forgets the queued ones (the host runs them elsewhere); resolves once
   * the run executing now, if any, has settled. For a runtime in the host, which cannot be killed.
   */
  abandon(): Promise<void> {
    this.#dead = true;
    this.#queue = [];
    this.#head = 0;
    if (!this.#draining) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * The channel refused an envelope this runtime produced (a value that passed the checks but not
   * the serializer). A result or a message becomes a SerializationError for its call; false if
   * the envelope belonged to no call.
   */
  unsendable(envelope: ChildEnvelope, error: Error): boolean {
    const instead = refusedEnvelope(envelope, error, this.#format);
    if (instead) this.#channel.push(instead);
    return instead !== undefined;
  }

  receive(envelope: HostEnvelope): void {
    switch (envelope.t) {
      case 'define':
        this.#tasks.set(envelope.ref, { identity: envelope.task, fn: undefined });
        return;
      case 'run':
        if (this.#dead) return;
        this.#queue.push(envelope);
        if (!this.#draining) void this.#drain();
        return;
      case 'cancel':
        this.#cancel(envelope.id, envelope.reason, envelope.ifQueued === true);
        return;
      case 'comm':
        // A late answer for a call that has settled finds no comm: its comms went with it.
        if (this.#active?.id === envelope.call) this.#active.receiveComm(envelope);
        return;
      default:
        envelope satisfies never;
    }
  }

  #cancel(id: number, reason: string, ifQueued: boolean): void {
    const active = this.#active;
    if (active?.id === id) {
      if (!ifQueued) active.abort(reason);
      return;
    }
    const index = this.#queue.findIndex((run, at) => at >= this.#head && run.id === id);
    if (index >= 0) {
      this.#queue.splice(index, 1);
      this.#channel.push({ t: 'dropped', id });
    } else if (this.#draining) {
      // Taken off the queue and about to start: dropped there.
      this.#cancelledIds.add(id);
    }
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    let yielded = performance.now();
    try {
      while (this.#head < this.#queue.length) {
        const run = this.#queue[this.#head++] as RunEnvelope;
        if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
          this.#queue = this.#queue.slice(this.#head);
          this.#head = 0;
        }
        // Before a call starts, all that earlier calls produced is written to the channel. If
        // this call takes the process down, the host has every earlier result and knows that
        // this one was running: it fails this call and runs the rest elsewhere, none twice.
        // Usually the write completes at once and this costs a tick; a slow host makes it wait.
        if (this.#channel.flush()) await this.#channel.drained();
        // Synchronous calls run back to back would not hear the host until the queue is empty:
        // a cancel of a call sent ahead would come after it ran. A turn of the loop every
        // YIELD_MS reads what the host sent meanwhile (I/O runs before setImmediate).
        if (performance.now() - yielded >= YIELD_MS) {
          await new Promise((resume) => setImmediate(resume));
          yielded = performance.now();
        }
        if (this.#dead) return;
        if (this.#cancelledIds.delete(run.id)) {
          this.#channel.push({ t: 'dropped', id: run.id });
          continue;
        }
        const pending = this.#execute(run);
        if (pending) await pending;
      }
    } finally {
      this.#draining = false;
      this.#cancelledIds.clear();
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Runs one call; returns a promise only when the call is asynchronous. */
  #execute(envelope: RunEnvelope): Promise<void> | undefined {
    const defined = this.#tasks.get(envelope.task);
    const task = defined?.identity ?? { module: 'unknown', export: `task #${envelope.task}` };
    const active = new ActiveCall(envelope, task, this.#format, this.#channel);
    this.#active = active;
    setOutputCall(envelope.id, envelope.label);
    let value: unknown;
    let thenable: boolean;
    try {
      if (!defined) throw new ProtocolError(`child runtime got a call of task #${envelope.task}, which the host never defined`);
      const fn = defined.fn;
      if (!fn) return this.#executeAfterLoad(active, defined);
      this.#started(envelope);
      value = fn(...active.arguments(this.#injectors));
      // Inside the try: a returned object's `then` may be a getter that throws.
      thenable = isThenable(value);
    } catch (error) {
      this.#settle(active, { error });
      return undefined;
    }
    if (!thenable) {
      this.#settle(active, { value });
      return undefined;
    }
    return Promise.resolve(value).then(
      (result) => this.#settle(active, { value: result }),
      (error: unknown) => this.#settle(active, { error }),
    );
  }

  /**
   * Tells a watcher (limits) the function is about to be called: after its module loaded, which
   * is not the call's time. Written at once, since the call may keep the event loop busy.
   */
  #started(envelope: RunEnvelope): void {
    if (!envelope.notify) return;
    this.#channel.pushNow({ t: 'started', id: envelope.id });
  }

  async #executeAfterLoad(active: ActiveCall, defined: Defined): Promise<void> {
    try {
      // The host bounds loading (a top-level await that never settles, a loop at top level): it
      // hears when loading begins and, with `started`, when it is over. Both written at once.
      this.#channel.pushNow({ t: 'loading', id: active.id });
      const fn = (defined.fn ??= await loadTask(defined.identity));
      this.#channel.pushNow({ t: 'started', id: active.id });
      this.#settle(active, { value: await fn(...active.arguments(this.#injectors)) });
    } catch (error) {
      this.#settle(active, { error });
    }
  }

  #settle(active: ActiveCall, outcome: Outcome): void {
    active.settling();
    if (this.#active === active) {
      this.#active = undefined;
      setOutputCall(undefined);
    }
    this.#channel.push(outcomeEnvelope(active.id, active.task, outcome, this.#format));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** One line about an uncaught value, whatever it is (reading it may throw too). */
function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an uncaught value that cannot be read';
  }
}
