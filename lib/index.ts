/**
 * forkline: run work in warm child processes and talk to it while it runs.
 */
export { Scheduler, type TaskOptions } from './scheduler/scheduler.js';
export type { ProcessSchedulerOptions, SchedulerOptions } from './scheduler/options.js';
export type { RunOptions, StartOptions, CloseOptions } from './scheduler/settings.js';
export type { SchedulerEvents } from './scheduler/events.js';
export { ExitCode, type ExitState } from './scheduler/exit.js';
export type { ErrorAction, ExceptionPolicy } from './scheduler/policy.js';
export { Task, type Submitted, type TaskFuture, type TaskEvents, type TaskEventMap, type TaskArgs, type SubmitOptions, type AnyTask } from './task.js';
export { Future, type FutureState, type FutureCall } from './future.js';
export { taskRef, taskModule, type TaskRef, type TaskRefOptions, type TaskModule, type TaskFunction } from './task-ref.js';
export type { Plugin, PluginTypes, PluginTask, PluginEventsOf, SubmitCall, AnyPlugin, TaskResult } from './plugin.js';
export type { Handler, HandlerOptions } from './events/emitter.js';
export type { InjectSpec, TaskIdentity } from './wire/protocol.js';
export type { Serialization } from './wire/serializable.js';
export type { ErrorClass } from './wire/error-codec.js';
export { Comm } from './comm/index.js';
export { CommPlugin, type CommEvents, type CommPluginOptions, type CommSchemaOf } from './comm/plugin.js';
export { CommMsg, type CommMsgKind } from './comm/msg.js';
export { HostComm, type CommTransport } from './comm/host-comm.js';
export type { CommSchema, CommData, CommAckOptions, CommRequestOptions, CommOpenBodyOptions } from './comm/types.js';
export { Limiter, type LimiterOptions, type LimiterEvents } from './plugins/limiter.js';
export { Limits, type LimitsOptions, type LimitsEvents } from './plugins/limits.js';
export {
  ForklineError,
  EventNotKnownError,
  InvalidOptionError,
  UnknownOptionError,
  ProtocolError,
  SchedulerNotRunningError,
  type RunEnding,
  SchedulerBusyError,
  CallVetoedError,
  TaskLoadError,
  WorkerCrashedError,
  WorkerStartError,
  CancelledError,
  SerializationError,
  InjectionConflictError,
  PluginError,
  CommTimeoutError,
  CommCloseRequestError,
  CommClosedError,
  CommResponseError,
  LimitError,
  WallTimeLimitError,
  CpuTimeLimitError,
  MemoryLimitError,
} from './errors/index.js';
