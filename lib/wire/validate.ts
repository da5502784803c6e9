/**
 * Host-side checks of what a child sends. A child runs user code, which can write anything to the
 * pipe its frames go on (fd 4: a frame of `[null]`), so every envelope is checked where it enters
 * the host, before any field is read. A frame that fails is a protocol violation: the pool fails
 * that child's call with a ProtocolError and replaces the child; the host never throws for it.
 *
 * The checks are a few `typeof`s per envelope: an error's payload is walked only on the error path.
 */
import { MAX_CAUSE_DEPTH } from './error-codec.js';
import type { ChildCommEnvelope } from './protocol.js';

/** Nesting of serialized errors (causes, AggregateError members, error-valued properties) allowed. */
const MAX_ERROR_NESTING = 2 * MAX_CAUSE_DEPTH + 2;

/** What is wrong with `value` as a child → host envelope, or undefined if it is one. */
export function childEnvelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `an envelope is ${value === null ? 'null' : typeof value}, not an object`;
  const envelope = value as Record<string, unknown>;
  switch (envelope.t) {
    case 'ready':
      return isId(envelope.pid) ? undefined : field('ready', 'pid', 'a process id');
    case 'started':
    case 'loading':
    case 'dropped':
    case 'result':
      return isId(envelope.id) ? undefined : field(envelope.t, 'id', 'a call id');
    case 'error':
      if (!isId(envelope.id)) return field('error', 'id', 'a call id');
      return serializedErrorProblem(envelope.error, 0, true);
    case 'output':
      if (!isId(envelope.id)) return field('output', 'id', 'a call id');
      if (envelope.fd !== 1 && envelope.fd !== 2) return field('output', 'fd', '1 or 2');
      return typeof envelope.data === 'string' || envelope.data instanceof Uint8Array ? undefined : field('output', 'data', 'a string or bytes');
    case 'exiting':
      return typeof envelope.reason === 'string' ? undefined : field('exiting', 'reason', 'a string');
    case 'comm':
      return commProblem(envelope);
    default:
      return `an envelope has type ${describe(envelope.t)}, which is no child → host envelope`;
  }
}

/** The checks of a child → host comm envelope, by kind: a kind the child sends must have one. */
const COMM_CHECKS = {
  open: (envelope) => ackProblem('open', envelope),
  close: (envelope) => ackProblem('close', envelope),
  message: (envelope) => (Array.isArray(envelope.data) ? undefined : field('comm message', 'data', 'a list of messages')),
  request: (envelope) => (isId(envelope.request) ? undefined : field('comm request', 'request', 'a request id')),
} satisfies Record<ChildCommEnvelope['kind'], (envelope: Record<string, unknown>) => string | undefined>;

function commProblem(envelope: Record<string, unknown>): string | undefined {
  if (!isId(envelope.call)) return field('comm', 'call', 'a call id');
  if (typeof envelope.comm !== 'string' || envelope.comm.length === 0) return field('comm', 'comm', 'a comm name');
  const { kind } = envelope;
  if (!isChildCommKind(kind)) return `a comm envelope has kind ${describe(kind)}, which a child does not send`;
  return COMM_CHECKS[kind](envelope);
}

function isChildCommKind(kind: unknown): kind is ChildCommEnvelope['kind'] {
  return typeof kind === 'string' && Object.hasOwn(COMM_CHECKS, kind);
}

/** Open and close may ask for an ack, and say so with `true` (the child never sends `false`). */
function ackProblem(kind: 'open' | 'close', envelope: Record<string, unknown>): string | undefined {
  return envelope.ack === undefined || envelope.ack === true ? undefined : field(`comm ${kind}`, 'ack', 'true');
}

/**
 * What `deserializeError` would trip on. At the top of an error envelope the payload must be a
 * SerializedError or SerializedThrow; below, anything that is not marked `$error: 1` is a value.
 */
function serializedErrorProblem(payload: unknown, depth: number, top = false): string | undefined {
  if (typeof payload !== 'object' || payload === null) return top ? field('error', 'error', 'a serialized error') : undefined;
  const data = payload as Record<string, unknown>;
  if (data.$thrown === 1) return undefined;
  if (data.$error !== 1) return top ? field('error', 'error', 'a serialized error') : undefined;
  if (depth > MAX_ERROR_NESTING) return `an error nests causes deeper than ${MAX_ERROR_NESTING} levels`;
  if (typeof data.name !== 'string') return field('error', 'error.name', 'a string');
  if (typeof data.message !== 'string') return field('error', 'error.message', 'a string');
  if (data.stack !== undefined && typeof data.stack !== 'string') return field('error', 'error.stack', 'a string');
  if (data.className !== undefined && typeof data.className !== 'string') return field('error', 'error.className', 'a string');
  const cause = serializedErrorProblem(data.cause, depth + 1);
  if (cause) return cause;
  if (data.errors !== undefined) {
    if (!Array.isArray(data.errors)) return field('error', 'error.errors', 'a list');
    for (const member of data.errors as unknown[]) {
      const problem = serializedErrorProblem(member, depth + 1);
      if (problem) return problem;
    }
  }
  if (data.props !== undefined) {
    if (typeof data.props !== 'object' || data.props === null || Array.isArray(data.props)) return field('error', 'error.props', 'an object');
    for (const value of Object.values(data.props)) {
      const problem = serializedErrorProblem(value, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function field(kind: string, name: string, expected: string): string {
  return `the "${kind}" envelope's \`${name}\` is not ${expected}`;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}
