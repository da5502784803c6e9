/**
 * Errors across the boundary: a task's error reaches the host with its name, message, stack (the
 * child's frames), code, cause, own properties and, where the host knows the class, its class.
 *
 * Neither serialization keeps this on its own: JSON turns an Error into `{}`, and 'advanced' keeps
 * only the built-in classes and drops own properties.
 */
import { inspect } from 'node:util';
import type { SerializedError, SerializedThrow } from './protocol.js';
import { findUnserializable, type Serialization } from './serializable.js';

/** A constructor whose instances can be rebuilt from a SerializedError. */
export type ErrorClass = abstract new (...args: never[]) => Error;

const RESERVED = new Set(['name', 'message', 'stack', 'code', 'cause']);
const MAX_CAUSE_DEPTH = 8;

/** Flattens anything a task throws. Non-errors are wrapped so they come back as they were. */
export function serializeError(thrown: unknown, serialization: Serialization, depth = 0): SerializedError | SerializedThrow {
  if (!(thrown instanceof Error)) return thrown === undefined ? { $thrown: 1 } : { $thrown: 1, value: sendable(thrown, serialization) };
  const props: Record<string, unknown> = {};
  let hasProps = false;
  const aggregate = thrown instanceof AggregateError;
  for (const key of Object.keys(thrown)) {
    if (RESERVED.has(key) || (aggregate && key === 'errors')) continue;
    props[key] = sendable((thrown as unknown as Record<string, unknown>)[key], serialization);
    hasProps = true;
  }
  const code = (thrown as { code?: unknown }).code;
  const className = (thrown.constructor as { name?: unknown } | undefined)?.name;
  return {
    $error: 1,
    name: thrown.name,
    ...(typeof className === 'string' && className !== thrown.name ? { className } : {}),
    message: thrown.message,
    ...(thrown.stack === undefined ? {} : { stack: thrown.stack }),
    ...(code === undefined ? {} : { code: sendable(code, serialization) }),
    ...('cause' in thrown && thrown.cause !== undefined && depth < MAX_CAUSE_DEPTH
      ? { cause: serializeError(thrown.cause, serialization, depth + 1) }
      : {}),
    ...(aggregate
      ? { errors: thrown.errors.map((error: unknown) => serializeError(error, serialization, depth + 1)) }
      : {}),
    ...(hasProps ? { props } : {}),
  };
}

/** Rebuilds what `serializeError` flattened, as an instance of a known class where possible. */
export function deserializeError(payload: unknown, classes: ReadonlyMap<string, ErrorClass>): unknown {
  if (!isObject(payload)) return payload;
  if (payload.$thrown === 1) return payload.value;
  if (payload.$error !== 1) return payload;
  const data = payload as unknown as SerializedError;
  const errorClass =
    (data.className === undefined ? undefined : classes.get(data.className)) ?? classes.get(data.name) ?? BUILTIN_CLASSES.get(data.name) ?? Error;
  const error = Object.create(errorClass.prototype as object) as Error;
  define(error, 'message', data.message);
  define(error, 'stack', data.stack ?? `${data.name}: ${data.message}`);
  if (error.name !== data.name) define(error, 'name', data.name);
  if (data.code !== undefined) Object.defineProperty(error, 'code', { value: data.code, enumerable: true, writable: true, configurable: true });
  if (data.cause !== undefined) define(error, 'cause', deserializeError(data.cause, classes));
  if (data.errors !== undefined) define(error, 'errors', data.errors.map((item) => deserializeError(item, classes)));
  if (data.props) {
    for (const [key, value] of Object.entries(data.props)) (error as unknown as Record<string, unknown>)[key] = deserializeError(value, classes);
  }
  return error;
}

/** Makes a class known by its name; forkline's own classes and the built-ins are always known. */
export function errorClassMap(classes: Iterable<ErrorClass>): Map<string, ErrorClass> {
  const map = new Map<string, ErrorClass>();
  for (const errorClass of classes) map.set(className(errorClass), errorClass);
  return map;
}

/**
 * The name instances of a class report: set on its prototype (`X.prototype.name = 'X'`), or, for
 * classes that set it in a field or not at all, the class's own name. Never the inherited 'Error'.
 */
function className(errorClass: ErrorClass): string {
  const prototype = errorClass.prototype as Error;
  return Object.hasOwn(prototype, 'name') && prototype.name ? prototype.name : errorClass.name;
}

const BUILTIN_CLASSES = errorClassMap([Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]);

function sendable(value: unknown, serialization: Serialization): unknown {
  if (value instanceof Error) return serializeError(value, serialization, MAX_CAUSE_DEPTH);
  return findUnserializable(value, serialization) === undefined ? value : inspect(value, { depth: 2, breakLength: Infinity });
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
