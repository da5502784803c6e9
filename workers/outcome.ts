/**
 * What the host hears when a call ends: its result, or its error flattened to fit the channel,
 * and what goes instead when the channel refuses either.
 */
import { SerializationError } from '../lib/errors/index.js';
import { serializeError } from '../lib/wire/error-codec.js';
import { fitError } from '../lib/wire/error-size.js';
import { FRAME_TOO_LARGE } from '../lib/wire/pipes.js';
import type { ChildEnvelope, ErrorEnvelope, ResultEnvelope, TaskIdentity } from '../lib/wire/protocol.js';
import { assertSendable, type WireFormat } from '../lib/wire/serializable.js';

export type Outcome = { readonly value: unknown } | { readonly error: unknown };

/**
 * The envelope that settles call `id`. Never throws, whatever the task threw or returned: a
 * settle step that threw would leave the call unanswered and take the child down with it.
 */
export function outcomeEnvelope(id: number, task: TaskIdentity, outcome: Outcome, format: WireFormat): ResultEnvelope | ErrorEnvelope {
  if ('error' in outcome) return errorEnvelope(id, outcome.error, format);
  try {
    assertSendable(outcome.value, format, `Returning from ${task.export}()`, 'the return value');
  } catch (error) {
    return errorEnvelope(id, error, format);
  }
  return { t: 'result', id, value: outcome.value };
}

/**
 * What to send instead of an envelope the channel refused (a value that passed the checks but
 * not the serializer): a result or comm data becomes a SerializationError for its call, an error
 * that would not go becomes one that is certainly text. Undefined if it belonged to no call.
 */
export function refusedEnvelope(envelope: ChildEnvelope, error: Error, format: WireFormat): ErrorEnvelope | undefined {
  if (envelope.t === 'error' && '$error' in envelope.error) {
    // Even the flattened error would not go (a property's value slipped past the checks).
    const { name, message, stack } = envelope.error;
    return { t: 'error', id: envelope.id, error: { $error: 1, name, message, ...(stack === undefined ? {} : { stack }) } };
  }
  const id = envelope.t === 'result' ? envelope.id : envelope.t === 'comm' ? envelope.call : undefined;
  if (id === undefined) return undefined;
  const what = envelope.t === 'result' ? 'the return value' : 'comm data';
  // A frame too long says so itself (lib/wire/pipes.ts); anything else is the serializer's refusal.
  const tooLong = (error as { code?: string }).code === FRAME_TOO_LARGE;
  const problem = tooLong ? error.message : `cannot be serialized (${error.message})`;
  return errorEnvelope(id, new SerializationError('Sending to the host', what, problem, format.serialization), format);
}

function errorEnvelope(id: number, error: unknown, format: WireFormat): ErrorEnvelope {
  return { t: 'error', id, error: fitError(serializeError(error, format.serialization), format) };
}
