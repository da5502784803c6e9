/**
 * Whether a frame's envelopes read back from JSON exactly as V8's serializer would give them
 * back, so that the frame codec may write the cheaper form (frame-codec.ts).
 *
 * JSON.parse is about three times as fast as a V8 deserializer on the small frames most calls
 * make, but JSON changes what it cannot express without a word: a Date becomes a string, -0 a 0,
 * an undefined item null, a shared object two copies, a RegExp match's `index` is dropped. So this
 * answers "yes" only when nothing of the kind is in the frame. Anything it is unsure of says no,
 * and the frame goes through V8, which is never wrong, only slower.
 */

/**
 * Strings above this many characters in one frame go through V8: it copies a long string as
 * bytes, where JSON scans it for characters to escape (a 1 MiB string: ~0.7 ms against ~5 ms).
 */
export const JSON_MAX_CHARS = 32 * 1024;

/** Arrays longer than this go through V8 rather than be checked item by item for extra keys. */
const JSON_MAX_ARRAY = 1024;

/** Nesting beyond this goes through V8 (whose depth the sendability check already bounds). */
const JSON_MAX_DEPTH = 64;

interface Budget {
  chars: number;
  /**
   * Objects seen so far: a second sighting is a shared reference, which JSON would copy. Made at
   * the first object: most frames (a request, an answer, a result) hold only primitives.
   */
  seen: Set<object> | undefined;
}

/**
 * True when every envelope round-trips through JSON unchanged. An envelope's own fields may be
 * undefined (an absent optional field reads the same); inside values, nothing may be.
 */
export function jsonSafeEnvelopes(envelopes: readonly object[]): boolean {
  const budget: Budget = { chars: 0, seen: undefined };
  for (const envelope of envelopes) {
    if (Object.getPrototypeOf(envelope) !== Object.prototype) return false;
    for (const key in envelope) {
      const value: unknown = (envelope as Record<string, unknown>)[key];
      if (value !== undefined && !safe(value, budget, 0)) return false;
    }
  }
  return true;
}

function safe(value: unknown, budget: Budget, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      budget.chars += value.length;
      return budget.chars <= JSON_MAX_CHARS;
    case 'number':
      // NaN and ±Infinity become null; -0 becomes 0.
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'boolean':
      return true;
    case 'object':
      return value === null || composite(value, budget, depth);
    default:
      // undefined (null in arrays, dropped from objects), bigint, symbol, function.
      return false;
  }
}

function composite(object: object, budget: Budget, depth: number): boolean {
  const seen = (budget.seen ??= new Set());
  if (depth >= JSON_MAX_DEPTH || seen.has(object)) return false;
  seen.add(object);
  // JSON.stringify sends what a toJSON method returns, even a non-enumerable one that V8 and the
  // walk below never see: `Object.defineProperty(value, 'toJSON', { value: () => 'else' })`.
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(object)) {
    const { length } = object;
    if (length > JSON_MAX_ARRAY || Object.getPrototypeOf(object) !== Array.prototype) return false;
    for (let index = 0; index < length; index++) {
      // A hole reads as undefined, and is refused with it.
      if (!safe(object[index], budget, depth + 1)) return false;
    }
    // Keys beside the items (a RegExp match's `index`, `input`, `groups`) would be dropped.
    return Object.keys(object).length === length;
  }
  // Only plain objects: a Date, Map, typed array or class instance keeps its kind through V8 only.
  if (Object.getPrototypeOf(object) !== Object.prototype) return false;
  for (const key in object) {
    if (!safe((object as Record<string, unknown>)[key], budget, depth + 1)) return false;
  }
  return true;
}
