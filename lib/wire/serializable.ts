/**
 * Finds the first part of a value that cannot cross the process boundary intact.
 *
 * Node's channel would otherwise throw deep inside `process.send` (functions, symbols under
 * 'advanced'), or worse, deliver something else: a Date as a string, a class instance as a plain
 * object, a Map as `{}`. We check before anything is sent so the error can name the path.
 */

export type Serialization = 'json' | 'advanced';

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

/** Returns undefined when `value` crosses intact under `serialization`. */
export function findUnserializable(value: unknown, serialization: Serialization): Unserializable | undefined {
  // Primitives are the overwhelmingly common case: answer without allocating.
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) {
    const problem = primitiveProblem(value, serialization);
    return problem === undefined ? undefined : { path: '', problem };
  }
  const found = walk(value, serialization, new Set());
  return found && { path: found.segments.reverse().join(''), problem: found.problem };
}

interface Found {
  segments: string[];
  problem: string;
}

function primitiveProblem(value: unknown, serialization: Serialization): string | undefined {
  if (serialization === 'advanced') return undefined;
  if (typeof value === 'bigint') return 'is a BigInt';
  if (typeof value === 'number' && !Number.isFinite(value)) return `is ${value}, which JSON turns into null`;
  return undefined;
}

function walk(value: unknown, serialization: Serialization, seen: Set<object>): Found | undefined {
  if (typeof value === 'function') return { segments: [], problem: `is a function${value.name ? ` (${value.name})` : ''}` };
  if (typeof value === 'symbol') return { segments: [], problem: 'is a symbol' };
  if (value === null || typeof value !== 'object') {
    const problem = primitiveProblem(value, serialization);
    return problem === undefined ? undefined : { segments: [], problem };
  }
  if (seen.has(value)) {
    // 'advanced' keeps shared and circular references; JSON cannot express either, but only a
    // cycle makes it throw, so shared (non-circular) references are allowed: `seen` is a path set.
    return serialization === 'json' ? { segments: [], problem: 'is a circular reference' } : undefined;
  }
  const classProblem = classOf(value, serialization);
  if (classProblem !== undefined) return { segments: [], problem: classProblem };

  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const found = walk(value[index], serialization, seen);
        if (found) return prepend(found, `[${index}]`);
      }
      return undefined;
    }
    if (value instanceof Map) {
      let index = 0;
      for (const [key, entry] of value) {
        const found = walk(key, serialization, seen) ?? walk(entry, serialization, seen);
        if (found) return prepend(found, `.entries()[${index}]`);
        index++;
      }
      return undefined;
    }
    if (value instanceof Set) {
      let index = 0;
      for (const entry of value) {
        const found = walk(entry, serialization, seen);
        if (found) return prepend(found, `.values()[${index}]`);
        index++;
      }
      return undefined;
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) {
      return undefined;
    }
    for (const key of Object.keys(value)) {
      const found = walk((value as Record<string, unknown>)[key], serialization, seen);
      if (found) return prepend(found, /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

function prepend(found: Found, segment: string): Found {
  found.segments.push(segment);
  return found;
}

/** Why an object's class would not survive, or undefined if it would. */
function classOf(value: object, serialization: Serialization): string | undefined {
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
