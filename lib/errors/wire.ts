/**
 * Errors of the wire between host and child: a value that cannot cross, a frame that breaks the protocol.
 */
import { ForklineError } from './base.js';

/** A value cannot cross the process boundary. `path` points inside it, e.g. `args[1].config.fn`. */
export class SerializationError extends ForklineError {
  override readonly code = 'ERR_SERIALIZATION';
  constructor(
    readonly where: string,
    readonly path: string,
    readonly problem: string,
    readonly serialization: 'json' | 'advanced',
  ) {
    super(
      `${where} failed: ${path} ${problem}, so it cannot be sent to another process ` +
        `(serialization: '${serialization}'). Send plain data instead` +
        (serialization === 'json' ? ", or use `serialization: 'advanced'` for Maps, Sets, Dates, BigInts and binary." : '.'),
    );
  }
}
SerializationError.prototype.name = 'SerializationError';

/** Host and child disagree on the protocol: different forkline versions, or a future from elsewhere. */
export class ProtocolError extends ForklineError {
  override readonly code = 'ERR_PROTOCOL';
  constructor(what: string, fix = 'Host and child must run the same forkline version; reinstall it if they differ.') {
    super(`forkline ${what}. ${fix}`);
  }

  /** A child broke the protocol (a frame the host cannot accept, a pipe it stopped reading): its call fails with this and it is replaced. */
  static badFrame(pid: number | undefined, problem: string): ProtocolError {
    return new ProtocolError(
      `child process${pid === undefined ? '' : ` ${pid}`} broke forkline's protocol (${problem}); the call it was running failed and the child was replaced`,
      "forkline's frames cross on a child's fds 4 and 5: a task must not write to, read from or close them; if no task does, host and child run different forkline versions.",
    );
  }

  /** A task sent past the comm window: the host refuses to hold what it sends. */
  static commFlood(comm: string, limit: number): ProtocolError {
    return new ProtocolError(
      `saw more than ${limit} messages on comm ${comm} waiting on the host's handlers; the call failed and its child was replaced`,
      "A task must await comm.send() (it waits while the host's handlers lag a window behind) and must not write frames to fd 4 itself.",
    );
  }
}
ProtocolError.prototype.name = 'ProtocolError';
