/**
 * Checks of what arrives over Redis. Anybody who can write to Redis can XADD to an inbox stream
 * or add a job to the queue, so an inbox entry (UpEntry on the host, DownEntry on the worker) and
 * a job's data are checked where they enter, before any field is read: a bad one is refused with
 * a sentence naming what is wrong, never thrown over. Child envelopes inside entries are checked
 * by lib/wire/validate.ts, as the local pool checks them.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childEnvelopeProblem } from '../wire/validate.js';
import type { HostCommEnvelope } from './contract.js';
import { QueueJobInvalidError } from './errors.js';
import { decode, WIRE_VERSION, type CallJobData, type CallPayload, type DownEntry, type UpEntry } from './wire.js';

type Fields = Record<string, unknown>;

/** What is wrong with `value` as a worker → host entry, or undefined if it is one. */
export function upEntryProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `an entry is ${kindOf(value)}, not an object`;
  if (!isId(value.call)) return field(value.k, 'call', 'a call id');
  const k = value.k as UpEntry['k'];
  switch (k) {
    case 'taken':
      if (typeof value.worker !== 'string' || !WORKER_INBOX.test(value.worker)) return field(k, 'worker', "a worker's inbox key");
      return typeof value.job === 'string' ? undefined : field(k, 'job', 'a job id');
    case 'started':
      return value.pid === undefined || isId(value.pid) ? undefined : field(k, 'pid', 'a process id or undefined');
    case 'comm':
      if (!isObject(value.envelope) || value.envelope.t !== 'comm') return field(k, 'envelope', 'a comm envelope');
      return childEnvelopeProblem(value.envelope);
    case 'output':
      if (value.fd !== 1 && value.fd !== 2) return field(k, 'fd', '1 or 2');
      return typeof value.data === 'string' || value.data instanceof Uint8Array ? undefined : field(k, 'data', 'a string or bytes');
    case 'undeliverable':
      return hostCommProblem(value.envelope) ?? (typeof value.error === 'string' ? undefined : field(k, 'error', 'a string'));
    case 'outcome':
      return outcomeProblem(value.outcome);
    case 'usage':
      if (!isId(value.ask)) return field(k, 'ask', 'an ask number');
      if (value.usage === undefined) return undefined;
      return isObject(value.usage) && isAmount(value.usage.cpuMs) && isAmount(value.usage.rssBytes) ? undefined : field(k, 'usage', '{ cpuMs, rssBytes } numbers or undefined');
    default:
      k satisfies never;
      return unknownKind(value.k, 'worker → host');
  }
}

/** What is wrong with `value` as a host → worker entry, or undefined if it is one. */
export function downEntryProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `an entry is ${kindOf(value)}, not an object`;
  if (typeof value.job !== 'string') return field(value.k, 'job', 'a job id');
  const k = value.k as DownEntry['k'];
  switch (k) {
    case 'comm':
      return hostCommProblem(value.envelope);
    case 'cancel':
      return typeof value.reason === 'string' ? undefined : field(k, 'reason', 'a string');
    case 'terminate':
      if (typeof value.reason !== 'string') return field(k, 'reason', 'a string');
      return childEnvelopeProblem({ t: 'error', id: 0, error: value.error });
    case 'usage':
      return isId(value.ask) ? undefined : field(k, 'ask', 'an ask number');
    default:
      k satisfies never;
      return unknownKind(value.k, 'host → worker');
  }
}

/** The checks of a host → child comm envelope, by kind (the child runtime trusts its host). */
const HOST_COMM_CHECKS = {
  response: (envelope) => (isId(envelope.request) ? undefined : commField('response', 'request', 'a request id')),
  'response-error': (envelope) => (!isId(envelope.request) ? commField('response-error', 'request', 'a request id') : isText('response-error', envelope.data)),
  ack: () => undefined,
  'close-request': (envelope) => isText('close-request', envelope.data),
  credit: (envelope) => (isId(envelope.data) ? undefined : commField('credit', 'data', 'a message count')),
} satisfies Record<HostCommEnvelope['kind'], (envelope: Fields) => string | undefined>;

function hostCommProblem(value: unknown): string | undefined {
  if (!isObject(value) || value.t !== 'comm') return 'an entry\'s `envelope` is not a comm envelope';
  if (!isId(value.call)) return commField(value.kind, 'call', 'a call id');
  if (typeof value.comm !== 'string' || value.comm.length === 0) return commField(value.kind, 'comm', 'a comm name');
  const { kind } = value;
  if (typeof kind !== 'string' || !Object.hasOwn(HOST_COMM_CHECKS, kind)) return `a comm envelope has kind ${describe(kind)}, which a host does not send`;
  return HOST_COMM_CHECKS[kind as HostCommEnvelope['kind']](value);
}

function outcomeProblem(outcome: unknown): string | undefined {
  if (!isObject(outcome)) return field('outcome', 'outcome', 'an outcome object');
  if (outcome.state === 'fulfilled') return 'value' in outcome ? undefined : field('outcome', 'outcome.value', 'present');
  if (outcome.state !== 'rejected' && outcome.state !== 'cancelled') return field('outcome', 'outcome.state', '"fulfilled", "rejected" or "cancelled"');
  // The error is what a child's error envelope carries: the same check, so deserializeError never trips.
  return childEnvelopeProblem({ t: 'error', id: 0, error: outcome.error });
}

