/**
 * The id users see for a comm (`comm.id` in the task, `msg.comm.id` in the host): `"<call>:<name>"`,
 * unique among the comms of a process. Built here and nowhere else; the wire carries the call and
 * the name as fields of their own (lib/wire/protocol.ts), so nothing ever parses an id.
 *
 * A leaf module: the child runtime imports it too.
 */

/** The id of the comm injected as `name` into call `call`. */
export function commId(call: number, name: string): string {
  return `${call}:${name}`;
}
