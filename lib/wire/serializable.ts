/**
 * Finds the first part of a value that cannot cross the process boundary intact.
 *
 * Node's channel would otherwise throw deep inside `process.send` (functions, symbols under
 * 'advanced'), or worse, deliver something else: a Date as a string, a class instance as a plain
 * object, a Map as `{}`. We check before anything is sent so the error can name the path.
 */

import { types } from 'node:util';
import { SerializationError } from '../errors/index.js';

export type Serialization = 'json' | 'advanced';

/** How values cross the boundary, and how much may cross at once. */
export interface WireFormat {
  readonly serialization: Serialization;
  readonly maxPayloadBytes: number;
}

/**
 * Throws a SerializationError naming the path, e.g. `args[1].config.fn`, if `value` would not
 * cross intact. `where` names the call (`fib.submit()`), `root` the value (`args`). Returns a
 * rough size in bytes, for senders that cap how much they batch.
 */
export function assertSendable(value: unknown, format: WireFormat, where: string, root: string): number {
  const found = sizeOrProblem(value, format.serialization, format.maxPayloadBytes);
  if (typeof found !== 'number') throw new SerializationError(where, `${root}${found.path}`, found.problem, format.serialization);
  return found;
}

export interface Unserializable {
  /** Where in the value, as a JS accessor path relative to the root: `[1].config.fn`. */
  readonly path: string;
  /** What is wrong there, as a phrase: "is a function". */
  readonly problem: string;
}

const ADVANCED_CLASSES: ReadonlySet<unknown> = new Set([
  Date,
  RegExp,
  Map,
  Set,
  ArrayBuffer,
  DataView,
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
]);

/** Above this estimated size a value is refused: IPC would block both processes to copy it. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 128 * 2 ** 20;

/**
 * Values nested deeper than this are refused: both serializers recurse, and overflow the stack a
 * few thousand levels down (V8's at ~3,000 on a default stack). The check keeps ours from doing so.
 */
export const MAX_DEPTH = 1000;

/** Returns undefined when `value` crosses intact under `serialization` and within `maxBytes`. */
export function findUnserializable(
  value: unknown,
  serialization: Serialization,
  maxBytes = DEFAULT_MAX_PAYLOAD_BYTES,
): Unserializable | undefined {
  const found = sizeOrProblem(value, serialization, maxBytes);
  return typeof found === 'number' ? undefined : found;
}

/**
 * One walk, two answers: what keeps `value` from crossing intact, or (a number) its rough size in
 * bytes when nothing does. A number rather than an object, so the common case allocates nothing.
 */
export function sizeOrProblem(value: unknown, serialization: Serialization, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): Unserializable | number {
  // Primitives are the overwhelmingly common case: answer without allocating.
  if (!isComposite(value)) {
    const size = typeof value === 'string' ? value.length : 8;
    const problem = primitiveProblem(value, serialization) ?? sizeProblem(size, maxBytes);
    return problem === undefined ? size : { path: '', problem };
  }
  const context: Walk = { serialization, path: [], bytes: 0, maxBytes };
  let found = walk(value, context);
  // Too big as a whole: said of the root, whichever part tipped it over.
  if (context.bytes > maxBytes && (!found || found.whole)) found = { segments: [], problem: sizeProblem(context.bytes, maxBytes, found?.whole) ?? '' };
  return found ? { path: pathOf(found.segments.reverse()), problem: found.problem } : context.bytes;
}

/** A path for a message: a very deep one keeps its start and its end. */
function pathOf(segments: readonly string[]): string {
  if (segments.length <= 16) return segments.join('');
  return `${segments.slice(0, 8).join('')}…(${segments.length - 12} more)…${segments.slice(-4).join('')}`;
}

interface Walk {
  readonly serialization: Serialization;
  /** The objects on the path from the root (a stack: paths are short): a repeat is a cycle. */
  readonly path: object[];
  /** A rough count of the bytes strings and binary data take. */
  bytes: number;
  readonly maxBytes: number;
}

interface Found {
  segments: string[];
  problem: string;
  /** The value as a whole is over the size limit: reported at the root. */
  whole?: true;
}