/** What is wrong with a job's `data` as a forkline call's, or undefined; `version` is checked by the caller. */
export function callJobProblem(data: unknown): string | undefined {
  if (!isObject(data)) return `its data is ${kindOf(data)}, not an object`;
  if (typeof data.v !== 'number') return 'its data has no forkline wire version `v`';
  if (typeof data.inbox !== 'string' || !HOST_INBOX.test(data.inbox)) return jobField('inbox', "a host's inbox key");
  if (!isId(data.call)) return jobField('call', 'a call id');
  if (!isObject(data.task) || !isName(data.task.module) || !isName(data.task.export)) return jobField('task', '{ module, export } strings');
  if (typeof data.relative !== 'boolean') return jobField('relative', 'a boolean');
  if (typeof data.payload !== 'string') return jobField('payload', 'a string');
  if (data.label !== undefined && typeof data.label !== 'string') return jobField('label', 'a string');
  if (data.notify !== undefined && data.notify !== true) return jobField('notify', 'true');
  if (!isId(data.crashRetries)) return jobField('crashRetries', 'an integer >= 0');
  if (data.host !== undefined && typeof data.host !== 'string') return jobField('host', 'a string');
  return undefined;
}

/** What is wrong with a decoded payload, or undefined if it is a CallPayload. */
export function callPayloadProblem(payload: unknown): string | undefined {
  if (!isObject(payload)) return `its payload is ${kindOf(payload)}, not { args, inject }`;
  if (!Array.isArray(payload.args)) return 'its payload has no `args` list';
  if (!isObject(payload.inject)) return 'its payload has no `inject` object';
  for (const [name, spec] of Object.entries(payload.inject)) {
    const ok = isObject(spec) && ((spec.kind === 'value' && 'value' in spec) || (spec.kind === 'comm' && (spec.call === undefined || isId(spec.call))));
    if (!ok) return `its payload's \`inject.${name}\` is not a value or comm injection`;
  }
  return undefined;
}

/** A job's call, read: its data checked, its module resolved against the worker's `root`, its payload decoded. */
export interface CallJob {
  readonly data: CallJobData;
  /** The module's URL, as the worker's pool imports it. */
  readonly module: string;
  readonly payload: CallPayload;
}

/**
 * Reads BullMQ job `jobId`'s data as a forkline call, or throws a QueueJobInvalidError naming
 * what is wrong (another forkline version's job: an Error saying so). A relative module must stay
 * under `root`: `../` would import any file the worker can read.
 */
export function readCallJob(jobId: string, data: unknown, root: string): CallJob {
  if (isObject(data) && typeof data.v === 'number' && data.v !== WIRE_VERSION) {
    throw new Error(`forkline worker: job ${jobId} has wire version ${String(data.v)}, this worker speaks ${WIRE_VERSION}: run the same forkline version on host and workers`);
  }
  const problem = callJobProblem(data);
  if (problem) throw new QueueJobInvalidError(jobId, problem);
  const call = data as CallJobData;
  return { data: call, module: moduleOf(jobId, call, root), payload: payloadOf(jobId, call.payload) };
}

function moduleOf(jobId: string, data: CallJobData, root: string): string {
  if (!data.relative) return data.task.module;
  const path = resolve(root, data.task.module);
  const inside = relative(root, path);
  if (isAbsolute(data.task.module) || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new QueueJobInvalidError(jobId, `its module ${describe(data.task.module)} is marked relative but is not under the worker's module root ${root}`);
  }
  return pathToFileURL(path).href;
}

function payloadOf(jobId: string, text: string): CallPayload {
  let payload: unknown;
  try {
    payload = decode(text);
  } catch (error) {
    throw new QueueJobInvalidError(jobId, `its payload is not base64 of a v8-serialized value (${error instanceof Error ? error.message : String(error)})`);
  }
  const problem = callPayloadProblem(payload);
  if (problem) throw new QueueJobInvalidError(jobId, problem);
  return payload as CallPayload;
}

const HOST_INBOX = /^forkline:\{.*\}:host:/;
const WORKER_INBOX = /^forkline:\{.*\}:worker:/;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isAmount(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isText(kind: string, value: unknown): string | undefined {
  return typeof value === 'string' ? undefined : commField(kind, 'data', 'a string');
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}

function field(kind: unknown, name: string, expected: string): string {
  return `the ${describe(kind)} entry's \`${name}\` is not ${expected}`;
}

function commField(kind: unknown, name: string, expected: string): string {
  return `the comm ${describe(kind)} envelope's \`${name}\` is not ${expected}`;
}

function jobField(name: string, expected: string): string {
  return `its data's \`${name}\` is not ${expected}`;
}

function unknownKind(kind: unknown, direction: string): string {
  return `an entry has kind ${describe(kind)}, which is no ${direction} entry`;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}
