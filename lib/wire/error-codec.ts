/**
 * Errors across the boundary: a task's error reaches the host with its name, message, stack (the
 * child's frames), code, cause, own properties and, where the host knows the class, its class.
 *
 * Neither serialization keeps this on its own: JSON turns an Error into `{}`, and 'advanced' keeps
 * only the built-in classes and drops own properties.
 *
 * Serializing never throws: a task's error is whatever the task made, getters that throw and
 * revoked Proxies included. A field that cannot be read arrives as text naming it, so the call
 * fails once with the best description that can be made instead of taking its child down.
 */
import { inspect } from 'node:util';
import type { SerializedError, SerializedThrow } from './protocol.js';
import { findUnserializable, type Serialization } from './serializable.js';

/** A constructor whose instances can be rebuilt from a SerializedError. */
export type ErrorClass = abstract new (...args: never[]) => Error;

const RESERVED = new Set(['name', 'message', 'stack', 'code', 'cause']);
/** How deep causes and AggregateError members are followed; deeper ones are cut off. */
export const MAX_CAUSE_DEPTH = 8;

/** Flattens anything a task throws. Non-errors are wrapped so they come back as they were. */
export function serializeError(thrown: unknown, serialization: Serialization, depth = 0): SerializedError | SerializedThrow {
  try {
    if (!isError(thrown)) return thrown === undefined ? { $thrown: 1 } : { $thrown: 1, value: sendable(thrown, serialization, depth) };
    return flatten(thrown, serialization, depth);
  } catch (error) {
    // Reading it at all failed (a revoked Proxy): say so rather than fail the child.
    return { $error: 1, name: 'Error', message: `[a value that cannot be read: ${describe(error)}]` };
  }
}

function flatten(thrown: Error, serialization: Serialization, depth: number): SerializedError {
  const props: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    // defineProperty: an own `__proto__` key stays a key, never a new prototype.
    Object.defineProperty(props, key, { value, enumerable: true, writable: true, configurable: true });
  };
  const aggregate = thrown instanceof AggregateError;
  let keys: string[];
  try {
    keys = Object.keys(thrown);
  } catch (error) {
    keys = [];
    put('[own properties]', unreadable(error));
  }
  for (const key of keys) {
    if (RESERVED.has(key) || (aggregate && key === 'errors')) continue;
    const read = readField(thrown, key);
    put(key, 'failed' in read ? unreadable(read.failed) : sendable(read.value, serialization, depth));
  }
  const name = text(readField(thrown, 'name'), 'Error');
  const message = text(readField(thrown, 'message'), '');
  const stack = readField(thrown, 'stack');
  const code = readField(thrown, 'code');
  const cause = depth < MAX_CAUSE_DEPTH ? readField(thrown, 'cause') : { value: undefined };
  const errors = aggregate ? readField(thrown, 'errors') : { value: undefined };
  const constructor = readField(thrown, 'constructor');
  const className = 'value' in constructor && typeof constructor.value === 'function' ? readField(constructor.value, 'name') : { value: undefined };
  let members: unknown[] | undefined;
  if ('failed' in errors) put('errors', unreadable(errors.failed));
  else if (Array.isArray(errors.value)) members = depth < MAX_CAUSE_DEPTH ? errors.value.map((error: unknown) => serializeError(error, serialization, depth + 1)) : [];
  else if (errors.value !== undefined) put('errors', sendable(errors.value, serialization, depth));
  return {
    $error: 1,
    name,
    ...('value' in className && typeof className.value === 'string' && className.value !== name ? { className: className.value } : {}),
    message,
    ...('value' in stack && stack.value === undefined ? {} : { stack: text(stack, '') }),
    ...('value' in code && code.value === undefined ? {} : { code: 'failed' in code ? unreadable(code.failed) : sendable(code.value, serialization, depth) }),
    ...('value' in cause && cause.value === undefined
      ? {}
      : { cause: 'failed' in cause ? unreadable(cause.failed) : serializeError(cause.value, serialization, depth + 1) }),
    ...(members ? { errors: members } : {}),
    ...(Object.keys(props).length > 0 ? { props } : {}),
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
  if (Array.isArray(data.errors)) define(error, 'errors', data.errors.map((item) => deserializeError(item, classes)));
  if (isObject(data.props)) {
    for (const [key, value] of Object.entries(data.props)) {
      // Not `error[key] = value`: a key named __proto__ would give the error another prototype.
      Object.defineProperty(error, key, { value: deserializeError(value, classes), enumerable: true, writable: true, configurable: true });
    }
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

type Field = { readonly value: unknown } | { readonly failed: unknown };

/** Reads one field, catching what a getter or a Proxy trap throws. */
function readField(target: unknown, key: string): Field {
  try {
    return { value: (target as Record<string, unknown>)[key] };
  } catch (error) {
    return { failed: error };
  }
}

/** A field that must be a string (name, message, stack): coerced, or a note that it could not be read. */
function text(field: Field, fallback: string): string {
  if ('failed' in field) return unreadable(field.failed);
  if (typeof field.value === 'string') return field.value;
  if (field.value === undefined) return fallback;
  try {
    return inspect(field.value, { depth: 1, breakLength: Infinity });
  } catch (error) {
    return unreadable(error);
  }
}

function unreadable(error: unknown): string {
  return `[unreadable: reading it threw ${describe(error)}]`;
}

/** One line about a thrown value, whatever it is. */
function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'a value that cannot be read either';
  }
}

function isError(value: unknown): value is Error {
  return value instanceof Error;
}

/** A property's value as it can cross; an error in it is flattened too, as deep as causes are (an error may hold itself). */
function sendable(value: unknown, serialization: Serialization, depth: number): unknown {
  try {
    if (value instanceof Error) return depth < MAX_CAUSE_DEPTH ? serializeError(value, serialization, depth + 1) : `[${describe(value)}]`;
    return findUnserializable(value, serialization) === undefined ? value : inspect(value, { depth: 2, breakLength: Infinity });
  } catch (error) {
    return unreadable(error);
  }
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
