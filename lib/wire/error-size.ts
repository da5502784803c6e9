/**
 * Errors are held to `maxPayloadBytes` like every other payload, but a failure must always be
 * reported: an error over the limit is cut short instead of refused. Strings (message, stack,
 * string properties, a thrown string) keep their start and end in a marker naming the limit; a
 * property or thrown value too big to keep becomes that marker alone.
 *
 * Runs on the error path only, and measures once when the error fits.
 */
import type { SerializedError, SerializedThrow } from './protocol.js';
import { findUnserializable, mib, type WireFormat } from './serializable.js';

type Payload = SerializedError | SerializedThrow;

/** `payload` as it is when it fits `format.maxPayloadBytes`, else cut short to fit. */
export function fitError(payload: Payload, format: WireFormat): Payload {
  if (fits(payload, format, format.maxPayloadBytes)) return payload;
  // Each field gets an eighth of the limit: message and stack of an error and its cause fit.
  const cut = new Cut(format, Math.max(64, Math.floor(format.maxPayloadBytes / 8)));
  const smaller = cut.payload(payload, 0);
  if (fits(smaller, format, format.maxPayloadBytes)) return smaller;
  // Many fields, each within its share: what is left is the error's name and message.
  const first = smaller as Partial<SerializedError>;
  const message = typeof first.message === 'string' ? first.message : '';
  return { $error: 1, name: typeof first.name === 'string' ? first.name : 'Error', message: `${message} ${cut.marker('its other fields')}` };
}

class Cut {
  readonly #format: WireFormat;
  readonly #share: number;

  constructor(format: WireFormat, share: number) {
    this.#format = format;
    this.#share = share;
  }

  marker(what: string): string {
    return `[cut: ${what}; the error was over the ${mib(this.#format.maxPayloadBytes)} limit (maxPayloadBytes)]`;
  }

  payload(payload: Payload, depth: number): Payload {
    if ('$thrown' in payload) return payload.value === undefined ? payload : { $thrown: 1, value: this.value(payload.value, depth) };
    const error: { -readonly [K in keyof SerializedError]: SerializedError[K] } = { ...payload };
    error.name = this.text(error.name);
    error.message = this.text(error.message);
    if (error.className !== undefined) error.className = this.text(error.className);
    if (error.stack !== undefined) error.stack = this.text(error.stack);
    if (error.code !== undefined) error.code = this.value(error.code, depth);
    if (error.cause !== undefined) error.cause = this.value(error.cause, depth);
    if (error.errors !== undefined) error.errors = error.errors.map((member) => this.value(member, depth));
    if (error.props !== undefined) {
      const props: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(error.props)) {
        Object.defineProperty(props, key, { value: this.value(value, depth), enumerable: true, writable: true, configurable: true });
      }
      error.props = props;
    }
    return error;
  }

  value(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    const marked = value as Record<string, unknown>;
    if ((marked.$error === 1 || marked.$thrown === 1) && depth < 32) return this.payload(value as Payload, depth + 1);
    return fits(value, this.#format, this.#share) ? value : this.marker('a value too big to send');
  }

  text(text: string): string {
    if (text.length <= this.#share) return text;
    const keep = this.#share >> 1;
    return `${text.slice(0, keep)}… ${this.marker(`${text.length - 2 * keep} characters`)} …${text.slice(-keep)}`;
  }
}

function fits(value: unknown, format: WireFormat, maxBytes: number): boolean {
  try {
    return findUnserializable(value, format.serialization, maxBytes) === undefined;
  } catch {
    return false;
  }
}
