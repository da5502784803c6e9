/**
 * Event-name lists derived from their event-map interfaces, so the two cannot drift apart.
 *
 * An emitter checks names at run time against a list, and the map types them at compile time;
 * copied by hand, one gains an event the other lacks. Here the list is the keys of an object that
 * must name every event of the map and nothing else: a missing name, an extra one or a typo fails
 * typecheck, and the keys (in order) become the list.
 */

/** One `true` per event of map `E`, no more, no fewer. */
export type EventNameSet<E> = { readonly [K in keyof E]-?: true };

/** `eventNames<LimitsEvents>({ 'limit-walltime': true, ... })` → `['limit-walltime', ...]`. */
export function eventNames<E>(names: EventNameSet<E>): readonly (keyof E & string)[] {
  return Object.keys(names) as (keyof E & string)[];
}