/** Objects, functions and symbols need a closer look; everything else is a plain primitive. */
function isComposite(value: unknown): boolean {
  return (typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'symbol';
}

function primitiveProblem(value: unknown, serialization: Serialization): string | undefined {
  if (serialization === 'advanced') return undefined;
  if (typeof value === 'bigint') return 'is a BigInt';
  if (typeof value === 'number' && !Number.isFinite(value)) return `is ${value}, which JSON turns into null`;
  return undefined;
}

/** A byte count as users read the limit: `0.002 MiB`, `128 MiB`. */
export function mib(count: number): string {
  return `${(count / 2 ** 20).toFixed(count < 2 ** 20 ? 3 : 0)} MiB`;
}

/** `partial`: the walk stopped once over the limit, so the size is not known. */
function sizeProblem(bytes: number, maxBytes: number, partial = false): string | undefined {
  if (bytes <= maxBytes) return undefined;
  return `is ${partial ? 'over' : `about ${mib(bytes)}, over`} the ${mib(maxBytes)} limit (maxPayloadBytes); pass a file path or split the data`;
}

/** Checks a primitive in place (the common leaf of a walk); undefined when it crosses. */
function leaf(value: unknown, context: Walk): Found | undefined {
  let problem: string | undefined;
  if (typeof value === 'string') {
    context.bytes += value.length;
    problem = sizeProblem(value.length, context.maxBytes);
  } else {
    context.bytes += 8;
    problem = primitiveProblem(value, context.serialization);
  }
  return problem === undefined ? undefined : { segments: [], problem };
}

function walk(value: unknown, context: Walk): Found | undefined {
  if (!isComposite(value)) return leaf(value, context);
  if (typeof value === 'function') return { segments: [], problem: `is a function${value.name ? ` (${value.name})` : ''}` };
  if (typeof value === 'symbol') return { segments: [], problem: 'is a symbol' };
  const object = value as object;
  const { serialization, path } = context;
  if (path.includes(object)) {
    // 'advanced' keeps shared and circular references; JSON cannot express either, but only a
    // cycle makes it throw, so shared (non-circular) references are allowed: only the path counts.
    return serialization === 'json' ? { segments: [], problem: 'is a circular reference' } : undefined;
  }
  if (path.length >= MAX_DEPTH) {
    return { segments: [], problem: `nests more than ${MAX_DEPTH} levels deep, deeper than a process's serializer can follow; flatten it` };
  }
  const classProblem = classOf(object, serialization);
  if (classProblem !== undefined) return { segments: [], problem: classProblem };
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    context.bytes += object.byteLength;
    const problem = sizeProblem(object.byteLength, context.maxBytes);
    return problem === undefined ? undefined : { segments: [], problem };
  }
  if (object instanceof Date || object instanceof RegExp) return undefined;

  path.push(object);
  try {
    if (Array.isArray(object)) {
      for (let index = 0; index < object.length; index++) {
        const item: unknown = object[index];
        if (item === undefined) {
          const hole = !(index in object);
          if (serialization === 'json') return { segments: [`[${index}]`], problem: undefinedInJson(hole) };
          // A sparse array crosses as its items and its length: walk the items, not the holes.
          if (hole) return walkSparse(object, index, context);
        }
        const found = isComposite(item) ? walk(item, context) : leaf(item, context);
        if (found) return prepend(found, `[${index}]`);
        // Bounded by the size limit, not the length: a long array is refused as soon as it is too big.
        if (context.bytes > context.maxBytes) return { segments: [], problem: '', whole: true };
      }
      return undefined;
    }
    if (object instanceof Map) {
      let index = 0;
      for (const [key, entry] of object) {
        const found = walk(key, context) ?? walk(entry, context);
        if (found) return prepend(found, `.entries()[${index}]`);
        index++;
      }
      return undefined;
    }
    if (object instanceof Set) {
      let index = 0;
      for (const entry of object) {
        const found = walk(entry, context);
        if (found) return prepend(found, `.values()[${index}]`);
        index++;
      }
      return undefined;
    }
    // A plain object (or an error under 'advanced'): its own enumerable properties, which is what
    // both serializations copy.
    for (const key of Object.keys(object)) {
      const item: unknown = (object as Record<string, unknown>)[key];
      const found = isComposite(item) ? walk(item, context) : leaf(item, context);
      if (found) return prepend(found, /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
    }
    return undefined;
  } finally {
    path.pop();
  }
}

/**
 * JSON turns an undefined array item (or a hole) into null, silently: refused, as NaN is. An
 * undefined object property is dropped, which reads back the same (`value.a === undefined`).
 */
function undefinedInJson(hole: boolean): string {
  return `is ${hole ? 'a hole in a sparse array' : 'undefined'}, which JSON turns into null; use null, or \`serialization: 'advanced'\``;
}

/** The items of an array from `start` on that has holes: its own index keys, which skip them. */
function walkSparse(array: unknown[], start: number, context: Walk): Found | undefined {
  for (const key of Object.keys(array)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < start) continue;
    const item: unknown = array[index];
    const found = isComposite(item) ? walk(item, context) : leaf(item, context);
    if (found) return prepend(found, `[${index}]`);
    if (context.bytes > context.maxBytes) return { segments: [], problem: '', whole: true };
  }
  return undefined;
}

function prepend(found: Found, segment: string): Found {
  found.segments.push(segment);
  return found;
}

/** Why an object's class would not survive, or undefined if it would. */
function classOf(value: object, serialization: Serialization): string | undefined {
  // JSON reads a Proxy's properties like any object's; V8's serializer cannot copy one.
  if (serialization === 'advanced' && types.isProxy(value)) return 'is a Proxy, which cannot be copied to another process; send a plain copy of it';
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null || Array.isArray(value)) return undefined;
  if (serialization === 'advanced') {
    if (ArrayBuffer.isView(value)) return undefined;
    const ctor = (proto as { constructor?: unknown }).constructor;
    if (ADVANCED_CLASSES.has(ctor)) return undefined;
  }
  const name = (proto as { constructor?: { name?: string } }).constructor?.name;
  if (name === 'Promise' || name === 'WeakMap' || name === 'WeakSet') return `is a ${name}`;
  return `is an instance of ${name || 'an anonymous class'}, which would arrive as ${
    serialization === 'json' ? 'plain JSON' : 'a plain object'
  } without its class`;
}
