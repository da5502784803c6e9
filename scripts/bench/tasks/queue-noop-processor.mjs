/** A BullMQ sandboxed processor that does nothing: raw BullMQ with its job in a child process, as forkline runs calls. */
export default async function noop() {
  return null;
}
