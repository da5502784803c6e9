/**
 * `Comm`: the task's two-way channel to the host (the type) and the plugin, message class and
 * errors that go with it (the value), named as in amltk: `Comm.Plugin()`, `Comm.Msg`,
 * `Comm.TimeoutError`, `Comm.CloseRequestError`.
 */
import { CommClosedError, CommCloseRequestError, CommResponseError, CommTimeoutError } from '../errors/index.js';
import { CommMsg } from './msg.js';
import { CommPlugin, defaultTransport, type CommPluginOptions } from './plugin.js';
import type { Comm as CommHandle, CommSchema } from './types.js';

/** Makes a Comm plugin: `scheduler.task(ref, { plugins: [Comm.Plugin()] })`. */
function Plugin<const N extends string = 'comm'>(options: CommPluginOptions<N> = {}): CommPlugin<N> {
  return new CommPlugin(options);
}

export const Comm = {
  Plugin,
  Msg: CommMsg,
  defaultTransport,
  TimeoutError: CommTimeoutError,
  CloseRequestError: CommCloseRequestError,
  ClosedError: CommClosedError,
  ResponseError: CommResponseError,
} as const;

/** The comm a task receives, typed by the schema of what crosses it. */
export type Comm<S extends CommSchema = CommSchema> = CommHandle<S>;

// Types under the same name, so `Comm.Msg<number>` reads as in amltk.
// eslint-disable-next-line @typescript-eslint/no-namespace -- a type-only namespace, merged with the value above.
export declare namespace Comm {
  type Msg<T = unknown, S extends CommSchema = CommSchema> = CommMsg<T, S>;
  type Plugin<N extends string = 'comm'> = CommPlugin<N>;
  type Schema = CommSchema;
  type TimeoutError = CommTimeoutError;
  type CloseRequestError = CommCloseRequestError;
  type ClosedError = CommClosedError;
  type ResponseError = CommResponseError;
}
