/**
 * Every failure forkline reports has its own class with a stable `code`.
 *
 * The messages are built in lib/errors/, one file per concern, and each one names what failed,
 * which side of the process boundary it failed on, and what to do about it. lib/errors/ imports
 * nothing outside itself so the child runtime (workers/) can share it: an error thrown in a child
 * arrives in the host as an instance of the same class.
 */
export { ForklineError, EventNotKnownError, InvalidOptionError, UnknownOptionError } from './base.js';
export { type RunEnding, SchedulerNotRunningError, CallVetoedError, SchedulerBusyError, CancelledError } from './scheduler.js';
export { TaskLoadError, WorkerCrashedError, WorkerStartError } from './task.js';
export { SerializationError, ProtocolError } from './wire.js';
export { InjectionConflictError, PluginError } from './plugin.js';
export { CommTimeoutError, CommCloseRequestError, CommClosedError, CommResponseError } from './comm.js';
export { LimitError, WallTimeLimitError, CpuTimeLimitError, MemoryLimitError } from './limits.js';
export { formatValue } from './format.js';
